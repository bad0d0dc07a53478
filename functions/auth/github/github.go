// Package github is the auth function's client for GitHub: the OAuth web
// flow with PKCE (golang.org/x/oauth2) and the signed-in user's profile
// from the REST API. Both base URLs are configuration, so GitHub
// Enterprise Server and the test fake work unchanged.
package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

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
// state, with the PKCE S256 challenge of verifier.
func (c *Client) AuthCodeURL(state, verifier string) string {
	return c.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
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
func ParseScopes(s string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, sc := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !seen[sc] {
			seen[sc] = true
			out = append(out, sc)
		}
	}
	return out
}

// Profile is the GitHub account that signed in.
type Profile struct {
	ID        int64
	Login     string
	Name      string
	AvatarURL string
	// Email is the public profile email, else the primary verified one
	// from /user/emails, else "".
	Email string
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
// when the profile keeps it private.
func (c *Client) Profile(ctx context.Context, token tokenvault.Secret) (Profile, error) {
	var u struct {
		ID        int64   `json:"id"`
		Login     string  `json:"login"`
		Name      *string `json:"name"`
		AvatarURL string  `json:"avatar_url"`
		Email     *string `json:"email"`
	}
	if err := c.get(ctx, token, "/user", &u); err != nil {
		return Profile{}, err
	}
	if u.ID == 0 || u.Login == "" {
		return Profile{}, errors.New("github: /user answered without id or login")
	}
	p := Profile{ID: u.ID, Login: u.Login, AvatarURL: u.AvatarURL}
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Email != nil && *u.Email != "" {
		p.Email = *u.Email
		return p, nil
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	// Without the user:email scope GitHub answers 404; the account then
	// simply has no email here.
	if err := c.get(ctx, token, "/user/emails", &emails); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusForbidden) {
			return p, nil
		}
		return Profile{}, err
	}
	for _, e := range emails {
		if e.Primary && e.Verified {
			p.Email = e.Email
		}
	}
	return p, nil
}

func (c *Client) get(ctx context.Context, token tokenvault.Secret, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api+path, nil)
	if err != nil {
		return fmt.Errorf("github: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token.Reveal())
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "ArchStudio")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("github: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("github: GET %s: %w", path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		return &APIError{Status: resp.StatusCode, Message: e.Message}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("github: GET %s: %w", path, err)
	}
	return nil
}
