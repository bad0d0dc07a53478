package chatstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

const messageColumns = `m.id::text, m.session_id::text, m.parent_id::text, m.seq, m.role, m.content, m.status, m.model,
	m.input_tokens, m.output_tokens, m.created_at`

func scanMessage(row pgx.Row) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.ChatID, &m.ParentID, &m.Seq, &m.Role, &m.Content, &m.Status, &m.Model,
		&m.InputTokens, &m.OutputTokens, &m.CreatedAt)
	m.CreatedAt = m.CreatedAt.UTC()
	return m, err
}

func collectMessages(rows pgx.Rows) ([]Message, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) { return scanMessage(r) })
}

// InsertMessage appends a message to the branch of userID's chat chatID
// that is shown (after its active leaf), makes it the active leaf and bumps
// the chat's last activity, in one statement.
func (s *Store) InsertMessage(ctx context.Context, userID, chatID, role, content, status string) (Message, error) {
	return s.insertMessage(ctx, userID, chatID, true, "", role, content, status)
}

// InsertMessageAfter adds a message to userID's chat chatID as a child of
// message parentID ("" for a new first message), so an edited message or a
// regenerated answer becomes a sibling of the one it replaces; the new
// message becomes the active leaf.
func (s *Store) InsertMessageAfter(ctx context.Context, userID, chatID, parentID, role, content, status string) (Message, error) {
	return s.insertMessage(ctx, userID, chatID, false, parentID, role, content, status)
}

func (s *Store) insertMessage(ctx context.Context, userID, chatID string, appendToLeaf bool, parentID, role, content, status string) (Message, error) {
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
	if parentID != "" && !ids.Valid(parentID) {
		return Message{}, notFound("message")
	}
	// The parent must be a message of the same chat; a foreign one inserts
	// nothing, which is then told apart from a missing chat.
	m, err := scanMessage(s.db.QueryRow(ctx, `
		WITH chat AS (
			SELECT c.id, COALESCE(c.active_leaf_id,
			         (SELECT l.id FROM messages l WHERE l.session_id = c.id ORDER BY l.seq DESC LIMIT 1)) AS leaf
			  FROM chat_sessions c
			 WHERE c.id = $1 AND c.user_id = $2
			   FOR UPDATE
		), m AS (
			INSERT INTO messages (session_id, parent_id, role, content, status)
			SELECT chat.id, CASE WHEN $6 THEN chat.leaf ELSE $7::uuid END, $3, $4, $5 FROM chat
			 WHERE $6 OR $7::uuid IS NULL
			    OR EXISTS (SELECT 1 FROM messages p WHERE p.id = $7::uuid AND p.session_id = chat.id)
			RETURNING *
		), bump AS (
			UPDATE chat_sessions c SET updated_at = now(), active_leaf_id = m.id FROM m WHERE c.id = m.session_id
		)
		SELECT `+messageColumns+` FROM m`,
		chatID, userID, role, content, status, appendToLeaf, nullString(parentID)))
	if errors.Is(err, pgx.ErrNoRows) {
		if cerr := s.checkChat(ctx, userID, chatID); cerr != nil {
			return Message{}, cerr
		}
		return Message{}, notFound("message")
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

// History returns the last limit messages of the branch of userID's chat
// chatID that is shown (all of them when limit <= 0), oldest first: the
// context of the next model call.
func (s *Store) History(ctx context.Context, userID, chatID string, limit int) ([]Message, error) {
	return s.Path(ctx, userID, chatID, "", limit)
}

// pathCTE is the branch ending at leaf $3 of chat $1 (the active leaf when
// $3 is NULL), as (id, seq) rows. A chat whose leaf was lost follows its
// newest message.
const pathCTE = `
	WITH RECURSIVE path AS (
		SELECT m.id, m.parent_id
		  FROM messages m
		 WHERE m.session_id = $1
		   AND m.id = COALESCE($3::uuid,
		         (SELECT c.active_leaf_id FROM chat_sessions c WHERE c.id = $1),
		         (SELECT l.id FROM messages l WHERE l.session_id = $1 ORDER BY l.seq DESC LIMIT 1))
		UNION ALL
		SELECT p.id, p.parent_id FROM messages p JOIN path ON p.id = path.parent_id
	)`

// Path returns the branch of userID's chat chatID that ends at message
// leafID ("" for the active leaf), root first, keeping its last limit
// messages (all when limit <= 0).
func (s *Store) Path(ctx context.Context, userID, chatID, leafID string, limit int) ([]Message, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return nil, err
	}
	if leafID != "" && !ids.Valid(leafID) {
		return nil, notFound("message")
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.db.Query(ctx, pathCTE+`
		SELECT * FROM (
			SELECT `+messageColumns+` FROM messages m JOIN path ON path.id = m.id
			 ORDER BY m.seq DESC
			 LIMIT $2
		) last ORDER BY seq`, chatID, lim, nullString(leafID))
	if err != nil {
		return nil, internal(err)
	}
	msgs, err := collectMessages(rows)
	if err != nil {
		return nil, internal(err)
	}
	if leafID != "" && len(msgs) == 0 {
		return nil, notFound("message")
	}
	return msgs, nil
}

// AllMessages returns every message of userID's chat chatID, on every
// branch, oldest first (the export).
func (s *Store) AllMessages(ctx context.Context, userID, chatID string) ([]Message, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.session_id = $1 ORDER BY m.seq`, chatID)
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

// ListMessages returns a page of the branch of userID's chat chatID that is
// shown, oldest first, each message with its siblings' ids. A child is
// always newer than its parent, so the branch is in seq order and the
// cursor is a seq.
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
	rows, err := s.db.Query(ctx, pathCTE+`
		SELECT `+messageColumns+`,
		       ARRAY(SELECT s.id::text FROM messages s
		              WHERE s.session_id = m.session_id AND s.parent_id IS NOT DISTINCT FROM m.parent_id
		              ORDER BY s.seq)
		  FROM messages m JOIN path ON path.id = m.id
		 WHERE m.seq > $4
		 ORDER BY m.seq
		 LIMIT $2`, chatID, limit+1, nil, after)
	if err != nil {
		return MessagePage{}, internal(err)
	}
	msgs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) {
		var m Message
		err := r.Scan(&m.ID, &m.ChatID, &m.ParentID, &m.Seq, &m.Role, &m.Content, &m.Status, &m.Model,
			&m.InputTokens, &m.OutputTokens, &m.CreatedAt, &m.SiblingIDs)
		m.CreatedAt = m.CreatedAt.UTC()
		return m, err
	})
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
