// Package supervisor runs one function binary as a child process listening
// on a Unix socket: it starts it, reports it ready once the socket accepts
// connections, restarts it with exponential backoff when it dies, and
// stops it with SIGTERM, then SIGKILL.
package supervisor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/archstudio/studio/shared/config"
)

// Config describes one supervised function.
type Config struct {
	Name   string
	Binary string
	// Socket is the Unix socket path handed to the child as
	// LISTEN_ADDR=unix:<Socket>.
	Socket string
	// Env is the child's whole environment; LISTEN_ADDR is appended.
	Env []string
	// Output receives the child's stdout and stderr (os.Stderr if nil).
	Output io.Writer

	// MinBackoff is the first restart delay; it doubles per consecutive
	// failure up to MaxBackoff, and is reset once a process has stayed up
	// for StableAfter.
	MinBackoff, MaxBackoff, StableAfter time.Duration
	// StartTimeout bounds how long a started child may take to accept
	// connections before it is killed and retried.
	StartTimeout time.Duration
	// StopTimeout is how long a child may take to exit after SIGTERM
	// before it gets SIGKILL.
	StopTimeout time.Duration

	Logger   *slog.Logger
	Observer Observer
}

// Observer hears about a process's life, for metrics and for dropping
// pooled connections to a dead process.
type Observer interface {
	Ready(name string, pid int, startup time.Duration)
	Exited(name string, err error)
	Restarting(name string, delay time.Duration)
}

// ErrNotReady is returned by WaitFirst when the first start failed.
var ErrNotReady = errors.New("function did not become ready")

// ErrInvalidConfig is returned by WaitFirst when the function refused its
// configuration (it exited config.ExitInvalid, having logged which
// setting). Such a function is not restarted: only a change to the
// environment can fix it, and retrying would hide the mistake behind 503s.
var ErrInvalidConfig = errors.New("function refused its configuration")

// exitError describes how a child ended, as ErrInvalidConfig when it
// refused its configuration.
func exitError(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == config.ExitInvalid {
		return fmt.Errorf("%w (exit status %d)", ErrInvalidConfig, config.ExitInvalid)
	}
	return err
}

// Process is one supervised function.
type Process struct {
	cfg Config

	up  atomic.Bool
	pid atomic.Int64

	firstOnce sync.Once
	firstDone chan struct{}
	firstErr  error
}

// New returns a process that Run will start. Zero durations get defaults.
func New(cfg Config) *Process {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.MinBackoff, 100*time.Millisecond)
	def(&cfg.MaxBackoff, 5*time.Second)
	def(&cfg.StableAfter, 10*time.Second)
	def(&cfg.StartTimeout, 30*time.Second)
	def(&cfg.StopTimeout, 10*time.Second)
	if cfg.Output == nil {
		cfg.Output = os.Stderr
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	return &Process{cfg: cfg, firstDone: make(chan struct{})}
}

// Name is the function's name.
func (p *Process) Name() string { return p.cfg.Name }

// Available reports whether the process is running and accepting
// connections; while it is not, the router answers 503 at once.
func (p *Process) Available() bool { return p.up.Load() }

// PID is the running child's process ID, 0 when none runs.
func (p *Process) PID() int { return int(p.pid.Load()) }

// DialContext connects to the child's socket; network and addr are ignored
// so it can serve as an http.Transport's dialer.
func (p *Process) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", p.cfg.Socket)
}

// WaitFirst blocks until the first start has succeeded (nil) or failed
// (ErrNotReady, or ErrInvalidConfig), or ctx ends. After ErrNotReady the
// process keeps being retried; WaitFirst only tells start-up whether to
// expect it.
func (p *Process) WaitFirst(ctx context.Context) error {
	select {
	case <-p.firstDone:
		return p.firstErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Process) first(err error) {
	p.firstOnce.Do(func() {
		p.firstErr = err
		close(p.firstDone)
	})
}

// Run starts the child and keeps it running until ctx ends, then stops it
// (SIGTERM, then SIGKILL after StopTimeout) and returns once it has exited.
func (p *Process) Run(ctx context.Context) {
	defer p.first(ErrNotReady)
	delay := p.cfg.MinBackoff
	for {
		upFor, err := p.runOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, ErrInvalidConfig) {
			p.first(err)
			p.cfg.Logger.Error("function refused its configuration; not restarting it (its log above names the setting)",
				slog.String("function", p.cfg.Name))
			return
		}
		if upFor >= p.cfg.StableAfter {
			delay = p.cfg.MinBackoff
		}
		p.cfg.Logger.Warn("function exited; restarting",
			slog.String("function", p.cfg.Name), slog.Any("error", err), slog.Duration("delay", delay))
		p.cfg.Observer.Restarting(p.cfg.Name, delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, p.cfg.MaxBackoff)
	}
}

// runOnce runs one child to its end and reports how long it was up.
func (p *Process) runOnce(ctx context.Context) (time.Duration, error) {
	if err := os.Remove(p.cfg.Socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		p.first(ErrNotReady)
		return 0, err
	}
	cmd := exec.Command(p.cfg.Binary) // #nosec G204 -- the binary is a function from the operator's manifest, run without a shell
	cmd.Env = append(append([]string(nil), p.cfg.Env...), "LISTEN_ADDR=unix:"+p.cfg.Socket)
	cmd.Stdout, cmd.Stderr = p.cfg.Output, p.cfg.Output
	cmd.SysProcAttr = procAttr()
	started := time.Now()
	if err := cmd.Start(); err != nil {
		p.first(ErrNotReady)
		return 0, fmt.Errorf("start: %w", err)
	}
	p.pid.Store(int64(cmd.Process.Pid))
	defer p.pid.Store(0)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	if err := p.waitReady(ctx, exited); err != nil {
		if !errors.Is(err, ErrInvalidConfig) {
			p.first(ErrNotReady)
		}
		if ctx.Err() != nil {
			_ = p.stop(cmd, exited)
		}
		return 0, err
	}
	readyAt := time.Now()
	p.up.Store(true)
	p.first(nil)
	p.cfg.Logger.Info("function ready", slog.String("function", p.cfg.Name),
		slog.Int("pid", cmd.Process.Pid), slog.Duration("startup", readyAt.Sub(started)))
	p.cfg.Observer.Ready(p.cfg.Name, cmd.Process.Pid, readyAt.Sub(started))

	select {
	case err := <-exited:
		p.up.Store(false)
		if err == nil {
			err = errors.New("exited with status 0")
		}
		p.cfg.Observer.Exited(p.cfg.Name, err)
		return time.Since(readyAt), exitError(err)
	case <-ctx.Done():
		p.up.Store(false)
		err := p.stop(cmd, exited)
		p.cfg.Observer.Exited(p.cfg.Name, err)
		return time.Since(readyAt), err
	}
}

// readyPoll is how often a starting child's socket is tried; dialing a
// missing socket costs microseconds, and this bounds start-up latency.
const readyPoll = 2 * time.Millisecond

func (p *Process) waitReady(ctx context.Context, exited chan error) error {
	deadline := time.NewTimer(p.cfg.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	for {
		if c, err := net.Dial("unix", p.cfg.Socket); err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case err := <-exited:
			exited <- err // put back: stop and kill read it too
			return fmt.Errorf("exited before it was ready: %w", exitError(err))
		case <-deadline.C:
			_ = p.kill(exited)
			return fmt.Errorf("not ready after %s", p.cfg.StartTimeout)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// stop sends SIGTERM, waits StopTimeout, then SIGKILL.
func (p *Process) stop(cmd *exec.Cmd, exited chan error) error {
	_ = signalGroup(cmd.Process.Pid, syscall.SIGTERM)
	t := time.NewTimer(p.cfg.StopTimeout)
	defer t.Stop()
	select {
	case err := <-exited:
		exited <- err
		return err
	case <-t.C:
		p.cfg.Logger.Warn("function did not stop in time; killing",
			slog.String("function", p.cfg.Name), slog.Duration("timeout", p.cfg.StopTimeout))
		return p.kill(exited)
	}
}

func (p *Process) kill(exited chan error) error {
	pid := p.PID()
	if pid > 0 {
		_ = signalGroup(pid, syscall.SIGKILL)
	}
	err := <-exited
	exited <- err
	return err
}

// signalGroup signals the child's whole process group (it leads one), so
// anything it spawned goes too.
func signalGroup(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(-pid, sig); err == nil {
		return nil
	}
	return syscall.Kill(pid, sig)
}

type nopObserver struct{}

func (nopObserver) Ready(string, int, time.Duration) {}
func (nopObserver) Exited(string, error)             {}
func (nopObserver) Restarting(string, time.Duration) {}
