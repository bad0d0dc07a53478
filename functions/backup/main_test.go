package main

import (
	"net/http"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/backup"

// TestLambda runs the built binary under a local Lambda Runtime API: the
// scheduled route refuses a wrong token, and the CSRF, CORS and
// security-header table every function passes holds for it. (A request
// the table accepts reaches the route and meets the token check, so no
// dump runs here; dump's own tests make real ones.)
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	b := testkit.NewBackend(t)
	fn := testkit.StartLambda(t, bin, "DATABASE_URL="+b.DatabaseURL, "BACKUP_DIR="+t.TempDir(), "BACKUP_TOKEN=tok")
	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "wrong token", Method: http.MethodPost, Path: "/internal/backup/run", Headers: map[string]string{"Authorization": "Bearer nope"}, Status: 401, Want: `"unauthenticated"`},
		{Name: "unknown route", Method: http.MethodGet, Path: "/nowhere", Status: 404, Want: `"not_found"`},
	})
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/internal/backup/run",
		Headers: map[string]string{"Authorization": "Bearer nope"}, Want: http.StatusUnauthorized})
}
