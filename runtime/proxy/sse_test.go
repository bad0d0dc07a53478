package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"
)

// chunks is a body that returns its pieces one per Read, then err.
type chunks struct {
	pieces []string
	err    error
}

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.pieces) == 0 {
		return 0, c.err
	}
	n := copy(p, c.pieces[0])
	c.pieces[0] = c.pieces[0][n:]
	if c.pieces[0] == "" {
		c.pieces = c.pieces[1:]
	}
	return n, nil
}

func (c *chunks) Close() error { return nil }

func TestEventStream(t *testing.T) {
	const a, b = "id: 1-1\nevent: delta\ndata: {\"text\":\"a\"}\n\n", ": ping\n\n"
	cut := io.ErrUnexpectedEOF
	tests := []struct {
		name       string
		pieces     []string
		err        error
		clientGone bool
		want       string
		wantErr    error
	}{
		{"whole events, clean end", []string{a, b}, io.EOF, false, a + b, nil},
		{"cut between events", []string{a, b}, cut, false, a + b + lostEvent, nil},
		{"cut inside an event: the half event is dropped", []string{a, b[:3]}, cut, false, a + lostEvent, nil},
		{"an event split across reads", []string{a[:5], a[5:20], a[20:] + b}, cut, false, a + b + lostEvent, nil},
		{"connection reset", []string{a}, syscall.ECONNRESET, false, a + lostEvent, nil},
		{"the client went away: nothing added", []string{a}, context.Canceled, true, a, context.Canceled},
	}
	for _, tt := range tests {
		for _, size := range []int{7, 32 * 1024} {
			t.Run(fmt.Sprintf("%s, reads of %d", tt.name, size), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tt.clientGone {
					cancel()
				}
				s := &eventStream{body: &chunks{pieces: append([]string(nil), tt.pieces...), err: tt.err}, ctx: ctx.Done()}
				got, err := readAll(s, size)
				if got != tt.want || !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %q, %v\nwant %q, %v", got, err, tt.want, tt.wantErr)
				}
			})
		}
	}
}

// readAll reads s to the end in reads of size bytes.
func readAll(s io.Reader, size int) (string, error) {
	var out []byte
	buf := make([]byte, size)
	for {
		n, err := s.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return string(out), nil
		}
		if err != nil {
			return string(out), err
		}
	}
}
