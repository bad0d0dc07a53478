package quota

import (
	"strings"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

// DateLayout is how a UTC day is written in keys and in the API.
const DateLayout = "2006-01-02"

// Day returns the start (00:00 UTC) of t's UTC day.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ResetsAt returns the next 00:00 UTC after t, when t's day's counts stop
// applying.
func ResetsAt(t time.Time) time.Time { return Day(t).AddDate(0, 0, 1) }

// keys are the Redis keys of one user's day.
type keys struct {
	day    string // hash: calls, tokens
	limits string // hash: calls, tokens (-1 = configured default)
	// rebuilt is present for rebuildWindow after a mid-day rebuild.
	rebuilt string
}

func keysFor(userID string, day time.Time) keys {
	prefix := "quota:{" + userID + "}:"
	d := day.Format(DateLayout)
	return keys{day: prefix + d, limits: prefix + "limits", rebuilt: prefix + d + ":rebuilt"}
}

func (k keys) all() []string { return []string{k.day, k.limits, k.rebuilt} }

// dayTTL is how long day's hash should still live at now; not positive
// once the hash is of no more use.
func dayTTL(day, now time.Time) time.Duration {
	return day.AddDate(0, 0, 1).Add(dayGrace).Sub(now)
}

// canonicalUser returns userID lower-cased, so one user never has two sets
// of counters, or an Unauthenticated error when it is not a UUID.
func canonicalUser(userID string) (string, error) {
	if !ids.Valid(userID) {
		return "", apperr.Wrap(ErrUnknownUser, apperr.Unauthenticated, "sign in again")
	}
	return strings.ToLower(userID), nil
}
