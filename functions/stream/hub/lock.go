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

// Active returns the generation holding chat's lock, or "".
func (h *Hub) Active(ctx context.Context, chat string) (string, error) {
	gen, err := h.rdb.Get(ctx, h.activeKey(chat)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return gen, err
}
