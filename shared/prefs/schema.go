package prefs

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/archstudio/studio/shared/apperr"
)

// node is one element of the schema: an object with fixed members, or a
// typed leaf with its constraints.
type node struct {
	kind    string // "object", "string", "number", "integer", "boolean"
	members map[string]*node
	enum    []string
	pattern *regexp.Regexp
	maxLen  int
	min     float64
	max     float64
	// check adds a rule the declarative fields cannot express.
	check func(v any) string
}

var (
	modelPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@-]*$`)
	repoPattern  = regexp.MustCompile(`^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100})?$`)
)

// schema returns the version-2 schema; models, when non-empty, lists the
// only models allowed.
func schema(models []string) *node {
	model := &node{kind: "string", pattern: modelPattern, maxLen: 100}
	if len(models) > 0 {
		model.check = func(v any) string {
			if !slices.Contains(models, v.(string)) {
				return "must be one of " + strings.Join(models, ", ")
			}
			return ""
		}
	}
	return &node{kind: "object", members: map[string]*node{
		"schema_version": {kind: "integer", min: CurrentVersion, max: CurrentVersion},
		"theme":          {kind: "string", enum: []string{"system", "light", "dark"}},
		"model":          model,
		"voice": {kind: "object", members: map[string]*node{
			"input_mode":      {kind: "string", enum: []string{"keyboard", "push_to_talk", "hands_free"}},
			"voice":           {kind: "string", maxLen: 100},
			"speaking_rate":   {kind: "number", min: 0.5, max: 2.0},
			"auto_speak":      {kind: "boolean"},
			"input_provider":  {kind: "string", enum: []string{"auto", "browser", "server"}},
			"output_provider": {kind: "string", enum: []string{"auto", "browser", "server"}},
		}},
		"github": {kind: "object", members: map[string]*node{
			"default_repo":   {kind: "string", pattern: repoPattern, maxLen: 140},
			"mention_claude": {kind: "boolean"},
		}},
		"retention_days": {kind: "integer", min: MinRetentionDays, max: MaxRetentionDays},
	}}
}

// validate checks v against n and returns an Invalid error naming the
// first offending field by its dotted path (members in name order, so the
// answer is stable).
func (n *node) validate(path string, v any) *apperr.Error {
	field := path
	if field == "" {
		field = "body"
	}
	switch n.kind {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return apperr.InvalidField(field, "must be an object")
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := join(path, k)
			m, ok := n.members[k]
			if !ok {
				return apperr.InvalidField(child, "unknown field")
			}
			if err := m.validate(child, obj[k]); err != nil {
				return err
			}
		}
		return nil
	case "string":
		s, ok := v.(string)
		if !ok {
			return apperr.InvalidField(field, "must be a string")
		}
		if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
			return apperr.InvalidField(field, "must not contain control characters")
		}
		if n.maxLen > 0 && utf8.RuneCountInString(s) > n.maxLen {
			return apperr.InvalidField(field, "must be at most %d characters", n.maxLen)
		}
		if len(n.enum) > 0 && !slices.Contains(n.enum, s) {
			return apperr.InvalidField(field, "must be one of %s", strings.Join(n.enum, ", "))
		}
		if n.pattern != nil && !n.pattern.MatchString(s) {
			return apperr.InvalidField(field, "is not well formed")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return apperr.InvalidField(field, "must be a boolean")
		}
	case "number", "integer":
		f, ok := number(v)
		if !ok {
			return apperr.InvalidField(field, "must be a number")
		}
		if n.kind == "integer" && f != math.Trunc(f) {
			return apperr.InvalidField(field, "must be an integer")
		}
		if f < n.min || f > n.max {
			return apperr.InvalidField(field, "must be between %s and %s", fmtNum(n.min), fmtNum(n.max))
		}
	default:
		return apperr.New(apperr.Internal, "schema: unknown kind %q", n.kind)
	}
	if n.check != nil {
		if msg := n.check(v); msg != "" {
			return apperr.InvalidField(field, "%s", msg)
		}
	}
	return nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case float64:
		return x, true
	}
	return 0, false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
