package session_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// clock is a settable time source for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var alice = session.User{ID: "00000000-0000-0000-0000-00000000000a", Login: "alice"}

func TestCreateResolve(t *testing.T) {
	rdb := testkit.Redis(t)
	clk := newClock()
	store := session.NewStore(rdb, session.Config{}, session.WithClock(clk.Now))
	ctx := context.Background()

	raw, err := store.Create(ctx, alice, "Firefox/140")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 43 {
		t.Fatalf("secret id %q has length %d, want 43 (256 bits base64url)", raw, len(raw))
	}
	raw2, _ := store.Create(ctx, alice, "Firefox/140")
	if raw2 == raw {
		t.Fatal("two sessions got the same id")
	}

	got, err := store.Resolve(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.User != alice || got.UserAgent != "Firefox/140" || !got.CreatedAt.Equal(clk.Now()) ||
		!got.ExpiresAt.Equal(clk.Now().Add(7*24*time.Hour)) {
		t.Fatalf("resolved %+v", got)
	}
	if got.ID == "" || got.ID == raw {
		t.Fatalf("public id %q must exist and differ from the secret", got.ID)
	}

	// Only the SHA-256 of the secret is a key; the secret appears nowhere.
	sum := sha256.Sum256([]byte(raw))
	keys, _ := rdb.Keys(ctx, "*").Result()
	foundDigest := false
	for _, k := range keys {
		if k == "session:"+hex.EncodeToString(sum[:]) {
			foundDigest = true
		}
		vals, _ := rdb.HGetAll(ctx, k).Result()
		for f, v := range vals {
			if v == raw || f == raw || k == "session:"+raw {
				t.Fatalf("secret id stored in Redis at %s", k)
			}
		}
	}
	if !foundDigest {
		t.Fatalf("no key session:<sha256>; keys %v", keys)
	}

	// The same length with the last character changed (not always to "A":
	// one secret in 64 ends with it).
	changed := raw[:42] + map[bool]string{true: "B", false: "A"}[raw[42] == 'A']
	for _, bad := range []string{"", "short", raw[:42], raw + "x", changed} {
		if _, err := store.Resolve(ctx, bad); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Resolve(%q) err = %v, want ErrNotFound", bad, err)
		}
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // time between uses
		alive bool
	}{
		{"used within idle", []time.Duration{23 * time.Hour}, true},
		{"idle past 24h", []time.Duration{24 * time.Hour}, false},
		{"activity keeps it alive", []time.Duration{20 * time.Hour, 20 * time.Hour, 20 * time.Hour}, true},
		{"absolute 7 days despite activity", []time.Duration{
			20 * time.Hour, 20 * time.Hour, 20 * time.Hour, 20 * time.Hour, 20 * time.Hour,
			20 * time.Hour, 20 * time.Hour, 20 * time.Hour, 20 * time.Hour,
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb := testkit.Redis(t)
			clk := newClock()
			store := session.NewStore(rdb, session.Config{}, session.WithClock(clk.Now))
			ctx := context.Background()
			raw, err := store.Create(ctx, alice, "")
			if err != nil {
				t.Fatal(err)
			}
			var last error
			for _, d := range tt.steps {
				clk.Advance(d)
				_, last = store.Resolve(ctx, raw)
				if last != nil {
					break
				}
			}
			if tt.alive && last != nil {
				t.Fatalf("session ended: %v", last)
			}
			if !tt.alive && !errors.Is(last, session.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", last)
			}
			if !tt.alive {
				if n, _ := rdb.Exists(ctx, "session:"+digest(raw)).Result(); n != 0 {
					t.Fatal("expired session still stored")
				}
			}
		})
	}
}

func digest(raw string) string {
	s := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(s[:])
}

// TestRedisTTL checks Redis itself drops sessions: short real TTLs, no
// injected clock.
func TestRedisTTL(t *testing.T) {
	rdb := testkit.Redis(t)
	store := session.NewStore(rdb, session.Config{AbsoluteTTL: 400 * time.Millisecond, IdleTTL: 200 * time.Millisecond, TouchInterval: 10 * time.Millisecond})
	ctx := context.Background()
	raw, _ := store.Create(ctx, alice, "")
	ttl, _ := rdb.PTTL(ctx, "session:"+digest(raw)).Result()
	if ttl <= 0 || ttl > 200*time.Millisecond {
		t.Fatalf("PTTL = %s, want the idle TTL", ttl)
	}
	key := "session:" + digest(raw)
	for range 3 { // keep it alive past one idle period: touch it just before it would end
		testkit.Eventually(t, 5*time.Second, func() bool {
			ttl, err := rdb.PTTL(ctx, key).Result()
			return err == nil && ttl < 80*time.Millisecond
		}, "the idle TTL running out")
		if _, err := store.Resolve(ctx, raw); err != nil {
			t.Fatalf("active session ended: %v", err)
		}
	}
	// Untouched, it ends at its idle or absolute (400ms) lifetime.
	testkit.Eventually(t, 5*time.Second, func() bool {
		n, err := rdb.Exists(ctx, key).Result()
		return err == nil && n == 0
	}, "Redis dropped the session at the end of its lifetime")
	if _, err := store.Resolve(ctx, raw); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestTouchAtMostOncePerInterval(t *testing.T) {
	rdb := testkit.Redis(t)
	clk := newClock()
	store := session.NewStore(rdb, session.Config{}, session.WithClock(clk.Now))
	ctx := context.Background()
	start := clk.Now()
	raw, _ := store.Create(ctx, alice, "")
	clk.Advance(30 * time.Second)
	s, _ := store.Resolve(ctx, raw)
	if !s.LastSeenAt.Equal(start) {
		t.Fatalf("last seen moved after 30s: %s", s.LastSeenAt)
	}
	clk.Advance(31 * time.Second)
	s, _ = store.Resolve(ctx, raw)
	if !s.LastSeenAt.Equal(clk.Now()) {
		t.Fatalf("last seen %s, want %s", s.LastSeenAt, clk.Now())
	}
}

func TestListAndDelete(t *testing.T) {
	rdb := testkit.Redis(t)
	clk := newClock()
	store := session.NewStore(rdb, session.Config{}, session.WithClock(clk.Now))
	ctx := context.Background()
	bob := session.User{ID: "00000000-0000-0000-0000-00000000000b", Login: "bob"}

	a1, _ := store.Create(ctx, alice, "laptop")
	clk.Advance(time.Minute)
	a2, _ := store.Create(ctx, alice, "phone")
	clk.Advance(time.Minute)
	a3, _ := store.Create(ctx, alice, "tablet")
	b1, _ := store.Create(ctx, bob, "bob's")

	list, err := store.List(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].UserAgent != "tablet" || list[2].UserAgent != "laptop" {
		t.Fatalf("list = %+v", list)
	}

	// Bob cannot end Alice's session by its public id.
	if err := store.DeleteByID(ctx, bob.ID, list[1].ID); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("cross-user delete err = %v", err)
	}
	if err := store.DeleteByID(ctx, alice.ID, list[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Resolve(ctx, a2); !errors.Is(err, session.ErrNotFound) {
		t.Fatal("deleted session still resolves")
	}
	if err := store.DeleteByID(ctx, alice.ID, list[1].ID); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("second delete err = %v", err)
	}

	if err := store.Delete(ctx, a1); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Resolve(ctx, a1); !errors.Is(err, session.ErrNotFound) {
		t.Fatal("deleted session still resolves")
	}
	if err := store.Delete(ctx, a1); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}

	a4, _ := store.Create(ctx, alice, "desktop")
	n, err := store.DeleteAll(ctx, alice.ID)
	if err != nil || n != 2 {
		t.Fatalf("DeleteAll = %d, %v; want 2", n, err)
	}
	for _, raw := range []string{a3, a4} {
		if _, err := store.Resolve(ctx, raw); !errors.Is(err, session.ErrNotFound) {
			t.Fatal("session survived DeleteAll")
		}
	}
	if list, _ := store.List(ctx, alice.ID); len(list) != 0 {
		t.Fatalf("list after DeleteAll = %+v", list)
	}
	if _, err := store.Resolve(ctx, b1); err != nil {
		t.Fatalf("other user's session ended: %v", err)
	}

	// Expired sessions drop out of the listing.
	store.Create(ctx, alice, "old")
	clk.Advance(25 * time.Hour)
	store.Create(ctx, alice, "new")
	list, _ = store.List(ctx, alice.ID)
	if len(list) != 1 || list[0].UserAgent != "new" {
		t.Fatalf("list = %+v", list)
	}
}

func TestRedisDown(t *testing.T) {
	port, _ := testkit.FreePort()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + itoa(port), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	store := session.NewStore(rdb, session.Config{})
	_, err := store.Resolve(context.Background(), "0123456789012345678901234567890123456789012")
	if err == nil || errors.Is(err, session.ErrNotFound) {
		t.Fatalf("err = %v, want a Redis error distinct from ErrNotFound", err)
	}
}
