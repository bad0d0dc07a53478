package chatstore

import (
	"context"

	"github.com/archstudio/studio/shared/ids"
)

// Checkpoint is the partial content of a streaming message to save.
type Checkpoint struct {
	UserID, MessageID, Content string
}

// CheckpointMessages saves many streaming messages' partial content in one
// statement (CheckpointMessage for each, as one round trip: thousands of
// replies streaming at once checkpoint every second). It returns the ids
// of the messages saved; one missing from it no longer streams (a sweep
// ended it) or is not its user's, and was left unchanged. Checkpoints with
// invalid ids or text are skipped.
func (s *Store) CheckpointMessages(ctx context.Context, cps []Checkpoint) (map[string]bool, error) {
	msgIDs := make([]string, 0, len(cps))
	userIDs := make([]string, 0, len(cps))
	contents := make([]string, 0, len(cps))
	for _, cp := range cps {
		if !ids.Valid(cp.UserID) || !ids.Valid(cp.MessageID) || checkText("content", cp.Content) != nil {
			continue
		}
		msgIDs, userIDs, contents = append(msgIDs, cp.MessageID), append(userIDs, cp.UserID), append(contents, cp.Content)
	}
	saved := make(map[string]bool, len(msgIDs))
	if len(msgIDs) == 0 {
		return saved, nil
	}
	rows, err := s.db.Query(ctx, `
		UPDATE messages m SET content = v.content
		  FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS v(id, user_id, content), chat_sessions c
		 WHERE m.id = v.id AND m.session_id = c.id AND c.user_id = v.user_id AND m.status = 'streaming'
		RETURNING m.id::text`, msgIDs, userIDs, contents)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, internal(err)
		}
		saved[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	return saved, nil
}
