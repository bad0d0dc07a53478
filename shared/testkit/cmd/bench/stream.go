package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// upstreamFirstText is the time from sending a streaming request straight
// to the fake Anthropic API to its first text_delta: what the studio's
// first delta is compared with.
func upstreamFirstText(ctx context.Context, c *http.Client, url, key string) (time.Duration, error) {
	body := `{"model":"claude-test","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/messages", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("x-api-key", key)
	req.Header.Set("anthropic-version", "2023-06-01")
	req.Header.Set("content-type", "application/json")
	began := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return 0, fmt.Errorf("upstream: no text_delta: %w", err)
		}
		if strings.HasPrefix(line, "data:") && strings.Contains(line, `"text_delta"`) {
			d := time.Since(began)
			_, _ = io.Copy(io.Discard, br)
			return d, nil
		}
	}
}

// firstDelta alternates a direct request to the fake API with a message
// sent through the router, and reports what the studio adds to the time
// to the first text: its session check, quota, saved messages and Redis
// round trips, the proxy and SSE.
func firstDelta(ctx context.Context, e *env, n int) ([]figure, error) {
	e.fake.SetScript(fakeanthropic.Script{Chunks: []string{"Hello", " world"}})
	up := &http.Client{}
	var added, studio, upstream []time.Duration
	for i := range n {
		u, err := upstreamFirstText(ctx, up, e.fakeURL, e.fakeKey)
		if err != nil {
			return nil, err
		}
		began := time.Now()
		s, err := postMessage(ctx, e.router, e.cookie, e.origin, e.chats[i%len(e.chats)], "hi")
		if err != nil {
			return nil, err
		}
		var first time.Duration
		for {
			ev, err := s.next()
			if err != nil {
				s.close()
				return nil, fmt.Errorf("reply ended before done: %w", err)
			}
			if ev.Type == "delta" && first == 0 {
				first = ev.At.Sub(began)
			}
			if ev.Type == "done" || ev.Type == "error" {
				break
			}
		}
		s.close()
		if first == 0 {
			return nil, errors.New("a reply without a delta")
		}
		studio, upstream = append(studio, first), append(upstream, u)
		added = append(added, first-u)
	}
	detail := fmt.Sprintf("first delta through the router p50 %.2f ms, upstream's first text p50 %.2f ms, %d replies",
		millis(percentile(studio, .5)), millis(percentile(upstream, .5)), n)
	return []figure{
		atMost("time added to the first delta p50", millis(percentile(added, .5)), "ms", 1, detail),
		atMost("time added to the first delta p99", millis(percentile(added, .99)), "ms", 5, detail),
	}, nil
}

// activeReplies runs n replies at once (started over 2 s), each streaming
// one token every 20 ms (50 tokens/s) for two seconds, and reports the longest wait
// between two deliveries of one reply at the client: with a token sent
// upstream every 20 ms, a gap of g means a token waited about g-20 ms.
func activeReplies(ctx context.Context, e *env, chats []string) ([]figure, error) {
	const tokens, every = 100, 20 * time.Millisecond
	chunks := make([]string, tokens)
	for i := range chunks {
		chunks[i] = fmt.Sprintf("t%02d ", i)
	}
	e.fake.SetScript(fakeanthropic.Script{Chunks: chunks, Delay: every})
	defer e.fake.SetScript(fakeanthropic.DefaultScript())
	var (
		mu       sync.Mutex
		gaps     []time.Duration
		failures int
		firstErr error
		wg       sync.WaitGroup
	)
	began := time.Now()
	// The replies start over rampUp, as users arriving do, not in one
	// instant: the figure is about streaming them side by side.
	const rampUp = 2 * time.Second
	for i, chat := range chats {
		time.Sleep(time.Until(began.Add(rampUp * time.Duration(i) / time.Duration(len(chats)))))
		wg.Go(func() {
			var mine []time.Duration
			err := func() error {
				s, err := postMessage(ctx, e.replies, e.cookie, e.origin, chat, "go")
				if err != nil {
					return err
				}
				defer s.close()
				var last time.Time
				var text strings.Builder
				for {
					ev, err := s.next()
					if err != nil {
						return fmt.Errorf("reply ended before done: %w", err)
					}
					switch ev.Type {
					case "delta":
						if !last.IsZero() {
							mine = append(mine, ev.At.Sub(last))
						}
						last = ev.At
						text.WriteString(deltaText(ev))
					case "done":
						if got := strings.Count(text.String(), " "); got != tokens {
							return fmt.Errorf("reply had %d tokens, want %d", got, tokens)
						}
						return nil
					case "error":
						return fmt.Errorf("error event: %s", ev.Data)
					}
				}
			}()
			mu.Lock()
			defer mu.Unlock()
			gaps = append(gaps, mine...)
			if err != nil {
				failures++
				if firstErr == nil {
					firstErr = err
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(began)
	if failures > 0 {
		return nil, fmt.Errorf("%d of %d replies failed: %v", failures, len(chats), firstErr)
	}
	worst := percentile(gaps, 1)
	return []figure{
		atMost(fmt.Sprintf("%d concurrent replies at 50 tokens/s: longest gap", len(chats)), millis(worst), "ms", 250,
			fmt.Sprintf("gap between deliveries p50 %.0f ms, p99 %.0f ms; all done in %.1f s (ideal %.1f s)",
				millis(percentile(gaps, .5)), millis(percentile(gaps, .99)), took.Seconds(), (rampUp+tokens*every).Seconds())),
	}, nil
}

// holdMany opens n connections with open, 64 at a time, and returns their
// closers.
func holdMany(ctx context.Context, n int, open func(context.Context) (func(), error)) ([]func(), error) {
	closers := make([]func(), 0, n)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, 64)
	for range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := open(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			closers = append(closers, c)
		})
	}
	wg.Wait()
	if firstErr != nil {
		closeAll(closers)
		return nil, firstErr
	}
	return closers, nil
}

func closeAll(cs []func()) {
	for _, c := range cs {
		c()
	}
}

// perConnection measures the router's and the stream function's RSS
// growth while n connections made by open are held.
// With -profile, the stream function's goroutine and heap profiles are
// saved while they are held (stream-<name>-goroutine.pprof, -heap.pprof,
// -memstats.txt).
func perConnection(ctx context.Context, e *env, name string, n int, open func(context.Context) (func(), error)) (router, fn float64, err error) {
	warm, err := holdMany(ctx, 64, open) // first use of pools and buffers
	if err != nil {
		return 0, 0, err
	}
	closeAll(warm)
	r0, err := settledRSS(e.routerPID)
	if err != nil {
		return 0, 0, err
	}
	f0, err := settledRSS(e.streamPID)
	if err != nil {
		return 0, 0, err
	}
	conns, err := holdMany(ctx, n, open)
	if err != nil {
		return 0, 0, err
	}
	defer closeAll(conns)
	r1, err := settledRSS(e.routerPID)
	if err != nil {
		return 0, 0, err
	}
	f1, err := settledRSS(e.streamPID)
	if err != nil {
		return 0, 0, err
	}
	if e.streamPprof != nil {
		if err := os.MkdirAll(e.profile, 0o755); err != nil { // #nosec G301 -- bench output for people to read
			return 0, 0, err
		}
		// heap?debug=1 ends with the runtime's MemStats: stacks, heap in use.
		for file, p := range map[string]string{"goroutine.pprof": "goroutine", "heap.pprof": "heap", "memstats.txt": "heap?debug=1"} {
			if err := fetchWith(ctx, e.streamPprof, "http://fn/debug/pprof/"+p, filepath.Join(e.profile, "stream-"+name+"-"+file)); err != nil {
				return 0, 0, err
			}
		}
	}
	return float64(r1-r0) / float64(n), float64(f1-f0) / float64(n), nil
}

// idleWebSockets holds n signed-in WebSockets through the router.
func idleWebSockets(ctx context.Context, e *env, n int) ([]figure, error) {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	wsURL := "ws" + strings.TrimPrefix(e.router.base, "http") + "/api/ws"
	open := func(ctx context.Context) (func(), error) {
		dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(dctx, wsURL, &websocket.DialOptions{HTTPClient: client,
			HTTPHeader: http.Header{"Origin": {e.origin}, "Cookie": {e.cookie.Name + "=" + e.cookie.Value}}})
		if err != nil {
			return nil, err
		}
		// Read (and so answer pings) until closed, as a browser does.
		rctx, stop := context.WithCancel(context.Background())
		go func() {
			for {
				if _, _, err := c.Read(rctx); err != nil {
					return
				}
			}
		}()
		return func() { stop(); _ = c.CloseNow() }, nil
	}
	r, f, err := perConnection(ctx, e, "ws", n, open)
	if err != nil {
		return nil, err
	}
	return []figure{
		atMost(fmt.Sprintf("memory per idle WebSocket, router + stream, %d conns", n), (r+f)/1024, "KB", 12,
			fmt.Sprintf("router %.1f KB + stream function %.1f KB", r/1024, f/1024)),
	}, nil
}

// sseStreams holds n SSE streams (GET /api/chats/{id}/events) through the
// router, all following one reply that is waiting for its next token.
func sseStreams(ctx context.Context, e *env, n int) ([]figure, error) {
	e.fake.SetScript(fakeanthropic.Script{Chunks: []string{"a", "b"}, Hang: true, HangAfter: 1})
	defer e.fake.SetScript(fakeanthropic.DefaultScript())
	chat := e.chats[0]
	starter, err := postMessage(ctx, e.router, e.cookie, e.origin, chat, "hang")
	if err != nil {
		return nil, err
	}
	defer starter.close()
	defer e.stop(ctx, chat)
	for {
		ev, err := starter.next()
		if err != nil {
			return nil, fmt.Errorf("hanging reply: %w", err)
		}
		if ev.Type == "delta" {
			break
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableKeepAlives: true}}
	open := func(ctx context.Context) (func(), error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.router.base+"/api/chats/"+chat+"/events", nil)
		req.AddCookie(e.cookie)
		req.Header.Set("Accept", "text/event-stream") // as the studio's SPA asks
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		s, err := openSSE(resp)
		if err != nil {
			return nil, err
		}
		for { // through the replayed delta: the stream is then live
			ev, err := s.next()
			if err != nil {
				s.close()
				return nil, err
			}
			if ev.Type == "delta" {
				return s.close, nil
			}
		}
	}
	r, f, err := perConnection(ctx, e, "sse", n, open)
	if err != nil {
		return nil, err
	}
	return []figure{
		atMost(fmt.Sprintf("memory per active SSE stream, router + stream, %d streams", n), (r+f)/1024, "KB", 16,
			fmt.Sprintf("router %.1f KB + stream function %.1f KB", r/1024, f/1024)),
	}, nil
}
