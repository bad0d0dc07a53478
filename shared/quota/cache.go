package quota

import (
	"context"
	"fmt"
)

// AddCacheTokens adds the input tokens a reply wrote to (creation) and
// read from (read) Claude's prompt cache to userID's record for today.
// They are counted beside the tokens, not limited: the daily token limit
// charges what Settle is given. Errors: invalid_argument for a bad user
// id, unavailable when PostgreSQL fails.
func (q *Quota) AddCacheTokens(ctx context.Context, userID string, creation, read int64) error {
	uid, err := canonicalUser(userID)
	if err != nil {
		return err
	}
	creation, read = max(creation, 0), max(read, 0)
	if creation == 0 && read == 0 {
		return nil
	}
	_, err = q.pool.Exec(ctx, `
		INSERT INTO usage_daily (user_id, day, cache_creation_tokens, cache_read_tokens) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, day) DO UPDATE
		   SET cache_creation_tokens = usage_daily.cache_creation_tokens + EXCLUDED.cache_creation_tokens,
		       cache_read_tokens = usage_daily.cache_read_tokens + EXCLUDED.cache_read_tokens`,
		uid, Day(q.clock()), creation, read)
	if err != nil {
		return unavailable(fmt.Errorf("quota: add cache tokens: %w", err))
	}
	return nil
}
