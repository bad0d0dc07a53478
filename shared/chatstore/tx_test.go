package chatstore

import (
	"context"
	"errors"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit"
)

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
