package router

import (
	"net/http"

	"github.com/archstudio/studio/runtime/forwarded"
)

// TLS is how the router treats plain HTTP when the studio is served over
// HTTPS.
type TLS struct {
	// Origin is the https://host[:port] the studio is reached at
	// (PUBLIC_URL); "" serves plain HTTP as it is.
	Origin string
	// Secure reports whether a request came over TLS: the router's own,
	// or X-Forwarded-Proto: https from a trusted proxy.
	Secure func(*http.Request) bool
}

// redirectToHTTPS sends a request that came over plain HTTP to the same
// path on t.Origin (301 for GET and HEAD, 308 otherwise, so a method and
// body are kept), before any function sees it. Two kinds of request are
// served as they are: GET /health, which a proxy's health check sends
// over plain HTTP on the private network, and requests straight from
// loopback that no proxy relayed (an operator's curl, a local scraper).
func redirectToHTTPS(t TLS, next http.Handler) http.Handler {
	if t.Origin == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (t.Secure != nil && t.Secure(r)) || r.URL.Path == "/health" || localDirect(r) {
			next.ServeHTTP(w, r)
			return
		}
		status := http.StatusMovedPermanently
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			status = http.StatusPermanentRedirect
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, t.Origin+r.URL.RequestURI(), status) // #nosec G710 -- the target host is the configured PUBLIC_URL, only the path comes from the request
	})
}

func localDirect(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("X-Forwarded-Proto") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	ip, ok := forwarded.Peer(r)
	return ok && ip.IsLoopback()
}
