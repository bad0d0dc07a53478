package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRouterLatency measures what the router adds to a request: each
// iteration sends the same small GET straight to the function's Unix
// socket and through the router (TCP, routing, request ID, security
// headers, access log, metrics, proxy), and reports both.
func BenchmarkRouterLatency(b *testing.B) {
	s := startStack(b)
	sock := filepath.Join(s.RunDir, "alpha.sock")
	direct := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	routed := &http.Client{Transport: &http.Transport{}}
	get := func(c *http.Client, url string) time.Duration {
		began := time.Now()
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", url, resp.StatusCode)
		}
		return time.Since(began)
	}
	// Warm both connection pools.
	get(direct, "http://alpha/api/alpha/bench")
	get(routed, s.URL+"/api/alpha/bench")
	var viaDirect, viaRouter time.Duration
	for b.Loop() {
		viaDirect += get(direct, "http://alpha/api/alpha/bench")
		viaRouter += get(routed, s.URL+"/api/alpha/bench")
	}
	n := float64(b.N)
	b.ReportMetric(float64(viaDirect.Nanoseconds())/n/1000, "direct-µs/req")
	b.ReportMetric(float64(viaRouter.Nanoseconds())/n/1000, "router-µs/req")
	b.ReportMetric(float64((viaRouter-viaDirect).Nanoseconds())/n/1000, "added-µs/req")
}

// BenchmarkRouterParallel is throughput through the router with
// concurrent clients, for comparison with the sequential latency.
func BenchmarkRouterParallel(b *testing.B) {
	s := startStack(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(s.URL + "/api/alpha/bench")
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
