package testkit

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/archstudio/studio/shared/apispec"
)

// The API contract (shared/apispec/openapi.yaml) is checked on every
// exchange an API test makes through testkit: API.Do and API.Send,
// Function.Client, LambdaFunction.Invoke of an HTTP event, and any handler or client
// wrapped with ContractHandler or ContractTransport. An exchange breaks
// the contract, and fails the test, when:
//   - its route (method and path) is not in the document, unless the
//     answer is the 404 not_found or 405 method_not_allowed error that
//     an unknown route gets, or the 403 csrf_refused or 415
//     unsupported_media_type the CSRF check gives before routing;
//   - its status is not one the operation lists, or the response body
//     does not match that status's schema (an unknown field, a wrong
//     type, a missing member);
//   - the server accepted it (2xx) though the request's parameters or
//     body break the operation's request schema: a test may send bad
//     requests on purpose, but the server must refuse them.
// CORS preflights (OPTIONS with Access-Control-Request-Method) are part
// of the CORS protocol, not of the API, and are not checked.

// contract is the parsed document, failing tb when it does not parse.
func contract(tb testing.TB) *apispec.Contract {
	tb.Helper()
	c, err := apispec.Load()
	if err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	return c
}

// CheckContract fails tb unless the exchange of req and resp keeps the
// contract (see above). resp's body must be readable to its end (unless
// it is an event stream, whose events StreamEvent checks); it is read
// and put back. req's body, if any, must still be unread.
func CheckContract(tb testing.TB, req *http.Request, resp *http.Response) {
	tb.Helper()
	if err := contractError(contract(tb), req, resp); err != nil {
		tb.Errorf("testkit: API contract (shared/apispec/openapi.yaml): %v", err)
	}
}

func contractError(c *apispec.Contract, req *http.Request, resp *http.Response) error {
	if req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != "" {
		return nil
	}
	if !c.HasOperation(req) {
		switch resp.StatusCode {
		// The shared CSRF check (403 csrf_refused, 415) answers before
		// any route is looked at.
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusForbidden, http.StatusUnsupportedMediaType:
			body, err := readBack(resp)
			if err != nil {
				return err
			}
			return c.ValidateSchema("Error", body)
		case http.StatusMovedPermanently, http.StatusPermanentRedirect:
			return nil // path cleaning, before any route
		}
		return errors.New(req.Method + " " + req.URL.Path + " is not a route of the contract, yet it answered " + http.StatusText(resp.StatusCode))
	}
	if _, err := readBack(resp); err != nil {
		return err
	}
	if err := c.ValidateResponse(req, resp); err != nil {
		return err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return c.ValidateRequest(req)
	}
	return nil
}

// readBack reads resp's body (not an event stream's) and puts it back.
func readBack(resp *http.Response) ([]byte, error) {
	if resp.Body == nil || resp.StatusCode == http.StatusSwitchingProtocols ||
		strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return nil, nil
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// copyRequest returns a copy of req for CheckContract whose body can be
// read, and gives req a fresh body for the handler or the transport.
func copyRequest(tb testing.TB, req *http.Request) *http.Request {
	tb.Helper()
	cp := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return cp
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		tb.Fatalf("testkit: read request body: %v", err)
	}
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	cp.Body = io.NopCloser(bytes.NewReader(b))
	return cp
}

// ContractHandler returns h checking each exchange it serves against the
// contract (see CheckContract), once h has answered. Streaming, flushing
// and hijacking (WebSocket) pass through.
func ContractHandler(tb testing.TB, h http.Handler) http.Handler {
	c := contract(tb)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cp := copyRequest(tb, r)
		tee := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tee, r)
		if err := contractError(c, cp, tee.response()); err != nil {
			tb.Errorf("testkit: API contract (shared/apispec/openapi.yaml): %v", err)
		}
	})
}

// teeWriter passes a response on and keeps a copy of it.
type teeWriter struct {
	http.ResponseWriter
	status int
	header http.Header
	body   bytes.Buffer
}

func (t *teeWriter) WriteHeader(status int) {
	if t.status == 0 {
		t.status = status
		t.header = t.ResponseWriter.Header().Clone()
	}
	t.ResponseWriter.WriteHeader(status)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
		// net/http sniffs a missing Content-Type from the first write.
		if _, set := t.header["Content-Type"]; !set && t.header.Get("Transfer-Encoding") == "" {
			t.header.Set("Content-Type", http.DetectContentType(b))
		}
	}
	if !strings.HasPrefix(t.header.Get("Content-Type"), "text/event-stream") {
		t.body.Write(b)
	}
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer's Flush,
// SetWriteDeadline and the rest.
func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (t *teeWriter) Flush() {
	_ = http.NewResponseController(t.ResponseWriter).Flush()
}

// Hijack is the WebSocket upgrade: what follows is not HTTP.
func (t *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if t.status == 0 {
		t.status = http.StatusSwitchingProtocols
		t.header = t.ResponseWriter.Header().Clone()
	}
	return http.NewResponseController(t.ResponseWriter).Hijack()
}

func (t *teeWriter) response() *http.Response {
	if t.status == 0 {
		t.status, t.header = http.StatusOK, t.ResponseWriter.Header().Clone()
	}
	return &http.Response{StatusCode: t.status, Header: t.header, Body: io.NopCloser(bytes.NewReader(t.body.Bytes()))}
}

// ContractTransport returns rt (http.DefaultTransport when nil) checking
// each exchange against the contract (see CheckContract) as its response
// arrives. An event stream's body is left to the caller, to read as it
// comes and check with StreamEvent.
func ContractTransport(tb testing.TB, rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &contractTransport{tb: tb, c: contract(tb), next: rt}
}

type contractTransport struct {
	tb   testing.TB
	c    *apispec.Contract
	next http.RoundTripper
}

func (t *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cp := copyRequest(t.tb, req)
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if err := contractError(t.c, cp, resp); err != nil {
		t.tb.Errorf("testkit: API contract (shared/apispec/openapi.yaml): %v", err)
	}
	return resp, nil
}

// StreamEvent fails tb unless a server-sent event of type typ with data
// keeps the contract's schema for it.
func StreamEvent(tb testing.TB, typ string, data []byte) {
	tb.Helper()
	if err := contract(tb).ValidateStreamEvent(typ, data); err != nil {
		tb.Errorf("testkit: API contract (shared/apispec/openapi.yaml): event %s: %v", typ, err)
	}
}

// WSFrame fails tb unless a frame the server sent on /api/ws keeps the
// contract (WSEventFrame or WSErrorFrame).
func WSFrame(tb testing.TB, frame []byte) {
	tb.Helper()
	if err := contract(tb).ValidateWSFrame(frame); err != nil {
		tb.Errorf("testkit: API contract (shared/apispec/openapi.yaml): WebSocket frame: %v", err)
	}
}

// checkLambdaContract checks an API Gateway HTTP (v2) exchange the way
// CheckContract checks an HTTP one.
func checkLambdaContract(tb testing.TB, ev events.APIGatewayV2HTTPRequest, out events.APIGatewayV2HTTPResponse) {
	tb.Helper()
	target := ev.RawPath
	if ev.RawQueryString != "" {
		target += "?" + ev.RawQueryString
	}
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		body, _ = base64.StdEncoding.DecodeString(ev.Body)
	}
	req := httptest.NewRequest(ev.RequestContext.HTTP.Method, target, bytes.NewReader(body))
	for k, v := range ev.Headers {
		req.Header.Set(k, v)
	}
	respBody := []byte(out.Body)
	if out.IsBase64Encoded {
		respBody, _ = base64.StdEncoding.DecodeString(out.Body)
	}
	resp := &http.Response{StatusCode: out.StatusCode, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(respBody))}
	for k, v := range out.Headers {
		resp.Header.Set(k, v)
	}
	for k, vs := range out.MultiValueHeaders {
		for _, v := range vs {
			resp.Header.Add(k, v)
		}
	}
	CheckContract(tb, req, resp)
}

// Schema fails tb unless data keeps the contract's schema name (for
// payloads no operation describes on its own, such as the runs events).
func Schema(tb testing.TB, name string, data []byte) {
	tb.Helper()
	if err := contract(tb).ValidateSchema(name, data); err != nil {
		tb.Errorf("testkit: API contract (shared/apispec/openapi.yaml): %s: %v", name, err)
	}
}
