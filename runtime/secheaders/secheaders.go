// Package secheaders adds the browser security headers to every response
// the router sends (what helmet did for the Node server). A header the
// function set itself is left alone, so a function can tighten the policy
// for one response (a raw artifact download, say).
package secheaders

import (
	"bufio"
	"net"
	"net/http"
)

// DefaultCSP is what the SPA needs and nothing more:
//   - scripts and styles from the origin; 'unsafe-inline' for scripts only
//     because artifact previews run inline scripts inside sandboxed srcdoc
//     iframes (opaque origin, no cookies or API), and a srcdoc document
//     inherits this policy; 'unsafe-inline' for styles because mermaid,
//     KaTeX and React set style attributes;
//   - images from the origin, data:/blob: (rendered SVG artifacts) and
//     GitHub avatars;
//   - fetch, SSE and WebSocket only to the origin;
//   - no plugins, no <base> hijack, no framing of the studio.
const DefaultCSP = "default-src 'self'; " +
	"script-src 'self' 'unsafe-inline'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https://avatars.githubusercontent.com; " +
	"font-src 'self' data:; " +
	"connect-src 'self'; " +
	"media-src 'self' blob: data:; " +
	"worker-src 'self' blob:; " +
	"frame-src 'self' blob: data:; " +
	"manifest-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'self'; " +
	"form-action 'self'; " +
	"frame-ancestors 'none'"

// HSTS is sent on responses to TLS requests (and always in production).
const HSTS = "max-age=63072000; includeSubDomains"

// Policy configures the headers.
type Policy struct {
	CSP string
	// AlwaysHSTS sends Strict-Transport-Security even for plain-HTTP
	// requests (production, where TLS ends in front of the router).
	AlwaysHSTS bool
	// Secure reports whether a request came over TLS.
	Secure func(*http.Request) bool
}

// Middleware sets the headers on every response next writes.
func Middleware(p Policy) func(http.Handler) http.Handler {
	if p.CSP == "" {
		p.CSP = DefaultCSP
	}
	fixed := [][2]string{
		{"Content-Security-Policy", p.CSP},
		{"X-Frame-Options", "DENY"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cross-Origin-Resource-Policy", "same-origin"},
		// The studio listens to the microphone for voice input; nothing
		// else it could be tricked into using.
		{"Permissions-Policy", "microphone=(self), camera=(), geolocation=(), payment=(), usb=()"},
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hsts := p.AlwaysHSTS || (p.Secure != nil && p.Secure(r))
			next.ServeHTTP(&writer{ResponseWriter: w, fixed: fixed, hsts: hsts}, r)
		})
	}
}

// writer fills in missing headers just before the status line goes out,
// after the handler (or the proxied function) has set its own.
type writer struct {
	http.ResponseWriter
	fixed [][2]string
	hsts  bool
	done  bool
}

func (w *writer) apply() {
	if w.done {
		return
	}
	w.done = true
	h := w.ResponseWriter.Header()
	for _, kv := range w.fixed {
		if _, set := h[kv[0]]; !set {
			h.Set(kv[0], kv[1])
		}
	}
	if w.hsts {
		if _, set := h["Strict-Transport-Security"]; !set {
			h.Set("Strict-Transport-Security", HSTS)
		}
	}
}

func (w *writer) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.apply()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *writer) Write(b []byte) (int, error) {
	w.apply()
	return w.ResponseWriter.Write(b)
}

// Flush sends the headers first if nothing has been written yet.
func (w *writer) Flush() { _ = w.FlushError() }

// FlushError is what http.ResponseController calls.
func (w *writer) FlushError() error {
	w.apply()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands over the connection (WebSocket).
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the rest.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
