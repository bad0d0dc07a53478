package ratelimit

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sethvargo/go-limiter"

	"github.com/archstudio/studio/shared/apperr"
)

// KeyFunc names the bucket a request counts against.
type KeyFunc func(r *http.Request) string

// ByClientIP counts requests per client address (see ClientIP) under a
// name, so different limits never share buckets.
func ByClientIP(name string) KeyFunc {
	return func(r *http.Request) string { return name + ":" + ClientIP(r) }
}

// Refusal answers a request the limiter turned away: e is 429
// rate_limited (with RetryAfter) or, when the store could not count it,
// 503 unavailable.
type Refusal func(w http.ResponseWriter, r *http.Request, e *apperr.Error)

// Middleware lets a request through when its bucket has a token. Over the
// limit it answers 429 rate_limited with Retry-After; when the store
// cannot answer, 503 unavailable: failing open would unlimit everyone
// during an outage.
func Middleware(store limiter.Store, key KeyFunc) func(http.Handler) http.Handler {
	return Refusing(store, key, func(w http.ResponseWriter, r *http.Request, e *apperr.Error) { apperr.Write(w, r, e) })
}

// Refusing is Middleware with its own answer to a refused request, for
// routes a browser navigates to (an OAuth callback), where a JSON error
// would strand the user on a raw page.
func Refusing(store limiter.Store, key KeyFunc, refuse Refusal) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit, remaining, reset, ok, err := store.Take(r.Context(), key(r))
			if err != nil {
				e := apperr.Wrap(err, apperr.Unavailable, "rate limiting is unavailable; try again shortly")
				e.RetryAfter = time.Second
				refuse(w, r, e)
				return
			}
			resetAt := time.Unix(0, int64(reset)) // #nosec G115 -- reset is a Unix time in nanoseconds, below 2^63 until 2262
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.FormatUint(limit, 10))
			h.Set("X-RateLimit-Remaining", strconv.FormatUint(remaining, 10))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(resetAt.Unix(), 10))
			if !ok {
				e := apperr.New(apperr.RateLimited, "too many requests; try again later")
				e.RetryAfter = max(time.Until(resetAt), time.Second)
				refuse(w, r, e)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
