package quota

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
)

// HistoryDays is how many days a Report covers, today included.
const HistoryDays = 30

// DayUsage is one UTC day's usage of one user.
type DayUsage struct {
	Date       string `json:"date"`
	APICalls   int64  `json:"api_calls"`
	TokensUsed int64  `json:"tokens_used"`
	// Audio seconds transcribed and spoken by the server (see AddAudio).
	AudioInSeconds  float64 `json:"audio_in_seconds"`
	AudioOutSeconds float64 `json:"audio_out_seconds"`
	// Input tokens written to and read from Claude's prompt cache (see
	// Reservation.SettleWithCache); tokens_used counts only those billed in full.
	CacheCreationTokens int64 `json:"cache_creation_tokens"`
	CacheReadTokens     int64 `json:"cache_read_tokens"`
}

// Report is a user's usage as GET /api/usage shows it.
type Report struct {
	Today    DayUsage  `json:"today"`
	Limits   Limits    `json:"limits"`
	ResetsAt time.Time `json:"resets_at"`
	// History is the last HistoryDays days, newest first, days without use
	// included as zeros.
	History []DayUsage `json:"history"`
}

// Overrides are a user's own limits; nil means the configured default.
type Overrides struct {
	DailyCalls  *int64
	DailyTokens *int64
}

// Report returns userID's usage today and over the last HistoryDays days,
// read from the record, with the limits that apply to the user.
func (q *Quota) Report(ctx context.Context, userID string) (Report, error) {
	uid, err := canonicalUser(userID)
	if err != nil {
		return Report{}, err
	}
	now := q.clock().UTC()
	o, err := q.Overrides(ctx, uid)
	if err != nil {
		return Report{}, err
	}
	history, err := q.history(ctx, uid, Day(now), HistoryDays)
	if err != nil {
		return Report{}, err
	}
	return Report{Today: history[0], Limits: q.apply(o), ResetsAt: ResetsAt(now), History: history}, nil
}

// Limits returns the limits that apply to userID today.
func (q *Quota) Limits(ctx context.Context, userID string) (Limits, error) {
	o, err := q.Overrides(ctx, userID)
	if err != nil {
		return Limits{}, err
	}
	return q.apply(o), nil
}

func (q *Quota) apply(o Overrides) Limits {
	l := q.defaults
	if o.DailyCalls != nil {
		l.DailyCalls = *o.DailyCalls
	}
	if o.DailyTokens != nil {
		l.DailyTokens = *o.DailyTokens
	}
	return l
}

// History returns userID's last days days (today first), zeros included.
func (q *Quota) History(ctx context.Context, userID string, days int) ([]DayUsage, error) {
	uid, err := canonicalUser(userID)
	if err != nil {
		return nil, err
	}
	return q.history(ctx, uid, Day(q.clock()), max(days, 1))
}

func (q *Quota) history(ctx context.Context, uid string, today time.Time, days int) ([]DayUsage, error) {
	from := today.AddDate(0, 0, -(days - 1))
	rows, err := q.pool.Query(ctx, `
		SELECT day, api_calls, tokens_used, audio_in_ms, audio_out_ms, cache_creation_tokens, cache_read_tokens FROM usage_daily
		 WHERE user_id = $1 AND day BETWEEN $2 AND $3`, uid, from, today)
	if err != nil {
		return nil, unavailable(fmt.Errorf("quota: history: %w", err))
	}
	byDate := map[string]DayUsage{}
	var day time.Time
	var u DayUsage
	var inMS, outMS int64
	_, err = pgx.ForEachRow(rows, []any{&day, &u.APICalls, &u.TokensUsed, &inMS, &outMS, &u.CacheCreationTokens, &u.CacheReadTokens}, func() error {
		u.Date = day.Format(DateLayout)
		u.AudioInSeconds, u.AudioOutSeconds = float64(inMS)/1000, float64(outMS)/1000
		byDate[u.Date] = u
		return nil
	})
	if err != nil {
		return nil, unavailable(fmt.Errorf("quota: history: %w", err))
	}
	out := make([]DayUsage, days)
	for i := range out {
		d := today.AddDate(0, 0, -i).Format(DateLayout)
		out[i] = byDate[d]
		out[i].Date = d
	}
	return out, nil
}

// Overrides returns userID's own limits.
func (q *Quota) Overrides(ctx context.Context, userID string) (Overrides, error) {
	uid, err := canonicalUser(userID)
	if err != nil {
		return Overrides{}, err
	}
	var o Overrides
	err = q.pool.QueryRow(ctx, `SELECT daily_call_limit, daily_token_limit FROM users WHERE id = $1`, uid).
		Scan(&o.DailyCalls, &o.DailyTokens)
	if errors.Is(err, pgx.ErrNoRows) {
		return Overrides{}, apperr.Wrap(ErrUnknownUser, apperr.Unauthenticated, "sign in again")
	}
	if err != nil {
		return Overrides{}, unavailable(fmt.Errorf("quota: limits: %w", err))
	}
	return o, nil
}

// SetOverrides stores userID's own limits (nil = default) and drops the
// cached copy in Redis, so reservations apply them at once. Should only
// the drop fail, the error wraps ErrCacheStale: the change is stored and
// applies within Options.LimitsCacheTTL.
func (q *Quota) SetOverrides(ctx context.Context, userID string, o Overrides) error {
	uid, err := canonicalUser(userID)
	if err != nil {
		return err
	}
	for name, v := range map[string]*int64{"calls": o.DailyCalls, "tokens": o.DailyTokens} {
		if v != nil && *v < 0 {
			return apperr.InvalidField(name, "must not be negative")
		}
	}
	tag, err := q.pool.Exec(ctx, `
		UPDATE users SET daily_call_limit = $2, daily_token_limit = $3, updated_at = now()
		 WHERE id = $1`, uid, o.DailyCalls, o.DailyTokens)
	if err != nil {
		return fmt.Errorf("quota: set limits: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return apperr.Wrap(ErrUnknownUser, apperr.NotFound, "no such user")
	}
	if err := q.rdb.Del(ctx, keysFor(uid, Day(q.clock())).limits).Err(); err != nil {
		return fmt.Errorf("%w (it expires within %s): %w", ErrCacheStale, q.limitsTTL, err)
	}
	return nil
}
