// Package api answers GET /health: whether this deployment can reach
// its PostgreSQL and Redis, with the build's version.
package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/buildinfo"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/ratelimit"
)

// Check probes one dependency; a nil error means it answered in time.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Deps are what the health handler needs.
type Deps struct {
	Checks []Check
	// Timeout bounds each probe, so a dead dependency is reported quickly
	// instead of hanging the health check.
	Timeout time.Duration
	// Metrics, when set, serves GET /health/metrics (Prometheus format)
	// to loopback clients and to requests with "Authorization: Bearer
	// MetricsToken" (see requireToken).
	Metrics      http.Handler
	MetricsToken string
}

// Result is one dependency's state in the response.
type Result struct {
	Status     string `json:"status"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// Response is the body of GET /health.
type Response struct {
	Status  string            `json:"status"`
	Version string            `json:"version"`
	Commit  string            `json:"commit"`
	Checks  map[string]Result `json:"checks"`
}

// New returns the handler for GET /health.
func New(d Deps) http.Handler {
	if d.Timeout <= 0 {
		d.Timeout = time.Second
	}
	mux := http.NewServeMux()
	mux.Handle("GET /health", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		resp := run(r.Context(), d)
		status := http.StatusOK
		if resp.Status != "ok" {
			status = http.StatusServiceUnavailable
			logging.FromContext(r.Context()).WarnContext(r.Context(), "health check failing", "checks", resp.Checks)
		}
		w.Header().Set("Cache-Control", "no-store")
		jsonio.Write(w, status, resp)
		return nil
	}))
	if d.Metrics != nil {
		mux.Handle("GET /health/metrics", requireToken(d.MetricsToken, d.Metrics))
	}
	mux.Handle("/", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "no such route")
	}))
	return mux
}

func run(ctx context.Context, d Deps) Response {
	resp := Response{Status: "ok", Version: buildinfo.Version, Commit: buildinfo.Commit, Checks: make(map[string]Result, len(d.Checks))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range d.Checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := probe(ctx, c, d.Timeout)
			mu.Lock()
			defer mu.Unlock()
			resp.Checks[c.Name] = res
			if res.Status != "ok" {
				resp.Status = "unavailable"
			}
		}()
	}
	wg.Wait()
	return resp
}

func probe(ctx context.Context, c Check, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	err := c.Probe(ctx)
	res := Result{Status: "ok", DurationMS: time.Since(start).Milliseconds()}
	if err != nil {
		res.Status = "fail"
		// Only the kind of failure: driver errors can name hosts and users.
		res.Error = "unreachable"
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			res.Error = "timeout"
		}
	}
	return res
}

// requireToken is the rule the router's /metrics has: a request that
// sends a token must send the right one (a wrong token is refused even
// from loopback); one that sends none is let in only from the machine
// itself (the client address the router or Lambda reports, see
// ratelimit.ClientIP).
func requireToken(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, sent := r.Header["Authorization"]
		ok := false
		switch {
		case sent:
			ok = token != "" && len(auth) == 1 && subtle.ConstantTimeCompare([]byte(auth[0]), want) == 1
		default:
			ip, err := netip.ParseAddr(ratelimit.ClientIP(r))
			ok = err == nil && ip.IsLoopback()
		}
		if !ok {
			apperr.Write(w, r, apperr.New(apperr.Unauthenticated, "a metrics token is required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
