// Package metrics holds the router's Prometheus figures: requests and
// their duration per function and status, and each function's restarts,
// state and start-up time.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	fnmetrics "github.com/archstudio/studio/shared/metrics"
)

// Metrics is the router's registry.
type Metrics struct {
	Registry *prometheus.Registry

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	restarts *prometheus.CounterVec
	up       *prometheus.GaugeVec
	startup  *prometheus.HistogramVec
	sources  []Source
}

// New registers the router's metrics and the Go runtime and process ones.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "archstudio_router_requests_total",
			Help: "Requests served, by function and HTTP status.",
		}, []string{"function", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "archstudio_router_request_duration_seconds",
			Help: "Time from request to the end of the response (whole stream for SSE/WebSocket), by function and HTTP status.",
			// The functions' own request durations' buckets, so the two
			// hops of a request compare bucket by bucket.
			Buckets: fnmetrics.DurationBuckets,
		}, []string{"function", "code"}),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "archstudio_router_function_restarts_total",
			Help: "Times a function process died and was restarted.",
		}, []string{"function"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "archstudio_router_function_up",
			Help: "1 while a function process is running and accepting connections.",
		}, []string{"function"}),
		startup: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "archstudio_router_function_startup_seconds",
			Help:    "Time from spawning a function binary to its socket accepting connections.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"function"}),
	}
	m.Registry.MustRegister(m.requests, m.duration, m.restarts, m.up, m.startup)
	// The functions' runtime figures share these families (labelled with
	// their name, see AddSource); the router's own are function="router".
	prometheus.WrapRegistererWith(prometheus.Labels{"function": "router"}, m.Registry).MustRegister(
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), fnmetrics.BuildInfo())
	return m
}

// Declare makes a function's series exist (at 0) before anything happens
// to it, so a dashboard shows a function that never started as down.
func (m *Metrics) Declare(function string) {
	m.up.WithLabelValues(function).Set(0)
	m.restarts.WithLabelValues(function)
}

// Observe records one finished request.
func (m *Metrics) Observe(function string, status int, d time.Duration) {
	code := statusCode(status)
	m.requests.WithLabelValues(function, code).Inc()
	m.duration.WithLabelValues(function, code).Observe(d.Seconds())
}

// codes are the label values of the HTTP statuses, made once: the
// request metrics are recorded on every request.
var codes = func() (c [600]string) {
	for i := range c {
		c[i] = strconv.Itoa(i)
	}
	return c
}()

func statusCode(status int) string {
	if status >= 0 && status < len(codes) {
		return codes[status]
	}
	return strconv.Itoa(status)
}

// Ready records a function process accepting connections.
func (m *Metrics) Ready(function string, _ int, startup time.Duration) {
	m.up.WithLabelValues(function).Set(1)
	m.startup.WithLabelValues(function).Observe(startup.Seconds())
}

// Exited records a function process ending.
func (m *Metrics) Exited(function string, _ error) { m.up.WithLabelValues(function).Set(0) }

// Restarting counts a restart of a function process that died.
func (m *Metrics) Restarting(function string, _ time.Duration) {
	m.restarts.WithLabelValues(function).Inc()
}
