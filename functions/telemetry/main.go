// Command telemetry receives the SPA's error reports: POST /api/client-errors.
package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/archstudio/studio/functions/telemetry/api"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/ratelimit"
)

type settings struct {
	config.Base
	config.Redis
	ReportsPerMinute uint64 `envconfig:"CLIENT_ERRORS_PER_MINUTE" default:"20"`
}

func main() { bootstrap.Function("telemetry", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	rdb, err := backend.OpenRedis(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	store, err := ratelimit.NewStore(rdb, ratelimit.Config{Tokens: cfg.ReportsPerMinute, Interval: time.Minute, Prefix: "ratelimit:client-errors:"})
	if err != nil {
		return err
	}
	return bootstrap.Serve(ctx, logger, cfg.Base, api.New(api.Deps{Limiter: store}))
}
