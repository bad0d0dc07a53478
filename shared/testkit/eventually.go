package testkit

import (
	"fmt"
	"testing"
	"time"
)

// pollInterval is how often Eventually checks its condition.
const pollInterval = 5 * time.Millisecond

// Eventually checks cond every few milliseconds until it reports true, and
// fails tb with what (formatted with args) when it has not within timeout.
// Tests wait for a condition with it, never for a fixed time.
func Eventually(tb testing.TB, timeout time.Duration, cond func() bool, what string, args ...any) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("testkit: after %s, still not: %s", timeout, fmt.Sprintf(what, args...))
		}
		time.Sleep(pollInterval)
	}
}
