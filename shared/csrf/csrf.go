// Package csrf refuses state-changing requests that a browser sent on
// behalf of a page of another origin, and JSON bodies that are not
// declared JSON. SameSite=Lax cookies alone let any same-site page (a
// sibling subdomain, another localhost port) act as the user; these
// checks close that, and the Content-Type rule removes the "simple
// request" path (a form or a no-cors fetch cannot send application/json
// without a preflight, which CORS refuses for other origins).
//
// Every function gets the middleware from the shared bootstrap, under the
// router and under Lambda alike.
package csrf

import (
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/logging"
)

// Middleware checks every request whose method changes state (anything
// but GET, HEAD and OPTIONS):
//
//   - Sec-Fetch-Site (sent by every current browser, and not settable by
//     scripts) "same-origin" or "none" (the user's own action) is
//     accepted;
//   - otherwise an Origin among allowed is accepted (a page of an allowed
//     origin, which CORS also lets read the answers);
//   - a request with neither header is accepted only when it carries no
//     cookie: it comes from a program, not a browser, and holds no
//     ambient credential (bearer-token callers such as the scheduler);
//   - everything else (another origin, "null", a same-site or cross-site
//     fetch, a cookie without an Origin) is 403 csrf_refused, logged with
//     the reason.
//
// A state-changing request with a body must then declare it JSON
// (application/json or application/<something>+json) or a
// multipart/form-data upload, or it is 415 unsupported_media_type.
func Middleware(allowed []string) func(http.Handler) http.Handler {
	set := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		set[strings.ToLower(o)] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if safe(r.Method) {
				next.ServeHTTP(w, r)
				return
			}
			if reason := refusal(r, set); reason != "" {
				logging.FromContext(r.Context()).WarnContext(r.Context(), "csrf: request refused",
					slog.String("reason", reason), slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("origin", r.Header.Get("Origin")), slog.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
				apperr.Write(w, r, apperr.New(apperr.CSRFRefused, "this request must come from the studio's own pages"))
				return
			}
			if hasBody(r) && !acceptedBody(r.Header.Get("Content-Type")) {
				apperr.Write(w, r, apperr.New(apperr.UnsupportedMediaType, "the request body must be JSON, sent with Content-Type: application/json"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// refusal is why r must be refused, or "" to accept it.
func refusal(r *http.Request, allowed map[string]bool) string {
	site := strings.ToLower(strings.TrimSpace(r.Header.Get("Sec-Fetch-Site")))
	if site == "same-origin" || site == "none" {
		return ""
	}
	origin := r.Header.Get("Origin")
	if origin != "" {
		if allowed[strings.ToLower(origin)] {
			return ""
		}
		return "origin not allowed"
	}
	if site != "" {
		return "sec-fetch-site " + site + " without an allowed origin"
	}
	if r.Header.Get("Cookie") != "" {
		return "cookie without origin"
	}
	return ""
}

// hasBody reports whether r carries a body: a length, or one of unknown
// length (chunked).
func hasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
}

// acceptedBody reports whether a Content-Type names JSON, or a
// multipart/form-data file upload (the attachments function's). An upload
// reaches here only after the origin check has passed, and a JSON route
// still refuses it with 415 where it decodes (jsonio), so letting it by
// opens no simple-request path.
func acceptedBody(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if mt == "multipart/form-data" {
		return true
	}
	sub, ok := strings.CutPrefix(mt, "application/")
	return ok && (sub == "json" || strings.HasSuffix(sub, "+json"))
}
