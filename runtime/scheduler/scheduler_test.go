package scheduler

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name      string
		every     time.Duration
		atStart   bool
		handle    time.Duration // how long each call takes
		available bool
		run       time.Duration
		minCalls  int
		maxCalls  int
	}{
		{name: "periodic", every: 50 * time.Millisecond, available: true, run: 275 * time.Millisecond, minCalls: 3, maxCalls: 6},
		{name: "at start", every: time.Hour, atStart: true, available: true, run: 100 * time.Millisecond, minCalls: 1, maxCalls: 1},
		{name: "skipped while down", every: 20 * time.Millisecond, atStart: true, available: false, run: 150 * time.Millisecond, minCalls: 0, maxCalls: 0},
		{name: "runs never overlap", every: 10 * time.Millisecond, handle: 60 * time.Millisecond, available: true, run: 300 * time.Millisecond, minCalls: 2, maxCalls: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls, inflight, overlap atomic.Int64
			var mu sync.Mutex
			var ids []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if inflight.Add(1) > 1 {
					overlap.Add(1)
				}
				defer inflight.Add(-1)
				if r.Method != http.MethodPost || r.URL.Path != "/internal/job" {
					t.Errorf("called with %s %s", r.Method, r.URL.Path)
				}
				mu.Lock()
				ids = append(ids, r.Header.Get("X-Request-ID"))
				mu.Unlock()
				time.Sleep(tt.handle) // the job's own running time, not a wait
				calls.Add(1)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), tt.run)
			defer cancel()
			var results []Result
			Run(ctx, slog.New(slog.DiscardHandler), []Job{{
				Function: "fn", URL: srv.URL + "/internal/job", Transport: http.DefaultTransport,
				Every: tt.every, AtStart: tt.atStart,
				Available: func() bool { return tt.available },
			}}, func(r Result) { results = append(results, r) })
			srv.Close() // waits for a call cut short by the end of the run
			n := int(calls.Load())
			if n < tt.minCalls || n > tt.maxCalls {
				t.Fatalf("%d calls, want %d..%d", n, tt.minCalls, tt.maxCalls)
			}
			if overlap.Load() > 0 {
				t.Fatal("runs overlapped")
			}
			for _, r := range results {
				if r.Err == nil && r.Status != http.StatusNoContent {
					t.Fatalf("result %+v", r)
				}
			}
			seen := map[string]bool{}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if id == "" || seen[id] {
					t.Fatalf("request ids %v: want a fresh one per run", ids)
				}
				seen[id] = true
			}
		})
	}
}

func TestTimeoutBoundsARun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var got []Result
	Run(ctx, slog.New(slog.DiscardHandler), []Job{{
		Function: "fn", URL: srv.URL + "/x", Transport: http.DefaultTransport,
		Every: time.Hour, Timeout: 50 * time.Millisecond, AtStart: true,
	}}, func(r Result) { got = append(got, r) })
	if len(got) != 1 || got[0].Err == nil || got[0].Duration > 300*time.Millisecond {
		t.Fatalf("results %+v, want one run cut at 50ms", got)
	}
}
