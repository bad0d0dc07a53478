package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// env is the chats API behind the real session middleware, on a fresh
// database and Redis, with the store behind it for fixtures.
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

// fixture is a chat of one user with messages and an artifact.
type fixture struct {
	chat     chatstore.Chat
	messages []chatstore.Message
	artifact chatstore.Artifact
}

func (e *env) fixture(userID, title string) fixture {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.store.CreateChat(ctx, userID, title)
	if err != nil {
		e.t.Fatal(err)
	}
	f := fixture{chat: c}
	for i, content := range []string{"How should we shard?", "By tenant.", "And the cache?", "Per region."} {
		role := chatstore.RoleUser
		if i%2 == 1 {
			role = chatstore.RoleAssistant
		}
		m, err := e.store.InsertMessage(ctx, userID, c.ID, role, content, chatstore.StatusComplete)
		if err != nil {
			e.t.Fatal(err)
		}
		f.messages = append(f.messages, m)
	}
	f.artifact, err = e.store.SaveArtifact(ctx, userID, c.ID, f.messages[3].ID, "cache-plan", chatstore.TypeCode, "go", "cache.go", "package cache // ```")
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

const missingID = "00000000-0000-4000-8000-000000000000"

func TestEndpoints(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "Sharding plan")
	other := e.fixture(alice, "Other")
	chatPath := "/api/chats/" + f.chat.ID
	long := strings.Repeat("x", 201)

	tests := []struct {
		name         string
		user         string
		method, path string
		body         string
		status       int
		field        string // for 400s
	}{
		{"create", alice, "POST", "/api/chats", `{"title":"New one"}`, 201, ""},
		{"create untitled", alice, "POST", "/api/chats", ``, 201, ""},
		{"create empty object", alice, "POST", "/api/chats", `{}`, 201, ""},
		{"create 200 runes", alice, "POST", "/api/chats", `{"title":"` + strings.Repeat("é", 200) + `"}`, 201, ""},
		{"create long title", alice, "POST", "/api/chats", `{"title":"` + long + `"}`, 400, "title"},
		{"create title wrong type", alice, "POST", "/api/chats", `{"title":5}`, 400, "title"},
		{"create unknown field", alice, "POST", "/api/chats", `{"name":"x"}`, 400, "name"},
		{"create bad json", alice, "POST", "/api/chats", `{"title":`, 400, ""},
		{"create too large", alice, "POST", "/api/chats", `{"title":"` + strings.Repeat("x", 1<<20) + `"}`, 413, ""},
		{"create anonymous", "", "POST", "/api/chats", `{}`, 401, ""},

		{"list", alice, "GET", "/api/chats", "", 200, ""},
		{"list limit", alice, "GET", "/api/chats?limit=1", "", 200, ""},
		{"list search", alice, "GET", "/api/chats?q=shard", "", 200, ""},
		{"list limit 0", alice, "GET", "/api/chats?limit=0", "", 400, "limit"},
		{"list limit 101", alice, "GET", "/api/chats?limit=101", "", 400, "limit"},
		{"list limit text", alice, "GET", "/api/chats?limit=ten", "", 400, "limit"},
		{"list bad cursor", alice, "GET", "/api/chats?cursor=zzz", "", 400, "cursor"},
		{"list malformed query", alice, "GET", "/api/chats?cursor=%%%%%%", "", 400, "query"},
		{"list long search", alice, "GET", "/api/chats?q=" + long, "", 400, "q"},
		{"list anonymous", "", "GET", "/api/chats", "", 401, ""},

		{"get", alice, "GET", chatPath, "", 200, ""},
		{"get malformed id", alice, "GET", "/api/chats/123", "", 400, "id"},
		{"get missing", alice, "GET", "/api/chats/" + missingID, "", 404, ""},
		{"get anonymous", "", "GET", chatPath, "", 401, ""},

		{"rename", alice, "PATCH", chatPath, `{"title":"Renamed"}`, 200, ""},
		{"rename nothing", alice, "PATCH", chatPath, `{}`, 200, ""},
		{"rename long", alice, "PATCH", chatPath, `{"title":"` + long + `"}`, 400, "title"},
		{"rename unknown field", alice, "PATCH", chatPath, `{"titel":"x"}`, 400, "titel"},
		{"rename no body", alice, "PATCH", chatPath, ``, 400, ""},
		{"rename malformed id", alice, "PATCH", "/api/chats/x", `{"title":"x"}`, 400, "id"},
		{"rename missing", alice, "PATCH", "/api/chats/" + missingID, `{"title":"x"}`, 404, ""},
		{"rename anonymous", "", "PATCH", chatPath, `{"title":"x"}`, 401, ""},

		{"messages", alice, "GET", chatPath + "/messages", "", 200, ""},
		{"messages limit", alice, "GET", chatPath + "/messages?limit=2", "", 200, ""},
		{"messages bad limit", alice, "GET", chatPath + "/messages?limit=-1", "", 400, "limit"},
		{"messages bad cursor", alice, "GET", chatPath + "/messages?cursor=@@", "", 400, "cursor"},
		{"messages malformed query", alice, "GET", chatPath + "/messages?limit=5;cursor=x", "", 400, "query"},
		{"messages malformed id", alice, "GET", "/api/chats/x/messages", "", 400, "id"},
		{"messages missing", alice, "GET", "/api/chats/" + missingID + "/messages", "", 404, ""},
		{"messages anonymous", "", "GET", chatPath + "/messages", "", 401, ""},

		{"export md", alice, "GET", chatPath + "/export?format=md", "", 200, ""},
		{"export json", alice, "GET", chatPath + "/export?format=json", "", 200, ""},
		{"export default", alice, "GET", chatPath + "/export", "", 200, ""},
		{"export bad format", alice, "GET", chatPath + "/export?format=pdf", "", 400, "format"},
		{"export malformed id", alice, "GET", "/api/chats/x/export", "", 400, "id"},
		{"export missing", alice, "GET", "/api/chats/" + missingID + "/export", "", 404, ""},
		{"export anonymous", "", "GET", chatPath + "/export", "", 401, ""},

		{"cut malformed mid", alice, "DELETE", chatPath + "/messages/x", "", 400, "mid"},
		{"cut malformed id", alice, "DELETE", "/api/chats/x/messages/" + f.messages[2].ID, "", 400, "id"},
		{"cut missing message", alice, "DELETE", chatPath + "/messages/" + missingID, "", 404, ""},
		{"cut message of other chat", alice, "DELETE", chatPath + "/messages/" + other.messages[0].ID, "", 404, ""},
		{"cut anonymous", "", "DELETE", chatPath + "/messages/" + f.messages[2].ID, "", 401, ""},
		{"cut", alice, "DELETE", chatPath + "/messages/" + f.messages[2].ID, "", 204, ""},

		{"select branch", alice, "PUT", chatPath + "/branch", `{"message_id":"` + f.messages[1].ID + `"}`, 204, ""},
		{"select branch no id", alice, "PUT", chatPath + "/branch", `{}`, 400, "message_id"},
		{"select branch malformed id", alice, "PUT", chatPath + "/branch", `{"message_id":"x"}`, 400, "message_id"},
		{"select branch unknown field", alice, "PUT", chatPath + "/branch", `{"message_id":"` + f.messages[1].ID + `","x":1}`, 400, "x"},
		{"select branch of other chat", alice, "PUT", chatPath + "/branch", `{"message_id":"` + other.messages[0].ID + `"}`, 404, ""},
		{"select branch missing chat", alice, "PUT", "/api/chats/" + missingID + "/branch", `{"message_id":"` + f.messages[1].ID + `"}`, 404, ""},
		{"select branch anonymous", "", "PUT", chatPath + "/branch", `{"message_id":"` + f.messages[1].ID + `"}`, 401, ""},

		{"search", alice, "GET", "/api/chats/search?q=shard", "", 200, ""},
		{"search limit", alice, "GET", "/api/chats/search?q=shard&limit=1", "", 200, ""},
		{"search no query", alice, "GET", "/api/chats/search", "", 400, "q"},
		{"search long query", alice, "GET", "/api/chats/search?q=" + long, "", 400, "q"},
		{"search bad limit", alice, "GET", "/api/chats/search?q=x&limit=0", "", 400, "limit"},
		{"search anonymous", "", "GET", "/api/chats/search?q=x", "", 401, ""},

		{"delete malformed id", alice, "DELETE", "/api/chats/x", "", 400, "id"},
		{"delete missing", alice, "DELETE", "/api/chats/" + missingID, "", 404, ""},
		{"delete anonymous", "", "DELETE", chatPath, "", 401, ""},
		{"delete", alice, "DELETE", chatPath, "", 204, ""},
		{"delete again", alice, "DELETE", chatPath, "", 404, ""},

		{"unknown route", alice, "GET", "/api/chatz", "", 404, ""},
		{"wrong method", alice, "PUT", chatPath, "", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.Do(tt.method, tt.path, tt.user, tt.body)
			if resp.Status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.Status, tt.status, resp.Body)
			}
			if tt.status >= 400 {
				code, field, _ := resp.Error(t)
				if code == "" || field != tt.field {
					t.Fatalf("error code %q field %q, want field %q: %s", code, field, tt.field, resp.Body)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
					t.Fatalf("error Content-Type %q", ct)
				}
			}
		})
	}
}

func TestCreateGetRename(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	resp := e.Do("POST", "/api/chats", alice, `{"title":"  Event sourcing  "}`)
	var c chatstore.Chat
	resp.JSON(t, &c)
	if resp.Status != 201 || c.Title != "Event sourcing" || resp.Header.Get("Location") != "/api/chats/"+c.ID {
		t.Fatalf("create: %d %s %v", resp.Status, resp.Body, resp.Header)
	}
	for _, key := range []string{`"id"`, `"title"`, `"created_at"`, `"updated_at"`} {
		if !strings.Contains(resp.Body, key) {
			t.Fatalf("chat lacks %s: %s", key, resp.Body)
		}
	}
	var got chatstore.Chat
	e.Do("GET", "/api/chats/"+c.ID, alice, "").JSON(t, &got)
	if !got.CreatedAt.Equal(c.CreatedAt) || got.ID != c.ID || got.Title != c.Title {
		t.Fatalf("get = %+v, want %+v", got, c)
	}
	e.Do("PATCH", "/api/chats/"+c.ID, alice, `{"title":"CQRS"}`).JSON(t, &got)
	if got.Title != "CQRS" {
		t.Fatalf("rename = %+v", got)
	}
	e.Do("PATCH", "/api/chats/"+c.ID, alice, `{}`).JSON(t, &got)
	if got.Title != "CQRS" {
		t.Fatalf("empty patch changed title: %+v", got)
	}
}

func TestListPagesAndSearches(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	bob := e.SignIn("bob")
	e.fixture(bob, "bob 50% plan")
	for _, title := range []string{"Plan A", "50% plan", "plan_b", "Other"} {
		e.Do("POST", "/api/chats", alice, `{"title":"`+title+`"}`)
	}
	var all []string
	cursor := ""
	for i := 0; i < 10; i++ {
		path := "/api/chats?limit=3"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page struct {
			Chats      []chatstore.Chat
			NextCursor *string `json:"next_cursor"`
		}
		resp := e.Do("GET", path, alice, "")
		resp.JSON(t, &page)
		if !strings.Contains(resp.Body, `"next_cursor"`) {
			t.Fatalf("no next_cursor member: %s", resp.Body)
		}
		for _, c := range page.Chats {
			all = append(all, c.Title)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if strings.Join(all, "|") != "Other|plan_b|50% plan|Plan A" {
		t.Fatalf("pages = %q", all)
	}
	search := func(q string) string {
		var page struct{ Chats []chatstore.Chat }
		e.Do("GET", "/api/chats?q="+q, alice, "").JSON(t, &page)
		var titles []string
		for _, c := range page.Chats {
			titles = append(titles, c.Title)
		}
		return strings.Join(titles, "|")
	}
	for q, want := range map[string]string{"PLAN": "plan_b|50% plan|Plan A", "50%25": "50% plan", "_": "plan_b", "zzz": ""} {
		if got := search(q); got != want {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
	}
	resp := e.Do("GET", "/api/chats?q=zzz", alice, "")
	if !strings.Contains(resp.Body, `"chats":[]`) {
		t.Fatalf("empty list not []: %s", resp.Body)
	}
}

func TestMessagesAndCut(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "x")
	base := "/api/chats/" + f.chat.ID

	var page struct {
		Messages   []map[string]any
		NextCursor *string `json:"next_cursor"`
	}
	e.Do("GET", base+"/messages?limit=3", alice, "").JSON(t, &page)
	if len(page.Messages) != 3 || page.NextCursor == nil || page.Messages[0]["content"] != "How should we shard?" {
		t.Fatalf("first page %+v", page)
	}
	for _, key := range []string{"id", "role", "content", "status", "model", "input_tokens", "output_tokens", "created_at"} {
		if _, ok := page.Messages[0][key]; !ok {
			t.Fatalf("message lacks %q: %v", key, page.Messages[0])
		}
	}
	e.Do("GET", base+"/messages?limit=3&cursor="+*page.NextCursor, alice, "").JSON(t, &page)
	if len(page.Messages) != 1 || page.NextCursor != nil || page.Messages[0]["content"] != "Per region." {
		t.Fatalf("second page %+v", page)
	}

	// Cutting at the third message removes it, the fourth and the
	// artifact the fourth produced.
	if resp := e.Do("DELETE", base+"/messages/"+f.messages[2].ID, alice, ""); resp.Status != 204 {
		t.Fatalf("cut: %d %s", resp.Status, resp.Body)
	}
	e.Do("GET", base+"/messages", alice, "").JSON(t, &page)
	if len(page.Messages) != 2 || page.Messages[1]["id"] != f.messages[1].ID {
		t.Fatalf("after cut %+v", page.Messages)
	}
	if _, err := e.store.GetArtifact(context.Background(), alice, f.artifact.ID); err == nil {
		t.Fatal("artifact of a cut message survived")
	}
}

func TestDeleteCascades(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "doomed")
	keep := e.fixture(alice, "kept")
	if resp := e.Do("DELETE", "/api/chats/"+f.chat.ID, alice, ""); resp.Status != 204 || resp.Body != "" {
		t.Fatalf("delete: %d %q", resp.Status, resp.Body)
	}
	count := func(chatID string) (msgs, arts int) {
		err := e.Pool.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM messages WHERE session_id = $1),
			(SELECT count(*) FROM artifacts WHERE session_id = $1)`, chatID).Scan(&msgs, &arts)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if m, a := count(f.chat.ID); m != 0 || a != 0 {
		t.Fatalf("deleted chat left %d messages and %d artifacts", m, a)
	}
	if m, a := count(keep.chat.ID); m != 4 || a != 1 {
		t.Fatalf("kept chat has %d messages and %d artifacts", m, a)
	}
	if resp := e.Do("GET", "/api/chats/"+f.chat.ID+"/messages", alice, ""); resp.Status != 404 {
		t.Fatalf("messages of deleted chat: %d", resp.Status)
	}
}

func TestExport(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "Sharding: the plan!")
	base := "/api/chats/" + f.chat.ID + "/export"

	md := e.Do("GET", base+"?format=md", alice, "")
	if md.Header.Get("Content-Type") != "text/markdown; charset=utf-8" ||
		md.Header.Get("Content-Disposition") != `attachment; filename="sharding-the-plan.md"` ||
		md.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("md headers %v", md.Header)
	}
	for _, want := range []string{"# Sharding: the plan!", "**You**", "How should we shard?", "**Claude**", "Per region.",
		"## Artifacts", "### cache.go", "````go\npackage cache // ```\n````"} {
		if !strings.Contains(md.Body, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.Body)
		}
	}

	js := e.Do("GET", base+"?format=json", alice, "")
	if js.Header.Get("Content-Disposition") != `attachment; filename="sharding-the-plan.json"` {
		t.Fatalf("json headers %v", js.Header)
	}
	var doc jsonExport
	js.JSON(t, &doc)
	if doc.Format != exportFormat || doc.Chat.ID != f.chat.ID || len(doc.Messages) != 4 || len(doc.Artifacts) != 1 ||
		doc.Messages[3].Content != "Per region." || doc.Artifacts[0].Content != f.artifact.Content {
		t.Fatalf("json export %+v", doc)
	}

	untitled, _ := e.store.CreateChat(context.Background(), alice, "")
	resp := e.Do("GET", "/api/chats/"+untitled.ID+"/export?format=json", alice, "")
	if want := `attachment; filename="chat-` + untitled.ID[:8] + `.json"`; resp.Header.Get("Content-Disposition") != want {
		t.Fatalf("untitled disposition %q", resp.Header.Get("Content-Disposition"))
	}
}

// TestCrossTenant runs every endpoint as bob against alice's chat and
// message: each answers exactly as for a missing id, and alice's data is
// unchanged.
func TestCrossTenant(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	bob := e.SignIn("bob")
	e.fixture(bob, "bob's own")
	f := e.fixture(alice, "alice's secret")
	chat, msg := f.chat.ID, f.messages[1].ID

	tests := []struct {
		name, method, path, body string
	}{
		{"get", "GET", "/api/chats/{chat}", ""},
		{"rename", "PATCH", "/api/chats/{chat}", `{"title":"pwned"}`},
		{"rename nothing", "PATCH", "/api/chats/{chat}", `{}`},
		{"delete", "DELETE", "/api/chats/{chat}", ""},
		{"messages", "GET", "/api/chats/{chat}/messages", ""},
		{"cut", "DELETE", "/api/chats/{chat}/messages/{msg}", ""},
		{"select branch", "PUT", "/api/chats/{chat}/branch", `{"message_id":"{msg}"}`},
		{"export md", "GET", "/api/chats/{chat}/export?format=md", ""},
		{"export json", "GET", "/api/chats/{chat}/export?format=json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := strings.NewReplacer("{chat}", chat, "{msg}", msg).Replace(tt.path)
			missing := strings.NewReplacer("{chat}", missingID, "{msg}", missingID).Replace(tt.path)
			got := e.Do(tt.method, path, bob, strings.ReplaceAll(tt.body, "{msg}", msg))
			want := e.Do(tt.method, missing, bob, strings.ReplaceAll(tt.body, "{msg}", msg))
			if got.Status != 404 || want.Status != 404 {
				t.Fatalf("status %d (missing: %d); body %s", got.Status, want.Status, got.Body)
			}
			gc, gf, gm := got.Error(t)
			wc, wf, wm := want.Error(t)
			if gc != wc || gf != wf || gm != wm {
				t.Fatalf("distinguishable from missing: %s vs %s", got.Body, want.Body)
			}
		})
	}
	var found struct{ Results []chatstore.SearchHit }
	e.Do("GET", "/api/chats/search?q=secret+OR+shard", bob, "").JSON(t, &found)
	for _, h := range found.Results {
		if h.ChatID == chat {
			t.Fatalf("bob finds alice's message: %+v", h)
		}
	}
	var list struct{ Chats []chatstore.Chat }
	e.Do("GET", "/api/chats?q=secret", bob, "").JSON(t, &list)
	if len(list.Chats) != 0 {
		t.Fatalf("bob lists alice's chat: %+v", list)
	}
	c, err := e.store.GetChat(context.Background(), alice, chat)
	if err != nil || c.Title != "alice's secret" {
		t.Fatalf("alice's chat after bob: %+v, %v", c, err)
	}
	if hist, _ := e.store.History(context.Background(), alice, chat, 0); len(hist) != 4 {
		t.Fatalf("alice has %d messages after bob", len(hist))
	}
}

// TestUnauthenticated covers a cookie of no session (the middleware says
// 401) and a handler reached past a middleware that let the request through
// without a user (it says 401 too).
func TestUnauthenticated(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("GET", "/api/chats", nil)
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: "forged"})
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Fatalf("forged cookie: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	New(Deps{Store: e.store, Authenticate: func(h http.Handler) http.Handler { return h }}).ServeHTTP(rec, httptest.NewRequest("GET", "/api/chats", nil))
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"unauthenticated"`) {
		t.Fatalf("no middleware: %d %s", rec.Code, rec.Body)
	}
}
