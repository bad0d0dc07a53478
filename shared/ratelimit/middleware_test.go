package ratelimit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/ratelimit"
	"github.com/archstudio/studio/shared/testkit"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

func TestMiddleware(t *testing.T) {
	s := newStore(t, testkit.Redis(t), 2, time.Minute)
	h := ratelimit.Middleware(s, ratelimit.ByClientIP("signin"))(ok)
	tests := []struct {
		remote string
		status int
	}{
		{"198.51.100.1:1000", http.StatusNoContent},
		{"198.51.100.1:1001", http.StatusNoContent},
		{"198.51.100.1:1002", http.StatusTooManyRequests},
		{"198.51.100.2:1000", http.StatusNoContent},
		{"198.51.100.1:1003", http.StatusTooManyRequests},
	}
	for i, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tt.remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Fatalf("request %d from %s: status %d", i, tt.remote, rec.Code)
		}
		if tt.status == http.StatusTooManyRequests {
			var body struct{ Error struct{ Code string } }
			json.Unmarshal(rec.Body.Bytes(), &body)
			ra, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
			if body.Error.Code != "rate_limited" || ra < 1 || ra > 60 {
				t.Fatalf("429 body %s Retry-After %q", rec.Body, rec.Header().Get("Retry-After"))
			}
		}
		if rec.Header().Get("X-RateLimit-Limit") != "2" {
			t.Fatalf("X-RateLimit-Limit = %q", rec.Header().Get("X-RateLimit-Limit"))
		}
	}
}

func TestMiddlewareRedisDown(t *testing.T) {
	port, _ := testkit.FreePort()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	s := newStore(t, rdb, 2, time.Minute)
	rec := httptest.NewRecorder()
	ratelimit.Middleware(s, ratelimit.ByClientIP("x"))(ok).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d", rec.Code)
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct peer", "203.0.113.9:5555", nil, "203.0.113.9"},
		{"direct peer ignores spoofed XFF", "203.0.113.9:5555", []string{"1.2.3.4"}, "203.0.113.9"},
		{"lambda source ip without port", "203.0.113.7", []string{"1.2.3.4, 203.0.113.7"}, "203.0.113.7"},
		{"router on unix socket", "@", []string{"6.6.6.6, 198.51.100.4"}, "198.51.100.4"},
		{"router on unix socket, empty addr", "", []string{"198.51.100.4"}, "198.51.100.4"},
		{"router on loopback", "127.0.0.1:40000", []string{"198.51.100.5"}, "198.51.100.5"},
		{"router, several XFF headers", "127.0.0.1:40000", []string{"6.6.6.6", "7.7.7.7, 2001:db8::1"}, "2001:db8::1"},
		{"loopback without XFF", "[::1]:4000", nil, "::1"},
		{"ipv4-mapped peer", "[::ffff:203.0.113.9]:1", nil, "203.0.113.9"},
		{"unix socket without XFF", "@", nil, "unknown"},
		{"garbage XFF from router", "127.0.0.1:1", []string{"not-an-ip"}, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ratelimit.ClientIP(r); got != tt.want {
				t.Fatalf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}
