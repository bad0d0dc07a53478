// Package profiler serves Go's profiler (net/http/pprof) on a listener of
// its own, never on a handler that serves requests: the router's loopback
// port (ROUTER_PPROF_ADDR) and each function's Unix socket
// (FUNCTION_PPROF_DIR), both for make bench's profiles.
package profiler

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// Serve serves the profiler on ln until the process exits.
func Serve(ln net.Listener, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("profiler", slog.String("addr", ln.Addr().String()))
	go func() { _ = srv.Serve(ln) }()
}
