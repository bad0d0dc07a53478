package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/shared/secheaders"
	"github.com/archstudio/studio/shared/testkit"
)

func TestRouting(t *testing.T) {
	s := startStack(t)
	tests := []struct {
		name, method, path string
		header             http.Header
		status             int
		function           string // testfn's name in the answer
		code               string // error code for non-2xx
		location           string
	}{
		{name: "prefix", method: "GET", path: "/api/alpha/things/1?x=1", status: 200, function: "alpha"},
		{name: "prefix itself", method: "GET", path: "/api/alpha", status: 200, function: "alpha"},
		{name: "second route", method: "GET", path: "/health", status: 200, function: "alpha"},
		{name: "below second route", method: "GET", path: "/health/metrics", status: 200, function: "alpha"},
		{name: "method-bound pattern wins", method: "POST", path: "/api/alpha/42/special", status: 200, function: "beta"},
		{name: "other method falls back to prefix", method: "GET", path: "/api/alpha/42/special", status: 200, function: "alpha"},
		{name: "pattern matches below", method: "POST", path: "/api/alpha/42/special/x", status: 200, function: "beta"},
		{name: "HEAD follows GET routes", method: "HEAD", path: "/api/beta", status: 200},
		{name: "segment boundary", method: "GET", path: "/api/alphabet", status: 404, code: "not_found"},
		{name: "unknown api", method: "GET", path: "/api/nothing", status: 404, code: "not_found"},
		{name: "scheduled path is private", method: "POST", path: "/internal/jobber/job", status: 404, code: "not_found"},
		{name: "below scheduled path too", method: "POST", path: "/internal/jobber/job/x", status: 404, code: "not_found"},
		{name: "missing binary", method: "GET", path: "/api/ghost/x", status: 503, code: "unavailable"},
		{name: "never starts", method: "GET", path: "/api/crashy/x", status: 503, code: "unavailable"},
		{name: "dot segments redirect", method: "GET", path: "/health/../api/beta", status: 301, location: "/api/beta"},
		{name: "dot segments cannot reach private path", method: "GET", path: "/api/alpha/../../internal/jobber/job", status: 301, location: "/internal/jobber/job"},
		{name: "unclean POST refused", method: "POST", path: "/api/beta/../alpha", status: 400, code: "invalid_argument"},
		{name: "metrics is not the SPA from afar", method: "GET", path: "/metrics", header: http.Header{"X-Forwarded-For": {"203.0.113.9"}}, status: 404, code: "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			began := time.Now()
			r := s.do(t, tt.method, tt.path, tt.header)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tt.status, r.Body)
			}
			if took := time.Since(began); took > time.Second {
				t.Fatalf("took %v: errors must be immediate", took)
			}
			id := r.Header.Values("X-Request-ID")
			if len(id) != 1 || id[0] == "" {
				t.Fatalf("X-Request-ID %q, want exactly one", id)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Fatalf("X-Content-Type-Options %q", got)
			}
			if tt.location != "" && r.Header.Get("Location") != tt.location {
				t.Fatalf("Location %q, want %q", r.Header.Get("Location"), tt.location)
			}
			if tt.function != "" {
				var e echo
				if err := json.Unmarshal(r.Body, &e); err != nil {
					t.Fatal(err)
				}
				want := strings.SplitN(tt.path, "?", 2)[0]
				if e.Name != tt.function || e.Method != tt.method || e.Path != want || e.RequestID != id[0] {
					t.Fatalf("answered %+v; want %s to see %s %s with request id %s", e, tt.function, tt.method, want, id[0])
				}
			}
			if tt.code != "" {
				var e errorBody
				if err := json.Unmarshal(r.Body, &e); err != nil {
					t.Fatalf("error body is not JSON: %s", r.Body)
				}
				if e.Error.Code != tt.code || e.Error.RequestID != id[0] {
					t.Fatalf("error %+v, want code %s with request id %s", e.Error, tt.code, id[0])
				}
			}
		})
	}
}

func TestRequestIDAndForwarding(t *testing.T) {
	tests := []struct {
		name   string
		env    []string
		header http.Header
		wantID string // "" = a fresh one
		xff    string
		proto  string
		host   string
		hsts   bool
	}{
		{
			name:   "valid incoming id kept",
			header: http.Header{"X-Request-Id": {"client-abc.123"}},
			wantID: "client-abc.123", xff: "127.0.0.1", proto: "http",
		},
		{
			name:   "invalid incoming id replaced",
			header: http.Header{"X-Request-Id": {"bad id!"}},
			xff:    "127.0.0.1", proto: "http",
		},
		{
			name:   "untrusted forwarded headers do not count",
			header: http.Header{"X-Forwarded-For": {"203.0.113.7"}, "X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"evil.example"}},
			xff:    "203.0.113.7, 127.0.0.1", proto: "http",
		},
		{
			name:   "trusted proxy's headers count",
			env:    []string{"ROUTER_TRUSTED_PROXIES=127.0.0.0/8"},
			header: http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.7"}, "X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"studio.example"}},
			xff:    "198.51.100.1, 203.0.113.7", proto: "https", host: "studio.example", hsts: true,
		},
		{
			name:  "production always sends HSTS",
			env:   []string{"APP_ENV=production"},
			xff:   "127.0.0.1",
			proto: "http",
			hsts:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startStack(t, tt.env...)
			r := s.do(t, "GET", "/api/alpha/x", tt.header)
			var e echo
			if err := json.Unmarshal(r.Body, &e); err != nil {
				t.Fatalf("%d %s", r.StatusCode, r.Body)
			}
			id := r.Header.Get("X-Request-ID")
			if tt.wantID != "" && id != tt.wantID {
				t.Fatalf("response id %q, want %q", id, tt.wantID)
			}
			if tt.wantID == "" && (len(id) != 24 || id == tt.header.Get("X-Request-Id")) {
				t.Fatalf("response id %q, want a fresh one", id)
			}
			if e.RequestID != id {
				t.Fatalf("function saw id %q, client got %q", e.RequestID, id)
			}
			host := tt.host
			if host == "" {
				host = s.Addr
			}
			if e.ForwardedFor != tt.xff || e.ForwardedProto != tt.proto || e.ForwardedHost != host || e.Host != s.Addr {
				t.Fatalf("function saw XFF %q proto %q fwd host %q host %q; want %q %q %q %q",
					e.ForwardedFor, e.ForwardedProto, e.ForwardedHost, e.Host, tt.xff, tt.proto, host, s.Addr)
			}
			if got := r.Header.Get("Strict-Transport-Security") != ""; got != tt.hsts {
				t.Fatalf("HSTS sent: %v, want %v", got, tt.hsts)
			}
		})
	}
}

func TestRestartAfterKillWithin2s(t *testing.T) {
	s := startStack(t)
	before := s.echo(t, "/api/alpha/whoami").PID
	if err := syscall.Kill(before, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	client := &http.Client{Timeout: time.Second}
	var unavailable int
	for {
		if time.Since(killed) > 2*time.Second {
			t.Fatalf("alpha not answering 2 s after kill -9 (%d 503s seen)", unavailable)
		}
		began := time.Now()
		resp, err := client.Get(s.URL + "/api/alpha/whoami")
		if err != nil {
			t.Fatalf("request while restarting: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if took := time.Since(began); took > time.Second {
			t.Fatalf("a request while alpha restarts took %v; it must be answered at once", took)
		}
		if resp.StatusCode == http.StatusOK {
			var e echo
			_ = json.Unmarshal(body, &e)
			if e.PID != before {
				t.Logf("answering again %v after kill -9 (%d immediate 503s meanwhile)",
					time.Since(killed).Round(time.Millisecond), unavailable)
				break
			}
			continue
		}
		var eb errorBody
		if err := json.Unmarshal(body, &eb); err != nil || resp.StatusCode != http.StatusServiceUnavailable ||
			eb.Error.Code != "unavailable" || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("while restarting: %d %s (Retry-After %q), want 503 unavailable", resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
		unavailable++
		time.Sleep(5 * time.Millisecond) // polling: every answer while restarting must be an immediate 503
	}
	metrics := string(s.do(t, "GET", "/metrics", nil).Body)
	for _, want := range []string{
		`archstudio_router_function_restarts_total{function="alpha"} 1`,
		`archstudio_router_function_up{function="alpha"} 1`,
		`archstudio_router_function_up{function="crashy"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestStreamsAreNotBuffered(t *testing.T) {
	s := startStack(t)
	for _, fn := range []string{"stream", "alpha"} {
		t.Run("SSE via "+fn, func(t *testing.T) {
			const gap = 400 * time.Millisecond
			began := time.Now()
			resp, err := http.Get(s.URL + "/api/" + fn + "/sse?n=3&gap=" + gap.String())
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
				t.Fatalf("Content-Type %q", ct)
			}
			rd := bufio.NewReader(resp.Body)
			var arrivals []time.Duration
			for len(arrivals) < 3 {
				line, err := rd.ReadString('\n')
				if err != nil {
					t.Fatalf("after %d events: %v", len(arrivals), err)
				}
				if strings.HasPrefix(line, "data: ") {
					arrivals = append(arrivals, time.Since(began))
				}
			}
			// The handler runs 2 gaps; the first event must not wait for it.
			if arrivals[0] >= gap {
				t.Fatalf("first event arrived after %v, not before the handler's first %v pause: buffered", arrivals[0], gap)
			}
			if arrivals[1] < gap || arrivals[2] < 2*gap {
				t.Fatalf("events arrived at %v; the function sends them %v apart", arrivals, gap)
			}
		})
	}
	t.Run("WebSocket passes through", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/stream/ws", nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("X-Request-ID") == "" {
			t.Fatalf("handshake %d, request id %q", resp.StatusCode, resp.Header.Get("X-Request-ID"))
		}
		for _, msg := range []string{"hello", `{"type":"send","chat_id":"x","content":"hi"}`, strings.Repeat("z", 70000)} {
			if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
				t.Fatal(err)
			}
			_, got, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != msg {
				t.Fatalf("echo of %d bytes came back as %d bytes", len(msg), len(got))
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
		testkit.Eventually(t, 2*time.Second, func() bool {
			for _, rec := range s.logLines("request") {
				if rec["path"] == "/api/stream/ws" && rec["status"] == float64(101) && rec["function"] == "streamer" {
					return true
				}
			}
			return false
		}, "an access-log line with status 101 for the WebSocket")
	})
}

// TestLongLivedConnectionsAreHandedOver: a long-lived function's WebSocket
// requests, and its event streams when ROUTER_HANDOFF says so, reach it on
// the client's own connection (shared/handoff) with the router's headers;
// everything else is proxied over the function's socket.
func TestLongLivedConnectionsAreHandedOver(t *testing.T) {
	// The peer the function sees: over its Unix socket the peer has no
	// address; on the client's own connection it is the client's.
	handedOver := func(remote string) bool { return strings.HasPrefix(remote, "127.0.0.1:") }
	tests := []struct {
		name    string
		handoff string
		path    string
		accept  string
		handed  bool
	}{
		{"event stream from a long-lived function", "websocket,events", "/api/stream/who", "text/event-stream", true},
		{"event stream, not by default", "websocket", "/api/stream/who", "text/event-stream", false},
		{"other requests to a long-lived function", "websocket,events", "/api/stream/who", "application/json", false},
		{"event stream from another function", "websocket,events", "/api/alpha/who", "text/event-stream", false},
	}
	stacks := map[string]*stack{
		"websocket":        startStack(t),
		"websocket,events": startStack(t, "ROUTER_HANDOFF=websocket,events"),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stacks[tt.handoff]
			r := s.do(t, "GET", tt.path, http.Header{"Accept": {tt.accept}, "X-Request-Id": {"handover-1"}})
			var e echo
			if r.StatusCode != http.StatusOK || json.Unmarshal(r.Body, &e) != nil {
				t.Fatalf("%d %s", r.StatusCode, r.Body)
			}
			if got := handedOver(e.Remote); got != tt.handed {
				t.Fatalf("function saw peer %q; handed over %v, want %v", e.Remote, got, tt.handed)
			}
			if e.RequestID != "handover-1" || e.ForwardedFor != "127.0.0.1" || e.ForwardedProto != "http" || e.Host != s.Addr {
				t.Fatalf("function saw %+v; want the router's request ID and X-Forwarded-*", e)
			}
			if tt.handed && !r.Close {
				t.Fatal("a handed-over connection stays open for a next request, which the router must route")
			}
		})
	}
	t.Run("WebSocket, by default", func(t *testing.T) {
		s := stacks["websocket"]
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/stream/wswho", nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.CloseNow()
		_, remote, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !handedOver(string(remote)) {
			t.Fatalf("function saw peer %q: the WebSocket was proxied, not handed over", remote)
		}
		testkit.Eventually(t, 2*time.Second, func() bool {
			for _, rec := range s.logLines("request") {
				if rec["path"] == "/api/stream/wswho" && rec["status"] == float64(101) && rec["function"] == "streamer" {
					return true
				}
			}
			return false
		}, "an access-log line with status 101 for the handed-over WebSocket")
	})
}

func TestWebApp(t *testing.T) {
	s := startStack(t)
	index := webFiles["index.html"]
	asset := webFiles["assets/app-1a2b3c4d.js"]
	tests := []struct {
		name, method, path string
		header             http.Header
		status             int
		body               string
		cache              string
		ctype              string
	}{
		{name: "root", method: "GET", path: "/", status: 200, body: index, cache: "no-cache", ctype: "text/html; charset=utf-8"},
		{name: "client route", method: "GET", path: "/chats/0b5d8a4e", status: 200, body: index, cache: "no-cache", ctype: "text/html; charset=utf-8"},
		{name: "client route with slash", method: "GET", path: "/settings/", status: 200, body: index, cache: "no-cache"},
		{name: "index itself", method: "GET", path: "/index.html", status: 200, body: index, cache: "no-cache"},
		{name: "preview document", method: "GET", path: "/preview.html", status: 200, body: webFiles["preview.html"], cache: "no-cache", ctype: "text/html; charset=utf-8"},
		{name: "service worker", method: "GET", path: "/sw.js", status: 200, body: webFiles["sw.js"], cache: "no-cache", ctype: "text/javascript; charset=utf-8"},
		{name: "hashed asset", method: "GET", path: "/assets/app-1a2b3c4d.js", status: 200, body: asset, cache: "public, max-age=31536000, immutable", ctype: "text/javascript; charset=utf-8"},
		{name: "other file", method: "GET", path: "/favicon.svg", status: 200, body: webFiles["favicon.svg"], cache: "no-cache", ctype: "image/svg+xml"},
		{name: "HEAD", method: "HEAD", path: "/chats/x", status: 200, cache: "no-cache"},
		{name: "missing asset is 404, not the page", method: "GET", path: "/assets/app-old.js", status: 404},
		{name: "missing file is 404", method: "GET", path: "/robots.txt", status: 404},
		{name: "api is never the page", method: "GET", path: "/api/unknown/route", status: 404},
		{name: "internal is never the page", method: "GET", path: "/internal/anything", status: 404},
		{name: "POST is refused", method: "POST", path: "/chats", status: 405},
		{name: "revalidation", method: "GET", path: "/", header: http.Header{"If-Modified-Since": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}, status: 304, cache: "no-cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, tt.method, tt.path, tt.header)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.200s", r.StatusCode, tt.status, r.Body)
			}
			if tt.body != "" && string(r.Body) != tt.body {
				t.Fatalf("body %.80q, want %.80q", r.Body, tt.body)
			}
			if tt.cache != "" && r.Header.Get("Cache-Control") != tt.cache {
				t.Fatalf("Cache-Control %q, want %q", r.Header.Get("Cache-Control"), tt.cache)
			}
			if tt.ctype != "" && r.Header.Get("Content-Type") != tt.ctype {
				t.Fatalf("Content-Type %q, want %q", r.Header.Get("Content-Type"), tt.ctype)
			}
			if r.StatusCode == 404 {
				var e errorBody
				if json.Unmarshal(r.Body, &e) != nil || e.Error.Code != "not_found" {
					t.Fatalf("404 body %s, want a JSON not_found error", r.Body)
				}
			}
			for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options"} {
				if r.Header.Get(h) == "" {
					t.Fatalf("%s missing", h)
				}
			}
		})
	}
	t.Run("gzip", func(t *testing.T) {
		r := s.do(t, "GET", "/assets/app-1a2b3c4d.js", http.Header{"Accept-Encoding": {"gzip, br"}})
		if r.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("Content-Encoding %q, Vary %q", r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(string(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || string(plain) != asset {
			t.Fatalf("gunzipped body differs (%v)", err)
		}
		if len(r.Body) >= len(asset)/4 {
			t.Fatalf("gzip body %d bytes for %d: not compressed", len(r.Body), len(asset))
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	s := startStack(t)
	// No inline script may run in the studio itself.
	studio := map[string]string{"script-src": "'self'", "frame-src": "'self'", "frame-ancestors": "'none'"}
	tests := []struct {
		path, csp, frameOptions string
		directives              map[string]string
	}{
		{"/", secheaders.DefaultCSP, "DENY", studio},
		{"/chats/0b5d8a4e", secheaders.DefaultCSP, "DENY", studio},
		{"/assets/app-1a2b3c4d.js", secheaders.DefaultCSP, "DENY", studio},
		{"/api/alpha/x", secheaders.DefaultCSP, "DENY", studio},
		{"/api/nothing", secheaders.DefaultCSP, "DENY", studio},
		{"/api/crashy", secheaders.DefaultCSP, "DENY", studio},
		{"/metrics", secheaders.DefaultCSP, "DENY", studio},
		// The artifact preview document: inline scripts, no network, and
		// framed by the studio.
		{"/preview.html", secheaders.PreviewCSP, "SAMEORIGIN", map[string]string{
			"script-src": "'unsafe-inline'", "connect-src": "'none'", "frame-ancestors": "'self'", "sandbox": "allow-scripts",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := s.do(t, "GET", tt.path, nil)
			want := map[string]string{
				"Content-Security-Policy": tt.csp,
				"X-Frame-Options":         tt.frameOptions,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "strict-origin-when-cross-origin",
			}
			for h, v := range want {
				if got := r.Header.Values(h); len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want %q", h, got, v)
				}
			}
			for name, v := range tt.directives {
				if got := directive(r.Header.Get("Content-Security-Policy"), name); got != v {
					t.Errorf("CSP %s %q, want %q", name, got, v)
				}
			}
			if r.Header.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS on plain HTTP in development")
			}
		})
	}
	t.Run("ROUTER_CSP leaves the preview's policy alone", func(t *testing.T) {
		s := startStack(t, "ROUTER_CSP=default-src 'self'")
		if got := s.do(t, "GET", "/", nil).Header.Get("Content-Security-Policy"); got != "default-src 'self'" {
			t.Errorf("studio CSP %q", got)
		}
		if got := s.do(t, "GET", "/preview.html", nil).Header.Get("Content-Security-Policy"); got != secheaders.PreviewCSP {
			t.Errorf("preview CSP %q", got)
		}
	})
}

// directive returns the value of the named directive of a CSP.
func directive(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if n, v, _ := strings.Cut(strings.TrimSpace(d), " "); n == name {
			return v
		}
	}
	return ""
}

func TestAccessLogAndMetrics(t *testing.T) {
	s := startStack(t, "METRICS_TOKEN=s3cret")
	s.do(t, "GET", "/api/alpha/logged?secret=1", http.Header{"X-Request-Id": {"log-me-1"}})
	s.do(t, "GET", "/api/nothing", nil)
	var line map[string]any
	testkit.Eventually(t, 2*time.Second, func() bool {
		for _, rec := range s.logLines("request") {
			if rec["request_id"] == "log-me-1" {
				line = rec
			}
		}
		return line != nil
	}, "an access-log line for the request")
	if line["method"] != "GET" || line["path"] != "/api/alpha/logged" || line["status"] != float64(200) ||
		line["function"] != "alpha" || line["bytes"].(float64) <= 0 || line["duration_ms"] == nil {
		t.Fatalf("access-log line %v", line)
	}

	tests := []struct {
		name   string
		header http.Header
		status int
	}{
		{"loopback", nil, 200},
		{"relayed by a proxy", http.Header{"X-Forwarded-For": {"203.0.113.5"}}, 404},
		{"relayed with token", http.Header{"X-Forwarded-For": {"203.0.113.5"}, "Authorization": {"Bearer s3cret"}}, 200},
		{"wrong token", http.Header{"X-Forwarded-For": {"203.0.113.5"}, "Authorization": {"Bearer nope"}}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, "GET", "/metrics", tt.header)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			for _, want := range []string{
				`archstudio_router_requests_total{code="200",function="alpha"}`,
				`archstudio_router_requests_total{code="404",function="router"} 1`,
				`archstudio_router_request_duration_seconds_bucket{code="200",function="alpha",le=`,
				`archstudio_router_function_up{function="alpha"} 1`,
				`archstudio_router_function_restarts_total{function="alpha"} 0`,
				`archstudio_router_function_startup_seconds_count{function="alpha"} 1`,
			} {
				if !strings.Contains(string(r.Body), want) {
					t.Errorf("metrics lack %s", want)
				}
			}
		})
	}
}

func TestSchedulerCallsPrivatePath(t *testing.T) {
	s := startStack(t)
	// at_start plus at least two 100ms periods.
	testkit.Eventually(t, 5*time.Second, func() bool {
		var body struct{ Count int }
		r := s.do(t, "GET", "/api/jobber/jobs", nil)
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		return body.Count >= 3
	}, "the scheduled path called at least 3 times")
	if calls := s.logLines("scheduled call"); len(calls) == 0 || calls[0]["status"] != float64(204) {
		t.Fatalf("scheduled calls logged: %v", calls)
	}
}

func TestDrainOnSIGTERM(t *testing.T) {
	tests := []struct {
		name  string
		drain string
		slow  time.Duration
		// signals sent to the router; a second one cuts the drain short.
		signals int
		// finishes: the in-flight request completes normally.
		finishes bool
	}{
		{"in-flight request finishes", "5s", time.Second, 1, true},
		{"drain is bounded", "300ms", 10 * time.Second, 1, false},
		{"second signal cuts the drain short", "30s", 10 * time.Second, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startStack(t, "ROUTER_DRAIN_TIMEOUT="+tt.drain, "ROUTER_STOP_TIMEOUT=500ms")
			children := []int{s.echo(t, "/api/alpha/pid").PID, s.echo(t, "/api/stream/pid").PID}
			type result struct {
				status int
				body   string
				err    error
			}
			done := make(chan result, 1)
			go func() {
				resp, err := http.Get(s.URL + "/api/alpha/slow?d=" + tt.slow.String())
				if err != nil {
					done <- result{err: err}
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				done <- result{resp.StatusCode, string(b), err}
			}()
			testkit.Eventually(t, 5*time.Second, func() bool {
				var body struct{ Count int }
				_ = json.Unmarshal(s.do(t, "GET", "/api/alpha/slowing", nil).Body, &body)
				return body.Count == 1
			}, "the slow request is in the function")
			began := time.Now()
			if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			waitRefused(t, s.Addr, time.Second)
			if tt.signals > 1 {
				if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
			}
			res := <-done
			if tt.finishes {
				if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"slept"`) {
					t.Fatalf("in-flight request: %d %q %v; want it to finish", res.status, res.body, res.err)
				}
			} else if res.err == nil && res.status == 200 {
				t.Fatalf("a 10 s request finished despite a 300ms drain bound")
			}
			var err error
			select {
			case err = <-s.exited:
				s.exited <- err // for the cleanup
			case <-time.After(5 * time.Second):
				t.Fatal("router still running 5 s after SIGTERM")
			}
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			if err != nil {
				t.Fatalf("router exit: %v", err)
			}
			t.Logf("router exited %v after SIGTERM", time.Since(began).Round(time.Millisecond))
			for _, pid := range children {
				if !processGone(pid) {
					t.Errorf("function process %d outlived the router", pid)
				}
			}
		})
	}
}

// TestRefusedConfigurationStopsStartUp: a function refusing its
// configuration stops the router's start-up (after the function has said
// which setting), rather than a studio serving 503s on its routes forever.
func TestRefusedConfigurationStopsStartUp(t *testing.T) {
	router := testkit.BuildFunction(t, routerPkg)
	fn := testkit.BuildFunction(t, testfnPkg)
	dir := t.TempDir()
	manifest := filepath.Join(dir, "functions.json")
	body := fmt.Sprintf(`{"functions": [
  {"name": "fine", "binary": %[1]q, "routes": ["/api/fine"]},
  {"name": "misconfigured", "binary": %[1]q, "routes": ["/api/misconfigured"], "env": {"APP_ENV": "staging"}}
]}`, fn)
	if err := os.WriteFile(manifest, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	out, code := testkit.RunBinary(t, router, "APP_ENV=test", "ROUTER_MANIFEST="+manifest,
		fmt.Sprintf("ROUTER_ADDR=127.0.0.1:%d", port), "ROUTER_RUN_DIR="+filepath.Join(dir, "run"), "WEB_DIST="+dir)
	if code == 0 || !strings.Contains(out, "refused by misconfigured") || !strings.Contains(out, "APP_ENV") ||
		strings.Count(out, `"function":"misconfigured","version"`) > 2 {
		t.Fatalf("exit %d; want a refusal naming the function and the setting, no restarts; output:\n%s", code, out)
	}
}
