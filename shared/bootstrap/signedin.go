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

// SignedInFunction is the main of a function that serves signed-in users
// from PostgreSQL alone: it loads BackendSettings, opens the backend and
// serves build's handler, given the pool and the session middleware.
func SignedInFunction(name string, build func(pool *pgxpool.Pool, authenticate session.Authenticate) http.Handler) {
	Function(name, func(ctx context.Context, logger *slog.Logger, cfg BackendSettings) error {
		return ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
			return build(pool, session.NewStore(rdb, session.Config{}).Middleware)
		})
	})
}
