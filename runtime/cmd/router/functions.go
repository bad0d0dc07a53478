package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/archstudio/studio/runtime/forwarded"
	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/runtime/metrics"
	"github.com/archstudio/studio/runtime/proxy"
	"github.com/archstudio/studio/runtime/scheduler"
	"github.com/archstudio/studio/runtime/supervisor"
	"github.com/archstudio/studio/shared/handoff"
	fnmetrics "github.com/archstudio/studio/shared/metrics"
)

// functions is the manifest turned into running parts.
type functions struct {
	handlers  map[string]http.Handler
	processes []*supervisor.Process
	longLived map[*supervisor.Process]bool
	jobs      []scheduler.Job
	private   []string
}

// maxSocketPath is the portable bound on a Unix socket path (sun_path).
const maxSocketPath = 103

func buildFunctions(m *manifest.Manifest, cfg settings, runDir string, trust forwarded.Trust, met *metrics.Metrics, logger *slog.Logger) (*functions, error) {
	fns := &functions{handlers: map[string]http.Handler{}, longLived: map[*supervisor.Process]bool{}}
	env := os.Environ()
	for _, f := range m.Functions {
		met.Declare(f.Name)
		if f.Schedule != nil {
			fns.private = append(fns.private, f.Schedule.Path)
		}
		opts := proxy.Options{Name: f.Name, Trust: trust}
		if !f.LongLived {
			opts.ResponseHeaderTimeout = cfg.ResponseHeaderTimeout
		}
		var px *proxy.Proxy
		var available func() bool
		if f.Upstream != "" {
			u, _ := url.Parse(f.Upstream) // validated by the manifest
			opts.Scheme, opts.Host = u.Scheme, u.Host
			opts.Target = proxy.NewTCP(hostPort(u))
			px = proxy.New(opts)
		} else {
			if info, err := os.Stat(f.Binary); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
				logger.Warn("function binary missing; skipping it, its routes answer 503",
					slog.String("function", f.Name), slog.String("binary", f.Binary))
				continue
			}
			sock := filepath.Join(runDir, f.Name+".sock")
			if len(sock) > maxSocketPath {
				return nil, fmt.Errorf("socket path %s is too long for a Unix socket; set ROUTER_RUN_DIR to a shorter directory", sock)
			}
			bin, err := filepath.Abs(f.Binary)
			if err != nil {
				return nil, err
			}
			childEnv := withEnv(env, f.Env)
			if f.LongLived && (cfg.handsOff("websocket") || cfg.handsOff("events")) {
				// Its streams' connections are handed over, not proxied
				// (runtime/proxy/handoff.go).
				fd := filepath.Join(runDir, f.Name+".fd")
				if len(fd) > maxSocketPath {
					return nil, fmt.Errorf("socket path %s is too long for a Unix socket; set ROUTER_RUN_DIR to a shorter directory", fd)
				}
				opts.Handoff = &handoff.Sender{Path: fd}
				opts.HandoffWebSocket = cfg.handsOff("websocket")
				opts.HandoffEvents = cfg.handsOff("events")
				childEnv = append(childEnv, handoff.Env+"="+fd)
			}
			closer := &idleCloser{}
			proc := supervisor.New(supervisor.Config{
				Name:         f.Name,
				Binary:       bin,
				Socket:       sock,
				Env:          childEnv,
				MinBackoff:   cfg.RestartMin,
				MaxBackoff:   cfg.RestartMax,
				StableAfter:  cfg.StableAfter,
				StartTimeout: cfg.StartTimeout,
				StopTimeout:  cfg.StopTimeout,
				Logger:       logger,
				Observer:     observers{met, closer},
			})
			opts.Target = proc
			px = proxy.New(opts)
			closer.px = px
			fns.processes = append(fns.processes, proc)
			fns.longLived[proc] = f.LongLived
			available = proc.Available
		}
		fns.handlers[f.Name] = px
		met.AddSource(metrics.Source{Function: f.Name, URL: px.URL(fnmetrics.Path), Transport: px.RoundTripper()})
		if f.Schedule != nil {
			fns.jobs = append(fns.jobs, job(f, px, available))
		}
	}
	return fns, nil
}

func job(f manifest.Function, px *proxy.Proxy, available func() bool) scheduler.Job {
	return scheduler.Job{
		Function:  f.Name,
		URL:       px.URL(f.Schedule.Path),
		Transport: px.RoundTripper(),
		Every:     time.Duration(f.Schedule.Every),
		Timeout:   time.Duration(f.Schedule.Timeout),
		AtStart:   f.Schedule.AtStart,
		Available: available,
	}
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return u.Host + ":443"
	}
	return u.Host + ":80"
}

// withEnv is base with extra's variables added (overriding).
func withEnv(base []string, extra map[string]string) []string {
	out := append([]string(nil), base...)
	for k, v := range extra {
		out = append(out, k+"="+v)
	}
	return out
}

// observers fans a process's events out to several observers.
type observers []supervisor.Observer

func (o observers) Ready(name string, pid int, d time.Duration) {
	for _, x := range o {
		x.Ready(name, pid, d)
	}
}

func (o observers) Exited(name string, err error) {
	for _, x := range o {
		x.Exited(name, err)
	}
}

func (o observers) Restarting(name string, d time.Duration) {
	for _, x := range o {
		x.Restarting(name, d)
	}
}

// idleCloser drops a proxy's pooled connections when its process exits,
// so no request goes down a connection to the dead process. px is set
// before the process starts.
type idleCloser struct{ px *proxy.Proxy }

func (c *idleCloser) Ready(string, int, time.Duration) {}
func (c *idleCloser) Exited(string, error)             { c.px.CloseIdle() }
func (c *idleCloser) Restarting(string, time.Duration) {}
