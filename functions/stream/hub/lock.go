package hub

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// The one-generation-per-chat lock is a key holding the generation's id,
// with a TTL the generating instance keeps refreshing: if that instance
// dies, the lock expires and readers learn the generation was abandoned.

// Acquire takes chat's lock for generation gen. It reports false when
// another generation holds it.
func (h *Hub) Acquire(ctx context.Context, chat, gen string, ttl time.Duration) (bool, error) {
	return h.rdb.SetNX(ctx, h.activeKey(chat), gen, ttl).Result()
}

// compare-and-set scripts, so an instance never extends or frees a lock
// that has passed to another generation.
var (
	refreshScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
	releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)
)

// Refresh extends gen's hold on chat's lock. It reports false when gen no
// longer holds it.
func (h *Hub) Refresh(ctx context.Context, chat, gen string, ttl time.Duration) (bool, error) {
	n, err := refreshScript.Run(ctx, h.rdb, []string{h.activeKey(chat)}, gen, ttl.Milliseconds()).Int()
	return n == 1, err
}

// Release frees chat's lock if gen holds it.
func (h *Hub) Release(ctx context.Context, chat, gen string) error {
	return releaseScript.Run(ctx, h.rdb, []string{h.activeKey(chat)}, gen).Err()
}

// finishScript appends the done event and frees the lock in one step, so a
// client that has seen done can start the next reply at once (never 409),
// and the next generation cannot reset the stream before done is in it.
// A generation that lost its lock to another appends nothing: the stream
// is the other's now.
var finishScript = redis.NewScript(`
local holder = redis.call("GET", KEYS[2])
if holder and holder ~= ARGV[1] then
	return 0
end
redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[4], "*", "type", ARGV[2], "data", ARGV[3])
redis.call("PEXPIRE", KEYS[1], ARGV[5])
if holder then
	redis.call("DEL", KEYS[2])
end
return 1`)

// Finish appends gen's done event (data) to chat's stream and frees chat's
// lock, atomically. It reports false when another generation holds the
// lock, and then does neither.
func (h *Hub) Finish(ctx context.Context, chat, gen string, data []byte) (bool, error) {
	n, err := finishScript.Run(ctx, h.rdb, []string{h.eventsKey(chat), h.activeKey(chat)},
		gen, Done, data, h.opts.MaxLen, h.opts.TTL.Milliseconds()).Int()
	return n == 1, err
}

// Active returns the generation holding chat's lock, or "".
func (h *Hub) Active(ctx context.Context, chat string) (string, error) {
	gen, err := h.rdb.Get(ctx, h.activeKey(chat)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return gen, err
}
