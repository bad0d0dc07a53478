package testkit

import (
	"bufio"
	"io"
	"strings"
	"time"
)

// SSEEvent is one server-sent event, or one comment line (a heartbeat such
// as ": ping"), as a client reads it.
type SSEEvent struct {
	ID   string
	Type string // "" when the event named none
	Data string // the data lines, joined by newlines
	// Comment is the text of a comment line; the other fields are then empty.
	Comment string
	// At is when the event was read, for tests that time a stream.
	At time.Time
}

// SSEReader reads a text/event-stream body one event at a time, as it
// arrives.
type SSEReader struct{ br *bufio.Reader }

// NewSSEReader reads events from r.
func NewSSEReader(r io.Reader) *SSEReader {
	return &SSEReader{br: bufio.NewReaderSize(r, 64*1024)}
}

// Next returns the next event or comment; at the end of the body, the
// read error (io.EOF for a stream that ended).
func (r *SSEReader) Next() (SSEEvent, error) {
	var e SSEEvent
	var data []string
	for {
		line, err := r.br.ReadString('\n')
		if err != nil {
			return SSEEvent{}, err
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch {
		case line == "":
			if e.Type == "" && data == nil && e.ID == "" {
				continue
			}
			e.Data, e.At = strings.Join(data, "\n"), time.Now()
			return e, nil
		case field == "":
			if e.Type == "" && data == nil && e.ID == "" {
				return SSEEvent{Comment: value, At: time.Now()}, nil
			}
		case field == "id":
			e.ID = value
		case field == "event":
			e.Type = value
		case field == "data":
			data = append(data, value)
		}
	}
}
