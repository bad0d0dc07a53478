// Package clienterrors receives the SPA's error reports (POST
// /api/client-errors) and writes them, sanitized, to the log, so a crash in
// a user's browser is visible to whoever runs the studio.
package clienterrors

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
)

// Limiter is the subset of go-limiter's Store the handler uses.
type Limiter interface {
	Take(ctx context.Context, key string) (tokens, remaining, reset uint64, ok bool, err error)
}

// Deps are what the handler needs.
type Deps struct {
	Limiter Limiter
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
	mux.Handle("POST /api/client-errors", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		_, _, reset, ok, err := d.Limiter.Take(r.Context(), "client-errors:"+clientIP(r))
		if err != nil {
			return apperr.Wrap(err, apperr.Unavailable, "error reporting is unavailable")
		}
		if !ok {
			e := apperr.New(apperr.RateLimited, "too many error reports; try again later")
			e.RetryAfter = time.Until(time.Unix(0, int64(reset)))
			return e
		}
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
	}))
	mux.Handle("/", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "no such route")
	}))
	return mux
}

// clientIP is the address the router saw: the last X-Forwarded-For hop,
// which the router appends, or the connection's peer.
func clientIP(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		parts := strings.Split(xff, ",")
		return strings.TrimSpace(parts[len(parts)-1])
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
