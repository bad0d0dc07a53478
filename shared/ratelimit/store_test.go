package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sethvargo/go-limiter"

	"github.com/archstudio/studio/shared/ratelimit"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newStore(t *testing.T, rdb *redis.Client, tokens uint64, interval time.Duration) *ratelimit.Store {
	t.Helper()
	s, err := ratelimit.NewStore(rdb, ratelimit.Config{Tokens: tokens, Interval: interval})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTake(t *testing.T) {
	ctx := context.Background()
	url := testkit.RedisURL(t)
	// Two clients stand for two processes sharing the count.
	var stores []*ratelimit.Store
	for range 2 {
		opts, _ := redis.ParseURL(url)
		rdb := redis.NewClient(opts)
		t.Cleanup(func() { rdb.Close() })
		stores = append(stores, newStore(t, rdb, 3, 400*time.Millisecond))
	}
	start := time.Now()
	for i := range 3 {
		limit, remaining, reset, ok, err := stores[i%2].Take(ctx, "k")
		if err != nil || !ok || limit != 3 || remaining != uint64(2-i) {
			t.Fatalf("take %d = %d %d %v %v", i, limit, remaining, ok, err)
		}
		resetAt := time.Unix(0, int64(reset))
		if resetAt.Before(start) || resetAt.After(start.Add(time.Second)) {
			t.Fatalf("reset %s not within the interval", resetAt)
		}
	}
	if _, remaining, _, ok, err := stores[1].Take(ctx, "k"); ok || remaining != 0 || err != nil {
		t.Fatalf("fourth take allowed: %v %v", ok, err)
	}
	if _, _, _, ok, _ := stores[0].Take(ctx, "other"); !ok {
		t.Fatal("another key was limited")
	}
	if limit, remaining, err := stores[0].Get(ctx, "k"); err != nil || limit != 3 || remaining != 0 {
		t.Fatalf("get = %d %d %v", limit, remaining, err)
	}
	testkit.Eventually(t, 5*time.Second, func() bool {
		_, remaining, err := stores[0].Get(ctx, "k")
		return err == nil && remaining == 3
	}, "the bucket refilled")
	if _, remaining, _, ok, _ := stores[0].Take(ctx, "k"); !ok || remaining != 2 {
		t.Fatalf("bucket did not refill: %v %d", ok, remaining)
	}
}

func TestConcurrentTakesNeverOverspend(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, testkit.Redis(t), 25, time.Minute)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		granted int
	)
	for range 100 {
		wg.Go(func() {
			if _, _, _, ok, err := s.Take(ctx, "k"); ok && err == nil {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if granted != 25 {
		t.Fatalf("granted %d, want exactly 25", granted)
	}
}

func TestSetBurstClose(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, testkit.Redis(t), 2, time.Minute)
	if err := s.Set(ctx, "vip", 5, time.Minute); err != nil {
		t.Fatal(err)
	}
	if limit, remaining, err := s.Get(ctx, "vip"); err != nil || limit != 5 || remaining != 5 {
		t.Fatalf("get after set = %d %d %v", limit, remaining, err)
	}
	s.Take(ctx, "k")
	s.Take(ctx, "k")
	if _, _, _, ok, _ := s.Take(ctx, "k"); ok {
		t.Fatal("over limit allowed")
	}
	if err := s.Burst(ctx, "k", 1); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok, _ := s.Take(ctx, "k"); !ok {
		t.Fatal("burst token not granted")
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok, err := s.Take(ctx, "fresh"); ok || !errors.Is(err, limiter.ErrStopped) {
		t.Fatalf("take after close = %v %v", ok, err)
	}
}
