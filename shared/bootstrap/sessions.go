package bootstrap

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/session"
)

// Sessions is a function's session store. Its cache watches for sessions
// ended anywhere for as long as ctx lives, except on Lambda: a frozen
// instance would miss the announcements, so there the cache stays unused
// and every request asks Redis.
func Sessions(ctx context.Context, rdb *redis.Client, cfg session.Config) *session.Store {
	s := session.NewStore(rdb, cfg)
	if !onLambda() {
		go s.Watch(ctx)
	}
	return s
}
