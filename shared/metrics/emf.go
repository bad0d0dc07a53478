package metrics

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// Namespace is the CloudWatch namespace of the EMF lines.
const Namespace = "ArchStudio"

// EMF wraps a Lambda's handler: after each invocation it writes the
// registry's archstudio_* figures to w as CloudWatch Embedded Metric
// Format lines (one per series), dimensioned by function and the series'
// labels — what the router's /metrics shows for the same function.
// Counters go out as the increase since the previous invocation, gauges
// as their value, histograms as the new observations' sum and count.
func (r *Registry) EMF(w io.Writer, function string, h http.Handler) http.Handler {
	e := &emf{reg: r, w: w, function: function, last: map[string]float64{}}
	return http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(rw, req)
		e.flush(time.Now())
	})
}

type emf struct {
	reg      *Registry
	function string

	mu   sync.Mutex
	w    io.Writer
	last map[string]float64
}

func (e *emf) flush(now time.Time) {
	families, err := e.reg.Gather()
	if err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "archstudio_") {
			continue
		}
		for _, m := range f.GetMetric() {
			dims := map[string]string{"function": e.function}
			for _, l := range m.GetLabel() {
				dims[l.GetName()] = l.GetValue()
			}
			key := seriesKey(f.GetName(), dims)
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				e.delta(now, f.GetName(), key, dims, m.GetCounter().GetValue(), "Count")
			case dto.MetricType_GAUGE:
				e.write(now, f.GetName(), dims, m.GetGauge().GetValue(), "None")
			case dto.MetricType_HISTOGRAM:
				e.delta(now, f.GetName()+"_sum", key+"_sum", dims, m.GetHistogram().GetSampleSum(), "Seconds")
				e.delta(now, f.GetName()+"_count", key+"_count", dims, float64(m.GetHistogram().GetSampleCount()), "Count")
			}
		}
	}
}

func (e *emf) delta(now time.Time, name, key string, dims map[string]string, v float64, unit string) {
	d := v - e.last[key]
	e.last[key] = v
	if d > 0 {
		e.write(now, name, dims, d, unit)
	}
}

func (e *emf) write(now time.Time, name string, dims map[string]string, v float64, unit string) {
	names := make([]string, 0, len(dims))
	doc := map[string]any{name: v}
	for k, val := range dims {
		names = append(names, k)
		doc[k] = val
	}
	sort.Strings(names)
	doc["_aws"] = map[string]any{
		"Timestamp": now.UnixMilli(),
		"CloudWatchMetrics": []map[string]any{{
			"Namespace":  Namespace,
			"Dimensions": [][]string{names},
			"Metrics":    []map[string]string{{"Name": name, "Unit": unit}},
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	_, _ = e.w.Write(append(b, '\n'))
}

func seriesKey(name string, dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k, v := range dims {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return name + "{" + strings.Join(keys, ",") + "}"
}
