//go:build faults

package faults

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/stack"
)

// suite is the studio every test breaks, one test at a time, and the
// servers behind it.
type suite struct {
	stack *stack.Stack
	pg    *testkit.Server
	redis *testkit.Server
}

var studio suite

// TestMain starts PostgreSQL and Redis of the suite's own (the tests stop
// and restart them, so they cannot be the servers other tests share) and
// the studio on them. Redis keeps an append-only file, as a production
// Redis would, so sessions survive its restart.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, err := testkit.StartPostgres(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer pg.Stop()
	rd, err := testkit.StartRedis(ctx, "--appendonly", "yes", "--appendfsync", "always")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer rd.Stop()
	os.Setenv(testkit.EnvDatabaseURL, pg.URL)
	os.Setenv(testkit.EnvRedisURL, rd.URL)

	root := os.Getenv("FAULTS_ROOT")
	if root == "" {
		root = ".."
	}
	root, _ = filepath.Abs(root)
	var logs io.Writer = io.Discard
	if path := os.Getenv("FAULTS_STACK_LOGS"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "faults:", err)
			return 1
		}
		defer f.Close()
		logs = f
	}
	script := fakeanthropic.Script{Text: "Noted: a short answer, streamed in a few pieces.", ChunkSize: 8, Delay: 20 * time.Millisecond}
	st, err := stack.Start(ctx, stack.Options{Root: root, Logs: logs, Script: &script, Env: []string{
		"DAILY_CALL_LIMIT=100000",
		"STREAM_SWEEP_INTERVAL=500ms",
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults: start the studio (run `make build` first):", err)
		return 1
	}
	defer st.Close()
	studio = suite{stack: st, pg: pg, redis: rd}
	return m.Run()
}
