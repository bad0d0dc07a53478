// Package accesslog writes one JSON line per request (method, path,
// status, bytes, duration_ms, function, request_id) and hands the same
// figures to the metrics. The router's front door (runtime/router) counts
// what each response sent; the dispatcher names the function that served
// it (SetFunction).
package accesslog

import (
	"context"
	"time"
)

// Recorder receives every finished request (the Prometheus metrics).
type Recorder interface {
	Observe(function string, status int, d time.Duration)
}

// Entry is what the dispatcher adds to a request's line while it runs.
type Entry struct {
	// Function served the request ("spa", "metrics", "router" or a
	// function's name).
	Function string
}

type ctxKey struct{}

// WithEntry returns ctx carrying e, for SetFunction.
func WithEntry(ctx context.Context, e *Entry) context.Context {
	return context.WithValue(ctx, ctxKey{}, e)
}

// SetFunction names the function (or "spa", "metrics", "router") that
// served the request, for the log line and the metrics labels.
func SetFunction(ctx context.Context, name string) {
	if e, ok := ctx.Value(ctxKey{}).(*Entry); ok {
		e.Function = name
	}
}
