// Package metrics is a function's own Prometheus registry: the HTTP
// figures every function has (request duration by route pattern and
// status, requests in flight), build info, the Go runtime and process,
// and whatever families the function adds. The router gathers it from
// Path over the function's socket and serves it in its one /metrics,
// labelled function="<name>"; on Lambda the same figures go out as
// CloudWatch EMF log lines (see EMF).
package metrics

import (
	"context"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where a function serves its registry to the router. The router
// never routes it from outside (nothing in the manifest points there).
const Path = "/internal/metrics"

// Registry is a function's metrics.
type Registry struct {
	*prometheus.Registry
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

// DurationBuckets span a cached read to a long generation stream.
var DurationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}

// New returns a registry with the HTTP, build, Go and process families.
func New() *Registry {
	r := &Registry{
		Registry: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "archstudio_http_request_duration_seconds",
			Help:    "Time a function took to answer, by route pattern, method and HTTP status (whole stream for SSE/WebSocket).",
			Buckets: DurationBuckets,
		}, []string{"route", "method", "code"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "archstudio_http_requests_in_flight",
			Help: "Requests a function is answering now (open streams included).",
		}),
	}
	r.MustRegister(r.duration, r.inFlight, BuildInfo(),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Handler serves the registry in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.Registry, promhttp.HandlerOpts{})
}

// Instrument measures every request h answers. h should be the function's
// http.ServeMux (or pass the request on unchanged to one), so the route
// label is the pattern the mux matched, a bounded set; unmatched requests
// are "unmatched".
func (r *Registry) Instrument(h http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(w, req)
		if rt, ok := req.Context().Value(routeKey{}).(*route); ok {
			rt.pattern = req.Pattern
		}
	})
	timed := promhttp.InstrumentHandlerDuration(r.duration, inner,
		promhttp.WithLabelFromCtx("route", func(ctx context.Context) string {
			if rt, ok := ctx.Value(routeKey{}).(*route); ok && rt.pattern != "" {
				return rt.pattern
			}
			return "unmatched"
		}))
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.inFlight.Inc()
		defer r.inFlight.Dec()
		timed.ServeHTTP(w, req.WithContext(withRoute(req.Context())))
	})
}

// route carries the matched pattern from inside the mux's request back
// out to the duration label.
type route struct{ pattern string }

type routeKey struct{}

func withRoute(ctx context.Context) context.Context {
	return context.WithValue(ctx, routeKey{}, &route{})
}
