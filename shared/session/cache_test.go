package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

// TestSessionCacheBound checks how long Middleware may honour a session
// that has ended: at once when it was ended through the same Store (this
// instance's sign-out or revocation) or through another (its announcement
// evicts it; the fake clock stands still, so the TTL cannot be what ends
// it), never past its own expiry, and at once with the cache off or when
// nobody watches (a Lambda).
func TestSessionCacheBound(t *testing.T) {
	ctx := context.Background()
	const ttl = 2 * time.Second
	tests := []struct {
		name string
		cfg  session.Config
		// end ends the session; here is the store Middleware uses,
		// elsewhere another instance's.
		end func(t *testing.T, here, elsewhere *session.Store, raw string)
		// stillServed: requests within the TTL after end still pass.
		stillServed bool
		// after is how far the clock moves before the request that must
		// be refused.
		after time.Duration
		// unwatched: here's cache has no Watch running.
		unwatched bool
	}{
		{"signed out here", session.Config{CacheTTL: ttl}, func(t *testing.T, here, _ *session.Store, raw string) {
			must(t, here.Delete(ctx, raw))
		}, false, 0, false},
		{"revoked here by public id", session.Config{CacheTTL: ttl}, func(t *testing.T, here, _ *session.Store, raw string) {
			s, err := here.Resolve(ctx, raw)
			must(t, err)
			must(t, here.DeleteByID(ctx, s.User.ID, s.ID))
		}, false, 0, false},
		{"every session ended here", session.Config{CacheTTL: ttl}, func(t *testing.T, here, _ *session.Store, _ string) {
			_, err := here.DeleteAll(ctx, alice.ID)
			must(t, err)
		}, false, 0, false},
		{"signed out elsewhere", session.Config{CacheTTL: ttl}, func(t *testing.T, _, elsewhere *session.Store, raw string) {
			must(t, elsewhere.Delete(ctx, raw))
		}, false, 0, false},
		{"revoked elsewhere by public id", session.Config{CacheTTL: ttl}, func(t *testing.T, _, elsewhere *session.Store, raw string) {
			s, err := elsewhere.Resolve(ctx, raw)
			must(t, err)
			must(t, elsewhere.DeleteByID(ctx, s.User.ID, s.ID))
		}, false, 0, false},
		{"every session ended elsewhere", session.Config{CacheTTL: ttl}, func(t *testing.T, _, elsewhere *session.Store, _ string) {
			_, err := elsewhere.DeleteAll(ctx, alice.ID)
			must(t, err)
		}, false, 0, false},
		{"signed out elsewhere, nobody watching", session.Config{CacheTTL: ttl}, func(t *testing.T, _, elsewhere *session.Store, raw string) {
			must(t, elsewhere.Delete(ctx, raw))
		}, false, 0, true},
		{"signed out elsewhere, cache off", session.Config{CacheTTL: -1}, func(t *testing.T, _, elsewhere *session.Store, raw string) {
			must(t, elsewhere.Delete(ctx, raw))
		}, false, 0, true},
		// The absolute expiry falls before the cache entry would end.
		{"expired", session.Config{AbsoluteTTL: 1500 * time.Millisecond, IdleTTL: time.Second, TouchInterval: 100 * time.Millisecond, CacheTTL: 10 * time.Second},
			func(*testing.T, *session.Store, *session.Store, string) {}, true, 1600 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb := testkit.Redis(t)
			clk := newClock()
			here := session.NewStore(rdb, tt.cfg, session.WithClock(clk.Now))
			elsewhere := session.NewStore(rdb, tt.cfg, session.WithClock(clk.Now))
			if !tt.unwatched {
				wctx, stop := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { here.Watch(wctx); close(done) }()
				t.Cleanup(func() { stop(); <-done })
				testkit.Eventually(t, 5*time.Second, here.Watching, "the store watches ended sessions")
			}
			raw, err := here.Create(ctx, alice, "test")
			must(t, err)
			h := here.Middleware(whoami)
			status := func() int {
				req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
				req.AddCookie(session.Cookie(raw, time.Hour))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec.Code
			}
			if got := status(); got != http.StatusOK {
				t.Fatalf("before: status %d", got)
			}
			tt.end(t, here, elsewhere, raw)
			// An announcement arrives asynchronously; the clock stands still.
			if !tt.stillServed {
				testkit.Eventually(t, 2*time.Second, func() bool { return status() == http.StatusUnauthorized }, "the ended session is refused")
				return
			}
			if tt.stillServed {
				clk.Advance(tt.after / 2)
				if got := status(); got != http.StatusOK {
					t.Fatalf("within the bound: status %d, want 200 from the cache", got)
				}
				clk.Advance(tt.after - tt.after/2)
			}
			if got := status(); got != http.StatusUnauthorized {
				t.Fatalf("after %s: status %d, want 401", tt.after, got)
			}
		})
	}
}

func TestCacheTTLIsBounded(t *testing.T) {
	for _, tt := range []struct {
		ttl time.Duration
		ok  bool
	}{{0, true}, {-1, true}, {session.MaxCacheTTL, true}, {session.MaxCacheTTL + time.Second, false}} {
		if err := (session.Config{CacheTTL: tt.ttl}).Check(); (err == nil) != tt.ok {
			t.Errorf("CacheTTL %s: err %v, want ok=%v", tt.ttl, err, tt.ok)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
