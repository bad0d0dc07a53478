package quota

import (
	"context"
	"fmt"
)

// counted is a pair of usage_daily columns that are counted, not limited
// (audio, prompt-cache tokens): no Redis counter, no admission check.
type counted struct {
	a, b string // column names, constants of this package
	what string // for errors: "audio", "cache tokens"
}

var (
	audioColumns = counted{"audio_in_ms", "audio_out_ms", "audio"}
	cacheColumns = counted{"cache_creation_tokens", "cache_read_tokens", "cache tokens"}
)

// add adds a and b (negatives count as zero) to userID's record for today,
// creating it when missing; the row it may create has no calls or tokens,
// which the admission rebuild reads as zero. Errors: invalid_argument for a
// bad user id, unavailable when PostgreSQL fails.
func (q *Quota) add(ctx context.Context, c counted, userID string, a, b int64) error {
	uid, err := canonicalUser(userID)
	if err != nil {
		return err
	}
	a, b = max(a, 0), max(b, 0)
	if a == 0 && b == 0 {
		return nil
	}
	// #nosec G201 -- the column names are this package's constants, never input
	sql := fmt.Sprintf(`
		INSERT INTO usage_daily (user_id, day, %[1]s, %[2]s) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, day) DO UPDATE
		   SET %[1]s = usage_daily.%[1]s + EXCLUDED.%[1]s,
		       %[2]s = usage_daily.%[2]s + EXCLUDED.%[2]s`, c.a, c.b)
	if _, err := q.pool.Exec(ctx, sql, uid, Day(q.clock()), a, b); err != nil {
		return unavailable(fmt.Errorf("quota: add %s: %w", c.what, err))
	}
	return nil
}
