package chatstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

const messageColumns = `m.id::text, m.session_id::text, m.seq, m.role, m.content, m.status, m.model,
	m.input_tokens, m.output_tokens, m.created_at`

func scanMessage(row pgx.Row) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.ChatID, &m.Seq, &m.Role, &m.Content, &m.Status, &m.Model,
		&m.InputTokens, &m.OutputTokens, &m.CreatedAt)
	m.CreatedAt = m.CreatedAt.UTC()
	return m, err
}

func collectMessages(rows pgx.Rows) ([]Message, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) { return scanMessage(r) })
}

// InsertMessage appends a message to userID's chat chatID and bumps the
// chat's last activity, in one statement.
func (s *Store) InsertMessage(ctx context.Context, userID, chatID, role, content, status string) (Message, error) {
	if !validRole(role) {
		return Message{}, apperr.InvalidField("role", "must be user or assistant")
	}
	if !validStatus(status) {
		return Message{}, apperr.InvalidField("status", "is not a message status")
	}
	if err := checkText("content", content); err != nil {
		return Message{}, err
	}
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return Message{}, notFound("chat")
	}
	m, err := scanMessage(s.db.QueryRow(ctx, `
		WITH chat AS (
			UPDATE chat_sessions SET updated_at = now()
			 WHERE id = $1 AND user_id = $2
			RETURNING id
		)
		INSERT INTO messages AS m (session_id, role, content, status)
		SELECT id, $3, $4, $5 FROM chat
		RETURNING `+messageColumns,
		chatID, userID, role, content, status))
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, notFound("chat")
	}
	if err != nil {
		return Message{}, internal(err)
	}
	return m, nil
}

// UpdateMessage sets a message's content, status, model and token counts
// (the stream function checkpoints and finishes an assistant message with
// it) and bumps its chat's last activity.
func (s *Store) UpdateMessage(ctx context.Context, userID, messageID, content, status, model string, inputTokens, outputTokens int) (Message, error) {
	if !validStatus(status) {
		return Message{}, apperr.InvalidField("status", "is not a message status")
	}
	if err := checkText("content", content); err != nil {
		return Message{}, err
	}
	if err := checkText("model", model); err != nil {
		return Message{}, err
	}
	if inputTokens < 0 || outputTokens < 0 {
		return Message{}, apperr.InvalidField("tokens", "must not be negative")
	}
	if !ids.Valid(userID) || !ids.Valid(messageID) {
		return Message{}, notFound("message")
	}
	m, err := scanMessage(s.db.QueryRow(ctx, `
		WITH m AS (
			UPDATE messages AS msg
			   SET content = $3, status = $4, model = $5, input_tokens = $6, output_tokens = $7
			  FROM chat_sessions s
			 WHERE msg.id = $1 AND msg.session_id = s.id AND s.user_id = $2
			RETURNING msg.*
		), bump AS (
			UPDATE chat_sessions SET updated_at = now() WHERE id IN (SELECT session_id FROM m)
		)
		SELECT `+messageColumns+` FROM m`,
		messageID, userID, content, status, model, inputTokens, outputTokens))
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, notFound("message")
	}
	if err != nil {
		return Message{}, internal(err)
	}
	return m, nil
}

// FinishMessage is UpdateMessage with a final status: anything but
// streaming.
func (s *Store) FinishMessage(ctx context.Context, userID, messageID, content, status, model string, inputTokens, outputTokens int) (Message, error) {
	if status == StatusStreaming {
		return Message{}, apperr.InvalidField("status", "must be a final status")
	}
	return s.UpdateMessage(ctx, userID, messageID, content, status, model, inputTokens, outputTokens)
}

// GetMessage returns message messageID of userID's chat chatID.
func (s *Store) GetMessage(ctx context.Context, userID, chatID, messageID string) (Message, error) {
	if !ids.Valid(userID) || !ids.Valid(chatID) || !ids.Valid(messageID) {
		return Message{}, notFound("message")
	}
	m, err := scanMessage(s.db.QueryRow(ctx, `
		SELECT `+messageColumns+`
		  FROM messages m JOIN chat_sessions s ON s.id = m.session_id
		 WHERE m.id = $1 AND m.session_id = $2 AND s.user_id = $3`,
		messageID, chatID, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, notFound("message")
	}
	if err != nil {
		return Message{}, internal(err)
	}
	return m, nil
}

// History returns the last limit messages of userID's chat chatID (all of
// them when limit <= 0), oldest first: the context of the next model call.
func (s *Store) History(ctx context.Context, userID, chatID string, limit int) ([]Message, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return nil, err
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.db.Query(ctx, `
		SELECT * FROM (
			SELECT `+messageColumns+` FROM messages m
			 WHERE m.session_id = $1
			 ORDER BY m.seq DESC
			 LIMIT $2
		) last ORDER BY seq`, chatID, lim)
	if err != nil {
		return nil, internal(err)
	}
	msgs, err := collectMessages(rows)
	if err != nil {
		return nil, internal(err)
	}
	return msgs, nil
}

// MessageQuery selects a page of a chat's messages.
type MessageQuery struct {
	// Limit is clamped to 1..MaxPageSize; 0 means DefaultPageSize.
	Limit int
	// Cursor is the NextCursor of the previous page, or "" for the first.
	Cursor string
}

// MessagePage is one page of messages, oldest first. NextCursor is "" on
// the last page.
type MessagePage struct {
	Messages   []Message
	NextCursor string
}

// ListMessages returns a page of the messages of userID's chat chatID,
// oldest first.
func (s *Store) ListMessages(ctx context.Context, userID, chatID string, q MessageQuery) (MessagePage, error) {
	limit := clampLimit(q.Limit)
	var after int64
	if q.Cursor != "" {
		var err error
		if after, err = decodeMessageCursor(q.Cursor); err != nil {
			return MessagePage{}, err
		}
	}
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return MessagePage{}, err
	}
	rows, err := s.db.Query(ctx, `
		SELECT `+messageColumns+` FROM messages m
		 WHERE m.session_id = $1 AND m.seq > $2
		 ORDER BY m.seq
		 LIMIT $3`, chatID, after, limit+1)
	if err != nil {
		return MessagePage{}, internal(err)
	}
	msgs, err := collectMessages(rows)
	if err != nil {
		return MessagePage{}, internal(err)
	}
	page := MessagePage{Messages: msgs}
	if len(msgs) > limit {
		page.Messages = msgs[:limit]
		page.NextCursor = encodeMessageCursor(page.Messages[limit-1].Seq)
	}
	return page, nil
}

// DeleteMessagesFrom deletes message messageID of userID's chat chatID and
// every later message of the chat (with their artifacts, by cascade), as
// edit-and-resend and regenerate need. It returns how many it deleted.
func (s *Store) DeleteMessagesFrom(ctx context.Context, userID, chatID, messageID string) (int64, error) {
	if !ids.Valid(userID) || !ids.Valid(chatID) || !ids.Valid(messageID) {
		return 0, notFound("message")
	}
	tag, err := s.db.Exec(ctx, `
		DELETE FROM messages
		 WHERE session_id = $1
		   AND seq >= (SELECT m.seq FROM messages m JOIN chat_sessions s ON s.id = m.session_id
		                WHERE m.id = $3 AND m.session_id = $1 AND s.user_id = $2)`,
		chatID, userID, messageID)
	if err != nil {
		return 0, internal(err)
	}
	if tag.RowsAffected() == 0 {
		return 0, notFound("message")
	}
	return tag.RowsAffected(), nil
}

// InterruptStale marks every message still streaming that was created
// before cutoff as interrupted, for all users: a process that died
// mid-generation leaves such messages behind. It returns how many it marked.
func (s *Store) InterruptStale(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx,
		`UPDATE messages SET status = 'interrupted' WHERE status = 'streaming' AND created_at < $1`, cutoff)
	if err != nil {
		return 0, internal(err)
	}
	return tag.RowsAffected(), nil
}

// checkChat returns a not-found error unless userID owns chat chatID.
func (s *Store) checkChat(ctx context.Context, userID, chatID string) error {
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return notFound("chat")
	}
	var ok bool
	err := s.db.QueryRow(ctx,
		`SELECT EXISTS (SELECT 1 FROM chat_sessions WHERE id = $1 AND user_id = $2)`, chatID, userID).Scan(&ok)
	if err != nil {
		return internal(err)
	}
	if !ok {
		return notFound("chat")
	}
	return nil
}

// RecordCacheUsage sets the prompt-cache tokens of userID's message
// messageID: input tokens written to and read from Claude's cache.
func (s *Store) RecordCacheUsage(ctx context.Context, userID, messageID string, creation, read int) error {
	if !ids.Valid(userID) || !ids.Valid(messageID) {
		return notFound("message")
	}
	_, err := s.db.Exec(ctx, `
		UPDATE messages m SET cache_creation_input_tokens = $3, cache_read_input_tokens = $4
		  FROM chat_sessions c
		 WHERE m.id = $1 AND m.session_id = c.id AND c.user_id = $2`, messageID, userID, max(creation, 0), max(read, 0))
	if err != nil {
		return internal(err)
	}
	return nil
}
