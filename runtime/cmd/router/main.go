// Command router is what a VPS (and `make run`) starts: it runs every
// function binary in the manifest as a child on a Unix socket, proxies
// requests to them by route, restarts them when they die, calls scheduled
// paths, serves the web app, and drains on SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/archstudio/studio/runtime/accesslog"
	"github.com/archstudio/studio/runtime/forwarded"
	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/runtime/metrics"
	"github.com/archstudio/studio/runtime/router"
	"github.com/archstudio/studio/runtime/scheduler"
	"github.com/archstudio/studio/runtime/spa"
	"github.com/archstudio/studio/runtime/supervisor"
	"github.com/archstudio/studio/shared/buildinfo"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/secheaders"
)

func main() {
	tuneGC()
	if len(os.Args) == 2 && os.Args[1] == "-healthcheck" {
		os.Exit(healthcheck())
	}
	// With LOG_DIR set, the access log goes to LOG_DIR/access.log and the
	// router's warnings and errors also to LOG_DIR/router.error.log.
	logs, err := logging.Open(logging.ConfigFromEnv(), os.Stderr, "router", routerAttrs()...)
	if err == nil {
		var w io.Writer
		if w, err = logs.AccessWriter(); err == nil {
			// The access log is batched (accesslog.Buffer): a write call per
			// request cost a fifth of the router's CPU under load.
			buffered := accesslog.NewBuffer(w, 100*time.Millisecond, 32<<10)
			err = run(logs, accessLog(logs, buffered))
			_ = buffered.Close()
		}
		if err != nil {
			logs.Logger.Error("exit", slog.Any("error", err))
		}
		_ = logs.Close()
	}
	if err != nil {
		if logs == nil {
			fmt.Fprintf(os.Stderr, "router: %v\n", err)
		}
		os.Exit(1)
	}
}

// tuneGC sets the collector's target when GOGC is not set: the router's
// live heap is small and nearly all it allocates is per request, so at
// the default 100 it collected several times a second under load.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

const gcPercent = 400

// accessLog writes the access log's lines to w, unless LOG_LEVEL is above
// info, with the router's attributes and scrubbed as every log line is.
func accessLog(logs *logging.Logs, w io.Writer) *accesslog.Log {
	if logging.ParseLevel(logging.ConfigFromEnv().Level) > slog.LevelInfo {
		return nil
	}
	return accesslog.New(w, accesslog.Options{Attrs: routerAttrs(), Scrub: logs.Scrubber.Text})
}

// routerAttrs are in every line the router writes.
func routerAttrs() []slog.Attr {
	return []slog.Attr{slog.String("component", "router"), slog.String("version", buildinfo.Version)}
}

func run(logs *logging.Logs, access *accesslog.Log) error {
	logger := logs.Logger
	var cfg settings
	if err := config.Load(&cfg); err != nil {
		return err
	}
	logs.Scrubber.AddSecrets(config.Secrets(&cfg)...)
	logger.Info("config", config.Describe(&cfg)...)
	m, err := manifest.Load(cfg.Manifest, cfg.FunctionsDir)
	if err != nil {
		return err
	}
	trust, err := forwarded.Parse(cfg.TrustedProxies)
	if err != nil {
		return fmt.Errorf("config: ROUTER_TRUSTED_PROXIES: %w", err)
	}
	runDir, cleanup, err := prepareRunDir(cfg.RunDir)
	if err != nil {
		return err
	}
	defer cleanup()

	// Listen before starting anything, so a busy port fails fast.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	if cfg.PprofAddr != "" {
		if err := servePprof(cfg.PprofAddr, logger); err != nil {
			return fmt.Errorf("ROUTER_PPROF_ADDR: %w", err)
		}
	}

	met := metrics.New()
	fns, err := buildFunctions(m, cfg, runDir, trust, met, logger)
	if err != nil {
		return err
	}

	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(signals)

	procCtx, stopProcs := context.WithCancel(context.Background())
	defer stopProcs()
	// Long-lived functions are told to drain as soon as the router does
	// (see drain), the others once in-flight requests have finished.
	longCtx, stopLongLived := context.WithCancel(procCtx)
	defer stopLongLived()
	var procs sync.WaitGroup
	for _, f := range fns.processes {
		ctx := procCtx
		if fns.longLived[f] {
			ctx = longCtx
		}
		procs.Add(1)
		go func() { defer procs.Done(); f.Run(ctx) }()
	}
	early, err := startUp(fns.processes, cfg.StartTimeout, signals, logger)
	if early != nil || err != nil {
		if early != nil {
			logger.Info("stopping before serving", slog.String("signal", early.String()))
		}
		stopProcs()
		procs.Wait()
		return err
	}

	if _, err := os.Stat(filepath.Join(cfg.WebDist, "index.html")); err != nil {
		logger.Warn("web app not built; pages answer 404 until it is", slog.String("WEB_DIST", cfg.WebDist))
	}
	handler := router.New(router.Deps{
		Table:     m.Table(),
		Functions: fns.handlers,
		Private:   fns.private,
		SPA:       spa.New(cfg.WebDist),
		Metrics:   met.Handler(metrics.Access{Token: cfg.MetricsToken, Loopback: cfg.MetricsLoopback}),
		Logger:    logger,
		Access:    access,
		Recorder:  met,
		Security: secheaders.Policy{
			CSP:        cfg.CSP,
			AlwaysHSTS: cfg.production() || cfg.httpsOrigin() != "",
			Secure:     trust.Secure,
		},
		TLS: router.TLS{Origin: cfg.httpsOrigin(), Secure: trust.Secure},
	})
	srv := &http.Server{
		Handler: handler,
		// No read or write timeout: streams last minutes. Functions bound
		// their own work; this only stops slow-header clients.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	schedCtx, stopSched := context.WithCancel(context.Background())
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		scheduler.Run(schedCtx, logger, fns.jobs, nil)
	}()
	logger.Info("serving", slog.String("addr", ln.Addr().String()), slog.Int("functions", len(fns.handlers)))

	var sig os.Signal
	select {
	case sig = <-signals:
	case err := <-serveErr:
		stopSched()
		stopProcs()
		procs.Wait()
		return fmt.Errorf("serve: %w", err)
	}

	logger.Info("draining", slog.String("signal", sig.String()), slog.Duration("timeout", cfg.DrainTimeout))
	stopSched()
	drain(srv, cfg.DrainTimeout, signals, logger, stopLongLived)
	<-schedDone
	logger.Info("stopping functions", slog.Duration("timeout", cfg.StopTimeout))
	stopProcs()
	procs.Wait()
	logger.Info("stopped")
	return nil
}

// drain stops accepting and lets in-flight requests finish, for at most
// timeout; a second signal cuts it short. What remains is closed.
//
// Streams never finish by themselves, so at once the long-lived functions
// are told to drain too (stopLongLived: SIGTERM): each ends its replies
// and sends their final events (done {interrupted}) through the client
// connections the router keeps open until then, rather than having them
// cut when the router's drain runs out before the function's began.
func drain(srv *http.Server, timeout time.Duration, signals <-chan os.Signal, logger *slog.Logger, stopLongLived func()) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() {
		select {
		case <-signals:
			logger.Warn("second signal: not waiting for in-flight requests")
			cancel()
		case <-ctx.Done():
		}
	}()
	shutdown := make(chan error, 1)
	go func() { shutdown <- srv.Shutdown(ctx) }()
	stopLongLived()
	if err := <-shutdown; err != nil {
		logger.Warn("drain incomplete; closing remaining connections", slog.Any("error", err))
		_ = srv.Close()
	}
}

// prepareRunDir returns the socket directory, making a private temporary
// one when none is configured.
func prepareRunDir(dir string) (string, func(), error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "archstudio-router-")
		if err != nil {
			return "", nil, err
		}
		return d, func() { _ = os.RemoveAll(d) }, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("ROUTER_RUN_DIR: %w", err)
	}
	return dir, func() {}, nil
}

// startUp waits until every process has become ready or failed its first
// start (those keep being retried while the router serves, their routes
// answering 503), bounded by timeout. A signal meanwhile ends the wait and
// is returned. Functions that refused their configuration make it an
// error: the studio must not come up half configured.
func startUp(procs []*supervisor.Process, timeout time.Duration, signals <-chan os.Signal, logger *slog.Logger) (os.Signal, error) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	defer cancelTimeout()
	var got os.Signal
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case got = <-signals:
			cancel(errInterrupted)
		case <-ctx.Done():
		}
	}()
	var refused []string
	for _, p := range procs {
		switch err := p.WaitFirst(ctx); {
		case err == nil:
		case errors.Is(context.Cause(ctx), errInterrupted):
		case errors.Is(err, supervisor.ErrInvalidConfig):
			refused = append(refused, p.Name())
		case errors.Is(err, supervisor.ErrNotReady):
			logger.Error("function failed to start; retrying in the background, its routes answer 503",
				slog.String("function", p.Name()))
		case ctx.Err() != nil:
			logger.Error("function not ready in time; serving without it",
				slog.String("function", p.Name()), slog.Duration("timeout", timeout))
		}
	}
	cancelTimeout()
	<-watched
	if len(refused) > 0 && got == nil {
		return nil, fmt.Errorf("config: refused by %s (the log above names each setting)", strings.Join(refused, ", "))
	}
	return got, nil
}

var errInterrupted = errors.New("interrupted by a signal")
