package testkit

import (
	"net"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Child is a long-running process a test started (a function, the
// router, the Lambda emulator), with its output kept for the test's log.
type Child struct {
	Cmd  *exec.Cmd
	logs *LockedBuffer
	done chan struct{}
}

// StartChild starts cmd with its output captured. When tb ends it stops
// the process the way a platform would (SIGTERM, then SIGKILL after grace),
// so a test also covers the graceful shutdown, and logs the output if tb
// failed.
func StartChild(tb testing.TB, cmd *exec.Cmd, grace time.Duration) *Child {
	tb.Helper()
	c := &Child{Cmd: cmd, logs: &LockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testkit: start %s: %v", cmd.Path, err)
	}
	go func() { _ = cmd.Wait(); close(c.done) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(grace):
			_ = cmd.Process.Kill()
			<-c.done
		}
		if tb.Failed() {
			tb.Logf("%s output:\n%s", filepath.Base(cmd.Path), c.logs.String())
		}
	})
	return c
}

// Exited is closed when the process has ended.
func (c *Child) Exited() <-chan struct{} { return c.done }

// Logs returns what the process has written so far.
func (c *Child) Logs() string { return c.logs.String() }

// WaitReady waits up to timeout for ready, failing tb with the process's
// output if it exits first or never becomes ready.
func (c *Child) WaitReady(tb testing.TB, timeout time.Duration, ready func() bool, what string) {
	tb.Helper()
	Eventually(tb, timeout, func() bool {
		select {
		case <-c.done:
			tb.Fatalf("testkit: %s exited before %s:\n%s", filepath.Base(c.Cmd.Path), what, c.logs.String())
		default:
		}
		return ready()
	}, "%s\n%s", what, childLogs{c})
}

// Listening reports whether something accepts connections at address.
func Listening(network, address string) func() bool {
	return func() bool {
		conn, err := net.Dial(network, address)
		if err == nil {
			_ = conn.Close()
		}
		return err == nil
	}
}

// childLogs reads the logs only when a failure message is formatted.
type childLogs struct{ c *Child }

func (l childLogs) String() string { return l.c.logs.String() }
