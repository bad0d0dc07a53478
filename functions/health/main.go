// Command health is the health-check function: GET /health.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/health/api"
	"github.com/archstudio/studio/functions/health/business"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/metrics"
)

type settings struct {
	config.Base
	config.Postgres
	config.Redis
	CheckTimeout time.Duration `envconfig:"HEALTH_CHECK_TIMEOUT" default:"1s"`
	// MetricsToken lets scrapers from other machines read GET
	// /health/metrics; without it only loopback may. Production requires it.
	MetricsToken string `envconfig:"METRICS_TOKEN" secret:"true"`
}

func (s settings) Validate() error {
	if err := s.Base.Validate(); err != nil {
		return err
	}
	if s.Production() && s.MetricsToken == "" {
		return errors.New("METRICS_TOKEN: required in production (it guards /health/metrics)")
	}
	return nil
}

func main() { bootstrap.Function("health", run) }

func run(ctx context.Context, logger *slog.Logger, cfg settings) error {
	reg := metrics.New()
	return bootstrap.ServeWithBackend(ctx, logger, cfg.Base, cfg.Postgres, cfg.Redis, func(pool *pgxpool.Pool, rdb *redis.Client) http.Handler {
		pgProbe := pool.Ping
		redisProbe := func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
		// The router's /metrics gathers these with the function's label.
		reg.MustRegister(business.New(pool, time.Now), business.NewSessions(rdb),
			business.NewDependencies(cfg.CheckTimeout,
				business.Probe{Name: "postgres", Check: pgProbe}, business.Probe{Name: "redis", Check: redisProbe}))
		// /health/metrics: loopback only, or with METRICS_TOKEN (required in production).
		figures := prometheus.NewRegistry()
		figures.MustRegister(business.New(pool, time.Now))
		return api.New(api.Deps{
			Metrics:      promhttp.HandlerFor(figures, promhttp.HandlerOpts{}),
			MetricsToken: cfg.MetricsToken,
			Timeout:      cfg.CheckTimeout,
			Checks: []api.Check{
				{Name: "postgres", Probe: pgProbe},
				{Name: "redis", Probe: redisProbe},
			},
		})
	}, bootstrap.Metrics(reg))
}
