package prefs

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newUser(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var id string
	if err := pool.QueryRow(context.Background(),
		`INSERT INTO users (username) VALUES ('u' || md5(random()::text)) RETURNING id::text`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func storedDoc(t *testing.T, pool *pgxpool.Pool, userID string) (string, int) {
	t.Helper()
	var doc string
	var version int
	if err := pool.QueryRow(context.Background(),
		`SELECT document::text, schema_version FROM user_preferences WHERE user_id = $1`, userID).Scan(&doc, &version); err != nil {
		t.Fatal(err)
	}
	return doc, version
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	rdb := testkit.Redis(t)
	s := NewStore(pool, rdb, Options{DefaultModel: "claude-default", CacheTTL: time.Minute})
	user := newUser(t, pool)

	p, err := s.Get(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	want := Preferences{SchemaVersion: 2, Theme: "system", Model: "claude-default",
		Voice:         Voice{InputMode: "keyboard", SpeakingRate: 1, InputProvider: "auto", OutputProvider: "auto"},
		RetentionDays: 30}
	if p != want {
		t.Fatalf("defaults = %+v", p)
	}
	if ttl := rdb.TTL(ctx, CacheKey(user)).Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("cache TTL = %v", ttl)
	}

	p, err = s.Patch(ctx, user, decode(t, `{"theme":"dark","voice":{"speaking_rate":1.5,"voice":"Samantha"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Theme != "dark" || p.Voice.SpeakingRate != 1.5 || p.Voice.Voice != "Samantha" || p.Voice.InputMode != "keyboard" {
		t.Fatalf("after patch %+v", p)
	}
	if n := rdb.Exists(ctx, CacheKey(user)).Val(); n != 0 {
		t.Fatal("write did not invalidate the cache")
	}
	if got, _ := s.Get(ctx, user); got != p {
		t.Fatalf("Get after patch = %+v, want %+v", got, p)
	}
	// The cache now answers: a change behind the store's back is not seen
	// until the next write.
	if _, err := pool.Exec(ctx, `UPDATE user_preferences SET document = '{"theme":"light"}' WHERE user_id = $1`, user); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, user); got.Theme != "dark" {
		t.Fatalf("Get did not come from the cache: %+v", got)
	}
	rdb.Del(ctx, CacheKey(user))

	// null removes a choice: it falls back to the default, and the stored
	// document keeps only what the user chose.
	p, err = s.Patch(ctx, user, decode(t, `{"theme":"dark","voice":{"voice":null},"retention_days":7}`))
	if err != nil {
		t.Fatal(err)
	}
	p, err = s.Patch(ctx, user, decode(t, `{"theme":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Theme != "system" || p.Voice.Voice != "" || p.RetentionDays != 7 {
		t.Fatalf("after null patch %+v", p)
	}
	if doc, v := storedDoc(t, pool, user); v != 2 || doc != `{"retention_days": 7}` {
		t.Fatalf("stored %s (v%d)", doc, v)
	}

	// An invalid patch changes nothing.
	_, err = s.Patch(ctx, user, decode(t, `{"theme":"dark","voice":{"speaking_rate":3}}`))
	if e, ok := err.(*apperr.Error); !ok || e.Field != "voice.speaking_rate" {
		t.Fatalf("invalid patch: %v", err)
	}
	if doc, _ := storedDoc(t, pool, user); doc != `{"retention_days": 7}` {
		t.Fatalf("invalid patch stored %s", doc)
	}

	// PUT replaces: what it leaves out is default again.
	p, err = s.Replace(ctx, user, decode(t, `{"schema_version":2,"model":"claude-x","github":{"default_repo":"a/b","mention_claude":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Model != "claude-x" || p.GitHub.DefaultRepo != "a/b" || !p.GitHub.MentionClaude || p.RetentionDays != 30 {
		t.Fatalf("after replace %+v", p)
	}
	if _, err := s.Replace(ctx, user, decode(t, `{"schema_version":1}`)); err == nil {
		t.Fatal("replace with an old schema_version accepted")
	}
}

// TestStoreUpgradesV1 reads a version-1 row inserted directly: it comes
// back in the current shape and is saved upgraded.
func TestStoreUpgradesV1(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := NewStore(pool, testkit.Redis(t), Options{DefaultModel: "claude-default"})
	user := newUser(t, pool)
	if _, err := pool.Exec(ctx, `INSERT INTO user_preferences (user_id, document, schema_version) VALUES ($1, $2, 1)`,
		user, `{"theme":"light","voice_enabled":true,"speaking_rate":0.75,"default_repo":"octo/app","retention_days":10,"theme_colour":"x"}`); err != nil {
		t.Fatal(err)
	}
	p, err := s.Get(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	want := Preferences{SchemaVersion: 2, Theme: "light", Model: "claude-default",
		Voice:         Voice{InputMode: "push_to_talk", SpeakingRate: 0.75, AutoSpeak: true, InputProvider: "auto", OutputProvider: "auto"},
		GitHub:        GitHub{DefaultRepo: "octo/app"},
		RetentionDays: 10}
	if p != want {
		t.Fatalf("upgraded = %+v\nwant %+v", p, want)
	}
	doc, v := storedDoc(t, pool, user)
	if v != 2 {
		t.Fatalf("stored version %d", v)
	}
	var stored map[string]any
	_ = json.Unmarshal([]byte(doc), &stored)
	if _, ok := stored["voice_enabled"]; ok || stored["voice"] == nil {
		t.Fatalf("stored document not upgraded: %s", doc)
	}

	// A patch on a v1 row upgrades it first.
	other := newUser(t, pool)
	if _, err := pool.Exec(ctx, `INSERT INTO user_preferences (user_id, document, schema_version) VALUES ($1, '{"voice_enabled":true}', 1)`, other); err != nil {
		t.Fatal(err)
	}
	p, err = s.Patch(ctx, other, decode(t, `{"voice":{"auto_speak":false}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Voice.InputMode != "push_to_talk" || p.Voice.AutoSpeak {
		t.Fatalf("patched v1 = %+v", p)
	}
}

func TestStoreWithoutRedis(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	// A Redis nobody listens on: the cache fails, preferences still work.
	rdb := testkit.Redis(t)
	_ = rdb.Close()
	s := NewStore(pool, rdb, Options{DefaultModel: "m"})
	user := newUser(t, pool)
	if _, err := s.Patch(ctx, user, decode(t, `{"theme":"dark"}`)); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Get(ctx, user); err != nil || p.Theme != "dark" {
		t.Fatalf("Get = %+v, %v", p, err)
	}
}

// TestStoreLeavesUnknownVersions: a document of a newer schema (written by
// a newer release) reads as the defaults and is not overwritten by a read.
func TestStoreLeavesUnknownVersions(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := NewStore(pool, nil, Options{DefaultModel: "m"})
	user := newUser(t, pool)
	if _, err := pool.Exec(ctx, `INSERT INTO user_preferences (user_id, document, schema_version) VALUES ($1, '{"theme":"dark","new":1}', 3)`, user); err != nil {
		t.Fatal(err)
	}
	p, err := s.Get(ctx, user)
	if err != nil || p.Theme != "system" {
		t.Fatalf("Get = %+v, %v", p, err)
	}
	if doc, v := storedDoc(t, pool, user); v != 3 || doc != `{"new": 1, "theme": "dark"}` {
		t.Fatalf("read rewrote the row: %s (v%d)", doc, v)
	}
}
