package routing

import (
	"net/http"
	"net/url"

	"github.com/archstudio/studio/shared/apperr"
)

// StrictQuery refuses a request whose query string does not parse
// (?cursor=%%%%, a stray ";"): r.URL.Query() would drop the bad pair
// silently, and a handler would answer as if it had not been sent, with
// the first page instead of 400. The shared bootstrap puts it in front of
// every function.
func StrictQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			apperr.Write(w, r, apperr.InvalidField("query", "is not a well-formed query string"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
