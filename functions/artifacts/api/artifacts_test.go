package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// env is the artifacts API behind the real session middleware, on a
// fresh database and Redis, with the store behind it for fixtures.
type env struct {
	*testkit.API
	t     *testing.T
	store *chatstore.Store
}

func newEnv(t *testing.T) *env {
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	store := chatstore.New(pool)
	h := New(Deps{Store: store, Authenticate: session.NewStore(rdb, session.Config{}).Middleware})
	return &env{API: testkit.NewAPI(t, pool, rdb, h), t: t, store: store}
}

type fixture struct {
	chat      chatstore.Chat
	artifacts map[string]chatstore.Artifact // by identifier/version
}

// fixture makes a chat with an artifact of every type; "design" has two
// versions.
func (e *env) fixture(userID string) fixture {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.store.CreateChat(ctx, userID, "x")
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := e.store.InsertMessage(ctx, userID, c.ID, chatstore.RoleAssistant, "here", chatstore.StatusComplete)
	if err != nil {
		e.t.Fatal(err)
	}
	f := fixture{chat: c, artifacts: map[string]chatstore.Artifact{}}
	for _, a := range []struct{ id, typ, lang, title, content string }{
		{"design", chatstore.TypeMarkdown, "", "API Design", "# v1"},
		{"design", chatstore.TypeMarkdown, "", "API Design", "# v2"},
		{"server", chatstore.TypeCode, "go", "main.go", "package main"},
		{"page", chatstore.TypeHTML, "", "Landing page", "<script>alert(1)</script>"},
		{"logo", chatstore.TypeSVG, "", "", "<svg onload=alert(1)></svg>"},
		{"flow", chatstore.TypeMermaid, "", "Flow", "graph TD; A-->B"},
		{"widget", chatstore.TypeReact, "", "Widget", "export default () => <p/>"},
		{"notes", chatstore.TypeCode, "", "../../etc/passwd", "plain"},
		{"page-src", chatstore.TypeCode, "html", "page", "<script>alert(1)</script>"},
	} {
		saved, err := e.store.SaveArtifact(ctx, userID, c.ID, m.ID, a.id, a.typ, a.lang, a.title, a.content)
		if err != nil {
			e.t.Fatal(err)
		}
		f.artifacts[a.id+"/"+a.content] = saved
		f.artifacts[a.id] = saved
	}
	return f
}

const missingID = "00000000-0000-4000-8000-000000000000"

func TestEndpoints(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice)
	chat := "/api/chats/" + f.chat.ID
	art := "/api/artifacts/" + f.artifacts["design"].ID
	tests := []struct {
		name, user, path string
		status           int
		field            string
	}{
		{"latest", alice, chat + "/artifacts", 200, ""},
		{"latest malformed chat", alice, "/api/chats/nope/artifacts", 400, "id"},
		{"latest missing chat", alice, "/api/chats/" + missingID + "/artifacts", 404, ""},
		{"latest anonymous", "", chat + "/artifacts", 401, ""},

		{"versions", alice, chat + "/artifacts/design/versions", 200, ""},
		{"versions escaped identifier", alice, chat + "/artifacts/" + url.PathEscape("a b/c") + "/versions", 404, ""},
		{"versions control character", alice, chat + "/artifacts/a%07b/versions", 400, "identifier"},
		{"versions unknown identifier", alice, chat + "/artifacts/nothing/versions", 404, ""},
		{"versions malformed chat", alice, "/api/chats/nope/artifacts/design/versions", 400, "id"},
		{"versions missing chat", alice, "/api/chats/" + missingID + "/artifacts/design/versions", 404, ""},
		{"versions anonymous", "", chat + "/artifacts/design/versions", 401, ""},

		{"get", alice, art, 200, ""},
		{"get malformed", alice, "/api/artifacts/1", 400, "id"},
		{"get missing", alice, "/api/artifacts/" + missingID, 404, ""},
		{"get anonymous", "", art, 401, ""},

		{"raw", alice, art + "/raw", 200, ""},
		{"raw malformed", alice, "/api/artifacts/1/raw", 400, "id"},
		{"raw missing", alice, "/api/artifacts/" + missingID + "/raw", 404, ""},
		{"raw anonymous", "", art + "/raw", 401, ""},

		{"unknown route", alice, "/api/artifacts", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.Do("GET", tt.path, tt.user, "")
			if resp.Status != tt.status {
				t.Fatalf("status = %d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
			if tt.status >= 400 {
				if code, field, _ := resp.Error(t); code == "" || field != tt.field {
					t.Fatalf("error %q field %q, want field %q", code, field, tt.field)
				}
			}
		})
	}
	if resp := e.Do("DELETE", art, alice, ""); resp.Status != 405 || resp.Header.Get("Allow") == "" {
		t.Fatalf("DELETE: %d %v %s", resp.Status, resp.Header, resp.Body)
	}
}

func TestLatestAndVersions(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice)
	var latest struct{ Artifacts []map[string]any }
	e.Do("GET", "/api/chats/"+f.chat.ID+"/artifacts", alice, "").JSON(t, &latest)
	if len(latest.Artifacts) != 8 {
		t.Fatalf("%d latest artifacts, want 8", len(latest.Artifacts))
	}
	for _, a := range latest.Artifacts {
		for _, key := range []string{"id", "chat_id", "message_id", "identifier", "type", "language", "title", "content", "version", "created_at"} {
			if _, ok := a[key]; !ok {
				t.Fatalf("artifact lacks %q: %v", key, a)
			}
		}
		if a["identifier"] == "design" && (a["version"] != 2.0 || a["content"] != "# v2") {
			t.Fatalf("latest design = %v", a)
		}
	}
	var vers struct{ Versions []chatstore.Artifact }
	e.Do("GET", "/api/chats/"+f.chat.ID+"/artifacts/design/versions", alice, "").JSON(t, &vers)
	if len(vers.Versions) != 2 || vers.Versions[0].Content != "# v1" || vers.Versions[1].Version != 2 {
		t.Fatalf("versions %+v", vers)
	}
	var one chatstore.Artifact
	e.Do("GET", "/api/artifacts/"+f.artifacts["design/# v1"].ID, alice, "").JSON(t, &one)
	if one.Version != 1 || one.Content != "# v1" || one.ChatID != f.chat.ID {
		t.Fatalf("artifact %+v", one)
	}

	empty, _ := e.store.CreateChat(context.Background(), alice, "")
	if resp := e.Do("GET", "/api/chats/"+empty.ID+"/artifacts", alice, ""); resp.Status != 200 || !strings.Contains(resp.Body, `"artifacts":[]`) {
		t.Fatalf("empty chat: %d %s", resp.Status, resp.Body)
	}
}

func TestRaw(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice)
	tests := []struct {
		identifier, contentType, filename string
	}{
		{"design", "text/markdown; charset=utf-8", "api-design.md"},
		{"server", "text/x-go; charset=utf-8", "main.go"},
		{"page", "text/html; charset=utf-8", "landing-page.html"},
		{"logo", "image/svg+xml", "logo.svg"},
		{"flow", "text/vnd.mermaid; charset=utf-8", "flow.mmd"},
		{"widget", "text/jsx; charset=utf-8", "widget.jsx"},
		{"notes", "text/plain; charset=utf-8", "etc-passwd.txt"},
		{"page-src", "text/plain; charset=utf-8", "page.html"},
	}
	for _, tt := range tests {
		t.Run(tt.identifier, func(t *testing.T) {
			a := f.artifacts[tt.identifier]
			resp := e.Do("GET", "/api/artifacts/"+a.ID+"/raw", alice, "")
			h := resp.Header
			if resp.Status != 200 || resp.Body != a.Content {
				t.Fatalf("%d %q", resp.Status, resp.Body)
			}
			if got := h.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if got, want := h.Get("Content-Disposition"), `attachment; filename="`+tt.filename+`"`; got != want {
				t.Errorf("Content-Disposition %q, want %q", got, want)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "sandbox" {
				t.Errorf("protective headers missing: %v", h)
			}
		})
	}
}

// TestCrossTenant runs every endpoint as bob against alice's chat and
// artifacts: each answers exactly as for a missing id.
func TestCrossTenant(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	bob := e.SignIn("bob")
	e.fixture(bob)
	f := e.fixture(alice)
	tests := []struct{ name, path string }{
		{"latest", "/api/chats/{chat}/artifacts"},
		{"versions", "/api/chats/{chat}/artifacts/design/versions"},
		{"get", "/api/artifacts/{art}"},
		{"raw", "/api/artifacts/{art}/raw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := strings.NewReplacer("{chat}", f.chat.ID, "{art}", f.artifacts["design"].ID).Replace(tt.path)
			missing := strings.NewReplacer("{chat}", missingID, "{art}", missingID).Replace(tt.path)
			got, want := e.Do("GET", path, bob, ""), e.Do("GET", missing, bob, "")
			if got.Status != 404 || want.Status != 404 {
				t.Fatalf("status %d (missing %d): %s", got.Status, want.Status, got.Body)
			}
			gc, gf, gm := got.Error(t)
			wc, wf, wm := want.Error(t)
			if gc != wc || gf != wf || gm != wm {
				t.Fatalf("distinguishable from missing: %s vs %s", got.Body, want.Body)
			}
		})
	}
}

// TestUnauthenticated covers the handler reached without the middleware:
// it refuses on its own.
func TestUnauthenticated(t *testing.T) {
	e := newEnv(t)
	rec := httptest.NewRecorder()
	New(Deps{Store: e.store, Authenticate: func(h http.Handler) http.Handler { return h }}).ServeHTTP(rec, httptest.NewRequest("GET", "/api/artifacts/"+missingID, nil))
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"unauthenticated"`) {
		t.Fatalf("no middleware: %d %s", rec.Code, rec.Body)
	}
}
