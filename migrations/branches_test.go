package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/migrations"
	"github.com/archstudio/studio/shared/testkit"
)

// TestBranchesBackfill: 00004 turns the linear chats written before it into
// one branch each, shown to its last message, and indexes their content.
func TestBranchesBackfill(t *testing.T) {
	ctx := context.Background()
	url := testkit.EmptyDatabaseURL(t)
	db, err := migrations.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := migrations.Provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
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
