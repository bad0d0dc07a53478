package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/preferences"

// TestLambda merges a preferences patch through the Lambda adapter and
// reads it back with the configured default model.
func TestLambda(t *testing.T) {
	fn := testkit.StartSignedInLambda(t, pkg, "ANTHROPIC_MODEL=claude-lambda")
	auth := fn.Headers()
	patch := fn.Headers("Content-Type", "application/merge-patch+json")

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodPatch, "/api/preferences", "", patch, `{"theme":"dark","voice":{"speaking_rate":1.5}}`))
	if resp.StatusCode != 200 {
		t.Fatalf("patch: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/preferences", "", auth, ""))
	var p struct {
		SchemaVersion int `json:"schema_version"`
		Theme, Model  string
		Voice         struct {
			SpeakingRate float64 `json:"speaking_rate"`
		}
	}
	if err := json.Unmarshal([]byte(resp.Body), &p); err != nil || resp.StatusCode != 200 ||
		p.SchemaVersion != 2 || p.Theme != "dark" || p.Model != "claude-lambda" || p.Voice.SpeakingRate != 1.5 {
		t.Fatalf("get: %d %s", resp.StatusCode, resp.Body)
	}

	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "no cookie", Method: http.MethodGet, Path: "/api/preferences", Status: 401, Want: `"code":"unauthenticated"`},
		{Name: "invalid", Method: http.MethodPatch, Path: "/api/preferences", Headers: patch, Body: `{"voice":{"speaking_rate":9}}`, Status: 400, Want: `"field":"voice.speaking_rate"`},
		{Name: "wrong method", Method: http.MethodPost, Path: "/api/preferences", Headers: auth, Status: 405, Want: `"code":"method_not_allowed"`},
	})
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPatch, Path: "/api/preferences",
		Headers: patch, Body: `{"theme":"light"}`, Want: http.StatusOK})
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/nothing", "", auth, ""))
	if resp.StatusCode != 404 || !strings.Contains(resp.Body, `"code":"not_found"`) {
		t.Fatalf("unknown route: %d %s", resp.StatusCode, resp.Body)
	}
}

// TestBadConfigStopsStartup checks bad settings stop the binary with a
// message naming the variable.
func TestBadConfigStopsStartup(t *testing.T) {
	base := []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0"}
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Env: append(base, "ALLOWED_MODELS=a,b", "ANTHROPIC_MODEL=c"), Want: "ALLOWED_MODELS"},
		{Env: append(base, "PREFERENCES_CACHE_TTL=forever"), Want: "PREFERENCES_CACHE_TTL"},
		{Env: append(base, "DATABASE_URL="), Want: "DATABASE_URL"},
	})
}
