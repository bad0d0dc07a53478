// Package redisconn opens the one Redis client a function shares among
// sessions, quotas, rate limits and streams.
package redisconn

import (
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Open returns a client for url (redis://host:port/db) with short timeouts,
// so a Redis outage is reported in about a second instead of hanging.
func Open(url string) (*redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: REDIS_URL: %w", err)
	}
	opts.DialTimeout = time.Second
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	opts.PoolTimeout = 2 * time.Second
	opts.MaxRetries = 1
	return redis.NewClient(opts), nil
}
