package generation

import (
	"context"
	"encoding/json"
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
type publisher struct {
	hub      *hub.Hub
	chat     string
	interval time.Duration
	log      *slog.Logger

	mu       sync.Mutex
	pendType string // TypeDelta or TypeArtifactDelta
	pendID   string // artifact identifier for TypeArtifactDelta
	pending  strings.Builder
	sentText bool
	last     time.Time
	timer    *time.Timer
	failed   bool
}

func newPublisher(h *hub.Hub, chat string, interval time.Duration, log *slog.Logger) *publisher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &publisher{hub: h, chat: chat, interval: interval, log: log}
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

// finish appends generation gen's done event and frees the chat's lock in
// the same step (hub.Finish): a client that has seen done may send again
// at once.
func (p *publisher) finish(gen string, d Done) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
	b, err := json.Marshal(d)
	if err != nil {
		p.log.Error("stream: encode event", slog.String("type", TypeDone), slog.Any("error", err))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ok, err := p.hub.Finish(ctx, p.chat, gen, b)
	switch {
	case err != nil:
		// The lock then expires on its own; readers learn the reply was
		// abandoned, and its message is saved all the same.
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
	// Appends run detached from the generation's cancellation: a stopped
	// or interrupted generation must still record how it ended.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.hub.Append(ctx, p.chat, typ, b); err != nil && !p.failed {
		// Logged once: the generation goes on and its message is still
		// saved; clients see the gap when they resume.
		p.failed = true
		p.log.Error("stream: append event", slog.String("chat_id", p.chat), slog.Any("error", err))
	}
}
