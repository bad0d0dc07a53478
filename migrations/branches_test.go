package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"

	"github.com/archstudio/studio/migrations"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit"
)

// TestBranchesBackfill: 00004 turns the linear chats written before it into
// one branch each, shown to its last message, and indexes their content.
func TestBranchesBackfill(t *testing.T) {
	ctx := context.Background()
	_, p, conn := migratedTo(t, 3)
	var user, chat, empty string
	mustQueryRow(t, conn, &user, `INSERT INTO users (username) VALUES ('ada') RETURNING id`)
	mustQueryRow(t, conn, &chat, `INSERT INTO chat_sessions (user_id) VALUES ($1) RETURNING id`, user)
	mustQueryRow(t, conn, &empty, `INSERT INTO chat_sessions (user_id) VALUES ($1) RETURNING id`, user)
	ids := make([]string, 3)
	for i, content := range []string{"Which queue?", "Use SQS queues.", "Why?"} {
		role := []string{"user", "assistant", "user"}[i]
		mustQueryRow(t, conn, &ids[i], `INSERT INTO messages (session_id, role, content) VALUES ($1, $2, $3) RETURNING id`, chat, role, content)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		var parent *string
		mustQueryRow(t, conn, &parent, `SELECT parent_id::text FROM messages WHERE id = $1`, id)
		if (i == 0) != (parent == nil) || i > 0 && *parent != ids[i-1] {
			t.Fatalf("message %d: parent %v", i, parent)
		}
	}
	var leaf, emptyLeaf *string
	mustQueryRow(t, conn, &leaf, `SELECT active_leaf_id::text FROM chat_sessions WHERE id = $1`, chat)
	mustQueryRow(t, conn, &emptyLeaf, `SELECT active_leaf_id::text FROM chat_sessions WHERE id = $1`, empty)
	if leaf == nil || *leaf != ids[2] || emptyLeaf != nil {
		t.Fatalf("leaf %v, empty chat's leaf %v", leaf, emptyLeaf)
	}
	var found int
	mustQueryRow(t, conn, &found, `SELECT count(*) FROM messages WHERE search @@ websearch_to_tsquery('english', 'queue')`)
	if found != 2 {
		t.Fatalf("%d messages match 'queue', want 2", found)
	}
}

// TestBranchChoiceBackfill: 00009 keeps the versions each chat shows when
// it runs, so switching away and back to a branch returns to them (and
// not to the newest version).
func TestBranchChoiceBackfill(t *testing.T) {
	ctx := context.Background()
	url, p, conn := migratedTo(t, 8)
	// q ─ a (shown) / b (newer); and an edit of q, e.
	var user, chat, q, a, e string
	mustQueryRow(t, conn, &user, `INSERT INTO users (username) VALUES ('ada') RETURNING id`)
	mustQueryRow(t, conn, &chat, `INSERT INTO chat_sessions (user_id) VALUES ($1) RETURNING id`, user)
	mustQueryRow(t, conn, &q, `INSERT INTO messages (session_id, role, content) VALUES ($1, 'user', 'q') RETURNING id`, chat)
	mustQueryRow(t, conn, &a, `INSERT INTO messages (session_id, parent_id, role, content) VALUES ($1, $2, 'assistant', 'a') RETURNING id`, chat, q)
	mustQueryRow(t, conn, new(string), `INSERT INTO messages (session_id, parent_id, role, content) VALUES ($1, $2, 'assistant', 'b') RETURNING id`, chat, q)
	mustQueryRow(t, conn, &e, `INSERT INTO messages (session_id, role, content) VALUES ($1, 'user', 'e') RETURNING id`, chat)
	if _, err := conn.Exec(ctx, `UPDATE chat_sessions SET active_leaf_id = $2 WHERE id = $1`, chat, a); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	store := chatstore.New(testkit.OpenPool(t, url))
	for _, pick := range []string{e, q} {
		if err := store.SelectBranch(ctx, user, chat, pick); err != nil {
			t.Fatal(err)
		}
	}
	var leaf string
	mustQueryRow(t, conn, &leaf, `SELECT active_leaf_id::text FROM chat_sessions WHERE id = $1`, chat)
	if leaf != a {
		t.Fatalf("back to q shows %s, want the answer shown before the migration (%s)", leaf, a)
	}
}

// migratedTo returns an empty database migrated up to version, the
// provider to migrate it further, and a connection to it, closed when t
// ends.
func migratedTo(t *testing.T, version int64) (string, *goose.Provider, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url := testkit.EmptyDatabaseURL(t)
	db, err := migrations.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	p, err := migrations.Provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) })
	return url, p, conn
}
