package backend

import (
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// OpenRedis returns the one client a function shares among sessions,
// quotas, rate limits and streams, for url (redis://host:port/db), with
// short timeouts, so a Redis outage is reported in about a second instead
// of hanging.
func OpenRedis(url string) (*redis.Client, error) {
	return OpenRedisPool(url, 0)
}

// OpenRedisPool is OpenRedis with a pool of poolSize connections (0: the
// URL's pool_size, else go-redis's default), for clients that hold a
// connection per blocking read.
func OpenRedisPool(url string, poolSize int) (*redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: REDIS_URL: %w", err)
	}
	opts.DialTimeout = time.Second
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	opts.PoolTimeout = 2 * time.Second
	opts.MaxRetries = 1
	if poolSize > 0 {
		opts.PoolSize = poolSize
	}
	return redis.NewClient(opts), nil
}
