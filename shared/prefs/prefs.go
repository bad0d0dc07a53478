// Package prefs holds a user's preferences: the versioned document, its
// schema and defaults, JSON Merge Patch (RFC 7396), the upgrade of older
// stored versions, and the store (PostgreSQL, cached in Redis).
//
// The stored document is sparse: it holds only what the user chose, so a
// key the user never set, or removed with a merge-patch null, falls back to
// the current default.
package prefs

import (
	"encoding/json"
	"fmt"
)

// CurrentVersion is the schema_version of documents this code writes.
const CurrentVersion = 2

// Bounds of retention_days; DefaultRetentionDays applies when unset.
const (
	MinRetentionDays     = 1
	MaxRetentionDays     = 30
	DefaultRetentionDays = 30
)

// Preferences is the document clients get: the stored choices merged over
// the defaults.
type Preferences struct {
	SchemaVersion int    `json:"schema_version"`
	Theme         string `json:"theme"`
	Model         string `json:"model"`
	Voice         Voice  `json:"voice"`
	GitHub        GitHub `json:"github"`
	RetentionDays int    `json:"retention_days"`
}

// Voice holds the voice settings.
type Voice struct {
	InputMode    string  `json:"input_mode"`
	Voice        string  `json:"voice"`
	SpeakingRate float64 `json:"speaking_rate"`
	AutoSpeak    bool    `json:"auto_speak"`
	// InputProvider and OutputProvider choose who listens and speaks:
	// "browser" (Web Speech API, speechSynthesis), "server" (the
	// configured speech services) or "auto" (the server when it offers a
	// real service, else the browser).
	InputProvider  string `json:"input_provider"`
	OutputProvider string `json:"output_provider"`
}

// GitHub holds the GitHub integration settings.
type GitHub struct {
	DefaultRepo   string `json:"default_repo"`
	MentionClaude bool   `json:"mention_claude"`
}

// Document is a preferences document as JSON decodes it (numbers as
// json.Number).
type Document = map[string]any

// Defaults returns the default document; model is the deployment's default
// model.
func Defaults(model string) Document {
	return Document{
		"theme": "system",
		"model": model,
		"voice": map[string]any{
			"input_mode":      "keyboard",
			"voice":           "",
			"speaking_rate":   json.Number("1"),
			"auto_speak":      false,
			"input_provider":  "auto",
			"output_provider": "auto",
		},
		"github": map[string]any{
			"default_repo":   "",
			"mention_claude": false,
		},
		"retention_days": json.Number(fmt.Sprint(DefaultRetentionDays)),
	}
}

// Resolve merges stored (a valid current-version document) over defaults.
func Resolve(defaults, stored Document) (Preferences, error) {
	merged := MergePatch(defaults, stored)
	raw, err := json.Marshal(merged)
	if err != nil {
		return Preferences{}, err
	}
	var p Preferences
	if err := json.Unmarshal(raw, &p); err != nil {
		return Preferences{}, err
	}
	p.SchemaVersion = CurrentVersion
	return p, nil
}
