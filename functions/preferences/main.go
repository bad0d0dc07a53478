// Command preferences is the preferences function: /api/preferences.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/preferences/api"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	config.Models
	CacheTTL time.Duration `envconfig:"PREFERENCES_CACHE_TTL" default:"10m"`
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if err := s.Models.Validate(); err != nil {
		return err
	}
	if s.CacheTTL <= 0 {
		return fmt.Errorf("PREFERENCES_CACHE_TTL: must be positive")
	}
	return nil
}

func main() { bootstrap.Function("preferences", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	return bootstrap.ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
		store := prefs.NewStore(pool, rdb, prefs.Options{
			DefaultModel: cfg.DefaultModel,
			Models:       cfg.AllowedModels,
			CacheTTL:     cfg.CacheTTL,
		})
		sessions := bootstrap.Sessions(ctx, rdb, session.Config{})
		return api.New(api.Deps{Store: store, Authenticate: sessions.Middleware})
	})
}
