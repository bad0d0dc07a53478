package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/functions/stream/hub"
)

// drainedGrace is how long a client stays connected once this instance has
// drained, to receive the final events already in its chat's stream.
const drainedGrace = time.Second

// leaving ends drainedGrace after every generation of this instance has
// ended and written its last events: long enough to relay those (a client
// then needs no resume for a reply that is over), not so long that a
// client following a reply of another instance does not move on to one
// that stays up. A context, so an idle WebSocket waits for it with a
// callback (context.AfterFunc) rather than a goroutine.
func leaving(drained <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-drained
		time.Sleep(drainedGrace)
		cancel()
	}()
	return ctx
}

// serveSSE streams chat's events after id as text/event-stream until the
// done event, the client leaving, or this instance draining (the client
// then resumes elsewhere with Last-Event-ID).
//
// The replay is written on the handler's goroutine. Once the stream is
// live, a plain HTTP/1.x connection is hijacked and the stream goes on on
// a fresh goroutine of its own while the handler returns: the handler's
// stack (grown deep by the middleware and the Redis client) and the
// server's buffers would otherwise be held for the stream's whole life,
// most of its memory. The response stays chunked, as the server began
// it, so a stream cut short is still told from one that ended; it ends
// by closing the connection (Connection: close). A client that leaves is
// noticed at the next write, the heartbeat at the latest.
func (h *Handler) serveSSE(w http.ResponseWriter, r *http.Request, chatID, after string) {
	rc := http.NewResponseController(w)
	hj := hijacker(w)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache, no-transform")
	hdr.Set("X-Accel-Buffering", "no") // nginx and similar: do not buffer
	if hj != nil {
		hdr.Set("Connection", "close")
	}
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush() // Lambda's buffered adapter cannot flush; that is fine
	ended := h.d.Streams("sse")

	s := &sseStream{h: h, chatID: chatID, sub: h.d.Hub.Subscribe(chatID, after),
		heartbeat: time.NewTicker(h.cfg.Heartbeat),
		write: func(p []byte) bool {
			_ = rc.SetWriteDeadline(time.Now().Add(h.cfg.WriteTimeout))
			if _, err := w.Write(p); err != nil {
				return false
			}
			err := rc.Flush()
			return err == nil || errors.Is(err, http.ErrNotSupported)
		}}
	if s.run(r.Context(), true) {
		s.end()
		ended()
		return
	}
	var conn net.Conn
	var err error = http.ErrNotSupported
	if hj != nil {
		conn, _, err = hj.Hijack()
	}
	if err != nil { // Lambda: the stream stays on the handler
		s.run(r.Context(), false)
		s.end()
		ended()
		return
	}
	// The request's context ends as the handler returns.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	s.write = chunks(conn, h.cfg.WriteTimeout)
	h.streams.Add(1)
	go func() {
		defer h.streams.Done()
		defer ended()
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				h.log.Error("stream: event stream panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			}
			_ = conn.Close()
		}()
		s.run(ctx, false)
		s.end()
		s.write(nil) // the last chunk: the response is complete
	}()
}

// sseStream is one client's event stream.
type sseStream struct {
	h         *Handler
	chatID    string
	sub       *hub.Subscription
	heartbeat *time.Ticker
	// write sends p to the client at once and reports whether it could.
	write func(p []byte) bool
}

func (s *sseStream) end() {
	s.heartbeat.Stop()
	s.sub.Close()
}

func (s *sseStream) writef(format string, args ...any) bool {
	return s.write(fmt.Appendf(nil, format, args...))
}

// run writes events until the stream ends, reporting true, or, with
// untilLive, until it has caught up and waits for live events, reporting
// false.
func (s *sseStream) run(ctx context.Context, untilLive bool) bool {
	h := s.h
	for {
		select {
		case <-h.leaving.Done():
			return true
		default:
		}
		e, err := s.sub.TryNext(ctx)
		switch {
		case err == nil:
			if !s.writef("id: %s\nevent: %s\ndata: %s\n\n", e.ID, e.Type, e.Data) {
				return true
			}
		case errors.Is(err, hub.ErrNotReady):
			if untilLive {
				return false
			}
			select {
			case <-s.sub.Ready():
			case <-s.heartbeat.C:
				if !s.write([]byte(": ping\n\n")) {
					return true
				}
			case <-h.leaving.Done():
				return true
			case <-ctx.Done():
				return true
			}
		case errors.Is(err, io.EOF):
			return true
		case errors.Is(err, hub.ErrAbandoned):
			// The generating instance died; its message will be marked
			// interrupted. Say so rather than leave the client waiting.
			s.writef("event: %s\ndata: {\"code\":\"unavailable\",\"message\":\"the reply was interrupted\"}\n\n", generation.TypeError)
			s.writef("event: %s\ndata: {\"status\":\"interrupted\"}\n\n", generation.TypeDone)
			return true
		default:
			if ctx.Err() == nil {
				h.log.WarnContext(ctx, "stream: read events", slog.String("chat_id", s.chatID), slog.Any("error", err))
			}
			return true // the client resumes with Last-Event-ID
		}
	}
}

// chunks writes each p to conn as one chunk of a chunked HTTP/1.1 body,
// in one write; an empty p is the last chunk.
func chunks(conn net.Conn, timeout time.Duration) func(p []byte) bool {
	return func(p []byte) bool {
		b := make([]byte, 0, len(p)+16)
		b = strconv.AppendUint(b, uint64(len(p)), 16)
		b = append(b, "\r\n"...)
		b = append(b, p...)
		b = append(b, "\r\n"...)
		_ = conn.SetWriteDeadline(time.Now().Add(timeout))
		_, err := conn.Write(b)
		return err == nil
	}
}
