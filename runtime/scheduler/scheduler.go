// Package scheduler makes the router call a function's private path on a
// period (the retention sweep), the way EventBridge invokes the same
// function on AWS. Runs of one job never overlap.
package scheduler

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/archstudio/studio/shared/requestid"
)

// Job is one periodic call: POST URL through Transport every Every.
type Job struct {
	Function string
	// URL is the absolute URL of the private path on the function.
	URL       string
	Transport http.RoundTripper
	Every     time.Duration
	// Timeout bounds one run (default DefaultTimeout). A run longer than
	// Every delays the next; runs never overlap.
	Timeout time.Duration
	// AtStart also runs the job as soon as the scheduler starts.
	AtStart bool
	// Available, when set, skips runs while the function is down.
	Available func() bool
}

// DefaultTimeout bounds a run whose job sets no timeout.
const DefaultTimeout = 10 * time.Minute

// Result is one run's outcome, for the log and tests.
type Result struct {
	Function string
	Status   int
	Err      error
	Duration time.Duration
}

// Run runs every job until ctx ends. onResult, when set, hears each run.
func Run(ctx context.Context, logger *slog.Logger, jobs []Job, onResult func(Result)) {
	done := make(chan struct{})
	for _, j := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			runJob(ctx, logger, j, onResult)
		}()
	}
	for range jobs {
		<-done
	}
}

func runJob(ctx context.Context, logger *slog.Logger, j Job, onResult func(Result)) {
	if j.Timeout <= 0 {
		j.Timeout = DefaultTimeout
	}
	client := &http.Client{Transport: j.Transport}
	tick := time.NewTicker(j.Every)
	defer tick.Stop()
	if j.AtStart {
		once(ctx, logger, client, j, onResult)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			once(ctx, logger, client, j, onResult)
		}
	}
}

func once(ctx context.Context, logger *slog.Logger, client *http.Client, j Job, onResult func(Result)) {
	log := logger.With(slog.String("function", j.Function), slog.String("url", j.URL))
	if j.Available != nil && !j.Available() {
		log.Warn("scheduled call skipped: function is down")
		return
	}
	id := requestid.New()
	ctx, cancel := context.WithTimeout(requestid.WithID(ctx, id), j.Timeout)
	defer cancel()
	start := time.Now()
	res := Result{Function: j.Function}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, http.NoBody)
	if err == nil {
		req.Header.Set(requestid.Header, id)
		var resp *http.Response
		if resp, err = client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			_ = resp.Body.Close()
			res.Status = resp.StatusCode
		}
	}
	res.Err, res.Duration = err, time.Since(start)
	switch {
	case err != nil:
		log.ErrorContext(ctx, "scheduled call failed", slog.Any("error", err), ms(res.Duration))
	case res.Status >= 300:
		log.ErrorContext(ctx, "scheduled call failed", slog.Int("status", res.Status), ms(res.Duration))
	default:
		log.InfoContext(ctx, "scheduled call", slog.Int("status", res.Status), ms(res.Duration))
	}
	if onResult != nil {
		onResult(res)
	}
}

func ms(d time.Duration) slog.Attr {
	return slog.Float64("duration_ms", float64(d.Microseconds())/1000)
}
