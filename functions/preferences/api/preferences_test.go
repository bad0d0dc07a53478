package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// env is the preferences API behind the real session middleware, on a
// fresh database and Redis.
type env struct {
	*testkit.API
}

func newEnv(t *testing.T) *env {
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	store := prefs.NewStore(pool, rdb, prefs.Options{DefaultModel: "claude-default", CacheTTL: time.Minute})
	h := New(Deps{Store: store, Authenticate: session.NewStore(rdb, session.Config{}).Middleware})
	return &env{testkit.NewAPI(t, pool, rdb, h)}
}

// response adds prefs to testkit.Response.
type response struct{ testkit.Response }

// do sends a request to /api/preferences as userID ("" for none).
func (e *env) do(userID, method, contentType, body string) response {
	return response{e.Send(testkit.NewRequest(method, "/api/preferences", contentType, body), userID)}
}

func (r response) prefs(t *testing.T) prefs.Preferences {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var p prefs.Preferences
	r.JSON(t, &p)
	return p
}

const (
	jsonType  = "application/json"
	patchType = "application/merge-patch+json"
)

func TestEndpoints(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	tests := []struct {
		name, user, method, ct, body string
		status                       int
		field                        string
	}{
		{"get", alice, "GET", "", "", 200, ""},
		{"get anonymous", "", "GET", "", "", 401, ""},
		{"put", alice, "PUT", jsonType, `{"theme":"dark"}`, 200, ""},
		{"put charset", alice, "PUT", "application/json; charset=utf-8", `{"theme":"dark"}`, 200, ""},
		{"put unknown key", alice, "PUT", jsonType, `{"colour":"red"}`, 400, "colour"},
		{"put nested unknown key", alice, "PUT", jsonType, `{"voice":{"pitch":2}}`, 400, "voice.pitch"},
		{"put wrong type", alice, "PUT", jsonType, `{"voice":{"auto_speak":"yes"}}`, 400, "voice.auto_speak"},
		{"put out of range", alice, "PUT", jsonType, `{"voice":{"speaking_rate":2.01}}`, 400, "voice.speaking_rate"},
		{"put retention 31", alice, "PUT", jsonType, `{"retention_days":31}`, 400, "retention_days"},
		{"put bad repo", alice, "PUT", jsonType, `{"github":{"default_repo":"nope"}}`, 400, "github.default_repo"},
		{"put array", alice, "PUT", jsonType, `[]`, 400, "body"},
		{"put bad json", alice, "PUT", jsonType, `{"theme":`, 400, ""},
		{"put two values", alice, "PUT", jsonType, `{} {}`, 400, ""},
		{"put empty", alice, "PUT", jsonType, ``, 400, ""},
		{"put merge-patch type", alice, "PUT", patchType, `{}`, 415, "Content-Type"},
		{"put too large", alice, "PUT", jsonType, `{"model":"` + strings.Repeat("x", 70<<10) + `"}`, 413, ""},
		{"put anonymous", "", "PUT", jsonType, `{}`, 401, ""},
		{"patch merge-patch", alice, "PATCH", patchType, `{"theme":"light"}`, 200, ""},
		{"patch json", alice, "PATCH", jsonType, `{"theme":"light"}`, 200, ""},
		{"patch text", alice, "PATCH", "text/plain", `{"theme":"light"}`, 415, ""},
		{"patch other JSON type", alice, "PATCH", "application/ld+json", `{"theme":"light"}`, 415, "Content-Type"},
		{"patch invalid", alice, "PATCH", patchType, `{"voice":{"input_mode":"mind"}}`, 400, "voice.input_mode"},
		{"patch scalar", alice, "PATCH", patchType, `"dark"`, 400, "body"},
		{"patch anonymous", "", "PATCH", patchType, `{}`, 401, ""},
		{"delete", alice, "DELETE", "", "", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.user, tt.method, tt.ct, tt.body)
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
			if tt.status < 400 {
				return
			}
			code, field, message := resp.Error(t)
			if code == "" || field != tt.field {
				t.Fatalf("error code %q field %q, want field %q", code, field, tt.field)
			}
			if tt.field != "" && !strings.Contains(message, tt.field) {
				t.Fatalf("message %q does not name %s", message, tt.field)
			}
		})
	}
}

func TestDefaultsPutPatch(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	bob := e.SignIn("bob")

	resp := e.do(alice, "GET", "", "")
	var raw map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &raw)
	want := `{"github":{"default_repo":"","mention_claude":false},"model":"claude-default","retention_days":30,"schema_version":2,"theme":"system","voice":{"auto_speak":false,"input_mode":"keyboard","input_provider":"auto","output_provider":"auto","speaking_rate":1,"voice":""}}`
	if got, _ := json.Marshal(raw); string(got) != want {
		t.Fatalf("defaults = %s\nwant       %s", got, want)
	}

	// PUT replaces the whole document; what it leaves out is default.
	p := e.do(alice, "PUT", jsonType, `{"theme":"dark","voice":{"voice":"Daniel","speaking_rate":1.25},"retention_days":14}`).prefs(t)
	if p.Theme != "dark" || p.Voice.Voice != "Daniel" || p.Voice.SpeakingRate != 1.25 || p.Voice.InputMode != "keyboard" || p.RetentionDays != 14 {
		t.Fatalf("after put %+v", p)
	}
	p = e.do(alice, "PUT", jsonType, `{"github":{"default_repo":"octo/app"}}`).prefs(t)
	if p.Theme != "system" || p.Voice.Voice != "" || p.RetentionDays != 30 || p.GitHub.DefaultRepo != "octo/app" {
		t.Fatalf("second put did not replace: %+v", p)
	}
	// The document a GET returns can be PUT back as it is.
	full := e.do(alice, "GET", "", "").Body
	if got := e.do(alice, "PUT", jsonType, full).prefs(t); got != p {
		t.Fatalf("round trip %+v, want %+v", got, p)
	}

	// PATCH merges; null removes a choice, which falls back to the default.
	p = e.do(alice, "PATCH", patchType, `{"voice":{"auto_speak":true,"input_mode":"hands_free"},"theme":"light"}`).prefs(t)
	if !p.Voice.AutoSpeak || p.Voice.InputMode != "hands_free" || p.Theme != "light" || p.GitHub.DefaultRepo != "octo/app" {
		t.Fatalf("after patch %+v", p)
	}
	p = e.do(alice, "PATCH", patchType, `{"voice":{"input_mode":null},"github":null,"theme":null}`).prefs(t)
	if !p.Voice.AutoSpeak || p.Voice.InputMode != "keyboard" || p.GitHub.DefaultRepo != "" || p.Theme != "system" {
		t.Fatalf("after null patch %+v", p)
	}
	if got := e.do(alice, "GET", "", "").prefs(t); got != p {
		t.Fatalf("GET after patch %+v, want %+v", got, p)
	}
	// A rejected patch changes nothing.
	if resp := e.do(alice, "PATCH", patchType, `{"theme":"dark","retention_days":0}`); resp.Status != 400 {
		t.Fatalf("invalid patch: %d", resp.Status)
	}
	if got := e.do(alice, "GET", "", "").prefs(t); got != p {
		t.Fatalf("rejected patch changed preferences: %+v", got)
	}
	// Bob's preferences are his own.
	if got := e.do(bob, "GET", "", "").prefs(t); got.Voice.AutoSpeak || got.Theme != "system" {
		t.Fatalf("bob sees %+v", got)
	}
}

// TestCacheInvalidatedOnWrite checks GET fills the per-user Redis key and
// every write drops it.
func TestCacheInvalidatedOnWrite(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	ctx := context.Background()
	key := prefs.CacheKey(alice)
	e.do(alice, "GET", "", "").prefs(t)
	if ttl := e.Redis.TTL(ctx, key).Val(); ttl <= 0 {
		t.Fatalf("GET did not cache (TTL %v)", ttl)
	}
	for _, w := range []struct{ method, ct, body string }{
		{"PUT", jsonType, `{"theme":"dark"}`},
		{"PATCH", patchType, `{"theme":"light"}`},
	} {
		e.do(alice, "GET", "", "").prefs(t)
		p := e.do(alice, w.method, w.ct, w.body).prefs(t)
		if e.Redis.Exists(ctx, key).Val() != 0 {
			t.Fatalf("%s left the cache", w.method)
		}
		if got := e.do(alice, "GET", "", "").prefs(t); got.Theme != p.Theme {
			t.Fatalf("GET after %s = %+v", w.method, got)
		}
	}
}

// TestUpgradesV1Row reads a version-1 document inserted directly.
func TestUpgradesV1Row(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO user_preferences (user_id, document, schema_version)
		VALUES ($1, '{"theme":"dark","voice_enabled":true,"speaking_rate":1.5,"default_repo":"octo/app","retention_days":7}', 1)`, alice); err != nil {
		t.Fatal(err)
	}
	p := e.do(alice, "GET", "", "").prefs(t)
	want := prefs.Preferences{SchemaVersion: 2, Theme: "dark", Model: "claude-default",
		Voice:         prefs.Voice{InputMode: "push_to_talk", SpeakingRate: 1.5, AutoSpeak: true, InputProvider: "auto", OutputProvider: "auto"},
		GitHub:        prefs.GitHub{DefaultRepo: "octo/app"},
		RetentionDays: 7}
	if p != want {
		t.Fatalf("upgraded %+v\nwant %+v", p, want)
	}
	var version int
	if err := e.Pool.QueryRow(context.Background(), `SELECT schema_version FROM user_preferences WHERE user_id = $1`, alice).Scan(&version); err != nil || version != 2 {
		t.Fatalf("stored version %d, %v", version, err)
	}
}

// The model pickers offer what the server accepts: with an allow-list,
// exactly it, and any other model is refused with a 400 naming the field.
func TestModelChoices(t *testing.T) {
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	authn := session.NewStore(rdb, session.Config{}).Middleware
	open := New(Deps{Store: prefs.NewStore(pool, rdb, prefs.Options{DefaultModel: "claude-default"}), Authenticate: authn})
	allowed := []string{"claude-default", "claude-big"}
	restricted := New(Deps{
		Store:        prefs.NewStore(pool, rdb, prefs.Options{DefaultModel: "claude-default", Models: allowed}),
		Authenticate: authn,
	})
	tests := []struct {
		name string
		api  *testkit.API
		want prefs.ModelChoices
	}{
		{"no allow-list", testkit.NewAPI(t, pool, rdb, open), prefs.ModelChoices{Default: "claude-default", Models: []string{"claude-default"}}},
		{"allow-list", testkit.NewAPI(t, pool, rdb, restricted), prefs.ModelChoices{Default: "claude-default", Models: allowed, Restricted: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alice := tc.api.SignIn("alice")
			if r := tc.api.Send(testkit.NewRequest("GET", "/api/preferences/models", "", ""), ""); r.Status != 401 {
				t.Fatalf("anonymous: status %d", r.Status)
			}
			r := tc.api.Send(testkit.NewRequest("GET", "/api/preferences/models", "", ""), alice)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var got prefs.ModelChoices
			r.JSON(t, &got)
			if got.Default != tc.want.Default || got.Restricted != tc.want.Restricted || strings.Join(got.Models, ",") != strings.Join(tc.want.Models, ",") {
				t.Fatalf("choices = %+v, want %+v", got, tc.want)
			}
			if !tc.want.Restricted {
				return
			}
			bad := tc.api.Send(testkit.NewRequest("PATCH", "/api/preferences", patchType, `{"model":"gpt-4o"}`), alice)
			if _, field, msg := bad.Error(t); bad.Status != 400 || field != "model" || !strings.Contains(msg, "claude-big") {
				t.Fatalf("PATCH gpt-4o: status %d: %s", bad.Status, bad.Body)
			}
			ok := tc.api.Send(testkit.NewRequest("PATCH", "/api/preferences", patchType, `{"model":"claude-big"}`), alice)
			if ok.Status != 200 {
				t.Fatalf("PATCH claude-big: status %d: %s", ok.Status, ok.Body)
			}
		})
	}
}
