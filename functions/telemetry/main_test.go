package main

import (
	"net/http"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestLambda runs the built binary under a local Lambda Runtime API.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/telemetry")
	fn := testkit.StartLambda(t, bin, "REDIS_URL="+testkit.RedisURL(t))
	asJSON := map[string]string{"Content-Type": "application/json"}
	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "report", Method: http.MethodPost, Path: "/api/client-errors", Headers: asJSON, Body: `{"message":"boom"}`, Status: http.StatusNoContent},
		{Name: "bad report", Method: http.MethodPost, Path: "/api/client-errors", Headers: asJSON, Body: `{}`, Status: http.StatusBadRequest},
		{Name: "wrong method", Method: http.MethodGet, Path: "/api/client-errors", Headers: asJSON, Status: http.StatusMethodNotAllowed},
		{Name: "unknown route", Method: http.MethodGet, Path: "/api/nope", Headers: asJSON, Status: http.StatusNotFound},
	})
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/api/client-errors",
		Body: `{"message":"boom"}`, Want: http.StatusNoContent})
}
