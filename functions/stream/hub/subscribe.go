package hub

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// pageSize is how many entries one catch-up read fetches.
const pageSize = 256

// ErrNotReady is TryNext's answer when the next entry has not been
// appended yet: wait for Ready.
var ErrNotReady = errors.New("hub: no entry yet")

// Subscription reads one chat's stream from a point on: first what is
// already there (XRANGE, page by page, at the reader's pace), then live
// entries from the instance's shared reader. It needs no goroutine of its
// own: the caller waits on Ready together with whatever else it waits on
// (heartbeats, shutdown), so a client's stream is one goroutine. Not safe
// for concurrent use.
type Subscription struct {
	h    *Hub
	key  string
	chat string
	last string  // id of the last entry returned
	buf  []Entry // fetched, not yet returned
	done bool

	t *tail // the live reader we are joined to, if any
	// ready is signalled (without blocking, capacity 1) when the tail
	// has queued entries or let go of us.
	ready chan struct{}

	mu   sync.Mutex // guards what the tail hands over:
	live []Entry    // entries queued by the tail, at most Options.Buffer
	// dropped is set when the tail let go of us: we lagged, or it ended
	// (abandoned: the generation vanished without a done event).
	dropped, abandoned bool
}

// Subscribe returns a subscription to chat's events after id ("" or "0-0"
// for all of them).
func (h *Hub) Subscribe(chat, id string) *Subscription {
	if id == "" {
		id = "0-0"
	}
	return &Subscription{h: h, key: h.eventsKey(chat), chat: chat, last: id, ready: make(chan struct{}, 1)}
}

// Ready is signalled when TryNext may have an entry after answering
// ErrNotReady. It may also be signalled when it has none.
func (s *Subscription) Ready() <-chan struct{} { return s.ready }

// Next returns the next entry, waiting for it. After the done entry it
// returns io.EOF; when the generation vanished without one, ErrAbandoned.
func (s *Subscription) Next(ctx context.Context) (Entry, error) {
	for {
		e, err := s.TryNext(ctx)
		if !errors.Is(err, ErrNotReady) {
			return e, err
		}
		select {
		case <-s.ready:
		case <-ctx.Done():
			return Entry{}, ctx.Err()
		}
	}
}

// TryNext is Next without waiting for live entries: it answers
// ErrNotReady when none has arrived (it still reads what Redis already
// holds, with ctx).
func (s *Subscription) TryNext(ctx context.Context) (Entry, error) {
	for {
		if len(s.buf) > 0 {
			e := s.buf[0]
			s.buf = s.buf[1:]
			if !after(e.ID, s.last) {
				continue // already returned: live and catch-up reads overlap
			}
			s.last = e.ID
			if e.Type == Done {
				s.done = true
				s.leave()
			}
			return e, nil
		}
		if s.done {
			return Entry{}, io.EOF
		}
		if s.t == nil {
			page, err := s.h.rangeAfter(ctx, s.key, s.last, pageSize)
			if err != nil {
				return Entry{}, err
			}
			if len(page) > 0 {
				s.buf = page
				continue
			}
			// Caught up: join the live reader, then read once more, so an
			// entry appended between the read and the join is not missed.
			s.join()
			if s.buf, err = s.h.rangeAfter(ctx, s.key, s.last, pageSize); err != nil {
				return Entry{}, err
			}
			if len(s.buf) == pageSize {
				// Far behind after all: the live reader may have passed
				// entries this page does not reach, so keep catching up.
				s.leave()
			}
			continue
		}
		s.mu.Lock()
		live, dropped, abandoned := s.live, s.dropped, s.abandoned
		s.live = nil
		s.mu.Unlock()
		switch {
		case len(live) > 0:
			// Entries queued before a drop come first.
			s.buf = live
		case dropped:
			s.leave()
			if abandoned {
				return Entry{}, ErrAbandoned
			}
			// Dropped for lagging, or the tail ended: catch up from Redis.
		default:
			return Entry{}, ErrNotReady
		}
	}
}

// Close releases the subscription.
func (s *Subscription) Close() { s.leave() }

func (s *Subscription) join() {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.tails[s.key]
	if t == nil {
		t = &tail{h: h, key: s.key, chat: s.chat, pos: s.last, subs: map[*Subscription]struct{}{}}
		h.tails[s.key] = t
		go t.run()
	}
	s.t = t
	t.mu.Lock()
	t.subs[s] = struct{}{}
	t.mu.Unlock()
}

func (s *Subscription) leave() {
	if s.t == nil {
		return
	}
	s.t.mu.Lock()
	delete(s.t.subs, s)
	s.t.mu.Unlock()
	s.t = nil
	s.mu.Lock()
	s.live, s.dropped, s.abandoned = nil, false, false
	s.mu.Unlock()
}

// hand queues batch for s, or lets s go when that would pass max entries
// (it then catches up from Redis on its own), and wakes its reader. It
// reports whether s is still joined. The tail calls it under its lock.
func (s *Subscription) hand(batch []Entry, max int) bool {
	s.mu.Lock()
	kept := !s.dropped && len(s.live)+len(batch) <= max
	if kept {
		s.live = append(s.live, batch...)
	} else {
		s.dropped = true
	}
	s.mu.Unlock()
	s.signal()
	return kept
}

// drop lets s go as the tail ends.
func (s *Subscription) drop(abandoned bool) {
	s.mu.Lock()
	s.dropped, s.abandoned = true, abandoned
	s.mu.Unlock()
	s.signal()
}

func (s *Subscription) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// tail is the one reader of a stream on this instance.
type tail struct {
	h    *Hub
	key  string
	chat string
	pos  string // last id read

	mu   sync.Mutex // guards subs
	subs map[*Subscription]struct{}
}

func (t *tail) run() {
	h := t.h
	failures := 0
	for {
		res, err := h.opts.Readers.XRead(h.ctx, &redis.XReadArgs{
			Streams: []string{t.key, t.pos},
			Count:   pageSize,
			Block:   h.opts.Block,
		}).Result()
		switch {
		case h.ctx.Err() != nil:
			t.finish(false)
			return
		case errors.Is(err, redis.Nil):
			h.idleRounds.Add(1)
			if t.idle() {
				return
			}
			continue
		case err != nil:
			failures++
			h.opts.Logger.Warn("hub: read failed", slog.String("key", t.key), slog.Any("error", err))
			if failures > 10 {
				t.finish(false) // subscribers fall back to reading Redis themselves
				return
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		failures = 0
		var batch []Entry
		for _, s := range res {
			batch = append(batch, entries(s.Messages)...)
		}
		if len(batch) == 0 {
			continue
		}
		t.pos = batch[len(batch)-1].ID
		t.deliver(batch)
		if batch[len(batch)-1].Type == Done {
			t.finish(false)
			return
		}
	}
}

// deliver hands entries to every subscriber; one whose queue is full is
// dropped and catches up from Redis on its own.
func (t *tail) deliver(batch []Entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.subs {
		if !s.hand(batch, t.h.opts.Buffer) {
			delete(t.subs, s)
		}
	}
}

// idle runs when a read found nothing: it ends the tail when nobody
// listens, and tells subscribers when the generation has vanished. It
// reports whether the tail ended.
func (t *tail) idle() bool {
	h := t.h
	h.mu.Lock()
	t.mu.Lock()
	if len(t.subs) == 0 {
		delete(h.tails, t.key)
		t.mu.Unlock()
		h.mu.Unlock()
		return true
	}
	t.mu.Unlock()
	h.mu.Unlock()

	ctx, cancel := context.WithTimeout(h.ctx, 2*time.Second)
	defer cancel()
	active, err := h.rdb.Exists(ctx, h.activeKey(t.chat)).Result()
	if err != nil || active > 0 {
		return false
	}
	// No generation holds the chat. Its done event may have landed just
	// after the read gave up; only a stream with nothing new is abandoned.
	more, err := h.rangeAfter(ctx, t.key, t.pos, 1)
	if err != nil || len(more) > 0 {
		return false
	}
	t.finish(true)
	return true
}

// finish removes the tail and closes every subscriber's queue.
func (t *tail) finish(abandoned bool) {
	h := t.h
	h.mu.Lock()
	if h.tails[t.key] == t {
		delete(h.tails, t.key)
	}
	h.mu.Unlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.subs {
		delete(t.subs, s)
		s.drop(abandoned)
	}
}
