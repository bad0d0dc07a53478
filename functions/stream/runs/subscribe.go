package runs

import (
	"context"
	"errors"
	"regexp"
	"sync"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/tokenvault"
)

var (
	ownerPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
)

// Subscription is one client's following of a repository's runs, for
// every transport (the SSE route, the WebSocket's watch_runs).
type Subscription struct {
	// Snapshot is the repository's runs when subscribing, as the JSON of
	// a Snapshot.
	Snapshot []byte
	sub      *subscriber
	once     sync.Once
	close    func()
}

// Changes delivers each later snapshot as JSON; a reader that falls
// behind skips to the newest.
func (s *Subscription) Changes() <-chan []byte { return s.sub.ch }

// Close ends the subscription; the last one of a repository on this
// instance stops its watcher. Closing twice is harmless.
func (s *Subscription) Close() { s.once.Do(s.close) }

// Subscribe follows owner/name's runs for userID. The user's own token
// proves they can see the repository (and refreshes the shared snapshot;
// with its ETag that is free when nothing changed). Errors:
// invalid_argument (field repo) for a name that is not owner/name,
// github_signin_required without a GitHub token, github_reauth_required
// when GitHub refuses it, GitHub's answer (not_found,
// github_scope_required, rate_limited, upstream) and unavailable.
func (r *Relay) Subscribe(ctx context.Context, userID, owner, name string) (*Subscription, error) {
	if !ownerPattern.MatchString(owner) || !namePattern.MatchString(name) || name == "." || name == ".." {
		return nil, apperr.InvalidField("repo", "must be a GitHub repository as owner/name")
	}
	if _, err := r.fetch(ctx, owner, name, userID); err != nil {
		switch {
		case errors.Is(err, tokenvault.ErrNoToken):
			return nil, apperr.New(apperr.GitHubSignInRequired, "sign in with GitHub to follow workflow runs")
		case errors.Is(err, tokenvault.ErrRevoked):
			return nil, apperr.New(apperr.GitHubReauthRequired, "GitHub no longer accepts your sign-in; sign in with GitHub again")
		}
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, apperr.Wrap(err, apperr.Unavailable, "workflow runs are unavailable; try again shortly")
	}
	sub, unsubscribe := r.subscribe(owner, name, userID)
	snap, err := r.d.Redis.HGet(ctx, stateKey(keyOf(owner, name)), "snapshot").Bytes()
	if err != nil {
		unsubscribe()
		return nil, apperr.Wrap(err, apperr.Unavailable, "workflow runs are unavailable; try again shortly")
	}
	return &Subscription{Snapshot: snap, sub: sub, close: unsubscribe}, nil
}
