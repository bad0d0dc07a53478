package github_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"golang.org/x/oauth2"

	"github.com/archstudio/studio/functions/auth/github"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

const callback = "http://app.test/api/auth/github/callback"

func client(srv *fakegithub.Server, apiSuffix string, scopes ...string) *github.Client {
	return github.New(github.Config{
		ClientID: fakegithub.TestClientID, ClientSecret: fakegithub.TestClientSecret,
		WebURL: srv.URL, APIURL: srv.URL + apiSuffix, Scopes: scopes, CallbackURL: callback,
	})
}

// code runs the authorize step the way a browser would.
func code(t *testing.T, c *github.Client, verifier string) string {
	t.Helper()
	nr := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nr.Get(c.AuthCodeURL("state-1", verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc.Query().Get("code")
}

func TestExchangeAndProfile(t *testing.T) {
	tests := []struct {
		name      string
		user      fakegithub.User
		apiSuffix string
		scopes    []string
		wantEmail string
	}{
		{"public email", fakegithub.User{Login: "pub", Email: "pub@example.com"}, "", []string{"read:user", "user:email"}, "pub@example.com"},
		{"private email, primary verified", fakegithub.User{Login: "priv", Emails: []fakegithub.Email{
			{Email: "other@example.com", Verified: true},
			{Email: "main@example.com", Primary: true, Verified: true},
		}}, "", []string{"read:user", "user:email"}, "main@example.com"},
		{"primary unverified", fakegithub.User{Login: "unv", Emails: []fakegithub.Email{
			{Email: "main@example.com", Primary: true, Verified: false},
		}}, "", []string{"user:email"}, ""},
		{"no email scope", fakegithub.User{Login: "noscope", Emails: []fakegithub.Email{
			{Email: "main@example.com", Primary: true, Verified: true},
		}}, "", []string{"read:user"}, ""},
		{"GitHub Enterprise API path", fakegithub.User{Login: "ghe", Email: "ghe@corp.example"}, "/api/v3", []string{"repo"}, "ghe@corp.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakegithub.NewServer(t, callback)
			added := srv.AddUser(tt.user)
			c := client(srv, tt.apiSuffix, tt.scopes...)
			verifier := oauth2.GenerateVerifier()
			grant, err := c.Exchange(context.Background(), code(t, c, verifier), verifier)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(grant.Scopes, tt.scopes) || grant.Token.Empty() {
				t.Fatalf("grant scopes %v", grant.Scopes)
			}
			p, err := c.Profile(context.Background(), grant.Token)
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != added.ID || p.Login != tt.user.Login || p.Email != tt.wantEmail || p.AvatarURL == "" {
				t.Fatalf("profile %+v", p)
			}
		})
	}
}

func TestExchangeRefused(t *testing.T) {
	srv := fakegithub.NewServer(t, callback)
	srv.AddUser(fakegithub.User{Login: "octocat"})
	c := client(srv, "")
	verifier := oauth2.GenerateVerifier()
	good := code(t, c, verifier)
	tests := []struct {
		name, code, verifier, want string
		c                          *github.Client
	}{
		{"unknown code", "nope", verifier, "bad_verification_code", c},
		{"wrong verifier", good, oauth2.GenerateVerifier(), "bad_verification_code", c},
		{"wrong secret", good, verifier, "incorrect_client_credentials", github.New(github.Config{
			ClientID: fakegithub.TestClientID, ClientSecret: "wrong", WebURL: srv.URL, APIURL: srv.URL, CallbackURL: callback})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.Exchange(context.Background(), tt.code, tt.verifier)
			var ee *github.ExchangeError
			if !errors.As(err, &ee) || ee.Code != tt.want {
				t.Fatalf("err = %v, want ExchangeError %s", err, tt.want)
			}
		})
	}
}

func TestProfileBadToken(t *testing.T) {
	srv := fakegithub.NewServer(t, callback)
	_, err := client(srv, "").Profile(context.Background(), tokenvault.NewSecret("gho_unknown"))
	var ae *github.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Message != "Bad credentials" {
		t.Fatalf("err = %v", err)
	}
}

func TestExchangeUnreachable(t *testing.T) {
	c := github.New(github.Config{ClientID: "a", ClientSecret: "b", WebURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:1"})
	_, err := c.Exchange(context.Background(), "code", "verifier")
	var ee *github.ExchangeError
	if err == nil || errors.As(err, &ee) {
		t.Fatalf("err = %v, want a transport error", err)
	}
}

func TestParseScopes(t *testing.T) {
	for in, want := range map[string][]string{
		"repo,gist":                          {"repo", "gist"},
		"repo, gist":                         {"repo", "gist"},
		"repo workflow read:user user:email": {"repo", "workflow", "read:user", "user:email"},
		"":                                   {},
		"repo,repo":                          {"repo"},
	} {
		if got := github.ParseScopes(in); !slices.Equal(got, want) {
			t.Errorf("ParseScopes(%q) = %v, want %v", in, got, want)
		}
	}
}
