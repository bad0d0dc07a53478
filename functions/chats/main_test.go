package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/chats"

// TestLambda runs the built binary under a local Lambda Runtime API and
// drives it with API Gateway v2 events carrying a real session cookie.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	b := testkit.NewBackend(t)
	_, cookie := testkit.SignIn(t, b.Pool, b.Redis, "alice")
	fn := testkit.StartLambda(t, bin, b.Env()...)
	auth := map[string]string{"Cookie": cookie.String(), "Content-Type": "application/json"}

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/api/chats", "", auth, `{"title":"From Lambda"}`))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	var chat struct{ ID, Title string }
	if err := json.Unmarshal([]byte(resp.Body), &chat); err != nil || chat.Title != "From Lambda" {
		t.Fatalf("create body %s (%v)", resp.Body, err)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/chats", "limit=10&q=lambda", auth, ""))
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, chat.ID) {
		t.Fatalf("list: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/chats/"+chat.ID+"/export", "format=md", auth, ""))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Body, "# From Lambda") ||
		resp.Headers["Content-Disposition"] != `attachment; filename="from-lambda.md"` {
		t.Fatalf("export: %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}

	tests := []struct {
		name, method, path string
		headers            map[string]string
		status             int
		code               string
	}{
		{"no cookie", http.MethodGet, "/api/chats", nil, 401, "unauthenticated"},
		{"malformed id", http.MethodGet, "/api/chats/nope", auth, 400, "invalid_argument"},
		{"unknown route", http.MethodGet, "/api/chats/" + chat.ID + "/nothing", auth, 404, "not_found"},
		{"wrong method", http.MethodPut, "/api/chats/" + chat.ID, auth, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := fn.Invoke(t, testkit.HTTPEvent(tt.method, tt.path, "", tt.headers, ""))
			if resp.StatusCode != tt.status || !strings.Contains(resp.Body, `"code":"`+tt.code+`"`) {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
		})
	}
}

// TestBadConfigStopsStartup checks missing settings stop the binary with a
// message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	for _, tt := range []struct {
		env  []string
		want string
	}{
		{[]string{"DATABASE_URL=", "REDIS_URL=redis://127.0.0.1:1/0"}, "DATABASE_URL"},
		{[]string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0", "APP_ENV=staging"}, "APP_ENV"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			out, code := testkit.RunBinary(t, bin, tt.env...)
			if code == 0 || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d, output %s", code, out)
			}
		})
	}
}
