package bootstrap

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/config"
)

// ServeWithBackend opens PostgreSQL and Redis (backend.Open), builds the
// handler on them, serves it (Serve) until ctx ends and then closes them:
// the run of a function that needs both.
func ServeWithBackend(ctx context.Context, logger *slog.Logger, base config.Base, pg config.Postgres, r config.Redis,
	build func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler, opts ...Option) error {
	pool, rdb, closeBackend, err := backend.Open(ctx, pg, r)
	if err != nil {
		return err
	}
	defer closeBackend()
	return Serve(ctx, logger, base, build(pool, rdb), opts...)
}
