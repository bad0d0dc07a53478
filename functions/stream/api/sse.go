package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/functions/stream/hub"
)

type next struct {
	e   hub.Entry
	err error
}

// follow reads sub on its own goroutine, so the caller can wait on entries,
// heartbeats and shutdown at once. The channel closes after an error.
func follow(ctx context.Context, sub *hub.Subscription) <-chan next {
	ch := make(chan next)
	go func() {
		defer close(ch)
		defer sub.Close()
		for {
			e, err := sub.Next(ctx)
			select {
			case ch <- next{e, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// drainedGrace is how long a client stays connected once this instance has
// drained, to receive the final events already in its chat's stream.
const drainedGrace = time.Second

// leaving is closed drainedGrace after every generation of this instance
// has ended and written its last events: long enough to relay those (a
// client then needs no resume for a reply that is over), not so long that
// a client following a reply of another instance does not move on to one
// that stays up.
func leaving(drained <-chan struct{}) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		<-drained
		time.Sleep(drainedGrace)
		close(ch)
	}()
	return ch
}

// serveSSE streams chat's events after id as text/event-stream until the
// done event, the client leaving, or this instance draining (the client
// then resumes elsewhere with Last-Event-ID).
func (h *Handler) serveSSE(w http.ResponseWriter, r *http.Request, chatID, after string) {
	rc := http.NewResponseController(w)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache, no-transform")
	hdr.Set("X-Accel-Buffering", "no") // nginx and similar: do not buffer
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush() // Lambda's buffered adapter cannot flush; that is fine

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	entries := follow(ctx, h.d.Hub.Subscribe(chatID, after))
	heartbeat := time.NewTicker(h.cfg.Heartbeat)
	defer heartbeat.Stop()
	write := func(format string, args ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(h.cfg.WriteTimeout))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		err := rc.Flush()
		return err == nil || errors.Is(err, http.ErrNotSupported)
	}
	for {
		select {
		case n := <-entries:
			switch {
			case n.err == nil:
				if !write("id: %s\nevent: %s\ndata: %s\n\n", n.e.ID, n.e.Type, n.e.Data) {
					return
				}
			case errors.Is(n.err, io.EOF):
				return
			case errors.Is(n.err, hub.ErrAbandoned):
				// The generating instance died; its message will be marked
				// interrupted. Say so rather than leave the client waiting.
				write("event: %s\ndata: {\"code\":\"unavailable\",\"message\":\"the reply was interrupted\"}\n\n", generation.TypeError)
				write("event: %s\ndata: {\"status\":\"interrupted\"}\n\n", generation.TypeDone)
				return
			default:
				if ctx.Err() == nil {
					h.log.WarnContext(ctx, "stream: read events", slog.String("chat_id", chatID), slog.Any("error", n.err))
				}
				return // the client resumes with Last-Event-ID
			}
		case <-heartbeat.C:
			if !write(": ping\n\n") {
				return
			}
		case <-h.leaving:
			return
		case <-ctx.Done():
			return
		}
	}
}
