package chatstore

import (
	"context"

	"github.com/archstudio/studio/shared/ids"
)

// The assistant message of a reply being generated has status streaming,
// and its content is checkpointed as it grows. If the generating process
// dies, the message must still end, as interrupted with the text saved so
// far: the stream function finds such messages (StreamingMessages), checks
// that their generation's lease has expired, and ends them
// (InterruptMessage), or ends them when the chat's next reply starts
// (InterruptChat).

// StreamingMessage is an assistant message still streaming.
type StreamingMessage struct {
	ID     string
	UserID string
	ChatID string
}

// StreamingMessages returns up to limit messages still streaming, oldest
// first, of every user.
func (s *Store) StreamingMessages(ctx context.Context, limit int) ([]StreamingMessage, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.id, c.user_id, m.session_id
		  FROM messages m JOIN chat_sessions c ON c.id = m.session_id
		 WHERE m.status = 'streaming'
		 ORDER BY m.created_at
		 LIMIT $1`, limit)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []StreamingMessage
	for rows.Next() {
		var m StreamingMessage
		if err := rows.Scan(&m.ID, &m.UserID, &m.ChatID); err != nil {
			return nil, internal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// InterruptMessage marks message messageID interrupted, keeping its
// checkpointed content, if it is still streaming. It reports whether it
// was.
func (s *Store) InterruptMessage(ctx context.Context, messageID string) (bool, error) {
	if !ids.Valid(messageID) {
		return false, nil
	}
	tag, err := s.db.Exec(ctx,
		`UPDATE messages SET status = 'interrupted' WHERE id = $1 AND status = 'streaming'`, messageID)
	if err != nil {
		return false, internal(err)
	}
	return tag.RowsAffected() == 1, nil
}

// InterruptChat marks every message of userID's chat chatID still
// streaming as interrupted, keeping their content, and returns how many.
// The generation that has just taken the chat's lock calls it: a reply
// still streaming there belongs to a generation that died.
func (s *Store) InterruptChat(ctx context.Context, userID, chatID string) (int64, error) {
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return 0, notFound("chat")
	}
	tag, err := s.db.Exec(ctx, `
		UPDATE messages m SET status = 'interrupted'
		  FROM chat_sessions c
		 WHERE m.session_id = c.id AND c.id = $1 AND c.user_id = $2 AND m.status = 'streaming'`,
		chatID, userID)
	if err != nil {
		return 0, internal(err)
	}
	return tag.RowsAffected(), nil
}

// CheckpointMessage saves the partial content of userID's streaming
// message messageID. It reports false when the message no longer streams
// (a sweep ended it, taking its generation for dead), and then changes
// nothing.
func (s *Store) CheckpointMessage(ctx context.Context, userID, messageID, content string) (bool, error) {
	if err := checkText("content", content); err != nil {
		return false, err
	}
	if !ids.Valid(userID) || !ids.Valid(messageID) {
		return false, notFound("message")
	}
	tag, err := s.db.Exec(ctx, `
		UPDATE messages m SET content = $3
		  FROM chat_sessions c
		 WHERE m.id = $1 AND m.session_id = c.id AND c.user_id = $2 AND m.status = 'streaming'`,
		messageID, userID, content)
	if err != nil {
		return false, internal(err)
	}
	return tag.RowsAffected() == 1, nil
}
