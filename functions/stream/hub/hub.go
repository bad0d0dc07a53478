// Package hub carries a chat's generation events through Redis so that any
// instance of the stream function can serve them. Each chat's current
// generation is one Redis Stream: the generating instance appends every
// event as it is produced (XADD with an id of its own, trimmed and
// expiring; see Writer), and every client,
// on any instance, reads from it — the live stream included, so the Redis
// Stream is the single source of truth and a reconnecting client resumes
// after the entry id it saw last. One reader per stream and instance
// (XREAD BLOCK) fans entries out to that instance's subscribers.
//
// The hub also holds the one-generation-per-chat lock and carries stop
// requests (pub/sub, with a key as fallback) to whichever instance is
// generating.
package hub

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options configure a Hub.
type Options struct {
	// Prefix starts every key; default "stream:".
	Prefix string
	// MaxLen caps a stream's entries (XADD MAXLEN ~); default 20000.
	MaxLen int64
	// TTL is how long a stream outlives its last entry; default 1h.
	TTL time.Duration
	// Block is how long one XREAD waits; default 5s. It bounds how late a
	// reader notices its generation vanished without a done event.
	Block time.Duration
	// Buffer is the most entries a subscriber's live queue holds; a
	// subscriber that falls further behind goes back to reading the
	// stream itself. The queue holds memory only while entries wait in
	// it. Default 32.
	Buffer int
	Logger *slog.Logger
	// Readers is the client for the blocking reads, whose pool must allow
	// one connection per chat watched at once; default the hub's client.
	Readers *redis.Client
}

// Hub is safe for concurrent use.
type Hub struct {
	rdb  *redis.Client
	opts Options

	mu    sync.Mutex
	tails map[string]*tail // by stream key
	// idleRounds counts the blocking reads that found nothing, so tests can
	// land an event just after one instead of guessing with a sleep.
	idleRounds atomic.Int64

	ctx    context.Context // ends the tails on Close
	cancel context.CancelFunc
}

// New returns a hub on rdb.
func New(rdb *redis.Client, opts Options) *Hub {
	if opts.Prefix == "" {
		opts.Prefix = "stream:"
	}
	if opts.MaxLen <= 0 {
		opts.MaxLen = 20000
	}
	if opts.TTL <= 0 {
		opts.TTL = time.Hour
	}
	if opts.Block <= 0 {
		opts.Block = 5 * time.Second
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 32
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Readers == nil {
		opts.Readers = rdb
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub{rdb: rdb, opts: opts, tails: map[string]*tail{}, ctx: ctx, cancel: cancel}
}

// Close stops the hub's readers.
func (h *Hub) Close() { h.cancel() }

// Entry is one event of a generation.
type Entry struct {
	ID   string // the Redis Stream entry id: the SSE id and resume point
	Type string
	Data []byte // JSON
}

// Done is the type of a generation's last event.
const Done = "done"

func (h *Hub) eventsKey(chat string) string { return h.opts.Prefix + chat + ":events" }
func (h *Hub) activeKey(chat string) string { return h.opts.Prefix + chat + ":active" }
func (h *Hub) stopKey(chat string) string   { return h.opts.Prefix + chat + ":stop" }
func (h *Hub) stopChannel() string          { return h.opts.Prefix + "stop" }

// Exists reports whether chat has a stream of events to replay.
func (h *Hub) Exists(ctx context.Context, chat string) (bool, error) {
	n, err := h.rdb.Exists(ctx, h.eventsKey(chat)).Result()
	return n > 0, err
}

// rangeAfter returns up to count entries after id.
func (h *Hub) rangeAfter(ctx context.Context, key, id string, count int64) ([]Entry, error) {
	msgs, err := h.rdb.XRangeN(ctx, key, "("+id, "+", count).Result()
	if err != nil {
		return nil, err
	}
	return entries(msgs), nil
}

func entries(msgs []redis.XMessage) []Entry {
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		typ, _ := m.Values["type"].(string)
		data, _ := m.Values["data"].(string)
		out = append(out, Entry{ID: m.ID, Type: typ, Data: []byte(data)})
	}
	return out
}

// ValidID reports whether id is a stream entry id ("<ms>-<seq>"), as a
// client's Last-Event-ID must be.
func ValidID(id string) bool {
	_, _, ok := parseID(id)
	return ok
}

func parseID(id string) (ms, seq uint64, ok bool) {
	a, b, found := strings.Cut(id, "-")
	if !found {
		return 0, 0, false
	}
	ms, err1 := strconv.ParseUint(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	return ms, seq, err1 == nil && err2 == nil
}

// after reports whether stream id a comes after b.
func after(a, b string) bool {
	am, as, _ := parseID(a)
	bm, bs, _ := parseID(b)
	return am > bm || am == bm && as > bs
}

// ErrAbandoned is returned by Next when the generation ended without a
// done event: the instance generating it died.
var ErrAbandoned = errors.New("hub: generation abandoned")
