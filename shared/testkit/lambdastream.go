package testkit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// LambdaStream is a response a function streams to the Lambda Runtime API
// (a function URL with InvokeMode RESPONSE_STREAM): the prelude Lambda
// turns into the status line and headers, then the body, readable as the
// function writes it.
type LambdaStream struct {
	StatusCode int
	Headers    map[string]string
	Cookies    []string
	Body       *bufio.Reader
}

// InvokeStream sends event and returns the response while the function
// is still writing it, failing tb when no prelude arrives within 10 s.
func (f *LambdaFunction) InvokeStream(tb testing.TB, event any) *LambdaStream {
	tb.Helper()
	inv := &invocation{streamed: make(chan io.Reader, 1)}
	timeout := f.submit(tb, event, inv)
	var body io.Reader
	select {
	case body = <-inv.streamed:
	case <-timeout:
		tb.Fatalf("testkit: lambda did not start its response in 10 s; output:\n%s", f.logs.String())
	}
	if c, ok := body.(io.Closer); ok {
		tb.Cleanup(func() { _ = c.Close() })
	}
	s, err := ReadStreamedResponse(body)
	if err != nil {
		tb.Fatalf("testkit: streamed response: %v; output:\n%s", err, f.logs.String())
	}
	return s
}

// ReadStreamedResponse reads the prelude of a streamed function URL
// response (JSON, then eight NUL bytes, as aws-lambda-go writes it) and
// leaves the body in Body.
func ReadStreamedResponse(r io.Reader) (*LambdaStream, error) {
	br := bufio.NewReader(r)
	var prelude []byte
	for !bytes.HasSuffix(prelude, make([]byte, 8)) {
		b, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("prelude %q: %w", prelude, err)
		}
		prelude = append(prelude, b)
	}
	s := &LambdaStream{Body: br}
	var p struct {
		StatusCode int               `json:"statusCode"`
		Headers    map[string]string `json:"headers"`
		Cookies    []string          `json:"cookies"`
	}
	if err := json.Unmarshal(bytes.TrimRight(prelude, "\x00"), &p); err != nil {
		return nil, fmt.Errorf("prelude %q: %w", prelude, err)
	}
	s.StatusCode, s.Headers, s.Cookies = p.StatusCode, p.Headers, p.Cookies
	return s, nil
}

// relayStream hands the runtime's response body to the waiting test as it
// arrives (Go's client flushes each chunk of a body of unknown length), and
// ends it with the error the runtime reports in its trailers, if any.
func relayStream(inv *invocation, r *http.Request) {
	pr, pw := io.Pipe()
	inv.streamed <- pr
	_, err := io.Copy(pw, r.Body)
	if err == nil {
		if typ := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); typ != "" {
			err = fmt.Errorf("function error %s: %s", typ, r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		}
	}
	pw.CloseWithError(err)
}
