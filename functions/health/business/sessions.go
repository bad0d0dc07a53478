package business

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// Sessions counts the sessions alive in Redis (archstudio_active_sessions)
// at scrape time. Every session is one key under session: that expires
// when the session does, so counting keys counts live sessions.
type Sessions struct {
	rdb  *redis.Client
	desc *prometheus.Desc
}

// NewSessions returns the collector over rdb.
func NewSessions(rdb *redis.Client) *Sessions {
	return &Sessions{rdb: rdb, desc: prometheus.NewDesc("archstudio_active_sessions",
		"Sessions alive in Redis (signed-in browsers).", nil, nil)}
}

// Describe implements prometheus.Collector.
func (s *Sessions) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

// Collect scans the keys (SCAN, never KEYS, so Redis is not blocked); on
// failure the figure is left out and archstudio_dependency_up says why.
func (s *Sessions) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var n float64
	iter := s.rdb.Scan(ctx, 0, "session:*", 1000).Iterator()
	for iter.Next(ctx) {
		n++
	}
	if iter.Err() != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, n)
}

// Probe is a named dependency check.
type Probe struct {
	Name  string
	Check func(ctx context.Context) error
}

// Dependencies reports each probe's result at scrape time
// (archstudio_dependency_up{dependency}), what the alerts on PostgreSQL
// and Redis watch.
type Dependencies struct {
	probes  []Probe
	timeout time.Duration
	desc    *prometheus.Desc
}

// NewDependencies returns the collector; each probe gets timeout.
func NewDependencies(timeout time.Duration, probes ...Probe) *Dependencies {
	return &Dependencies{probes: probes, timeout: timeout, desc: prometheus.NewDesc("archstudio_dependency_up",
		"1 when the health function reached the dependency at this scrape.", []string{"dependency"}, nil)}
}

// Describe implements prometheus.Collector.
func (d *Dependencies) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

// Collect runs every probe.
func (d *Dependencies) Collect(ch chan<- prometheus.Metric) {
	for _, p := range d.probes {
		ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
		up := 1.0
		if p.Check(ctx) != nil {
			up = 0
		}
		cancel()
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.GaugeValue, up, p.Name)
	}
}
