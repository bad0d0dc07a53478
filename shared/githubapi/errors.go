package githubapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v93/github"

	"github.com/archstudio/studio/shared/apperr"
)

// ErrRevoked marks an error as GitHub refusing the token itself (401):
// the caller should mark the stored token invalid.
var ErrRevoked = errors.New("githubapi: GitHub refused the token")

// Classify turns a go-github error into the apperr error a client sees.
// subject names what was asked for ("repository acme/app"), so a 404 or
// 403 says which. GitHub's messages are passed on only where they are
// GitHub's public text; the token never appears in any of them (go-github
// errors hold the request URL, which carries no token).
//
//   - 401 → github_reauth_required, wrapping ErrRevoked
//   - primary or secondary rate limit → 429 rate_limited with the reset
//     time (details reset_at, Retry-After)
//   - 403 naming a scope the token lacks → github_scope_required
//   - other 403 → forbidden; 404 → not_found; 422 → invalid_argument
//   - 5xx, a timeout or an unreachable GitHub → 502 upstream_error
func Classify(err error, subject string) error {
	if err == nil {
		return nil
	}
	var (
		rate  *github.RateLimitError
		abuse *github.AbuseRateLimitError
		resp  *github.ErrorResponse
	)
	switch {
	case errors.As(err, &rate):
		reset := rate.Rate.Reset.Time
		return rateLimited(err, reset, time.Until(reset))
	case errors.As(err, &abuse):
		wait := time.Minute
		if abuse.RetryAfter != nil && *abuse.RetryAfter > 0 {
			wait = *abuse.RetryAfter
		}
		return rateLimited(err, time.Now().Add(wait), wait)
	case errors.As(err, &resp) && resp.Response != nil:
		return classifyStatus(err, resp, subject)
	case errors.Is(err, context.Canceled):
		return apperr.Wrap(err, apperr.Unavailable, "the request was cancelled")
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return apperr.Wrap(err, apperr.Upstream, "GitHub did not answer in time; try again")
	}
	return apperr.Wrap(err, apperr.Upstream, "GitHub could not be reached; try again")
}

func classifyStatus(err error, resp *github.ErrorResponse, subject string) error {
	status := resp.Response.StatusCode
	switch {
	case status == http.StatusUnauthorized:
		e := apperr.New(apperr.GitHubReauthRequired, "GitHub no longer accepts your sign-in (the token was revoked or expired); sign in with GitHub again")
		e.Err = errors.Join(ErrRevoked, err)
		return e
	case status == http.StatusForbidden || status == http.StatusNotFound:
		if scope := missingScope(resp.Response.Header); scope != "" {
			return ScopeRequired(scope, "GitHub needs the "+scope+" scope for "+subject)
		}
		if status == http.StatusNotFound {
			return apperr.Wrap(err, apperr.NotFound, subject+" was not found on GitHub, or your account cannot see it")
		}
		return apperr.Wrap(err, apperr.Forbidden, "GitHub refused access to "+subject+": "+publicMessage(resp))
	case status == http.StatusTooManyRequests:
		return rateLimited(err, time.Now().Add(time.Minute), time.Minute)
	case status == http.StatusUnprocessableEntity || status == http.StatusGone:
		return apperr.Wrap(err, apperr.Invalid, "GitHub refused the request for "+subject+": "+publicMessage(resp))
	case status >= 500:
		return apperr.Wrap(err, apperr.Upstream, "GitHub failed to answer ("+http.StatusText(status)+"); try again")
	}
	return apperr.Wrap(err, apperr.Upstream, "GitHub answered unexpectedly ("+http.StatusText(status)+")")
}

// ScopeRequired is the 403 for a token that lacks scope.
func ScopeRequired(scope, message string) *apperr.Error {
	e := apperr.New(apperr.GitHubScopeRequired, "%s", message)
	e.Details = map[string]any{"scope": scope}
	return e
}

// missingScope reads GitHub's X-Accepted-OAuth-Scopes (what the endpoint
// accepts) against X-OAuth-Scopes (what the token has): "" when the token
// has one of them or GitHub did not say.
func missingScope(h http.Header) string {
	accepted := ParseScopes(h.Get("X-Accepted-OAuth-Scopes"))
	if len(accepted) == 0 || h.Values("X-OAuth-Scopes") == nil {
		return ""
	}
	if HasScope(ParseScopes(h.Get("X-OAuth-Scopes")), accepted...) {
		return ""
	}
	return accepted[0]
}

// scopeImplies lists what a broader scope includes.
var scopeImplies = map[string][]string{
	"repo": {"public_repo", "repo:status", "repo_deployment", "repo:invite", "security_events"},
	"user": {"read:user", "user:email", "user:follow"},
}

// HasScope reports whether granted holds any of wanted, directly or
// through a broader scope (repo includes public_repo).
func HasScope(granted []string, wanted ...string) bool {
	for _, g := range granted {
		for _, w := range wanted {
			if g == w {
				return true
			}
			for _, implied := range scopeImplies[g] {
				if implied == w {
					return true
				}
			}
		}
	}
	return false
}

func rateLimited(cause error, reset time.Time, wait time.Duration) error {
	if wait < time.Second {
		wait = time.Second
	}
	e := apperr.New(apperr.RateLimited, "GitHub's rate limit is exhausted until %s", reset.UTC().Format(time.RFC3339))
	e.Details = map[string]any{"reset_at": reset.UTC().Format(time.RFC3339)}
	e.RetryAfter = wait
	e.Err = cause
	return e
}

// publicMessage is GitHub's own message, trimmed.
func publicMessage(resp *github.ErrorResponse) string {
	m := strings.TrimSpace(resp.Message)
	if m == "" {
		m = http.StatusText(resp.Response.StatusCode)
	}
	if len(m) > 200 {
		m = m[:200]
	}
	return m
}
