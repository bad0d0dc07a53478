package supervisor_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/archstudio/studio/runtime/supervisor"
	"github.com/archstudio/studio/shared/testkit"
)

const testfn = "github.com/archstudio/studio/runtime/internal/testfn"

// events records what a process reports.
type events struct {
	mu       sync.Mutex
	ready    []int
	exited   int
	restarts []time.Duration
}

func (e *events) Ready(_ string, pid int, _ time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ready = append(e.ready, pid)
}

func (e *events) Exited(string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.exited++
}

func (e *events) Restarting(_ string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.restarts = append(e.restarts, d)
}

func (e *events) snapshot() ([]int, int, []time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]int(nil), e.ready...), e.exited, append([]time.Duration(nil), e.restarts...)
}

type running struct {
	proc   *supervisor.Process
	client *http.Client
	done   chan struct{}
	stop   context.CancelFunc
}

// start runs testfn under a supervisor until the test ends.
func start(t *testing.T, cfg supervisor.Config) *running {
	t.Helper()
	dir, err := os.MkdirTemp("", "sv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cfg.Name = "testfn"
	cfg.Binary = testkit.BuildFunction(t, testfn)
	cfg.Socket = filepath.Join(dir, "fn.sock")
	cfg.Env = append(os.Environ(), cfg.Env...)
	logs := &testkit.LockedBuffer{}
	cfg.Output = logs
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("function output:\n%s", logs.String())
		}
	})
	p := supervisor.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{proc: p, done: make(chan struct{}), stop: cancel}
	go func() { defer close(r.done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-r.done })
	r.client = &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{DialContext: p.DialContext, DisableKeepAlives: true},
	}
	return r
}

func (r *running) pid(t *testing.T) int {
	t.Helper()
	resp, err := r.client.Get("http://fn/whoami")
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	var body struct{ PID int }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.PID
}

func TestReadyAndRestartAfterKill(t *testing.T) {
	ev := &events{}
	r := start(t, supervisor.Config{Observer: ev})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.proc.WaitFirst(ctx); err != nil {
		t.Fatalf("WaitFirst: %v", err)
	}
	if !r.proc.Available() {
		t.Fatal("not available after WaitFirst")
	}
	first := r.pid(t)
	if first != r.proc.PID() {
		t.Fatalf("function reports pid %d, supervisor %d", first, r.proc.PID())
	}

	killed := time.Now()
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// It must be seen as down, then answer again from a new process,
	// within 2 s of the kill.
	sawDown := false
	testkit.Eventually(t, 2*time.Second-time.Since(killed), func() bool {
		if !r.proc.Available() {
			sawDown = true
			return false
		}
		return sawDown && r.pid(t) != first
	}, "answering again from a new process after kill -9")
	t.Logf("answering again %v after kill -9", time.Since(killed).Round(time.Millisecond))
	ready, exited, restarts := ev.snapshot()
	if len(ready) != 2 || exited != 1 || len(restarts) != 1 || restarts[0] != 100*time.Millisecond {
		t.Fatalf("events: ready %v, exited %d, restarts %v; want 2 ready, 1 exit, one restart after 100ms", ready, exited, restarts)
	}
}

func TestBackoffDoublesToMax(t *testing.T) {
	ev := &events{}
	r := start(t, supervisor.Config{
		Observer:   ev,
		Env:        []string{"TESTFN_FAIL=1"},
		MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 40 * time.Millisecond,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.proc.WaitFirst(ctx); !errors.Is(err, supervisor.ErrNotReady) {
		t.Fatalf("WaitFirst = %v, want ErrNotReady", err)
	}
	testkit.Eventually(t, 10*time.Second, func() bool {
		_, _, restarts := ev.snapshot()
		return len(restarts) >= 5
	}, "5 restarts")
	_, _, restarts := ev.snapshot()
	want := []time.Duration{10, 20, 40, 40, 40}
	for i, w := range want {
		if restarts[i] != w*time.Millisecond {
			t.Fatalf("restart delays %v, want %v ms", restarts[:5], want)
		}
	}
	if r.proc.Available() {
		t.Fatal("a function that never starts reports available")
	}
}

// TestRefusedConfigurationIsNotRestarted: a function exiting
// config.ExitInvalid is reported as ErrInvalidConfig and left stopped, since
// restarting it cannot help.
func TestRefusedConfigurationIsNotRestarted(t *testing.T) {
	ev := &events{}
	r := start(t, supervisor.Config{
		Observer:   ev,
		Env:        []string{"APP_ENV=staging"},
		MinBackoff: 10 * time.Millisecond,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.proc.WaitFirst(ctx); !errors.Is(err, supervisor.ErrInvalidConfig) {
		t.Fatalf("WaitFirst = %v, want ErrInvalidConfig", err)
	}
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run still retrying a function that refused its configuration")
	}
	if _, _, restarts := ev.snapshot(); len(restarts) != 0 || r.proc.Available() {
		t.Fatalf("restarts %v, available %v; want none and not available", restarts, r.proc.Available())
	}
}

func TestStopKillsAfterTimeout(t *testing.T) {
	tests := []struct {
		name     string
		inflight bool
		// The child's own shutdown waits for in-flight requests
		// (SHUTDOWN_TIMEOUT 20s): with one running, only SIGKILL after
		// StopTimeout ends it.
		maxStop time.Duration
	}{
		{"idle child exits on SIGTERM", false, 2 * time.Second},
		{"busy child is killed after StopTimeout", true, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, supervisor.Config{StopTimeout: 300 * time.Millisecond})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.proc.WaitFirst(ctx); err != nil {
				t.Fatal(err)
			}
			pid := r.proc.PID()
			if tt.inflight {
				go func() {
					resp, err := r.client.Get("http://fn/slow?d=30s")
					if err == nil {
						resp.Body.Close()
					}
				}()
				waitConn(t, r)
			}
			began := time.Now()
			r.stop()
			select {
			case <-r.done:
			case <-time.After(tt.maxStop):
				t.Fatalf("Run still running %v after stop", tt.maxStop)
			}
			took := time.Since(began)
			if tt.inflight && took < 300*time.Millisecond {
				t.Fatalf("busy child stopped after %v, before StopTimeout: was it really busy?", took)
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Fatalf("child %d still exists after stop: %v", pid, err)
			}
			if r.proc.Available() {
				t.Fatal("available after stop")
			}
		})
	}
}

// waitConn waits until the in-flight request has reached the child.
func waitConn(t *testing.T, r *running) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() bool {
		resp, err := r.client.Get("http://fn/slowing")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var body struct{ Count int }
		return json.NewDecoder(resp.Body).Decode(&body) == nil && body.Count == 1
	}, "the slow request is in the child")
}

// BenchmarkStartToReady measures spawning a function binary until its
// socket accepts connections.
func BenchmarkStartToReady(b *testing.B) {
	bin := testkit.BuildFunction(b, testfn)
	dir, err := os.MkdirTemp("", "sv-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		p := supervisor.New(supervisor.Config{
			Name: "testfn", Binary: bin, Socket: filepath.Join(dir, "fn.sock"), Env: os.Environ(), Output: io.Discard,
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		began := time.Now()
		go func() { defer close(done); p.Run(ctx) }()
		if err := p.WaitFirst(context.Background()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(began)
		b.StopTimer()
		cancel()
		<-done
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-ready")
}
