package handoff

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// function serves handed-over connections the way a long-lived function
// does: an http.Server on the Listener.
func function(t *testing.T) Sender {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fn.fd")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hello":
			_, _ = io.WriteString(w, "hello from "+r.Header.Get("X-Via"))
		case "/echo":
			// A WebSocket-like takeover: the rest of the connection is
			// the handler's.
			c, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\n\r\n")
			line, err := brw.ReadString('\n')
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "echo "+line)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return Sender{Path: path}
}

// router accepts one client connection on a TCP listener, reads its
// request head and hands the connection over with it, as the router does.
func router(t *testing.T, to Sender, extra string) (client net.Conn, sent chan error) {
	t.Helper()
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { front.Close() })
	sent = make(chan error, 1)
	go func() {
		c, err := front.Accept()
		if err != nil {
			sent <- err
			return
		}
		defer c.Close() // the router's copy; the function keeps its own
		br := bufio.NewReader(c)
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				sent <- err
				return
			}
			if line == "\r\n" {
				break
			}
			head.WriteString(line)
		}
		ch, err := to.Dial()
		if err != nil {
			sent <- err
			return
		}
		defer ch.Close()
		sent <- Send(ch, c.(*net.TCPConn), []byte(head.String()+extra))
	}()
	client, err = net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	_ = client.SetDeadline(time.Now().Add(10 * time.Second))
	return client, sent
}

func TestHandoff(t *testing.T) {
	tests := []struct {
		name    string
		request string
		// extra is added to the request head the router sends, as the
		// router adds its headers.
		extra string
		// then is written by the client after the handover.
		then string
		want string
	}{
		{"the function answers on the client's connection",
			"GET /hello HTTP/1.1\r\nHost: studio\r\nConnection: close\r\n", "X-Via: router\r\n\r\n", "",
			"hello from router"},
		{"the client's later bytes reach the function, and its answer the client",
			"GET /echo HTTP/1.1\r\nHost: studio\r\nConnection: Upgrade\r\nUpgrade: test\r\n", "\r\n", "ping\n",
			"echo ping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := function(t)
			// The router's part of the head ends the request: it is what
			// the router read (up to the blank line) plus its own headers.
			client, sent := router(t, fn, tt.extra)
			if _, err := io.WriteString(client, tt.request+"\r\n"); err != nil {
				t.Fatal(err)
			}
			if err := <-sent; err != nil {
				t.Fatalf("handover: %v", err)
			}
			if tt.then != "" {
				if _, err := io.WriteString(client, tt.then); err != nil {
					t.Fatal(err)
				}
			}
			got, err := io.ReadAll(client)
			if err != nil {
				t.Fatalf("read: %v (got %q)", err, got)
			}
			if !strings.Contains(string(got), tt.want) {
				t.Fatalf("client read %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// TestHandoffRefused: a request over MaxRequest, or no function listening,
// leave the connection with the router.
func TestHandoffRefused(t *testing.T) {
	fn := function(t)
	ch, err := fn.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	a, b := tcpPair(t)
	if err := Send(ch, a.(*net.TCPConn), make([]byte, MaxRequest+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Send of %d bytes: %v, want ErrTooLarge", MaxRequest+1, err)
	}
	// Still the router's: it can answer on it.
	if _, err := io.WriteString(a, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(b, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	gone := Sender{Path: filepath.Join(t.TempDir(), "none.fd")}
	if gone.Available() {
		t.Fatal("Available with no socket")
	}
	if _, err := gone.Dial(); err == nil {
		t.Fatal("Dial with no function listening succeeded")
	}
}

func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}
