package hub

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAppendIsIdempotentAndOrdered: an append sent again after its answer
// was lost lands once, a late copy of an earlier append never lands after
// a later one, and a generation that lost its lock writes nothing.
func TestAppendIsIdempotentAndOrdered(t *testing.T) {
	h := newHub(t, Options{})
	ctx := context.Background()
	w := open(t, h, "c")
	if _, err := w.write(ctx, "delta", []byte(`{"n":0}`), "held"); err != nil { // landed, answer "lost"
		t.Fatal(err)
	}
	appendN(t, w, 0, 2) // the retry of n=0, then n=1
	late := *w
	late.next = 1 // a copy of the first append arriving after the second
	if n, err := late.write(ctx, "delta", []byte(`{"n":0}`), "held"); err != nil || n != 0 {
		t.Fatalf("late copy: %d, %v", n, err)
	}
	if ok, err := w.Finish(ctx, []byte(`{"status":"complete"}`)); !ok || err != nil {
		t.Fatalf("Finish = %v, %v", ok, err)
	}
	// Finish retried after its answer was lost: done is there once and
	// the retry reports success.
	again := *w
	again.next--
	if ok, err := again.Finish(ctx, []byte(`{"status":"complete"}`)); !ok || err != nil {
		t.Fatalf("retried Finish = %v, %v", ok, err)
	}
	got, err := readAll(t, h.Subscribe("c", ""), 5*time.Second)
	if err != nil || !equal(got, want(0, 2, true)) {
		t.Fatalf("read %v, %v", got, err)
	}
	if n := h.rdb.XLen(ctx, h.eventsKey("c")).Val(); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}

	h.Acquire(ctx, "d", "other", time.Minute)
	lost, err := h.Open(ctx, "d", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lost.Append(ctx, "delta", []byte(`{}`)); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("append without the lock: %v", err)
	}
}

// TestOpenStartsAboveEarlierIDs: a new generation's ids are above every id
// of the one before, even when the clock says otherwise, so a client
// resuming from an old id misses nothing of the new reply.
func TestOpenStartsAboveEarlierIDs(t *testing.T) {
	h := newHub(t, Options{})
	ctx := context.Background()
	future := uint64(time.Now().Add(time.Hour).UnixMilli())
	h.Acquire(ctx, "c", "g1", time.Minute)
	first := &Writer{h: h, chat: "c", gen: "g1", base: future, next: 7}
	old, err := first.Append(ctx, "delta", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.Open(ctx, "c", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if id := second.ID(); !after(id, old) {
		t.Fatalf("new generation starts at %s, not after %s", id, old)
	}
	if n := h.rdb.XLen(ctx, h.eventsKey("c")).Val(); n != 0 {
		t.Fatalf("Open left %d old entries", n)
	}
}

// TestAbandon: done goes after the last entry of a dead generation's
// stream, once, and never into a stream another generation holds.
func TestAbandon(t *testing.T) {
	h := newHub(t, Options{})
	ctx := context.Background()
	w := open(t, h, "c")
	appendN(t, w, 0, 2)
	if ok, _ := h.Abandon(ctx, "c", "", []byte(`{"status":"interrupted"}`)); ok {
		t.Fatal("abandoned a generation that holds its lock")
	}
	h.Release(ctx, "c", "g1") // the lease expired
	for i, wantOK := range []bool{true, false} {
		if ok, err := h.Abandon(ctx, "c", "", []byte(`{"status":"interrupted"}`)); ok != wantOK || err != nil {
			t.Fatalf("Abandon #%d = %v, %v", i+1, ok, err)
		}
	}
	got, err := readAll(t, h.Subscribe("c", ""), 5*time.Second)
	if err != nil || !equal(got, append(want(0, 2, false), `{"status":"interrupted"}`)) {
		t.Fatalf("read %v, %v", got, err)
	}
	// A late append of the dead generation cannot land after its done.
	if n, err := w.write(ctx, "delta", []byte(`{}`), "final"); err != nil || n != 0 {
		t.Fatalf("late append after done: %d, %v", n, err)
	}
}
