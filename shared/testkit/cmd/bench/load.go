package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is one way to reach a function: through the router's TCP port or
// straight to the function's Unix socket. Both use the same client code,
// so the difference between them is the router.
type target struct {
	name string
	base string
	c    *http.Client
}

// viaRouter reaches the studio at url (the router) over loopback TCP.
func viaRouter(url string, conns int) target {
	return target{name: "router", base: url, c: &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}}
}

// direct reaches one function at its Unix socket, as the router does.
func direct(sock string, conns int) target {
	return target{name: "direct", base: "http://fn", c: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}}
}

// request is what a load run sends, built anew for every request.
type request struct {
	method, path string
	header       http.Header
	status       int
}

func (t target) do(ctx context.Context, rq request) error {
	req, err := http.NewRequestWithContext(ctx, rq.method, t.base+rq.path, nil)
	if err != nil {
		return err
	}
	for k, v := range rq.header {
		req.Header[k] = v
	}
	resp, err := t.c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != rq.status {
		return fmt.Errorf("%s %s: status %d, want %d", rq.method, rq.path, resp.StatusCode, rq.status)
	}
	return nil
}

// run is one bounded closed-loop load: conns workers each send a request,
// wait for the whole answer and send the next, until d has passed or max
// requests were sent. It stops by itself.
type run struct {
	requests  int
	errors    int
	firstErr  error
	elapsed   time.Duration
	latencies []time.Duration
}

func (r run) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func load(ctx context.Context, t target, rq request, conns int, d time.Duration, max int) run {
	ctx, cancel := context.WithTimeout(ctx, d+10*time.Second)
	defer cancel()
	var (
		mu  sync.Mutex
		out run
		wg  sync.WaitGroup
	)
	sent := make(chan struct{}, max)
	for range max {
		sent <- struct{}{}
	}
	close(sent)
	began := time.Now()
	deadline := began.Add(d)
	for range conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, max/conns+1)
			var errs int
			var first error
			for range sent {
				if time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				if err := t.do(ctx, rq); err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			out.latencies = append(out.latencies, lat...)
			out.errors += errs
			if out.firstErr == nil {
				out.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	out.elapsed = time.Since(began)
	out.requests = len(out.latencies)
	return out
}

// merge adds b's requests to a (rounds of the same target).
func (r run) merge(b run) run {
	r.requests += b.requests
	r.errors += b.errors
	if r.firstErr == nil {
		r.firstErr = b.firstErr
	}
	r.elapsed += b.elapsed
	r.latencies = append(r.latencies, b.latencies...)
	return r
}

// percentile of ds (q in [0,1]); ds is sorted in place.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(q * float64(len(ds)-1))
	return ds[i]
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
func millis(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
