package bootstrap

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/session"
)

// BackendSettings are the settings of a function that needs PostgreSQL
// and Redis and nothing of its own.
type BackendSettings struct {
	config.Base
	config.Postgres
	config.Redis
}

// SignedInSettings are BackendSettings and the session settings: of
// those only SESSION_CACHE_TTL matters here, since the lifetimes travel
// with each session from auth.
type SignedInSettings struct {
	BackendSettings
	session.Config
}

// Validate checks the base and the session settings.
func (s SignedInSettings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	return s.Config.Check()
}

// SignedInFunction is the main of a function that serves signed-in users
// from PostgreSQL alone: it loads SignedInSettings, opens the backend and
// serves build's handler, given the pool and the session middleware.
func SignedInFunction(name string, build func(pool *pgxpool.Pool, authenticate session.Authenticate) http.Handler) {
	Function(name, func(ctx context.Context, logger *slog.Logger, cfg SignedInSettings) error {
		return ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
			return build(pool, Sessions(ctx, rdb, cfg.Config).Middleware)
		})
	})
}
