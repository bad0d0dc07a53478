package aws

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const origin = "http://localhost:8080"

// rieCase is one event sent to a function under aws-lambda-rie and what
// its answer must contain.
type rieCase struct {
	name   string
	event  func(env *rieEnv) any
	check  func(t *testing.T, f *testkit.RIEFunction, env *rieEnv, status int, raw []byte)
	stream bool
}

// rieEnv is what every function shares: one backend, one signed-in user
// with a chat.
type rieEnv struct {
	*testkit.Backend
	cookie string
	chatID string
}

func (e *rieEnv) headers(pairs ...string) map[string]string {
	h := map[string]string{"Cookie": e.cookie, "Origin": origin}
	for i := 0; i+1 < len(pairs); i += 2 {
		h[pairs[i]] = pairs[i+1]
	}
	return h
}

func (e *rieEnv) jsonHeaders() map[string]string {
	return e.headers("Content-Type", "application/json")
}

// answers checks a buffered HTTP response: status and a fragment of body.
func answers(status int, want string) func(*testing.T, *testkit.RIEFunction, *rieEnv, int, []byte) {
	return func(t *testing.T, _ *testkit.RIEFunction, _ *rieEnv, code int, raw []byte) {
		t.Helper()
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(raw, &resp); err != nil || code != http.StatusOK {
			t.Fatalf("emulator answered %d %q (%v)", code, raw, err)
		}
		if resp.StatusCode != status || !strings.Contains(resp.Body, want) {
			t.Fatalf("status %d, want %d with %q; body %s", resp.StatusCode, status, want, resp.Body)
		}
	}
}

// failsLoudly checks the invocation was an error (a Lambda error the
// service counts and retries), with msg in it.
func failsLoudly(msg string) func(*testing.T, *testkit.RIEFunction, *rieEnv, int, []byte) {
	return func(t *testing.T, _ *testkit.RIEFunction, _ *rieEnv, code int, raw []byte) {
		t.Helper()
		var e struct{ ErrorMessage, ErrorType string }
		if err := json.Unmarshal(raw, &e); err != nil || e.ErrorType == "" || !strings.Contains(e.ErrorMessage, msg) {
			t.Fatalf("want an invocation error with %q, got %d %s (%v)", msg, code, raw, err)
		}
	}
}

// rieFunctions are the events each manifest function must answer under
// the emulator. TestEveryFunctionUnderRIE fails for a function missing here.
var rieFunctions = map[string][]rieCase{
	"health": {
		{name: "HTTP API", event: func(*rieEnv) any { return testkit.HTTPEvent("GET", "/health", "", nil, "") }, check: answers(200, `"status":"ok"`)},
		{name: "function URL", event: func(*rieEnv) any { return testkit.FunctionURLEvent("GET", "/health", "", nil, "") }, check: answers(200, `"postgres"`)},
		// The template's $default route: what no function takes gets the JSON 404.
		{name: "unrouted path", event: func(*rieEnv) any { return testkit.HTTPEvent("GET", "/api/nowhere", "", nil, "") }, check: answers(404, `"code":"not_found"`)},
	},
	"auth": {
		{name: "me", event: func(e *rieEnv) any { return testkit.HTTPEvent("GET", "/api/auth/me", "", e.headers(), "") }, check: answers(200, `"login":"alice"`)},
		{name: "providers", event: func(*rieEnv) any { return testkit.FunctionURLEvent("GET", "/api/auth/providers", "", nil, "") }, check: answers(200, `"dev"`)},
	},
	"chats": {
		{name: "create", event: func(e *rieEnv) any {
			return testkit.HTTPEvent("POST", "/api/chats", "", e.jsonHeaders(), `{"title":"Under the emulator"}`)
		}, check: answers(201, `"title":"Under the emulator"`)},
		{name: "list", event: func(e *rieEnv) any { return testkit.FunctionURLEvent("GET", "/api/chats", "limit=5", e.headers(), "") }, check: answers(200, `"id"`)},
		{name: "signed out", event: func(*rieEnv) any { return testkit.HTTPEvent("GET", "/api/chats", "", nil, "") }, check: answers(401, `"code":"unauthenticated"`)},
	},
	"artifacts": {
		{name: "list", event: func(e *rieEnv) any {
			return testkit.HTTPEvent("GET", "/api/chats/"+e.chatID+"/artifacts", "", e.headers(), "")
		}, check: answers(200, `[`)},
	},
	"attachments": {
		{name: "limits", event: func(e *rieEnv) any {
			return testkit.HTTPEvent("GET", "/api/attachments/limits", "", e.headers(), "")
		}, check: answers(200, `"max_file_bytes"`)},
		{name: "list", event: func(e *rieEnv) any {
			return testkit.HTTPEvent("GET", "/api/chats/"+e.chatID+"/attachments", "", e.headers(), "")
		}, check: answers(200, `[`)},
	},
	"preferences": {
		{name: "get", event: func(e *rieEnv) any { return testkit.HTTPEvent("GET", "/api/preferences", "", e.headers(), "") }, check: answers(200, `"retention_days"`)},
	},
	"github": {
		{name: "account without a token", event: func(e *rieEnv) any {
			return testkit.HTTPEvent("GET", "/api/github/account", "", e.headers(), "")
		}, check: answers(200, `"connected":false`)},
	},
	"usage": {
		{name: "today", event: func(e *rieEnv) any { return testkit.HTTPEvent("GET", "/api/usage", "", e.headers(), "") }, check: answers(200, `"daily_calls"`)},
	},
	"telemetry": {
		{name: "client error", event: func(*rieEnv) any {
			return testkit.HTTPEvent("POST", "/api/client-errors", "", map[string]string{"Content-Type": "application/json", "Origin": origin},
				`{"message":"TypeError: x is undefined","url":"/chats"}`)
		}, check: answers(204, ``)},
	},
	"retention": {
		{name: "EventBridge rule", event: func(*rieEnv) any { return testkit.ScheduledRuleEvent("archstudio-retention") }, check: scheduledRan("aws.events")},
		{name: "EventBridge Scheduler", event: func(*rieEnv) any { return testkit.SchedulerEvent("archstudio-retention") }, check: scheduledRan("aws.scheduler")},
		{name: "unknown event", event: func(*rieEnv) any { return map[string]any{"hello": "world"} }, check: failsLoudly("unrecognised event")},
	},
	"stream": {
		{name: "reply over SSE", stream: true, event: func(e *rieEnv) any {
			return testkit.FunctionURLEvent("POST", "/api/chats/"+e.chatID+"/messages", "", e.jsonHeaders(), `{"content":"Sketch a cache"}`)
		}},
		{name: "scheduled event without a job", event: func(*rieEnv) any { return testkit.SchedulerEvent("misrouted") }, check: failsLoudly("no scheduled job")},
	},
}

// scheduledRan checks the scheduled job ran (its result came back) and
// that its log lines, tagged with the event's source, reached the output.
func scheduledRan(source string) func(*testing.T, *testkit.RIEFunction, *rieEnv, int, []byte) {
	return func(t *testing.T, f *testkit.RIEFunction, _ *rieEnv, code int, raw []byte) {
		t.Helper()
		var res struct {
			Deleted  *int64 `json:"deleted"`
			Complete bool   `json:"complete"`
		}
		if err := json.Unmarshal(raw, &res); err != nil || code != http.StatusOK || res.Deleted == nil || !res.Complete {
			t.Fatalf("scheduled run answered %d %s (%v)", code, raw, err)
		}
		testkit.Eventually(t, 5e9, func() bool {
			return strings.Contains(f.Logs(), `"msg":"retention run"`) &&
				strings.Contains(f.Logs(), `"msg":"scheduled run done","function":"retention"`) &&
				strings.Contains(f.Logs(), `"source":"`+source+`"`)
		}, "the scheduled run's log lines (source %s) in the output", source)
	}
}

// TestEveryFunctionUnderRIE runs each function of runtime/functions.json,
// its real bootstrap binary, under AWS's Runtime Interface Emulator and
// sends it the events its template wires up: HTTP API and function URL
// requests, both kinds of scheduled event, and the streamed SSE reply.
func TestEveryFunctionUnderRIE(t *testing.T) {
	m, err := manifest.Load(filepath.Join("..", "..", "runtime", "functions.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	testkit.RIEBinary(t) // installed once, before the functions start in parallel
	env := &rieEnv{Backend: testkit.NewBackend(t)}
	userID, cookie := testkit.SignIn(t, env.Pool, env.Redis, "alice")
	env.cookie = cookie.String()
	if err := env.Pool.QueryRow(context.Background(),
		`INSERT INTO chat_sessions (user_id, title) VALUES ($1, 'Seeded') RETURNING id::text`, userID).Scan(&env.chatID); err != nil {
		t.Fatal(err)
	}
	for _, fn := range m.Functions {
		if notOnAWS[fn.Name] != "" {
			continue
		}
		cases, ok := rieFunctions[fn.Name]
		if !ok {
			t.Errorf("function %s has no events to answer under aws-lambda-rie", fn.Name)
			continue
		}
		t.Run(fn.Name, func(t *testing.T) {
			t.Parallel()
			bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/"+fn.Name)
			f := testkit.StartRIE(t, bin, append(env.Env(), "APP_ENV=test", testkit.TokenKeysEnv(), "ALLOWED_ORIGINS="+origin,
				"STREAM_DEMO_DELAY=1ms", "LOG_LEVEL=info")...)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					ev := c.event(env)
					if c.stream {
						checkStreamedReply(t, f, ev.(events.APIGatewayV2HTTPRequest))
						return
					}
					status, raw := f.InvokeRaw(t, ev)
					c.check(t, f, env, status, raw)
				})
			}
		})
	}
}

// checkStreamedReply checks the stream function's reply through the
// function URL's streamed response format: the prelude's status and
// content type, then every SSE event of a demo reply up to done.
func checkStreamedReply(t *testing.T, f *testkit.RIEFunction, ev events.APIGatewayV2HTTPRequest) {
	t.Helper()
	s, body := f.InvokeStreamed(t, ev)
	if s.StatusCode != http.StatusOK || !strings.HasPrefix(s.Headers["Content-Type"], "text/event-stream") {
		t.Fatalf("prelude %d %v; body %q", s.StatusCode, s.Headers, body)
	}
	types := sseTypes(t, body)
	if len(types) < 3 || types[len(types)-1] != "done" || !contains(types, "delta") {
		t.Fatalf("event types %v; body %q", types, body)
	}
}

// sseTypes returns the event: field of each SSE event in body, checking
// each against the contract.
func sseTypes(t *testing.T, body string) []string {
	t.Helper()
	var types []string
	for _, block := range strings.Split(body, "\n\n") {
		var typ, data string
		for _, line := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				typ = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				data = v
			}
		}
		if typ != "" {
			testkit.StreamEvent(t, typ, []byte(data))
			types = append(types, typ)
		}
	}
	return types
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
