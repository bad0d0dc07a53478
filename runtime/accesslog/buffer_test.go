package accesslog

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
)

// writes records every Write call that reaches the underlying writer.
type writes struct {
	mu    sync.Mutex
	calls []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, string(p))
	return len(p), nil
}

func (w *writes) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.calls...)
}

func TestBuffer(t *testing.T) {
	line := func(i int) string { return strings.Repeat(string(rune('a'+i)), 9) + "\n" }
	tests := []struct {
		name  string
		size  int
		lines []string
		// calls is how the lines reach the writer after Close.
		calls []string
	}{
		{"lines wait and go out together", 100, []string{line(0), line(1), line(2)},
			[]string{line(0) + line(1) + line(2)}},
		{"a line that would not fit sends what waits first", 25, []string{line(0), line(1), line(2)},
			[]string{line(0) + line(1), line(2)}},
		{"a line longer than the buffer goes out on its own", 15, []string{line(0), strings.Repeat("x", 20) + "\n", line(1)},
			[]string{line(0), strings.Repeat("x", 20) + "\n", line(1)}},
		{"nothing written, nothing sent", 100, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &writes{}
			b := NewBuffer(w, time.Hour, tt.size)
			for _, l := range tt.lines {
				if n, err := b.Write([]byte(l)); n != len(l) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if got := w.all(); strings.Join(got, "|") != strings.Join(tt.calls, "|") {
				t.Fatalf("writes %q, want %q", got, tt.calls)
			}
		})
	}
}

// TestBufferFlushesOnItsOwn: lines reach the writer within the interval
// with no Flush or Close.
func TestBufferFlushesOnItsOwn(t *testing.T) {
	var out syncBuffer
	b := NewBuffer(&out, 10*time.Millisecond, 4096)
	defer b.Close()
	if _, err := b.Write([]byte("one\n")); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 2*time.Second, func() bool { return out.String() == "one\n" }, "the line written by the periodic flush")
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
