package quota

import (
	"context"
	"math"
)

// AddAudio adds audio seconds heard (in) and spoken (out) to userID's
// record for today. Audio is counted, not limited (see add). Errors:
// invalid_argument for a bad user id, unavailable when PostgreSQL fails.
func (q *Quota) AddAudio(ctx context.Context, userID string, in, out float64) error {
	return q.add(ctx, audioColumns, userID, int64(math.Round(max(in, 0)*1000)), int64(math.Round(max(out, 0)*1000)))
}
