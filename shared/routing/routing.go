// Package routing turns a Go 1.22+ ServeMux's own plain-text answers for
// requests that match no pattern into ArchStudio's JSON errors: an unknown
// path is 404 not_found, a known path with the wrong method is 405
// method_not_allowed with the Allow header the mux computed.
package routing

import (
	"net/http"

	"github.com/archstudio/studio/shared/apperr"
)

// JSONErrors returns mux wrapped so that unmatched requests are answered
// with apperr JSON bodies. Matched requests go to mux untouched.
func JSONErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's fallback handler only sets headers and a status; run it
		// against a probe to learn which of 404, 405 (or a redirect) it meant.
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			if allow := probe.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			apperr.Write(w, r, apperr.New(apperr.MethodNotAllowed, "method %s is not allowed here", r.Method))
		case http.StatusMovedPermanently, http.StatusPermanentRedirect:
			// Path cleaning redirects (e.g. "//api/chats"): pass them on.
			for k, v := range probe.header {
				w.Header()[k] = v
			}
			w.WriteHeader(probe.status)
		default:
			apperr.Write(w, r, apperr.New(apperr.NotFound, "no such route"))
		}
	})
}

type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }

func (p *statusProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}

func (p *statusProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}
