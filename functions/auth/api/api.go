// Package api is the auth function's HTTP API (/api/auth/…): GitHub
// sign-in with PKCE, development sign-in, the signed-in user, and the
// user's sessions.
package api

import (
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sethvargo/go-limiter"

	"github.com/archstudio/studio/functions/auth/github"
	"github.com/archstudio/studio/functions/auth/loginstate"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/ratelimit"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/tokenvault"
)

// Deps is everything the handler uses.
type Deps struct {
	Pool     *pgxpool.Pool
	Sessions *session.Store
	States   *loginstate.Store
	Tokens   *tokenvault.Repository
	// GitHub is nil when no OAuth app is configured: GitHub sign-in
	// routes then do not exist.
	GitHub *github.Client
	// DevSignIn enables POST /api/auth/dev (never in production).
	DevSignIn bool
	// SignInLimiter counts sign-in requests per client IP.
	SignInLimiter limiter.Store
	// PublicURL is the origin users reach the app at; sign-in ends with
	// a redirect there.
	PublicURL     string
	DefaultLimits quota.Limits
}

type handler struct {
	Deps
}

// New returns the auth API.
func New(d Deps) http.Handler {
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	h := &handler{Deps: d}
	mux := http.NewServeMux()
	signIn := ratelimit.Middleware(d.SignInLimiter, ratelimit.ByClientIP("signin"))
	authed := func(f session.HandlerFunc) http.Handler { return session.Require(d.Sessions.Middleware, f) }

	mux.Handle("GET /api/auth/providers", apperr.HandlerFunc(h.providers))
	if d.GitHub != nil {
		mux.Handle("GET /api/auth/github", signIn(apperr.HandlerFunc(h.startGitHub)))
		// The callback is a browser navigation: a refusal goes back to the
		// sign-in page with its reason, like every other callback failure.
		callbackLimit := ratelimit.Refusing(d.SignInLimiter, ratelimit.ByClientIP("signin"), h.refuseCallback)
		mux.Handle("GET /api/auth/github/callback", callbackLimit(apperr.HandlerFunc(h.githubCallback)))
	}
	if d.DevSignIn {
		mux.Handle("POST /api/auth/dev", signIn(apperr.HandlerFunc(h.devSignIn)))
	}
	mux.Handle("GET /api/auth/me", authed(h.me))
	mux.Handle("GET /api/auth/session", apperr.HandlerFunc(h.currentSession))
	mux.Handle("POST /api/auth/logout", apperr.HandlerFunc(h.logout))
	mux.Handle("POST /api/auth/logout-all", authed(h.logoutAll))
	mux.Handle("GET /api/auth/sessions", authed(h.listSessions))
	mux.Handle("DELETE /api/auth/sessions/{id}", authed(h.deleteSession))
	return routing.JSONErrors(mux)
}
