// Command usage is the usage function: GET /api/usage.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/usage/api"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	quota.LimitSettings
	config.Attachments
}

// Validate runs the shared checks and refuses negative default limits.
func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if _, err := s.LimitSettings.Limits(); err != nil {
		return err
	}
	return s.Attachments.Validate()
}

func main() { bootstrap.Function("usage", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	limits, _ := cfg.LimitSettings.Limits() // checked by Validate
	return bootstrap.ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
		sessions := bootstrap.Sessions(ctx, rdb, session.Config{})
		return api.New(api.Deps{
			Usage:        quota.New(pool, rdb, quota.Options{Defaults: limits}),
			Storage:      chatstore.New(pool),
			StorageQuota: cfg.QuotaBytes,
			Authenticate: sessions.Middleware,
		})
	})
}
