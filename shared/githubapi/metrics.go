package githubapi

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts calls to GitHub by HTTP status
// (archstudio_github_calls_total) and keeps the rate limit GitHub last
// reported (archstudio_github_rate_limit_remaining, by resource).
type Metrics struct {
	calls     *prometheus.CounterVec
	remaining *prometheus.GaugeVec
}

// NewMetrics registers GitHub's families on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "archstudio_github_calls_total",
			Help: "Requests made to GitHub's API, by HTTP status (error when none came back).",
		}, []string{"code"}),
		remaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "archstudio_github_rate_limit_remaining",
			Help: "Requests left in the current rate-limit window, as GitHub last reported, by resource.",
		}, []string{"resource"}),
	}
	reg.MustRegister(m.calls, m.remaining)
	return m
}

// transport wraps base so every call is counted.
func (m *Metrics) transport(base http.RoundTripper) http.RoundTripper {
	if m == nil {
		return base
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err != nil {
			m.calls.WithLabelValues("error").Inc()
			return resp, err
		}
		m.calls.WithLabelValues(strconv.Itoa(resp.StatusCode)).Inc()
		if v, perr := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Remaining"), 64); perr == nil {
			res := resp.Header.Get("X-RateLimit-Resource")
			if res == "" {
				res = "core"
			}
			m.remaining.WithLabelValues(res).Set(v)
		}
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
