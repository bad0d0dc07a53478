// Package api is the stream function's HTTP surface: sending a message
// answers with the reply as server-sent events; a dropped client resumes
// with Last-Event-ID; a WebSocket carries the same events plus send, stop
// and resume commands (and voice, and repositories' workflow runs); stop
// ends a generation on whichever instance runs it. Every chat event a
// client receives is read from the chat's Redis Stream.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/runs"
	"github.com/archstudio/studio/functions/stream/voice"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Config tunes the transports.
type Config struct {
	// Heartbeat is the interval of SSE comment pings (": ping") that keep
	// proxies from cutting a quiet stream; default 15s.
	Heartbeat time.Duration
	// WriteTimeout drops a client that does not take one write (an SSE
	// event or a WebSocket frame) within it; default 30s.
	WriteTimeout time.Duration
	// AllowedOrigins are the exact Origin values a WebSocket upgrade may
	// come from.
	AllowedOrigins []string
	// WSSendBuffer is each WebSocket's queue of frames; a client that lets
	// it fill is closed with "too slow". Default 64.
	WSSendBuffer int
	// WSPingInterval is how often the server pings a WebSocket; a client
	// that does not answer within WriteTimeout is dropped. Default 30s.
	WSPingInterval time.Duration
	// WSMaxChats bounds the chats one WebSocket follows at once; default 16.
	WSMaxChats int
	// WSMaxRepos bounds the repositories whose runs one WebSocket watches
	// at once; default 10.
	WSMaxRepos int
}

func (c Config) withDefaults() Config {
	if c.Heartbeat <= 0 {
		c.Heartbeat = 15 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 30 * time.Second
	}
	if c.WSSendBuffer <= 0 {
		c.WSSendBuffer = 64
	}
	if c.WSPingInterval <= 0 {
		c.WSPingInterval = 30 * time.Second
	}
	if c.WSMaxChats <= 0 {
		c.WSMaxChats = 16
	}
	if c.WSMaxRepos <= 0 {
		c.WSMaxRepos = 10
	}
	return c
}

// Deps are the handler's dependencies.
type Deps struct {
	Generations *generation.Manager
	Hub         *hub.Hub
	Store       *chatstore.Store
	// Voice speaks and listens over the WebSocket; nil offers neither.
	Voice *voice.Service
	// Runs relays workflow runs over the WebSocket (watch_runs); nil
	// refuses them.
	Runs *runs.Relay
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
	// Streams counts a client stream opened (kind "sse" or "websocket");
	// the func it returns is called once the stream ends. Nil counts none.
	Streams func(kind string) (ended func())
	Logger  *slog.Logger
	Config  Config
}

// Handler serves the stream routes.
type Handler struct {
	d       Deps
	cfg     Config
	log     *slog.Logger
	origins map[string]bool
	// leaving tells client streams to end (see leaving).
	leaving context.Context
	// streams counts the streams served off their handler's goroutine
	// (WebSockets, live SSE streams), for Wait.
	streams sync.WaitGroup
	mux     http.Handler
}

// New returns the stream function's handler.
func New(d Deps) *Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Streams == nil {
		d.Streams = func(string) func() { return func() {} }
	}
	h := &Handler{d: d, cfg: d.Config.withDefaults(), log: d.Logger, origins: map[string]bool{},
		leaving: leaving(d.Generations.Closed())}
	for _, o := range h.cfg.AllowedOrigins {
		h.origins[o] = true
	}
	mux := http.NewServeMux()
	mux.Handle("POST /api/chats/{id}/messages", session.Require(d.Authenticate, h.postMessage))
	mux.Handle("GET /api/chats/{id}/events", session.Require(d.Authenticate, h.events))
	mux.Handle("POST /api/chats/{id}/stop", session.Require(d.Authenticate, h.stop))
	// The Origin is checked before the session, so a cross-site page
	// learns nothing, not even whether its visitor is signed in.
	mux.Handle("GET /api/ws", h.checkOrigin(session.Require(d.Authenticate, h.websocket)))
	mux.Handle("GET /api/voice", session.Require(d.Authenticate, h.voiceCapabilities))
	h.mux = routing.JSONErrors(mux)
	return h
}

// ServeHTTP serves the stream routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Wait waits up to timeout for the streams served off their handlers'
// goroutines to end, as they do soon after this instance has drained
// (leaving): the server's shutdown does not wait for hijacked
// connections.
func (h *Handler) Wait(timeout time.Duration) {
	done := make(chan struct{})
	go func() {
		h.streams.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
	}
}

type messageRequest struct {
	Content *string `json:"content"`
	// EditOf and RegenerateOf make the new message a sibling of an earlier
	// one (see generation.Input).
	EditOf       string `json:"edit_of"`
	RegenerateOf string `json:"regenerate_of"`
	// AttachmentIDs are files uploaded to the chat (the attachments
	// function), sent with this message.
	AttachmentIDs []string `json:"attachment_ids"`
}

// input checks a message request and returns what it asks to generate.
func (b messageRequest) input() (generation.Input, error) {
	for field, id := range map[string]string{"edit_of": b.EditOf, "regenerate_of": b.RegenerateOf} {
		if id != "" && !ids.Valid(id) {
			return generation.Input{}, apperr.InvalidField(field, "must be a message id")
		}
	}
	in := generation.Input{EditOf: b.EditOf, RegenerateOf: b.RegenerateOf, AttachmentIDs: b.AttachmentIDs}
	switch {
	case b.RegenerateOf != "" && b.EditOf != "":
		return in, apperr.InvalidField("regenerate_of", "cannot be combined with edit_of")
	case b.RegenerateOf != "" && b.Content != nil:
		return in, apperr.InvalidField("content", "must be left out when regenerating an answer")
	case b.RegenerateOf == "" && b.Content == nil:
		return in, apperr.InvalidField("content", "is required")
	case b.Content != nil:
		in.Content = *b.Content
	}
	return in, nil
}

// postMessage starts a reply and streams it as server-sent events.
func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	var body messageRequest
	// 100k characters of the worst JSON escaping fit well within 1 MiB.
	if err := jsonio.Decode(w, r, &body, jsonio.DefaultMaxBody); err != nil {
		return err
	}
	in, err := body.input()
	if err != nil {
		return err
	}
	if _, err := h.d.Generations.StartInput(r.Context(), u, chatID, in); err != nil {
		return err
	}
	h.serveSSE(w, r, chatID, "")
	return nil
}

// events replays the chat's current or last generation after the client's
// last event id, then follows it live until done.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	if last != "" && !hub.ValidID(last) {
		return apperr.InvalidField("last_event_id", "is not an event id")
	}
	if _, err := h.d.Store.GetChat(r.Context(), u.ID, chatID); err != nil {
		return err
	}
	ok, err := h.d.Hub.Exists(r.Context(), chatID)
	if err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "the stream service is unavailable; try again shortly")
	}
	if !ok {
		// Nothing to replay (no generation within the last hour). 204 also
		// tells an EventSource not to reconnect.
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	h.serveSSE(w, r, chatID, last)
	return nil
}

// stop ends the chat's running generation, on whichever instance.
func (h *Handler) stop(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	if err := h.d.Generations.Stop(r.Context(), u, chatID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
