package chatstore

import (
	"context"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

// TestCheckpointMessages: one statement saves every streaming message it
// is given and reports which; a message that no longer streams, another
// user's message and an invalid id are left alone.
func TestCheckpointMessages(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice, bob := newUser(t, pool, "alice"), newUser(t, pool, "bob")
	chat, _ := s.CreateChat(ctx, alice, "")
	a, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)
	b, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)
	ended, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "kept", StatusInterrupted)

	saved, err := s.CheckpointMessages(ctx, []Checkpoint{
		{alice, a.ID, "text of a"},
		{alice, b.ID, "text of b"},
		{alice, ended.ID, "late"},
		{bob, a.ID, "hijacked"},
		{alice, "not-an-id", "x"},
	})
	if err != nil || len(saved) != 2 || !saved[a.ID] || !saved[b.ID] {
		t.Fatalf("CheckpointMessages = %v, %v; want %s and %s", saved, err, a.ID, b.ID)
	}
	for id, want := range map[string]string{a.ID: "text of a", b.ID: "text of b", ended.ID: "kept"} {
		if m, _ := s.GetMessage(ctx, alice, chat.ID, id); m.Content != want {
			t.Fatalf("message %s = %q, want %q", id, m.Content, want)
		}
	}
}
