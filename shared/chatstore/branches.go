package chatstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/ids"
)

// descendCTE walks down from message $3 of chat $1 to the leaf a branch
// switched to should show: at every fork, the child last on the shown
// branch (shown_at), so a choice made deeper inside the branch comes back;
// where none was made, the newest.
const descendCTE = `
	WITH RECURSIVE down AS (
		SELECT m.id, 0 AS depth FROM messages m WHERE m.id = $3 AND m.session_id = $1
		UNION ALL
		SELECT k.id, down.depth + 1
		  FROM down CROSS JOIN LATERAL (
		         SELECT c.id FROM messages c WHERE c.parent_id = down.id
		          ORDER BY c.shown_at DESC, c.seq DESC LIMIT 1) k
	)`

// SelectBranch shows the branch of userID's chat chatID that goes through
// message messageID: the chat's active leaf becomes the leaf under it that
// was shown last (the newest where no choice was made below it), and is
// stored, so the choice survives a reload and other devices see it.
// messageID and the messages above it are marked shown, so switching away
// and back to any of them returns here. Switching is not activity: the
// chat keeps its place in the list.
func (s *Store) SelectBranch(ctx context.Context, userID, chatID, messageID string) error {
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return notFound("chat")
	}
	if !ids.Valid(messageID) {
		return notFound("message")
	}
	tag, err := s.db.Exec(ctx, descendCTE+`, up AS (
		SELECT m.id, m.parent_id FROM messages m JOIN chat_sessions o ON o.id = m.session_id
		 WHERE m.id = $3 AND m.session_id = $1 AND o.user_id = $2
		UNION ALL
		SELECT p.id, p.parent_id FROM messages p JOIN up ON p.id = up.parent_id
	), shown AS (
		UPDATE messages SET shown_at = now() WHERE id IN (SELECT id FROM up)
	)
		UPDATE chat_sessions c
		   SET active_leaf_id = (SELECT id FROM down ORDER BY depth DESC LIMIT 1)
		 WHERE c.id = $1 AND c.user_id = $2 AND EXISTS (SELECT 1 FROM down)`,
		chatID, userID, messageID)
	if err != nil {
		return internal(err)
	}
	if tag.RowsAffected() == 0 {
		if err := s.checkChat(ctx, userID, chatID); err != nil {
			return err
		}
		return notFound("message")
	}
	return nil
}

// DeleteBranch deletes message messageID of userID's chat chatID with every
// message under it (and their artifacts, by cascade): only a user's explicit
// delete removes messages. When the shown branch was deleted, the chat shows
// the newest remaining sibling's branch instead. It returns how many
// messages it deleted.
func (s *Store) DeleteBranch(ctx context.Context, userID, chatID, messageID string) (int64, error) {
	if !ids.Valid(userID) || !ids.Valid(chatID) || !ids.Valid(messageID) {
		return 0, notFound("message")
	}
	var n int64
	err := s.InTx(ctx, func(tx *Store) error {
		var parent *string
		err := tx.db.QueryRow(ctx, `
			SELECT m.parent_id::text FROM messages m JOIN chat_sessions s ON s.id = m.session_id
			 WHERE m.id = $3 AND m.session_id = $1 AND s.user_id = $2
			   FOR UPDATE OF s`, chatID, userID, messageID).Scan(&parent)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("message")
		}
		if err != nil {
			return internal(err)
		}
		if err := tx.db.QueryRow(ctx, `
			WITH RECURSIVE sub AS (
				SELECT id FROM messages WHERE id = $1
				UNION ALL
				SELECT c.id FROM messages c JOIN sub ON c.parent_id = sub.id
			)
			SELECT count(*) FROM sub`, messageID).Scan(&n); err != nil {
			return internal(err)
		}
		// The children go by the parent_id cascade.
		if _, err := tx.db.Exec(ctx, `DELETE FROM messages WHERE id = $1`, messageID); err != nil {
			return internal(err)
		}
		var lost bool
		if err := tx.db.QueryRow(ctx, `SELECT active_leaf_id IS NULL FROM chat_sessions WHERE id = $1`, chatID).Scan(&lost); err != nil {
			return internal(err)
		}
		if !lost {
			return nil
		}
		from := parent
		if from == nil {
			// A first message was deleted: show the newest other one.
			var root string
			err := tx.db.QueryRow(ctx, `SELECT id::text FROM messages WHERE session_id = $1 AND parent_id IS NULL
				ORDER BY seq DESC LIMIT 1`, chatID).Scan(&root)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return internal(err)
			}
			from = &root
		}
		return tx.SelectBranch(ctx, userID, chatID, *from)
	})
	return n, err
}
