package bootstrap

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/archstudio/studio/shared/profiler"
)

// EnvPprofDir names the directory in which every function started with it
// serves Go's profiler on its own Unix socket, <dir>/<function>.sock
// (`make bench -profile`). A Unix socket, not a port: every function
// inherits the router's environment, so one setting must give each its
// own address, and the profiles (request internals) must never be
// reachable from the network.
const EnvPprofDir = "FUNCTION_PPROF_DIR"

// servePprof starts the profiler for function name when EnvPprofDir is set
// (never under Lambda, where nothing could reach it).
func servePprof(name string, logger *slog.Logger) error {
	dir := os.Getenv(EnvPprofDir)
	if dir == "" || onLambda() {
		return nil
	}
	path := filepath.Join(dir, name+".sock")
	// A socket left by an earlier run of the same function.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) { // #nosec G703 -- the directory the operator (the bench) chose for profilers
		return fmt.Errorf("%s: %w", EnvPprofDir, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvPprofDir, err)
	}
	profiler.Serve(ln, logger)
	return nil
}
