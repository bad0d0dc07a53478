package router

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/archstudio/studio/runtime/forwarded"
	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/shared/secheaders"
)

// studio is the router as cmd/router builds it for PUBLIC_URL origin
// ("" for plain HTTP), trusting 10.0.0.0/8 as proxies.
func studio(t *testing.T, origin string) http.Handler {
	t.Helper()
	m, err := manifest.Parse([]byte(`{"functions":[{"name":"chats","binary":"x","routes":["/api/chats"]}]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	trust, err := forwarded.Parse("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "served") })
	return New(Deps{
		Table:     m.Table(),
		Functions: map[string]http.Handler{"chats": ok},
		SPA:       ok,
		Logger:    slog.New(slog.DiscardHandler),
		Security:  secheaders.Policy{AlwaysHSTS: origin != "", Secure: trust.Secure},
		TLS:       TLS{Origin: origin, Secure: trust.Secure},
	})
}

// TestHTTPSRedirect: with an https PUBLIC_URL, plain HTTP is sent to the
// same path there before any function sees it; TLS, a trusted proxy's
// X-Forwarded-Proto: https, the proxy's health check and local requests
// are served.
func TestHTTPSRedirect(t *testing.T) {
	h := studio(t, "https://studio.example")
	tests := []struct {
		name, method, target, peer string
		header                     map[string]string
		tls                        bool
		status                     int
		location                   string
	}{
		{"page over HTTP", "GET", "/chats/1?tab=x", "203.0.113.5:1", nil, false, 301, "https://studio.example/chats/1?tab=x"},
		{"API write over HTTP keeps its method", "POST", "/api/chats", "203.0.113.5:1", nil, false, 308, "https://studio.example/api/chats"},
		{"untrusted peer claiming https", "GET", "/", "203.0.113.5:1", map[string]string{"X-Forwarded-Proto": "https"}, false, 301, "https://studio.example/"},
		{"trusted proxy relaying http", "GET", "/", "10.0.0.2:1", map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.5"}, false, 301, "https://studio.example/"},
		{"trusted proxy relaying https", "GET", "/", "10.0.0.2:1", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}, false, 200, ""},
		{"router's own TLS", "GET", "/", "203.0.113.5:1", nil, true, 200, ""},
		{"proxy health check", "GET", "/health", "10.0.0.2:1", nil, false, 404, ""},
		{"local request", "GET", "/", "127.0.0.1:1", nil, false, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, nil)
			req.RemoteAddr = tt.peer
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Header().Get("Location") != tt.location {
				t.Fatalf("status %d Location %q, want %d %q", rec.Code, rec.Header().Get("Location"), tt.status, tt.location)
			}
			if got := rec.Header().Get("Strict-Transport-Security"); got != secheaders.HSTS {
				t.Fatalf("Strict-Transport-Security %q", got)
			}
		})
	}
}

// TestObservatoryScore scores the studio with the rules of MDN's HTTP
// Observatory that the router decides (redirection, HSTS, CSP, framing,
// nosniff, referrer policy, CORP) and its grade chart: over plain HTTP
// it is C+ (60), the figure a scan of a plain-HTTP studio gives; behind
// TLS it must be A+.
func TestObservatoryScore(t *testing.T) {
	plain := studio(t, "")
	tlsOn := studio(t, "https://studio.example")
	if got, grade, notes := observatory(t, plain, false); got != 60 || grade != "C+" {
		t.Fatalf("plain HTTP scored %d (%s), want 60 (C+): %v", got, grade, notes)
	}
	if got, grade, notes := observatory(t, tlsOn, true); grade != "A+" {
		t.Fatalf("behind TLS scored %d (%s), want A+: %v", got, grade, notes)
	}
}

// observatory fetches / as the scanner does (first over http, following
// the redirect to https when there is one) and scores the answers.
func observatory(t *testing.T, h http.Handler, secure bool) (int, string, []string) {
	t.Helper()
	score, bonus := 100, 0
	var notes []string
	penalty := func(n int, why string) { score -= n; notes = append(notes, why) }

	req := httptest.NewRequest("GET", "http://studio.example/", nil)
	req.RemoteAddr = "203.0.113.5:1"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	final := rec
	switch loc := rec.Header().Get("Location"); {
	case rec.Code/100 == 3 && strings.HasPrefix(loc, "https://studio.example/"):
		req = httptest.NewRequest("GET", loc, nil)
		req.RemoteAddr = "203.0.113.5:1"
		req.TLS = &tls.ConnectionState{}
		final = httptest.NewRecorder()
		h.ServeHTTP(final, req)
	default:
		penalty(20, "redirection-not-to-https")
	}
	hdr := final.Header()

	hsts := hdr.Get("Strict-Transport-Security")
	maxAge := 0
	for _, part := range strings.Split(hsts, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
			maxAge, _ = strconv.Atoi(v)
		}
	}
	switch {
	case !secure || hsts == "":
		penalty(20, "hsts-not-implemented")
	case maxAge < 15768000:
		penalty(10, "hsts-implemented-max-age-less-than-six-months")
	}

	csp := directives(hdr.Get("Content-Security-Policy"))
	switch {
	case len(csp) == 0:
		penalty(25, "csp-not-implemented")
	case strings.Contains(csp["script-src"], "'unsafe-inline'") || strings.Contains(csp["script-src"], "'unsafe-eval'"):
		penalty(20, "csp-implemented-with-unsafe-inline")
	case csp["default-src"] == "" || csp["object-src"] == "" && !strings.Contains(csp["default-src"], "'none'"):
		penalty(5, "csp-implemented-but-lacks-default-src-or-object-src")
	case csp["default-src"] == "'none'":
		bonus += 10
	case !strings.Contains(csp["style-src"], "'unsafe-inline'"):
		bonus += 5
	}
	if hdr.Get("X-Content-Type-Options") != "nosniff" {
		penalty(5, "x-content-type-options-not-implemented")
	}
	switch fa := csp["frame-ancestors"]; {
	case fa == "'none'" || fa == "'self'":
		bonus += 5
	case hdr.Get("X-Frame-Options") == "DENY" || hdr.Get("X-Frame-Options") == "SAMEORIGIN":
	default:
		penalty(20, "x-frame-options-not-implemented")
	}
	switch hdr.Get("Referrer-Policy") {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
		bonus += 5
	case "unsafe-url", "origin-when-cross-origin", "no-referrer-when-downgrade", "origin":
		penalty(5, "referrer-policy-unsafe")
	}
	if hdr.Get("Cross-Origin-Resource-Policy") == "" {
		notes = append(notes, "corp-not-implemented")
	}
	if score >= 90 {
		score += bonus
	}
	return score, grade(score), notes
}

func directives(csp string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if name != "" {
			out[name] = value
		}
	}
	return out
}

// grade is the Observatory's chart.
func grade(score int) string {
	for _, g := range []struct {
		min   int
		grade string
	}{{100, "A+"}, {90, "A"}, {85, "A-"}, {80, "B+"}, {70, "B"}, {65, "B-"}, {60, "C+"}, {50, "C"}, {45, "C-"}, {40, "D+"}, {30, "D"}, {25, "D-"}} {
		if score >= g.min {
			return g.grade
		}
	}
	return "F"
}
