package metrics

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/archstudio/studio/runtime/forwarded"
	"github.com/archstudio/studio/shared/apperr"
)

// Access decides who may read /metrics.
type Access struct {
	// Token, when set, lets a request with "Authorization: Bearer <Token>"
	// in from anywhere.
	Token string
	// Loopback lets in requests from 127.0.0.1/::1 that no proxy relayed
	// (a proxy on the same host adds X-Forwarded-For; its clients are not
	// local).
	Loopback bool
}

// Handler serves the registry in the Prometheus text format to the
// requests Access allows, and 404 (so the endpoint is not advertised) to
// the rest.
func (m *Metrics) Handler(a Access) http.Handler {
	h := promhttp.HandlerFor(m.Gatherer(), promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.allows(r) {
			apperr.Write(w, r, apperr.New(apperr.NotFound, "no such route"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// allows: a request that sends credentials must send the right token,
// wherever it comes from (a wrong token is never let in on loopback's
// account); one that sends none must come from loopback.
func (a Access) allows(r *http.Request) bool {
	if _, sent := r.Header["Authorization"]; sent {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && a.Token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(a.Token)) == 1
	}
	if a.Loopback && r.Header.Get("X-Forwarded-For") == "" && r.Header.Get("Forwarded") == "" {
		if ip, ok := forwarded.Peer(r); ok && ip.IsLoopback() {
			return true
		}
	}
	return false
}
