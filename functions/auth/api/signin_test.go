package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/auth/loginstate"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

type meBody struct {
	ID        string   `json:"id"`
	Login     string   `json:"login"`
	AvatarURL string   `json:"avatar_url"`
	Email     *string  `json:"email"`
	Scopes    []string `json:"scopes"`
	Limits    struct {
		DailyCalls  int64 `json:"daily_calls"`
		DailyTokens int64 `json:"daily_tokens"`
	} `json:"limits"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// TestGitHubSignIn runs the whole flow against the fake GitHub and checks
// every promise along the way.
func TestGitHubSignIn(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	authorize := b.start("/chats/abc?tab=artifacts")
	q := authorize.Query()
	if got := authorize.Scheme + "://" + authorize.Host + authorize.Path; got != e.gh.URL+"/login/oauth/authorize" {
		t.Fatalf("authorize URL %s", authorize)
	}
	if q.Get("scope") != "repo workflow read:user user:email" || q.Get("client_id") != fakegithub.TestClientID ||
		q.Get("redirect_uri") != publicURL+"/api/auth/github/callback" || q.Get("response_type") != "code" {
		t.Fatalf("authorize query %v", q)
	}
	state, err := base64.RawURLEncoding.DecodeString(q.Get("state"))
	if err != nil || len(state) < 16 {
		t.Fatalf("state %q is not >= 128 random bits", q.Get("state"))
	}
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
		t.Fatalf("PKCE params %v", q)
	}
	binding := b.cookies[loginstate.BindingCookie]
	if binding == nil || !binding.Secure || !binding.HttpOnly || binding.SameSite != http.SameSiteLaxMode ||
		binding.Path != "/" || binding.MaxAge != 600 || binding.Value == q.Get("state") {
		t.Fatalf("binding cookie %+v", binding)
	}

	rec := b.do(http.MethodGet, e.approve(authorize), "")
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != publicURL+"/chats/abc?tab=artifacts" {
		t.Fatalf("callback: %d Location %q body %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if rec.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Error("callback without Referrer-Policy: no-referrer")
	}
	var sc *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == session.CookieName {
			sc = c
		}
	}
	if sc == nil || !sc.Secure || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.Domain != "" ||
		sc.MaxAge != int((7*24*time.Hour).Seconds()) || len(sc.Value) != 43 {
		t.Fatalf("session cookie %+v", sc)
	}
	if b.cookies[loginstate.BindingCookie] != nil {
		t.Error("binding cookie not cleared")
	}

	// The fake saw the PKCE verifier matching the challenge.
	var verifier string
	for _, r := range e.gh.Requests() {
		if r.Path == "/login/oauth/access_token" {
			verifier = r.Form["code_verifier"][0]
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") {
		t.Fatal("verifier sent to GitHub does not match the challenge")
	}

	me := b.do(http.MethodGet, "/api/auth/me", "")
	if me.Code != http.StatusOK {
		t.Fatalf("me: %d %s", me.Code, me.Body)
	}
	u := decode[meBody](t, me.Body.Bytes())
	if u.Login != "octocat" || u.Email == nil || *u.Email != "octocat@private.example" ||
		!slices.Equal(u.Scopes, []string{"repo", "workflow", "read:user", "user:email"}) ||
		u.Limits.DailyCalls != 200 || u.Limits.DailyTokens != 2000000 || !strings.HasPrefix(u.AvatarURL, "https://avatars.githubusercontent.com/") {
		t.Fatalf("me = %s", me.Body)
	}

	// Stored: the user by GitHub id, the token encrypted under k1.
	ctx := context.Background()
	var githubID int64
	var keyID string
	var nonce, ciphertext []byte
	if err := e.pool.QueryRow(ctx, `SELECT u.github_id, t.key_id, t.nonce, t.encrypted_token
		FROM users u JOIN encrypted_tokens t ON t.user_id = u.id WHERE u.id = $1`, u.ID).Scan(&githubID, &keyID, &nonce, &ciphertext); err != nil {
		t.Fatal(err)
	}
	issued := e.gh.IssuedTokens()
	if githubID == 0 || keyID != "k1" || len(nonce) != 12 || len(issued) != 1 || strings.Contains(string(ciphertext), issued[0]) {
		t.Fatalf("stored github_id %d key %s nonce %d issued %d", githubID, keyID, len(nonce), len(issued))
	}
	tok, err := tokenvault.NewRepository(e.pool, e.keys).Token(ctx, u.ID)
	if err != nil || tok.Secret.Reveal() != issued[0] {
		t.Fatalf("vault token: %v", err)
	}

	// The token never reached the logs or any response.
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"signed in"`) {
		t.Fatalf("sign-in was not logged at all; logs:\n%s", logs)
	}
	for _, tok := range issued {
		if strings.Contains(logs, tok) {
			t.Fatalf("token in logs:\n%s", logs)
		}
		for _, s := range b.seen {
			if strings.Contains(s, tok) {
				t.Fatalf("token in a response: %s", s)
			}
		}
	}

	// Signing in again (after a GitHub rename) keeps the same user and
	// replaces the token.
	e.gh.AddUser(fakegithub.User{ID: githubID, Login: "octocat-renamed", Email: "public@example.com"})
	e.gh.SignInAs("octocat-renamed")
	b2 := e.browser()
	if rec := b2.signIn(""); rec.Header().Get("Location") != publicURL+"/chats" {
		t.Fatalf("second sign-in: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	u2 := decode[meBody](t, b2.do(http.MethodGet, "/api/auth/me", "").Body.Bytes())
	if u2.ID != u.ID || u2.Login != "octocat-renamed" || u2.Email == nil || *u2.Email != "public@example.com" {
		t.Fatalf("after rename: %+v", u2)
	}
	tok, _ = tokenvault.NewRepository(e.pool, e.keys).Token(ctx, u.ID)
	if tok.Secret.Reveal() == issued[0] {
		t.Fatal("token not replaced by the new sign-in")
	}
	var n int
	e.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d users rows, want 1", n)
	}
}

// TestCallbackRejects checks each bad callback is refused, redirects to
// the sign-in page with its code, and starts no session.
func TestCallbackRejects(t *testing.T) {
	tests := []struct {
		name string
		opts []option
		// run returns the callback response.
		run  func(e *env, b *browser) *http.Response
		code string
	}{
		{"missing state", nil, func(e *env, b *browser) *http.Response {
			path := e.approve(b.start(""))
			u, _ := url.Parse(path)
			q := u.Query()
			q.Del("state")
			return b.do(http.MethodGet, u.Path+"?"+q.Encode(), "").Result()
		}, "state_missing"},
		{"unknown state", nil, func(e *env, b *browser) *http.Response {
			path := e.approve(b.start(""))
			u, _ := url.Parse(path)
			q := u.Query()
			q.Set("state", strings.Repeat("x", 43))
			return b.do(http.MethodGet, u.Path+"?"+q.Encode(), "").Result()
		}, "state_invalid"},
		{"replayed state", nil, func(e *env, b *browser) *http.Response {
			path := e.approve(b.start(""))
			if rec := b.do(http.MethodGet, path, ""); rec.Code != http.StatusFound || b.sessionCookie() == "" {
				e.t.Fatalf("first use failed: %d", rec.Code)
			}
			replay := e.browser()
			replay.cookies = map[string]*http.Cookie{}
			for k, v := range b.cookies {
				if k != session.CookieName {
					replay.cookies[k] = v
				}
			}
			// Same browser binding, same state and code: a replay.
			replay.cookies[loginstate.BindingCookie] = b.lastBinding
			return replay.do(http.MethodGet, path, "").Result()
		}, "state_invalid"},
		{"state from another browser", nil, func(e *env, b *browser) *http.Response {
			path := e.approve(b.start(""))
			other := e.browser()
			other.start("") // has its own binding cookie
			return other.do(http.MethodGet, path, "").Result()
		}, "state_mismatch"},
		{"no binding cookie", nil, func(e *env, b *browser) *http.Response {
			path := e.approve(b.start(""))
			delete(b.cookies, loginstate.BindingCookie)
			return b.do(http.MethodGet, path, "").Result()
		}, "state_mismatch"},
		{"expired state", []option{withStateTTL(100 * time.Millisecond)}, func(e *env, b *browser) *http.Response {
			path := e.approve(b.start(""))
			testkit.Eventually(e.t, 5*time.Second, func() bool {
				keys, err := e.rdb.Keys(context.Background(), "oauth-state:*").Result()
				return err == nil && len(keys) == 0
			}, "Redis expired the pending sign-in")
			return b.do(http.MethodGet, path, "").Result()
		}, "state_invalid"},
		{"user denied at GitHub", nil, func(e *env, b *browser) *http.Response {
			e.gh.Deny(true)
			return b.do(http.MethodGet, e.approve(b.start("")), "").Result()
		}, "access_denied"},
		{"bad code", nil, func(e *env, b *browser) *http.Response {
			u, _ := url.Parse(e.approve(b.start("")))
			q := u.Query()
			q.Set("code", "not-a-code")
			return b.do(http.MethodGet, u.Path+"?"+q.Encode(), "").Result()
		}, "github_rejected"},
		{"no code", nil, func(e *env, b *browser) *http.Response {
			u, _ := url.Parse(e.approve(b.start("")))
			q := u.Query()
			q.Del("code")
			return b.do(http.MethodGet, u.Path+"?"+q.Encode(), "").Result()
		}, "code_missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			b := e.browser()
			before := e.sessionKeys()
			resp := tt.run(e, b)
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != publicURL+"/login?error="+tt.code {
				t.Fatalf("status %d Location %q, want /login?error=%s", resp.StatusCode, resp.Header.Get("Location"), tt.code)
			}
			for _, c := range resp.Cookies() {
				if c.Name == session.CookieName && c.MaxAge >= 0 {
					t.Fatal("a rejected callback set a session cookie")
				}
			}
			if tt.name != "replayed state" && e.sessionKeys() != before {
				t.Fatal("a rejected callback created a session")
			}
			if tt.name == "replayed state" && e.sessionKeys() != 1 {
				t.Fatalf("%d sessions after a replay, want only the first", e.sessionKeys())
			}
		})
	}
}

// TestMismatchKeepsTheState: whoever sees a victim's callback URL (its
// state) and presents it first, without the victim's binding cookie, is
// refused, and the victim's sign-in still goes through.
func TestMismatchKeepsTheState(t *testing.T) {
	e := newEnv(t)
	victim := e.browser()
	path := e.approve(victim.start("/chats"))
	attacker := e.browser()
	attacker.start("") // a binding cookie of its own
	if rec := attacker.do(http.MethodGet, path, ""); rec.Header().Get("Location") != publicURL+"/login?error=state_mismatch" {
		t.Fatalf("attacker: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec := victim.do(http.MethodGet, path, "")
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != publicURL+"/chats" || victim.sessionCookie() == "" {
		t.Fatalf("victim after the attempt: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

func TestReturnTo(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		returnTo string
		status   int
	}{
		{"/chats/123", http.StatusFound},
		{"/", http.StatusFound},
		{"/settings?tab=github#top", http.StatusFound},
		{"https://evil.example/chats", http.StatusBadRequest},
		{"http://app.test/chats", http.StatusBadRequest},
		{"//evil.example/chats", http.StatusBadRequest},
		{"/\\evil.example", http.StatusBadRequest},
		{"\\\\evil.example", http.StatusBadRequest},
		{"/\t/evil.example", http.StatusBadRequest},
		{"javascript:alert(1)", http.StatusBadRequest},
		{"chats", http.StatusBadRequest},
		{"/" + strings.Repeat("a", 3000), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.returnTo, func(t *testing.T) {
			b := e.browser()
			rec := b.do(http.MethodGet, "/api/auth/github?return_to="+url.QueryEscape(tt.returnTo), "")
			if rec.Code != tt.status {
				t.Fatalf("status %d body %s", rec.Code, rec.Body)
			}
			if tt.status == http.StatusBadRequest {
				body := decode[struct {
					Error struct{ Code, Field string }
				}](t, rec.Body.Bytes())
				if body.Error.Code != "invalid_argument" || body.Error.Field != "return_to" {
					t.Fatalf("body %s", rec.Body)
				}
				return
			}
			loc, _ := url.Parse(rec.Header().Get("Location"))
			cb := b.do(http.MethodGet, e.approve(loc), "")
			if cb.Header().Get("Location") != publicURL+tt.returnTo {
				t.Fatalf("landed on %q", cb.Header().Get("Location"))
			}
		})
	}
}

// TestSessionFixation checks sign-in always issues a new session id and
// ends whatever session the browser came with.
func TestSessionFixation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		preset func(b *browser) string
	}{
		{"attacker-chosen value", func(b *browser) string { return "attacker-chosen-session-id-0000000000000000" }},
		{"attacker's own real session", func(b *browser) string {
			attacker := e.browser()
			attacker.signIn("")
			return attacker.sessionCookie()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			victim := e.browser()
			planted := tt.preset(victim)
			victim.setCookie(session.CookieName, planted)
			rec := victim.signIn("")
			if rec.Code != http.StatusFound {
				t.Fatalf("status %d", rec.Code)
			}
			got := victim.sessionCookie()
			if got == "" || got == planted {
				t.Fatalf("session cookie %q was not replaced", got)
			}
			if _, err := e.sessions.Resolve(context.Background(), planted); err == nil {
				t.Fatal("the planted session is still alive")
			}
			if _, err := e.sessions.Resolve(context.Background(), got); err != nil {
				t.Fatalf("new session: %v", err)
			}
		})
	}
}

// TestGitHubWithoutEmailScope signs in when the app asks for no email
// scope: /user/emails answers 404 and the user simply has no email.
func TestGitHubWithoutEmailScope(t *testing.T) {
	e := newEnv(t, withScopes("read:user"))
	b := e.browser()
	if rec := b.signIn(""); rec.Code != http.StatusFound || !strings.HasSuffix(rec.Header().Get("Location"), "/chats") {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Location"))
	}
	u := decode[meBody](t, b.do(http.MethodGet, "/api/auth/me", "").Body.Bytes())
	if u.Email != nil || !slices.Equal(u.Scopes, []string{"read:user"}) {
		t.Fatalf("me = %+v", u)
	}
}
