package session_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func itoa(n int) string { return strconv.Itoa(n) }

// whoami answers with the user the middleware put in the context.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	u, ok := session.UserFromContext(r.Context())
	cur, ok2 := session.Current(r.Context())
	if !ok || !ok2 || cur.User != u {
		http.Error(w, "no user in context", http.StatusInternalServerError)
		return
	}
	w.Write([]byte(u.ID + " " + u.Login))
})

func TestMiddleware(t *testing.T) {
	pool := testkit.Pool(t)
	rdb := testkit.Redis(t)
	store := session.NewStore(rdb, session.Config{})
	h := store.Middleware(whoami)
	userID, cookie := testkit.SignIn(t, pool, rdb, "carol")

	ended := testkit.NewSession(t, rdb, session.User{ID: userID, Login: "carol"})
	if err := store.Delete(context.Background(), ended.Value); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		cookie     *http.Cookie
		status     int
		code       string
		clearsCook bool
	}{
		{"valid session", cookie, http.StatusOK, "", false},
		{"no cookie", nil, http.StatusUnauthorized, "unauthenticated", false},
		{"forged cookie", &http.Cookie{Name: session.CookieName, Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, http.StatusUnauthorized, "unauthenticated", true},
		{"garbage cookie", &http.Cookie{Name: session.CookieName, Value: "x"}, http.StatusUnauthorized, "unauthenticated", true},
		{"ended session", ended, http.StatusUnauthorized, "unauthenticated", true},
		{"wrong cookie name", &http.Cookie{Name: "session", Value: cookie.Value}, http.StatusUnauthorized, "unauthenticated", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
			if tt.cookie != nil {
				req.AddCookie(tt.cookie)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, body %s", rec.Code, rec.Body)
			}
			if tt.status == http.StatusOK {
				if rec.Body.String() != userID+" carol" {
					t.Fatalf("body = %q", rec.Body)
				}
				return
			}
			var body struct{ Error struct{ Code string } }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != tt.code {
				t.Fatalf("body = %s (%v)", rec.Body, err)
			}
			cleared := false
			for _, c := range rec.Result().Cookies() {
				cleared = cleared || (c.Name == session.CookieName && c.MaxAge < 0)
			}
			if cleared != tt.clearsCook {
				t.Fatalf("cookie cleared = %v, want %v", cleared, tt.clearsCook)
			}
		})
	}
}

// TestMiddlewareRedisDown checks an outage is a 503, never a sign-out
// (no cookie cleared) and never a pass.
func TestMiddlewareRedisDown(t *testing.T) {
	port, _ := testkit.FreePort()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + itoa(port), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	h := session.NewStore(rdb, session.Config{}).Middleware(whoami)
	req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, body %s", rec.Code, rec.Body)
	}
	var body struct{ Error struct{ Code string } }
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	if body.Error.Code != "unavailable" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("body %s headers %v", rec.Body, rec.Header())
	}
	if len(rec.Result().Cookies()) != 0 {
		t.Fatal("an outage cleared the cookie")
	}
}

func TestCookieFlags(t *testing.T) {
	for _, c := range []*http.Cookie{session.Cookie("v", time.Hour), session.ClearCookie()} {
		if c.Name != "__Host-session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Fatalf("cookie %+v", c)
		}
	}
	if c := session.Cookie("v", time.Hour); c.MaxAge != 3600 {
		t.Fatalf("MaxAge = %d", c.MaxAge)
	}
	if c := session.ClearCookie(); c.MaxAge >= 0 {
		t.Fatalf("clear MaxAge = %d", c.MaxAge)
	}
}

func BenchmarkMiddleware(b *testing.B) {
	rdb := testkit.Redis(b)
	store := session.NewStore(rdb, session.Config{})
	raw, _ := store.Create(context.Background(), alice, "bench")
	h := store.Middleware(whoami)
	req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	req.AddCookie(session.Cookie(raw, time.Hour))
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
