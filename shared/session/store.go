package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNotFound is returned for a session that does not exist, has expired,
// or belongs to someone else.
var ErrNotFound = errors.New("session: not found")

// Config sets session lifetimes. Embed it in a function's settings to read
// it from the environment; zero fields take the defaults shown.
type Config struct {
	// AbsoluteTTL bounds a session's whole life, however active it is.
	AbsoluteTTL time.Duration `envconfig:"SESSION_TTL" default:"168h"`
	// IdleTTL ends a session nobody has used for that long.
	IdleTTL time.Duration `envconfig:"SESSION_IDLE_TTL" default:"24h"`
	// TouchInterval is how stale last-seen may get before a request
	// refreshes it (and with it the idle deadline); it saves a Redis write
	// on almost every request.
	TouchInterval time.Duration `envconfig:"SESSION_TOUCH_INTERVAL" default:"1m"`
	// CacheTTL is how long a function instance trusts a session it
	// resolved in Redis before asking again (see cache): the longest a
	// session ended through another instance keeps working here. At most
	// MaxCacheTTL; a negative value turns the cache off.
	CacheTTL time.Duration `envconfig:"SESSION_CACHE_TTL" default:"1s"`
}

// Defaults of Config.
const (
	DefaultAbsoluteTTL   = 7 * 24 * time.Hour
	DefaultIdleTTL       = 24 * time.Hour
	DefaultTouchInterval = time.Minute
	DefaultCacheTTL      = time.Second
)

// Check reports settings that cannot work together.
func (c Config) Check() error {
	c = c.withDefaults()
	if c.IdleTTL > c.AbsoluteTTL {
		return fmt.Errorf("SESSION_IDLE_TTL (%s) must not exceed SESSION_TTL (%s)", c.IdleTTL, c.AbsoluteTTL)
	}
	if c.TouchInterval >= c.IdleTTL {
		return fmt.Errorf("SESSION_TOUCH_INTERVAL (%s) must be shorter than SESSION_IDLE_TTL (%s)", c.TouchInterval, c.IdleTTL)
	}
	if c.CacheTTL > MaxCacheTTL {
		return fmt.Errorf("SESSION_CACHE_TTL (%s) must be at most %s: it is how long a revoked session may still work", c.CacheTTL, MaxCacheTTL)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.AbsoluteTTL <= 0 {
		c.AbsoluteTTL = DefaultAbsoluteTTL
	}
	if c.IdleTTL <= 0 {
		c.IdleTTL = DefaultIdleTTL
	}
	if c.TouchInterval <= 0 {
		c.TouchInterval = DefaultTouchInterval
	}
	if c.CacheTTL == 0 {
		c.CacheTTL = DefaultCacheTTL
	}
	return c
}

// Session is one signed-in browser as its owner may see it.
type Session struct {
	// ID is the public id: it names the session in listings and in
	// DELETE /api/auth/sessions/{id}. It is not the secret cookie value,
	// from which nothing can be derived.
	ID         string
	User       User
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute expiry
	UserAgent  string
}

// Store keeps sessions in Redis. Only the SHA-256 of a session's secret id
// is ever a key, so a Redis dump cannot be replayed as cookies. Each
// session is a hash at session:<sha256>; session-index:<user id> maps the
// user's public session ids to those hashes, for listing and ending all.
type Store struct {
	rdb   *redis.Client
	cfg   Config
	now   func() time.Time
	cache *cache // nil when CacheTTL < 0
}

// Option adjusts a Store.
type Option func(*Store)

// WithClock makes the store read time from now, so tests can move past
// expiries without sleeping.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// NewStore returns a store on rdb (the function's one Redis client).
func NewStore(rdb *redis.Client, cfg Config, opts ...Option) *Store {
	s := &Store{rdb: rdb, cfg: cfg.withDefaults(), now: time.Now}
	s.cache = newCache(min(s.cfg.CacheTTL, MaxCacheTTL))
	for _, o := range opts {
		o(s)
	}
	return s
}

// Config returns the lifetimes the store applies, defaults filled in.
func (s *Store) Config() Config { return s.cfg }

const (
	keyPrefix   = "session:"
	indexPrefix = "session-index:"
	// rawIDLen is the length of a secret id: 32 bytes, base64url unpadded.
	rawIDLen     = 43
	maxUserAgent = 256
)

func sessionKey(digest string) string { return keyPrefix + digest }
func indexKey(userID string) string   { return indexPrefix + userID }

func digest(rawID string) string {
	sum := sha256.Sum256([]byte(rawID))
	return hex.EncodeToString(sum[:])
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Create starts a session for u and returns its secret id, the cookie
// value. Every call makes a new id: signing in never reuses one.
func (s *Store) Create(ctx context.Context, u User, userAgent string) (string, error) {
	if u.ID == "" {
		return "", errors.New("session: create: empty user id")
	}
	rawID, err := randomToken(32)
	if err != nil {
		return "", fmt.Errorf("session: random id: %w", err)
	}
	publicID, err := randomToken(16)
	if err != nil {
		return "", fmt.Errorf("session: random id: %w", err)
	}
	if len(userAgent) > maxUserAgent {
		userAgent = userAgent[:maxUserAgent]
	}
	now := s.now()
	exp := now.Add(s.cfg.AbsoluteTTL)
	d := digest(rawID)
	key := sessionKey(d)
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, key,
		"uid", u.ID,
		"login", u.Login,
		"pid", publicID,
		"created", now.UnixMilli(),
		"seen", now.UnixMilli(),
		"exp", exp.UnixMilli(),
		// The idle limit travels with the session, so every function
		// enforces the one auth chose whatever its own settings.
		"idle", s.cfg.IdleTTL.Milliseconds(),
		"ua", userAgent,
	)
	pipe.PExpire(ctx, key, min(s.cfg.IdleTTL, s.cfg.AbsoluteTTL))
	pipe.HSet(ctx, indexKey(u.ID), publicID, d)
	// The newest session outlives every older one, so its lifetime is the
	// index's.
	pipe.PExpire(ctx, indexKey(u.ID), s.cfg.AbsoluteTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("session: create: %w", err)
	}
	return rawID, nil
}

// resolveScript reads a session, drops it when past either expiry, and
// refreshes last-seen and the idle deadline when last-seen is older than
// the touch interval: one round trip per request.
//
// KEYS[1] session key; ARGV: now (ms), touch interval (ms).
var resolveScript = redis.NewScript(`
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return false end
local f = {}
for i = 1, #h, 2 do f[h[i]] = h[i + 1] end
if not (f.uid and f.login and f.pid and f.created and f.seen and f.exp and f.idle) then
  redis.call('DEL', KEYS[1])
  return false
end
local now = tonumber(ARGV[1])
local exp = tonumber(f.exp)
local idle = tonumber(f.idle)
local seen = tonumber(f.seen)
if now >= exp or now >= seen + idle then
  redis.call('DEL', KEYS[1])
  return false
end
if now - seen >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'seen', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], math.min(idle, exp - now))
  f.seen = ARGV[1]
end
return {f.uid, f.login, f.pid, f.created, f.seen, f.exp, f.ua or ''}
`)

// Resolve returns the live session whose secret id is rawID, or
// ErrNotFound. Any other error means Redis could not answer.
func (s *Store) Resolve(ctx context.Context, rawID string) (Session, error) {
	if len(rawID) != rawIDLen {
		return Session{}, ErrNotFound
	}
	return s.resolveDigest(ctx, digest(rawID))
}

func (s *Store) resolveDigest(ctx context.Context, d string) (Session, error) {
	now := s.now().UnixMilli()
	res, err := resolveScript.Run(ctx, s.rdb, []string{sessionKey(d)},
		now, s.cfg.TouchInterval.Milliseconds()).StringSlice()
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: resolve: %w", err)
	}
	if len(res) != 7 {
		return Session{}, fmt.Errorf("session: resolve: unexpected reply of %d fields", len(res))
	}
	return Session{
		User:       User{ID: res[0], Login: res[1]},
		ID:         res[2],
		CreatedAt:  msTime(res[3]),
		LastSeenAt: msTime(res[4]),
		ExpiresAt:  msTime(res[5]),
		UserAgent:  res[6],
	}, nil
}

func msTime(s string) time.Time {
	ms, _ := strconv.ParseInt(s, 10, 64)
	return time.UnixMilli(ms).UTC()
}

// Delete ends the session whose secret id is rawID; ending one that does
// not exist is not an error.
func (s *Store) Delete(ctx context.Context, rawID string) error {
	if len(rawID) != rawIDLen {
		return nil
	}
	d := digest(rawID)
	vals, err := s.rdb.HMGet(ctx, sessionKey(d), "uid", "pid").Result()
	if err != nil {
		return fmt.Errorf("session: delete: %w", err)
	}
	pipe := s.rdb.TxPipeline()
	pipe.Del(ctx, sessionKey(d))
	if uid, ok := vals[0].(string); ok {
		if pid, ok := vals[1].(string); ok {
			pipe.HDel(ctx, indexKey(uid), pid)
		}
	}
	pipe.Publish(ctx, endedChannel, d)
	_, err = pipe.Exec(ctx)
	// Evicted even when Exec failed: the session may be gone from Redis.
	s.cache.evict(d)
	if err != nil {
		return fmt.Errorf("session: delete: %w", err)
	}
	return nil
}

// DeleteByID ends the session with public id publicID if it belongs to
// userID, and otherwise returns ErrNotFound.
func (s *Store) DeleteByID(ctx context.Context, userID, publicID string) error {
	d, err := s.rdb.HGet(ctx, indexKey(userID), publicID).Result()
	if errors.Is(err, redis.Nil) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("session: delete: %w", err)
	}
	pipe := s.rdb.TxPipeline()
	del := pipe.Del(ctx, sessionKey(d))
	pipe.HDel(ctx, indexKey(userID), publicID)
	pipe.Publish(ctx, endedChannel, d)
	_, err = pipe.Exec(ctx)
	s.cache.evict(d)
	if err != nil {
		return fmt.Errorf("session: delete: %w", err)
	}
	if del.Val() == 0 {
		// Listed but already expired: to its owner it was gone.
		return ErrNotFound
	}
	return nil
}

// DeleteAll ends every session of userID and returns how many were live.
func (s *Store) DeleteAll(ctx context.Context, userID string) (int, error) {
	idx, err := s.rdb.HGetAll(ctx, indexKey(userID)).Result()
	if err != nil {
		return 0, fmt.Errorf("session: delete all: %w", err)
	}
	if len(idx) == 0 {
		return 0, nil
	}
	keys := make([]string, 0, len(idx))
	digests := make([]string, 0, len(idx))
	for _, d := range idx {
		keys = append(keys, sessionKey(d))
		digests = append(digests, d)
	}
	pipe := s.rdb.TxPipeline()
	del := pipe.Del(ctx, keys...)
	// Only the fields read are removed: a session created meanwhile (a
	// sign-in racing this) stays listed and alive.
	fields := make([]string, 0, len(idx))
	for pid := range idx {
		fields = append(fields, pid)
	}
	pipe.HDel(ctx, indexKey(userID), fields...)
	pipe.Publish(ctx, endedChannel, strings.Join(digests, " "))
	_, err = pipe.Exec(ctx)
	s.cache.evict(digests...)
	if err != nil {
		return 0, fmt.Errorf("session: delete all: %w", err)
	}
	return int(del.Val()), nil
}

// List returns userID's live sessions, most recently used first, and
// forgets index entries whose sessions have expired.
func (s *Store) List(ctx context.Context, userID string) ([]Session, error) {
	idx, err := s.rdb.HGetAll(ctx, indexKey(userID)).Result()
	if err != nil {
		return nil, fmt.Errorf("session: list: %w", err)
	}
	pids := make([]string, 0, len(idx))
	for pid := range idx {
		pids = append(pids, pid)
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(pids))
	for i, pid := range pids {
		cmds[i] = pipe.HGetAll(ctx, sessionKey(idx[pid]))
	}
	if len(pids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("session: list: %w", err)
		}
	}
	now := s.now().UnixMilli()
	var stale []string
	out := make([]Session, 0, len(pids))
	for i, pid := range pids {
		f := cmds[i].Val()
		seen, _ := strconv.ParseInt(f["seen"], 10, 64)
		exp, _ := strconv.ParseInt(f["exp"], 10, 64)
		idle, _ := strconv.ParseInt(f["idle"], 10, 64)
		if len(f) == 0 || f["uid"] != userID || now >= exp || now >= seen+idle {
			stale = append(stale, pid)
			continue
		}
		out = append(out, Session{
			ID:         pid,
			User:       User{ID: f["uid"], Login: f["login"]},
			CreatedAt:  msTime(f["created"]),
			LastSeenAt: msTime(f["seen"]),
			ExpiresAt:  msTime(f["exp"]),
			UserAgent:  f["ua"],
		})
	}
	if len(stale) > 0 {
		// Housekeeping only; a failure here leaves entries List skips anyway.
		_ = s.rdb.HDel(ctx, indexKey(userID), stale...).Err()
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].LastSeenAt.Equal(out[j].LastSeenAt) {
			return out[i].LastSeenAt.After(out[j].LastSeenAt)
		}
		return out[i].CreatedAt.After(out[j].CreatedAt)
	})
	return out, nil
}
