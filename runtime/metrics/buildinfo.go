package metrics

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/archstudio/studio/shared/buildinfo"
)

// buildInfo is the router's archstudio_build_info, the family every
// function exports too (shared/metrics).
func buildInfo() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "archstudio_build_info",
		Help:        "Always 1; the labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": buildinfo.Version, "commit": buildinfo.Commit, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
