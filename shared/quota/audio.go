package quota

import (
	"context"
	"fmt"
	"math"
)

// AddAudio adds audio seconds heard (in) and spoken (out) to userID's
// record for today. Audio is counted, not limited, so it needs no Redis
// counter; the row it may create has no calls or tokens, which the
// admission rebuild reads as zero. Errors: invalid_argument for a bad
// user id, unavailable when PostgreSQL fails.
func (q *Quota) AddAudio(ctx context.Context, userID string, in, out float64) error {
	uid, err := canonicalUser(userID)
	if err != nil {
		return err
	}
	inMS, outMS := int64(math.Round(max(in, 0)*1000)), int64(math.Round(max(out, 0)*1000))
	if inMS == 0 && outMS == 0 {
		return nil
	}
	_, err = q.pool.Exec(ctx, `
		INSERT INTO usage_daily (user_id, day, audio_in_ms, audio_out_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, day) DO UPDATE
		   SET audio_in_ms = usage_daily.audio_in_ms + EXCLUDED.audio_in_ms,
		       audio_out_ms = usage_daily.audio_out_ms + EXCLUDED.audio_out_ms`,
		uid, Day(q.clock()), inMS, outMS)
	if err != nil {
		return unavailable(fmt.Errorf("quota: add audio: %w", err))
	}
	return nil
}
