// Command stream is the streaming function: chatting with Claude over
// server-sent events and WebSocket, with artifacts and resumable streams
// (POST /api/chats/{id}/messages, GET /api/chats/{id}/events,
// POST /api/chats/{id}/stop, GET /api/ws), and the live workflow runs of
// a GitHub repository (GET /api/github/repos/{owner}/{repo}/runs/events).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/archstudio/studio/functions/stream/api"
	"github.com/archstudio/studio/functions/stream/claude"
	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/functions/stream/runs"
	"github.com/archstudio/studio/functions/stream/voice"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/metrics"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/tokenvault"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	quota.LimitSettings
	config.Models
	config.Attachments
	voice.Config

	AnthropicAPIKey      string        `envconfig:"ANTHROPIC_API_KEY" secret:"true"`
	AnthropicBaseURL     string        `envconfig:"ANTHROPIC_BASE_URL"`
	AnthropicMaxTokens   int           `envconfig:"ANTHROPIC_MAX_TOKENS" default:"4096"`
	AnthropicRetries     int           `envconfig:"ANTHROPIC_RETRIES" default:"3"`
	AnthropicRetryBase   time.Duration `envconfig:"ANTHROPIC_RETRY_BASE" default:"500ms"`
	AnthropicRetryMax    time.Duration `envconfig:"ANTHROPIC_RETRY_MAX" default:"8s"`
	AnthropicIdleTimeout time.Duration `envconfig:"ANTHROPIC_IDLE_TIMEOUT" default:"90s"`
	// AnthropicPromptCaching marks each request's stable prefix with
	// cache_control (claude.Config.PromptCaching).
	AnthropicPromptCaching bool `envconfig:"ANTHROPIC_PROMPT_CACHING" default:"true"`

	ContextTokens      int           `envconfig:"STREAM_CONTEXT_TOKENS" default:"100000"`
	Heartbeat          time.Duration `envconfig:"STREAM_HEARTBEAT" default:"15s"`
	Coalesce           time.Duration `envconfig:"STREAM_COALESCE" default:"30ms"`
	DrainTimeout       time.Duration `envconfig:"STREAM_DRAIN_TIMEOUT" default:"8s"`
	GenerationTimeout  time.Duration `envconfig:"STREAM_GENERATION_TIMEOUT" default:"10m"`
	LockTTL            time.Duration `envconfig:"STREAM_LOCK_TTL" default:"5s"`
	CheckpointInterval time.Duration `envconfig:"STREAM_CHECKPOINT_INTERVAL" default:"1s"`
	CheckpointBytes    int           `envconfig:"STREAM_CHECKPOINT_BYTES" default:"2048"`
	SweepInterval      time.Duration `envconfig:"STREAM_SWEEP_INTERVAL" default:"2s"`
	EventsTTL          time.Duration `envconfig:"STREAM_EVENTS_TTL" default:"1h"`
	EventsMaxLen       int64         `envconfig:"STREAM_EVENTS_MAXLEN" default:"20000"`
	ClientWriteTimeout time.Duration `envconfig:"STREAM_CLIENT_WRITE_TIMEOUT" default:"30s"`
	RedisReaders       int           `envconfig:"STREAM_REDIS_READERS" default:"256"`
	RedisPool          int           `envconfig:"STREAM_REDIS_POOL" default:"64"`
	DBMaxConns         int32         `envconfig:"STREAM_DB_MAX_CONNS" default:"24"`
	WSSendBuffer       int           `envconfig:"STREAM_WS_SEND_BUFFER" default:"64"`
	WSPingInterval     time.Duration `envconfig:"STREAM_WS_PING_INTERVAL" default:"30s"`
	DemoDelay          time.Duration `envconfig:"STREAM_DEMO_DELAY" default:"40ms"`

	// Workflow runs relayed from GitHub (functions/stream/runs).
	GitHubAPIURL     string        `envconfig:"GITHUB_API_URL" default:"https://api.github.com"`
	GitHubTimeout    time.Duration `envconfig:"GITHUB_TIMEOUT" default:"10s"`
	RunsPollInterval time.Duration `envconfig:"STREAM_RUNS_POLL_INTERVAL" default:"5s"`
	TokenKeys        string        `envconfig:"TOKEN_KEYS" secret:"true"`
}

// Validate checks the settings beyond their types.
func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if err := s.Models.Validate(); err != nil {
		return err
	}
	if err := s.Attachments.Validate(); err != nil {
		return err
	}
	if _, err := s.LimitSettings.Limits(); err != nil {
		return err
	}
	if err := s.Config.Check(); err != nil {
		return err
	}
	if s.Production() && s.AnthropicAPIKey == "" {
		return errors.New("ANTHROPIC_API_KEY: required in production (the demo model is for development only)")
	}
	if s.AnthropicBaseURL != "" {
		if u, err := url.Parse(s.AnthropicBaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("ANTHROPIC_BASE_URL: not an absolute URL: %q", s.AnthropicBaseURL)
		}
	}
	if s.AnthropicMaxTokens < 1 {
		return errors.New("ANTHROPIC_MAX_TOKENS: must be at least 1")
	}
	if s.AnthropicRetries < 0 {
		return errors.New("ANTHROPIC_RETRIES: must not be negative")
	}
	if s.DrainTimeout >= s.ShutdownTimeout {
		return fmt.Errorf("STREAM_DRAIN_TIMEOUT (%s) must be shorter than SHUTDOWN_TIMEOUT (%s), so interrupted replies are saved before the process exits", s.DrainTimeout, s.ShutdownTimeout)
	}
	if origins, _ := s.Origins(); len(origins) == 0 {
		return errors.New("ALLOWED_ORIGINS: at least one origin is required")
	}
	if u, err := url.Parse(s.GitHubAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("GITHUB_API_URL: %q is not an http(s) URL", s.GitHubAPIURL)
	}
	if s.RunsPollInterval < time.Second {
		return errors.New("STREAM_RUNS_POLL_INTERVAL: must be at least 1s")
	}
	if s.LockTTL < time.Second || s.CheckpointInterval <= 0 || s.CheckpointBytes < 1 || s.SweepInterval <= 0 {
		return errors.New("STREAM_LOCK_TTL must be at least 1s; STREAM_CHECKPOINT_INTERVAL, STREAM_CHECKPOINT_BYTES and STREAM_SWEEP_INTERVAL must be positive")
	}
	if s.RedisReaders < 1 || s.WSSendBuffer < 1 || s.RedisPool < 1 || s.DBMaxConns < 1 {
		return errors.New("STREAM_REDIS_READERS, STREAM_REDIS_POOL, STREAM_DB_MAX_CONNS and STREAM_WS_SEND_BUFFER must be at least 1")
	}
	return nil
}

func main() { bootstrap.Function("stream", run) }

// streamsGrace bounds the wait, after draining, for the client streams to
// send their last events and close (api.Handler.Wait).
const streamsGrace = 3 * time.Second

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	limits, _ := cfg.LimitSettings.Limits()
	origins, _ := cfg.Origins() // checked by Validate

	// Every reply makes a dozen short statements and many Redis appends;
	// with thousands at once, the default pools (4 and 20 connections)
	// queued them for longer than a request may wait.
	pool, err := backend.OpenPostgresPool(ctx, cfg.DatabaseURL, cfg.DBMaxConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	rdb, err := backend.OpenRedisPool(cfg.RedisURL, cfg.RedisPool)
	if err != nil {
		return err
	}
	defer rdb.Close()
	// Each chat being watched holds one connection in a blocking read, so
	// the readers get a pool of their own.
	readers, err := backend.OpenRedisPool(cfg.RedisURL, cfg.RedisReaders)
	if err != nil {
		return err
	}
	defer readers.Close()
	// The chat locks' renewals get a connection of their own: queued
	// behind the appends of thousands of replies they came too late.
	leases, err := backend.OpenRedisPool(cfg.RedisURL, 2)
	if err != nil {
		return err
	}
	defer leases.Close()

	store := chatstore.New(pool)
	events := hub.New(rdb, hub.Options{TTL: cfg.EventsTTL, MaxLen: cfg.EventsMaxLen, Readers: readers, Logger: logger})
	defer events.Close()
	reg := metrics.New()
	quotas := quota.New(pool, rdb, quota.Options{Defaults: limits, Metrics: quota.NewMetrics(reg)})
	prefStore := prefs.NewStore(pool, rdb, prefs.Options{DefaultModel: cfg.DefaultModel, Models: cfg.AllowedModels})
	stt, tts := cfg.Config.Build(cfg.Production(), logger)
	var blobs *blobstore.Store
	if cfg.BlobStoreURL != "" {
		if blobs, err = blobstore.Open(ctx, cfg.BlobStoreURL, nil); err != nil {
			return config.Invalid(err)
		}
	}
	gens := generation.New(generation.Deps{
		Blobs:       blobs,
		Store:       store,
		Quota:       quotas,
		Hub:         events,
		Model:       newMeteredModel(chooseModel(cfg, logger), reg),
		Prefs:       prefStore,
		Logger:      logger,
		LeaseClient: leases,
		Config: generation.Config{
			MaxTokens:       cfg.AnthropicMaxTokens,
			ContextTokens:   cfg.ContextTokens,
			Coalesce:        cfg.Coalesce,
			Timeout:         cfg.GenerationTimeout,
			LockTTL:         cfg.LockTTL,
			Checkpoint:      cfg.CheckpointInterval,
			CheckpointBytes: cfg.CheckpointBytes,
		},
	})
	// Stop requests must keep arriving while draining, so this outlives ctx.
	listenCtx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	defer stopListening()
	if err := gens.Listen(listenCtx); err != nil {
		logger.Warn("stream: stop requests from other instances unavailable until Redis answers", slog.Any("error", err))
	}
	gens.SweepStale(ctx)
	generationsGauge(reg, gens.Running)
	// Replies of generations that died on any instance end within a
	// lease and a sweep.
	go gens.Sweep(listenCtx, cfg.SweepInterval)

	keys, devKeys, err := tokenvault.KeysFor(cfg.TokenKeys, cfg.Development())
	if err != nil {
		return config.Invalid(err)
	}
	if devKeys {
		logger.Warn("TOKEN_KEYS is unset: GitHub tokens are opened with the public development key")
	}
	sessions := bootstrap.Sessions(ctx, rdb, session.Config{})
	relay := runs.New(runs.Deps{
		Redis:        rdb,
		Tokens:       tokenvault.NewRepository(pool, keys),
		GitHub:       githubapi.Config{APIURL: cfg.GitHubAPIURL, Timeout: cfg.GitHubTimeout, Metrics: githubapi.NewMetrics(reg)},
		Logger:       logger,
		Config:       runs.Config{MinInterval: cfg.RunsPollInterval, Heartbeat: cfg.Heartbeat},
		Authenticate: sessions.Middleware,
	})
	chat := api.New(api.Deps{
		Generations: gens,
		Hub:         events,
		Store:       store,
		Voice: voice.New(voice.Deps{STT: stt, TTS: tts, Usage: quotas, Prefs: prefStore, Logger: logger,
			MaxUtterance: cfg.MaxUtterance, MaxBytes: cfg.MaxUtteranceBytes}),
		Runs:         relay,
		Authenticate: sessions.Middleware,
		Streams:      streamGauges(reg),
		Logger:       logger,
		Config: api.Config{
			Heartbeat:      cfg.Heartbeat,
			WriteTimeout:   cfg.ClientWriteTimeout,
			AllowedOrigins: origins,
			WSSendBuffer:   cfg.WSSendBuffer,
			WSPingInterval: cfg.WSPingInterval,
		},
	})
	// The runs relay has its own routes beside the chat streams.
	h := http.NewServeMux()
	h.Handle("/api/github/", relay.Handler())
	h.Handle("/", chat)
	err = bootstrap.Serve(ctx, logger, cfg.Base, h,
		bootstrap.Metrics(reg),
		bootstrap.LongLived(),
		bootstrap.OnShutdown(func() { gens.Drain(cfg.DrainTimeout) }))
	// Serve has returned once every request's handler ended; generations
	// whose clients had left may still be saving, and the streams served
	// off their handlers (WebSockets, live SSE) end soon after.
	gens.Drain(cfg.DrainTimeout)
	chat.Wait(streamsGrace)
	return err
}

// chooseModel is Claude when a key is set, else (outside production, as
// Validate ensures) the labelled demo model.
func chooseModel(cfg settings, logger *slog.Logger) model.Model {
	if cfg.AnthropicAPIKey == "" {
		logger.Warn("ANTHROPIC_API_KEY is not set: replies come from the demo model, not Claude")
		return model.Demo{Delay: cfg.DemoDelay}
	}
	return claude.New(claude.Config{
		APIKey:      cfg.AnthropicAPIKey,
		BaseURL:     cfg.AnthropicBaseURL,
		Model:       cfg.DefaultModel,
		Allowed:     cfg.AllowedModels,
		Retries:     cfg.AnthropicRetries,
		RetryBase:   cfg.AnthropicRetryBase,
		RetryMax:    cfg.AnthropicRetryMax,
		IdleTimeout: cfg.AnthropicIdleTimeout,
		Logger:      logger,

		PromptCaching: cfg.AnthropicPromptCaching,
	})
}
