package metrics

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"
)

// Source is where a function serves its own registry (shared/metrics).
type Source struct {
	Function  string
	URL       string // the function's metrics.Path
	Transport http.RoundTripper
}

// GatherTimeout bounds fetching one function's metrics during a scrape.
const GatherTimeout = 2 * time.Second

// AddSource makes every scrape of /metrics include the function's own
// figures, each series labelled function="<name>". Call before Handler.
func (m *Metrics) AddSource(s Source) { m.sources = append(m.sources, s) }

// Gatherer is everything /metrics shows: the router's registry and each
// function's, fetched in parallel at scrape time.
func (m *Metrics) Gatherer() prometheus.Gatherer {
	return prometheus.Gatherers{m.Registry, sources(m.sources)}
}

type sources []Source

// Gather fetches every source; a function that is down or slow adds
// nothing (archstudio_router_function_up says so) rather than failing
// the whole scrape.
func (ss sources) Gather() ([]*dto.MetricFamily, error) {
	results := make([][]*dto.MetricFamily, len(ss))
	var wg sync.WaitGroup
	for i, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = s.fetch()
		}()
	}
	wg.Wait()
	byName := map[string]*dto.MetricFamily{}
	for _, fams := range results {
		for _, f := range fams {
			if have, ok := byName[f.GetName()]; ok {
				have.Metric = append(have.Metric, f.Metric...)
				continue
			}
			byName[f.GetName()] = f
		}
	}
	out := make([]*dto.MetricFamily, 0, len(byName))
	for _, f := range byName {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetName() < out[j].GetName() })
	return out, nil
}

func (s Source) fetch() ([]*dto.MetricFamily, error) {
	ctx, cancel := context.WithTimeout(context.Background(), GatherTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
	resp, err := s.Transport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: status %d", s.URL, resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, err
	}
	name, value := "function", s.Function
	out := make([]*dto.MetricFamily, 0, len(fams))
	for _, f := range fams {
		for _, m := range f.Metric {
			m.Label = append(m.Label, &dto.LabelPair{Name: proto.String(name), Value: proto.String(value)})
		}
		out = append(out, f)
	}
	return out, nil
}
