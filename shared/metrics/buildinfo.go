package metrics

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/archstudio/studio/shared/buildinfo"
)

// BuildInfo is archstudio_build_info, which every function and the router
// export: the router serves the functions' families beside its own in one
// /metrics, so they must be one definition.
func BuildInfo() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "archstudio_build_info",
		Help:        "Always 1; the labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": buildinfo.Version, "commit": buildinfo.Commit, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
