package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// LambdaFunction is a function binary running against a local AWS Lambda
// Runtime API, the way the Lambda service runs it: the binary polls
// /runtime/invocation/next and posts each result back.
type LambdaFunction struct {
	srv     *httptest.Server
	pending chan *invocation
	mu      sync.Mutex
	active  map[string]*invocation
	seq     int
	logs    *LockedBuffer
}

type invocation struct {
	id      string
	payload []byte
	result  chan lambdaResult
	// streamed, when set, receives the response body as the runtime
	// sends it (Lambda's response streaming), instead of result.
	streamed chan io.Reader
}

type lambdaResult struct {
	body  []byte
	isErr bool
}

// StartLambda starts binary with AWS_LAMBDA_RUNTIME_API pointing at a
// Runtime API served by the test, plus env ("KEY=value"). The process is
// killed when tb ends.
func StartLambda(tb testing.TB, binary string, env ...string) *LambdaFunction {
	tb.Helper()
	f := &LambdaFunction{pending: make(chan *invocation), active: map[string]*invocation{}, logs: &LockedBuffer{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serveRuntimeAPI))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(append(os.Environ(), env...),
		"AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(f.srv.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=test-function",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_REGION=us-east-1",
	)
	cmd.Stdout, cmd.Stderr = f.logs, f.logs
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testkit: start lambda %s: %v", binary, err)
	}
	tb.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		f.srv.Close()
		if tb.Failed() {
			tb.Logf("lambda output:\n%s", f.logs.String())
		}
	})
	return f
}

// Logs returns what the function has written to stdout and stderr.
func (f *LambdaFunction) Logs() string { return f.logs.String() }

// Invoke sends an API Gateway HTTP API (v2) event and returns the
// function's response, failing tb on an invocation error or after 10 s.
func (f *LambdaFunction) Invoke(tb testing.TB, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	raw := f.InvokeRaw(tb, req)
	resp, err := decodeLambdaResponse(raw)
	if err != nil {
		tb.Fatalf("testkit: lambda response %q: %v", raw, err)
	}
	checkLambdaContract(tb, req, resp)
	return resp
}

// decodeLambdaResponse reads a buffered answer, or the whole of a
// streamed one (the stream function's, as a function URL with
// RESPONSE_STREAM: a JSON prelude, eight NUL bytes, then the body).
func decodeLambdaResponse(raw []byte) (events.APIGatewayV2HTTPResponse, error) {
	var resp events.APIGatewayV2HTTPResponse
	if !bytes.Contains(raw, make([]byte, 8)) {
		err := json.Unmarshal(raw, &resp)
		return resp, err
	}
	s, err := ReadStreamedResponse(bytes.NewReader(raw))
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(s.Body)
	return events.APIGatewayV2HTTPResponse{StatusCode: s.StatusCode, Headers: s.Headers, Cookies: s.Cookies, Body: string(body)}, err
}

// InvokeRaw sends any event (for example an EventBridge scheduled event)
// and returns the raw response payload.
func (f *LambdaFunction) InvokeRaw(tb testing.TB, event any) []byte {
	tb.Helper()
	inv := &invocation{result: make(chan lambdaResult, 1)}
	timeout := f.submit(tb, event, inv)
	select {
	case res := <-inv.result:
		if res.isErr {
			tb.Fatalf("testkit: lambda invocation error: %s", res.body)
		}
		return res.body
	case <-timeout:
		tb.Fatalf("testkit: lambda did not answer in 10 s; output:\n%s", f.logs.String())
	}
	return nil
}

// submit hands event to the function as inv, failing tb when the function
// does not ask for it within 10 s; the answer is due by the returned
// timeout.
func (f *LambdaFunction) submit(tb testing.TB, event any, inv *invocation) <-chan time.Time {
	tb.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		tb.Fatal(err)
	}
	f.mu.Lock()
	f.seq++
	inv.id, inv.payload = fmt.Sprintf("req-%d", f.seq), payload
	f.mu.Unlock()
	timeout := time.After(10 * time.Second)
	select {
	case f.pending <- inv:
	case <-timeout:
		tb.Fatalf("testkit: lambda never asked for the next invocation; output:\n%s", f.logs.String())
	}
	return timeout
}

// serveRuntimeAPI implements the parts of the Lambda Runtime API
// (2018-06-01) a Go runtime uses.
func (f *LambdaFunction) serveRuntimeAPI(w http.ResponseWriter, r *http.Request) {
	const prefix = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case r.Method == http.MethodGet && path == "invocation/next":
		var inv *invocation
		select {
		case inv = <-f.pending:
		case <-r.Context().Done():
			return
		}
		f.mu.Lock()
		f.active[inv.id] = inv
		f.mu.Unlock()
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:test-function")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "invocation/"):
		rest := strings.TrimPrefix(path, "invocation/")
		id, kind, _ := strings.Cut(rest, "/")
		f.mu.Lock()
		inv := f.active[id]
		delete(f.active, id)
		f.mu.Unlock()
		if inv == nil {
			http.Error(w, `{"errorMessage":"unknown request id"}`, http.StatusBadRequest)
			return
		}
		if inv.streamed != nil && kind == "response" {
			relayStream(inv, r)
			w.WriteHeader(http.StatusAccepted)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if inv.streamed != nil {
			inv.streamed <- strings.NewReader("invocation error: " + string(body))
			return
		}
		inv.result <- lambdaResult{body: body, isErr: kind == "error"}
		w.WriteHeader(http.StatusAccepted)
	case r.Method == http.MethodPost && path == "init/error":
		body, _ := io.ReadAll(r.Body)
		_, _ = f.logs.Write([]byte("init error: " + string(body) + "\n"))
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

// HTTPEvent builds the API Gateway HTTP API (v2) event for a request, as
// API Gateway or a function URL sends it from the studio's pages in a
// browser: Sec-Fetch-Site: same-origin unless headers name an Origin or a
// Sec-Fetch-Site, and Content-Type: application/json with a body unless
// headers name one. A header given an empty value is left out. rawQuery
// excludes the "?".
func HTTPEvent(method, path, rawQuery string, headers map[string]string, body string) events.APIGatewayV2HTTPRequest {
	hdr := http.Header{}
	for k, v := range headers {
		hdr[http.CanonicalHeaderKey(k)] = []string{v}
	}
	browserDefaults(hdr, body != "")
	dropEmpty(hdr)
	h := map[string]string{}
	var cookies []string
	for k, v := range hdr {
		if k == "Cookie" {
			cookies = append(cookies, strings.Split(v[0], "; ")...)
			continue
		}
		h[strings.ToLower(k)] = v[0]
	}
	return events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        path,
		RawQueryString: rawQuery,
		Cookies:        cookies,
		Headers:        h,
		Body:           body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID:  "000000000000",
			APIID:      "test",
			Stage:      "$default",
			RequestID:  "gw-" + randomHex(6),
			DomainName: "test.execute-api.us-east-1.amazonaws.com",
			TimeEpoch:  time.Now().UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    method,
				Path:      path,
				Protocol:  "HTTP/1.1",
				SourceIP:  "203.0.113.7",
				UserAgent: "testkit",
			},
		},
	}
}

// FunctionURLEvent is HTTPEvent as a Lambda function URL sends it (the
// same payload 2.0 shape, from a lambda-url domain).
func FunctionURLEvent(method, path, rawQuery string, headers map[string]string, body string) events.APIGatewayV2HTTPRequest {
	ev := HTTPEvent(method, path, rawQuery, headers, body)
	ev.RequestContext.APIID = "abcdefghijklmnopqrstuvwxyz0"
	ev.RequestContext.DomainName = "abcdefghijklmnopqrstuvwxyz0.lambda-url.us-east-1.on.aws"
	ev.RequestContext.DomainPrefix = "abcdefghijklmnopqrstuvwxyz0"
	return ev
}

// ScheduledRuleEvent is the event an EventBridge rule with a schedule
// sends its Lambda target.
func ScheduledRuleEvent(rule string) map[string]any {
	return map[string]any{
		"version":     "0",
		"id":          "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
		"detail-type": "Scheduled Event",
		"source":      "aws.events",
		"account":     "123456789012",
		"time":        time.Now().UTC().Format(time.RFC3339),
		"region":      "us-east-1",
		"resources":   []string{"arn:aws:events:us-east-1:123456789012:rule/" + rule},
		"detail":      map[string]any{},
	}
}

// SchedulerEvent is the payload an EventBridge Scheduler schedule of
// deploy/aws/template.yaml sends: its Input, with the context attributes
// the Scheduler fills in.
func SchedulerEvent(schedule string) map[string]any {
	return map[string]any{
		"source":         "aws.scheduler",
		"detail-type":    "Scheduled Event",
		"schedule-arn":   "arn:aws:scheduler:us-east-1:123456789012:schedule/default/" + schedule,
		"scheduled-time": time.Now().UTC().Format(time.RFC3339),
		"execution-id":   "c0ffee00-0000-4000-8000-000000000000",
		"attempt":        "1",
	}
}
