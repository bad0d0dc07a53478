// Command backup is the backup function: daily (POST /internal/backup/run
// from the router's scheduler, or an EventBridge scheduled event) it dumps
// PostgreSQL with pg_dump into BACKUP_DIR, verifies the dump by restoring
// it into a scratch database, and removes dumps older than BACKUP_KEEP.
// Its metrics say when the newest verified backup finished and its size.
package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/archstudio/studio/functions/backup/api"
	"github.com/archstudio/studio/functions/backup/dump"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/metrics"
)

type settings struct {
	config.Base
	config.Postgres
	Dir   string        `envconfig:"BACKUP_DIR" default:".data/backups"`
	Keep  time.Duration `envconfig:"BACKUP_KEEP" default:"168h"`
	PGBin string        `envconfig:"BACKUP_PG_BIN"`
	Token string        `envconfig:"BACKUP_TOKEN" secret:"true"`
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if s.Dir == "" {
		return errors.New("BACKUP_DIR: must name a directory")
	}
	if s.Keep < 24*time.Hour {
		return errors.New("BACKUP_KEEP: must be at least 24h")
	}
	return nil
}

func main() { bootstrap.Function("backup", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	if _, err := dump.FindPGBin(cfg.PGBin); err != nil {
		// Serve anyway: the stale-backup alert and each run's error say
		// what is missing, and the rest of the studio starts.
		logger.Error("backups will fail", slog.Any("error", err))
	}
	backups := dump.New(dump.Config{DatabaseURL: cfg.DatabaseURL, Dir: cfg.Dir, Keep: cfg.Keep, PGBin: cfg.PGBin})
	reg := metrics.New()
	reg.MustRegister(dump.NewCollector(cfg.Dir))
	return bootstrap.Serve(ctx, logger, cfg.Base, api.New(backups, cfg.Token),
		bootstrap.Metrics(reg),
		bootstrap.ScheduledJob(func(ctx context.Context) (any, error) { return backups.Run(ctx) }))
}
