// Command usage is the usage function: GET /api/usage.
package main

import (
	"context"
	"log/slog"

	"github.com/archstudio/studio/functions/usage/api"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	quota.LimitSettings
}

// Validate runs the shared checks and refuses negative default limits.
func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	_, err := s.LimitSettings.Limits()
	return err
}

func main() { bootstrap.Function("usage", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	limits, _ := cfg.LimitSettings.Limits() // checked by Validate
	pool, rdb, closeBackend, err := backend.Open(ctx, cfg.Postgres, cfg.Redis)
	if err != nil {
		return err
	}
	defer closeBackend()
	sessions := session.NewStore(rdb, session.Config{})
	h := api.New(api.Deps{
		Usage:        quota.New(pool, rdb, quota.Options{Defaults: limits}),
		Authenticate: sessions.Middleware,
	})
	return bootstrap.Serve(ctx, logger, cfg.Base, h)
}
