package proxy

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/requestid"
)

// target is a TCP target that can be marked down and counts dials.
type target struct {
	*TCP
	up    atomic.Bool
	dials atomic.Int64
}

func (t *target) Available() bool { return t.up.Load() }

func (t *target) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	t.dials.Add(1)
	return t.TCP.DialContext(ctx, network, addr)
}

func TestProxyErrors(t *testing.T) {
	fn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang":
			// Answer nothing until the proxy gives up on us.
			<-r.Context().Done()
		case "/die":
			// The process dies mid-request: the connection just closes.
			c, _, _ := http.NewResponseController(w).Hijack()
			c.Close()
		default:
			w.Header().Set(requestid.Header, r.Header.Get(requestid.Header))
			_, _ = io.WriteString(w, "ok")
		}
	}))
	defer fn.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedAddr := closed.Listener.Addr().String()
	closed.Close()

	tests := []struct {
		name      string
		addr      string
		up        bool
		path      string
		status    int
		code      string
		wantDials bool
	}{
		{name: "ok", addr: fn.Listener.Addr().String(), up: true, path: "/x", status: 200, wantDials: true},
		{name: "down: 503 without trying", addr: fn.Listener.Addr().String(), up: false, path: "/x", status: 503, code: "unavailable"},
		{name: "refused: 503", addr: closedAddr, up: true, path: "/x", status: 503, code: "unavailable", wantDials: true},
		{name: "died mid-request: 503", addr: fn.Listener.Addr().String(), up: true, path: "/die", status: 503, code: "unavailable", wantDials: true},
		{name: "no answer in time: 502", addr: fn.Listener.Addr().String(), up: true, path: "/hang", status: 502, code: "upstream_error", wantDials: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := &target{TCP: NewTCP(tt.addr)}
			tg.up.Store(tt.up)
			p := New(Options{Name: "chats", Target: tg, ResponseHeaderTimeout: 200 * time.Millisecond})
			req := httptest.NewRequest("POST", "/x", nil)
			req.URL.Path = tt.path
			req.Header.Set(requestid.Header, "rid-1")
			rec := httptest.NewRecorder()
			rec.Header().Set(requestid.Header, "rid-1") // as the router's middleware does
			began := time.Now()
			p.ServeHTTP(rec, req.WithContext(requestid.WithID(req.Context(), "rid-1")))
			if time.Since(began) > time.Second {
				t.Fatal("slow error")
			}
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Values(requestid.Header); len(got) != 1 {
				t.Fatalf("X-Request-ID %q, want one value", got)
			}
			if (tg.dials.Load() > 0) != tt.wantDials {
				t.Fatalf("dials %d", tg.dials.Load())
			}
			if tt.code != "" {
				var e struct {
					Error struct {
						Code      string `json:"code"`
						RequestID string `json:"request_id"`
					} `json:"error"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != tt.code || e.Error.RequestID != "rid-1" {
					t.Fatalf("body %s", rec.Body)
				}
			}
			if tt.code == "unavailable" && rec.Header().Get("Retry-After") != "1" {
				t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
			}
		})
	}
}
