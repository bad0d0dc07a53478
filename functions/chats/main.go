// Command chats is the chats function: /api/chats and their messages.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/chats/api"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	// Of the session settings only SESSION_CACHE_TTL is used here: the
	// lifetimes travel with each session from auth.
	session.Config
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	return s.Config.Check()
}

func main() { bootstrap.Function("chats", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	return bootstrap.ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
		sessions := session.NewStore(rdb, cfg.Config)
		return api.New(api.Deps{Store: chatstore.New(pool), Authenticate: sessions.Middleware})
	})
}
