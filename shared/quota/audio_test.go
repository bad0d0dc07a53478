package quota

import (
	"context"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
)

// TestAddAudio: audio seconds add up per user and day beside the calls
// and tokens, without touching them, and show in the report.
func TestAddAudio(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 200, DailyTokens: 2000000})
	user := newUser(t, f.pool)
	other := newUser(t, f.pool)
	f.clock.Set("2026-11-25T09:00:00Z")
	r, err := f.q.Reserve(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Settle(ctx, 40, 2); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		who     string
		at      string
		in, out float64
	}{
		{user, "2026-11-25T09:01:00Z", 2.5, 0},
		{user, "2026-11-25T09:02:00Z", 0, 7.25},
		{user, "2026-11-25T09:03:00Z", 0.0004, 0}, // rounds to nothing
		{user, "2026-11-24T23:59:00Z", 99, 99},    // another day
		{other, "2026-11-25T09:00:00Z", 5, 5},
	}
	for _, s := range steps {
		f.clock.Set(s.at)
		if err := f.q.AddAudio(ctx, s.who, s.in, s.out); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Set("2026-11-25T10:00:00Z")
	rep, err := f.q.Report(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	want := DayUsage{Date: "2026-11-25", APICalls: 1, TokensUsed: 42, AudioInSeconds: 2.5, AudioOutSeconds: 7.25}
	if rep.Today != want {
		t.Errorf("today = %+v, want %+v", rep.Today, want)
	}
	if y := rep.History[1]; y.AudioInSeconds != 99 || y.APICalls != 0 {
		t.Errorf("yesterday = %+v", y)
	}
	if err := f.q.AddAudio(ctx, "not-a-user", 1, 1); apperr.CodeOf(err) == "" {
		t.Errorf("bad user id: err = %v", err)
	}
}
