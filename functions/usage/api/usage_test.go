package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestGetUsage runs GET /api/usage behind the real session middleware on
// real PostgreSQL and Redis.
func TestGetUsage(t *testing.T) {
	ctx := context.Background()
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	now := time.Date(2026, 11, 25, 21, 15, 0, 0, time.UTC)
	q := quota.New(pool, rdb, quota.Options{Defaults: quota.Limits{DailyCalls: 200, DailyTokens: 2000000}, Clock: func() time.Time { return now }})
	h := testkit.ContractHandler(t, New(Deps{Usage: q, Authenticate: session.NewStore(rdb, session.Config{}).Middleware}))

	alice, aliceCookie := testkit.SignIn(t, pool, rdb, "alice")
	_, bobCookie := testkit.SignIn(t, pool, rdb, "bob")
	gone, goneCookie := testkit.SignIn(t, pool, rdb, "gone")
	if _, err := pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	if err := q.SetOverrides(ctx, alice, quota.Overrides{DailyCalls: ptr(50)}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r, err := q.Reserve(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Settle(ctx, 1200, 300); err != nil {
			t.Fatal(err)
		}
	}
	bogus := &http.Cookie{Name: session.CookieName, Value: "not-a-session"}

	tests := []struct {
		name       string
		method     string
		path       string
		cookie     *http.Cookie
		wantStatus int
		wantCode   string // error code, for errors
		wantCalls  int64
		wantTokens int64
		wantLimits quota.Limits
	}{
		{"signed in with usage", http.MethodGet, "/api/usage", aliceCookie, 200, "", 3, 4500, quota.Limits{DailyCalls: 50, DailyTokens: 2000000}},
		{"signed in without usage", http.MethodGet, "/api/usage", bobCookie, 200, "", 0, 0, quota.Limits{DailyCalls: 200, DailyTokens: 2000000}},
		{"no cookie", http.MethodGet, "/api/usage", nil, 401, "unauthenticated", 0, 0, quota.Limits{}},
		{"unknown session", http.MethodGet, "/api/usage", bogus, 401, "unauthenticated", 0, 0, quota.Limits{}},
		{"user deleted", http.MethodGet, "/api/usage", goneCookie, 401, "unauthenticated", 0, 0, quota.Limits{}},
		{"wrong method", http.MethodPost, "/api/usage", aliceCookie, 405, "method_not_allowed", 0, 0, quota.Limits{}},
		{"unknown route", http.MethodGet, "/api/usage/extra", aliceCookie, 404, "not_found", 0, 0, quota.Limits{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.cookie != nil {
				req.AddCookie(tt.cookie)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantCode != "" {
				var body struct{ Error struct{ Code string } }
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != tt.wantCode {
					t.Fatalf("body %s, want code %s", rec.Body, tt.wantCode)
				}
				return
			}
			if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("Cache-Control %q", cc)
			}
			var got struct {
				Today struct {
					Date       string `json:"date"`
					APICalls   int64  `json:"api_calls"`
					TokensUsed int64  `json:"tokens_used"`
				} `json:"today"`
				Limits   quota.Limits `json:"limits"`
				ResetsAt string       `json:"resets_at"`
				History  []struct {
					Date       string `json:"date"`
					APICalls   int64  `json:"api_calls"`
					TokensUsed int64  `json:"tokens_used"`
				} `json:"history"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if got.Today.Date != "2026-11-25" || got.Today.APICalls != tt.wantCalls || got.Today.TokensUsed != tt.wantTokens {
				t.Errorf("today = %+v, want 2026-11-25 with %d calls %d tokens", got.Today, tt.wantCalls, tt.wantTokens)
			}
			if got.Limits != tt.wantLimits {
				t.Errorf("limits = %+v, want %+v", got.Limits, tt.wantLimits)
			}
			if got.ResetsAt != "2026-11-26T00:00:00Z" {
				t.Errorf("resets_at = %s", got.ResetsAt)
			}
			if len(got.History) != 30 || got.History[0].Date != "2026-11-25" || got.History[29].Date != "2026-10-27" {
				t.Fatalf("history = %+v", got.History)
			}
			if got.History[0].APICalls != tt.wantCalls {
				t.Errorf("history[0] = %+v", got.History[0])
			}
		})
	}
}

func ptr(v int64) *int64 { return &v }
