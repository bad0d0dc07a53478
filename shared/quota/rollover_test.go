package quota

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/apperr"
)

// TestDayRollover: days run in UTC and the date is part of the key, so at
// 00:00 UTC the count starts from zero with no reset job; a call admitted
// before midnight and settled after it stays on its own day.
func TestDayRollover(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 2, DailyTokens: 1000})
	user := newUser(t, f.pool)

	// 01:59:59 in UTC+2 is still the 25th's 23:59:59 UTC.
	f.clock.SetTime(time.Date(2026, 11, 26, 1, 59, 59, 0, time.FixedZone("UTC+2", 2*3600)))
	late, err := f.q.Reserve(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Reserve(ctx, user); err != nil {
		t.Fatal(err)
	}
	_, err = f.q.Reserve(ctx, user)
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.QuotaExceeded {
		t.Fatalf("third call on the 25th: %v, want quota_exceeded", err)
	}
	if e.RetryAfter != time.Second || e.Details["resets_at"] != "2026-11-26T00:00:00Z" {
		t.Fatalf("retry after %s, resets_at %v; want 1s and 2026-11-26T00:00:00Z", e.RetryAfter, e.Details["resets_at"])
	}

	steps := []struct {
		now      string
		wantErr  bool
		wantDays map[string][2]int64 // date → calls, tokens in the record
	}{
		{"2026-11-25T23:59:59Z", true, map[string][2]int64{"2026-11-25": {2, 0}}},
		{"2026-11-26T00:00:00Z", false, map[string][2]int64{"2026-11-25": {2, 0}, "2026-11-26": {1, 0}}},
		{"2026-11-26T23:00:00Z", false, map[string][2]int64{"2026-11-25": {2, 0}, "2026-11-26": {2, 0}}},
		{"2026-11-26T23:59:59Z", true, map[string][2]int64{"2026-11-26": {2, 0}}},
		{"2026-11-27T00:00:01Z", false, map[string][2]int64{"2026-11-26": {2, 0}, "2026-11-27": {1, 0}}},
	}
	for _, s := range steps {
		f.clock.Set(s.now)
		_, err := f.q.Reserve(ctx, user)
		if (err != nil) != s.wantErr {
			t.Fatalf("at %s: Reserve error %v, want error %v", s.now, err, s.wantErr)
		}
		for date, want := range s.wantDays {
			if calls, tokens := recorded(t, f.pool, user, date); calls != want[0] || tokens != want[1] {
				t.Errorf("at %s: %s recorded %d calls %d tokens, want %v", s.now, date, calls, tokens, want)
			}
		}
	}

	// The 25th's late call ends on the 27th's clock: its tokens go to the
	// 25th, in the record and in the 25th's counters.
	if err := late.Settle(ctx, 70, 30); err != nil {
		t.Fatal(err)
	}
	if calls, tokens := recorded(t, f.pool, user, "2026-11-25"); calls != 2 || tokens != 100 {
		t.Errorf("25th recorded %d calls %d tokens, want 2 and 100", calls, tokens)
	}
	if _, tokens := recorded(t, f.pool, user, "2026-11-27"); tokens != 0 {
		t.Errorf("27th recorded %d tokens of the 25th's call", tokens)
	}

	// Old days' counters expire by themselves a day after their day ends:
	// no pruning job.
	ttl, err := f.rdb.PTTL(ctx, "quota:{"+user+"}:2026-11-27").Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := 48*time.Hour - time.Second; ttl <= 0 || ttl > want {
		t.Errorf("the 27th's counters expire in %s, want (0, %s]", ttl, want)
	}
}
