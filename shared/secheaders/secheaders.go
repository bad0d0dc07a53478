// Package secheaders adds the browser security headers to every response
// the router sends, and (through the shared bootstrap) every function's
// response, under the router and under Lambda alike. A header the
// handler set itself is left alone, so a function can tighten the policy
// for one response (a raw artifact download, say) and the web app can give
// the artifact preview document a policy of its own (PreviewCSP).
package secheaders

import (
	"bufio"
	"net"
	"net/http"
)

// DefaultCSP is what the SPA needs and nothing more:
//   - scripts only from the origin: no inline script can run in the studio,
//     so markup that slips into the page cannot act with the user's session
//     (artifact previews run their inline scripts in a document of their
//     own, under PreviewCSP); 'unsafe-inline' for styles because mermaid,
//     KaTeX and React set style attributes;
//   - images from the origin, data:/blob: (rendered SVG artifacts) and
//     GitHub avatars;
//   - fetch, SSE and WebSocket only to the origin;
//   - frames only from the origin (the preview document);
//   - no plugins, no <base> hijack, no framing of the studio.
const DefaultCSP = "default-src 'self'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https://avatars.githubusercontent.com; " +
	"font-src 'self' data:; " +
	"connect-src 'self'; " +
	"media-src 'self' blob: data:; " +
	"worker-src 'self' blob:; " +
	"frame-src 'self'; " +
	"manifest-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'self'; " +
	"form-action 'self'; " +
	"frame-ancestors 'none'"

// PreviewCSP is the policy of the document HTML and React artifacts run
// in (the web app's preview.html), which holds code the model wrote:
//   - inline scripts and styles, which is what an artifact is made of;
//     no eval, which neither artifacts nor the React runtime need;
//   - images, fonts and media only from data: and blob: URLs;
//   - no network at all, so what a preview shows cannot be sent anywhere;
//   - sandboxed even when opened on its own, so it never runs with the
//     studio's origin (the studio frames it sandboxed too);
//   - framed only by the studio.
const PreviewCSP = "default-src 'none'; " +
	"script-src 'unsafe-inline'; " +
	"style-src 'unsafe-inline'; " +
	"img-src data: blob:; " +
	"font-src data:; " +
	"media-src data: blob:; " +
	"connect-src 'none'; " +
	"form-action 'none'; " +
	"base-uri 'none'; " +
	"frame-ancestors 'self'; " +
	"sandbox allow-scripts"

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
	set := p.Headers()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(&writer{ResponseWriter: w, set: set, hsts: set.HSTS(r)}, r)
		})
	}
}

// Headers are a policy's headers, built once. Middleware applies them
// through a response writer of its own; the router's front door, which
// wraps each response once for all it does, calls Apply itself.
type Headers struct {
	fixed  []header
	always bool
	secure func(*http.Request) bool
}

// Headers builds p's headers.
func (p Policy) Headers() *Headers {
	if p.CSP == "" {
		p.CSP = DefaultCSP
	}
	pairs := [][2]string{
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
	// The values are built once and shared by every response (capacity
	// capped, so an append by a handler copies): setting them costs no
	// allocation per request.
	fixed := make([]header, len(pairs))
	for i, kv := range pairs {
		fixed[i] = header{http.CanonicalHeaderKey(kv[0]), []string{kv[1]}[:1:1]}
	}
	return &Headers{fixed: fixed, always: p.AlwaysHSTS, secure: p.Secure}
}

// HSTS reports whether the response to r carries Strict-Transport-Security.
func (s *Headers) HSTS(r *http.Request) bool {
	return s.always || (s.secure != nil && s.secure(r))
}

// Apply adds to h, just before a final status goes out, each header the
// handler has not set itself (Strict-Transport-Security with hsts).
func (s *Headers) Apply(h http.Header, hsts bool) {
	for _, f := range s.fixed {
		if _, set := h[f.key]; !set {
			h[f.key] = f.value
		}
	}
	if hsts {
		if _, set := h["Strict-Transport-Security"]; !set {
			h["Strict-Transport-Security"] = hstsValue
		}
	}
}

type header struct {
	key   string // canonical
	value []string
}

var hstsValue = []string{HSTS}[:1:1]

// writer fills in missing headers just before the status line goes out,
// after the handler (or the proxied function) has set its own.
type writer struct {
	http.ResponseWriter
	set  *Headers
	hsts bool
	done bool
}

func (w *writer) apply() {
	if w.done {
		return
	}
	w.done = true
	w.set.Apply(w.ResponseWriter.Header(), w.hsts)
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
