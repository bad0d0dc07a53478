package main

import (
	"log/slog"
	"net"

	"github.com/archstudio/studio/shared/profiler"
)

// servePprof serves the Go profiler on addr (loopback only, checked by
// the settings) until the process exits: how the router's CPU and
// allocation profiles under load are taken (README: make bench).
func servePprof(addr string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	profiler.Serve(ln, logger)
	return nil
}
