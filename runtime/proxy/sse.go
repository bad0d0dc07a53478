package proxy

import (
	"bytes"
	"errors"
	"io"
)

// When a function dies in the middle of an event stream, the client must
// not see a bare cut: the router ends the stream itself with an error
// event (the stream contract's StreamEventError), then closes it cleanly,
// and the client resumes from the last event id it saw. So that the error
// event never lands inside a half-sent event, the router passes an event
// stream on only up to its last complete event (a blank line); a function
// writes and flushes whole events, so nothing is held back in practice.

// lostEvent is the event a client gets when the function's stream broke.
const lostEvent = "event: error\ndata: {\"code\":\"unavailable\",\"message\":\"the connection to the service was lost; reconnect to resume\"}\n\n"

var eventEnd = []byte("\n\n")

// eventStream is an event-stream body that passes on complete events only
// and turns a read error into lostEvent and a clean end.
type eventStream struct {
	body io.ReadCloser
	ctx  <-chan struct{} // the client's request: once it has gone, nothing is added
	held []byte          // the start of an event not yet complete
	out  []byte          // complete events (or lostEvent) not yet returned
	err  error           // returned once out is empty
	lost bool            // the function's stream broke: lostEvent was added
}

func (s *eventStream) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		n, err := s.body.Read(p)
		if len(s.held) == 0 && n > 0 && bytes.HasSuffix(p[:n], eventEnd) && err == nil {
			return n, nil // whole events: the usual case, no copy
		}
		s.held = append(s.held, p[:n]...)
		if i := bytes.LastIndex(s.held, eventEnd); i >= 0 {
			s.out = append(s.out, s.held[:i+2]...)
			s.held = append(s.held[:0], s.held[i+2:]...)
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			// The function ended the stream itself.
			s.out = append(s.out, s.held...)
			s.err = io.EOF
		case s.clientGone():
			s.err = err
		default:
			s.out = append(s.out, lostEvent...)
			s.err = io.EOF
			s.lost = true
		}
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	if len(s.out) == 0 {
		s.out = nil
	}
	return n, nil
}

func (s *eventStream) clientGone() bool {
	select {
	case <-s.ctx:
		return true
	default:
		return false
	}
}

func (s *eventStream) Close() error { return s.body.Close() }
