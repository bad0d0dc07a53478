package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAccess(t *testing.T) {
	m := New()
	m.Declare("chats")
	m.Observe("chats", 201, 3*time.Millisecond)
	tests := []struct {
		name   string
		access Access
		remote string
		header http.Header
		want   int
	}{
		{"loopback v4", Access{Loopback: true}, "127.0.0.1:1", nil, 200},
		{"loopback v6", Access{Loopback: true}, "[::1]:1", nil, 200},
		{"loopback off", Access{}, "127.0.0.1:1", nil, 404},
		{"relayed by local proxy", Access{Loopback: true}, "127.0.0.1:1", http.Header{"X-Forwarded-For": {"203.0.113.1"}}, 404},
		{"relayed with Forwarded", Access{Loopback: true}, "127.0.0.1:1", http.Header{"Forwarded": {"for=203.0.113.1"}}, 404},
		{"remote", Access{Loopback: true}, "203.0.113.1:1", nil, 404},
		{"remote with token", Access{Token: "t0k"}, "203.0.113.1:1", http.Header{"Authorization": {"Bearer t0k"}}, 200},
		{"remote with wrong token", Access{Token: "t0k"}, "203.0.113.1:1", http.Header{"Authorization": {"Bearer t0"}}, 404},
		{"token scheme required", Access{Token: "t0k"}, "203.0.113.1:1", http.Header{"Authorization": {"t0k"}}, 404},
		{"no token configured", Access{}, "203.0.113.1:1", http.Header{"Authorization": {"Bearer "}}, 404},
		{"loopback with wrong token", Access{Token: "t0k", Loopback: true}, "127.0.0.1:1", http.Header{"Authorization": {"Bearer t0"}}, 404},
		{"loopback with empty token, none configured", Access{Loopback: true}, "127.0.0.1:1", http.Header{"Authorization": {"Bearer "}}, 404},
		{"loopback without token, one configured", Access{Token: "t0k", Loopback: true}, "127.0.0.1:1", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/metrics", nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header[k] = v
			}
			rec := httptest.NewRecorder()
			m.Handler(tt.access).ServeHTTP(rec, r)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want == 200 && !strings.Contains(rec.Body.String(), `archstudio_router_requests_total{code="201",function="chats"} 1`) {
				t.Fatalf("body lacks the request count:\n%s", rec.Body)
			}
		})
	}
}
