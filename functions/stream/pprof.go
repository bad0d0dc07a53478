package main

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// servePprof serves the Go profiler on addr (STREAM_PPROF_ADDR, loopback
// only) until the process exits: how the goroutine and heap profiles of
// the function holding many WebSockets or SSE streams are taken (README:
// Stream function memory).
func servePprof(addr string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("profiler", slog.String("addr", ln.Addr().String()))
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// checkPprofAddr admits only a loopback host:port: the profiles show
// request internals.
func checkPprofAddr(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return errors.New("STREAM_PPROF_ADDR: must be a loopback host:port (the profiles show request internals)")
	}
	return nil
}
