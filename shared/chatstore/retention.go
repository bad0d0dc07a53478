package chatstore

import (
	"context"
	"time"
)

// Expiry says which chats ExpireChats deletes.
type Expiry struct {
	// Now is the reference time; chats idle for longer than their owner's
	// retention before it are deleted.
	Now time.Time
	// DefaultDays applies to users who set no retention_days preference;
	// MaxDays caps what a preference may say (values below 1 count as 1).
	DefaultDays, MaxDays int
	// BatchSize bounds the chats one statement deletes, so no statement
	// holds locks (or runs into the statement timeout) for long.
	BatchSize int
}

// ExpireChats deletes, for every user, the chats whose last activity is
// older than the user's retention (the retention_days member of their
// preferences document, else DefaultDays), with their messages and
// artifacts by cascade. It deletes in batches until none is left and
// returns how many chats it deleted.
func (s *Store) ExpireChats(ctx context.Context, e Expiry) (int64, error) {
	if e.BatchSize <= 0 {
		e.BatchSize = 500
	}
	if e.MaxDays < 1 {
		e.MaxDays = 1
	}
	e.DefaultDays = min(max(e.DefaultDays, 1), e.MaxDays)
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		// The first updated_at condition is implied by the second (no
		// retention is shorter than a day) but lets the index on updated_at
		// narrow the scan. SKIP LOCKED leaves chats being written to alone.
		tag, err := s.db.Exec(ctx, `
			DELETE FROM chat_sessions WHERE id IN (
				SELECT c.id
				  FROM chat_sessions c
				  LEFT JOIN user_preferences p ON p.user_id = c.user_id
				 WHERE c.updated_at < $1::timestamptz - interval '1 day'
				   AND c.updated_at < $1::timestamptz - make_interval(days => COALESCE(
				         CASE WHEN jsonb_typeof(p.document -> 'retention_days') = 'number'
				              THEN LEAST(GREATEST(floor((p.document ->> 'retention_days')::numeric), 1), $3)::int
				         END, $2))
				 ORDER BY c.updated_at
				 LIMIT $4
				   FOR UPDATE OF c SKIP LOCKED)`,
			e.Now, e.DefaultDays, e.MaxDays, e.BatchSize)
		if err != nil {
			return total, internal(err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < int64(e.BatchSize) {
			return total, nil
		}
	}
}
