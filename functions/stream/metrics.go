package main

import (
	"context"
	"errors"
	"strconv"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/archstudio/studio/functions/stream/model"
)

// meteredModel counts Claude calls, tokens and upstream errors by model
// (archstudio_claude_*), around whichever model answers.
type meteredModel struct {
	model.Model
	calls, tokens, errs *prometheus.CounterVec
}

func newMeteredModel(m model.Model, reg prometheus.Registerer) meteredModel {
	mm := meteredModel{
		Model: m,
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "archstudio_claude_calls_total",
			Help: "Replies asked of the model, by model.",
		}, []string{"model"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "archstudio_claude_tokens_total",
			Help: "Tokens the model reported, by model and direction (input, output).",
		}, []string{"model", "direction"}),
		errs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "archstudio_claude_upstream_errors_total",
			Help: "Replies that failed upstream, by model and cause (the API's HTTP status, or network).",
		}, []string{"model", "cause"}),
	}
	reg.MustRegister(mm.calls, mm.tokens, mm.errs)
	return mm
}

func (m meteredModel) Stream(ctx context.Context, req model.Request, emit func(string)) (model.Usage, error) {
	name := req.Model
	if name == "" {
		name = m.Name("")
	}
	m.calls.WithLabelValues(name).Inc()
	usage, err := m.Model.Stream(ctx, req, emit)
	m.tokens.WithLabelValues(name, "input").Add(float64(usage.InputTokens))
	m.tokens.WithLabelValues(name, "output").Add(float64(usage.OutputTokens))
	if err != nil && ctx.Err() == nil {
		m.errs.WithLabelValues(name, cause(err)).Inc()
	}
	return usage, err
}

func cause(err error) string {
	var apiErr *anthropic.Error
	if errors.As(err, &apiErr) {
		return strconv.Itoa(apiErr.StatusCode)
	}
	return "network"
}

// streamGauges counts the SSE streams and WebSockets open on this
// instance (archstudio_stream_connections), for api.Deps.Streams: the
// streams outlive their handlers, so the handler counts them itself.
func streamGauges(reg prometheus.Registerer) func(kind string) func() {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "archstudio_stream_connections",
		Help: "Open client streams, by kind (sse, websocket).",
	}, []string{"kind"})
	reg.MustRegister(g)
	return func(kind string) func() {
		open := g.WithLabelValues(kind)
		open.Inc()
		return open.Dec
	}
}

// generationsGauge reports the generations running on this instance.
func generationsGauge(reg prometheus.Registerer, running func() int) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "archstudio_generations_running",
		Help: "Replies being generated on this instance now.",
	}, func() float64 { return float64(running()) }))
}
