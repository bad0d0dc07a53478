package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newHub(t *testing.T, opts Options) *Hub {
	t.Helper()
	if opts.Block == 0 {
		opts.Block = 200 * time.Millisecond
	}
	h := New(testkit.Redis(t), opts)
	t.Cleanup(h.Close)
	return h
}

// open takes chat's lock for generation "g1" (unless a generation holds
// it already) and opens its stream.
func open(t *testing.T, h *Hub, chat string) *Writer {
	t.Helper()
	ctx := context.Background()
	gen, err := h.Active(ctx, chat)
	if err != nil {
		t.Fatal(err)
	}
	if gen == "" {
		gen = "g1"
		h.Acquire(ctx, chat, gen, time.Minute)
	}
	w, err := h.Open(ctx, chat, gen)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func appendN(t *testing.T, w *Writer, from, to int) []string {
	t.Helper()
	var ids []string
	for i := from; i < to; i++ {
		id, err := w.Append(context.Background(), "delta", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// readAll reads until done, returning the data of every entry.
func readAll(t *testing.T, s *Subscription, timeout time.Duration) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var got []string
	for {
		e, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got = append(got, string(e.Data))
	}
}

// live counts the subscribers that chat's reader on h delivers to.
func live(h *Hub, chat string) int {
	h.mu.Lock()
	t := h.tails[h.eventsKey(chat)]
	h.mu.Unlock()
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.subs)
}

// waitLive waits until n subscribers of chat have joined the live readers
// of hubs.
func waitLive(t *testing.T, chat string, n int, hubs ...*Hub) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() bool {
		sum := 0
		for _, h := range hubs {
			sum += live(h, chat)
		}
		return sum == n
	}, "%d live subscribers of %s", n, chat)
}

func want(from, to int, done bool) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf(`{"n":%d}`, i))
	}
	if done {
		out = append(out, `{"status":"complete"}`)
	}
	return out
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestReplayThenLive(t *testing.T) {
	h := newHub(t, Options{})
	ctx := context.Background()
	if ok, _ := h.Acquire(ctx, "c1", "g1", time.Minute); !ok {
		t.Fatal("lock not acquired")
	}
	w := open(t, h, "c1")
	appendN(t, w, 0, 5)
	s := h.Subscribe("c1", "")
	defer s.Close()
	var got []string
	var err error
	done := make(chan struct{})
	go func() { got, err = readAll(t, s, 10*time.Second); close(done) }()
	waitLive(t, "c1", 1, h) // replayed and now reading live
	appendN(t, w, 5, 10)
	if _, err := w.Append(ctx, Done, []byte(`{"status":"complete"}`)); err != nil {
		t.Fatal(err)
	}
	<-done
	if err != nil || !equal(got, want(0, 10, true)) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestResumeAfterID(t *testing.T) {
	h := newHub(t, Options{})
	w := open(t, h, "c1")
	ids := appendN(t, w, 0, 6)
	w.Append(context.Background(), Done, []byte(`{"status":"complete"}`))
	got, err := readAll(t, h.Subscribe("c1", ids[2]), 5*time.Second)
	if err != nil || !equal(got, want(3, 6, true)) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestManySubscribersAcrossInstances(t *testing.T) {
	rdb := testkit.Redis(t)
	a := New(rdb, Options{Block: 200 * time.Millisecond})
	b := New(rdb, Options{Block: 200 * time.Millisecond})
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	w := open(t, a, "c1")
	var wg sync.WaitGroup
	results := make([][]string, 6)
	for i := range results {
		hub := a
		if i%2 == 1 {
			hub = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := readAll(t, hub.Subscribe("c1", ""), 10*time.Second)
			if err != nil {
				t.Error(err)
			}
			results[i] = got
		}()
	}
	waitLive(t, "c1", len(results), a, b)
	for i := 0; i < 50; i++ {
		appendN(t, w, i, i+1)
	}
	w.Append(ctx, Done, []byte(`{"status":"complete"}`))
	wg.Wait()
	for i, got := range results {
		if !equal(got, want(0, 50, true)) {
			t.Fatalf("subscriber %d got %v", i, got)
		}
	}
	a.mu.Lock()
	b.mu.Lock()
	defer a.mu.Unlock()
	defer b.mu.Unlock()
	if len(a.tails)+len(b.tails) != 0 {
		t.Fatalf("readers left after done: %d, %d", len(a.tails), len(b.tails))
	}
}

// TestSlowSubscriberCatchesUp: a subscriber that does not read while many
// entries arrive is dropped from the live queue and still gets every entry,
// from Redis, in order; its memory stays bounded by Buffer.
func TestSlowSubscriberCatchesUp(t *testing.T) {
	h := newHub(t, Options{Buffer: 2})
	ctx := context.Background()
	w := open(t, h, "c1")
	s := h.Subscribe("c1", "")
	defer s.Close()
	appendN(t, w, 0, 1)
	// Read the first entry so the subscription joins the live reader.
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := s.Next(rctx); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer wcancel()
	if _, err := s.Next(wctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expected to wait live, got %v", err)
	}
	appendN(t, w, 1, 200)
	w.Append(ctx, Done, []byte(`{"status":"complete"}`))
	// The reader delivers, drops us for lagging and ends at done.
	testkit.Eventually(t, 5*time.Second, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.tails[h.eventsKey("c1")] == nil
	}, "the reader of c1 ended")
	got, err := readAll(t, s, 5*time.Second)
	if err != nil || !equal(got, want(1, 200, true)) {
		t.Fatalf("got %d entries, %v", len(got), err)
	}
}

func TestAbandonedGeneration(t *testing.T) {
	h := newHub(t, Options{Block: 100 * time.Millisecond})
	ctx := context.Background()
	h.Acquire(ctx, "c1", "g1", 300*time.Millisecond) // never refreshed: the instance "died"
	appendN(t, open(t, h, "c1"), 0, 2)
	got, err := readAll(t, h.Subscribe("c1", ""), 5*time.Second)
	if !errors.Is(err, ErrAbandoned) || !equal(got, want(0, 2, false)) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestDoneRacingLockRelease(t *testing.T) {
	// done appended and lock released while the reader waits: the reader
	// must deliver done, not report the generation abandoned.
	h := newHub(t, Options{Block: 50 * time.Millisecond})
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		chat := fmt.Sprintf("c%d", i)
		h.Acquire(ctx, chat, "g", time.Minute)
		w := open(t, h, chat)
		s := h.Subscribe(chat, "")
		res := make(chan error, 1)
		go func() { _, err := readAll(t, s, 5*time.Second); res <- err }()
		// Land done at different points of the reader's loop: at once,
		// while it blocks, and just after blocked reads found nothing.
		if i%3 > 0 {
			waitLive(t, chat, 1, h)
			idle := h.idleRounds.Load()
			testkit.Eventually(t, 5*time.Second, func() bool { return h.idleRounds.Load() >= idle+int64(i%3-1) },
				"%d more empty reads", i%3-1)
		}
		w.Append(ctx, Done, []byte(`{}`))
		h.Release(ctx, chat, "g")
		if err := <-res; err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
	}
}

// TestFinish: done and the lock's release happen together, and only for
// the generation holding the lock (or when it has expired).
func TestFinish(t *testing.T) {
	tests := []struct {
		name       string
		holder     string // "" for none (expired)
		wantOK     bool
		wantDone   bool
		wantActive string
	}{
		{"holder", "g1", true, true, ""},
		{"lock expired", "", true, true, ""},
		{"lock passed to another generation", "g2", false, false, "g2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHub(t, Options{})
			ctx := context.Background()
			w := open(t, h, "c")
			appendN(t, w, 0, 1)
			h.rdb.Del(ctx, h.activeKey("c"))
			if tt.holder != "" {
				h.Acquire(ctx, "c", tt.holder, time.Minute)
			}
			ok, err := w.Finish(ctx, []byte(`{"status":"complete"}`))
			if err != nil || ok != tt.wantOK {
				t.Fatalf("Finish = %v, %v; want %v", ok, err, tt.wantOK)
			}
			if gen, _ := h.Active(ctx, "c"); gen != tt.wantActive {
				t.Fatalf("active = %q, want %q", gen, tt.wantActive)
			}
			if !tt.wantDone {
				return
			}
			got, err := readAll(t, h.Subscribe("c", ""), 5*time.Second)
			if err != nil || !equal(got, want(0, 1, true)) {
				t.Fatalf("read %v, %v", got, err)
			}
			if ttl := h.rdb.PTTL(ctx, h.eventsKey("c")).Val(); ttl <= 0 {
				t.Fatalf("events TTL %v after Finish", ttl)
			}
		})
	}
}

func TestLock(t *testing.T) {
	h := newHub(t, Options{})
	ctx := context.Background()
	if ok, err := h.Acquire(ctx, "c", "g1", time.Minute); !ok || err != nil {
		t.Fatalf("first acquire: %v %v", ok, err)
	}
	if ok, _ := h.Acquire(ctx, "c", "g2", time.Minute); ok {
		t.Fatal("second generation acquired a held lock")
	}
	if ok, _ := h.Refresh(ctx, "c", "g2", time.Minute); ok {
		t.Fatal("refreshed another generation's lock")
	}
	h.Release(ctx, "c", "g2")
	if gen, _ := h.Active(ctx, "c"); gen != "g1" {
		t.Fatalf("active = %q after foreign release", gen)
	}
	if ok, _ := h.Refresh(ctx, "c", "g1", time.Minute); !ok {
		t.Fatal("refresh by holder failed")
	}
	h.Release(ctx, "c", "g1")
	if gen, _ := h.Active(ctx, "c"); gen != "" {
		t.Fatalf("active = %q after release", gen)
	}
}

func TestStopReachesOtherInstance(t *testing.T) {
	rdb := testkit.Redis(t)
	a := New(rdb, Options{})
	b := New(rdb, Options{})
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 1)
	if err := a.ListenStops(ctx, func(chat, gen string) { got <- chat + "/" + gen }); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.RequestStop(ctx, "c"); ok {
		t.Fatal("stop reported with no generation running")
	}
	a.Acquire(ctx, "c", "g1", time.Minute)
	if ok, err := b.RequestStop(ctx, "c"); !ok || err != nil {
		t.Fatalf("RequestStop: %v %v", ok, err)
	}
	select {
	case v := <-got:
		if v != "c/g1" {
			t.Fatalf("stop for %s", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stop never arrived")
	}
	if ok, _ := a.StopRequested(ctx, "c", "g1"); !ok {
		t.Fatal("stop key not set")
	}
	if ok, _ := a.StopRequested(ctx, "c", "g2"); ok {
		t.Fatal("stop key matched another generation")
	}
}

func TestValidID(t *testing.T) {
	for id, ok := range map[string]bool{"1-0": true, "1700000000000-12": true, "": false, "0": false, "a-1": false, "1-": false, "-1": false, "1-2-3": false} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%q) != %v", id, ok)
		}
	}
}

// TestTryNextWaitsOnReady: a caller that reads with TryNext and waits on
// Ready (as the SSE handler does, beside its heartbeat) gets every entry
// in order with no goroutine of the subscription's own, and is told
// ErrNotReady, not blocked, while nothing new is there.
func TestTryNextWaitsOnReady(t *testing.T) {
	h := newHub(t, Options{Buffer: 4})
	ctx := context.Background()
	w := open(t, h, "c1")
	appendN(t, w, 0, 3)
	s := h.Subscribe("c1", "")
	defer s.Close()
	var got []string
	notReady := 0
	deadline := time.After(10 * time.Second)
	for {
		e, err := s.TryNext(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		switch {
		case errors.Is(err, ErrNotReady):
			notReady++
			if notReady == 1 {
				// Caught up and joined: what follows arrives live, more
				// than Buffer at once, so the subscription is dropped and
				// catches up from Redis.
				waitLive(t, "c1", 1, h)
				go func() {
					for i := 3; i < 10; i++ {
						if _, err := w.Append(ctx, "delta", []byte(fmt.Sprintf(`{"n":%d}`, i))); err != nil {
							t.Error(err)
						}
					}
					if _, err := w.Append(ctx, Done, []byte(`{"status":"complete"}`)); err != nil {
						t.Error(err)
					}
				}()
			}
			select {
			case <-s.Ready():
			case <-deadline:
				t.Fatalf("Ready never signalled; got %v", got)
			}
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, string(e.Data))
		}
	}
	if !equal(got, want(0, 10, true)) || notReady == 0 {
		t.Fatalf("got %v after %d ErrNotReady", got, notReady)
	}
	if n := live(h, "c1"); n != 0 {
		t.Fatalf("%d live subscribers after done", n)
	}
}
