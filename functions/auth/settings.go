package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	session.Config

	GitHubClientID     string `envconfig:"GITHUB_CLIENT_ID"`
	GitHubClientSecret string `envconfig:"GITHUB_CLIENT_SECRET" secret:"true"`
	GitHubScopes       string `envconfig:"GITHUB_SCOPES" default:"read:user user:email"`
	GitHubWebURL       string `envconfig:"GITHUB_WEB_URL" default:"https://github.com"`
	GitHubAPIURL       string `envconfig:"GITHUB_API_URL" default:"https://api.github.com"`
	// PublicURL is the origin users reach the app at: the OAuth callback
	// is PUBLIC_URL/api/auth/github/callback and sign-in returns there.
	PublicURL string `envconfig:"PUBLIC_URL" default:"http://localhost:8080"`
	// TokenKeys is the GitHub token key ring, "id:base64,id:base64",
	// newest first.
	TokenKeys string `envconfig:"TOKEN_KEYS" secret:"true"`

	quota.LimitSettings

	SignInRateLimit  uint64        `envconfig:"SIGNIN_RATE_LIMIT" default:"20"`
	SignInRateWindow time.Duration `envconfig:"SIGNIN_RATE_WINDOW" default:"1m"`
}

func (s settings) githubConfigured() bool { return s.GitHubClientID != "" }

// devSignIn is on only where it cannot be reached in production.
func (s settings) devSignIn() bool { return !s.githubConfigured() && !s.Production() }

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if err := s.Config.Check(); err != nil {
		return err
	}
	if (s.GitHubClientID == "") != (s.GitHubClientSecret == "") {
		return errors.New("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together")
	}
	if s.Production() {
		if !s.githubConfigured() {
			return errors.New("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are required in production")
		}
		if strings.TrimSpace(s.TokenKeys) == "" {
			return errors.New("TOKEN_KEYS is required in production (id:base64key of 32 bytes, newest first)")
		}
	}
	for name, v := range map[string]string{"GITHUB_WEB_URL": s.GitHubWebURL, "GITHUB_API_URL": s.GitHubAPIURL, "PUBLIC_URL": s.PublicURL} {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s: %q is not an http(s) URL", name, v)
		}
	}
	if _, err := s.LimitSettings.Limits(); err != nil {
		return err
	}
	if s.SignInRateLimit == 0 || s.SignInRateWindow < time.Millisecond {
		return errors.New("SIGNIN_RATE_LIMIT must be positive and SIGNIN_RATE_WINDOW at least 1ms")
	}
	return nil
}
