package prefs

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Version 1 documents were flat:
//
//	{"theme":"dark","model":"…","voice_enabled":true,"speaking_rate":1.25,
//	 "default_repo":"owner/name","retention_days":14}
//
// voice_enabled turned on both push-to-talk input and reading replies
// aloud; version 2 splits voice and GitHub settings into objects.

// upgrades[v] turns a version-v document into a version-v+1 one.
var upgrades = map[int]func(Document) Document{
	1: upgradeV1,
}

// Upgrade returns doc, stored at version from, as a CurrentVersion
// document. It does not validate the result (see Sanitize).
func Upgrade(doc Document, from int) (Document, error) {
	if from > CurrentVersion || from < 1 {
		return nil, fmt.Errorf("prefs: cannot upgrade from schema version %d", from)
	}
	for v := from; v < CurrentVersion; v++ {
		up, ok := upgrades[v]
		if !ok {
			return nil, fmt.Errorf("prefs: no upgrade from schema version %d", v)
		}
		doc = up(doc)
	}
	return doc, nil
}

func upgradeV1(old Document) Document {
	doc := Document{}
	for _, k := range []string{"theme", "model", "retention_days"} {
		if v, ok := old[k]; ok {
			doc[k] = v
		}
	}
	voice := map[string]any{}
	if on, ok := old["voice_enabled"].(bool); ok {
		voice["auto_speak"] = on
		voice["input_mode"] = "keyboard"
		if on {
			voice["input_mode"] = "push_to_talk"
		}
	}
	if rate, ok := number(old["speaking_rate"]); ok {
		voice["speaking_rate"] = json.Number(fmtNum(min(max(rate, 0.5), 2.0)))
	}
	if len(voice) > 0 {
		doc["voice"] = voice
	}
	if repo, ok := old["default_repo"].(string); ok {
		doc["github"] = map[string]any{"default_repo": repo}
	}
	return doc
}

// sanitizeLimit bounds the repairs of one document; a valid document has
// far fewer fields than this.
const sanitizeLimit = 64

// sanitize removes from doc every field the schema rejects, so a stored
// document that an older schema accepted still reads, falling back to the
// defaults where it no longer fits. It never modifies doc.
func sanitize(s *node, doc Document) Document {
	out, _ := MergePatch(Document{}, doc).(Document)
	delete(out, "schema_version")
	for i := 0; i < sanitizeLimit; i++ {
		err := s.validate("", out)
		if err == nil {
			return out
		}
		if err.Field == "" || err.Field == "body" || !removePath(out, strings.Split(err.Field, ".")) {
			return Document{}
		}
	}
	return Document{}
}

func removePath(doc map[string]any, path []string) bool {
	for len(path) > 1 {
		next, ok := doc[path[0]].(map[string]any)
		if !ok {
			return false
		}
		doc, path = next, path[1:]
	}
	if _, ok := doc[path[0]]; !ok {
		return false
	}
	delete(doc, path[0])
	return true
}

// prune removes objects left empty (by merge-patch nulls), keeping the
// stored document minimal.
func prune(doc map[string]any) {
	for k, v := range doc {
		if m, ok := v.(map[string]any); ok {
			prune(m)
			if len(m) == 0 {
				delete(doc, k)
			}
		}
	}
}
