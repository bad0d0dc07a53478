package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/voice"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/session"
)

// wsReadLimit bounds one client frame: a send command with 100k characters
// of worst-case JSON escaping.
const wsReadLimit = 1 << 20

// checkOrigin refuses a WebSocket upgrade from any Origin not listed
// exactly in AllowedOrigins (no patterns, no missing Origin): a WebSocket
// is not covered by the same-origin policy, so this is what stops another
// site from riding the visitor's session cookie.
func (h *Handler) checkOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.origins[r.Header.Get("Origin")] {
			apperr.Write(w, r, apperr.New(apperr.Forbidden, "this origin may not open the stream"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// command is a client frame.
type command struct {
	Type    string  `json:"type"`
	ChatID  string  `json:"chat_id"`
	Content *string `json:"content"`
	// EditOf, RegenerateOf and AttachmentIDs go with a send, as with the
	// HTTP send (messageRequest).
	EditOf        string   `json:"edit_of"`
	RegenerateOf  string   `json:"regenerate_of"`
	AttachmentIDs []string `json:"attachment_ids"`
	LastEventID   string   `json:"last_event_id"`
	// Voice (voice.go): speak a send's reply; audio_start's MIME type;
	// speak's on/off.
	Speak   bool   `json:"speak"`
	MIME    string `json:"mime"`
	Enabled *bool  `json:"enabled"`
	// Runs (runs.go): the repository to watch or unwatch, owner/name.
	Repo string `json:"repo"`
}

// wsConn is one WebSocket. Its one goroutine of its own reads commands;
// while it is idle it holds nothing else: the queue of frames to send is
// made with the first frame, a writer goroutine runs only while frames are
// queued (drain), the pings are a timer, and leaving is a callback of the
// handler's context. Each followed chat (or watched repository) has a
// goroutine that queues its events. The queue is bounded: a client that
// stops reading is closed, never buffered for.
type wsConn struct {
	h    *Handler
	c    *websocket.Conn
	user session.User

	sendOnce sync.Once
	send     chan []byte // made by queue
	// writing is set while a drain goroutine owns the socket's writes.
	writing atomic.Bool
	ping    *time.Timer

	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	chats map[string]*followed
	repos map[string]*watchedRepo
	wg    sync.WaitGroup

	closeOnce sync.Once

	// utt is the utterance being recorded (reader goroutine only).
	utt *voice.Utterance
}

func (h *Handler) websocket(w http.ResponseWriter, r *http.Request, u session.User) error {
	c, err := websocket.Accept(smallBuffers{w}, r, &websocket.AcceptOptions{
		// checkOrigin has compared the Origin exactly already.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return nil // Accept has answered the client
	}
	c.SetReadLimit(wsReadLimit)
	// The request context ends with the hijacked connection's handler; the
	// connection lives on its own context.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	conn := &wsConn{h: h, c: c, user: u, ctx: ctx, cancel: cancel,
		chats: map[string]*followed{}, repos: map[string]*watchedRepo{}}
	// The connection is served on a fresh goroutine and the handler
	// returns: the handler's stack, grown deep by the middleware, is then
	// freed instead of held for the connection's life (a third of an
	// idle connection's memory, per BenchmarkIdleWebSocketMemory). The
	// server does not track hijacked connections, so nothing else changes.
	h.streams.Add(1)
	ended := h.d.Streams("websocket")
	go func() {
		defer ended()
		conn.serve()
	}()
	return nil
}

func (c *wsConn) serve() {
	defer c.h.streams.Done()
	defer c.cancel()
	defer func() {
		// Outside the handler, apperr.Recover no longer guards us.
		if p := recover(); p != nil {
			c.h.log.Error("stream: websocket panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			_ = c.c.CloseNow()
		}
	}()
	c.mu.Lock() // pingNow reads c.ping
	c.ping = time.AfterFunc(c.h.cfg.WSPingInterval, c.pingNow)
	c.mu.Unlock()
	defer c.ping.Stop()
	// This instance has drained (see leaving); the client reconnects elsewhere.
	defer context.AfterFunc(c.h.leaving, func() { c.close(websocket.StatusGoingAway, "server restarting") })()
	for {
		typ, data, err := c.c.Read(c.ctx)
		if err != nil {
			break
		}
		if typ != websocket.MessageText {
			c.audioFrame(data)
			continue
		}
		var cmd command
		if err := json.Unmarshal(data, &cmd); err != nil {
			c.errorFrame("", apperr.New(apperr.Invalid, "a frame must be a JSON command"))
			continue
		}
		c.run(cmd)
	}
	c.cancel()
	c.wg.Wait()
	c.close(websocket.StatusNormalClosure, "")
}

func (c *wsConn) run(cmd command) {
	if c.voiceCommand(cmd) || c.runsCommand(cmd) {
		return
	}
	if cmd.Type != "send" && cmd.Type != "stop" && cmd.Type != "resume" {
		c.errorFrame(cmd.ChatID, apperr.InvalidField("type", "must be send, stop, resume, watch_runs or unwatch_runs"))
		return
	}
	if !ids.Valid(cmd.ChatID) {
		c.errorFrame(cmd.ChatID, apperr.InvalidField("chat_id", "must be a UUID"))
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	switch cmd.Type {
	case "send":
		in, err := messageRequest{Content: cmd.Content, EditOf: cmd.EditOf, RegenerateOf: cmd.RegenerateOf,
			AttachmentIDs: cmd.AttachmentIDs}.input()
		if err != nil {
			c.errorFrame(cmd.ChatID, err)
			return
		}
		if _, err := c.h.d.Generations.StartInput(ctx, c.user, cmd.ChatID, in); err != nil {
			c.errorFrame(cmd.ChatID, err)
			return
		}
		c.follow(cmd.ChatID, "", followMode{events: true, speech: cmd.Speak})
	case "stop":
		if err := c.h.d.Generations.Stop(ctx, c.user, cmd.ChatID); err != nil {
			c.errorFrame(cmd.ChatID, err)
		}
	case "resume":
		if cmd.LastEventID != "" && !hub.ValidID(cmd.LastEventID) {
			c.errorFrame(cmd.ChatID, apperr.InvalidField("last_event_id", "is not an event id"))
			return
		}
		if _, err := c.h.d.Store.GetChat(ctx, c.user.ID, cmd.ChatID); err != nil {
			c.errorFrame(cmd.ChatID, err)
			return
		}
		c.follow(cmd.ChatID, cmd.LastEventID, followMode{events: true})
	}
}

// followed is a chat a connection follows; speaker speaks its reply.
type followed struct {
	stop    context.CancelFunc
	speaker *voice.Speaker
}

// followMode says what following a chat sends: its events, the reply's
// speech (voice.go), or both.
type followMode struct{ events, speech bool }

// follow queues chat's events after id, replacing an earlier follow of
// the same chat.
func (c *wsConn) follow(chatID, after string, m followMode) {
	c.mu.Lock()
	if f, ok := c.chats[chatID]; ok {
		f.stop()
		delete(c.chats, chatID)
	}
	if len(c.chats) >= c.h.cfg.WSMaxChats {
		c.mu.Unlock()
		c.errorFrame(chatID, apperr.New(apperr.TooLarge, "this connection follows too many chats"))
		return
	}
	ctx, stop := context.WithCancel(c.ctx)
	f := &followed{stop: stop}
	c.chats[chatID] = f
	c.wg.Add(1)
	c.mu.Unlock()

	go func() {
		defer c.wg.Done()
		defer func() {
			c.mu.Lock()
			stop()
			// Only our own entry: a newer follow may have replaced it.
			if c.chats[chatID] == f {
				delete(c.chats, chatID)
			}
			c.mu.Unlock()
		}()
		var sp *voice.Speaker
		if m.speech {
			// Before subscribing: no event of the reply is missed.
			sp = c.speaker(ctx, chatID)
			c.mu.Lock()
			f.speaker = sp
			c.mu.Unlock()
		}
		if sp != nil {
			// After done, the last sentences may still be on their way.
			defer sp.Wait()
		}
		// This goroutine reads the subscription itself: one per followed chat.
		sub := c.h.d.Hub.Subscribe(chatID, after)
		defer sub.Close()
		for {
			e, err := sub.Next(ctx)
			switch {
			case err == nil:
				if m.events {
					c.enqueue(eventFrame(chatID, e))
				}
				if sp != nil {
					sp.Event(e.Type, e.Data)
				}
				continue
			case errors.Is(err, hub.ErrAbandoned):
				c.errorFrame(chatID, apperr.New(apperr.Unavailable, "the reply was interrupted"))
				c.enqueue(eventFrame(chatID, hub.Entry{Type: generation.TypeDone, Data: []byte(`{"status":"interrupted"}`)}))
			case errors.Is(err, io.EOF), ctx.Err() != nil:
			default:
				c.h.log.Warn("stream: read events", slog.String("chat_id", chatID), slog.Any("error", err))
				c.errorFrame(chatID, apperr.New(apperr.Unavailable, "lost the event stream; resume to continue"))
			}
			return
		}
	}()
}

// queue is the connection's queue of frames, made on first use.
func (c *wsConn) queue() chan []byte {
	c.sendOnce.Do(func() { c.send = make(chan []byte, c.h.cfg.WSSendBuffer) })
	return c.send
}

// enqueue hands a frame to the writer, waiting up to WriteTimeout for room
// (a replay comes in bursts, and the subscription reads Redis only as fast
// as we take its entries), then closes a client too slow to take it.
func (c *wsConn) enqueue(frame []byte) {
	send := c.queue()
	select {
	case send <- frame:
		c.kick()
		return
	case <-c.ctx.Done():
		return
	default:
	}
	t := time.NewTimer(c.h.cfg.WriteTimeout)
	defer t.Stop()
	select {
	case send <- frame:
		c.kick()
	case <-c.ctx.Done():
	case <-t.C:
		c.close(websocket.StatusPolicyViolation, "too slow")
	}
}

// kick starts a writer unless one is running.
func (c *wsConn) kick() {
	if c.writing.CompareAndSwap(false, true) {
		go c.drain()
	}
}

// drain writes queued frames in order until the queue is empty, then
// ends: only one runs at a time (writing), and a frame queued as it ends
// is seen by its last check or by the kick after it.
func (c *wsConn) drain() {
	for {
		select {
		case frame := <-c.send:
			if c.ctx.Err() != nil {
				return // writing stays set: nothing is written any more
			}
			ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteTimeout)
			err := c.c.Write(ctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.close(websocket.StatusPolicyViolation, "too slow")
				return
			}
		default:
			c.writing.Store(false)
			if len(c.send) == 0 || !c.writing.CompareAndSwap(false, true) {
				return
			}
		}
	}
}

// pingNow pings the client, which must answer within WriteTimeout, and
// arms the next ping.
func (c *wsConn) pingNow() {
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteTimeout)
	err := c.c.Ping(ctx)
	cancel()
	if c.ctx.Err() != nil {
		return
	}
	if err != nil {
		c.close(websocket.StatusGoingAway, "ping timeout")
		return
	}
	c.mu.Lock()
	c.ping.Reset(c.h.cfg.WSPingInterval)
	c.mu.Unlock()
}

// close ends the connection once, with code and reason, without waiting
// on a client that may not be reading.
func (c *wsConn) close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.h.log.Debug("stream: closing websocket", slog.String("reason", reason))
		go func() {
			// The close handshake first (it gives up after 5 s on a client
			// that reads nothing), then everything else stops.
			if err := c.c.Close(code, reason); err != nil {
				_ = c.c.CloseNow()
			}
			c.cancel()
		}()
	})
}

func (c *wsConn) errorFrame(chatID string, err error) {
	c.typedErrorFrame(generation.TypeError, chatID, err)
}

// typedErrorFrame is an error frame of type typ (error, voice_error).
func (c *wsConn) typedErrorFrame(typ, chatID string, err error) {
	c.scopedErrorFrame(typ, "chat_id", chatID, err)
}

// scopedErrorFrame is an error frame of type typ naming, under key
// (chat_id, repo), what failed.
func (c *wsConn) scopedErrorFrame(typ, key, value string, err error) {
	e, obj := apperr.Object(err)
	if e.Code == apperr.Internal {
		c.h.log.Error("stream: websocket command", slog.Any("error", err))
	}
	obj["type"] = typ
	if value != "" {
		obj[key] = value
	}
	if s := e.RetryAfterSeconds(); s > 0 {
		obj["retry_after"] = s
	}
	b, _ := json.Marshal(obj)
	c.enqueue(b)
}

// eventFrame is one stream event as a WebSocket frame:
// {"type","chat_id","event_id","data"}, data being the JSON the SSE
// data line carries. The event's members sit under data rather than
// beside type: artifact_start has a "type" of its own.
func eventFrame(chatID string, e hub.Entry) []byte {
	data := json.RawMessage(e.Data)
	if !json.Valid(data) {
		data = json.RawMessage(`{}`)
	}
	b, _ := json.Marshal(struct {
		Type    string          `json:"type"`
		ChatID  string          `json:"chat_id"`
		EventID string          `json:"event_id,omitempty"`
		Data    json.RawMessage `json:"data"`
	}{e.Type, chatID, e.ID, data})
	return b
}
