package runs

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/tokenvault"
)

var (
	ownerPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
)

// Handler serves GET /api/github/repos/{owner}/{repo}/runs/events: the
// repository's runs now, then again whenever they change, as SSE events
// named "runs". It requires a signed-in user (Deps.Authenticate).
func (r *Relay) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/github/repos/{owner}/{repo}/runs/events", session.Require(r.d.Authenticate, r.events))
	return routing.JSONErrors(mux)
}

func (r *Relay) events(w http.ResponseWriter, req *http.Request, u session.User) error {
	owner, name := req.PathValue("owner"), req.PathValue("repo")
	if !ownerPattern.MatchString(owner) || !namePattern.MatchString(name) || name == "." || name == ".." {
		return apperr.InvalidField("repo", "must be a GitHub repository as owner/name")
	}
	ctx := req.Context()
	// The subscriber's own token proves they can see the repository (and
	// refreshes the shared snapshot; with its ETag that is free when
	// nothing changed).
	if _, err := r.fetch(ctx, owner, name, u.ID); err != nil {
		switch {
		case errors.Is(err, tokenvault.ErrNoToken):
			return apperr.New(apperr.GitHubSignInRequired, "sign in with GitHub to follow workflow runs")
		case errors.Is(err, tokenvault.ErrRevoked):
			return apperr.New(apperr.GitHubReauthRequired, "GitHub no longer accepts your sign-in; sign in with GitHub again")
		}
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return err
		}
		return apperr.Wrap(err, apperr.Unavailable, "workflow runs are unavailable; try again shortly")
	}
	sub, unsubscribe := r.subscribe(owner, name, u.ID)
	defer unsubscribe()
	snap, err := r.d.Redis.HGet(ctx, stateKey(keyOf(owner, name)), "snapshot").Bytes()
	if err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "workflow runs are unavailable; try again shortly")
	}

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(payload []byte) error {
		if _, err := fmt.Fprintf(w, "event: runs\ndata: %s\n\n", payload); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := send(snap); err != nil {
		return nil
	}
	beat := time.NewTicker(r.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg := <-sub.ch:
			if err := send(msg); err != nil {
				return nil
			}
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		}
	}
}
