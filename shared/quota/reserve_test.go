package quota

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/apperr"
)

// TestEveryCallCounts: each reservation is one call on (user, UTC date) in
// the record and in Redis before Reserve returns; Settle adds input plus
// output tokens; Release takes the call back out of both.
func TestEveryCallCounts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 10, DailyTokens: 1000})
	user := newUser(t, f.pool)
	const date = "2026-11-25"

	type step struct {
		name       string
		do         func(t *testing.T)
		wantCalls  int64
		wantTokens int64
	}
	var res []*Reservation
	reserve := func(t *testing.T) {
		r, err := f.q.Reserve(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if r.Day() != date || r.UserID() != user {
			t.Fatalf("reservation for %s on %s", r.UserID(), r.Day())
		}
		res = append(res, r)
	}
	steps := []step{
		{"first reservation is recorded at once", reserve, 1, 0},
		{"second", reserve, 2, 0},
		{"settle adds input plus output tokens", func(t *testing.T) {
			if err := res[0].Settle(ctx, 120, 30); err != nil {
				t.Fatal(err)
			}
		}, 2, 150},
		{"settling twice is refused and counts nothing", func(t *testing.T) {
			if err := res[0].Settle(ctx, 120, 30); !errors.Is(err, ErrFinished) {
				t.Fatalf("second Settle = %v, want ErrFinished", err)
			}
		}, 2, 150},
		{"release after settle does nothing", func(t *testing.T) {
			if err := res[0].Release(ctx); err != nil {
				t.Fatal(err)
			}
		}, 2, 150},
		{"release returns the call", func(t *testing.T) {
			if err := res[1].Release(ctx); err != nil {
				t.Fatal(err)
			}
		}, 1, 150},
		{"releasing twice returns it once", func(t *testing.T) {
			if err := res[1].Release(ctx); err != nil {
				t.Fatal(err)
			}
		}, 1, 150},
		{"upper-case id counts on the same user", func(t *testing.T) {
			r, err := f.q.Reserve(ctx, upper(user))
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Settle(ctx, 5, -3); err != nil {
				t.Fatal(err)
			}
		}, 2, 155},
		{"settle on a cancelled context still records", func(t *testing.T) {
			r, err := f.q.Reserve(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := r.Settle(cctx, 40, 5); err != nil {
				t.Fatal(err)
			}
		}, 3, 200},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do(t)
			calls, tokens := recorded(t, f.pool, user, date)
			if calls != s.wantCalls || tokens != s.wantTokens {
				t.Errorf("record = %d calls, %d tokens; want %d, %d", calls, tokens, s.wantCalls, s.wantTokens)
			}
			rc, rt := counters(t, f.rdb, user, date)
			if rc != itoa(s.wantCalls) || rt != itoa(s.wantTokens) {
				t.Errorf("redis = %s calls, %s tokens; want %d, %d", rc, rt, s.wantCalls, s.wantTokens)
			}
		})
	}
}

// TestLimitsAndOverrides: the configured defaults apply to users without
// overrides (NULL); an override replaces its default and applies at once
// (SetOverrides drops the cached limits); the token limit refuses a call
// once today's tokens reach it.
func TestLimitsAndOverrides(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		overrides Overrides
		tokensPer int64 // settled per admitted call
		admitted  int
		wantLimit int64
		wantUsed  int64
	}{
		{"default call limit", Overrides{}, 0, 3, 3, 3},
		{"call override", Overrides{DailyCalls: ptr(5)}, 0, 5, 5, 5},
		{"zero calls allowed", Overrides{DailyCalls: ptr(0)}, 0, 0, 0, 0},
		{"default token limit", Overrides{DailyCalls: ptr(100)}, 400, 3, 1000, 1200},
		{"token override", Overrides{DailyTokens: ptr(500)}, 250, 2, 500, 500},
		{"token override under usage of one call", Overrides{DailyCalls: ptr(100), DailyTokens: ptr(10)}, 11, 1, 10, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Limits{DailyCalls: 3, DailyTokens: 1000})
			user := newUser(t, f.pool)
			// Warm the limits cache with the defaults first, so the test
			// also shows SetOverrides taking effect at once.
			warm, err := f.q.Reserve(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			if err := warm.Release(ctx); err != nil {
				t.Fatal(err)
			}
			if err := f.q.SetOverrides(ctx, user, tt.overrides); err != nil {
				t.Fatal(err)
			}
			admitted := 0
			var refusal error
			for range 20 {
				r, err := f.q.Reserve(ctx, user)
				if err != nil {
					refusal = err
					break
				}
				admitted++
				if err := r.Settle(ctx, tt.tokensPer, 0); err != nil {
					t.Fatal(err)
				}
			}
			if admitted != tt.admitted {
				t.Fatalf("admitted %d calls, want %d", admitted, tt.admitted)
			}
			var e *apperr.Error
			if !errors.As(refusal, &e) || e.Code != apperr.QuotaExceeded || !errors.Is(refusal, ErrExceeded) {
				t.Fatalf("refusal = %v, want quota_exceeded", refusal)
			}
			if e.Details["limit"] != tt.wantLimit || e.Details["used"] != tt.wantUsed {
				t.Errorf("details = %v, want limit %d used %d", e.Details, tt.wantLimit, tt.wantUsed)
			}
			lim, err := f.q.Limits(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			want := Limits{DailyCalls: 3, DailyTokens: 1000}
			if tt.overrides.DailyCalls != nil {
				want.DailyCalls = *tt.overrides.DailyCalls
			}
			if tt.overrides.DailyTokens != nil {
				want.DailyTokens = *tt.overrides.DailyTokens
			}
			if lim != want {
				t.Errorf("Limits = %+v, want %+v", lim, want)
			}
		})
	}
}

// TestReserveErrors: bad or unknown users are Unauthenticated; an
// unreachable Redis refuses the call as Unavailable (never lets it through
// uncounted) and records nothing.
func TestReserveErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 3, DailyTokens: 1000})
	user := newUser(t, f.pool)
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { dead.Close() })
	deadRedis := New(f.pool, dead, Options{Defaults: Limits{DailyCalls: 3, DailyTokens: 1000}, Clock: f.clock.Now})
	tests := []struct {
		name string
		q    *Quota
		user string
		want apperr.Code
	}{
		{"not a uuid", f.q, "alice", apperr.Unauthenticated},
		{"no such user", f.q, "00000000-0000-4000-8000-000000000000", apperr.Unauthenticated},
		{"redis unreachable", deadRedis, user, apperr.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.q.Reserve(ctx, tt.user)
			if r != nil || apperr.CodeOf(err) != tt.want {
				t.Fatalf("Reserve = %v, %v; want %s", r, err, tt.want)
			}
		})
	}
	if calls, _ := recorded(t, f.pool, user, "2026-11-25"); calls != 0 {
		t.Fatalf("refused reservations recorded %d calls", calls)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
