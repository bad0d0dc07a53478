package metrics

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// TestInstrument labels each request with the pattern the function's mux
// matched ("unmatched" for none) and its status, and counts requests in
// flight while they run.
func TestInstrument(t *testing.T) {
	reg := New()
	var inFlight float64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/chats/{id}", func(w http.ResponseWriter, r *http.Request) {
		inFlight = testutil.ToFloat64(reg.inFlight)
		w.WriteHeader(http.StatusTeapot)
	})
	h := reg.Instrument(mux)
	for _, path := range []string{"/api/chats/1", "/api/chats/2", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	tests := []struct {
		route, code string
		want        int
	}{
		{"GET /api/chats/{id}", "418", 2},
		{"unmatched", "404", 1},
	}
	for _, tt := range tests {
		h := reg.duration.WithLabelValues(tt.route, "get", tt.code).(prometheus.Histogram)
		if n := sampleCount(t, h); n != uint64(tt.want) {
			t.Errorf("%s %s: %d requests, want %d", tt.route, tt.code, n, tt.want)
		}
	}
	if inFlight != 1 || testutil.ToFloat64(reg.inFlight) != 0 {
		t.Fatalf("in flight during a request %v, after %v", inFlight, testutil.ToFloat64(reg.inFlight))
	}
}

func sampleCount(t *testing.T, h prometheus.Histogram) uint64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	h.Collect(ch)
	m := &dto.Metric{}
	if err := (<-ch).Write(m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

// TestEMF writes each invocation's figures as CloudWatch EMF lines:
// counters as their increase, gauges as values, dimensioned by function
// and labels.
func TestEMF(t *testing.T) {
	reg := New()
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "archstudio_claude_calls_total", Help: "h"}, []string{"model"})
	reg.MustRegister(calls)
	var out strings.Builder
	h := reg.EMF(&out, "chats", reg.Instrument(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.WithLabelValues("m1").Add(2)
	})))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))

	var callDeltas []float64
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var doc map[string]any
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("not JSON: %s", sc.Text())
		}
		aws, _ := doc["_aws"].(map[string]any)
		cw, _ := aws["CloudWatchMetrics"].([]any)
		if len(cw) != 1 || doc["function"] != "chats" {
			t.Fatalf("not an EMF line of chats: %s", sc.Text())
		}
		if v, ok := doc["archstudio_claude_calls_total"].(float64); ok {
			if doc["model"] != "m1" {
				t.Fatalf("dimensions: %s", sc.Text())
			}
			callDeltas = append(callDeltas, v)
		}
	}
	if len(callDeltas) != 2 || callDeltas[0] != 2 || callDeltas[1] != 2 {
		t.Fatalf("call increases %v, want [2 2]", callDeltas)
	}
	if !strings.Contains(out.String(), `"archstudio_http_request_duration_seconds_count":1`) {
		t.Fatalf("no request duration: %s", out.String())
	}
}
