// Package api is the github function's HTTP API (/api/github/…): the
// signed-in user's repositories, publishing a roadmap artifact as issues,
// and the repository's workflow runs and dispatches. Every call to GitHub
// acts as the user, with their own token, decrypted only for the call.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/google/go-github/v93/github"

	"github.com/archstudio/studio/functions/github/publications"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/tokenvault"
)

// Deps are what the handler uses.
type Deps struct {
	Chats        *chatstore.Store
	Tokens       *tokenvault.Repository
	Publications *publications.Store
	// GitHub says where GitHub's API is (GITHUB_API_URL).
	GitHub githubapi.Config
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
}

type handler struct{ Deps }

// New returns the github API; every route requires a signed-in user
// (d.Authenticate).
func New(d Deps) http.Handler {
	h := &handler{Deps: d}
	return routing.JSONErrors(session.NewMux(d.Authenticate, map[string]session.HandlerFunc{
		"GET /api/github/account":                                         h.account,
		"GET /api/github/repos":                                           h.repos,
		"POST /api/github/publish":                                        h.publish,
		"GET /api/github/repos/{owner}/{repo}/runs":                       h.runs,
		"POST /api/github/repos/{owner}/{repo}/workflows/{id}/dispatches": h.dispatch,
		"GET /api/github/chats/{id}/repository":                           h.getRepository,
		"PUT /api/github/chats/{id}/repository":                           h.putRepository,
		"DELETE /api/github/chats/{id}/repository":                        h.deleteRepository,
		"POST /api/github/chats/{id}/repository/refresh":                  h.refreshRepository,
	}))
}

// Scopes each action needs: any one of the list.
var (
	publishScopes  = []string{"public_repo", "repo"}
	dispatchScopes = []string{"workflow"}
)

// account says whether the user can use GitHub from the studio and with
// which scopes, so the SPA can offer sign-in or the scope upgrade first.
func (h *handler) account(w http.ResponseWriter, r *http.Request, u session.User) error {
	out := struct {
		Connected   bool     `json:"connected"`
		Revoked     bool     `json:"revoked"`
		Scopes      []string `json:"scopes"`
		CanPublish  bool     `json:"can_publish"`
		CanDispatch bool     `json:"can_dispatch"`
	}{Scopes: []string{}}
	tok, err := h.Tokens.Token(r.Context(), u.ID)
	switch {
	case errors.Is(err, tokenvault.ErrNoToken):
	case errors.Is(err, tokenvault.ErrRevoked):
		out.Revoked = true
	case err != nil:
		return apperr.Wrap(err, apperr.Internal, "internal error")
	default:
		out.Connected, out.Scopes = true, tok.Scopes
		out.CanPublish = githubapi.HasScope(tok.Scopes, publishScopes...)
		out.CanDispatch = out.CanPublish && githubapi.HasScope(tok.Scopes, dispatchScopes...)
	}
	jsonio.Write(w, http.StatusOK, out)
	return nil
}

// session is one request's use of GitHub as the user.
type ghSession struct {
	h      *handler
	userID string
	scopes []string
	client *github.Client
}

// github opens the user's token for this request. It answers 403
// github_signin_required without one, 401 github_reauth_required when
// GitHub refused it before, and 403 github_scope_required when the
// stored scopes hold none of need (need empty: no check).
func (h *handler) github(ctx context.Context, userID string, need ...[]string) (*ghSession, error) {
	tok, err := h.Tokens.Token(ctx, userID)
	switch {
	case errors.Is(err, tokenvault.ErrNoToken):
		return nil, apperr.New(apperr.GitHubSignInRequired, "sign in with GitHub to use GitHub from the studio")
	case errors.Is(err, tokenvault.ErrRevoked):
		return nil, apperr.New(apperr.GitHubReauthRequired, "GitHub no longer accepts your sign-in; sign in with GitHub again")
	case err != nil:
		return nil, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	for _, oneOf := range need {
		if !githubapi.HasScope(tok.Scopes, oneOf...) {
			e := githubapi.ScopeRequired(oneOf[0], "this needs GitHub's "+oneOf[0]+" scope, which your sign-in has not granted")
			e.Details["accepted"] = oneOf
			return nil, e
		}
	}
	c, err := githubapi.NewClient(h.GitHub, tok.Secret)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	return &ghSession{h: h, userID: userID, scopes: tok.Scopes, client: c}, nil
}

// done looks at a GitHub answer: a refused token is marked invalid, and
// scopes GitHub reports differently from those stored are recorded. It
// returns err as the client should see it.
func (s *ghSession) done(ctx context.Context, resp *github.Response, err error, subject string) error {
	if granted, ok := githubapi.GrantedScopes(resp); ok && !slices.Equal(granted, s.scopes) {
		if uerr := s.h.Tokens.SetScopes(ctx, s.userID, granted); uerr != nil {
			logging.FromContext(ctx).WarnContext(ctx, "github: could not store scopes", slog.Any("error", uerr))
		} else {
			s.scopes = granted
		}
	}
	if err == nil {
		return nil
	}
	out := githubapi.Classify(err, subject)
	if errors.Is(out, githubapi.ErrRevoked) {
		if merr := s.h.Tokens.MarkInvalid(context.WithoutCancel(ctx), s.userID); merr != nil {
			logging.FromContext(ctx).ErrorContext(ctx, "github: could not mark token invalid", slog.Any("error", merr))
		}
		logging.FromContext(ctx).InfoContext(ctx, "github refused the user's token; marked invalid", slog.String("user_id", s.userID))
	}
	return out
}

var (
	ownerPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
)

// repoFromPath reads {owner}/{repo} of the path.
func repoFromPath(r *http.Request) (owner, name string, err error) {
	owner, name = r.PathValue("owner"), r.PathValue("repo")
	if err := checkRepo(owner, name, "repo"); err != nil {
		return "", "", err
	}
	return owner, name, nil
}

func checkRepo(owner, name, field string) error {
	if !ownerPattern.MatchString(owner) || !namePattern.MatchString(name) || name == "." || name == ".." {
		return apperr.InvalidField(field, "must be a GitHub repository as owner/name")
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
