// Command github is the GitHub function (/api/github): the signed-in
// user's repositories, publishing a roadmap artifact as issues, and the
// repository's workflow runs and dispatches, all with the user's own
// token.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/github/api"
	"github.com/archstudio/studio/functions/github/publications"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/metrics"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/tokenvault"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis

	GitHubAPIURL  string        `envconfig:"GITHUB_API_URL" default:"https://api.github.com"`
	GitHubTimeout time.Duration `envconfig:"GITHUB_TIMEOUT" default:"10s"`
	// TokenKeys is the key ring the auth function seals tokens with.
	TokenKeys string `envconfig:"TOKEN_KEYS" secret:"true"`
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if u, err := url.Parse(s.GitHubAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("GITHUB_API_URL: %q is not an http(s) URL", s.GitHubAPIURL)
	}
	if s.GitHubTimeout < 100*time.Millisecond || s.GitHubTimeout > 5*time.Minute {
		return fmt.Errorf("GITHUB_TIMEOUT: must be between 100ms and 5m")
	}
	if s.Production() && strings.TrimSpace(s.TokenKeys) == "" {
		return fmt.Errorf("TOKEN_KEYS is required in production")
	}
	return nil
}

func main() { bootstrap.Function("github", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	keys, devKeys, err := tokenvault.KeysFor(cfg.TokenKeys, cfg.Development())
	if err != nil {
		return config.Invalid(err)
	}
	if devKeys {
		logger.Warn("TOKEN_KEYS is unset: GitHub tokens are opened with the public development key")
	}
	reg := metrics.New()
	return bootstrap.ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
		sessions := bootstrap.Sessions(ctx, rdb, session.Config{})
		return api.New(api.Deps{
			Chats:        chatstore.New(pool),
			Tokens:       tokenvault.NewRepository(pool, keys),
			Publications: publications.New(pool),
			GitHub:       githubapi.Config{APIURL: cfg.GitHubAPIURL, Timeout: cfg.GitHubTimeout, Metrics: githubapi.NewMetrics(reg)},
			Authenticate: sessions.Middleware,
		})
	}, bootstrap.Metrics(reg))
}
