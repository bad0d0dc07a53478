// Command retention is the retention function: it deletes chats idle for
// longer than their owner's retention, hourly (POST /internal/retention/run
// from the router's scheduler, or an EventBridge scheduled event on AWS).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/archstudio/studio/functions/retention/api"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/prefs"
)

type settings struct {
	config.Base
	config.Postgres
	config.Attachments
	DefaultDays int           `envconfig:"RETENTION_DEFAULT_DAYS" default:"30"`
	BatchSize   int           `envconfig:"RETENTION_BATCH_SIZE" default:"500"`
	MaxDuration time.Duration `envconfig:"RETENTION_MAX_DURATION" default:"25s"`
	ContextAge  time.Duration `envconfig:"RETENTION_CONTEXT_CACHE_MAX_AGE" default:"168h"`
	Token       string        `envconfig:"RETENTION_TOKEN" secret:"true"`
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if s.DefaultDays < prefs.MinRetentionDays || s.DefaultDays > prefs.MaxRetentionDays {
		return fmt.Errorf("RETENTION_DEFAULT_DAYS: must be from %d to %d", prefs.MinRetentionDays, prefs.MaxRetentionDays)
	}
	if s.BatchSize < 1 || s.BatchSize > 10000 {
		return fmt.Errorf("RETENTION_BATCH_SIZE: must be from 1 to 10000")
	}
	if s.MaxDuration <= 0 {
		return fmt.Errorf("RETENTION_MAX_DURATION: must be positive")
	}
	if s.ContextAge <= 0 {
		return fmt.Errorf("RETENTION_CONTEXT_CACHE_MAX_AGE: must be positive")
	}
	return nil
}

func main() { bootstrap.Function("retention", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	pool, err := backend.OpenPostgres(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	var blobs *blobstore.Store
	if cfg.BlobStoreURL != "" {
		if blobs, err = blobstore.Open(ctx, cfg.BlobStoreURL, nil); err != nil {
			return config.Invalid(err)
		}
	}
	job := api.NewJob(api.Deps{
		Blobs:       blobs,
		Store:       chatstore.New(pool),
		DefaultDays: cfg.DefaultDays,
		BatchSize:   cfg.BatchSize,
		MaxDuration: cfg.MaxDuration,
		Token:       cfg.Token,

		ContextCacheMaxAge: cfg.ContextAge,
	})
	return bootstrap.Serve(ctx, logger, cfg.Base, api.New(job), bootstrap.ScheduledJob(job.Scheduled))
}
