// Command preferences is the preferences function: /api/preferences.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/archstudio/studio/functions/preferences/preferences"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/db"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/redisconn"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	// DefaultModel is the model of users who chose none.
	DefaultModel string `envconfig:"ANTHROPIC_MODEL" default:"claude-sonnet-4-5"`
	// AllowedModels, when set, are the only models a user may choose.
	AllowedModels []string      `envconfig:"ALLOWED_MODELS"`
	CacheTTL      time.Duration `envconfig:"PREFERENCES_CACHE_TTL" default:"10m"`
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if s.DefaultModel == "" {
		return fmt.Errorf("ANTHROPIC_MODEL: must not be empty")
	}
	if len(s.AllowedModels) > 0 && !slices.Contains(s.AllowedModels, s.DefaultModel) {
		return fmt.Errorf("ALLOWED_MODELS: must include ANTHROPIC_MODEL (%s)", s.DefaultModel)
	}
	if s.CacheTTL <= 0 {
		return fmt.Errorf("PREFERENCES_CACHE_TTL: must be positive")
	}
	return nil
}

func main() { bootstrap.Main("preferences", run) }

func run(ctx context.Context, logger *slog.Logger) error {
	var cfg settings
	if err := config.Load(&cfg); err != nil {
		return err
	}
	logger.Info("config", config.Describe(&cfg)...)
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	rdb, err := redisconn.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	store := prefs.NewStore(pool, rdb, prefs.Options{
		DefaultModel: cfg.DefaultModel,
		Models:       cfg.AllowedModels,
		CacheTTL:     cfg.CacheTTL,
	})
	sessions := session.NewStore(rdb, session.Config{})
	h := sessions.Middleware(preferences.New(preferences.Deps{Store: store}))
	return bootstrap.Serve(ctx, logger, cfg.Base, h)
}
