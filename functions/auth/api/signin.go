package api

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/functions/auth/github"
	"github.com/archstudio/studio/functions/auth/loginstate"
	"github.com/archstudio/studio/functions/auth/users"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/session"
)

// UpgradeScopes are the scopes a user may add to the sign-in's own
// (GITHUB_SCOPES) with ?scope=…, when they first publish or dispatch:
// public_repo or repo to create issues, workflow to start workflows.
var UpgradeScopes = []string{"public_repo", "repo", "workflow"}

// startGitHub sends the browser to GitHub's authorize page with a fresh
// single-use state bound to this browser and a PKCE challenge. Each
// ?scope= (one of UpgradeScopes) is asked for besides the sign-in scopes.
func (h *handler) startGitHub(w http.ResponseWriter, r *http.Request) error {
	returnTo, err := checkReturnTo(r.URL.Query().Get("return_to"))
	if err != nil {
		return err
	}
	var extra []string
	for _, v := range r.URL.Query()["scope"] {
		for _, sc := range github.ParseScopes(v) {
			if !slices.Contains(UpgradeScopes, sc) {
				return apperr.InvalidField("scope", "must be one of %s", strings.Join(UpgradeScopes, ", "))
			}
			extra = append(extra, sc)
		}
	}
	st, err := h.States.Begin(r.Context(), returnTo)
	if err != nil {
		return unavailable(err)
	}
	http.SetCookie(w, h.States.Cookie(st.Binding))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.GitHub.AuthCodeURL(st.State, st.Verifier, extra...), http.StatusFound) // #nosec G710 -- the target is GitHub's authorize URL built from configuration, not from the request
	return nil
}

// Codes the callback sends the browser to /login?error=<code> with.
const (
	errAccessDenied      = "access_denied"      // the user declined at GitHub
	errStateMissing      = "state_missing"      // no state in the callback
	errStateInvalid      = "state_invalid"      // unknown, used or expired state
	errStateMismatch     = "state_mismatch"     // state started by another browser
	errCodeMissing       = "code_missing"       // no code in the callback
	errGitHubRejected    = "github_rejected"    // GitHub refused the code exchange
	errGitHubUnavailable = "github_unavailable" // GitHub unreachable or odd
	errUnavailable       = "unavailable"        // our Redis or database failed
	errRateLimited       = "rate_limited"       // too many sign-ins from this address
)

// refuseCallback sends a callback the sign-in limiter refused to the
// sign-in page (rate_limited, or unavailable when the limiter's store
// failed), keeping Retry-After for the browser.
func (h *handler) refuseCallback(w http.ResponseWriter, r *http.Request, e *apperr.Error) {
	code := errUnavailable
	if e.Code == apperr.RateLimited {
		code = errRateLimited
	}
	logging.FromContext(r.Context()).WarnContext(r.Context(), "github sign-in refused", slog.String("reason", code))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	http.Redirect(w, r, h.PublicURL+"/login?error="+code, http.StatusFound)
}

// githubCallback finishes GitHub sign-in. Every failure sends the browser
// to the sign-in page with an error code and leaves no session behind, so
// it never returns an error.
func (h *handler) githubCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	log := logging.FromContext(ctx)
	q := r.URL.Query()
	// The code is in this URL; keep it out of Referer headers.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	http.SetCookie(w, loginstate.ClearCookie())
	fail := func(code string, err error) {
		log.WarnContext(ctx, "github sign-in failed", slog.String("reason", code), slog.Any("error", err))
		http.Redirect(w, r, h.PublicURL+"/login?error="+url.QueryEscape(code), http.StatusFound)
	}

	state := q.Get("state")
	if state == "" {
		fail(errStateMissing, nil)
		return nil
	}
	var binding string
	if c, err := r.Cookie(loginstate.BindingCookie); err == nil {
		binding = c.Value
	}
	pending, err := h.States.Consume(ctx, state, binding)
	switch {
	case errors.Is(err, loginstate.ErrUnknown):
		fail(errStateInvalid, nil)
		return nil
	case errors.Is(err, loginstate.ErrMismatch):
		fail(errStateMismatch, nil)
		return nil
	case err != nil:
		fail(errUnavailable, err)
		return nil
	}
	if e := q.Get("error"); e != "" {
		code := errGitHubRejected
		if e == "access_denied" {
			code = errAccessDenied
		}
		fail(code, errors.New("github: "+e))
		return nil
	}
	code := q.Get("code")
	if code == "" {
		fail(errCodeMissing, nil)
		return nil
	}
	grant, err := h.GitHub.Exchange(ctx, code, pending.Verifier)
	var refused *github.ExchangeError
	switch {
	case errors.As(err, &refused):
		fail(errGitHubRejected, err)
		return nil
	case err != nil:
		fail(errGitHubUnavailable, err)
		return nil
	}
	profile, err := h.GitHub.Profile(ctx, grant.Token)
	if err != nil {
		fail(errGitHubUnavailable, err)
		return nil
	}
	// The scopes GitHub reports with the token (X-OAuth-Scopes) are what
	// it honours; the code exchange's list is the fallback.
	scopes := grant.Scopes
	if profile.Scopes != nil {
		scopes = profile.Scopes
	}
	var u users.User
	err = pgx.BeginFunc(ctx, h.Pool, func(tx pgx.Tx) error {
		var err error
		u, err = users.UpsertGitHub(ctx, tx, users.GitHubAccount{
			ID: profile.ID, Login: profile.Login, Email: profile.Email, AvatarURL: profile.AvatarURL,
		})
		if err != nil {
			return err
		}
		return h.Tokens.Save(ctx, tx, u.ID, grant.Token, scopes)
	})
	if err != nil {
		fail(errUnavailable, err)
		return nil
	}
	if err := h.startSession(ctx, w, r, u); err != nil {
		fail(errUnavailable, err)
		return nil
	}
	log.InfoContext(ctx, "signed in", slog.String("method", "github"), slog.String("user_id", u.ID),
		slog.String("login", u.Login), slog.Any("scopes", scopes))
	http.Redirect(w, r, h.PublicURL+pending.ReturnTo, http.StatusFound)
	return nil
}

// startSession gives the browser a brand-new session for u. Whatever
// session cookie it arrived with (an old session, or one planted by an
// attacker) is ended and replaced, so session fixation cannot work.
func (h *handler) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u users.User) error {
	if old := session.RawID(r); old != "" {
		if err := h.Sessions.Delete(ctx, old); err != nil {
			return err
		}
	}
	raw, err := h.Sessions.Create(ctx, session.User{ID: u.ID, Login: u.Login}, r.UserAgent())
	if err != nil {
		return err
	}
	http.SetCookie(w, session.Cookie(raw, h.Sessions.Config().AbsoluteTTL))
	return nil
}

func unavailable(err error) error {
	e := apperr.Wrap(err, apperr.Unavailable, "sign-in is unavailable; try again shortly")
	e.RetryAfter = time.Second
	return e
}
