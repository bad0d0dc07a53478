package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/migrations"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestUpDownUp applies every migration to an empty database, rolls all of
// them back, and applies them again: each Down must undo its Up exactly.
func TestUpDownUp(t *testing.T) {
	ctx := context.Background()
	url := testkit.EmptyDatabaseURL(t)
	wantTables := []string{"users", "encrypted_tokens", "chat_sessions", "messages", "artifacts", "user_preferences", "usage_daily"}

	steps := []struct {
		name   string
		apply  func(context.Context, string) error
		exists bool
	}{
		{"up", migrations.Up, true},
		{"down", migrations.DownAll, false},
		{"up again", migrations.Up, true},
	}
	for _, step := range steps {
		if err := step.apply(ctx, url); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for _, table := range wantTables {
			if got := tableExists(t, url, table); got != step.exists {
				t.Errorf("after %s: table %s exists = %v, want %v", step.name, table, got, step.exists)
			}
		}
	}
}

// TestCascades checks deleting a user removes everything they own, and
// deleting a chat removes its messages and artifacts.
func TestCascades(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testkit.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var user, chat, msg string
	mustQueryRow(t, conn, &user, `INSERT INTO users (github_id, username) VALUES (1, 'ada') RETURNING id`)
	mustQueryRow(t, conn, &chat, `INSERT INTO chat_sessions (user_id, title) VALUES ($1, 'c') RETURNING id`, user)
	mustQueryRow(t, conn, &msg, `INSERT INTO messages (session_id, role, content) VALUES ($1, 'assistant', 'hi') RETURNING id`, chat)
	mustExec(t, conn, `INSERT INTO artifacts (session_id, message_id, identifier, type, version) VALUES ($1, $2, 'a', 'text/markdown', 1)`, chat, msg)
	mustExec(t, conn, `INSERT INTO user_preferences (user_id) VALUES ($1)`, user)
	mustExec(t, conn, `INSERT INTO encrypted_tokens (user_id, key_id, encrypted_token, nonce) VALUES ($1, 'k1', '\x00', '\x000000000000000000000000')`, user)
	mustExec(t, conn, `SELECT * FROM increment_usage($1, current_date, 1, 10)`, user)

	mustExec(t, conn, `DELETE FROM chat_sessions WHERE id = $1`, chat)
	for _, table := range []string{"messages", "artifacts"} {
		if n := count(t, conn, table); n != 0 {
			t.Errorf("after chat delete: %s has %d rows", table, n)
		}
	}
	mustExec(t, conn, `DELETE FROM users WHERE id = $1`, user)
	for _, table := range []string{"user_preferences", "encrypted_tokens", "usage_daily"} {
		if n := count(t, conn, table); n != 0 {
			t.Errorf("after user delete: %s has %d rows", table, n)
		}
	}
}

// TestIncrementUsage checks the SQL increment adds atomically and never
// goes below zero when a reservation is returned.
func TestIncrementUsage(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testkit.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var user string
	mustQueryRow(t, conn, &user, `INSERT INTO users (github_id, username) VALUES (2, 'bob') RETURNING id`)
	tests := []struct {
		calls, tokens         int
		wantCalls, wantTokens int64
	}{
		{1, 0, 1, 0},
		{0, 150, 1, 150},
		{1, 50, 2, 200},
		{-5, 0, 0, 200},
	}
	for _, tt := range tests {
		var calls, tokens int64
		if err := conn.QueryRow(ctx, `SELECT api_calls, tokens_used FROM increment_usage($1, '2026-01-01', $2, $3)`, user, tt.calls, tt.tokens).Scan(&calls, &tokens); err != nil {
			t.Fatal(err)
		}
		if calls != tt.wantCalls || tokens != tt.wantTokens {
			t.Errorf("increment(%d,%d) = (%d,%d), want (%d,%d)", tt.calls, tt.tokens, calls, tokens, tt.wantCalls, tt.wantTokens)
		}
	}
}

func tableExists(t *testing.T, url, table string) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var ok bool
	mustQueryRow(t, conn, &ok, `SELECT to_regclass($1) IS NOT NULL`, "public."+table)
	return ok
}

func count(t *testing.T, conn *pgx.Conn, table string) int {
	t.Helper()
	var n int
	mustQueryRow(t, conn, &n, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize())
	return n
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func mustQueryRow(t *testing.T, conn *pgx.Conn, dst any, sql string, args ...any) {
	t.Helper()
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(dst); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
