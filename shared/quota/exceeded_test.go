package quota

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
)

// TestQuotaExceededResponse: a refusal written with apperr.Write is 429
// {"error":{"code":"quota_exceeded","message","resource","limit","used","resets_at"}}
// with Retry-After in seconds until the next 00:00 UTC.
func TestQuotaExceededResponse(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		now       string
		overrides Overrides
		settle    int64 // tokens per admitted call
		calls     int   // admitted before the refusal
		wantRes   string
		wantLimit float64
		wantUsed  float64
		wantRetry string
	}{
		{"calls", "2026-11-25T18:30:00Z", Overrides{DailyCalls: ptr(2)}, 0, 2, "api_calls", 2, 2, "19800"},
		{"tokens", "2026-11-25T23:59:30Z", Overrides{DailyTokens: ptr(100)}, 60, 2, "tokens", 100, 120, "30"},
		{"just after midnight", "2026-11-26T00:00:00Z", Overrides{DailyCalls: ptr(1)}, 0, 1, "api_calls", 1, 1, "86400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Limits{DailyCalls: 50, DailyTokens: 1000})
			f.clock.Set(tt.now)
			user := newUser(t, f.pool)
			if err := f.q.SetOverrides(ctx, user, tt.overrides); err != nil {
				t.Fatal(err)
			}
			for range tt.calls {
				r, err := f.q.Reserve(ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				if err := r.Settle(ctx, tt.settle, 0); err != nil {
					t.Fatal(err)
				}
			}
			_, err := f.q.Reserve(ctx, user)
			if err == nil {
				t.Fatal("over the limit and admitted")
			}
			rec := httptest.NewRecorder()
			apperr.Write(rec, httptest.NewRequest(http.MethodPost, "/api/chats/x/messages", nil), err)

			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("status %d, want 429", rec.Code)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.wantRetry {
				t.Errorf("Retry-After %q, want %q", got, tt.wantRetry)
			}
			var body struct {
				Error map[string]any `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			e := body.Error
			resets := ResetsAt(f.clock.Now()).Format("2006-01-02T15:04:05Z07:00")
			if e["code"] != "quota_exceeded" || e["resource"] != tt.wantRes || e["limit"] != tt.wantLimit || e["used"] != tt.wantUsed || e["resets_at"] != resets {
				t.Errorf("error = %v, want quota_exceeded resource %s limit %v used %v resets_at %s", e, tt.wantRes, tt.wantLimit, tt.wantUsed, resets)
			}
			if m, _ := e["message"].(string); m == "" {
				t.Errorf("no message in %v", e)
			}
		})
	}
}
