package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// RIEModule is AWS's Lambda Runtime Interface Emulator at the version the
// module proxy serves; RIEBinary installs it with `go install`.
const RIEModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

var rieInstall struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// RIEBinary returns the path of aws-lambda-rie (RIEModule), installing it
// on first use into the user's cache directory ($AWS_LAMBDA_RIE names a
// binary to use instead). The install is atomic, so test processes running
// at the same time do not see a half-written file.
func RIEBinary(tb testing.TB) string {
	tb.Helper()
	rieInstall.once.Do(func() {
		if p := os.Getenv("AWS_LAMBDA_RIE"); p != "" {
			rieInstall.path = p
			return
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir() // no $HOME (some CI): still one install per machine
		}
		_, version, _ := strings.Cut(RIEModule, "@")
		dir := filepath.Join(cache, "archstudio", "aws-lambda-rie@"+version)
		rieInstall.path = filepath.Join(dir, "aws-lambda-rie")
		if _, err := os.Stat(rieInstall.path); err == nil {
			return
		}
		if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 -- test helper: its own temporary directory
			rieInstall.err = err
			return
		}
		tmp, err := os.MkdirTemp(dir, "install-")
		if err != nil {
			rieInstall.err = err
			return
		}
		defer os.RemoveAll(tmp)
		cmd := exec.Command("go", "install", RIEModule)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0")
		if rieInstall.out, rieInstall.err = cmd.CombinedOutput(); rieInstall.err != nil {
			return
		}
		rieInstall.err = os.Rename(filepath.Join(tmp, "aws-lambda-rie"), rieInstall.path)
	})
	if rieInstall.err != nil {
		tb.Fatalf("testkit: install %s: %v\n%s", RIEModule, rieInstall.err, rieInstall.out)
	}
	return rieInstall.path
}

// RIEFunction is a function binary run by aws-lambda-rie, AWS's own
// emulator of the Lambda service around a runtime: it starts the
// bootstrap on the first invocation, serves it the Runtime API and relays
// invocations posted to its HTTP endpoint.
type RIEFunction struct {
	url    string
	client *http.Client
	child  *Child
}

// StartRIE runs binary under aws-lambda-rie on free loopback ports, with
// env ("KEY=value") for the function, and stops both when tb ends.
func StartRIE(tb testing.TB, binary string, env ...string) *RIEFunction {
	tb.Helper()
	rie := RIEBinary(tb)
	invokeAddr, runtimeAddr := freeLoopbackAddr(tb), freeLoopbackAddr(tb)
	f := &RIEFunction{
		url:    "http://" + invokeAddr + "/2015-03-31/functions/function/invocations",
		client: &http.Client{Timeout: 30 * time.Second},
	}
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", invokeAddr, // #nosec G204 -- test helper: runs the Lambda runtime emulator, no shell
		"--runtime-api-address", runtimeAddr, binary)
	cmd.Dir = filepath.Dir(binary)
	cmd.Env = append(append(os.Environ(), env...),
		"AWS_LAMBDA_FUNCTION_NAME="+filepath.Base(binary),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_REGION=us-east-1",
	)
	f.child = StartChild(tb, cmd, 5*time.Second)
	f.child.WaitReady(tb, 10*time.Second, Listening("tcp", invokeAddr), "aws-lambda-rie listening on "+invokeAddr)
	return f
}

// Logs returns what the emulator and the function have written: the
// emulator's START/END/REPORT lines and the function's JSON log lines.
func (f *RIEFunction) Logs() string { return f.child.Logs() }

// InvokeRaw posts event to the emulator and returns the HTTP status and
// the payload: the function's result, or its error object
// ({"errorMessage","errorType"}) when the invocation failed.
func (f *RIEFunction) InvokeRaw(tb testing.TB, event any) (int, []byte) {
	tb.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := f.client.Post(f.url, "application/json", bytes.NewReader(payload))
	if err != nil {
		tb.Fatalf("testkit: invoke through aws-lambda-rie: %v\n%s", err, f.Logs())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("testkit: read aws-lambda-rie answer: %v", err)
	}
	return resp.StatusCode, body
}

// Invoke sends an HTTP API (v2) or function URL event and returns the
// buffered response, failing tb on an invocation error.
func (f *RIEFunction) Invoke(tb testing.TB, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	status, raw := f.InvokeRaw(tb, req)
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(raw, &resp); err != nil || status != http.StatusOK || resp.StatusCode == 0 {
		tb.Fatalf("testkit: aws-lambda-rie answered %d %q (%v)", status, raw, err)
	}
	checkLambdaContract(tb, req, resp)
	return resp
}

// InvokeStreamed sends a function URL event to a function that streams its
// responses (InvokeMode RESPONSE_STREAM) and returns the response. The
// emulator collects the whole stream before answering, so this checks the
// streamed format, not that it arrives incrementally (see
// LambdaFunction.InvokeStream for that).
func (f *RIEFunction) InvokeStreamed(tb testing.TB, req events.APIGatewayV2HTTPRequest) (*LambdaStream, string) {
	tb.Helper()
	status, raw := f.InvokeRaw(tb, req)
	if status != http.StatusOK {
		tb.Fatalf("testkit: aws-lambda-rie answered %d %q", status, raw)
	}
	s, err := ReadStreamedResponse(bytes.NewReader(raw))
	if err != nil {
		tb.Fatalf("testkit: streamed response %q: %v", raw, err)
	}
	body, err := io.ReadAll(s.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return s, string(body)
}

// freeLoopbackAddr returns a 127.0.0.1 address with a port that was free
// a moment ago, for a child process that cannot be handed a listener.
func freeLoopbackAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(fmt.Errorf("testkit: free port: %w", err))
	}
	defer ln.Close()
	return ln.Addr().String()
}
