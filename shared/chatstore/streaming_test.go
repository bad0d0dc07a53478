package chatstore

import (
	"context"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

// TestStreamingMessages: the sweep finds replies still streaming; a
// checkpoint saves text only while the reply streams; ending a reply keeps
// its checkpointed text; nothing crosses to another user's chat.
func TestStreamingMessages(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice, bob := newUser(t, pool, "alice"), newUser(t, pool, "bob")
	chat, _ := s.CreateChat(ctx, alice, "")
	swept, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)
	other, _ := s.InsertMessage(ctx, alice, chat.ID, RoleAssistant, "", StatusStreaming)

	msgs, err := s.StreamingMessages(ctx, 10)
	if err != nil || len(msgs) != 2 || msgs[0] != (StreamingMessage{ID: swept.ID, UserID: alice, ChatID: chat.ID}) {
		t.Fatalf("StreamingMessages = %+v, %v", msgs, err)
	}
	checkpoints := []struct {
		name, user, content string
		want                bool
	}{
		{"owner, streaming", alice, "partial text", true},
		{"another user", bob, "hijacked", false},
	}
	for _, c := range checkpoints {
		if ok, err := s.CheckpointMessage(ctx, c.user, swept.ID, c.content); ok != c.want || err != nil {
			t.Fatalf("%s: CheckpointMessage = %v, %v", c.name, ok, err)
		}
	}
	for i, want := range []bool{true, false} {
		if ok, err := s.InterruptMessage(ctx, swept.ID); ok != want || err != nil {
			t.Fatalf("InterruptMessage #%d = %v, %v", i+1, ok, err)
		}
	}
	if ok, _ := s.CheckpointMessage(ctx, alice, swept.ID, "late text"); ok {
		t.Fatal("checkpointed a message that no longer streams")
	}
	if m, _ := s.GetMessage(ctx, alice, chat.ID, swept.ID); m.Status != StatusInterrupted || m.Content != "partial text" {
		t.Fatalf("swept message = %s %q", m.Status, m.Content)
	}

	if n, err := s.InterruptChat(ctx, bob, chat.ID); n != 0 || err != nil {
		t.Fatalf("another user's InterruptChat = %d, %v", n, err)
	}
	if n, err := s.InterruptChat(ctx, alice, chat.ID); n != 1 || err != nil {
		t.Fatalf("InterruptChat = %d, %v", n, err)
	}
	if m, _ := s.GetMessage(ctx, alice, chat.ID, other.ID); m.Status != StatusInterrupted {
		t.Fatalf("other message = %s", m.Status)
	}
	if msgs, _ := s.StreamingMessages(ctx, 10); len(msgs) != 0 {
		t.Fatalf("still streaming: %+v", msgs)
	}
}
