package session

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// MaxCacheTTL bounds SESSION_CACHE_TTL: it is how long a session ended
// elsewhere (signed out in another tab, revoked from the sessions list,
// every session ended by account deletion) may still be honoured by a
// function instance that resolved it just before.
const MaxCacheTTL = 10 * time.Second

// maxCached bounds the cache's memory (a few hundred bytes an entry): past
// it, new sessions are resolved in Redis on every request until entries
// expire.
const maxCached = 10_000

// cache holds sessions resolved in Redis for a short time, so a busy user's
// requests cost one Redis round trip per instance per TTL instead of one
// each. Only live sessions are kept: an unknown or ended cookie goes to
// Redis every time, so forged cookies cannot fill it. It is keyed by the
// SHA-256 of the secret, like Redis.
//
// A session ended through this Store (this instance's sign-out or
// revocation) leaves the cache at once; one ended by another instance
// leaves it when the announcement arrives (Watch), and is honoured here for
// at most the TTL if that is lost. The cache is used only while Watch is
// subscribed.
type cache struct {
	ttl  time.Duration
	live atomic.Bool
	mu   sync.RWMutex
	m    map[string]cached
	// gen counts local evictions: a Resolve that began before one must
	// not put back what was just removed.
	gen uint64
}

type cached struct {
	sess  Session
	until time.Time
}

func newCache(ttl time.Duration) *cache {
	if ttl <= 0 {
		return nil
	}
	return &cache{ttl: ttl, m: make(map[string]cached)}
}

func (c *cache) get(digest string, now time.Time) (Session, uint64, bool) {
	if !c.live.Load() {
		return Session{}, 0, false
	}
	c.mu.RLock()
	e, ok := c.m[digest]
	gen := c.gen
	c.mu.RUnlock()
	if ok && now.Before(e.until) {
		return e.sess, gen, true
	}
	return Session{}, gen, false
}

func (c *cache) put(digest string, s Session, now time.Time, gen uint64) {
	until := now.Add(c.ttl)
	if s.ExpiresAt.Before(until) {
		until = s.ExpiresAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.m) >= maxCached {
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCached {
			return
		}
	}
	c.m[digest] = cached{sess: s, until: until}
}

func (c *cache) setLive(live bool) {
	if c != nil {
		c.live.Store(live)
	}
}

// flush empties the cache: what was announced while nobody listened is
// unknown.
func (c *cache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}

func (c *cache) evict(digests ...string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, d := range digests {
		delete(c.m, d)
	}
}

// resolveCached is Resolve through the cache: what Middleware uses on
// every request. Resolve itself always asks Redis.
func (s *Store) resolveCached(ctx context.Context, rawID string) (Session, error) {
	if s.cache == nil || len(rawID) != rawIDLen {
		return s.Resolve(ctx, rawID)
	}
	d := digest(rawID)
	sess, gen, ok := s.cache.get(d, s.now())
	if ok {
		return sess, nil
	}
	sess, err := s.resolveDigest(ctx, d)
	if err == nil && s.cache.live.Load() {
		s.cache.put(d, sess, s.now(), gen)
	}
	return sess, err
}
