package quota

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/logging"
)

// Reservation is one admitted call. Finish it with Settle once the call
// has ended (however it ended, with the tokens it used) or with Release
// when it failed upstream before any token; `defer r.Release(ctx)` after a
// successful Reserve is safe, as Release after Settle does nothing.
type Reservation struct {
	q      *Quota
	userID string
	day    time.Time
	keys   keys

	mu   sync.Mutex
	done bool
}

// UserID returns the (canonical, lower-case) id of the user charged.
func (r *Reservation) UserID() string { return r.userID }

// Day returns the UTC day the call counts on, as YYYY-MM-DD.
func (r *Reservation) Day() string { return r.day.Format(DateLayout) }

// Reserve admits one Claude API call for userID on today's UTC day, or
// refuses it. Refusal is an *apperr.Error with code QuotaExceeded, Details
// {"limit","used","resets_at"} and RetryAfter until the next 00:00 UTC; it
// wraps ErrExceeded. A call is refused when today's calls have reached the
// call limit or today's tokens the token limit. When Reserve returns a
// Reservation, the call is already in the record (see the package comment
// for the ordering). Other errors are Unavailable (Redis or PostgreSQL
// unreachable: the call is refused, never let through uncounted) or
// Unauthenticated (no such user).
func (q *Quota) Reserve(ctx context.Context, userID string) (*Reservation, error) {
	uid, err := canonicalUser(userID)
	if err != nil {
		return nil, err
	}
	now := q.clock().UTC()
	day := Day(now)
	k := keysFor(uid, day)
	for range maxAttempts {
		res, err := reserveScript.Run(ctx, q.rdb, k.all(), q.defaults.DailyCalls, q.defaults.DailyTokens).Int64Slice()
		if err != nil {
			return nil, unavailable(fmt.Errorf("quota: reserve: %w", err))
		}
		switch res[0] {
		case reserveMissing:
			if err := q.load(ctx, uid, day, now, k); err != nil {
				return nil, err
			}
		case reserveRefused:
			q.metrics.rejected(res[1])
			return nil, exceeded(res[1], res[2], res[3], now)
		case reserveAdmitted:
			return q.record(ctx, uid, day, k, res[3] == 1)
		default:
			return nil, unavailable(fmt.Errorf("quota: reserve script answered %v", res))
		}
	}
	return nil, unavailable(errors.New("quota: counters vanished on every attempt"))
}

// load rebuilds the user's day and limits in Redis from PostgreSQL.
func (q *Quota) load(ctx context.Context, uid string, day, now time.Time, k keys) error {
	var callLimit, tokenLimit *int64
	var calls, tokens int64
	err := q.pool.QueryRow(ctx, `
		SELECT u.daily_call_limit, u.daily_token_limit,
		       COALESCE(d.api_calls, 0), COALESCE(d.tokens_used, 0)
		  FROM users u
		  LEFT JOIN usage_daily d ON d.user_id = u.id AND d.day = $2
		 WHERE u.id = $1`, uid, day).Scan(&callLimit, &tokenLimit, &calls, &tokens)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Wrap(ErrUnknownUser, apperr.Unauthenticated, "sign in again")
	}
	if err != nil {
		return unavailable(fmt.Errorf("quota: load usage: %w", err))
	}
	err = loadScript.Run(ctx, q.rdb, k.all(), calls, tokens, overrideArg(callLimit), overrideArg(tokenLimit),
		ms(dayTTL(day, now)), ms(q.limitsTTL), ms(rebuildWindow)).Err()
	if err != nil {
		return unavailable(fmt.Errorf("quota: rebuild counters: %w", err))
	}
	return nil
}

// record writes the admitted call to PostgreSQL (step 2 of the package
// comment). It runs detached from ctx's cancellation: a client that goes
// away mid-statement must not leave it unknown whether the call was
// recorded.
func (q *Quota) record(ctx context.Context, uid string, day time.Time, k keys, rebuilt bool) (*Reservation, error) {
	wctx, cancel := detached(ctx)
	defer cancel()
	var calls, tokens int64
	err := q.pool.QueryRow(wctx, `SELECT api_calls, tokens_used FROM increment_usage($1, $2, 1, 0)`, uid, day).Scan(&calls, &tokens)
	if err != nil {
		// A fresh deadline: the failure may have been wctx running out.
		cctx, ccancel := detached(ctx)
		defer ccancel()
		if rerr := returnCallScript.Run(cctx, q.rdb, []string{k.day, k.rebuilt}, -1).Err(); rerr != nil {
			// Redis stays one call high (conservative) until the key expires
			// or is rebuilt.
			logging.FromContext(ctx).WarnContext(ctx, "quota: could not return an unrecorded call", slog.Any("error", rerr))
		}
		return nil, unavailable(fmt.Errorf("quota: record call: %w", err))
	}
	if rebuilt {
		if err := raiseCallsScript.Run(wctx, q.rdb, []string{k.day, k.rebuilt}, calls).Err(); err != nil {
			logging.FromContext(ctx).WarnContext(ctx, "quota: could not heal calls after a rebuild", slog.Any("error", err))
		}
	}
	return &Reservation{q: q, userID: uid, day: day, keys: k}, nil
}

// finish marks r finished and reports whether it was still open.
func (r *Reservation) finish() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return false
	}
	r.done = true
	return true
}

// Settle records the tokens the call used (the SDK's Message.Usage
// InputTokens and OutputTokens; negative figures count as zero). It returns
// ErrFinished if r was already settled or released. It runs detached from
// ctx's cancellation, as it usually runs while the request is ending.
func (r *Reservation) Settle(ctx context.Context, inputTokens, outputTokens int64) error {
	return r.SettleWithCache(ctx, inputTokens, outputTokens, CacheTokens{})
}

// CacheTokens are the input tokens a call wrote to (Creation) and read
// from (Read) Claude's prompt cache: counted on the reservation's day
// beside its tokens, never limited (the token limit charges what Settle is
// given).
type CacheTokens struct{ Creation, Read int64 }

// SettleWithCache is Settle that also records the call's prompt-cache
// tokens, in the same statement: a reply writes its day's row once.
func (r *Reservation) SettleWithCache(ctx context.Context, inputTokens, outputTokens int64, cache CacheTokens) error {
	if !r.finish() {
		return ErrFinished
	}
	used := max(inputTokens, 0) + max(outputTokens, 0)
	creation, read := max(cache.Creation, 0), max(cache.Read, 0)
	if used == 0 && creation == 0 && read == 0 {
		return nil
	}
	wctx, cancel := detached(ctx)
	defer cancel()
	var calls, tokens int64
	err := r.q.pool.QueryRow(wctx, `SELECT api_calls, tokens_used FROM increment_usage($1, $2, 0, $3, $4, $5)`,
		r.userID, r.day, used, creation, read).Scan(&calls, &tokens)
	if err != nil {
		return fmt.Errorf("quota: settle %d tokens: %w", used, err)
	}
	if ttl := dayTTL(r.day, r.q.clock()); ttl > 0 {
		// A failure here leaves Redis's tokens low until the user's next
		// settlement raises them to the record's total; the record is right.
		if err := settleScript.Run(wctx, r.q.rdb, []string{r.keys.day, r.keys.rebuilt}, calls, tokens, ms(ttl)).Err(); err != nil {
			logging.FromContext(ctx).WarnContext(ctx, "quota: could not raise tokens in redis", slog.Any("error", err))
		}
	}
	return nil
}

// Release gives the reservation back: for a call that failed upstream
// before using any token. It does nothing on a reservation already settled
// or released. The record is decremented before Redis, so a crash between
// the two leaves Redis high (conservative), never low.
func (r *Reservation) Release(ctx context.Context) error {
	if !r.finish() {
		return nil
	}
	wctx, cancel := detached(ctx)
	defer cancel()
	var calls int64
	err := r.q.pool.QueryRow(wctx, `SELECT api_calls FROM increment_usage($1, $2, -1, 0)`, r.userID, r.day).Scan(&calls)
	if err != nil {
		return fmt.Errorf("quota: release: %w", err)
	}
	if err := returnCallScript.Run(wctx, r.q.rdb, []string{r.keys.day, r.keys.rebuilt}, calls).Err(); err != nil {
		return fmt.Errorf("quota: release in redis: %w", err)
	}
	return nil
}

// detached keeps ctx's values (logger, request id) without its
// cancellation, bounded by recordTimeout.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

func unavailable(err error) *apperr.Error {
	return apperr.Wrap(err, apperr.Unavailable, "usage accounting is unavailable; try again shortly")
}

// overrideArg is a limit override as the scripts take it: -1 for NULL.
func overrideArg(v *int64) int64 {
	if v == nil {
		return -1
	}
	return *v
}

func ms(d time.Duration) int64 { return max(d.Milliseconds(), 1) }
