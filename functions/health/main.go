// Command health is the health-check function: GET /health.
package main

import (
	"context"
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
	// MetricsToken guards GET /health/metrics; in production the business
	// figures are served only when it is set.
	MetricsToken string `envconfig:"METRICS_TOKEN" secret:"true"`
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
		var metrics http.Handler
		if cfg.MetricsToken != "" || !cfg.Production() {
			reg := prometheus.NewRegistry()
			reg.MustRegister(business.New(pool, time.Now))
			metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
		}
		return api.New(api.Deps{
			Metrics:      metrics,
			MetricsToken: cfg.MetricsToken,
			Timeout:      cfg.CheckTimeout,
			Checks: []api.Check{
				{Name: "postgres", Probe: pgProbe},
				{Name: "redis", Probe: redisProbe},
			},
		})
	}, bootstrap.Metrics(reg))
}
