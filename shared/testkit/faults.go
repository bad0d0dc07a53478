package testkit

import (
	"context"
	"fmt"
	"syscall"
	"testing"
)

// Faults of a server, for the tests that show what users see when
// PostgreSQL or Redis stalls, dies or restarts. They act on the server's
// whole process group (PostgreSQL's backends too), so only a server of the
// test's own (PrivateRedis, PrivatePostgres, StartRedis, StartPostgres)
// may be used: the shared one serves every other test of the run.

// Pause stops the server with SIGSTOP: its connections stay open and
// nothing answers, as when it stalls.
func (s *Server) Pause() error { return s.signalGroup(syscall.SIGSTOP) }

// Resume continues a paused server.
func (s *Server) Resume() error { return s.signalGroup(syscall.SIGCONT) }

// Kill ends the server with SIGKILL, as a crash would, keeping its files
// for Start.
func (s *Server) Kill() {
	_ = s.signalGroup(syscall.SIGCONT) // a paused server cannot die otherwise
	s.halt(syscall.SIGKILL)
}

// Shutdown ends the server the way an operator would (SIGINT: PostgreSQL's
// fast shutdown, Redis's shutdown), keeping its files for Start.
func (s *Server) Shutdown() { s.halt(syscall.SIGINT) }

// Start runs a stopped server again on the same port and files and waits
// until it is ready.
func (s *Server) Start(ctx context.Context) error {
	if err := s.launch(); err != nil {
		return err
	}
	return s.ready(ctx)
}

// Restart is Shutdown then Start.
func (s *Server) Restart(ctx context.Context) error {
	s.Shutdown()
	return s.Start(ctx)
}

func (s *Server) signalGroup(sig syscall.Signal) error {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return fmt.Errorf("testkit: server not running")
	}
	return syscall.Kill(-s.cmd.Process.Pid, sig)
}

// PrivateRedis starts a Redis server of tb's own (redis-server arguments
// in extra), stopped when tb ends: one a test may pause, kill or restart.
func PrivateRedis(tb testing.TB, extra ...string) *Server {
	tb.Helper()
	s, err := StartRedis(context.Background(), extra...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = s.Resume()
		s.Stop()
	})
	return s
}

// PrivatePostgres starts a PostgreSQL server of tb's own, stopped when tb
// ends, and returns it with the URL of a freshly migrated database on it.
func PrivatePostgres(tb testing.TB) (*Server, string) {
	tb.Helper()
	s, err := StartPostgres(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = s.Resume()
		s.Stop()
	})
	tmpl, err := ensureTemplate(context.Background(), s.URL)
	if err != nil {
		tb.Fatalf("testkit: template database: %v", err)
	}
	url, _, err := copyTemplate(context.Background(), s.URL, tmpl)
	if err != nil {
		tb.Fatal(err)
	}
	return s, url
}
