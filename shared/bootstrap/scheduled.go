package bootstrap

import (
	"context"
	"log/slog"
	"time"

	"github.com/archstudio/studio/shared/logging"
)

// runScheduled runs job for a scheduled event from source with the
// function's logger in ctx, so the job's own log lines reach CloudWatch
// like a request's do. A missing job or a failed run is an invocation
// error: Lambda counts it, EventBridge retries it, and the log says why.
func runScheduled(ctx context.Context, logger *slog.Logger, job func(context.Context) (any, error), source string) (any, error) {
	logger = logger.With(slog.String("event", "scheduled"), slog.String("source", source))
	if job == nil {
		logger.ErrorContext(ctx, "scheduled run refused", slog.Any("error", errNoScheduledJob))
		return nil, errNoScheduledJob
	}
	ctx = logging.WithLogger(ctx, logger)
	start := time.Now()
	logger.InfoContext(ctx, "scheduled run started")
	res, err := job(ctx)
	if err != nil {
		logger.ErrorContext(ctx, "scheduled run failed", slog.Any("error", err), slog.Duration("took", time.Since(start)))
		return nil, err
	}
	logger.InfoContext(ctx, "scheduled run done", slog.Any("result", res), slog.Duration("took", time.Since(start)))
	return res, nil
}
