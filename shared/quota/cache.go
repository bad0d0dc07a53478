package quota

import "context"

// AddCacheTokens adds the input tokens a reply wrote to (creation) and
// read from (read) Claude's prompt cache to userID's record for today.
// They are counted beside the tokens, not limited (see add): the daily
// token limit charges what Settle is given. Errors: invalid_argument for a
// bad user id, unavailable when PostgreSQL fails. A settled call records
// them with Reservation.SettleWithCache instead, in its one write; this is
// for a call whose reservation was released.
func (q *Quota) AddCacheTokens(ctx context.Context, userID string, creation, read int64) error {
	return q.add(ctx, cacheColumns, userID, creation, read)
}
