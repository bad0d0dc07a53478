package dump

import "github.com/prometheus/client_golang/prometheus"

// Collector reports the newest verified dump at scrape time, from the
// directory itself, so the figures survive restarts of the function:
// archstudio_backup_last_success_timestamp_seconds (0 before the first)
// and archstudio_backup_last_size_bytes.
type Collector struct {
	dir        string
	last, size *prometheus.Desc
}

// NewCollector reports on dir.
func NewCollector(dir string) *Collector {
	return &Collector{
		dir:  dir,
		last: prometheus.NewDesc("archstudio_backup_last_success_timestamp_seconds", "When the newest verified backup finished (Unix time; 0: none yet).", nil, nil),
		size: prometheus.NewDesc("archstudio_backup_last_size_bytes", "Size of the newest verified backup.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) { ch <- c.last; ch <- c.size }

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	m, ok, _ := Latest(c.dir)
	var at, size float64
	if ok {
		at, size = float64(m.Finished.UnixNano())/1e9, float64(m.SizeBytes)
	}
	ch <- prometheus.MustNewConstMetric(c.last, prometheus.GaugeValue, at)
	ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, size)
}
