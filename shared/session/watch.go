package session

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// endedChannel carries the digests of sessions as they end, published in
// the same MULTI as their deletion, so every instance that cached one drops
// it at once instead of honouring it for up to the cache TTL.
const endedChannel = "session-ended"

// watchPing is how often a quiet subscription is pinged: a connection that
// died without a reset is noticed within about twice this, and until then
// the cache TTL is still the bound.
const watchPing = 15 * time.Second

// Watch keeps this instance's session cache in step with sessions ended
// anywhere: it subscribes to endedChannel and evicts what is announced.
// The cache is used only while the subscription is up, and emptied on
// every (re)subscription, since what was announced meanwhile is lost. A
// Store nobody watches (a Lambda, whose goroutines freeze between
// invocations, or a test) never caches. Watch returns when ctx ends.
func (s *Store) Watch(ctx context.Context) {
	if s.cache == nil {
		return
	}
	ps := s.rdb.Subscribe(ctx, endedChannel)
	// A receive waits out its timeout whatever ctx does; closing ends it.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer func() {
		stop()
		s.cache.setLive(false)
		_ = ps.Close()
	}()
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, watchPing)
		var ne net.Error
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && errors.As(err, &ne) && ne.Timeout() && !pinged:
			// Quiet: ask for a pong; no pong within the next wait is an error.
			pinged = ps.Ping(ctx) == nil
			continue
		case err != nil:
			// go-redis reconnects and resubscribes on the next receive.
			s.cache.setLive(false)
			pinged = false
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				s.cache.flush()
				s.cache.setLive(true)
			}
		case *redis.Message:
			s.cache.evict(strings.Fields(m.Payload)...)
		}
	}
}

// Watching reports whether the cache is in use: Watch is subscribed.
func (s *Store) Watching() bool { return s.cache != nil && s.cache.live.Load() }
