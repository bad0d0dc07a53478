package manifest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/apispec"
)

// TestStudioManifestRoutes checks that the shipped manifest sends every
// route of the API contract (shared/apispec/openapi.yaml) to the function that owns it.
func TestStudioManifestRoutes(t *testing.T) {
	m, err := Load("../functions.json", "/bin/functions")
	if err != nil {
		t.Fatal(err)
	}
	table := m.Table()
	const id = "0b5d8a4e-4a57-4a8f-9d57-0b8a4f5c2d11"
	tests := []struct {
		method, path string
		want         string
	}{
		{"GET", "/health", "health"},
		{"GET", "/health/metrics", "health"},
		{"GET", "/api/auth/providers", "auth"},
		{"GET", "/api/auth/github/callback", "auth"},
		{"POST", "/api/auth/dev", "auth"},
		{"DELETE", "/api/auth/sessions/" + id, "auth"},
		{"POST", "/api/chats", "chats"},
		{"GET", "/api/chats", "chats"},
		{"GET", "/api/chats/" + id, "chats"},
		{"PATCH", "/api/chats/" + id, "chats"},
		{"DELETE", "/api/chats/" + id, "chats"},
		{"GET", "/api/chats/" + id + "/messages", "chats"},
		{"DELETE", "/api/chats/" + id + "/messages/" + id, "chats"},
		{"GET", "/api/chats/" + id + "/export", "chats"},
		{"POST", "/api/chats/" + id + "/messages", "stream"},
		{"GET", "/api/chats/" + id + "/events", "stream"},
		{"HEAD", "/api/chats/" + id + "/events", "stream"},
		{"POST", "/api/chats/" + id + "/stop", "stream"},
		{"GET", "/api/ws", "stream"},
		{"GET", "/api/voice", "stream"},
		{"GET", "/api/chats/" + id + "/artifacts", "artifacts"},
		{"GET", "/api/chats/" + id + "/artifacts/diagram/versions", "artifacts"},
		{"GET", "/api/artifacts/" + id, "artifacts"},
		{"GET", "/api/artifacts/" + id + "/raw", "artifacts"},
		{"GET", "/api/preferences", "preferences"},
		{"PATCH", "/api/preferences", "preferences"},
		{"GET", "/api/usage", "usage"},
		{"POST", "/api/client-errors", "telemetry"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r, ok := table.Match(tt.method, tt.path)
			if !ok || r.Function != tt.want {
				t.Fatalf("matched %q (%v), want %s", r.Function, ok, tt.want)
			}
		})
	}
	for _, miss := range []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/chats/" + id},
		{"GET", "/api"},
		{"GET", "/api/chatsx"},
		{"GET", "/api/client-errors"},
		{"POST", "/internal/retention/run"},
		{"GET", "/healthz"},
	} {
		if r, ok := table.Match(miss.method, miss.path); ok {
			t.Errorf("%s %s matched %s's route %q, want no match", miss.method, miss.path, r.Function, r.Spec)
		}
	}
}

// TestContractRoutesAreRouted checks every operation of the API contract
// against the shipped manifest: the function its first tag names serves
// it; "internal" routes are the scheduler's and "meta" ones the router's,
// so no function's route matches them.
func TestContractRoutesAreRouted(t *testing.T) {
	m, err := Load("../functions.json", "/bin/functions")
	if err != nil {
		t.Fatal(err)
	}
	table := m.Table()
	c, err := apispec.Load()
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	ops := c.Operations()
	if len(ops) < 30 {
		t.Fatalf("only %d operations in the contract", len(ops))
	}
	for _, op := range ops {
		path := param.ReplaceAllString(op.Path, "0b5d8a4e-4a57-4a8f-9d57-0b8a4f5c2d11")
		r, ok := table.Match(op.Method, path)
		switch want := op.Tags[0]; want {
		case "internal", "meta":
			if ok {
				t.Errorf("%s %s (%s) matched %s's route %q", op.Method, op.Path, want, r.Function, r.Spec)
			}
		default:
			if !ok || r.Function != want {
				t.Errorf("%s %s went to %q (%v), want %s", op.Method, op.Path, r.Function, ok, want)
			}
		}
	}
}

// TestMatchSpecificity: the ServeMux picks the route whose patterns match
// a strict subset of the others' requests.
func TestMatchSpecificity(t *testing.T) {
	m := &Manifest{Functions: []Function{
		{Name: "wide", Binary: "x", Routes: []string{"/a"}},
		{Name: "star", Binary: "x", Routes: []string{"/a/*/c"}},
		{Name: "named", Binary: "x", Routes: []string{"/a/{id}/n"}},
		{Name: "lit", Binary: "x", Routes: []string{"/a/b/c/e"}},
		{Name: "post", Binary: "x", Routes: []string{"POST /a/*/p"}},
		{Name: "deep", Binary: "x", Routes: []string{"/a/*/c/d"}},
	}}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	table := m.Table()
	tests := []struct{ method, path, want string }{
		{"GET", "/a", "wide"},
		{"GET", "/a/", "wide"},
		{"GET", "/a/x", "wide"},
		{"POST", "/a/x", "wide"},
		{"GET", "/a/x/c", "star"},
		{"HEAD", "/a/x/c", "star"},
		{"GET", "/a/x/c/z", "star"},
		{"POST", "/a/x/c", "star"},
		{"POST", "/a/x/p", "post"},
		{"POST", "/a/x/p/z", "post"},
		{"GET", "/a/x/p", "wide"},
		{"GET", "/a/x/n/z", "named"},
		{"GET", "/a/b/c/e", "lit"},
		{"DELETE", "/a/b/c/e/f", "lit"},
		{"GET", "/a/b/c", "star"},
		{"GET", "/a/x/c/d/e", "deep"},
		{"POST", "/a/x/c/d", "deep"},
		{"GET", "/ab", ""},
	}
	for _, tt := range tests {
		if r, _ := table.Match(tt.method, tt.path); r.Function != tt.want {
			t.Errorf("%s %s → %q, want %q", tt.method, tt.path, r.Function, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"ok", `{"functions":[{"name":"a","routes":["/a"]}]}`, ""},
		{"empty", `{"functions":[]}`, "no functions"},
		{"unknown field", `{"functions":[{"name":"a","routes":["/a"],"port":1}]}`, "unknown field"},
		{"bad name", `{"functions":[{"name":"A b","routes":["/a"]}]}`, "name must be"},
		{"twice", `{"functions":[{"name":"a","routes":["/a"]},{"name":"a","routes":["/b"]}]}`, "listed twice"},
		{"both targets", `{"functions":[{"name":"a","binary":"x","upstream":"http://h:1","routes":["/a"]}]}`, "not both"},
		{"bad upstream", `{"functions":[{"name":"a","upstream":"h:1","routes":["/a"]}]}`, "upstream must be"},
		{"upstream path", `{"functions":[{"name":"a","upstream":"http://h:1/x","routes":["/a"]}]}`, "upstream must be"},
		{"nothing to do", `{"functions":[{"name":"a","routes":[]}]}`, "no routes and no schedule"},
		{"root route", `{"functions":[{"name":"a","routes":["/"]}]}`, "hide the web app"},
		{"relative route", `{"functions":[{"name":"a","routes":["api"]}]}`, "must start with /"},
		{"bad method", `{"functions":[{"name":"a","routes":["FETCH /a"]}]}`, "unknown method"},
		{"partial star", `{"functions":[{"name":"a","routes":["/a/b*"]}]}`, "whole segment"},
		{"partial wildcard", `{"functions":[{"name":"a","routes":["/a/x{id}"]}]}`, "whole segment"},
		{"star and name are one", `{"functions":[{"name":"a","routes":["/a/*"]},{"name":"b","routes":["/a/{id}"]}]}`, "already a's"},
		{"overlap, neither more specific", `{"functions":[{"name":"a","routes":["/a/*/c"]},{"name":"b","routes":["/a/b/*"]}]}`, "overlaps another route"},
		{"method against depth", `{"functions":[{"name":"a","routes":["POST /a/*"]},{"name":"b","routes":["/a/*/c"]}]}`, "overlaps another route"},
		{"dot segment", `{"functions":[{"name":"a","routes":["/a/../b"]}]}`, "dot segment"},
		{"duplicate route", `{"functions":[{"name":"a","routes":["/a"]},{"name":"b","routes":["/a/"]}]}`, "already a's"},
		{"same methods differently ordered", `{"functions":[{"name":"a","routes":["GET,POST /a"]},{"name":"b","routes":["POST,GET /a"]}]}`, "already a's"},
		{"bad every", `{"functions":[{"name":"a","schedule":{"every":"soon","path":"/x"}}]}`, "invalid duration"},
		{"zero every", `{"functions":[{"name":"a","schedule":{"every":"0s","path":"/x"}}]}`, "positive"},
		{"schedule path relative", `{"functions":[{"name":"a","schedule":{"every":"1h","path":"x"}}]}`, "start with /"},
		{"public schedule path", `{"functions":[{"name":"a","routes":["/internal"],"schedule":{"every":"1h","path":"/internal/run"}}]}`, "would be public"},
		{"public through other function", `{"functions":[{"name":"a","schedule":{"every":"1h","path":"/api/x/run"}},{"name":"b","routes":["POST /api/*"]}]}`, "would be public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.json), "bin/functions")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDefaultBinary(t *testing.T) {
	m, err := Parse([]byte(`{"functions":[{"name":"a","routes":["/a"]},{"name":"b","binary":"/opt/b","routes":["/b"]},{"name":"c","upstream":"http://c:8081","routes":["/c"]}]}`), "bin/functions")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bin/functions/a", "/opt/b", ""}
	for i, f := range m.Functions {
		if f.Binary != want[i] {
			t.Errorf("%s: binary %q, want %q", f.Name, f.Binary, want[i])
		}
	}
}

func TestRoutePath(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"GET /api/chats", "/api/chats"},
		{"POST /api/chats/*/messages", "/api/chats/{p2}/messages"},
		{"/api/chats/{id}/events", "/api/chats/{p2}/events"},
	}
	for _, tt := range tests {
		r, err := ParseRoute(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Path(func(i int) string { return fmt.Sprintf("{p%d}", i) }); got != tt.want {
			t.Errorf("%s: Path %q, want %q", tt.spec, got, tt.want)
		}
	}
}
