// Command auth is the sign-in function: GitHub OAuth with PKCE,
// development sign-in, the signed-in user and their sessions (/api/auth).
package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/archstudio/studio/functions/auth/api"
	"github.com/archstudio/studio/functions/auth/github"
	"github.com/archstudio/studio/functions/auth/loginstate"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/ratelimit"
	"github.com/archstudio/studio/shared/tokenvault"
)

func main() { bootstrap.Function("auth", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	keys, err := tokenKeys(cfg, logger)
	if err != nil {
		return config.Invalid(err)
	}
	limits, _ := cfg.LimitSettings.Limits() // checked by Validate
	pool, rdb, closeBackend, err := backend.Open(ctx, cfg.Postgres, cfg.Redis)
	if err != nil {
		return err
	}
	defer closeBackend()
	limiter, err := ratelimit.NewStore(rdb, ratelimit.Config{Tokens: cfg.SignInRateLimit, Interval: cfg.SignInRateWindow})
	if err != nil {
		return err
	}
	var gh *github.Client
	if cfg.githubConfigured() {
		gh = github.New(github.Config{
			ClientID:     cfg.GitHubClientID,
			ClientSecret: cfg.GitHubClientSecret,
			WebURL:       cfg.GitHubWebURL,
			APIURL:       cfg.GitHubAPIURL,
			Scopes:       github.ParseScopes(cfg.GitHubScopes),
			CallbackURL:  strings.TrimRight(cfg.PublicURL, "/") + "/api/auth/github/callback",
		})
	} else if cfg.devSignIn() {
		logger.Warn("GitHub sign-in is not configured (GITHUB_CLIENT_ID unset): development sign-in is enabled")
	}
	h := api.New(api.Deps{
		Pool:          pool,
		Sessions:      bootstrap.Sessions(ctx, rdb, cfg.Config),
		States:        loginstate.New(rdb, loginstate.TTL),
		Tokens:        tokenvault.NewRepository(pool, keys),
		GitHub:        gh,
		DevSignIn:     cfg.devSignIn(),
		SignInLimiter: limiter,
		PublicURL:     cfg.PublicURL,
		DefaultLimits: limits,
	})
	return bootstrap.Serve(ctx, logger, cfg.Base, h)
}

// tokenKeys reads TOKEN_KEYS; in development an unset TOKEN_KEYS falls
// back to the fixed development key, loudly (Validate refuses it
// elsewhere).
func tokenKeys(cfg settings, logger *slog.Logger) (*tokenvault.KeyRing, error) {
	if strings.TrimSpace(cfg.TokenKeys) == "" && cfg.Development() {
		logger.Warn("TOKEN_KEYS is unset: GitHub tokens are encrypted with the public development key; set TOKEN_KEYS outside development")
		return tokenvault.DevelopmentKeys(), nil
	}
	return tokenvault.ParseKeys(cfg.TokenKeys)
}
