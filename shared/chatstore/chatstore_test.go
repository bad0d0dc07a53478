package chatstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newUser(t *testing.T, pool *pgxpool.Pool, name string) string {
	t.Helper()
	var id string
	if err := pool.QueryRow(context.Background(),
		`INSERT INTO users (username) VALUES ($1) RETURNING id::text`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// aliceChat is a store on a fresh database with one user, alice, and an
// untitled chat of hers: where most tests of the store begin.
func aliceChat(t *testing.T) (*Store, *pgxpool.Pool, string, Chat) {
	t.Helper()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")
	chat, err := s.CreateChat(context.Background(), alice, "")
	if err != nil {
		t.Fatal(err)
	}
	return s, pool, alice, chat
}

func mustNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrNotFound) || !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("%s: err = %v, want not found", what, err)
	}
}

func mustInvalid(t *testing.T, what, field string, err error) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid || e.Field != field {
		t.Fatalf("%s: err = %v, want invalid %s", what, err, field)
	}
}

func TestChats(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")

	c, err := s.CreateChat(ctx, alice, "  Design review  ")
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Design review" || c.ID == "" || c.CreatedAt.IsZero() || c.UpdatedAt.Location() != time.UTC {
		t.Fatalf("created %+v", c)
	}
	got, err := s.GetChat(ctx, alice, c.ID)
	if err != nil || got != c {
		t.Fatalf("GetChat = %+v, %v; want %+v", got, err, c)
	}
	renamed, err := s.RenameChat(ctx, alice, c.ID, "Renamed")
	if err != nil || renamed.Title != "Renamed" || !renamed.UpdatedAt.Equal(c.UpdatedAt) {
		t.Fatalf("RenameChat = %+v, %v", renamed, err)
	}
	long := string(make([]rune, 201))
	_, err = s.CreateChat(ctx, alice, long)
	mustInvalid(t, "long title", "title", err)
	_, err = s.RenameChat(ctx, alice, c.ID, "a\x00b")
	mustInvalid(t, "NUL title", "title", err)
	if ok, err := s.SetTitleIfEmpty(ctx, alice, c.ID, "other"); ok || err != nil {
		t.Fatalf("SetTitleIfEmpty on titled chat = %v, %v", ok, err)
	}
	empty, _ := s.CreateChat(ctx, alice, "")
	if ok, err := s.SetTitleIfEmpty(ctx, alice, empty.ID, "\n  How do   I shard?\nA long question follows."); !ok || err != nil {
		t.Fatalf("SetTitleIfEmpty = %v, %v", ok, err)
	}
	if got, _ := s.GetChat(ctx, alice, empty.ID); got.Title != "How do I shard?" {
		t.Fatalf("title = %q", got.Title)
	}
	if err := s.DeleteChat(ctx, alice, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetChat(ctx, alice, c.ID)
	mustNotFound(t, "deleted chat", err)
	mustNotFound(t, "delete twice", s.DeleteChat(ctx, alice, c.ID))
	_, err = s.GetChat(ctx, alice, "not-a-uuid")
	mustNotFound(t, "malformed id", err)
}

func TestListChatsPagesAndSearches(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")
	bob := newUser(t, pool, "bob")
	if _, err := s.CreateChat(ctx, bob, "bob's chat"); err != nil {
		t.Fatal(err)
	}
	titles := []string{"alpha", "100% done", "under_score", "back\\slash", "ALPHA two", "beta", "gamma"}
	var ids []string
	base := time.Now().Add(-time.Hour)
	for i, title := range titles {
		c, err := s.CreateChat(ctx, alice, title)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		// Distinct activity times, the last created being the latest; two
		// chats share one time so the id breaks the tie.
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 6 {
			at = base.Add(5 * time.Minute)
		}
		if _, err := pool.Exec(ctx, `UPDATE chat_sessions SET updated_at = $2 WHERE id = $1`, c.ID, at); err != nil {
			t.Fatal(err)
		}
	}

	// Walk all pages of two.
	var seen []Chat
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, err := s.ListChats(ctx, alice, ChatQuery{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, page.Chats...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != len(titles) {
		t.Fatalf("listed %d chats, want %d", len(seen), len(titles))
	}
	for i := 1; i < len(seen); i++ {
		prev, cur := seen[i-1], seen[i]
		if cur.UpdatedAt.After(prev.UpdatedAt) || cur.UpdatedAt.Equal(prev.UpdatedAt) && cur.ID > prev.ID {
			t.Fatalf("not latest first at %d: %+v then %+v", i, prev, cur)
		}
	}
	if seen[len(seen)-1].ID != ids[0] {
		t.Fatalf("oldest chat is %q, want alpha", seen[len(seen)-1].Title)
	}

	search := []struct {
		q    string
		want []string
	}{
		{"alpha", []string{"ALPHA two", "alpha"}},
		{"%", []string{"100% done"}},
		{"_", []string{"under_score"}},
		{"\\", []string{"back\\slash"}},
		{"nothing", nil},
		{"bob", nil},
	}
	for _, tt := range search {
		page, err := s.ListChats(ctx, alice, ChatQuery{Search: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range page.Chats {
			got = append(got, c.Title)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("search %q = %q, want %q", tt.q, got, tt.want)
		}
	}

	for _, bad := range []string{"!!!", "bTo6Mg", encodeMessageCursor(3)} {
		_, err := s.ListChats(ctx, alice, ChatQuery{Cursor: bad})
		mustInvalid(t, "cursor "+bad, "cursor", err)
	}
}

func TestMessages(t *testing.T) {
	ctx := context.Background()
	s, pool, alice, chat := aliceChat(t)
	if _, err := pool.Exec(ctx, `UPDATE chat_sessions SET updated_at = now() - interval '1 day' WHERE id = $1`, chat.ID); err != nil {
		t.Fatal(err)
	}
	before, _ := s.GetChat(ctx, alice, chat.ID)

	var msgs []Message
	for i := 0; i < 5; i++ {
		role := RoleUser
		if i%2 == 1 {
			role = RoleAssistant
		}
		m, err := s.InsertMessage(ctx, alice, chat.ID, role, fmt.Sprintf("m%d", i), StatusComplete)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	after, _ := s.GetChat(ctx, alice, chat.ID)
	if !after.UpdatedAt.After(before.UpdatedAt) {
		t.Fatalf("InsertMessage did not bump updated_at: %v → %v", before.UpdatedAt, after.UpdatedAt)
	}

	_, err := s.InsertMessage(ctx, alice, chat.ID, "system", "x", StatusComplete)
	mustInvalid(t, "role", "role", err)
	_, err = s.InsertMessage(ctx, alice, chat.ID, RoleUser, "x", "done")
	mustInvalid(t, "status", "status", err)

	streaming, err := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateMessage(ctx, alice, streaming.ID, "partial", StatusStreaming, "", 0, 0); err != nil {
		t.Fatal(err)
	}
	_, err = s.FinishMessage(ctx, alice, streaming.ID, "x", StatusStreaming, "m", 1, 1)
	mustInvalid(t, "finish streaming", "status", err)
	done, err := s.FinishMessage(ctx, alice, streaming.ID, "full answer", StatusComplete, "claude-test", 12, 34)
	if err != nil {
		t.Fatal(err)
	}
	if done.Content != "full answer" || done.Status != StatusComplete || done.Model != "claude-test" ||
		done.InputTokens != 12 || done.OutputTokens != 34 || done.ID != streaming.ID {
		t.Fatalf("finished = %+v", done)
	}
	msgs = append(msgs, done)

	hist, err := s.History(ctx, alice, chat.ID, 0)
	if err != nil || len(hist) != 6 {
		t.Fatalf("History = %d msgs, %v", len(hist), err)
	}
	for i := range hist {
		if hist[i].ID != msgs[i].ID {
			t.Fatalf("history[%d] = %s, want %s", i, hist[i].Content, msgs[i].Content)
		}
	}
	last2, _ := s.History(ctx, alice, chat.ID, 2)
	if len(last2) != 2 || last2[0].ID != msgs[4].ID || last2[1].ID != msgs[5].ID {
		t.Fatalf("History(2) = %+v", last2)
	}

	var paged []Message
	cursor := ""
	for {
		page, err := s.ListMessages(ctx, alice, chat.ID, MessageQuery{Limit: 4, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page.Messages...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(paged) != 6 || paged[0].ID != msgs[0].ID || paged[5].ID != msgs[5].ID {
		t.Fatalf("paged %d messages", len(paged))
	}

	got, err := s.GetMessage(ctx, alice, chat.ID, msgs[2].ID)
	if err != nil || got.Content != "m2" {
		t.Fatalf("GetMessage = %+v, %v", got, err)
	}

	n, err := s.DeleteBranch(ctx, alice, chat.ID, msgs[3].ID)
	if err != nil || n != 3 {
		t.Fatalf("DeleteBranch = %d, %v; want 3", n, err)
	}
	hist, _ = s.History(ctx, alice, chat.ID, 0)
	if len(hist) != 3 || hist[2].ID != msgs[2].ID {
		t.Fatalf("after delete: %+v", hist)
	}
	_, err = s.DeleteBranch(ctx, alice, chat.ID, msgs[4].ID)
	mustNotFound(t, "delete deleted message", err)

	// A message of another chat of the same user is not in this chat.
	other, _ := s.CreateChat(ctx, alice, "other")
	om, _ := s.InsertMessage(ctx, alice, other.ID, RoleUser, "o", StatusComplete)
	_, err = s.DeleteBranch(ctx, alice, chat.ID, om.ID)
	mustNotFound(t, "message of another chat", err)
	if hist, _ := s.History(ctx, alice, other.ID, 0); len(hist) != 1 {
		t.Fatalf("other chat lost messages: %d", len(hist))
	}
}

func TestInterruptStale(t *testing.T) {
	ctx := context.Background()
	s, pool, alice, chat := aliceChat(t)
	old, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)
	fresh, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)
	if _, err := pool.Exec(ctx, `UPDATE messages SET created_at = now() - interval '1 hour' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	n, err := s.InterruptStale(ctx, time.Now().Add(-10*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("InterruptStale = %d, %v", n, err)
	}
	if m, _ := s.GetMessage(ctx, alice, chat.ID, old.ID); m.Status != StatusInterrupted {
		t.Fatalf("old status = %s", m.Status)
	}
	if m, _ := s.GetMessage(ctx, alice, chat.ID, fresh.ID); m.Status != StatusStreaming {
		t.Fatalf("fresh status = %s", m.Status)
	}
}

func TestArtifacts(t *testing.T) {
	ctx := context.Background()
	s, _, alice, chat := aliceChat(t)
	msg, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)

	a1, err := s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "api-design", TypeMarkdown, "", "API", "# v1")
	if err != nil {
		t.Fatal(err)
	}
	if a1.Version != 1 || a1.MessageID != msg.ID || a1.ChatID != chat.ID {
		t.Fatalf("first save = %+v", a1)
	}
	a2, err := s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "api-design", TypeMarkdown, "", "API", "# v2")
	if err != nil || a2.Version != 2 {
		t.Fatalf("second save = %+v, %v", a2, err)
	}
	code, err := s.SaveArtifact(ctx, alice, chat.ID, "", "main", TypeCode, "go", "main.go", "package main")
	if err != nil || code.Version != 1 || code.MessageID != "" {
		t.Fatalf("code save = %+v, %v", code, err)
	}

	// Concurrent saves of one identifier each get their own version.
	const n = 8
	var wg sync.WaitGroup
	versions := make(chan int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "race", TypeHTML, "", "", fmt.Sprint(i))
			if err != nil {
				t.Error(err)
				return
			}
			versions <- a.Version
		}()
	}
	wg.Wait()
	close(versions)
	seen := map[int]bool{}
	for v := range versions {
		if seen[v] {
			t.Fatalf("version %d given twice", v)
		}
		seen[v] = true
	}
	for v := 1; v <= n; v++ {
		if !seen[v] {
			t.Fatalf("versions %v lack %d", seen, v)
		}
	}

	latest, err := s.LatestArtifacts(ctx, alice, chat.ID)
	if err != nil || len(latest) != 3 {
		t.Fatalf("LatestArtifacts = %d, %v", len(latest), err)
	}
	byID := map[string]Artifact{}
	for _, a := range latest {
		byID[a.Identifier] = a
	}
	if byID["api-design"].Version != 2 || byID["api-design"].Content != "# v2" || byID["race"].Version != n || byID["main"].Language != "go" {
		t.Fatalf("latest = %+v", latest)
	}
	vers, err := s.ArtifactVersions(ctx, alice, chat.ID, "api-design")
	if err != nil || len(vers) != 2 || vers[0].Version != 1 || vers[1].Version != 2 {
		t.Fatalf("ArtifactVersions = %+v, %v", vers, err)
	}
	_, err = s.ArtifactVersions(ctx, alice, chat.ID, "missing")
	mustNotFound(t, "unknown identifier", err)
	got, err := s.GetArtifact(ctx, alice, a1.ID)
	if err != nil || got.Content != "# v1" {
		t.Fatalf("GetArtifact = %+v, %v", got, err)
	}

	_, err = s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "x", "text/plain", "", "", "")
	mustInvalid(t, "type", "type", err)
	_, err = s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "", TypeMarkdown, "", "", "")
	mustInvalid(t, "identifier", "identifier", err)
	_, err = s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "x", TypeCode, "go; rm", "", "")
	mustInvalid(t, "language", "language", err)
	other, _ := s.CreateChat(ctx, alice, "")
	_, err = s.SaveArtifact(ctx, alice, other.ID, msg.ID, "x", TypeMarkdown, "", "", "")
	mustNotFound(t, "message of another chat", err)
}

func TestDeleteChatCascades(t *testing.T) {
	ctx := context.Background()
	s, pool, alice, chat := aliceChat(t)
	keep, _ := s.CreateChat(ctx, alice, "")
	for _, c := range []Chat{chat, keep} {
		m, _ := s.InsertMessage(ctx, alice, c.ID, RoleAssistant, "x", StatusComplete)
		if _, err := s.SaveArtifact(ctx, alice, c.ID, m.ID, "doc", TypeMarkdown, "", "", "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteChat(ctx, alice, chat.ID); err != nil {
		t.Fatal(err)
	}
	count := func(table string, chatID string) int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE session_id = $1`, chatID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if m, a := count("messages", chat.ID), count("artifacts", chat.ID); m != 0 || a != 0 {
		t.Fatalf("deleted chat left %d messages, %d artifacts", m, a)
	}
	if m, a := count("messages", keep.ID), count("artifacts", keep.ID); m != 1 || a != 1 {
		t.Fatalf("other chat has %d messages, %d artifacts", m, a)
	}
}

// TestCrossTenant runs every method as bob against alice's chat, message
// and artifact: each must answer exactly as for a missing resource, and
// change nothing.
func TestCrossTenant(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")
	bob := newUser(t, pool, "bob")
	chat, _ := s.CreateChat(ctx, alice, "secret")
	msg, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "secret", StatusStreaming)
	art, _ := s.SaveArtifact(ctx, alice, chat.ID, msg.ID, "doc", TypeMarkdown, "", "", "secret")

	calls := map[string]func() error{
		"GetChat":       func() error { _, err := s.GetChat(ctx, bob, chat.ID); return err },
		"RenameChat":    func() error { _, err := s.RenameChat(ctx, bob, chat.ID, "pwned"); return err },
		"DeleteChat":    func() error { return s.DeleteChat(ctx, bob, chat.ID) },
		"InsertMessage": func() error { _, err := s.InsertMessage(ctx, bob, chat.ID, RoleUser, "x", StatusComplete); return err },
		"UpdateMessage": func() error { _, err := s.UpdateMessage(ctx, bob, msg.ID, "x", StatusStreaming, "", 0, 0); return err },
		"FinishMessage": func() error { _, err := s.FinishMessage(ctx, bob, msg.ID, "x", StatusComplete, "", 0, 0); return err },
		"GetMessage":    func() error { _, err := s.GetMessage(ctx, bob, chat.ID, msg.ID); return err },
		"History":       func() error { _, err := s.History(ctx, bob, chat.ID, 0); return err },
		"ListMessages":  func() error { _, err := s.ListMessages(ctx, bob, chat.ID, MessageQuery{}); return err },
		"DeleteBranch":  func() error { _, err := s.DeleteBranch(ctx, bob, chat.ID, msg.ID); return err },
		"SelectBranch":  func() error { return s.SelectBranch(ctx, bob, chat.ID, msg.ID) },
		"Path":          func() error { _, err := s.Path(ctx, bob, chat.ID, msg.ID, 0); return err },
		"AllMessages":   func() error { _, err := s.AllMessages(ctx, bob, chat.ID); return err },
		"InsertMessageAfter": func() error {
			_, err := s.InsertMessageAfter(ctx, bob, chat.ID, msg.ID, RoleUser, "x", StatusComplete)
			return err
		},
		"SaveArtifact": func() error {
			_, err := s.SaveArtifact(ctx, bob, chat.ID, msg.ID, "doc", TypeMarkdown, "", "", "x")
			return err
		},
		"LatestArtifacts":  func() error { _, err := s.LatestArtifacts(ctx, bob, chat.ID); return err },
		"ArtifactVersions": func() error { _, err := s.ArtifactVersions(ctx, bob, chat.ID, "doc"); return err },
		"GetArtifact":      func() error { _, err := s.GetArtifact(ctx, bob, art.ID); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) { mustNotFound(t, name, call()) })
	}
	if ok, err := s.SetTitleIfEmpty(ctx, bob, chat.ID, "x"); ok || err != nil {
		t.Fatalf("SetTitleIfEmpty = %v, %v", ok, err)
	}
	if page, err := s.ListChats(ctx, bob, ChatQuery{}); err != nil || len(page.Chats) != 0 {
		t.Fatalf("bob lists %d chats, %v", len(page.Chats), err)
	}
	got, _ := s.GetChat(ctx, alice, chat.ID)
	m, _ := s.GetMessage(ctx, alice, chat.ID, msg.ID)
	vers, _ := s.ArtifactVersions(ctx, alice, chat.ID, "doc")
	if got.Title != "secret" || m.Content != "secret" || m.Status != StatusStreaming || len(vers) != 1 {
		t.Fatalf("bob changed alice's data: %+v %+v %d versions", got, m, len(vers))
	}
}

func TestExpireChats(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	now := time.Now()
	alice := newUser(t, pool, "alice") // default retention (30 days)
	bob := newUser(t, pool, "bob")     // retention_days 7
	carol := newUser(t, pool, "carol") // a v1 document with retention_days 2
	if _, err := pool.Exec(ctx, `INSERT INTO user_preferences (user_id, document, schema_version) VALUES
		($1, '{"retention_days": 7}', 2), ($2, '{"retention_days": 2, "voice_enabled": true}', 1)`, bob, carol); err != nil {
		t.Fatal(err)
	}
	type chat struct {
		user    string
		ageDays float64
		expired bool
	}
	chats := []chat{
		{alice, 31, true}, {alice, 29, false}, {alice, 45, true}, {alice, 0, false},
		{bob, 8, true}, {bob, 6, false}, {bob, 100, true},
		{carol, 2.5, true}, {carol, 1.5, false}, {carol, 0.5, false},
	}
	ids := make([]string, len(chats))
	for i, c := range chats {
		ch, err := s.CreateChat(ctx, c.user, "")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := s.InsertMessage(ctx, c.user, ch.ID, RoleAssistant, "x", StatusComplete)
		if _, err := s.SaveArtifact(ctx, c.user, ch.ID, m.ID, "doc", TypeMarkdown, "", "", "x"); err != nil {
			t.Fatal(err)
		}
		at := now.Add(-time.Duration(c.ageDays * 24 * float64(time.Hour)))
		if _, err := pool.Exec(ctx, `UPDATE chat_sessions SET updated_at = $2 WHERE id = $1`, ch.ID, at); err != nil {
			t.Fatal(err)
		}
		ids[i] = ch.ID
	}
	want := 0
	for _, c := range chats {
		if c.expired {
			want++
		}
	}
	// A batch of two makes the loop run several statements.
	n, err := s.ExpireChats(ctx, Expiry{Now: now, DefaultDays: 30, MaxDays: 30, BatchSize: 2})
	if err != nil || n != int64(want) {
		t.Fatalf("ExpireChats = %d, %v; want %d", n, err, want)
	}
	for i, c := range chats {
		_, err := s.GetChat(ctx, c.user, ids[i])
		if c.expired != (err != nil) {
			t.Errorf("chat %d (%+v): err = %v", i, c, err)
		}
	}
	var orphans int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM artifacts)`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 2*(len(chats)-want) {
		t.Fatalf("%d messages+artifacts left, want %d", orphans, 2*(len(chats)-want))
	}
	if n, err := s.ExpireChats(ctx, Expiry{Now: now, DefaultDays: 30, MaxDays: 30}); err != nil || n != 0 {
		t.Fatalf("second run = %d, %v", n, err)
	}
}

// TestInTx: what a transaction wrote is stored only when it returns nil;
// the caller gets its error back unchanged.
func TestInTx(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")
	chat, err := s.CreateChat(ctx, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	refused := apperr.New(apperr.Conflict, "changed my mind")
	tests := []struct {
		name     string
		fail     error
		wantMsgs int
	}{
		{"rolled back", refused, 0},
		{"committed", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.InTx(ctx, func(tx *Store) error {
				if _, err := tx.InsertMessage(ctx, alice, chat.ID, RoleUser, "hello", StatusComplete); err != nil {
					return err
				}
				if _, err := tx.SetTitleIfEmpty(ctx, alice, chat.ID, "hello"); err != nil {
					return err
				}
				if _, err := tx.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming); err != nil {
					return err
				}
				return tt.fail
			})
			if !errors.Is(err, tt.fail) {
				t.Fatalf("InTx = %v, want %v", err, tt.fail)
			}
			msgs, _ := s.History(ctx, alice, chat.ID, 0)
			got, _ := s.GetChat(ctx, alice, chat.ID)
			if len(msgs) != tt.wantMsgs || (got.Title == "hello") != (tt.wantMsgs > 0) {
				t.Fatalf("after InTx: %d messages, title %q", len(msgs), got.Title)
			}
		})
	}
}
