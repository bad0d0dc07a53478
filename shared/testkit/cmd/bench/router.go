package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// routerLatency: one connection each way, requests alternating between the
// router and the function's socket, so both see the same machine load.
func routerLatency(ctx context.Context, router, fn target, rq request, n int, limit time.Duration) ([]figure, error) {
	var viaRouter, viaDirect []time.Duration
	deadline := time.Now().Add(limit)
	for i := 0; i < n && time.Now().Before(deadline); i++ {
		for _, t := range []target{fn, router} {
			t0 := time.Now()
			if err := t.do(ctx, rq); err != nil {
				return nil, fmt.Errorf("%s: %w", t.name, err)
			}
			if t.name == "router" {
				viaRouter = append(viaRouter, time.Since(t0))
			} else {
				viaDirect = append(viaDirect, time.Since(t0))
			}
		}
	}
	r50, d50 := percentile(viaRouter, .5), percentile(viaDirect, .5)
	r99, d99 := percentile(viaRouter, .99), percentile(viaDirect, .99)
	return []figure{
		atMost("router added latency p50, 1 conn, GET /api/auth/me 401", micros(r50-d50), "µs", 60,
			fmt.Sprintf("router p50 %.0f µs (p99 %.0f), direct p50 %.0f µs (p99 %.0f), %d requests each",
				micros(r50), micros(r99), micros(d50), micros(d99), len(viaRouter))),
	}, nil
}

// compare runs the same load through the router and direct, in rounds that
// alternate (direct, router, direct, router, …) so a noisy neighbour hurts
// both alike.
//
// It also returns the router's CPU time per request routed: on a machine
// others share, the rates move with the neighbours, the CPU cost much less.
func compare(ctx context.Context, router, fn target, rq request, conns, rounds int, each time.Duration, max int, routerPID int) (viaRouter, viaDirect run, routerCPU time.Duration, err error) {
	// Warm both connection pools and the function.
	_ = load(ctx, fn, rq, conns, 200*time.Millisecond, max)
	_ = load(ctx, router, rq, conns, 200*time.Millisecond, max)
	var cpu time.Duration
	for range rounds {
		viaDirect = viaDirect.merge(load(ctx, fn, rq, conns, each, max))
		c0 := cpuTime(routerPID)
		viaRouter = viaRouter.merge(load(ctx, router, rq, conns, each, max))
		cpu += cpuTime(routerPID) - c0
	}
	if viaRouter.requests > 0 {
		routerCPU = cpu / time.Duration(viaRouter.requests)
	}
	for _, r := range []run{viaRouter, viaDirect} {
		if r.errors > 0 {
			return viaRouter, viaDirect, 0, fmt.Errorf("%d of %d requests failed: %v", r.errors, r.errors+r.requests, r.firstErr)
		}
	}
	return viaRouter, viaDirect, routerCPU, nil
}

func routerThroughput(ctx context.Context, router, fn target, rq request, conns, routerPID int) ([]figure, error) {
	r, d, cpu, err := compare(ctx, router, fn, rq, conns, 3, 2*time.Second, 400_000, routerPID)
	if err != nil {
		return nil, err
	}
	return []figure{
		atLeast(fmt.Sprintf("router throughput, %d conns, GET /api/auth/me 401, share of direct", conns),
			100*r.rate()/d.rate(), "%", 50,
			fmt.Sprintf("router %.0f req/s, direct %.0f req/s; router CPU %.0f µs/request", r.rate(), d.rate(), micros(cpu))),
	}, nil
}

// chatsList is the signed-in read of the chats figure.
func chatsList(cookie *http.Cookie) request {
	return request{method: http.MethodGet, path: "/api/chats", status: http.StatusOK,
		header: http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}}
}

func authenticatedRead(ctx context.Context, router, fn target, cookie *http.Cookie, conns, routerPID int) ([]figure, error) {
	rq := chatsList(cookie)
	r, d, cpu, err := compare(ctx, router, fn, rq, conns, 3, 2*time.Second, 200_000, routerPID)
	if err != nil {
		return nil, err
	}
	p99r, p99d := percentile(r.latencies, .99), percentile(d.latencies, .99)
	detail := fmt.Sprintf("router %.0f req/s p99 %.1f ms, direct %.0f req/s p99 %.1f ms; router CPU %.0f µs/request",
		r.rate(), millis(p99r), d.rate(), millis(p99d), micros(cpu))
	name := fmt.Sprintf("GET /api/chats (20 chats), %d conns", conns)
	return []figure{
		atLeast(name+": share of direct", 100*r.rate()/d.rate(), "%", 85, detail),
		atLeast(name+": through the router", r.rate(), "req/s", 8000, detail),
		atMost(name+": p99 through the router", millis(p99r), "ms", 5, detail),
	}, nil
}
