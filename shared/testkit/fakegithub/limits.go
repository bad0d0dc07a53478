package fakegithub

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Failure makes the fake answer matching requests with an error, the way
// GitHub does, instead of serving them.
type Failure struct {
	// Method and PathSuffix select requests ("" matches any); PathSuffix
	// is matched against the path without the /api/v3 prefix.
	Method     string
	PathSuffix string
	// Kind is one of the Fail… constants.
	Kind FailureKind
	// After is how many matching requests are served normally first.
	After int
	// Times is how many requests fail; 0 means 1.
	Times int
	// Delay holds the answer back this long first (FailSlow).
	Delay time.Duration
}

// FailureKind is what GitHub answers.
type FailureKind string

// The failures the fake can simulate.
const (
	// FailRateLimit: the primary rate limit (403, X-RateLimit-Remaining 0).
	FailRateLimit FailureKind = "rate_limit"
	// FailSecondaryRateLimit: a secondary rate limit (403 with
	// Retry-After and GitHub's documentation URL).
	FailSecondaryRateLimit FailureKind = "secondary_rate_limit"
	// FailServerError: 502 Bad Gateway with GitHub's unicorn body.
	FailServerError FailureKind = "server_error"
	// FailSlow: the answer is held back by Delay, then served normally.
	FailSlow FailureKind = "slow"
)

// Fail queues f; each matching request uses up one of its Times.
func (f *Fake) Fail(fl Failure) {
	if fl.Times <= 0 {
		fl.Times = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, fl)
}

// Revoke makes token invalid, as when the user revokes the app: GitHub
// then answers 401 Bad credentials.
func (f *Fake) Revoke(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tokens, token)
}

// SetRateLimit sets each token's hourly request allowance (5000 by
// default) and forgets what was used.
func (f *Fake) SetRateLimit(limit int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limit = limit
	f.used = map[string]int{}
}

// RateUsed returns how many requests of token counted against its rate
// limit; 304 Not Modified answers do not count, as on GitHub.
func (f *Fake) RateUsed(token string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.used[token]
}

// rateReset is when the fake's rate-limit window ends.
func (f *Fake) rateReset() time.Time { return f.now().Truncate(time.Hour).Add(time.Hour) }

// spend counts a request against token's rate limit and sets GitHub's
// X-RateLimit-* headers, or answers 403 as GitHub does when none is left.
func (f *Fake) spend(w http.ResponseWriter, _ *http.Request, token string) bool {
	f.mu.Lock()
	limit, used := f.limit, f.used[token]
	exhausted := used >= limit
	if !exhausted {
		used++
		f.used[token] = used
	}
	reset := f.rateReset()
	f.mu.Unlock()
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-used))
	h.Set("X-RateLimit-Used", strconv.Itoa(used))
	h.Set("X-RateLimit-Reset", itoa(reset.Unix()))
	h.Set("X-RateLimit-Resource", "core")
	if exhausted {
		writeRateLimited(w, reset)
		return false
	}
	return true
}

// refund takes back a request that ended in 304 Not Modified.
func (f *Fake) refund(w http.ResponseWriter, token string) {
	f.mu.Lock()
	if f.used[token] > 0 {
		f.used[token]--
	}
	used, limit := f.used[token], f.limit
	f.mu.Unlock()
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(limit-used, 0)))
	w.Header().Set("X-RateLimit-Used", strconv.Itoa(used))
}

func writeRateLimited(w http.ResponseWriter, reset time.Time) {
	h := w.Header()
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", itoa(reset.Unix()))
	writeJSON(w, http.StatusForbidden, apiError{
		Message:          "API rate limit exceeded for user ID 1001. If you reach out to GitHub Support for help, please include the request ID.",
		DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
		Status:           "403",
	})
}

// inject answers with a queued failure that matches r, if any.
func (f *Fake) inject(w http.ResponseWriter, r *http.Request) bool {
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	f.mu.Lock()
	var fl *Failure
	for i := range f.failures {
		c := &f.failures[i]
		if (c.Method == "" || c.Method == r.Method) && strings.HasSuffix(path, c.PathSuffix) {
			if c.After > 0 {
				c.After--
				break
			}
			c.Times--
			cp := *c
			fl = &cp
			if c.Times <= 0 {
				f.failures = append(f.failures[:i], f.failures[i+1:]...)
			}
			break
		}
	}
	reset := f.rateReset()
	f.mu.Unlock()
	if fl == nil {
		return false
	}
	switch fl.Kind {
	case FailRateLimit:
		writeRateLimited(w, reset)
	case FailSecondaryRateLimit:
		w.Header().Set("Retry-After", "60")
		writeJSON(w, http.StatusForbidden, apiError{
			Message:          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
			DocumentationURL: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			Status:           "403",
		})
	case FailServerError:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Unicorn! · GitHub</title></head><body>No server is currently available to service your request.</body></html>"))
	case FailSlow:
		select {
		case <-time.After(fl.Delay):
		case <-r.Context().Done():
		}
		return false
	}
	return true
}
