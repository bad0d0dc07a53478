package config

import (
	"fmt"
	"slices"
	"time"
)

// Base holds the settings every function binary shares. Embed it.
type Base struct {
	AppEnv   string `envconfig:"APP_ENV" default:"development"`
	LogLevel string `envconfig:"LOG_LEVEL" default:"info"`
	// ListenAddr is where the HTTP server listens outside Lambda: the router
	// hands each function "unix:/path.sock"; "host:port" is TCP.
	ListenAddr      string        `envconfig:"LISTEN_ADDR" default:"127.0.0.1:8081"`
	ReadTimeout     time.Duration `envconfig:"HTTP_READ_TIMEOUT" default:"15s"`
	WriteTimeout    time.Duration `envconfig:"HTTP_WRITE_TIMEOUT" default:"30s"`
	IdleTimeout     time.Duration `envconfig:"HTTP_IDLE_TIMEOUT" default:"120s"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"20s"`
	// AllowedOrigins is a comma-separated list of origins
	// (scheme://host[:port]) whose pages may call the API with cookies;
	// every function's CORS and CSRF checks use it (see Origins).
	AllowedOrigins string `envconfig:"ALLOWED_ORIGINS" default:"http://localhost:8080"`
}

// Production reports whether development shortcuts must be refused.
func (b Base) Production() bool { return b.AppEnv == Production }

// Validate checks the shared settings.
func (b Base) Validate() error {
	switch b.AppEnv {
	case Development, Test, Production:
	default:
		return fmt.Errorf("APP_ENV: must be development, test or production, not %q", b.AppEnv)
	}
	if _, err := b.Origins(); err != nil {
		return err
	}
	return nil
}

// Postgres is embedded by functions that use the database.
type Postgres struct {
	DatabaseURL string `envconfig:"DATABASE_URL" required:"true" secret:"true"`
}

// Redis is embedded by functions that use Redis.
type Redis struct {
	RedisURL string `envconfig:"REDIS_URL" required:"true" secret:"true"`
}

// Models is embedded by the functions that name Claude models: the stream
// function calls the model, the preferences function lets users choose it.
// One struct keeps the default the same in both.
type Models struct {
	// DefaultModel is the model of users who chose none.
	DefaultModel string `envconfig:"ANTHROPIC_MODEL" default:"claude-sonnet-5-5"`
	// AllowedModels, when set, are the only models a user may choose.
	AllowedModels []string `envconfig:"ALLOWED_MODELS"`
}

// Validate checks the model settings.
func (m Models) Validate() error {
	if m.DefaultModel == "" {
		return fmt.Errorf("ANTHROPIC_MODEL: must not be empty")
	}
	if len(m.AllowedModels) > 0 && !slices.Contains(m.AllowedModels, m.DefaultModel) {
		return fmt.Errorf("ALLOWED_MODELS: must include ANTHROPIC_MODEL (%s)", m.DefaultModel)
	}
	return nil
}

// Attachments is embedded by the functions that store, send, count or
// expire attached files (attachments, stream, usage, retention).
type Attachments struct {
	// MaxFileBytes bounds one attached file.
	MaxFileBytes int64 `envconfig:"ATTACHMENT_MAX_BYTES" default:"10485760"`
	// QuotaBytes bounds all of one user's attached files.
	QuotaBytes int64 `envconfig:"ATTACHMENT_QUOTA_BYTES" default:"104857600"`
	// BlobStoreURL, when set, keeps the files in an S3-compatible store
	// (s3://BUCKET?region=…&endpoint=…); unset, in PostgreSQL.
	BlobStoreURL string `envconfig:"BLOB_STORE_URL" secret:"true"`
	// PresignedUploads has browsers PUT files straight to the store (on
	// AWS, where Lambda refuses payloads over 6 MB); needs BlobStoreURL.
	PresignedUploads bool `envconfig:"BLOB_PRESIGNED_UPLOADS" default:"false"`
}

// Validate checks the attachment settings.
func (a Attachments) Validate() error {
	switch {
	case a.MaxFileBytes <= 0:
		return fmt.Errorf("ATTACHMENT_MAX_BYTES: must be positive")
	case a.QuotaBytes < a.MaxFileBytes:
		return fmt.Errorf("ATTACHMENT_QUOTA_BYTES: must be at least ATTACHMENT_MAX_BYTES")
	case a.PresignedUploads && a.BlobStoreURL == "":
		return fmt.Errorf("BLOB_PRESIGNED_UPLOADS: needs BLOB_STORE_URL")
	}
	return nil
}
