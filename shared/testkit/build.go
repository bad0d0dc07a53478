package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var builds sync.Map // package path → *buildResult

type buildResult struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// BuildFunction compiles the main package pkg (an import path such as
// "github.com/archstudio/studio/functions/health") the way `make build`
// does for Lambda, once per test process, and returns the binary's path.
func BuildFunction(tb testing.TB, pkg string) string {
	tb.Helper()
	v, _ := builds.LoadOrStore(pkg, &buildResult{})
	b := v.(*buildResult)
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "archstudio-bin-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, filepath.Base(pkg))
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", b.path, pkg) // #nosec G204 -- test helper: builds the named package with go, no shell
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		b.out, b.err = cmd.CombinedOutput()
	})
	if b.err != nil {
		tb.Fatalf("testkit: build %s: %v\n%s", pkg, b.err, strings.TrimSpace(string(b.out)))
	}
	return b.path
}
