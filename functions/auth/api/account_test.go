package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

type errBody struct {
	Error struct {
		Code, Field, Message string
	}
}

// TestAPI is the status table of every route, through the real handler.
func TestAPI(t *testing.T) {
	e := newEnv(t, withoutGitHub(true))
	signedIn := e.browser()
	if rec := signedIn.do(http.MethodPost, "/api/auth/dev", `{"username":"alice"}`); rec.Code != http.StatusOK {
		t.Fatalf("dev sign-in: %d %s", rec.Code, rec.Body)
	}
	other := e.browser()
	other.do(http.MethodPost, "/api/auth/dev", `{"username":"bob"}`)
	bobSessions := decode[struct{ Sessions []struct{ ID string } }](t, other.do(http.MethodGet, "/api/auth/sessions", "").Body.Bytes())
	anon := e.browser()
	forged := e.browser()
	forged.setCookie(session.CookieName, strings.Repeat("Q", 43))

	tests := []struct {
		name   string
		b      *browser
		method string
		path   string
		body   string
		status int
		code   string
	}{
		{"providers", anon, "GET", "/api/auth/providers", "", 200, ""},
		{"me", signedIn, "GET", "/api/auth/me", "", 200, ""},
		{"me anonymous", anon, "GET", "/api/auth/me", "", 401, "unauthenticated"},
		{"me forged cookie", forged, "GET", "/api/auth/me", "", 401, "unauthenticated"},
		{"session", signedIn, "GET", "/api/auth/session", "", 200, ""},
		{"session anonymous", anon, "GET", "/api/auth/session", "", 200, ""},
		{"session forged cookie", forged, "GET", "/api/auth/session", "", 200, ""},
		{"sessions", signedIn, "GET", "/api/auth/sessions", "", 200, ""},
		{"sessions anonymous", anon, "GET", "/api/auth/sessions", "", 401, "unauthenticated"},
		{"delete unknown session", signedIn, "DELETE", "/api/auth/sessions/nope", "", 404, "not_found"},
		{"delete another user's session", signedIn, "DELETE", "/api/auth/sessions/" + bobSessions.Sessions[0].ID, "", 404, "not_found"},
		{"delete session anonymous", anon, "DELETE", "/api/auth/sessions/x", "", 401, "unauthenticated"},
		{"logout-all anonymous", anon, "POST", "/api/auth/logout-all", "", 401, "unauthenticated"},
		{"dev bad username", anon, "POST", "/api/auth/dev", `{"username":"no spaces"}`, 400, "invalid_argument"},
		{"dev empty username", anon, "POST", "/api/auth/dev", `{"username":""}`, 400, "invalid_argument"},
		{"dev unknown field", anon, "POST", "/api/auth/dev", `{"username":"a","admin":true}`, 400, "invalid_argument"},
		{"dev not json", anon, "POST", "/api/auth/dev", `username=a`, 400, "invalid_argument"},
		{"github off", anon, "GET", "/api/auth/github", "", 404, "not_found"},
		{"callback off", anon, "GET", "/api/auth/github/callback?code=x&state=y", "", 404, "not_found"},
		{"unknown route", anon, "GET", "/api/auth/nope", "", 404, "not_found"},
		{"wrong method", anon, "GET", "/api/auth/logout", "", 405, "method_not_allowed"},
		{"logout anonymous", anon, "POST", "/api/auth/logout", "", 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.b.do(tt.method, tt.path, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d, body %s", rec.Code, rec.Body)
			}
			if tt.code != "" {
				if got := decode[errBody](t, rec.Body.Bytes()); got.Error.Code != tt.code {
					t.Fatalf("code %q, want %q (%s)", got.Error.Code, tt.code, rec.Body)
				}
			}
		})
	}
	// The start-up probe names the user, or none, without a 401.
	type sessionBody struct {
		User *struct{ Login string } `json:"user"`
	}
	if got := decode[sessionBody](t, signedIn.do(http.MethodGet, "/api/auth/session", "").Body.Bytes()); got.User == nil || got.User.Login == "" {
		t.Fatalf("signed-in session: %+v", got)
	}
	for _, b := range []*browser{anon, forged} {
		if got := decode[sessionBody](t, b.do(http.MethodGet, "/api/auth/session", "").Body.Bytes()); got.User != nil {
			t.Fatalf("signed-out session: %+v", got.User)
		}
	}
	// Bad input names the field.
	rec := anon.do(http.MethodPost, "/api/auth/dev", `{"username":"-bad-"}`)
	if got := decode[errBody](t, rec.Body.Bytes()); got.Error.Field != "username" {
		t.Fatalf("field %q", got.Error.Field)
	}
}

func TestProviders(t *testing.T) {
	tests := []struct {
		name string
		opts []option
		want string
	}{
		{"github configured", nil, `{"dev":false,"github":true}`},
		{"development", []option{withoutGitHub(true)}, `{"dev":true,"github":false}`},
		{"production without github", []option{withoutGitHub(false)}, `{"dev":false,"github":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			rec := e.browser().do(http.MethodGet, "/api/auth/providers", "")
			if strings.TrimSpace(rec.Body.String()) != tt.want {
				t.Fatalf("providers = %s", rec.Body)
			}
			dev := e.browser().do(http.MethodPost, "/api/auth/dev", `{"username":"alice"}`)
			if wantDev := strings.Contains(tt.want, `"dev":true`); (dev.Code == http.StatusOK) != wantDev || (!wantDev && dev.Code != http.StatusNotFound) {
				t.Fatalf("dev sign-in status %d", dev.Code)
			}
		})
	}
}

func TestDevSignIn(t *testing.T) {
	e := newEnv(t, withoutGitHub(true))
	b := e.browser()
	b.setCookie(session.CookieName, "planted")
	rec := b.do(http.MethodPost, "/api/auth/dev", `{"username":"dev-user"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	u := decode[meBody](t, rec.Body.Bytes())
	if u.Login != "dev-user" || u.Email != nil || len(u.Scopes) != 0 || u.Scopes == nil || u.Limits.DailyCalls != 200 {
		t.Fatalf("user %s", rec.Body)
	}
	if c := b.sessionCookie(); c == "" || c == "planted" {
		t.Fatal("no new session cookie")
	}
	var githubID *int64
	e.pool.QueryRow(context.Background(), `SELECT github_id FROM users WHERE id = $1`, u.ID).Scan(&githubID)
	if githubID != nil {
		t.Fatal("development user has a github_id")
	}
	// Same name again: same user, new session.
	again := e.browser()
	u2 := decode[meBody](t, again.do(http.MethodPost, "/api/auth/dev", `{"username":"dev-user"}`).Body.Bytes())
	if u2.ID != u.ID || again.sessionCookie() == b.sessionCookie() {
		t.Fatal("second dev sign-in did not reuse the user or reused the session")
	}
	// Per-user limit overrides win over the defaults.
	e.pool.Exec(context.Background(), `UPDATE users SET daily_call_limit = 5, daily_token_limit = 7 WHERE id = $1`, u.ID)
	me := decode[meBody](t, b.do(http.MethodGet, "/api/auth/me", "").Body.Bytes())
	if me.Limits.DailyCalls != 5 || me.Limits.DailyTokens != 7 {
		t.Fatalf("limits %+v", me.Limits)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	laptop, phone, other := e.browser(), e.browser(), e.browser()
	laptop.ua, phone.ua = "Laptop", "Phone"
	laptop.signIn("")
	phone.signIn("")
	e.gh.AddUser(fakegithub.User{Login: "hubot", Email: "hubot@example.com"})
	e.gh.SignInAs("hubot")
	other.signIn("")

	// Listing: both sessions, the current one marked, no secret ids.
	list := decode[struct {
		Sessions []struct {
			ID         string    `json:"id"`
			UA         string    `json:"user_agent"`
			Current    bool      `json:"current"`
			CreatedAt  time.Time `json:"created_at"`
			LastSeenAt time.Time `json:"last_seen_at"`
		}
	}](t, laptop.do(http.MethodGet, "/api/auth/sessions", "").Body.Bytes())
	if len(list.Sessions) != 2 {
		t.Fatalf("sessions %+v", list.Sessions)
	}
	var phoneID string
	for _, s := range list.Sessions {
		if s.ID == laptop.sessionCookie() || s.ID == phone.sessionCookie() || len(s.ID) == 0 {
			t.Fatal("a listed id is the secret session id")
		}
		if s.Current != (s.UA == "Laptop") || s.CreatedAt.IsZero() || s.LastSeenAt.IsZero() {
			t.Fatalf("session %+v", s)
		}
		if s.UA == "Phone" {
			phoneID = s.ID
		}
	}

	// Ending the phone's session from the laptop takes effect at once.
	if rec := laptop.do(http.MethodDelete, "/api/auth/sessions/"+phoneID, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if rec := phone.do(http.MethodGet, "/api/auth/me", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("phone after delete: %d", rec.Code)
	}

	// Logout ends the session at once and clears the cookie.
	raw := laptop.sessionCookie()
	rec := laptop.do(http.MethodPost, "/api/auth/logout", "")
	if rec.Code != http.StatusNoContent || laptop.sessionCookie() != "" {
		t.Fatalf("logout: %d, cookie %q", rec.Code, laptop.sessionCookie())
	}
	laptop.setCookie(session.CookieName, raw) // a copy kept elsewhere
	if rec := laptop.do(http.MethodGet, "/api/auth/me", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("me after logout: %d", rec.Code)
	}

	// Logout-all ends every session of the user, and only theirs.
	a, b := e.browser(), e.browser()
	e.gh.SignInAs("octocat")
	a.signIn("")
	b.signIn("")
	if rec := a.do(http.MethodPost, "/api/auth/logout-all", ""); rec.Code != http.StatusNoContent || a.sessionCookie() != "" {
		t.Fatalf("logout-all: %d", rec.Code)
	}
	if rec := b.do(http.MethodGet, "/api/auth/me", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("other session after logout-all: %d", rec.Code)
	}
	if rec := other.do(http.MethodGet, "/api/auth/me", ""); rec.Code != http.StatusOK {
		t.Fatalf("another user's session ended: %d", rec.Code)
	}
}

// TestSessionExpiry moves the session clock past each limit.
func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration
		want  int
	}{
		{"active within idle", []time.Duration{23 * time.Hour}, 200},
		{"idle 24h", []time.Duration{24*time.Hour + time.Second}, 401},
		{"absolute 7 days", []time.Duration{20 * time.Hour, 20 * time.Hour, 20 * time.Hour, 20 * time.Hour,
			20 * time.Hour, 20 * time.Hour, 20 * time.Hour, 20 * time.Hour, 20 * time.Hour}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withoutGitHub(true))
			b := e.browser()
			b.do(http.MethodPost, "/api/auth/dev", `{"username":"alice"}`)
			status := 0
			for _, d := range tt.steps {
				e.clock.Advance(d)
				status = b.do(http.MethodGet, "/api/auth/me", "").Code
				if status != http.StatusOK {
					break
				}
			}
			if status != tt.want {
				t.Fatalf("status %d, want %d", status, tt.want)
			}
		})
	}
}

func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t, withSignInLimit(3))
	b := e.browser()
	for i := range 3 {
		if rec := b.do(http.MethodGet, "/api/auth/github", ""); rec.Code != http.StatusFound {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
	rec := b.do(http.MethodGet, "/api/auth/github", "")
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d", rec.Code)
	}
	if got := decode[errBody](t, rec.Body.Bytes()); got.Error.Code != "rate_limited" {
		t.Fatalf("body %s", rec.Body)
	}
	if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
	// The callback is where GitHub sends the browser: it goes back to the
	// sign-in page with the reason, not to a JSON page.
	rec = b.do(http.MethodGet, "/api/auth/github/callback?state=x", "")
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusFound || loc != publicURL+"/login?error=rate_limited" {
		t.Fatalf("limited callback: %d to %q", rec.Code, loc)
	}
	if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Fatalf("callback Retry-After %q", rec.Header().Get("Retry-After"))
	}
	// Another client is not limited; nor are non-sign-in routes.
	c := e.browser()
	c.ip = "198.51.100.99"
	if rec := c.do(http.MethodGet, "/api/auth/github", ""); rec.Code != http.StatusFound {
		t.Fatalf("other IP: %d", rec.Code)
	}
	if rec := b.do(http.MethodGet, "/api/auth/providers", ""); rec.Code != http.StatusOK {
		t.Fatalf("providers limited: %d", rec.Code)
	}
}

func TestCORS(t *testing.T) {
	e := newEnv(t)
	req := func(origin string) (int, string) {
		rec := preflight(e, origin)
		return rec.Code, rec.Header().Get("Access-Control-Allow-Origin")
	}
	if code, allow := req(publicURL); code != http.StatusNoContent || allow != publicURL {
		t.Fatalf("allowed origin: %d %q", code, allow)
	}
	if code, allow := req("https://evil.example"); code != http.StatusForbidden || allow != "" {
		t.Fatalf("other origin: %d %q", code, allow)
	}
}
