package hub

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Leases keeps the chat locks of every generation running on this instance
// alive, in one Redis round trip per beat for all of them, and learns in
// the same trip which of them a user asked to stop (the key RequestStop
// leaves, should its pub/sub message be missed).
//
// A lock renewed by each generation on its own (one script and one GET per
// generation every LockTTL/3, on the pool every append also waits for) was
// late under load: with 2,000 replies the renewals queued behind each other
// for longer than the lease, and live generations lost their chats (the
// bench's "the reply was interrupted"). One batched renewal on a
// connection of its own costs the same however many generations run, and
// a renewal beats five times per lease, so only a Redis outage of most of
// a lease can end a live generation; a dead instance renews nothing, so
// its chats are still free within one lease.
type Leases struct {
	h     *Hub
	rdb   *redis.Client
	ttl   time.Duration
	every time.Duration
	log   *slog.Logger

	mu      sync.Mutex
	held    map[string]*Lease // by chat
	running bool
}

// Lease is one generation's hold on its chat's lock, renewed by Leases
// until it is dropped.
type Lease struct {
	chat, gen string
	// lost runs once when the lock is found another's or gone; stop when
	// a stop request for gen waits in the chat's stop key.
	lost, stop func()
	ended      bool // lost has run
}

// leaseBatch bounds the locks one script renews, so Redis is never held
// for long by one call.
const leaseBatch = 256

// renewScript renews each generation's lock it still holds and reports,
// for each: 0 lost, 1 held, 2 held and a stop requested. KEYS: lock and
// stop key of each generation, in pairs. ARGV: the lease in ms, then the
// generations.
var renewScript = redis.NewScript(`
local out = {}
for i = 2, #ARGV do
	local lock, stop = KEYS[2 * i - 3], KEYS[2 * i - 2]
	local r = 0
	if redis.call("GET", lock) == ARGV[i] then
		redis.call("PEXPIRE", lock, ARGV[1])
		r = 1
		if redis.call("GET", stop) == ARGV[i] then
			r = 2
		end
	end
	out[i - 1] = r
end
return out`)

// NewLeases returns the renewer of locks of lease ttl, renewed every ttl/5
// through rdb (nil: the hub's client; give it a client of its own so
// renewals never wait behind the appends).
func (h *Hub) NewLeases(rdb *redis.Client, ttl time.Duration) *Leases {
	if rdb == nil {
		rdb = h.rdb
	}
	return &Leases{h: h, rdb: rdb, ttl: ttl, every: ttl / 5, log: h.opts.Logger, held: map[string]*Lease{}}
}

// Hold renews generation gen's lock on chat, which it has just acquired,
// until the returned drop is called. lost is called (once) when the lock
// turns out to be gone or another's; stop each time a stop of gen is
// found requested. Both run on the renewer's goroutine and must not block.
func (l *Leases) Hold(chat, gen string, lost, stop func()) (drop func()) {
	ls := &Lease{chat: chat, gen: gen, lost: lost, stop: stop}
	l.mu.Lock()
	l.held[chat] = ls
	if !l.running {
		l.running = true
		go l.loop()
	}
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.held[chat] == ls {
			delete(l.held, chat)
		}
	}
}

// loop renews every held lock each beat, and ends when none is held.
func (l *Leases) loop() {
	t := time.NewTicker(l.every)
	defer t.Stop()
	for range t.C {
		l.mu.Lock()
		if len(l.held) == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		l.renew()
	}
}

// renew renews every held lock once. A failed round trip is only logged:
// the next beat comes long before the lease ends.
func (l *Leases) renew() {
	l.mu.Lock()
	leases := make([]*Lease, 0, len(l.held))
	for _, ls := range l.held {
		if !ls.ended {
			leases = append(leases, ls)
		}
	}
	l.mu.Unlock()
	if len(leases) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.ttl/2)
	defer cancel()
	var cmds []*redis.Cmd
	send := func() error {
		cmds = cmds[:0]
		_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for from := 0; from < len(leases); from += leaseBatch {
				batch := leases[from:min(from+leaseBatch, len(leases))]
				keys := make([]string, 0, 2*len(batch))
				args := make([]any, 0, 1+len(batch))
				args = append(args, l.ttl.Milliseconds())
				for _, ls := range batch {
					keys = append(keys, l.h.activeKey(ls.chat), l.h.stopKey(ls.chat))
					args = append(args, ls.gen)
				}
				cmds = append(cmds, renewScript.EvalSha(ctx, p, keys, args...))
			}
			return nil
		})
		return err
	}
	err := send()
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// The server lost its scripts (a restart, a flush): load and resend.
		if err = renewScript.Load(ctx, l.rdb).Err(); err == nil {
			err = send()
		}
	}
	if err != nil {
		l.log.Warn("hub: renew chat locks", slog.Int("locks", len(leases)), slog.Any("error", err))
		return
	}
	for i, cmd := range cmds {
		states, err := cmd.Int64Slice()
		if err != nil {
			l.log.Warn("hub: renew chat locks", slog.Any("error", err))
			continue
		}
		batch := leases[i*leaseBatch : min((i+1)*leaseBatch, len(leases))]
		for j, st := range states {
			if j < len(batch) {
				l.report(batch[j], st)
			}
		}
	}
}

// report acts on one lock's state, unless its generation has dropped it
// meanwhile (it ended and freed the lock itself).
func (l *Leases) report(ls *Lease, state int64) {
	l.mu.Lock()
	current := l.held[ls.chat] == ls
	if current && state == 0 {
		ls.ended = true
	}
	l.mu.Unlock()
	if !current {
		return
	}
	switch state {
	case 0:
		l.log.Warn("hub: chat lock lost", slog.String("chat_id", ls.chat))
		ls.lost()
	case 2:
		ls.stop()
	}
}
