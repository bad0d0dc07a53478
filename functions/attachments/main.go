// Command attachments is the attachments function: files attached to a
// user's chats, kept in PostgreSQL or, with BLOB_STORE_URL, in an
// S3-compatible store.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/attachments/api"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/filekind"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	config.Attachments
}

func (s settings) Validate() error { return s.Attachments.Validate() }

func main() { bootstrap.Function("attachments", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	var blobs *blobstore.Store
	if cfg.BlobStoreURL != "" {
		var err error
		if blobs, err = blobstore.Open(ctx, cfg.BlobStoreURL, nil); err != nil {
			return config.Invalid(err)
		}
	}
	limits := filekind.DefaultLimits
	limits.MaxBytes = cfg.MaxFileBytes
	return bootstrap.ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
		sessions := bootstrap.Sessions(ctx, rdb, session.Config{})
		return api.New(api.Deps{Store: chatstore.New(pool), Blobs: blobs, Presigned: cfg.PresignedUploads,
			Limits: limits, QuotaBytes: cfg.QuotaBytes, Authenticate: sessions.Middleware, Logger: logger})
	})
}
