package bootstrap

import (
	"context"

	"github.com/archstudio/studio/shared/logging"
)

// The scrubber travels from Main to Function in the context, so the
// configured secrets reach it without changing run's signature.
type scrubberKey struct{}

func withScrubber(ctx context.Context, s *logging.Scrubber) context.Context {
	return context.WithValue(ctx, scrubberKey{}, s)
}

func scrubberFrom(ctx context.Context) *logging.Scrubber {
	s, _ := ctx.Value(scrubberKey{}).(*logging.Scrubber)
	return s
}
