package hub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A generation's events carry ids it chooses itself, "<base>-<n>": base is
// a millisecond time above every id the chat's stream held before, n counts
// the generation's events from 1. Redis keeps an entry only when its id is
// above the stream's last, so an append whose answer was lost (a Redis
// stall, a timeout, go-redis retrying on a new connection) can be sent
// again with the same id and lands once at most, and a late copy of an
// earlier append can never land after a later one. Readers already skip
// ids they have passed, so the stream a client sees is the generation's
// events, each once, in order.

// ErrLeaseLost is returned by Append when the generation no longer holds
// its chat's lock: its lease expired (or passed to another generation), so
// the stream is no longer its to write.
var ErrLeaseLost = errors.New("hub: the generation lost its chat's lock")

// Writer appends one generation's events. Not safe for concurrent use.
type Writer struct {
	h    *Hub
	chat string
	gen  string
	base uint64
	next uint64 // n of the next event
}

// openScript deletes chat's previous events and returns the id of the last
// one ("" when there were none), so the new generation's ids start above.
var openScript = redis.NewScript(`
local top = redis.call("XREVRANGE", KEYS[1], "+", "-", "COUNT", 1)[1]
redis.call("DEL", KEYS[1])
if top then
	return top[1]
end
return ""`)

// Open starts generation gen's stream of chat's events: the previous
// generation's events are deleted, so the stream holds only gen's, and
// gen's ids are above every id a client may hold from before.
func (h *Hub) Open(ctx context.Context, chat, gen string) (*Writer, error) {
	last, err := openScript.Run(ctx, h.rdb, []string{h.eventsKey(chat)}).Text()
	if err != nil {
		return nil, fmt.Errorf("hub: open %s: %w", chat, err)
	}
	base := uint64(time.Now().UnixMilli())
	if ms, _, ok := parseID(last); ok && ms >= base {
		base = ms + 1
	}
	return &Writer{h: h, chat: chat, gen: gen, base: base, next: 1}, nil
}

// appendScript adds one event under its explicit id. ARGV[8] says whose
// lock the write needs: "held" (only the generation holding chat's lock
// may write) or "final" (the holder, or anyone once the lock has expired;
// the lock is then freed in the same step). It returns 1 when added, 0
// when an entry with this id or a later one is there already (a retried
// append that had landed), -1 when the lock is another's.
var appendScript = redis.NewScript(`
local holder = redis.call("GET", KEYS[2])
if ARGV[8] == "held" and holder ~= ARGV[1] then
	return -1
end
if holder and holder ~= ARGV[1] then
	return -1
end
local top = redis.call("XREVRANGE", KEYS[1], "+", "-", "COUNT", 1)[1]
if top then
	local ms, seq = string.match(top[1], "^(%d+)-(%d+)$")
	ms, seq = tonumber(ms), tonumber(seq)
	local m, s = tonumber(ARGV[2]), tonumber(ARGV[3])
	if m < ms or (m == ms and s <= seq) then
		return 0
	end
end
redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[6], ARGV[2] .. "-" .. ARGV[3], "type", ARGV[4], "data", ARGV[5])
redis.call("PEXPIRE", KEYS[1], ARGV[7])
if ARGV[8] == "final" and holder then
	redis.call("DEL", KEYS[2])
end
return 1`)

// Append adds an event and returns its id. An error leaves the outcome
// unknown: calling Append again with the same event is safe (it lands
// once). ErrLeaseLost means the generation must stop writing.
func (w *Writer) Append(ctx context.Context, typ string, data []byte) (string, error) {
	n, err := w.write(ctx, typ, data, "held")
	if err != nil {
		return "", fmt.Errorf("hub: append %s: %w", typ, err)
	}
	if n < 0 {
		return "", ErrLeaseLost
	}
	return w.advance(), nil
}

// Finish appends the done event (data) and frees chat's lock, atomically,
// so a client that has seen done can start the next reply at once (never
// 409), and the next generation cannot reset the stream before done is in
// it. It reports false when another generation holds the lock, and then
// does neither. Like Append it is safe to call again after an error.
func (w *Writer) Finish(ctx context.Context, data []byte) (bool, error) {
	n, err := w.write(ctx, Done, data, "final")
	if err != nil {
		return false, fmt.Errorf("hub: finish: %w", err)
	}
	if n < 0 {
		return false, nil
	}
	w.advance()
	return true, nil
}

// ID is the id the next event will get.
func (w *Writer) ID() string { return w.id() }

func (w *Writer) id() string {
	return strconv.FormatUint(w.base, 10) + "-" + strconv.FormatUint(w.next, 10)
}

func (w *Writer) advance() string {
	id := w.id()
	w.next++
	return id
}

func (w *Writer) write(ctx context.Context, typ string, data []byte, lock string) (int, error) {
	h := w.h
	return appendScript.Run(ctx, h.rdb, []string{h.eventsKey(w.chat), h.activeKey(w.chat)},
		w.gen, w.base, w.next, typ, data, h.opts.MaxLen, h.opts.TTL.Milliseconds(), lock).Int()
}

// abandonScript ends the stream of a generation that died: the done event
// goes after the last entry, unless the stream is gone, has its done
// already, or another generation holds the lock.
var abandonScript = redis.NewScript(`
local holder = redis.call("GET", KEYS[2])
if holder and holder ~= ARGV[1] then
	return 0
end
local top = redis.call("XREVRANGE", KEYS[1], "+", "-", "COUNT", 1)[1]
if not top then
	return 0
end
local fields = top[2]
for i = 1, #fields, 2 do
	if fields[i] == "type" and fields[i + 1] == ARGV[2] then
		return 0
	end
end
local ms, seq = string.match(top[1], "^(%d+)-(%d+)$")
redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[4], ms .. "-" .. (tonumber(seq) + 1), "type", ARGV[2], "data", ARGV[3])
redis.call("PEXPIRE", KEYS[1], ARGV[5])
return 1`)

// Abandon appends a done event (data) to chat's stream for a generation
// that died without one, so its followers learn how it ended. holder is
// the generation allowed to hold the lock meanwhile ("" for none: a sweep;
// the caller's own generation when it has just taken the chat). It
// reports whether done was appended.
func (h *Hub) Abandon(ctx context.Context, chat, holder string, data []byte) (bool, error) {
	n, err := abandonScript.Run(ctx, h.rdb, []string{h.eventsKey(chat), h.activeKey(chat)},
		holder, Done, data, h.opts.MaxLen, h.opts.TTL.Milliseconds()).Int()
	return n == 1, err
}

// Skip gives up the next id, for an event its writer gave up on: a late
// copy of it can then still only land before the events that follow.
func (w *Writer) Skip() { w.next++ }
