package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/functions/stream/claude"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// BenchmarkFirstByte measures what the studio adds to the time to the
// first token: from POST /api/chats/{id}/messages to the first delta event
// at the client, minus the time from a direct SDK call to the fake API to
// its first text. Both go over loopback to the same fake, which answers at
// once, so the difference is the studio's own work (session, quota,
// messages saved, Redis round trips, SSE).
func BenchmarkFirstByte(b *testing.B) {
	s := newStack(b, fakeanthropic.Script{Chunks: []string{"Hello", " world"}})
	fn := testkit.StartFunction(b, s.bin, s.env("DAILY_CALL_LIMIT=1000000", "LOG_LEVEL=warn")...)
	_, chatID, cookie := s.user("bench")
	direct := claude.New(claude.Config{APIKey: s.fake.APIKey, BaseURL: s.fake.URL, Model: "claude-test"})
	req := model.Request{MaxTokens: 100, Turns: []model.Turn{{Role: model.User, Text: "hi"}}}

	var studio, upstream time.Duration
	for b.Loop() {
		began := time.Now()
		var first time.Duration
		if _, err := direct.Stream(context.Background(), req, func(string) {
			if first == 0 {
				first = time.Since(began)
			}
		}); err != nil {
			b.Fatal(err)
		}
		upstream += first

		began = time.Now()
		stream := send(b, fn.Client, chatID, cookie, "hi")
		for {
			e, ok := <-stream.events
			if !ok {
				b.Fatalf("stream ended: %v", stream.err)
			}
			if e.Type == "delta" {
				studio += e.At.Sub(began)
				break
			}
		}
		for e := range stream.events {
			if e.Type == "done" {
				break
			}
		}
		stream.close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(studio.Microseconds())/1000/n, "ttfb-studio-ms")
	b.ReportMetric(float64(upstream.Microseconds())/1000/n, "ttfb-direct-ms")
	b.ReportMetric(float64((studio-upstream).Microseconds())/1000/n, "added-ms")
}

// benchConns is how many connections the memory benchmarks hold
// (BENCH_CONNS, default 5000).
func benchConns() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_CONNS")); err == nil && n > 0 {
		return n
	}
	return 5000
}

// rss returns the resident set size of process pid, in bytes.
func rss(b *testing.B, pid int) int64 {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("VmRSS not found")
	return 0
}

// settle waits for the server's memory to stop moving.
func settledRSS(b *testing.B, pid int) int64 {
	prev := rss(b, pid)
	for i := 0; i < 20; i++ {
		time.Sleep(200 * time.Millisecond) // polling: stable means unchanged over an interval
		cur := rss(b, pid)
		if cur == prev {
			return cur
		}
		prev = cur
	}
	return prev
}

// unixClient is an HTTP client for the function's socket with no limit on
// connections, for holding thousands of streams.
func unixClient(sock string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
		MaxIdleConnsPerHost: -1,
		DisableKeepAlives:   true,
	}}
}

// holdConns opens n connections with open, at most 32 at a time.
func holdConns(b *testing.B, n int, open func() (closer func(), err error)) []func() {
	b.Helper()
	closers := make([]func(), n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := open()
			if err != nil {
				errs <- err
				return
			}
			closers[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("open connection: %v", err)
	}
	return closers
}

// BenchmarkIdleWebSocketMemory holds BENCH_CONNS idle, signed-in
// WebSockets on one stream process and reports its RSS growth per
// connection. Run with -benchtime=1x.
func BenchmarkIdleWebSocketMemory(b *testing.B) {
	s := newStack(b, fakeanthropic.Script{Text: "x"})
	fn := testkit.StartFunction(b, s.bin, s.env("LOG_LEVEL=warn")...)
	_, _, cookie := s.user("bench")
	client := unixClient(fn.Socket)
	n := benchConns()
	dial := func() (func(), error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws://fn/api/ws", &websocket.DialOptions{HTTPClient: client,
			HTTPHeader: http.Header{"Origin": {origin}, "Cookie": {cookie.Name + "=" + cookie.Value}}})
		if err != nil {
			return nil, err
		}
		return func() { c.CloseNow() }, nil
	}
	for b.Loop() {
		warm := holdConns(b, 32, dial) // first use of pools and buffers
		for _, c := range warm {
			c()
		}
		before := settledRSS(b, fn.Cmd.Process.Pid)
		conns := holdConns(b, n, dial)
		after := settledRSS(b, fn.Cmd.Process.Pid)
		b.ReportMetric(float64(after-before)/float64(n), "bytes/conn")
		b.ReportMetric(float64(n), "conns")
		for _, c := range conns {
			c()
		}
	}
}

// BenchmarkSSEStreamMemory holds BENCH_CONNS SSE streams following one
// quiet generation (GET /api/chats/{id}/events on a reply that hangs) and
// reports the stream process's RSS growth per stream. Run with
// -benchtime=1x.
func BenchmarkSSEStreamMemory(b *testing.B) {
	s := newStack(b, fakeanthropic.Script{Chunks: []string{"a", "b"}, Hang: true, HangAfter: 1})
	fn := testkit.StartFunction(b, s.bin, s.env("LOG_LEVEL=warn", "STREAM_HEARTBEAT=1h")...)
	_, chatID, cookie := s.user("bench")
	starter := send(b, fn.Client, chatID, cookie, "hang")
	defer starter.close()
	for e := range starter.events {
		if e.Type == "delta" {
			break
		}
	}
	client := unixClient(fn.Socket)
	n := benchConns()
	open := func() (func(), error) {
		req, _ := http.NewRequest(http.MethodGet, "http://fn/api/chats/"+chatID+"/events", nil)
		req.AddCookie(cookie)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("status %d", resp.StatusCode)
		}
		// Read through the replayed delta: the stream is then live.
		br := bufio.NewReader(resp.Body)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				resp.Body.Close()
				return nil, err
			}
			if line == "event: delta\n" {
				break
			}
		}
		return func() { resp.Body.Close() }, nil
	}
	for b.Loop() {
		warm := holdConns(b, 32, open)
		for _, c := range warm {
			c()
		}
		before := settledRSS(b, fn.Cmd.Process.Pid)
		conns := holdConns(b, n, open)
		after := settledRSS(b, fn.Cmd.Process.Pid)
		b.ReportMetric(float64(after-before)/float64(n), "bytes/conn")
		b.ReportMetric(float64(n), "conns")
		for _, c := range conns {
			c()
		}
	}
}
