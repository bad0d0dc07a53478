package hub

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// stopTTL is how long a stop request waits in its key for the generating
// instance's next poll, should the pub/sub message be missed.
const stopTTL = time.Minute

// RequestStop asks chat's running generation, on whichever instance, to
// stop. It reports false when no generation is running.
func (h *Hub) RequestStop(ctx context.Context, chat string) (bool, error) {
	gen, err := h.Active(ctx, chat)
	if err != nil || gen == "" {
		return false, err
	}
	_, err = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, h.stopKey(chat), gen, stopTTL)
		p.Publish(ctx, h.stopChannel(), chat+" "+gen)
		return nil
	})
	return err == nil, err
}

// StopRequested reports whether a stop of generation gen of chat waits in
// its key: the fallback the generating instance polls.
func (h *Hub) StopRequested(ctx context.Context, chat, gen string) (bool, error) {
	v, err := h.rdb.Get(ctx, h.stopKey(chat)).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return v == gen, err
}

// ListenStops calls fn for every stop request published by any instance
// until ctx ends. It returns once subscribed, and resubscribes after a
// connection loss (the polled key covers the gap).
func (h *Hub) ListenStops(ctx context.Context, fn func(chat, gen string)) error {
	ps := h.rdb.Subscribe(ctx, h.stopChannel())
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return err
	}
	go func() {
		defer ps.Close()
		ch := ps.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				chat, gen, found := strings.Cut(m.Payload, " ")
				if !found {
					h.opts.Logger.Warn("hub: malformed stop message", slog.String("payload", m.Payload))
					continue
				}
				fn(chat, gen)
			}
		}
	}()
	return nil
}
