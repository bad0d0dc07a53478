// Package bootstrap is the one call every function's main makes: it runs the
// same http.Handler as an AWS Lambda (API Gateway HTTP API / function URL
// events) when AWS_LAMBDA_RUNTIME_API is set, and otherwise as an HTTP
// server on the address the router hands it, with graceful shutdown.
package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/buildinfo"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/cors"
	"github.com/archstudio/studio/shared/csrf"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/metrics"
	"github.com/archstudio/studio/shared/requestid"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/secheaders"
)

// Main runs a function binary named name: it builds the JSON logger, a
// context cancelled by SIGTERM or SIGINT, and calls run. An error from run
// is logged and the process exits 1, or config.ExitInvalid when the error
// is a refused configuration (its message names the variable), which tells
// the router that restarting cannot help.
//
// With LOG_DIR set, its warnings and errors also go to
// LOG_DIR/<name>.error.log (see logging.Open).
func Main(name string, run func(ctx context.Context, logger *slog.Logger) error) {
	if len(os.Args) == 2 && os.Args[1] == HealthcheckFlag {
		os.Exit(healthcheck())
	}
	logs, err := logging.Open(logging.ConfigFromEnv(), os.Stderr, name,
		slog.String("function", name), slog.String("version", buildinfo.Version))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(config.ExitInvalid)
	}
	logger := logs.Logger
	if err := servePprof(name, logger); err != nil {
		logger.Error("exit", slog.Any("error", err))
		_ = logs.Close()
		os.Exit(config.ExitInvalid)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	ctx = withScrubber(ctx, logs.Scrubber)
	err = run(ctx, logger)
	stop()
	if err != nil {
		logger.Error("exit", slog.Any("error", err))
		_ = logs.Close()
		if errors.Is(err, config.ErrInvalid) {
			os.Exit(config.ExitInvalid)
		}
		os.Exit(1)
	}
	_ = logs.Close()
}

// Function is Main for a binary configured from the environment: it loads
// and logs its configuration C (see LoadConfig), then calls run with it.
func Function[C any](name string, run func(ctx context.Context, logger *slog.Logger, cfg C) error) {
	Main(name, func(ctx context.Context, logger *slog.Logger) error {
		var cfg C
		if err := LoadConfig(logger, &cfg); err != nil {
			return err
		}
		if s := scrubberFrom(ctx); s != nil {
			s.AddSecrets(config.Secrets(&cfg)...)
		}
		return run(ctx, logger, cfg)
	})
}

// Option adjusts how Serve runs a handler.
type Option func(*options)

type options struct {
	metrics    *metrics.Registry
	longLived  bool
	job        func(ctx context.Context) (any, error)
	onShutdown []func()
}

// Metrics makes Serve expose reg, the registry the function's own
// families are on; without it Serve makes one with the HTTP, build and
// runtime families only.
func Metrics(reg *metrics.Registry) Option { return func(o *options) { o.metrics = reg } }

// LongLived removes the write timeout, for functions that hold streams
// (SSE, WebSocket) open for minutes. Under Lambda the function is served
// through a function URL with InvokeMode RESPONSE_STREAM: its responses are
// streamed as written.
func LongLived() Option { return func(o *options) { o.longLived = true } }

// ScheduledJob makes Lambda answer scheduled events (an EventBridge rule's
// or EventBridge Scheduler's) by running job; HTTP events still go to the
// handler.
func ScheduledJob(job func(ctx context.Context) (any, error)) Option {
	return func(o *options) { o.job = job }
}

// OnShutdown registers f to run when the HTTP server starts shutting down,
// so long-lived handlers can wind down their streams.
func OnShutdown(f func()) Option {
	return func(o *options) { o.onShutdown = append(o.onShutdown, f) }
}

// Browser is how a function treats browsers.
type Browser struct {
	// Origins are the origins whose pages may call the function with the
	// user's cookie (ALLOWED_ORIGINS): CORS answers them, and the CSRF
	// check accepts their state-changing requests.
	Origins []string
	// HSTS sends Strict-Transport-Security on every response: under
	// Lambda, where API Gateway and function URLs speak only HTTPS.
	// Behind the router, the router decides.
	HSTS bool
}

// Wrap adds what every function's handler needs around it: a request ID,
// the logger in the context, the API's security headers, panic recovery,
// the CORS policy and the CSRF check (shared/csrf) for b's origins, and
// the refusal of query strings that do not parse (routing.StrictQuery). Serve
// applies it, so no function can leave a route out.
func Wrap(logger *slog.Logger, b Browser, h http.Handler) http.Handler {
	h = routing.StrictQuery(h)
	h = csrf.Middleware(b.Origins)(h)
	h = cors.Middleware(b.Origins)(h)
	h = apperr.Recover(h)
	h = secheaders.Middleware(secheaders.Policy{AlwaysHSTS: b.HSTS})(h)
	return requestid.Middleware(logging.Middleware(logger)(h))
}

// Serve runs h until ctx ends. Under Lambda it never returns.
func Serve(ctx context.Context, logger *slog.Logger, base config.Base, h http.Handler, opts ...Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	origins, err := base.Origins()
	if err != nil {
		return config.Invalid(err)
	}
	if o.metrics == nil {
		o.metrics = metrics.New()
	}
	h = o.metrics.Instrument(h)
	if onLambda() {
		logger.Info("starting as lambda")
		// No scrape reaches a Lambda: its figures go out as CloudWatch
		// EMF lines on stdout after each invocation.
		h = Wrap(logger, Browser{Origins: origins, HSTS: true}, h)
		startLambda(ctx, logger, o.metrics.EMF(os.Stdout, os.Getenv("AWS_LAMBDA_FUNCTION_NAME"), h), o)
		return nil
	}
	return serveHTTP(ctx, logger, base, withMetricsPath(Wrap(logger, Browser{Origins: origins}, h), o.metrics), o)
}

// withMetricsPath serves the registry at metrics.Path for the router to
// gather, outside the request metrics, and everything else with h.
func withMetricsPath(h http.Handler, reg *metrics.Registry) http.Handler {
	m := reg.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == metrics.Path {
			m.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func serveHTTP(ctx context.Context, logger *slog.Logger, base config.Base, h http.Handler, o options) error {
	ln, err := Listen(base.ListenAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: base.ReadTimeout,
		ReadTimeout:       base.ReadTimeout,
		WriteTimeout:      base.WriteTimeout,
		IdleTimeout:       base.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if o.longLived {
		srv.WriteTimeout = 0
		srv.ReadTimeout = 0
	}
	for _, f := range o.onShutdown {
		srv.RegisterOnShutdown(f)
	}
	if o.longLived {
		if err := serveHandoffs(srv, logger); err != nil {
			_ = ln.Close()
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", slog.String("addr", base.ListenAddr))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.Duration("timeout", base.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), base.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Listen opens "unix:/path" (removing a stale socket first) or a TCP
// "host:port".
func Listen(addr string) (net.Listener, error) {
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		ln, err := net.Listen("unix", path)
		if err != nil {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		return ln, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return ln, nil
}

// onLambda reports whether the function runs as a Lambda (the runtime API
// is set) rather than under the router.
func onLambda() bool { return os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" }
