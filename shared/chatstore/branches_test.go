package chatstore

import (
	"context"
	"github.com/archstudio/studio/shared/testkit"
	"slices"
	"testing"
	"time"
)

// contents is the content of each message, in order.
func contents(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Content
	}
	return out
}

// shown is the branch ListMessages shows, as contents, with the sibling
// ids of each message.
func shown(t *testing.T, s *Store, user, chat string) ([]string, [][]string) {
	t.Helper()
	page, err := s.ListMessages(context.Background(), user, chat, MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	sibs := make([][]string, len(page.Messages))
	for i, m := range page.Messages {
		sibs[i] = m.SiblingIDs
	}
	return contents(page.Messages), sibs
}

// answerer returns a function adding a complete message under parent
// ("" for a new first message) of user's chat: one version of a branch.
func answerer(t *testing.T, s *Store, user, chat string) func(parent, role, content string) Message {
	return func(parent, role, content string) Message {
		t.Helper()
		m, err := s.InsertMessageAfter(context.Background(), user, chat, parent, role, content, StatusComplete)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
}

// TestBranches: an edit and a regenerated answer become siblings; the shown
// branch follows the stored choice; deleting is the only way to lose one.
func TestBranches(t *testing.T) {
	ctx := context.Background()
	s, pool, alice, chat := aliceChat(t)
	add := func(role, content string) Message {
		t.Helper()
		m, err := s.InsertMessage(ctx, alice, chat.ID, role, content, StatusComplete)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	after := answerer(t, s, alice, chat.ID)
	q1 := add(RoleUser, "q1")
	a1 := add(RoleAssistant, "a1")
	q2 := add(RoleUser, "q2")
	a2 := add(RoleAssistant, "a2")
	if q1.ParentID != nil || a1.ParentID == nil || *a1.ParentID != q1.ID || *a2.ParentID != q2.ID {
		t.Fatalf("parents: q1 %v a1 %v a2 %v", q1.ParentID, a1.ParentID, a2.ParentID)
	}

	// Regenerate: a second answer to q2.
	a2b := after(q2.ID, RoleAssistant, "a2b")
	got, sibs := shown(t, s, alice, chat.ID)
	if !slices.Equal(got, []string{"q1", "a1", "q2", "a2b"}) || !slices.Equal(sibs[3], []string{a2.ID, a2b.ID}) || len(sibs[2]) != 1 {
		t.Fatalf("after regenerate: %v %v", got, sibs)
	}
	// Edit q1: a new first message, answered.
	q1b := after("", RoleUser, "q1b")
	add(RoleAssistant, "a1b")
	got, sibs = shown(t, s, alice, chat.ID)
	if !slices.Equal(got, []string{"q1b", "a1b"}) || !slices.Equal(sibs[0], []string{q1.ID, q1b.ID}) {
		t.Fatalf("after edit: %v %v", got, sibs)
	}
	// The model's context is the shown branch.
	if hist, _ := s.History(ctx, alice, chat.ID, 0); !slices.Equal(contents(hist), []string{"q1b", "a1b"}) {
		t.Fatalf("history %v", contents(hist))
	}

	tests := []struct {
		name string
		pick string
		want []string
	}{
		{"back to the first question follows its newest answers", q1.ID, []string{"q1", "a1", "q2", "a2b"}},
		{"an older answer", a2.ID, []string{"q1", "a1", "q2", "a2"}},
		{"the edit again", q1b.ID, []string{"q1b", "a1b"}},
		{"a message in the middle of a branch keeps the answer chosen below it", a1.ID, []string{"q1", "a1", "q2", "a2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.SelectBranch(ctx, alice, chat.ID, tt.pick); err != nil {
				t.Fatal(err)
			}
			// A fresh store reads the choice back: it is stored, not kept here.
			if got, _ := shown(t, New(pool), alice, chat.ID); !slices.Equal(got, tt.want) {
				t.Fatalf("shown %v, want %v", got, tt.want)
			}
		})
	}
	if path, err := s.Path(ctx, alice, chat.ID, a2.ID, 2); err != nil || !slices.Equal(contents(path), []string{"q2", "a2"}) {
		t.Fatalf("Path(a2, 2) = %v, %v", contents(path), err)
	}

	// Appending continues the shown branch.
	if err := s.SelectBranch(ctx, alice, chat.ID, a2.ID); err != nil {
		t.Fatal(err)
	}
	q3 := add(RoleUser, "q3")
	if *q3.ParentID != a2.ID {
		t.Fatalf("q3 follows %v, want a2", *q3.ParentID)
	}

	// Deleting the shown answer shows its newest sibling; its reply goes too.
	n, err := s.DeleteBranch(ctx, alice, chat.ID, a2.ID)
	if err != nil || n != 2 {
		t.Fatalf("DeleteBranch = %d, %v; want 2", n, err)
	}
	if got, _ := shown(t, s, alice, chat.ID); !slices.Equal(got, []string{"q1", "a1", "q2", "a2b"}) {
		t.Fatalf("after delete: %v", got)
	}
	if all, _ := s.AllMessages(ctx, alice, chat.ID); !slices.Equal(contents(all), []string{"q1", "a1", "q2", "a2b", "q1b", "a1b"}) {
		t.Fatalf("all messages %v", contents(all))
	}
	// Deleting a whole first message shows the other one.
	if _, err := s.DeleteBranch(ctx, alice, chat.ID, q1.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := shown(t, s, alice, chat.ID); !slices.Equal(got, []string{"q1b", "a1b"}) {
		t.Fatalf("after deleting q1: %v", got)
	}

	// A parent or branch from another chat is not in this chat.
	other, _ := s.CreateChat(ctx, alice, "other")
	om, _ := s.InsertMessage(ctx, alice, other.ID, RoleUser, "o", StatusComplete)
	_, err = s.InsertMessageAfter(ctx, alice, chat.ID, om.ID, RoleUser, "x", StatusComplete)
	mustNotFound(t, "parent of another chat", err)
	mustNotFound(t, "select in another chat", s.SelectBranch(ctx, alice, chat.ID, om.ID))
	_, err = s.Path(ctx, alice, chat.ID, om.ID, 0)
	mustNotFound(t, "path in another chat", err)
	if got, _ := shown(t, s, alice, other.ID); !slices.Equal(got, []string{"o"}) {
		t.Fatalf("other chat: %v", got)
	}
}

// TestExpireBranchedChat: retention treats a chat as one: every branch
// goes with it, switching branches is not activity, and a new answer on any
// branch is.
func TestExpireBranchedChat(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")
	makeChat := func() (string, Message) {
		c, _ := s.CreateChat(ctx, alice, "")
		q, _ := s.InsertMessage(ctx, alice, c.ID, RoleUser, "q", StatusComplete)
		a, _ := s.InsertMessage(ctx, alice, c.ID, RoleAssistant, "a", StatusComplete)
		b, _ := s.InsertMessageAfter(ctx, alice, c.ID, q.ID, RoleAssistant, "b", StatusComplete)
		if _, err := s.SaveArtifact(ctx, alice, c.ID, b.ID, "doc", TypeMarkdown, "", "", "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE chat_sessions SET updated_at = now() - interval '40 days' WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		return c.ID, a
	}
	idle, idleAnswer := makeChat()
	// Looking at another branch keeps the chat idle.
	if err := s.SelectBranch(ctx, alice, idle, idleAnswer.ID); err != nil {
		t.Fatal(err)
	}
	active, activeAnswer := makeChat()
	// A new answer on the hidden branch is activity.
	if _, err := s.InsertMessageAfter(ctx, alice, active, *activeAnswer.ParentID, RoleAssistant, "c", StatusComplete); err != nil {
		t.Fatal(err)
	}
	n, err := s.ExpireChats(ctx, Expiry{Now: time.Now(), DefaultDays: 30, MaxDays: 365})
	if err != nil || n != 1 {
		t.Fatalf("ExpireChats = %d, %v; want 1", n, err)
	}
	var msgs, arts int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM messages WHERE session_id = $1),
		(SELECT count(*) FROM artifacts WHERE session_id = $1)`, idle).Scan(&msgs, &arts); err != nil {
		t.Fatal(err)
	}
	if msgs != 0 || arts != 0 {
		t.Fatalf("the expired chat left %d messages and %d artifacts", msgs, arts)
	}
	if all, _ := s.AllMessages(ctx, alice, active); len(all) != 4 {
		t.Fatalf("the active chat has %d messages", len(all))
	}
}

// TestBranchRemembersDeeperChoice: an older answer chosen deep inside a
// branch is shown again when the user switches to another version of the
// first question and back, from a fresh store (a reload); where no choice
// was made the newest version is shown.
func TestBranchRemembersDeeperChoice(t *testing.T) {
	ctx := context.Background()
	s, pool, alice, chat := aliceChat(t)
	add := answerer(t, s, alice, chat.ID)
	// q1 ─ a1 ─ q2 ─ a2 / a2b (regenerated), and an edit of q1: q1b ─ a1b.
	q1 := add("", RoleUser, "q1")
	a1 := add(q1.ID, RoleAssistant, "a1")
	q2 := add(a1.ID, RoleUser, "q2")
	a2 := add(q2.ID, RoleAssistant, "a2")
	add(q2.ID, RoleAssistant, "a2b")
	q1b := add("", RoleUser, "q1b")
	a1b := add(q1b.ID, RoleAssistant, "a1b")
	// a1b ─ q3 ─ a3 / a3b / a3c: three versions of the answer inside the edit.
	q3 := add(a1b.ID, RoleUser, "q3")
	a3 := add(q3.ID, RoleAssistant, "a3")
	a3b := add(q3.ID, RoleAssistant, "a3b")
	add(q3.ID, RoleAssistant, "a3c")

	steps := []struct {
		name string
		pick string
		want []string
	}{
		{"the first question, with its newest answer (no choice made yet)", q1.ID, []string{"q1", "a1", "q2", "a2b"}},
		{"the older answer deep inside it", a2.ID, []string{"q1", "a1", "q2", "a2"}},
		{"away to the edit: its newest answer", q1b.ID, []string{"q1b", "a1b", "q3", "a3c"}},
		{"the oldest answer inside the edit", a3.ID, []string{"q1b", "a1b", "q3", "a3"}},
		{"back to the first question: the older answer chosen in it", q1.ID, []string{"q1", "a1", "q2", "a2"}},
		{"back to the edit: the oldest answer chosen in it", q1b.ID, []string{"q1b", "a1b", "q3", "a3"}},
		{"a middle version inside the edit", a3b.ID, []string{"q1b", "a1b", "q3", "a3b"}},
		{"away and back from the middle of the other branch", a1.ID, []string{"q1", "a1", "q2", "a2"}},
		{"back to the edit's answer above the choice", a1b.ID, []string{"q1b", "a1b", "q3", "a3b"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := s.SelectBranch(ctx, alice, chat.ID, st.pick); err != nil {
				t.Fatal(err)
			}
			if got, _ := shown(t, New(pool), alice, chat.ID); !slices.Equal(got, st.want) {
				t.Fatalf("shown %v, want %v", got, st.want)
			}
		})
	}

	// A new answer is the newest choice: switching away and back shows it.
	a3d := add(q3.ID, RoleAssistant, "a3d")
	for _, pick := range []string{q1.ID, q1b.ID} {
		if err := s.SelectBranch(ctx, alice, chat.ID, pick); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := shown(t, New(pool), alice, chat.ID); !slices.Equal(got, []string{"q1b", "a1b", "q3", "a3d"}) {
		t.Fatalf("after a new answer %s and away and back: %v", a3d.ID, got)
	}
}
