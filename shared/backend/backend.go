// Package backend opens the PostgreSQL pool and the Redis client every
// function uses: one of them (OpenPostgres, OpenRedis) or both in one step
// (Open).
package backend

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/config"
)

// Open opens the pool pg names and the Redis client r names, and returns
// a function that closes both. Like OpenPostgres and OpenRedis it does not
// wait for the servers: a function starts while they are still coming up.
//
//	pool, rdb, closeBackend, err := backend.Open(ctx, cfg.Postgres, cfg.Redis)
//	if err != nil {
//		return err
//	}
//	defer closeBackend()
func Open(ctx context.Context, pg config.Postgres, r config.Redis) (*pgxpool.Pool, *redis.Client, func(), error) {
	pool, err := OpenPostgres(ctx, pg.DatabaseURL)
	if err != nil {
		return nil, nil, nil, err
	}
	rdb, err := OpenRedis(r.RedisURL)
	if err != nil {
		pool.Close()
		return nil, nil, nil, err
	}
	return pool, rdb, func() {
		_ = rdb.Close()
		pool.Close()
	}, nil
}
