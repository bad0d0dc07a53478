// Package logging builds the structured JSON logger every binary uses and
// carries it in request contexts, adding the request ID to each record.
package logging

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/archstudio/studio/shared/requestid"
)

// New returns a JSON logger at level ("debug", "info", "warn", "error"),
// scrubbed of secrets and message content (see Scrubber). Records logged
// with a context that carries a request ID get request_id.
func New(w io.Writer, level string, attrs ...slog.Attr) *slog.Logger {
	return slog.New(contextHandler{jsonHandler(w, ParseLevel(level), NewScrubber(false))}).With(attrsToAny(attrs)...)
}

// ParseLevel reads "debug", "info", "warn" or "error"; anything else is
// info.
func ParseLevel(level string) slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		lv = slog.LevelInfo
	}
	return lv
}

func jsonHandler(w io.Writer, lv slog.Leveler, s *Scrubber) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv, ReplaceAttr: s.ReplaceAttr})
}

func attrsToAny(attrs []slog.Attr) []any {
	out := make([]any, len(attrs))
	for i, a := range attrs {
		out[i] = a
	}
	return out
}

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestid.FromContext(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

type ctxKey struct{}

// WithLogger returns ctx carrying l.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext returns the logger in ctx; a context without one gets a logger
// that discards, so library code never needs a nil check.
func FromContext(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(ctxKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// Middleware puts l into every request's context.
func Middleware(l *slog.Logger) func(next http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(WithLogger(r.Context(), l)))
		})
	}
}
