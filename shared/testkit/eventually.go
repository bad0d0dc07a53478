package testkit

import (
	"testing"
	"time"
)

// Eventually polls cond every 10 ms until it holds, failing tb with msg
// after limit: tests wait for a condition, never for a fixed time.
func Eventually(tb testing.TB, limit time.Duration, cond func() bool, msg string) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %v: %s", limit, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
