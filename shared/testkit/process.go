package testkit

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// RunBinary runs bin to completion with env added (it must exit within
// 10 s, as a binary refusing its configuration does) and returns its
// combined output and exit code.
func RunBinary(tb testing.TB, bin string, env ...string) (string, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(append(os.Environ(), "LISTEN_ADDR=unix:"+filepath.Join(shortTempDir(tb), "fn.sock")), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	tb.Fatalf("testkit: run %s: %v", bin, err)
	return "", -1
}

// Function is a function binary serving HTTP on a Unix socket, as the
// router runs it.
type Function struct {
	Cmd    *exec.Cmd
	Socket string
	// Client sends every request to the function's socket; use any
	// http://fn/... URL with it. It acts like the studio's pages in a
	// browser (see StudioOrigin). Each exchange must keep the API
	// contract (see CheckContract).
	Client *http.Client
	child  *Child
}

// StartFunction starts bin on a fresh Unix socket with env added, waits
// until it accepts connections, and stops it (SIGTERM) when tb ends.
func StartFunction(tb testing.TB, bin string, env ...string) *Function {
	tb.Helper()
	sock := filepath.Join(shortTempDir(tb), "fn.sock")
	f := &Function{Socket: sock}
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "LISTEN_ADDR=unix:"+sock), env...)
	f.child = StartChild(tb, cmd, 10*time.Second)
	f.Cmd = cmd
	f.child.WaitReady(tb, 10*time.Second, Listening("unix", sock), filepath.Base(bin)+" accepting connections")
	f.Client = &http.Client{Transport: browserTransport{ContractTransport(tb, &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	})}}
	return f
}

// Logs returns what the function has written so far.
func (f *Function) Logs() string { return f.child.Logs() }

// shortTempDir returns a temporary directory with a short path: Unix
// socket paths are limited to about 100 bytes, and t.TempDir's can exceed it.
func shortTempDir(tb testing.TB) string {
	dir, err := os.MkdirTemp("", "as-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}
