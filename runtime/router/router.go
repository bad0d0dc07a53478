// Package router is the router's front door: it cleans the path, keeps
// scheduled paths private, sends each request to the function whose route
// matches best, serves /metrics, answers unknown API paths with a JSON 404
// and everything else from the web app — with request IDs, the access log
// and the security headers around all of it.
package router

import (
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/archstudio/studio/runtime/accesslog"
	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/runtime/proxy"
	"github.com/archstudio/studio/shared/apispec"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/secheaders"
)

// Deps are the parts the router dispatches to.
type Deps struct {
	Table *manifest.Table
	// Functions maps a function name to its proxy. A name in Table but not
	// here (binary not built) answers 503.
	Functions map[string]http.Handler
	// Private paths (schedule targets) are 404 from outside, with
	// everything below them.
	Private []string
	SPA     http.Handler
	// Metrics serves /metrics (nil: 404).
	Metrics http.Handler
	Logger  *slog.Logger
	// Access writes the access log (one line per request; nil: none). The
	// router's writes to an accesslog.Buffer.
	Access   *accesslog.Log
	Recorder accesslog.Recorder
	Security secheaders.Policy
	// TLS redirects plain HTTP to the https origin, when there is one.
	TLS TLS
}

// MetricsPath is where the router serves its Prometheus metrics.
const MetricsPath = "/metrics"

// SpecPath is where the router serves the API contract
// (shared/apispec/openapi.yaml), from the bytes the tests check against.
const SpecPath = "/api/openapi.yaml"

// New returns the router's handler.
func New(d Deps) http.Handler {
	var h http.Handler = &dispatcher{d}
	h = apperr.Recover(h)
	h = redirectToHTTPS(d.TLS, h)
	return &front{next: h, logger: d.Logger, access: d.Access, rec: d.Recorder, headers: d.Security.Headers()}
}

type dispatcher struct{ Deps }

func (d *dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if clean := cleanPath(p); clean != p {
		redirectClean(w, r, clean)
		return
	}
	ctx := r.Context()
	for _, private := range d.Private {
		if under(p, private) {
			apperr.Write(w, r, apperr.New(apperr.NotFound, "no such route"))
			return
		}
	}
	if p == MetricsPath && d.Metrics != nil {
		accesslog.SetFunction(ctx, "metrics")
		d.Metrics.ServeHTTP(w, r)
		return
	}
	if p == SpecPath {
		accesslog.SetFunction(ctx, "apispec")
		serveSpec(w, r)
		return
	}
	if route, ok := d.match(r); ok {
		accesslog.SetFunction(ctx, route.Function)
		if h := d.Functions[route.Function]; h != nil {
			h.ServeHTTP(w, r)
			return
		}
		proxy.Unavailable(w, r, route.Function)
		return
	}
	if under(p, "/api") || under(p, "/health") || under(p, "/internal") || p == MetricsPath {
		apperr.Write(w, r, apperr.New(apperr.NotFound, "no such route"))
		return
	}
	accesslog.SetFunction(ctx, "spa")
	d.SPA.ServeHTTP(w, r)
}

// match finds r's route by its (decoded) path. r itself is matched when it
// holds nothing else the ServeMux would read (it matches an escaped path
// when there is one): no request is built per match.
func (d *dispatcher) match(r *http.Request) (manifest.Route, bool) {
	if m := routeMethod(r); m != r.Method || r.URL.RawPath != "" || r.Method == http.MethodConnect {
		return d.Table.Match(m, r.URL.Path)
	}
	return d.Table.MatchRequest(r)
}

// routeMethod is the method r is routed by: a CORS preflight goes to the
// function that serves the method it asks about, whose CORS policy
// (shared/cors, the same in every function) answers it.
func routeMethod(r *http.Request) string {
	if r.Method == http.MethodOptions {
		if m := r.Header.Get("Access-Control-Request-Method"); m != "" {
			return m
		}
	}
	return r.Method
}

// serveSpec answers GET (and HEAD) with the embedded contract.
func serveSpec(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		apperr.Write(w, r, apperr.New(apperr.MethodNotAllowed, "method %s is not allowed here", r.Method))
		return
	}
	spec := apispec.Spec()
	w.Header().Set("Content-Type", apispec.MediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(spec)))
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(spec)
	}
}

// under reports whether p is prefix or a path below it (with no string
// built per call: it runs several times on every request).
func under(p, prefix string) bool {
	if p == prefix {
		return true
	}
	prefix = strings.TrimSuffix(prefix, "/")
	return len(p) > len(prefix) && p[len(prefix)] == '/' && strings.HasPrefix(p, prefix)
}

// cleanPath removes dot segments and repeated slashes, keeping a trailing
// slash. Routing and the private-path check work on the clean form, so
// /api/x/../../internal/... cannot sneak past them.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// redirectClean sends GET/HEAD to the clean path and refuses the rest:
// browsers never send unclean paths, so only odd clients see this.
func redirectClean(w http.ResponseWriter, r *http.Request, clean string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		apperr.Write(w, r, apperr.New(apperr.Invalid, "the path is not canonical"))
		return
	}
	u := *r.URL
	u.Path, u.RawPath = clean, ""
	http.Redirect(w, r, u.RequestURI(), http.StatusMovedPermanently) // #nosec G710 -- a path on this same host (RequestURI is origin-relative)
}
