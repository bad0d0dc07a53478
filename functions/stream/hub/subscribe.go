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

// Subscription reads one chat's stream from a point on: first what is
// already there (XRANGE, page by page, at the reader's pace), then live
// entries from the instance's shared reader. Not safe for concurrent use.
type Subscription struct {
	h    *Hub
	key  string
	chat string
	last string  // id of the last entry returned
	buf  []Entry // fetched, not yet returned
	done bool

	t  *tail
	ch chan Entry // live entries while joined; closed when the tail drops us
	// abandoned is set by the tail before it closes ch.
	abandoned bool
}

// Subscribe returns a subscription to chat's events after id ("" or "0-0"
// for all of them).
func (h *Hub) Subscribe(chat, id string) *Subscription {
	if id == "" {
		id = "0-0"
	}
	return &Subscription{h: h, key: h.eventsKey(chat), chat: chat, last: id}
}

// Next returns the next entry. After the done entry it returns io.EOF;
// when the generation vanished without one, ErrAbandoned.
func (s *Subscription) Next(ctx context.Context) (Entry, error) {
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
		if s.ch == nil {
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
		select {
		case e, ok := <-s.ch:
			if !ok {
				s.ch, s.t = nil, nil
				if s.abandoned {
					return Entry{}, ErrAbandoned
				}
				continue // dropped for lagging: catch up from Redis
			}
			s.buf = append(s.buf, e)
		case <-ctx.Done():
			return Entry{}, ctx.Err()
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
		t = &tail{h: h, key: s.key, chat: s.chat, pos: s.last, subs: map[*Subscription]chan Entry{}}
		h.tails[s.key] = t
		go t.run()
	}
	s.ch = make(chan Entry, h.opts.Buffer)
	s.t = t
	t.mu.Lock()
	t.subs[s] = s.ch
	t.mu.Unlock()
}

func (s *Subscription) leave() {
	if s.t == nil {
		return
	}
	s.t.mu.Lock()
	delete(s.t.subs, s)
	s.t.mu.Unlock()
	s.t, s.ch = nil, nil
}

// tail is the one reader of a stream on this instance.
type tail struct {
	h    *Hub
	key  string
	chat string
	pos  string // last id read

	mu   sync.Mutex // guards subs
	subs map[*Subscription]chan Entry
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
	for s, ch := range t.subs {
		for _, e := range batch {
			select {
			case ch <- e:
				continue
			default:
			}
			delete(t.subs, s)
			close(ch)
			break
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
	for s, ch := range t.subs {
		s.abandoned = abandoned
		delete(t.subs, s)
		close(ch)
	}
}
