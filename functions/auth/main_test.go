package main

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/auth"

func key(b byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune('a'+b)), 32)))
}

// TestLambda runs the built binary under a local Lambda Runtime API:
// development sign-in, the cookie it sets, /me with it, and the sign-in
// rate limit keyed by API Gateway's sourceIp.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	fn := testkit.StartLambda(t, bin,
		"DATABASE_URL="+testkit.DatabaseURL(t),
		"REDIS_URL="+testkit.RedisURL(t),
		"APP_ENV=development",
		"SIGNIN_RATE_LIMIT=2",
	)
	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/auth/providers", "", nil, ""))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(resp.Body) != `{"dev":true,"github":false}` {
		t.Fatalf("providers: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/api/auth/dev", "",
		map[string]string{"Content-Type": "application/json"}, `{"username":"lambda-user"}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dev sign-in: %d %s", resp.StatusCode, resp.Body)
	}
	var cookie string
	for _, c := range append(resp.Cookies, resp.Headers["Set-Cookie"]) {
		if strings.HasPrefix(c, session.CookieName+"=") {
			cookie, _, _ = strings.Cut(c, ";")
			if !strings.Contains(c, "Secure") || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
				t.Fatalf("cookie flags: %s", c)
			}
		}
	}
	if cookie == "" {
		t.Fatalf("no session cookie in %v %v", resp.Cookies, resp.Headers)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/auth/me", "", map[string]string{"Cookie": cookie}, ""))
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `"login":"lambda-user"`) {
		t.Fatalf("me: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/auth/me", "", nil, ""))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("me without cookie: %d", resp.StatusCode)
	}
	// Sign-in and logout change state too (login CSRF, forced logout).
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodDelete, Path: "/api/auth/sessions/" + strings.Repeat("0", 43),
		Headers: map[string]string{"Cookie": cookie}, Want: http.StatusNotFound})
	// Second sign-in from the same sourceIp is allowed, the third is not.
	fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/api/auth/dev", "", map[string]string{"Content-Type": "application/json"}, `{"username":"x"}`))
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/api/auth/dev", "", map[string]string{"Content-Type": "application/json"}, `{"username":"x"}`))
	if resp.StatusCode != http.StatusTooManyRequests || resp.Headers["Retry-After"] == "" {
		t.Fatalf("third sign-in: %d %v", resp.StatusCode, resp.Headers)
	}
}

// TestRateLimitAcrossProcesses starts the binary twice on one Redis and
// alternates sign-in requests between them: the limit is shared.
func TestRateLimitAcrossProcesses(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	env := []string{"DATABASE_URL=" + testkit.DatabaseURL(t), "REDIS_URL=" + testkit.RedisURL(t),
		"APP_ENV=development", "SIGNIN_RATE_LIMIT=4", "SIGNIN_RATE_WINDOW=1m"}
	procs := []*testkit.Function{testkit.StartFunction(t, bin, env...), testkit.StartFunction(t, bin, env...)}
	signIn := func(f *testkit.Function, ip string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, "http://fn/api/auth/dev", strings.NewReader(`{"username":"alice"}`))
		req.Header.Set("Content-Type", "application/json")
		// As the router sends it: its own hop last.
		req.Header.Set("X-Forwarded-For", "10.9.9.9, "+ip)
		resp, err := f.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	want := []int{200, 200, 200, 200, 429, 429}
	for i, w := range want {
		resp := signIn(procs[i%2], "198.51.100.7")
		if resp.StatusCode != w {
			t.Fatalf("request %d (process %d): %d, want %d", i, i%2, resp.StatusCode, w)
		}
		if w == 429 && resp.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if resp := signIn(procs[0], "198.51.100.8"); resp.StatusCode != 200 {
		t.Fatalf("another client: %d", resp.StatusCode)
	}
}

// TestGitHubSignInThroughBinary signs in through the built binary and the
// fake GitHub, then searches everything the process logged for the token.
func TestGitHubSignInThroughBinary(t *testing.T) {
	const public = "http://app.test"
	gh := fakegithub.NewServer(t, public+"/api/auth/github/callback")
	gh.AddUser(fakegithub.User{Login: "octocat", Email: "octocat@example.com"})
	bin := testkit.BuildFunction(t, pkg)
	fn := testkit.StartFunction(t, bin,
		"DATABASE_URL="+testkit.DatabaseURL(t), "REDIS_URL="+testkit.RedisURL(t),
		"APP_ENV=production", "LOG_LEVEL=debug", "PUBLIC_URL="+public,
		"GITHUB_CLIENT_ID="+fakegithub.TestClientID, "GITHUB_CLIENT_SECRET="+fakegithub.TestClientSecret,
		"GITHUB_WEB_URL="+gh.URL, "GITHUB_API_URL="+gh.URL,
		"TOKEN_KEYS=k1:"+key(1),
	)
	client := *fn.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cookies := map[string]string{}
	get := func(target string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, "http://fn"+target, nil)
		for k, v := range cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 {
				delete(cookies, c.Name)
			} else {
				cookies[c.Name] = c.Value
			}
		}
		return resp
	}
	resp := get("/api/auth/github?return_to=/chats")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("start: %d", resp.StatusCode)
	}
	// Least privilege: by default sign-in asks for nothing more.
	if authz, _ := url.Parse(resp.Header.Get("Location")); authz.Query().Get("scope") != "read:user user:email" {
		t.Fatalf("sign-in asks for scopes %q", authz.Query().Get("scope"))
	}
	ghResp, err := (&http.Client{CheckRedirect: client.CheckRedirect}).Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	ghResp.Body.Close()
	cb, _ := url.Parse(ghResp.Header.Get("Location"))
	resp = get(cb.RequestURI())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != public+"/chats" {
		t.Fatalf("callback: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get("/api/auth/me"); resp.StatusCode != http.StatusOK {
		t.Fatalf("me: %d", resp.StatusCode)
	}
	// Dev sign-in does not exist in production.
	req, _ := http.NewRequest(http.MethodPost, "http://fn/api/auth/dev", strings.NewReader(`{"username":"x"}`))
	if resp, _ := client.Do(req); resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("dev sign-in in production: %v", resp)
	}
	logs := fn.Logs()
	if !strings.Contains(logs, `"msg":"signed in"`) {
		t.Fatalf("no sign-in log:\n%s", logs)
	}
	tokens := gh.IssuedTokens()
	if len(tokens) != 1 {
		t.Fatalf("%d tokens issued", len(tokens))
	}
	for _, secret := range append(tokens, key(1), fakegithub.TestClientSecret) {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret is in the logs:\n%s", logs)
		}
	}
}

// TestStartupRefuses checks bad or missing settings stop the binary with
// a message naming the variable and never the key material.
func TestStartupRefuses(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	base := []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0"}
	gh := []string{"GITHUB_CLIENT_ID=id", "GITHUB_CLIENT_SECRET=s3cr3t-value"}
	shortKey := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	tests := []testkit.BadConfig{
		{Name: "production without GitHub", Env: []string{"APP_ENV=production", "TOKEN_KEYS=k1:" + key(1)}, Want: "GITHUB_CLIENT_ID", Secret: key(1)},
		{Name: "production without TOKEN_KEYS", Env: append([]string{"APP_ENV=production", "TOKEN_KEYS="}, gh...), Want: "TOKEN_KEYS", Secret: "s3cr3t-value"},
		{Name: "short key", Env: append([]string{"APP_ENV=development", "TOKEN_KEYS=k1:" + shortKey}, gh...), Want: "TOKEN_KEYS", Secret: shortKey},
		{Name: "not base64", Env: []string{"TOKEN_KEYS=k1:not*base64*at*all*but*long*enough*to*see"}, Want: "TOKEN_KEYS", Secret: "not*base64"},
		{Name: "duplicate key ids", Env: []string{"TOKEN_KEYS=k1:" + key(1) + ",k1:" + key(2)}, Want: "TOKEN_KEYS", Secret: key(2)},
		{Name: "client id without secret", Env: []string{"GITHUB_CLIENT_ID=id", "GITHUB_CLIENT_SECRET="}, Want: "GITHUB_CLIENT_SECRET"},
		{Name: "wildcard origin", Env: []string{"ALLOWED_ORIGINS=*"}, Want: "ALLOWED_ORIGINS"},
		{Name: "idle longer than absolute", Env: []string{"SESSION_TTL=1h", "SESSION_IDLE_TTL=2h"}, Want: "SESSION_IDLE_TTL"},
		{Name: "bad GitHub URL", Env: []string{"GITHUB_WEB_URL=github.com"}, Want: "GITHUB_WEB_URL"},
	}
	for i := range tests {
		tests[i].Env = append(append([]string{}, base...), tests[i].Env...)
	}
	testkit.RefusesToStart(t, bin, tests)
}

// TestRotateTokenKeys runs the rotation command against stored tokens.
func TestRotateTokenKeys(t *testing.T) {
	ctx := context.Background()
	b := testkit.NewBackend(t)
	dbURL, p := b.DatabaseURL, b.Pool
	bin := testkit.BuildFunction(t, pkg+"/cmd/rotate-token-keys")
	k1, _ := tokenvault.ParseKeys("k1:" + key(1))
	old := tokenvault.NewRepository(p, k1)
	var ids []string
	for i := range 5 {
		var id string
		if err := p.QueryRow(ctx, `INSERT INTO users (github_id, username) VALUES ($1, $2) RETURNING id::text`, 10+i, "u"+string(rune('a'+i))).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if err := old.Save(ctx, p, id, tokenvault.NewSecret("gho_token_"+id), []string{"repo"}); err != nil {
			t.Fatal(err)
		}
	}
	both := "TOKEN_KEYS=k2:" + key(2) + ",k1:" + key(1)
	out, code := testkit.RunBinary(t, bin, "DATABASE_URL="+dbURL, both, "ROTATE_BATCH_SIZE=2")
	if code != 0 || !strings.Contains(out, `"reencrypted":5`) {
		t.Fatalf("exit %d: %s", code, out)
	}
	out, code = testkit.RunBinary(t, bin, "DATABASE_URL="+dbURL, both)
	if code != 0 || !strings.Contains(out, `"reencrypted":0`) {
		t.Fatalf("re-run: exit %d: %s", code, out)
	}
	k2only, _ := tokenvault.ParseKeys("k2:" + key(2))
	for _, id := range ids {
		tok, err := tokenvault.NewRepository(p, k2only).Token(ctx, id)
		if err != nil || tok.Secret.Reveal() != "gho_token_"+id {
			t.Fatalf("after rotation, k1 removed: %v", err)
		}
	}
	for _, s := range []string{key(1), key(2), "gho_token_"} {
		if strings.Contains(out, s) {
			t.Fatalf("rotation output leaks %q: %s", s, out)
		}
	}
	// A ring missing the key the rows are under: reported, exit 1.
	out, code = testkit.RunBinary(t, bin, "DATABASE_URL="+dbURL, "TOKEN_KEYS=k3:"+key(3))
	if code == 0 || !strings.Contains(out, "k2") || !strings.Contains(out, "TOKEN_KEYS") {
		t.Fatalf("missing key: exit %d: %s", code, out)
	}
	var n int
	p.QueryRow(ctx, `SELECT count(*) FROM encrypted_tokens WHERE key_id = 'k2'`).Scan(&n)
	if n != 5 {
		t.Fatalf("%d rows under k2 after a failed run, want 5 untouched", n)
	}
}
