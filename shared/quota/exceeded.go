package quota

import (
	"time"

	"github.com/archstudio/studio/shared/apperr"
)

// exceeded is the refusal of a reservation at now: apperr.Write turns it
// into 429 {"error":{"code":"quota_exceeded","message","resource","limit",
// "used","resets_at"}} with Retry-After in seconds until the next 00:00
// UTC. resource ("api_calls" or "tokens") says which of the two limits
// refused, so limit and used can be read against the right meter.
func exceeded(which, limit, used int64, now time.Time) *apperr.Error {
	msg, resource := "You have used today's API calls. The limit resets at 00:00 UTC.", "api_calls"
	if which == refusedTokens {
		msg, resource = "You have used today's tokens. The limit resets at 00:00 UTC.", "tokens"
	}
	resets := ResetsAt(now)
	return &apperr.Error{
		Code:    apperr.QuotaExceeded,
		Message: msg,
		Details: map[string]any{
			"resource":  resource,
			"limit":     limit,
			"used":      used,
			"resets_at": resets.Format(time.RFC3339),
		},
		RetryAfter: resets.Sub(now),
		Err:        ErrExceeded,
	}
}
