// Package manifest reads the router's list of functions: which binary (or
// upstream address) serves which routes, and which paths it runs on a
// schedule. The format is documented in runtime/README.md.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Manifest is the whole file: {"functions":[…]}.
type Manifest struct {
	Functions []Function `json:"functions"`
}

// Function is one entry. Exactly one of Binary and Upstream names where
// it runs; with neither, the binary is <functions dir>/<name>.
type Function struct {
	Name string `json:"name"`
	// Binary is started by the router as a child process listening on a
	// Unix socket. A relative path is relative to the working directory.
	Binary string `json:"binary,omitempty"`
	// Upstream is http://host:port of a function the router does not start
	// (compose, where each function is its own service).
	Upstream string `json:"upstream,omitempty"`
	// Routes are the public request patterns this function serves; see
	// ParseRoute.
	Routes []string `json:"routes"`
	// LongLived functions hold streams (SSE, WebSocket) open: the router
	// puts no bound on how long their response headers take.
	LongLived bool `json:"long_lived,omitempty"`
	// Env is added to the router's own environment for this child.
	Env map[string]string `json:"env,omitempty"`
	// Schedule, when set, makes the router POST to a private path of the
	// function periodically.
	Schedule *Schedule `json:"schedule,omitempty"`
}

// Schedule is a periodic internal call. Its path is never reachable from
// outside the router.
type Schedule struct {
	Every   Duration `json:"every"`
	Path    string   `json:"path"`
	Timeout Duration `json:"timeout,omitempty"`
	AtStart bool     `json:"at_start,omitempty"`
}

// Duration is a time.Duration written as "1h", "90s" in JSON.
type Duration time.Duration

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"1h\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// Load reads and validates the manifest at path. Entries with neither
// binary nor upstream get functionsDir/<name> as their binary.
func Load(path, functionsDir string) (*Manifest, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the manifest path is the operator's ROUTER_MANIFEST
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m, err := Parse(raw, functionsDir)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes and validates a manifest.
func Parse(raw []byte, functionsDir string) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	for i := range m.Functions {
		f := &m.Functions[i]
		if f.Binary == "" && f.Upstream == "" {
			f.Binary = filepath.Join(functionsDir, f.Name)
		}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// Validate checks names, targets, routes and schedules, and that no two
// functions claim the same route, no two routes overlap without one being
// more specific, and no schedule path is public.
func (m *Manifest) Validate() error {
	if len(m.Functions) == 0 {
		return errors.New("no functions")
	}
	names := map[string]bool{}
	var all []Route
	for _, f := range m.Functions {
		if !validName.MatchString(f.Name) {
			return fmt.Errorf("function %q: name must be lower-case letters, digits and '-'", f.Name)
		}
		if names[f.Name] {
			return fmt.Errorf("function %q: listed twice", f.Name)
		}
		names[f.Name] = true
		if f.Binary != "" && f.Upstream != "" {
			return fmt.Errorf("function %q: give binary or upstream, not both", f.Name)
		}
		if f.Upstream != "" {
			u, err := url.Parse(f.Upstream)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return fmt.Errorf("function %q: upstream must be http://host:port, not %q", f.Name, f.Upstream)
			}
		}
		if len(f.Routes) == 0 && f.Schedule == nil {
			return fmt.Errorf("function %q: no routes and no schedule", f.Name)
		}
		for _, spec := range f.Routes {
			r, err := ParseRoute(spec)
			if err != nil {
				return fmt.Errorf("function %q: %w", f.Name, err)
			}
			r.Function = f.Name
			all = append(all, r)
		}
		if s := f.Schedule; s != nil {
			if s.Every <= 0 {
				return fmt.Errorf("function %q: schedule.every must be a positive duration", f.Name)
			}
			if !strings.HasPrefix(s.Path, "/") {
				return fmt.Errorf("function %q: schedule.path must start with /", f.Name)
			}
			if s.Timeout < 0 {
				return fmt.Errorf("function %q: schedule.timeout must not be negative", f.Name)
			}
		}
	}
	table, err := newTable(all)
	if err != nil {
		return err
	}
	for _, f := range m.Functions {
		if f.Schedule == nil {
			continue
		}
		if r, ok := table.Match("POST", f.Schedule.Path); ok {
			return fmt.Errorf("function %q: schedule path %s would be public through route %q of %s",
				f.Name, f.Schedule.Path, r.Spec, r.Function)
		}
	}
	return nil
}

// Table returns the routing table of every function's routes.
func (m *Manifest) Table() *Table {
	var routes []Route
	for _, f := range m.Functions {
		for _, spec := range f.Routes {
			r, _ := ParseRoute(spec) // validated
			r.Function = f.Name
			routes = append(routes, r)
		}
	}
	t, _ := newTable(routes) // validated
	return t
}
