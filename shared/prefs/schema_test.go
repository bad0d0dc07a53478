package prefs

import (
	"bytes"
	"encoding/json"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchema(t *testing.T) {
	s := schema(nil)
	tests := []struct {
		doc   string
		field string // "" = valid
	}{
		{`{}`, ""},
		{`{"schema_version":2,"theme":"dark","model":"claude-sonnet-4-5","voice":{"input_mode":"hands_free","voice":"Samantha","speaking_rate":0.5,"auto_speak":true},"github":{"default_repo":"octo-org/my.repo_1","mention_claude":true},"retention_days":1}`, ""},
		{`{"voice":{"speaking_rate":2.0}}`, ""},
		{`{"github":{"default_repo":""}}`, ""},
		{`{"retention_days":30}`, ""},
		{`[]`, "body"},
		{`"x"`, "body"},
		{`{"colour":"red"}`, "colour"},
		{`{"voice":{"pitch":1}}`, "voice.pitch"},
		{`{"theme":"solarized"}`, "theme"},
		{`{"theme":1}`, "theme"},
		{`{"voice":{"speaking_rate":2.5}}`, "voice.speaking_rate"},
		{`{"voice":{"speaking_rate":0.49}}`, "voice.speaking_rate"},
		{`{"voice":{"speaking_rate":"fast"}}`, "voice.speaking_rate"},
		{`{"voice":{"input_mode":"telepathy"}}`, "voice.input_mode"},
		{`{"voice":{"input_provider":"server","output_provider":"browser"}}`, ""},
		{`{"voice":{"input_provider":"cloud"}}`, "voice.input_provider"},
		{`{"voice":{"output_provider":true}}`, "voice.output_provider"},
		{`{"voice":{"auto_speak":"yes"}}`, "voice.auto_speak"},
		{`{"voice":"loud"}`, "voice"},
		{`{"voice":{"voice":"a\u0007b"}}`, "voice.voice"},
		{`{"github":{"default_repo":"no-slash"}}`, "github.default_repo"},
		{`{"github":{"default_repo":"a/b/c"}}`, "github.default_repo"},
		{`{"github":{"default_repo":"-bad/x"}}`, "github.default_repo"},
		{`{"github":{"mention_claude":1}}`, "github.mention_claude"},
		{`{"retention_days":0}`, "retention_days"},
		{`{"retention_days":31}`, "retention_days"},
		{`{"retention_days":7.5}`, "retention_days"},
		{`{"schema_version":1}`, "schema_version"},
		{`{"model":""}`, "model"},
		{`{"model":"bad model"}`, "model"},
		{`{"theme":null}`, "theme"},
	}
	for _, tt := range tests {
		err := s.validate("", decode(t, tt.doc))
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.doc, err)
		case tt.field != "" && err == nil:
			t.Errorf("%s: accepted, want error on %s", tt.doc, tt.field)
		case tt.field != "" && err.Field != tt.field:
			t.Errorf("%s: error names %q, want %q (%v)", tt.doc, err.Field, tt.field, err)
		}
	}
	restricted := schema([]string{"claude-a", "claude-b"})
	if err := restricted.validate("", decode(t, `{"model":"claude-c"}`)); err == nil || err.Field != "model" {
		t.Errorf("model outside the list: %v", err)
	}
	if err := restricted.validate("", decode(t, `{"model":"claude-b"}`)); err != nil {
		t.Errorf("listed model: %v", err)
	}
}

func TestUpgradeV1(t *testing.T) {
	tests := []struct{ v1, want string }{
		{`{}`, `{}`},
		{`{"theme":"dark","model":"m","voice_enabled":true,"speaking_rate":1.25,"default_repo":"a/b","retention_days":14}`,
			`{"theme":"dark","model":"m","voice":{"input_mode":"push_to_talk","auto_speak":true,"speaking_rate":1.25},"github":{"default_repo":"a/b"},"retention_days":14}`},
		{`{"voice_enabled":false,"speaking_rate":9,"obsolete":1}`,
			`{"voice":{"input_mode":"keyboard","auto_speak":false,"speaking_rate":2}}`},
	}
	for _, tt := range tests {
		got, err := Upgrade(decode(t, tt.v1).(map[string]any), 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := schema(nil).validate("", got); err != nil {
			t.Errorf("upgrade of %s is invalid: %v", tt.v1, err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(decode(t, tt.want))
		if string(g) != string(w) {
			t.Errorf("Upgrade(%s) = %s, want %s", tt.v1, g, w)
		}
	}
	if _, err := Upgrade(map[string]any{}, 3); err == nil {
		t.Error("upgrade from a future version succeeded")
	}
}

func TestSanitizeDropsWhatNoLongerFits(t *testing.T) {
	doc := decode(t, `{"theme":"neon","model":"m","voice":{"speaking_rate":7,"auto_speak":true},"github":"x","extra":1,"schema_version":2}`).(map[string]any)
	got := sanitize(schema(nil), doc)
	g, _ := json.Marshal(got)
	if string(g) != `{"model":"m","voice":{"auto_speak":true}}` {
		t.Fatalf("sanitize = %s", g)
	}
	if _, ok := doc["extra"]; !ok {
		t.Fatal("sanitize modified its input")
	}
}
