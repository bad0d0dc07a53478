// Package githubapi is ArchStudio's one way to GitHub's REST API:
// google/go-github with the user's token from golang.org/x/oauth2, the
// base URL from configuration (github.com, GitHub Enterprise Server, or a
// test fake), and GitHub's failures turned into apperr errors.
package githubapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v93/github"
	"golang.org/x/oauth2"

	"github.com/archstudio/studio/shared/tokenvault"
)

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com"

// Config says where GitHub's API is and how to reach it.
type Config struct {
	// APIURL is https://api.github.com, or https://HOST/api/v3 for
	// GitHub Enterprise Server ("/api/v3" is added when missing).
	APIURL string
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Timeout bounds each request; zero means 10 s.
	Timeout time.Duration
	// Metrics, when set, counts the calls and keeps the rate limit.
	Metrics *Metrics
}

// NewClient returns a go-github client acting with token. The token is
// only ever put in the Authorization header, by oauth2's transport.
func NewClient(cfg Config, token tokenvault.Secret) (*github.Client, error) {
	if token.Empty() {
		return nil, errors.New("githubapi: no token")
	}
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	base = cfg.Metrics.transport(base)
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	hc := &http.Client{
		Timeout: timeout,
		Transport: &oauth2.Transport{
			Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token.Reveal(), TokenType: "Bearer"}),
			Base:   base,
		},
	}
	opts := []github.ClientOptionsFunc{github.WithHTTPClient(hc)}
	if api := strings.TrimRight(cfg.APIURL, "/"); api != "" && api != DefaultAPIURL {
		opts = append(opts, github.WithEnterpriseURLs(api+"/", uploadURL(api)))
	}
	return github.NewClient(opts...)
}

// uploadURL is GitHub Enterprise Server's upload base next to its API.
func uploadURL(api string) string {
	u, err := url.Parse(api)
	if err != nil {
		return api + "/"
	}
	u.Path = strings.TrimSuffix(u.Path, "/api/v3") + "/api/uploads/"
	return u.String()
}

// ParseScopes reads GitHub's scope lists ("repo,gist" in token answers,
// "repo, gist" in X-OAuth-Scopes, spaces in configuration), dropping
// duplicates and keeping the order.
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

// GrantedScopes returns the scopes GitHub reports for the token that
// made resp (its X-OAuth-Scopes header); ok is false when the header is
// absent (GitHub App tokens, or a response that never arrived).
func GrantedScopes(resp *github.Response) (scopes []string, ok bool) {
	if resp == nil || resp.Response == nil {
		return nil, false
	}
	v, ok := resp.Header["X-Oauth-Scopes"]
	if !ok || len(v) == 0 {
		return nil, false
	}
	return ParseScopes(v[0]), true
}
