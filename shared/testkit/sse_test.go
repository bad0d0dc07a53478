package testkit

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSSEReader(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []SSEEvent // At is not compared
	}{
		{"one event", "id: 1\nevent: delta\ndata: {\"text\":\"a\"}\n\n",
			[]SSEEvent{{ID: "1", Type: "delta", Data: `{"text":"a"}`}}},
		{"heartbeat between events", ": ping\n\nevent: done\ndata: {}\n\n",
			[]SSEEvent{{Comment: "ping"}, {Type: "done", Data: "{}"}}},
		{"data lines joined, CRLF, no space after colon", "data:a\r\ndata: b\r\n\r\n",
			[]SSEEvent{{Data: "a\nb"}}},
		{"comment inside an event is skipped", "event: x\n: note\ndata: 1\n\n",
			[]SSEEvent{{Type: "x", Data: "1"}}},
		{"unfinished event at the end is dropped", "event: x\ndata: 1\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewSSEReader(strings.NewReader(tt.body))
			var got []SSEEvent
			for {
				e, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if e.At.IsZero() {
					t.Fatalf("event %+v has no read time", e)
				}
				e.At = time.Time{}
				got = append(got, e)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("event %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
