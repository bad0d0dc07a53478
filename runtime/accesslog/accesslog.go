// Package accesslog writes one JSON line per request (method, path,
// status, bytes, duration_ms, function, request_id) and hands the same
// figures to the metrics.
package accesslog

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Recorder receives every finished request (the Prometheus metrics).
type Recorder interface {
	Observe(function string, status int, d time.Duration)
}

type entry struct{ function string }

type ctxKey struct{}

// SetFunction names the function (or "spa", "metrics", "router") that
// served the request, for the log line and the metrics labels.
func SetFunction(ctx context.Context, name string) {
	if e, ok := ctx.Value(ctxKey{}).(*entry); ok {
		e.function = name
	}
}

// Middleware logs each request with logger (records carry request_id
// through the context) once it has finished.
func Middleware(logger *slog.Logger, rec Recorder) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			e := &entry{function: "router"}
			cw := &countingWriter{ResponseWriter: w}
			ctx := context.WithValue(r.Context(), ctxKey{}, e)
			defer func() {
				d := time.Since(start)
				status := cw.status
				if status == 0 {
					status = http.StatusOK
				}
				if rec != nil {
					rec.Observe(e.function, status, d)
				}
				logger.LogAttrs(ctx, slog.LevelInfo, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Int64("bytes", cw.bytes),
					slog.Float64("duration_ms", float64(d.Microseconds())/1000),
					slog.String("function", e.function),
				)
			}()
			next.ServeHTTP(cw, r.WithContext(ctx))
		})
	}
}

type countingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *countingWriter) WriteHeader(code int) {
	// 1xx other than 101 are interim; the final status comes later.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush counts as sending a 200 if nothing was sent before.
func (w *countingWriter) Flush() { _ = w.FlushError() }

// FlushError is what http.ResponseController calls.
func (w *countingWriter) FlushError() error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack records a protocol switch (WebSocket): the proxy writes the 101
// on the hijacked connection itself, past WriteHeader.
func (w *countingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// Unwrap lets http.ResponseController reach the rest.
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
