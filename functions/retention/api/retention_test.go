package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// seed makes, for a user with retentionDays (0 = no preference), one chat
// per age in days, each with a message and an artifact, and returns the
// chat ids.
func seed(t *testing.T, pool *pgxpool.Pool, store *chatstore.Store, name string, retentionDays int, now time.Time, ages ...float64) []string {
	t.Helper()
	ctx := context.Background()
	var user string
	if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ($1) RETURNING id::text`, name).Scan(&user); err != nil {
		t.Fatal(err)
	}
	if retentionDays > 0 {
		if _, err := pool.Exec(ctx, `INSERT INTO user_preferences (user_id, document, schema_version)
			VALUES ($1, jsonb_build_object('retention_days', $2::int), 2)`, user, retentionDays); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, age := range ages {
		c, err := store.CreateChat(ctx, user, "")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := store.InsertMessage(ctx, user, c.ID, chatstore.RoleAssistant, "x", chatstore.StatusComplete)
		if _, err := store.SaveArtifact(ctx, user, c.ID, m.ID, "a", chatstore.TypeMarkdown, "", "", "x"); err != nil {
			t.Fatal(err)
		}
		at := now.Add(-time.Duration(age * float64(24*time.Hour)))
		if _, err := pool.Exec(ctx, `UPDATE chat_sessions SET updated_at = $2 WHERE id = $1`, c.ID, at); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func count(t *testing.T, pool *pgxpool.Pool) (chats, rest int) {
	t.Helper()
	err := pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM chat_sessions),
		(SELECT count(*) FROM messages) + (SELECT count(*) FROM artifacts)`).Scan(&chats, &rest)
	if err != nil {
		t.Fatal(err)
	}
	return
}

// TestRunDeletesBackdatedChats: a 30-day default user, a 3-day user; a
// batch of 2 makes the job loop.
func TestRunDeletesBackdatedChats(t *testing.T) {
	pool := testkit.Pool(t)
	store := chatstore.New(pool)
	now := time.Now()
	seed(t, pool, store, "alice", 0, now, 45, 31, 30.5, 29, 1)
	seed(t, pool, store, "bob", 3, now, 10, 4, 3.1, 2.9, 0)
	h := testkit.ContractHandler(t, New(NewJob(Deps{Store: store, BatchSize: 2, Now: func() time.Time { return now }})))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/internal/retention/run", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var res Result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 6 || !res.Complete {
		t.Fatalf("result %+v, want 6 deleted", res)
	}
	if chats, rest := count(t, pool); chats != 4 || rest != 8 {
		t.Fatalf("left %d chats and %d messages+artifacts, want 4 and 8", chats, rest)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/internal/retention/run", nil))
	if rec.Body.String() != "{\"deleted\":0,\"complete\":true}\n" {
		t.Fatalf("second run: %s", rec.Body)
	}
}

func TestRoutes(t *testing.T) {
	pool := testkit.Pool(t)
	store := chatstore.New(pool)
	h := testkit.ContractHandler(t, New(NewJob(Deps{Store: store, Token: "s3cret"})))
	tests := []struct {
		name, method, path, auth string
		status                   int
	}{
		{"no token", "POST", "/internal/retention/run", "", 401},
		{"wrong token", "POST", "/internal/retention/run", "Bearer nope", 401},
		{"token", "POST", "/internal/retention/run", "Bearer s3cret", 200},
		{"GET", "GET", "/internal/retention/run", "Bearer s3cret", 405},
		{"unknown", "POST", "/internal/other", "Bearer s3cret", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q", ct)
			}
		})
	}
}

// TestRunStopsAtMaxDuration: an exhausted time budget reports an
// incomplete run instead of failing.
func TestRunStopsAtMaxDuration(t *testing.T) {
	pool := testkit.Pool(t)
	store := chatstore.New(pool)
	now := time.Now()
	seed(t, pool, store, "alice", 0, now, 40)
	j := NewJob(Deps{Store: store, MaxDuration: time.Nanosecond})
	res, err := j.Run(context.Background())
	if err != nil || res.Complete {
		t.Fatalf("Run = %+v, %v; want incomplete", res, err)
	}
}

// TestRunPrunesRepositoryContextCache: cached repository contexts older
// than the bound go, in batches; younger ones, and a context cached
// again after the run, stay readable.
func TestRunPrunesRepositoryContextCache(t *testing.T) {
	pool := testkit.Pool(t)
	store := chatstore.New(pool)
	ctx := context.Background()
	now := time.Now()
	ages := map[string]time.Duration{
		"old-1": 30 * 24 * time.Hour, "old-2": 8 * 24 * time.Hour, "old-3": 7*24*time.Hour + time.Minute,
		"young-1": 7*24*time.Hour - time.Minute, "young-2": time.Hour,
	}
	for key, age := range ages {
		if err := store.CacheRepositoryContext(ctx, key, "context of "+key, json.RawMessage(`{"files":1}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE repository_context_cache SET created_at = $2 WHERE cache_key = $1`, key, now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := NewJob(Deps{Store: store, BatchSize: 2, Now: func() time.Time { return now }}).Run(ctx)
	if err != nil || !res.Complete {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	for key, age := range ages {
		text, _, ok, err := store.CachedRepositoryContext(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if want := age < DefaultContextCacheMaxAge; ok != want {
			t.Errorf("%s (%v old): cached %v, want %v", key, age, ok, want)
		}
		if ok && text != "context of "+key {
			t.Errorf("%s: context %q", key, text)
		}
	}

	// A shorter bound, as RETENTION_CONTEXT_CACHE_MAX_AGE sets it.
	if _, err := NewJob(Deps{Store: store, ContextCacheMaxAge: 30 * time.Minute, Now: func() time.Time { return now }}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM repository_context_cache`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d contexts left after a 30-minute bound", left)
	}
}
