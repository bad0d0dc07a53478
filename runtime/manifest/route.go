package manifest

import (
	"fmt"
	"slices"
	"strings"
)

// Route is one public request pattern: an optional method list and a path
// pattern matched segment by segment as a prefix, where "*" stands for
// exactly one non-empty segment.
//
//	"/api/chats"                   every method, /api/chats and below
//	"POST /api/chats/*/messages"   POST to /api/chats/{id}/messages and below
//	"GET,DELETE /api/x"            GET (and HEAD) or DELETE
//
// When several routes match, the most specific wins: more segments first,
// then literal segments over "*" from the left, then a method list over
// none. So "/api/chats/*/artifacts" beats "/api/chats", and a GET of
// /api/chats/{id}/messages skips the POST-only route and lands on
// "/api/chats".
type Route struct {
	Spec     string
	Function string
	Methods  []string
	Segments []string
}

var knownMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// ParseRoute reads a route spec.
func ParseRoute(spec string) (Route, error) {
	r := Route{Spec: spec}
	fields := strings.Fields(spec)
	var pattern string
	switch len(fields) {
	case 1:
		pattern = fields[0]
	case 2:
		for _, m := range strings.Split(fields[0], ",") {
			if !slices.Contains(knownMethods, m) {
				return r, fmt.Errorf("route %q: unknown method %q", spec, m)
			}
			r.Methods = append(r.Methods, m)
		}
		slices.Sort(r.Methods)
		pattern = fields[1]
	default:
		return r, fmt.Errorf("route %q: want \"[METHODS] /path\"", spec)
	}
	if !strings.HasPrefix(pattern, "/") {
		return r, fmt.Errorf("route %q: path must start with /", spec)
	}
	trimmed := strings.TrimSuffix(pattern[1:], "/")
	if trimmed == "" {
		return r, fmt.Errorf("route %q: a route for / would hide the web app", spec)
	}
	r.Segments = strings.Split(trimmed, "/")
	for _, s := range r.Segments {
		if s == "" || s == "." || s == ".." {
			return r, fmt.Errorf("route %q: empty or dot segment", spec)
		}
		if strings.Contains(s, "*") && s != "*" {
			return r, fmt.Errorf("route %q: '*' must be a whole segment", spec)
		}
	}
	return r, nil
}

// key identifies routes that would always match the same requests.
func (r Route) key() string {
	return strings.Join(r.Methods, ",") + " /" + strings.Join(r.Segments, "/")
}

// Matches reports whether a request with method and (clean) path is r's.
func (r Route) Matches(method, path string) bool {
	if len(r.Methods) > 0 && !slices.Contains(r.Methods, method) &&
		!(method == "HEAD" && slices.Contains(r.Methods, "GET")) {
		return false
	}
	rest := strings.TrimPrefix(path, "/")
	for _, want := range r.Segments {
		seg, tail, _ := strings.Cut(rest, "/")
		if seg == "" || (want != "*" && want != seg) {
			return false
		}
		rest = tail
	}
	return true
}

// moreSpecific orders a before b when a must be tried first.
func moreSpecific(a, b Route) int {
	if len(a.Segments) != len(b.Segments) {
		return len(b.Segments) - len(a.Segments)
	}
	for i := range a.Segments {
		aw, bw := a.Segments[i] == "*", b.Segments[i] == "*"
		if aw != bw {
			if aw {
				return 1
			}
			return -1
		}
	}
	if (len(a.Methods) > 0) != (len(b.Methods) > 0) {
		if len(a.Methods) > 0 {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Spec, b.Spec)
}

// Table finds the function serving a request.
type Table struct {
	routes []Route
}

func (t *Table) sort() { slices.SortStableFunc(t.routes, moreSpecific) }

// Match returns the most specific route for method and path.
func (t *Table) Match(method, path string) (Route, bool) {
	for _, r := range t.routes {
		if r.Matches(method, path) {
			return r, true
		}
	}
	return Route{}, false
}

// Routes lists the table in matching order.
func (t *Table) Routes() []Route { return slices.Clone(t.routes) }
