// Package github is the auth function's client for GitHub: the OAuth web
// flow with PKCE (golang.org/x/oauth2) and the signed-in user's profile
// from the REST API (google/go-github, through shared/githubapi). Both
// base URLs are configuration, so GitHub Enterprise Server and the test
// fake work unchanged.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	gogithub "github.com/google/go-github/v93/github"
	"golang.org/x/oauth2"

	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/tokenvault"
)

// Config says which OAuth app to use and where GitHub is.
type Config struct {
	ClientID     string
	ClientSecret string
	// WebURL is GitHub's web origin (https://github.com, or a GitHub
	// Enterprise Server host).
	WebURL string
	// APIURL is the REST API base (https://api.github.com, or
	// https://HOST/api/v3).
	APIURL      string
	Scopes      []string
	CallbackURL string
	// HTTP is used for every request; nil means a client with a 10 s
	// timeout.
	HTTP *http.Client
}

// Client talks to one GitHub.
type Client struct {
	oauth *oauth2.Config
	api   string
	http  *http.Client
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	web := strings.TrimRight(cfg.WebURL, "/")
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{
		oauth: &oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint: oauth2.Endpoint{
				AuthURL:  web + "/login/oauth/authorize",
				TokenURL: web + "/login/oauth/access_token",
				// GitHub documents credentials as parameters; fixing the
				// style saves oauth2's trial request with Basic auth.
				AuthStyle: oauth2.AuthStyleInParams,
			},
			RedirectURL: cfg.CallbackURL,
			Scopes:      cfg.Scopes,
		},
		api:  strings.TrimRight(cfg.APIURL, "/"),
		http: hc,
	}
}

// AuthCodeURL is where to send the browser: GitHub's authorize page for
// state, with the PKCE S256 challenge of verifier, asking for the
// configured scopes plus extra (the upgrade to publish or dispatch).
func (c *Client) AuthCodeURL(state, verifier string, extra ...string) string {
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if len(extra) > 0 {
		scopes := append([]string(nil), c.oauth.Scopes...)
		for _, s := range extra {
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
		opts = append(opts, oauth2.SetAuthURLParam("scope", strings.Join(scopes, " ")))
	}
	return c.oauth.AuthCodeURL(state, opts...)
}

// Grant is what a successful code exchange yields.
type Grant struct {
	Token  tokenvault.Secret
	Scopes []string
}

// ExchangeError is GitHub refusing a code (bad_verification_code,
// incorrect_client_credentials, redirect_uri_mismatch, …). Code is
// GitHub's error code; the response body is deliberately not kept.
type ExchangeError struct{ Code string }

func (e *ExchangeError) Error() string { return "github: code exchange refused: " + e.Code }

// Exchange trades an authorization code and its PKCE verifier for an
// access token. A refusal is *ExchangeError; other errors mean GitHub
// could not be reached or answered nonsense.
func (c *Client) Exchange(ctx context.Context, code, verifier string) (Grant, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	tok, err := c.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			code := re.ErrorCode
			if code == "" {
				code = fmt.Sprintf("http_%d", re.Response.StatusCode)
			}
			return Grant{}, &ExchangeError{Code: code}
		}
		// oauth2's other errors quote no response body, but they may
		// wrap a *url.Error naming the token URL; that is not secret.
		return Grant{}, fmt.Errorf("github: exchange: %w", err)
	}
	scope, _ := tok.Extra("scope").(string)
	return Grant{Token: tokenvault.NewSecret(tok.AccessToken), Scopes: ParseScopes(scope)}, nil
}

// ParseScopes reads GitHub's scope list ("repo,gist" in token answers,
// "repo, gist" in X-OAuth-Scopes, spaces in configuration).
func ParseScopes(s string) []string { return githubapi.ParseScopes(s) }

// Profile is the GitHub account that signed in.
type Profile struct {
	ID        int64
	Login     string
	Name      string
	AvatarURL string
	// Email is the public profile email, else the primary verified one
	// from /user/emails, else "".
	Email string
	// Scopes are the scopes GitHub reports for the token (X-OAuth-Scopes);
	// nil when it did not say.
	Scopes []string
}

// APIError is a non-2xx answer of the REST API.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("github: API answered %d: %s", e.Status, e.Message)
}

// Profile fetches the token's owner, and their primary verified email
// when the profile keeps it private, through the project's one GitHub
// client (shared/githubapi).
func (c *Client) Profile(ctx context.Context, token tokenvault.Secret) (Profile, error) {
	gh, err := githubapi.NewClient(githubapi.Config{APIURL: c.api, Transport: c.http.Transport, Timeout: c.http.Timeout}, token)
	if err != nil {
		return Profile{}, err
	}
	u, resp, err := gh.Users.Get(ctx, "")
	if err != nil {
		return Profile{}, apiError(err)
	}
	if u.GetID() == 0 || u.GetLogin() == "" {
		return Profile{}, errors.New("github: /user answered without id or login")
	}
	p := Profile{ID: u.GetID(), Login: u.GetLogin(), Name: u.GetName(), AvatarURL: u.GetAvatarURL()}
	if scopes, ok := githubapi.GrantedScopes(resp); ok {
		p.Scopes = scopes
	}
	if e := u.GetEmail(); e != "" {
		p.Email = e
		return p, nil
	}
	emails, _, err := gh.Users.ListEmails(ctx, nil)
	if err != nil {
		// Without the user:email scope GitHub answers 404; the account
		// then simply has no email here.
		var ae *APIError
		if errors.As(apiError(err), &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusForbidden) {
			return p, nil
		}
		return Profile{}, apiError(err)
	}
	for _, e := range emails {
		if e.GetPrimary() && e.GetVerified() {
			p.Email = e.GetEmail()
		}
	}
	return p, nil
}

// apiError turns go-github's error for an HTTP answer into *APIError;
// transport errors pass unchanged.
func apiError(err error) error {
	var er *gogithub.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return &APIError{Status: er.Response.StatusCode, Message: er.Message}
	}
	var rl *gogithub.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return &APIError{Status: rl.Response.StatusCode, Message: rl.Message}
	}
	var ab *gogithub.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return &APIError{Status: ab.Response.StatusCode, Message: ab.Message}
	}
	return fmt.Errorf("github: %w", err)
}
