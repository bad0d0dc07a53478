package quota

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts refused reservations (archstudio_quota_rejections_total),
// by the limit that refused them.
type Metrics struct{ calls, tokens prometheus.Counter }

// NewMetrics registers the quota's family on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "archstudio_quota_rejections_total",
		Help: "Claude calls refused by a user's daily limit, by resource (api_calls, tokens).",
	}, []string{"resource"})
	reg.MustRegister(v)
	return &Metrics{calls: v.WithLabelValues("api_calls"), tokens: v.WithLabelValues("tokens")}
}

func (m *Metrics) rejected(which int64) {
	if m == nil {
		return
	}
	if which == refusedTokens {
		m.tokens.Inc()
		return
	}
	m.calls.Inc()
}
