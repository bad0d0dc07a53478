// Package api receives the SPA's error reports (POST
// /api/client-errors) and writes them, sanitized, to the log, so a crash in
// a user's browser is visible to whoever runs the studio.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/sethvargo/go-limiter"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/ratelimit"
	"github.com/archstudio/studio/shared/routing"
)

// Deps are what the handler needs.
type Deps struct {
	// Limiter bounds reports per client address; a crash loop in one
	// browser must not flood the log.
	Limiter limiter.Store
}

// Report is the body the SPA sends.
type Report struct {
	Message        string `json:"message"`
	Stack          string `json:"stack"`
	URL            string `json:"url"`
	ComponentStack string `json:"component_stack"`
}

const maxBody = 32 << 10

// New returns the handler for POST /api/client-errors. It answers 204, 400
// for a malformed report and 429 rate_limited past the per-client limit.
func New(d Deps) http.Handler {
	mux := http.NewServeMux()
	limit := ratelimit.Middleware(d.Limiter, ratelimit.ByClientIP("client-errors"))
	mux.Handle("POST /api/client-errors", limit(apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var rep Report
		if err := jsonio.Decode(w, r, &rep, maxBody); err != nil {
			return err
		}
		if strings.TrimSpace(rep.Message) == "" {
			return apperr.InvalidField("message", "is required")
		}
		logging.FromContext(r.Context()).WarnContext(r.Context(), "client error",
			slog.String("message", truncate(redact(rep.Message), 1000)),
			slog.String("stack", truncate(redact(rep.Stack), 8000)),
			slog.String("component_stack", truncate(redact(rep.ComponentStack), 4000)),
			slog.String("page", pagePath(rep.URL)),
			slog.String("user_agent", truncate(r.UserAgent(), 300)),
		)
		w.WriteHeader(http.StatusNoContent)
		return nil
	})))
	return routing.JSONErrors(mux)
}
