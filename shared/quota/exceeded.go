package quota

import (
	"time"

	"github.com/archstudio/studio/shared/apperr"
)

// exceeded is the refusal of a reservation at now: apperr.Write turns it
// into 429 {"error":{"code":"quota_exceeded","message","limit","used",
// "resets_at"}} with Retry-After in seconds until the next 00:00 UTC.
func exceeded(which, limit, used int64, now time.Time) *apperr.Error {
	msg := "You have used today's API calls. The limit resets at 00:00 UTC."
	if which == refusedTokens {
		msg = "You have used today's tokens. The limit resets at 00:00 UTC."
	}
	resets := ResetsAt(now)
	return &apperr.Error{
		Code:    apperr.QuotaExceeded,
		Message: msg,
		Details: map[string]any{
			"limit":     limit,
			"used":      used,
			"resets_at": resets.Format(time.RFC3339),
		},
		RetryAfter: resets.Sub(now),
		Err:        ErrExceeded,
	}
}
