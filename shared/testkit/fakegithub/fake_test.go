package fakegithub_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

const callback = "http://app.test/api/auth/github/callback"

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func challenge(verifier string) string {
	s := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// authorize runs the authorize step and returns the redirect's query.
func authorize(t *testing.T, srv *fakegithub.Server, params url.Values) url.Values {
	t.Helper()
	resp, err := noRedirect.Get(srv.URL + "/login/oauth/authorize?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize status %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), callback) {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

func exchange(t *testing.T, srv *fakegithub.Server, form url.Values, acceptHdr string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login/oauth/access_token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if acceptHdr != "" {
		req.Header.Set("Accept", acceptHdr)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token endpoint status %d (GitHub always answers 200)", resp.StatusCode)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.Header.Get("Content-Type"), string(b)
}

func newServer(t *testing.T) *fakegithub.Server {
	srv := fakegithub.NewServer(t, callback)
	srv.AddUser(fakegithub.User{Login: "octocat", Name: "The Octocat", Emails: []fakegithub.Email{
		{Email: "octo@private.example", Primary: true, Verified: true, Visibility: "private"},
		{Email: "octo@old.example", Verified: false},
	}})
	return srv
}

func TestWebFlow(t *testing.T) {
	srv := newServer(t)
	verifier := "verifier-0123456789-0123456789-0123456789-abc"
	q := authorize(t, srv, url.Values{
		"client_id": {fakegithub.TestClientID}, "redirect_uri": {callback}, "scope": {"repo workflow read:user user:email"},
		"state": {"st4te"}, "code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"},
	})
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	form := url.Values{
		"client_id": {fakegithub.TestClientID}, "client_secret": {fakegithub.TestClientSecret},
		"code": {q.Get("code")}, "redirect_uri": {callback}, "code_verifier": {verifier}, "grant_type": {"authorization_code"},
	}
	ct, body := exchange(t, srv, form, "")
	if ct != "application/x-www-form-urlencoded; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	vals, _ := url.ParseQuery(body)
	token := vals.Get("access_token")
	if !strings.HasPrefix(token, "gho_") || vals.Get("token_type") != "bearer" || vals.Get("scope") != "repo,workflow,read:user,user:email" {
		t.Fatalf("token answer %q", body)
	}
	// The code was single-use.
	if _, body := exchange(t, srv, form, ""); !strings.Contains(body, "error=bad_verification_code") {
		t.Fatalf("reused code: %q", body)
	}

	for _, scheme := range []string{"Bearer", "token"} {
		for _, base := range []string{srv.URL, srv.URL + "/api/v3"} {
			req, _ := http.NewRequest(http.MethodGet, base+"/user", nil)
			req.Header.Set("Authorization", scheme+" "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var u map[string]any
			json.NewDecoder(resp.Body).Decode(&u)
			resp.Body.Close()
			if resp.StatusCode != 200 || u["login"] != "octocat" || u["email"] != nil || u["id"].(float64) == 0 ||
				resp.Header.Get("X-OAuth-Scopes") != "repo, workflow, read:user, user:email" {
				t.Fatalf("%s %s/user: %d %v %v", scheme, base, resp.StatusCode, u, resp.Header)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/user/emails", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, _ := http.DefaultClient.Do(req)
	var emails []map[string]any
	json.NewDecoder(resp.Body).Decode(&emails)
	resp.Body.Close()
	if len(emails) != 2 || emails[0]["email"] != "octo@private.example" || emails[0]["primary"] != true || emails[1]["visibility"] != nil {
		t.Fatalf("emails %v", emails)
	}
}

func TestTokenAnswerFormats(t *testing.T) {
	srv := newServer(t)
	for _, tt := range []struct{ accept, ctype, want string }{
		{"application/json", "application/json; charset=utf-8", `"token_type":"bearer"`},
		{"application/xml", "application/xml; charset=utf-8", "<token_type>bearer</token_type>"},
	} {
		q := authorize(t, srv, url.Values{"client_id": {fakegithub.TestClientID}, "scope": {"repo"}})
		ct, body := exchange(t, srv, url.Values{"client_id": {fakegithub.TestClientID}, "client_secret": {fakegithub.TestClientSecret}, "code": {q.Get("code")}}, tt.accept)
		if ct != tt.ctype || !strings.Contains(body, tt.want) || !strings.Contains(body, "gho_") {
			t.Fatalf("Accept %s: %s %s", tt.accept, ct, body)
		}
	}
}

func TestTokenErrors(t *testing.T) {
	srv := newServer(t)
	now := time.Now()
	srv.SetClock(func() time.Time { return now })
	verifier := "right-verifier-0123456789-0123456789-0123456789"
	code := func() string {
		return authorize(t, srv, url.Values{"client_id": {fakegithub.TestClientID}, "redirect_uri": {callback},
			"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}}).Get("code")
	}
	base := func(c string) url.Values {
		return url.Values{"client_id": {fakegithub.TestClientID}, "client_secret": {fakegithub.TestClientSecret}, "code": {c}, "code_verifier": {verifier}}
	}
	tests := []struct {
		name   string
		form   func() url.Values
		accept string
		want   string
	}{
		{"wrong secret", func() url.Values { f := base(code()); f.Set("client_secret", "nope"); return f }, "", "error=incorrect_client_credentials"},
		{"unknown client", func() url.Values { f := base(code()); f.Set("client_id", "nope"); return f }, "", "error=incorrect_client_credentials"},
		{"unknown code", func() url.Values { return base("0000") }, "", "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired."},
		{"unknown code, json", func() url.Values { return base("0000") }, "application/json", `{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."`},
		{"wrong verifier", func() url.Values { f := base(code()); f.Set("code_verifier", "wrong"); return f }, "", "error=bad_verification_code"},
		{"missing verifier", func() url.Values { f := base(code()); f.Del("code_verifier"); return f }, "", "error=bad_verification_code"},
		{"other redirect_uri", func() url.Values { f := base(code()); f.Set("redirect_uri", "http://app.test/other"); return f }, "", "error=redirect_uri_mismatch"},
		{"expired code", func() url.Values { c := code(); now = now.Add(11 * time.Minute); return base(c) }, "", "error=bad_verification_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := exchange(t, srv, tt.form(), tt.accept)
			if !strings.Contains(body, tt.want) || strings.Contains(body, "access_token") {
				t.Fatalf("body %q, want %q", body, tt.want)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	srv := newServer(t)
	q := authorize(t, srv, url.Values{"client_id": {fakegithub.TestClientID}, "redirect_uri": {"http://evil.test/cb"}, "state": {"s"}})
	if q.Get("error") != "redirect_uri_mismatch" || q.Get("state") != "s" {
		t.Fatalf("query %v", q)
	}
	srv.Deny(true)
	q = authorize(t, srv, url.Values{"client_id": {fakegithub.TestClientID}, "state": {"s"}})
	if q.Get("error") != "access_denied" || q.Get("code") != "" {
		t.Fatalf("query %v", q)
	}
	resp, _ := noRedirect.Get(srv.URL + "/login/oauth/authorize?client_id=unknown")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown client: %d", resp.StatusCode)
	}
}

func TestAPIErrors(t *testing.T) {
	srv := newServer(t)
	srv.AddToken("gho_noemail", "octocat", []string{"read:user"})
	tests := []struct {
		path, auth string
		status     int
		message    string
	}{
		{"/user", "", 401, "Requires authentication"},
		{"/user", "Bearer gho_unknown", 401, "Bad credentials"},
		{"/user/emails", "token gho_noemail", 404, "Not Found"},
		{"/user", "token gho_noemail", 200, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, _ := http.DefaultClient.Do(req)
		var body struct{ Message string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || body.Message != tt.message {
			t.Fatalf("%s %q: %d %q", tt.path, tt.auth, resp.StatusCode, body.Message)
		}
	}
}

func TestAdminRoutes(t *testing.T) {
	f := fakegithub.New()
	post := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(body))
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := post("/_fake/users", `{"login":"hubot","email":"hubot@example.com"}`); c != 200 {
		t.Fatalf("add user %d", c)
	}
	if c := post("/_fake/tokens", `{"token":"gho_x","login":"hubot","scopes":["repo"]}`); c != 204 {
		t.Fatalf("add token %d", c)
	}
	req, _ := http.NewRequest(http.MethodGet, "/user", nil)
	req.Header.Set("Authorization", "token gho_x")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"email":"hubot@example.com"`) {
		t.Fatalf("/user %d %s", rec.Code, rec.Body.String())
	}
}
