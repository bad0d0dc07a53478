package logging

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLogDir: with a Dir, warnings and errors also go to <name>.error.log
// (info only to stderr), the access log to access.log, and Rotate (what
// the daily trigger calls) starts a new file and gzips the old one.
func TestLogDir(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	logs, err := Open(Config{Level: "info", Dir: dir, File: DefaultFiles}, &stderr, "chats")
	if err != nil {
		t.Fatal(err)
	}
	w, err := logs.AccessWriter()
	if err != nil {
		t.Fatal(err)
	}
	access := logs.NewLogger(w)
	logs.Logger.Info("just info")
	logs.Logger.Error("it broke", slog.String("authorization", "Bearer zzzzzzzzzz"))
	access.Info("request", slog.String("path", "/api/chats"))

	errLog := read(t, filepath.Join(dir, "chats.error.log"))
	if !strings.Contains(errLog, "it broke") || strings.Contains(errLog, "just info") || strings.Contains(errLog, "zzzzzzzzzz") {
		t.Fatalf("error log: %s", errLog)
	}
	if !strings.Contains(stderr.String(), "just info") || !strings.Contains(stderr.String(), "it broke") {
		t.Fatalf("stderr: %s", stderr.String())
	}
	if al := read(t, filepath.Join(dir, "access.log")); !strings.Contains(al, "/api/chats") || strings.Contains(al, "it broke") {
		t.Fatalf("access log: %s", al)
	}

	if err := logs.files[0].Rotate(); err != nil {
		t.Fatal(err)
	}
	logs.Logger.Warn("after rotation")
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	testkitEventually(t, func() bool {
		gz, _ := filepath.Glob(filepath.Join(dir, "chats.error-*.log.gz"))
		return len(gz) == 1
	})
	if got := read(t, filepath.Join(dir, "chats.error.log")); !strings.Contains(got, "after rotation") || strings.Contains(got, "it broke") {
		t.Fatalf("after rotation: %s", got)
	}
}

func TestUntilMidnight(t *testing.T) {
	for _, tt := range []struct {
		at   time.Time
		want time.Duration
	}{
		{time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), time.Hour},
		{time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), 24 * time.Hour},
		{time.Date(2026, 11, 29, 1, 30, 0, 0, time.FixedZone("CET", 3600)), 23*time.Hour + 30*time.Minute},
	} {
		if got := untilMidnight(tt.at); got != tt.want {
			t.Errorf("untilMidnight(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testkitEventually polls cond (lumberjack gzips in the background);
// shared/testkit imports this package, so it cannot be used here.
func testkitEventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
