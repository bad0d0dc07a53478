package backend

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenPostgres returns a pool for url with bounded connect and statement
// times.
// It does not wait for the server: a function starts while the database is
// still coming up, and its health check says so.
func OpenPostgres(ctx context.Context, url string) (*pgxpool.Pool, error) {
	return OpenPostgresPool(ctx, url, 0)
}

// OpenPostgresPool is OpenPostgres with a pool of up to maxConns
// connections when url sets no pool_max_conns (0: the default), for a
// long-lived server whose requests each make many short statements.
func OpenPostgresPool(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: DATABASE_URL: %w", redact(err))
	}
	cfg.ConnConfig.ConnectTimeout = 3 * time.Second
	if _, ok := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = "15000"
	}
	// pgxpool's default (4, or one per CPU) unless the URL says otherwise:
	// a Lambda instance serves one request at a time, so the AWS template
	// sets pool_max_conns=2 and a burst of instances stays within what RDS
	// Proxy hands out.
	if !strings.Contains(url, "pool_max_conns=") {
		cfg.MaxConns = max(cfg.MaxConns, 4, maxConns)
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 30 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: %w", redact(err))
	}
	return pool, nil
}

// redact drops the error text from pgx's parse errors, which can echo the
// connection string and with it the password.
func redact(err error) error {
	return fmt.Errorf("invalid connection settings (%T)", err)
}
