package proxy

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawFunction is a function that answers with bytes the test writes by
// hand, on a Unix socket as the router's functions do, and records what
// it was sent.
type rawFunction struct {
	sock    string
	answer  func(req *http.Request, body string) (raw string, closeAfter bool)
	accepts atomic.Int64

	mu   sync.Mutex
	got  []*http.Request
	body []string
}

func startRaw(t *testing.T, answer func(req *http.Request, body string) (string, bool)) *rawFunction {
	t.Helper()
	f := &rawFunction{sock: filepath.Join(t.TempDir(), "fn.sock"), answer: answer}
	ln, err := net.Listen("unix", f.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.accepts.Add(1)
			go f.serve(c)
		}
	}()
	return f
}

func (f *rawFunction) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(req.Body)
		f.mu.Lock()
		f.got = append(f.got, req)
		f.body = append(f.body, string(b))
		f.mu.Unlock()
		raw, closeAfter := f.answer(req, string(b))
		if _, err := io.WriteString(c, raw); err != nil || closeAfter {
			return
		}
	}
}

func (f *rawFunction) last() (*http.Request, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[len(f.got)-1], f.body[len(f.body)-1]
}

// unixTarget dials the raw function's socket.
type unixTarget struct{ sock string }

func (u unixTarget) Available() bool { return true }
func (u unixTarget) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", u.sock)
}

// through serves the proxy behind a real HTTP server, as the router does.
func through(t *testing.T, f *rawFunction) *httptest.Server {
	t.Helper()
	p := New(Options{Name: "fn", Target: unixTarget{f.sock}, ResponseHeaderTimeout: 2 * time.Second})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	t.Cleanup(p.CloseIdle)
	return srv
}

// TestForwardFraming: each way a function can frame its answer reaches the
// client whole, and the connection to the function is kept exactly when
// the answer left it in a state to serve the next request.
func TestForwardFraming(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		raw      string
		close    bool // the function closes the connection after answering
		status   int
		body     string
		header   map[string]string // "" means absent
		trailer  map[string]string
		reused   bool // a second request goes down the same connection
		clientOK bool // the client reads the body without error
	}{
		{name: "content length", method: "GET", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
			status: 200, body: "hello", header: map[string]string{"Content-Length": "5", "Content-Type": "text/plain"}, reused: true, clientOK: true},
		{name: "chunked with trailers", method: "GET",
			raw:    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: abc\r\n\r\n",
			status: 200, body: "hello world", trailer: map[string]string{"X-Sum": "abc"}, reused: true, clientOK: true},
		{name: "to the connection's end", method: "GET", raw: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", close: true,
			status: 200, body: "until the end", reused: false, clientOK: true},
		{name: "Connection: close", method: "GET", raw: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", close: true,
			status: 200, body: "ok", reused: false, clientOK: true},
		{name: "HEAD has no body", method: "HEAD", raw: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
			status: 200, body: "", header: map[string]string{"Content-Length": "10"}, reused: true, clientOK: true},
		{name: "204", method: "DELETE", raw: "HTTP/1.1 204 No Content\r\n\r\n", status: 204, reused: true, clientOK: true},
		{name: "304", method: "GET", raw: "HTTP/1.1 304 Not Modified\r\nEtag: \"x\"\r\n\r\n", status: 304,
			header: map[string]string{"Etag": `"x"`}, reused: true, clientOK: true},
		{name: "interim answers first", method: "GET",
			raw:    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			status: 200, body: "ok", header: map[string]string{"Link": ""}, reused: true, clientOK: true},
		{name: "hop-by-hop headers stay with the function", method: "GET",
			raw: "HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: 1\r\nKeep-Alive: timeout=5\r\nX-Request-Id: fn-copy\r\n" +
				"X-Kept: yes\r\nContent-Length: 2\r\n\r\nok",
			status: 200, body: "ok", header: map[string]string{"X-Internal": "", "Keep-Alive": "", "Connection": "", "X-Request-Id": "", "X-Kept": "yes"},
			reused: true, clientOK: true},
		{name: "cut mid-body", method: "GET", raw: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true,
			status: 200, reused: false, clientOK: false},
		{name: "cut mid-chunk", method: "GET", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", close: true,
			status: 200, reused: false, clientOK: false},
		{name: "not HTTP", method: "GET", raw: "garbage\r\n\r\n", close: true, status: 502, reused: false, clientOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startRaw(t, func(*http.Request, string) (string, bool) { return tt.raw, tt.close })
			srv := through(t, f)
			for i := range 2 {
				req, _ := http.NewRequest(tt.method, srv.URL+"/x", nil)
				resp, err := srv.Client().Do(req)
				if err != nil && !tt.clientOK {
					continue // cut before the head went out: as good as a cut body
				}
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if (err == nil) != tt.clientOK {
					t.Fatalf("reading the body: %v", err)
				}
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
				}
				if tt.clientOK && tt.status != 502 && string(body) != tt.body {
					t.Fatalf("body %q, want %q", body, tt.body)
				}
				if tt.status == 502 && !strings.Contains(string(body), `"upstream_error"`) {
					t.Fatalf("body %s", body)
				}
				for k, v := range tt.header {
					if got := resp.Header.Get(k); got != v {
						t.Errorf("%s: %q, want %q", k, got, v)
					}
				}
				for k, v := range tt.trailer {
					if got := resp.Trailer.Get(k); got != v {
						t.Errorf("trailer %s: %q, want %q", k, got, v)
					}
				}
				if i == 0 && !tt.reused {
					// The proxy closes its end once it has seen the cut.
					continue
				}
			}
			want := int64(2)
			if tt.reused {
				want = 1
			}
			if got := f.accepts.Load(); got != want {
				t.Fatalf("%d connections for two requests, want %d", got, want)
			}
		})
	}
}

// TestForwardRequest: what the function reads is the client's request
// less its hop-by-hop headers, with the router's X-Forwarded-*, and its
// body framed by length or chunked as it came.
func TestForwardRequest(t *testing.T) {
	ok := func(*http.Request, string) (string, bool) {
		return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false
	}
	tests := []struct {
		name    string
		method  string
		body    io.Reader
		length  int64 // -1: unknown (chunked)
		header  http.Header
		want    map[string]string // "" means absent
		chunked bool
		query   string
	}{
		{name: "hop-by-hop headers dropped", method: "GET",
			header: http.Header{"Connection": {"X-Secret, keep-alive"}, "X-Secret": {"1"}, "Proxy-Authorization": {"Basic x"},
				"Te": {"trailers"}, "X-Forwarded-For": {"1.2.3.4"}, "X-Forwarded-Host": {"evil"}, "Accept": {"text/html"}},
			want: map[string]string{"X-Secret": "", "Proxy-Authorization": "", "Connection": "", "Te": "trailers",
				"X-Forwarded-For": "1.2.3.4, 127.0.0.1", "X-Forwarded-Host": "studio.test", "X-Forwarded-Proto": "http", "Accept": "text/html"}},
		{name: "query kept", method: "GET", query: "?a=1&b=%20", want: map[string]string{}},
		{name: "body of known length", method: "POST", body: strings.NewReader("hello"), length: 5, want: map[string]string{"Content-Length": "5"}},
		{name: "chunked body", method: "PUT", body: io.MultiReader(strings.NewReader("hel"), strings.NewReader("lo")), length: -1, chunked: true},
		{name: "empty POST says so", method: "POST", want: map[string]string{"Content-Length": "0"}},
		{name: "Expect is the router's", method: "POST", body: strings.NewReader("hello"), length: 5,
			header: http.Header{"Expect": {"100-continue"}}, want: map[string]string{"Expect": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startRaw(t, ok)
			srv := through(t, f)
			req, _ := http.NewRequest(tt.method, srv.URL+"/api/x"+tt.query, tt.body)
			req.ContentLength = tt.length
			req.Host = "studio.test"
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			got, body := f.last()
			if got.Method != tt.method || got.RequestURI != "/api/x"+tt.query || got.Host != "studio.test" {
				t.Fatalf("%s %s host %s", got.Method, got.RequestURI, got.Host)
			}
			for k, v := range tt.want {
				if g := got.Header.Get(k); g != v {
					t.Errorf("%s: %q, want %q", k, g, v)
				}
			}
			if tt.body != nil && body != "hello" {
				t.Errorf("body %q", body)
			}
			if chunked := len(got.TransferEncoding) > 0; chunked != tt.chunked {
				t.Errorf("chunked %v, want %v", chunked, tt.chunked)
			}
		})
	}
}

// TestForwardEventStream: each event reaches the client as soon as the
// function sends it (the next one is sent only once the client has the
// first), and a stream the function's death cuts ends with the error
// event.
func TestForwardEventStream(t *testing.T) {
	const ev1, ev2 = "id: 1\ndata: {\"a\":1}\n\n", "id: 2\ndata: {\"a\":2}\n\n"
	seen := make(chan struct{})
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "sse.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close() // the function dies
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		chunk := func(s string) string { return strconv.FormatInt(int64(len(s)), 16) + "\r\n" + s + "\r\n" }
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"+chunk(ev1))
		<-seen
		_, _ = io.WriteString(c, chunk(ev2)+chunk("data: half an ev"))
	}()
	p := New(Options{Name: "stream", Target: unixTarget{ln.Addr().String()}})
	srv := httptest.NewServer(p)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if got := readEvent(t, br); got != ev1 {
		t.Fatalf("first event %q", got)
	}
	close(seen)
	if got := readEvent(t, br); got != ev2 {
		t.Fatalf("second event %q", got)
	}
	last := readEvent(t, br)
	if last != lostEvent {
		t.Fatalf("last event %q, want the error event", last)
	}
	var e struct{ Code string }
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.SplitN(last, "data: ", 2)[1], "\n\n")), &e); err != nil || e.Code != "unavailable" {
		t.Fatalf("error event %q: %v", last, err)
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
		t.Fatalf("after the error event: %q, %v (want a clean end)", rest, err)
	}
}

func readEvent(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	var ev strings.Builder
	for {
		line, err := br.ReadString('\n')
		ev.WriteString(line)
		if err != nil {
			t.Fatalf("reading an event: %q, %v", ev.String(), err)
		}
		if line == "\n" {
			return ev.String()
		}
	}
}

// TestForwardRetriesAStaleConnection: a pooled connection the function
// closed while idle is not the client's problem: a request without a body
// goes again down a fresh one.
func TestForwardRetriesAStaleConnection(t *testing.T) {
	f := startRaw(t, func(*http.Request, string) (string, bool) {
		// Answers as if it kept the connection, then closes it.
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true
	})
	srv := through(t, f)
	for _, method := range []string{"GET", "POST", "GET"} {
		req, _ := http.NewRequest(method, srv.URL+"/x", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "ok" {
			t.Fatalf("%s: %d %s", method, resp.StatusCode, body)
		}
	}
	if got := f.accepts.Load(); got != 3 {
		t.Fatalf("%d connections, want 3 (one per request)", got)
	}
}

// TestForwardClientGone: a client that leaves while the function works
// ends the function's request too (its connection closes).
func TestForwardClientGone(t *testing.T) {
	asked, ended := make(chan struct{}), make(chan struct{})
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "slow.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		close(asked)
		_, _ = br.ReadByte() // blocks until the router closes its end
		close(ended)
	}()
	p := New(Options{Name: "stream", Target: unixTarget{ln.Addr().String()}})
	srv := httptest.NewServer(p)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/slow", nil)
	go func() {
		<-asked
		cancel()
	}()
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("the request succeeded")
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the function's connection stayed open after the client left")
	}
}

// TestForwardChunkedNotHeldBack: a body of unknown length that the
// function sends in parts reaches the client part by part: the router
// never holds what it has while it waits for more.
func TestForwardChunkedNotHeldBack(t *testing.T) {
	seen := make(chan struct{})
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "parts.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n6\r\npart1\n\r\n")
		<-seen
		_, _ = io.WriteString(c, "6\r\npart2\n\r\n0\r\n\r\n")
	}()
	p := New(Options{Name: "fn", Target: unixTarget{ln.Addr().String()}})
	srv := httptest.NewServer(p)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/parts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 6)
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "part1\n" {
		t.Fatalf("first part %q, %v", first, err)
	}
	close(seen)
	if rest, err := io.ReadAll(resp.Body); err != nil || string(rest) != "part2\n" {
		t.Fatalf("rest %q, %v", rest, err)
	}
}
