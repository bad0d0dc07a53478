// Command chats is the chats function: /api/chats and their messages.
package main

import (
	"context"
	"log/slog"

	"github.com/archstudio/studio/functions/chats/api"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
}

func main() { bootstrap.Function("chats", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	pool, rdb, closeBackend, err := backend.Open(ctx, cfg.Postgres, cfg.Redis)
	if err != nil {
		return err
	}
	defer closeBackend()
	sessions := session.NewStore(rdb, session.Config{})
	h := api.New(api.Deps{Store: chatstore.New(pool), Authenticate: sessions.Middleware})
	return bootstrap.Serve(ctx, logger, cfg.Base, h)
}
