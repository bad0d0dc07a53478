package generation

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/archstudio/studio/functions/stream/hub"
)

// publisher appends a generation's events to its Redis Stream. Text is
// coalesced: the first piece goes out the moment it arrives, so the first
// byte is never held back; later pieces go out at most once per interval,
// which bounds Redis writes and client wake-ups for a fast model without
// making the stream look less live. Any other event first flushes the
// pending text, so order is kept.
//
// Every event gets its id from the generation's hub.Writer, and an append
// whose outcome is unknown (Redis stalled or the connection dropped) is
// sent again with the same id until it lands or appendPatience passes:
// the stream never shows an event twice, out of order, or (short of a
// long outage) not at all.
type publisher struct {
	w        *hub.Writer
	chat     string
	interval time.Duration
	log      *slog.Logger
	// lost is called once when the generation has lost its chat's lock:
	// the stream is no longer its own, so it must stop.
	lost func()

	mu       sync.Mutex
	pendType string // TypeDelta or TypeArtifactDelta
	pendID   string // artifact identifier for TypeArtifactDelta
	pending  strings.Builder
	sentText bool
	last     time.Time
	timer    *time.Timer
	failed   bool
	gone     bool // the lock is lost: nothing more is written
}

// appendPatience bounds how long one event is retried before it is given
// up (its id skipped, so a late copy can still only land in order).
const appendPatience = 20 * time.Second

// appendAttempt bounds one try: more than go-redis's own read timeout and
// retry, so a slow answer is waited for rather than sent a third time.
const appendAttempt = 3 * time.Second

func newPublisher(w *hub.Writer, chat string, interval time.Duration, log *slog.Logger, lost func()) *publisher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if lost == nil {
		lost = func() {}
	}
	return &publisher{w: w, chat: chat, interval: interval, log: log, lost: lost}
}

// text queues prose (identifier "") or artifact content.
func (p *publisher) text(typ, identifier, s string) {
	if s == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending.Len() > 0 && (p.pendType != typ || p.pendID != identifier) {
		p.flushLocked()
	}
	p.pendType, p.pendID = typ, identifier
	p.pending.WriteString(s)
	since := time.Since(p.last)
	switch {
	case !p.sentText || since >= p.interval:
		p.flushLocked()
	case p.timer == nil:
		var t *time.Timer
		t = time.AfterFunc(p.interval-since, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.timer == t { // else a flush already took care of it
				p.flushLocked()
			}
		})
		p.timer = t
	}
}

// event flushes pending text and appends an event.
func (p *publisher) event(typ string, data any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
	p.appendLocked(typ, data)
}

// finish appends the generation's done event and frees the chat's lock in
// the same step (hub.Writer.Finish): a client that has seen done may send
// again at once.
func (p *publisher) finish(d Done) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
	if p.gone {
		return
	}
	b, err := json.Marshal(d)
	if err != nil {
		p.log.Error("stream: encode event", slog.String("type", TypeDone), slog.Any("error", err))
		return
	}
	var ok bool
	err = retry(func(ctx context.Context) error {
		ok, err = p.w.Finish(ctx, b)
		return err
	})
	switch {
	case err != nil:
		// The lock then expires on its own and a sweep ends the stream;
		// the message is saved all the same.
		p.log.Error("stream: finish", slog.String("chat_id", p.chat), slog.Any("error", err))
	case !ok:
		p.log.Warn("stream: chat lock had passed to another generation", slog.String("chat_id", p.chat))
	}
}

// close flushes pending text and stops the timer.
func (p *publisher) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
}

func (p *publisher) flushLocked() {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	if p.pending.Len() == 0 {
		return
	}
	text := p.pending.String()
	p.pending.Reset()
	if p.pendType == TypeArtifactDelta {
		p.appendLocked(TypeArtifactDelta, ArtifactDelta{Identifier: p.pendID, Text: text})
	} else {
		p.appendLocked(TypeDelta, Delta{Text: text})
	}
	p.sentText = true
	p.last = time.Now()
}

func (p *publisher) appendLocked(typ string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		p.log.Error("stream: encode event", slog.String("type", typ), slog.Any("error", err))
		return
	}
	if p.gone {
		return
	}
	// Appends run detached from the generation's cancellation: a stopped
	// or interrupted generation must still record how it ended.
	err = retry(func(ctx context.Context) error {
		_, err := p.w.Append(ctx, typ, b)
		return err
	})
	switch {
	case errors.Is(err, hub.ErrLeaseLost):
		p.gone = true
		p.log.Warn("stream: the chat's lock expired; ending the generation", slog.String("chat_id", p.chat))
		p.lost()
	case err != nil:
		p.w.Skip()
		if !p.failed {
			// Logged once: the generation goes on and its message is
			// still saved; clients see the gap.
			p.failed = true
			p.log.Error("stream: append event", slog.String("chat_id", p.chat), slog.Any("error", err))
		}
	}
}

// retry calls try, each call bounded by appendAttempt, until it succeeds,
// reports hub.ErrLeaseLost or appendPatience has passed, and returns its
// last error.
func retry(try func(ctx context.Context) error) error {
	deadline := time.Now().Add(appendPatience)
	wait := 50 * time.Millisecond
	for {
		ctx, cancel := context.WithTimeout(context.Background(), appendAttempt)
		err := try(ctx)
		cancel()
		if err == nil || errors.Is(err, hub.ErrLeaseLost) || time.Now().Add(wait).After(deadline) {
			return err
		}
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}
