// Package cors answers cross-origin requests from the configured origins
// only, with credentials (the session cookie). Every other origin gets no
// CORS headers, so browsers keep its scripts from reading responses, and
// its preflights are refused.
package cors

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

// Settings is embedded (anonymously) in a function's settings.
type Settings struct {
	// AllowedOrigins is a comma-separated list of origins
	// (scheme://host[:port]) whose pages may call the API with cookies.
	AllowedOrigins string `envconfig:"ALLOWED_ORIGINS" default:"http://localhost:8080"`
}

// Origins parses AllowedOrigins.
func (c Settings) Origins() ([]string, error) { return ParseOrigins(c.AllowedOrigins) }

// ParseOrigins reads a comma-separated origin list. "*" is refused: with
// credentials it would hand every site the signed-in user's API.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			return nil, fmt.Errorf("ALLOWED_ORIGINS: \"*\" cannot be used with credentials; list the origins")
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("ALLOWED_ORIGINS: %q is not an origin (scheme://host[:port])", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

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
