package quota

import (
	"context"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
)

// TestRebuildAfterFlush: when Redis loses its data, counting continues from
// the record, not from zero, and the limit still holds.
func TestRebuildAfterFlush(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 5, DailyTokens: 1000})
	user := newUser(t, f.pool)
	const date = "2026-11-25"
	for range 3 {
		r, err := f.q.Reserve(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Settle(ctx, 100, 20); err != nil {
			t.Fatal(err)
		}
	}
	open, err := f.q.Reserve(ctx, user) // in flight across the flush
	if err != nil {
		t.Fatal(err)
	}
	if err := f.rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}

	if _, err := f.q.Reserve(ctx, user); err != nil {
		t.Fatal(err)
	}
	if calls, tokens := counters(t, f.rdb, user, date); calls != "5" || tokens != "360" {
		t.Fatalf("after the flush redis holds %s calls %s tokens, want 5 and 360 (from the record)", calls, tokens)
	}
	_, err = f.q.Reserve(ctx, user)
	if apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Fatalf("sixth call of five: %v, want quota_exceeded", err)
	}
	if err := open.Settle(ctx, 30, 10); err != nil {
		t.Fatal(err)
	}
	if calls, tokens := recorded(t, f.pool, user, date); calls != 5 || tokens != 400 {
		t.Errorf("record holds %d calls %d tokens, want 5 and 400", calls, tokens)
	}
	if calls, tokens := counters(t, f.rdb, user, date); calls != "5" || tokens != "400" {
		t.Errorf("redis holds %s calls %s tokens, want 5 and 400", calls, tokens)
	}

	// A flush of only the cached limits reloads them, keeping the counts.
	if err := f.rdb.Del(ctx, "quota:{"+user+"}:limits").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Reserve(ctx, user); apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Fatalf("after the limits expired: %v, want quota_exceeded", err)
	}
}

// TestRebuildHealsInFlightReservation: a reservation between its Redis step
// and its PostgreSQL step when Redis is flushed is missed by the rebuild,
// which reads the record first; the rebuilt mark makes later writes raise
// Redis to the record's totals, so the count heals instead of staying one
// low for the rest of the day.
func TestRebuildHealsInFlightReservation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 10, DailyTokens: 1000})
	user := newUser(t, f.pool)
	const date = "2026-11-25"
	for range 2 {
		if _, err := f.q.Reserve(ctx, user); err != nil {
			t.Fatal(err)
		}
	}
	day := Day(f.clock.Now())
	k := keysFor(user, day)

	// A passes step 1 (Redis) ...
	res, err := reserveScript.Run(ctx, f.rdb, k.all(), 10, 1000).Int64Slice()
	if err != nil || res[0] != reserveAdmitted {
		t.Fatalf("step 1: %v %v", res, err)
	}
	// ... Redis is flushed, B rebuilds from the record (2 calls, A not yet
	// in it) and is admitted ...
	if err := f.rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Reserve(ctx, user); err != nil {
		t.Fatal(err)
	}
	// ... and only then A records its call.
	a, err := f.q.record(ctx, user, day, k, res[3] == 1)
	if err != nil {
		t.Fatal(err)
	}
	if calls, _ := counters(t, f.rdb, user, date); calls != "3" {
		t.Fatalf("redis holds %s calls before healing; the scenario did not happen", calls)
	}
	if calls, _ := recorded(t, f.pool, user, date); calls != 4 {
		t.Fatalf("record holds %d calls, want 4", calls)
	}
	if err := a.Settle(ctx, 10, 5); err != nil {
		t.Fatal(err)
	}
	if calls, tokens := counters(t, f.rdb, user, date); calls != "4" || tokens != "15" {
		t.Errorf("after A settled redis holds %s calls %s tokens, want 4 and 15", calls, tokens)
	}
	// A later reservation in the window raises too (nothing to heal now).
	if _, err := f.q.Reserve(ctx, user); err != nil {
		t.Fatal(err)
	}
	if calls, _ := counters(t, f.rdb, user, date); calls != "5" {
		t.Errorf("redis holds %s calls, want 5", calls)
	}
}
