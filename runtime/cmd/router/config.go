package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/archstudio/studio/shared/config"
)

// settings is the router's configuration; every field is an environment
// variable (see runtime/README.md).
type settings struct {
	AppEnv   string `envconfig:"APP_ENV" default:"development"`
	LogLevel string `envconfig:"LOG_LEVEL" default:"info"`

	Addr         string `envconfig:"ROUTER_ADDR" default:":8080"`
	Manifest     string `envconfig:"ROUTER_MANIFEST" default:"runtime/functions.json"`
	FunctionsDir string `envconfig:"FUNCTIONS_DIR" default:"bin/functions"`
	// RunDir holds the functions' Unix sockets; empty means a fresh
	// temporary directory removed on exit.
	RunDir  string `envconfig:"ROUTER_RUN_DIR"`
	WebDist string `envconfig:"WEB_DIST" default:"web/dist"`

	DrainTimeout          time.Duration `envconfig:"ROUTER_DRAIN_TIMEOUT" default:"20s"`
	StopTimeout           time.Duration `envconfig:"ROUTER_STOP_TIMEOUT" default:"10s"`
	StartTimeout          time.Duration `envconfig:"ROUTER_START_TIMEOUT" default:"30s"`
	RestartMin            time.Duration `envconfig:"ROUTER_RESTART_MIN" default:"100ms"`
	RestartMax            time.Duration `envconfig:"ROUTER_RESTART_MAX" default:"5s"`
	StableAfter           time.Duration `envconfig:"ROUTER_STABLE_AFTER" default:"10s"`
	ResponseHeaderTimeout time.Duration `envconfig:"ROUTER_RESPONSE_HEADER_TIMEOUT" default:"60s"`

	// PublicURL is where users reach the studio; an https one turns on
	// HSTS and the redirect of plain HTTP to it.
	PublicURL       string `envconfig:"PUBLIC_URL" default:"http://localhost:8080"`
	TrustedProxies  string `envconfig:"ROUTER_TRUSTED_PROXIES"`
	CSP             string `envconfig:"ROUTER_CSP"`
	MetricsToken    string `envconfig:"METRICS_TOKEN" secret:"true"`
	MetricsLoopback bool   `envconfig:"ROUTER_METRICS_LOOPBACK" default:"true"`
	// PprofAddr, when set, serves net/http/pprof on a listener of its own
	// (make bench -profile): never on the public port.
	PprofAddr string `envconfig:"ROUTER_PPROF_ADDR"`
	// Handoff lists which long-lived connections the router hands to the
	// function instead of proxying them: websocket, events (SSE GETs).
	Handoff []string `envconfig:"ROUTER_HANDOFF" default:"websocket"`
}

// Validate checks what envconfig cannot.
func (s settings) Validate() error {
	if err := (config.Base{AppEnv: s.AppEnv}).Validate(); err != nil {
		return err
	}
	for name, d := range map[string]time.Duration{
		"ROUTER_DRAIN_TIMEOUT": s.DrainTimeout, "ROUTER_STOP_TIMEOUT": s.StopTimeout,
		"ROUTER_START_TIMEOUT": s.StartTimeout, "ROUTER_RESTART_MIN": s.RestartMin,
		"ROUTER_RESTART_MAX": s.RestartMax, "ROUTER_STABLE_AFTER": s.StableAfter,
	} {
		if d <= 0 {
			return errors.New(name + ": must be a positive duration")
		}
	}
	if s.RestartMax < s.RestartMin {
		return errors.New("ROUTER_RESTART_MAX: must not be less than ROUTER_RESTART_MIN")
	}
	if u, err := url.Parse(s.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("PUBLIC_URL: %q is not an http(s) URL", s.PublicURL)
	}
	for _, h := range s.Handoff {
		if h != "websocket" && h != "events" && h != "none" {
			return errors.New("ROUTER_HANDOFF: a comma list of websocket, events (or none)")
		}
	}
	if s.PprofAddr != "" {
		host, _, err := net.SplitHostPort(s.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return errors.New("ROUTER_PPROF_ADDR: must be a loopback host:port (the profiles show request internals)")
		}
	}
	if s.ResponseHeaderTimeout < 0 {
		return errors.New("ROUTER_RESPONSE_HEADER_TIMEOUT: must not be negative")
	}
	return nil
}

func (s settings) handsOff(kind string) bool { return slices.Contains(s.Handoff, kind) }

func (s settings) production() bool { return s.AppEnv == config.Production }

// httpsOrigin is PUBLIC_URL's origin when it is https, else "".
func (s settings) httpsOrigin() string {
	u, err := url.Parse(s.PublicURL)
	if err != nil || u.Scheme != "https" {
		return ""
	}
	return "https://" + u.Host
}
