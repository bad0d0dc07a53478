// Command rotate-token-keys re-encrypts every stored GitHub token that is
// not under the newest key of TOKEN_KEYS. Rotate keys in three steps:
// put the new key first in TOKEN_KEYS (new sign-ins use it at once), run
// this command, then remove the old key. It works in batches, skips rows
// another process holds, and is safe to re-run; it exits 1 when some
// tokens could not be opened (their key is missing from TOKEN_KEYS).
//
//	DATABASE_URL        PostgreSQL
//	TOKEN_KEYS          id:base64key,… newest first
//	ROTATE_BATCH_SIZE   rows per transaction (default 100)
package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/tokenvault"
)

type settings struct {
	config.Postgres
	TokenKeys string `envconfig:"TOKEN_KEYS" required:"true" secret:"true"`
	BatchSize int    `envconfig:"ROTATE_BATCH_SIZE" default:"100"`
}

func (s settings) Validate() error {
	if s.BatchSize < 1 {
		return fmt.Errorf("ROTATE_BATCH_SIZE must be at least 1")
	}
	return nil
}

func main() { bootstrap.Main("rotate-token-keys", run) }

func run(ctx context.Context, logger *slog.Logger) error {
	var cfg settings
	if err := config.Load(&cfg); err != nil {
		return err
	}
	keys, err := tokenvault.ParseKeys(cfg.TokenKeys)
	if err != nil {
		return err
	}
	pool, err := backend.OpenPostgres(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := tokenvault.NewRepository(pool, keys).Rotate(ctx, cfg.BatchSize)
	logger.Info("rotation", slog.String("primary_key", keys.Primary()),
		slog.Int("reencrypted", res.Reencrypted), slog.Int("failed", res.Failed))
	if err != nil {
		return err
	}
	if res.Failed > 0 {
		return fmt.Errorf("%d tokens could not be decrypted (key ids %s): add those keys to TOKEN_KEYS and re-run",
			res.Failed, strings.Join(res.FailedKeyIDs, ", "))
	}
	return nil
}
