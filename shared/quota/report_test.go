package quota

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestReport: today's figures, the limits that apply, the next reset and
// the last 30 days newest first, zeros included; read from the record.
func TestReport(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Limits{DailyCalls: 200, DailyTokens: 2000000})
	user := newUser(t, f.pool)
	other := newUser(t, f.pool)
	if err := f.q.SetOverrides(ctx, user, Overrides{DailyTokens: ptr(5000)}); err != nil {
		t.Fatal(err)
	}
	use := func(who, now string, calls int, tokens int64) {
		t.Helper()
		f.clock.Set(now)
		for range calls {
			r, err := f.q.Reserve(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Settle(ctx, tokens, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	use(user, "2026-10-26T10:00:00Z", 4, 10) // 30 days before the 25th: out of range
	use(user, "2026-10-27T10:00:00Z", 1, 7)  // the oldest day shown
	use(user, "2026-11-20T08:00:00Z", 2, 50)
	use(user, "2026-11-25T09:00:00Z", 3, 100)
	use(other, "2026-11-25T09:00:00Z", 9, 9)

	f.clock.Set("2026-11-25T21:15:00Z")
	rep, err := f.q.Report(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Today != (DayUsage{Date: "2026-11-25", APICalls: 3, TokensUsed: 300}) {
		t.Errorf("today = %+v", rep.Today)
	}
	if rep.Limits != (Limits{DailyCalls: 200, DailyTokens: 5000}) {
		t.Errorf("limits = %+v", rep.Limits)
	}
	if !rep.ResetsAt.Equal(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("resets_at = %s", rep.ResetsAt)
	}
	if len(rep.History) != HistoryDays {
		t.Fatalf("history has %d days, want %d", len(rep.History), HistoryDays)
	}
	want := map[int]DayUsage{
		0:  {Date: "2026-11-25", APICalls: 3, TokensUsed: 300},
		1:  {Date: "2026-11-24"},
		5:  {Date: "2026-11-20", APICalls: 2, TokensUsed: 100},
		29: {Date: "2026-10-27", APICalls: 1, TokensUsed: 7},
	}
	for i, w := range want {
		if rep.History[i] != w {
			t.Errorf("history[%d] = %+v, want %+v", i, rep.History[i], w)
		}
	}
	var sum int64
	for i, d := range rep.History {
		sum += d.APICalls
		if i > 0 && d.Date >= rep.History[i-1].Date {
			t.Errorf("history not newest first at %d: %s after %s", i, d.Date, rep.History[i-1].Date)
		}
	}
	if sum != 6 {
		t.Errorf("history holds %d calls, want 6", sum)
	}
	b, _ := json.Marshal(rep)
	var wire map[string]any
	_ = json.Unmarshal(b, &wire)
	if wire["resets_at"] != "2026-11-26T00:00:00Z" {
		t.Errorf("resets_at on the wire = %v", wire["resets_at"])
	}
}
