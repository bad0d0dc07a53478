// Package claude streams replies from the Anthropic Messages API through
// the official Go SDK. The SDK's own retries are off: this package retries
// upstream failures (overloaded, rate limited, 5xx, network) itself, with
// bounded exponential backoff and only before the first token, so that a
// retry never repeats text the user has already seen and every retry is
// visible in the logs and in tests.
package claude

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/apperr"
)

// Config configures a Client.
type Config struct {
	APIKey  string
	BaseURL string // "" for the real API
	// Model answers users who chose none; Allowed, when set, are the only
	// models a user's preference may name (an older preference naming one
	// since withdrawn gets Model).
	Model   string
	Allowed []string
	// Retries is how many times a failure before the first token is
	// retried; RetryBase the first backoff, doubled each time up to
	// RetryMax (a retry-after header may ask for longer, up to RetryMax).
	Retries   int
	RetryBase time.Duration
	RetryMax  time.Duration
	// IdleTimeout aborts an attempt when the API sends nothing (not even
	// a ping) for this long.
	IdleTimeout time.Duration
	// HTTPClient is optional.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// PromptCaching marks the stable prefix of each request with
	// cache_control (see params).
	PromptCaching bool
	// OnRetry, when set, is told of every retry (for tests and metrics).
	OnRetry func(attempt int, err error, wait time.Duration)
}

// Client implements model.Model with Claude.
type Client struct {
	cfg Config
	sdk anthropic.Client
}

// New returns a client. It makes no request.
func New(cfg Config) *Client {
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 500 * time.Millisecond
	}
	if cfg.RetryMax < cfg.RetryBase {
		cfg.RetryMax = max(8*time.Second, cfg.RetryBase)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 90 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	opts := []option.RequestOption{
		// Configuration comes from our settings only, never from
		// ANTHROPIC_* variables the SDK would otherwise read itself.
		option.WithoutEnvironmentDefaults(),
		option.WithAPIKey(cfg.APIKey),
		option.WithMaxRetries(0),
	}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	return &Client{cfg: cfg, sdk: anthropic.NewClient(opts...)}
}

// Name implements model.Model.
func (c *Client) Name(preferred string) string {
	if preferred == "" || (len(c.cfg.Allowed) > 0 && !slices.Contains(c.cfg.Allowed, preferred)) {
		return c.cfg.Model
	}
	return preferred
}

// Stream implements model.Model.
func (c *Client) Stream(ctx context.Context, req model.Request, emit func(string)) (model.Usage, error) {
	params := c.params(req)
	for attempt := 0; ; attempt++ {
		usage, started, err := c.attempt(ctx, params, emit)
		if err == nil {
			return usage, nil
		}
		if ctx.Err() != nil {
			return usage, context.Cause(ctx)
		}
		if started || !retryable(err) || attempt >= c.cfg.Retries {
			c.cfg.Logger.WarnContext(ctx, "claude request failed",
				slog.Int("attempt", attempt+1), slog.Bool("after_first_token", started), slog.Any("error", err))
			return usage, userError(err)
		}
		wait := c.backoff(attempt, err)
		c.cfg.Logger.InfoContext(ctx, "claude request failed, retrying",
			slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.Any("error", err))
		if c.cfg.OnRetry != nil {
			c.cfg.OnRetry(attempt+1, err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return usage, context.Cause(ctx)
		case <-t.C:
		}
	}
}

var errIdle = errors.New("claude: no event within the idle timeout")

// errTruncated is a stream that ended without message_stop.
var errTruncated = fmt.Errorf("claude: stream ended early: %w", io.ErrUnexpectedEOF)

// attempt makes one streaming request. started reports whether any text
// reached emit.
func (c *Client) attempt(ctx context.Context, params anthropic.MessageNewParams, emit func(string)) (usage model.Usage, started bool, err error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(c.cfg.IdleTimeout, func() { cancel(errIdle) })
	defer idle.Stop()

	stream := c.sdk.Messages.NewStreaming(actx, params)
	defer stream.Close()
	var msg anthropic.Message
	stopped := false
	for stream.Next() {
		idle.Reset(c.cfg.IdleTimeout)
		ev := stream.Current()
		if err := msg.Accumulate(ev); err != nil {
			c.cfg.Logger.WarnContext(ctx, "claude: unexpected event", slog.String("type", ev.Type), slog.Any("error", err))
		}
		switch ev.Type {
		case "content_block_delta":
			if ev.Delta.Type == "text_delta" && ev.Delta.Text != "" {
				started = true
				emit(ev.Delta.Text)
			}
		case "message_stop":
			stopped = true
		}
	}
	usage = model.Usage{InputTokens: int(msg.Usage.InputTokens), OutputTokens: int(msg.Usage.OutputTokens),
		CacheCreationInputTokens: int(msg.Usage.CacheCreationInputTokens), CacheReadInputTokens: int(msg.Usage.CacheReadInputTokens)}
	err = stream.Err()
	switch {
	case context.Cause(actx) == errIdle && ctx.Err() == nil:
		return usage, started, errIdle
	case err != nil:
		return usage, started, err
	case !stopped:
		return usage, started, errTruncated
	}
	return usage, started, nil
}

// retryable reports whether err is worth another attempt: the API is
// overloaded, rate limiting or failing, or the network is.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var apiErr *anthropic.Error
	if errors.As(err, &apiErr) {
		switch apiErr.Type() {
		case "overloaded_error", "rate_limit_error", "api_error":
			return true
		}
		s := apiErr.StatusCode
		return s == http.StatusTooManyRequests || s == 529 || s >= 500
	}
	// Anything that is not an answer of the API is the network failing:
	// refused or reset connections, timeouts, a stream cut short.
	return true
}

// backoff is the wait before retry attempt+1: exponential with jitter,
// at least what a retry-after header asks, at most RetryMax.
func (c *Client) backoff(attempt int, err error) time.Duration {
	d := c.cfg.RetryBase << attempt
	if d > c.cfg.RetryMax || d <= 0 {
		d = c.cfg.RetryMax
	}
	d = d/2 + rand.N(d/2+1) // #nosec G404 -- retry jitter needs no unpredictability
	var apiErr *anthropic.Error
	if errors.As(err, &apiErr) && apiErr.Response != nil {
		if s, perr := strconv.Atoi(apiErr.Response.Header.Get("retry-after")); perr == nil && s > 0 {
			d = max(d, time.Duration(s)*time.Second)
		}
	}
	return min(d, c.cfg.RetryMax)
}

// userError turns a failure into the message the user sees; the cause
// stays wrapped for the log.
func userError(err error) error {
	var apiErr *anthropic.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Type() == "overloaded_error" || apiErr.StatusCode == 529:
			return apperr.Wrap(err, apperr.Upstream, "Claude is overloaded right now; please try again in a moment")
		case apiErr.Type() == "rate_limit_error" || apiErr.StatusCode == http.StatusTooManyRequests:
			return apperr.Wrap(err, apperr.Upstream, "Claude is rate limiting this studio; please try again shortly")
		case apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden:
			return apperr.Wrap(err, apperr.Upstream, "the studio's Claude credentials were refused")
		case apiErr.StatusCode == http.StatusBadRequest || apiErr.StatusCode == http.StatusRequestEntityTooLarge:
			return apperr.Wrap(err, apperr.Upstream, "Claude rejected the request")
		}
		return apperr.Wrap(err, apperr.Upstream, "Claude failed to answer; please try again")
	}
	if errors.Is(err, errIdle) {
		return apperr.Wrap(err, apperr.Upstream, "Claude stopped responding")
	}
	return apperr.Wrap(err, apperr.Upstream, "could not reach Claude; please try again")
}
