// Package cors answers cross-origin requests from the configured origins
// (ALLOWED_ORIGINS, config.Base.Origins) only, with credentials (the
// session cookie). It is the one CORS policy: the shared bootstrap puts it
// in front of every function, and the router sends each preflight to the
// function that serves the method it asks about. Every other origin gets no
// CORS headers, so browsers keep its scripts from reading responses, and
// its preflights are refused.
package cors

import (
	"net/http"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

const (
	allowMethods  = "GET, POST, PUT, PATCH, DELETE"
	exposeHeaders = "X-Request-ID, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
	maxAge        = "600"
)

// Middleware adds CORS headers for the allowed origins and answers their
// preflight requests; preflights from other origins get 403.
func Middleware(allowed []string) func(http.Handler) http.Handler {
	set := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		set[strings.ToLower(o)] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			ok := set[strings.ToLower(origin)]
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if preflight {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				if !ok {
					apperr.Write(w, r, apperr.New(apperr.Forbidden, "origin not allowed"))
					return
				}
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Credentials", "true")
				h.Set("Access-Control-Allow-Methods", allowMethods)
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
					h.Set("Access-Control-Allow-Headers", req)
				}
				h.Set("Access-Control-Max-Age", maxAge)
				w.WriteHeader(http.StatusNoContent)
				return
			}
			if ok {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Credentials", "true")
				h.Set("Access-Control-Expose-Headers", exposeHeaders)
			}
			next.ServeHTTP(w, r)
		})
	}
}
