package manifest

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Route is one public request pattern: an optional method list and a path
// that matches as a prefix, segment by segment, where a "{name}" segment
// (or "*") stands for exactly one non-empty segment.
//
//	"/api/chats"                        every method, /api/chats and below
//	"POST /api/chats/{id}/messages"     POST to /api/chats/{id}/messages and below
//	"GET,DELETE /api/x"                 GET (and HEAD) or DELETE
//
// Each route becomes net/http.ServeMux patterns (the path itself and the
// path with a trailing slash, for "and below"), and the ServeMux decides
// which route serves a request: the most specific one, that is, the one
// whose pattern matches a strict subset of the other's requests. So
// "/api/chats/{id}/artifacts" beats "/api/chats", and a GET of
// /api/chats/{id}/messages skips the POST-only route and lands on
// "/api/chats". Two routes that overlap without one being more specific
// are refused when the manifest loads.
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
	for i, s := range r.Segments {
		if s == "" || s == "." || s == ".." {
			return r, fmt.Errorf("route %q: empty or dot segment", spec)
		}
		if s == "*" || isWildcard(s) {
			r.Segments[i] = "*"
			continue
		}
		if strings.ContainsAny(s, "*{}") {
			return r, fmt.Errorf("route %q: '*' or {name} must be a whole segment", spec)
		}
	}
	return r, nil
}

// isWildcard reports whether s is a ServeMux wildcard segment "{name}".
func isWildcard(s string) bool {
	name, ok := strings.CutPrefix(s, "{")
	name, ok2 := strings.CutSuffix(name, "}")
	return ok && ok2 && name != "" && !strings.ContainsAny(name, "{}.")
}

// key identifies routes that would always match the same requests.
func (r Route) key() string {
	return strings.Join(r.Methods, ",") + " /" + strings.Join(r.Segments, "/")
}

// Path is r's path with each "*" segment written by param (given the
// segment's index): ServeMux wildcards for the router, path parameters
// for AWS API Gateway.
func (r Route) Path(param func(i int) string) string {
	segs := slices.Clone(r.Segments)
	for i, s := range segs {
		if s == "*" {
			segs[i] = param(i)
		}
	}
	return "/" + strings.Join(segs, "/")
}

// patterns are r's ServeMux patterns: per method, the path and everything
// below it.
func (r Route) patterns() []string {
	path := r.Path(func(i int) string { return fmt.Sprintf("{s%d}", i) })
	methods := r.Methods
	if len(methods) == 0 {
		methods = []string{""}
	}
	var out []string
	for _, m := range methods {
		p := strings.TrimSpace(m + " " + path)
		out = append(out, p, p+"/")
	}
	return out
}

// Table finds the function serving a request.
type Table struct {
	routes []Route
	mux    *http.ServeMux
}

// routeIndex is what the table's ServeMux holds for each pattern: the
// route's place in routes. It is never served.
type routeIndex int

func (routeIndex) ServeHTTP(http.ResponseWriter, *http.Request) {}

// newTable builds the table of routes, or reports the first route that
// repeats or overlaps another without being more specific.
func newTable(routes []Route) (t *Table, err error) {
	t = &Table{routes: routes, mux: http.NewServeMux()}
	seen := map[string]Route{}
	for i, r := range routes {
		if other, dup := seen[r.key()]; dup {
			return nil, fmt.Errorf("function %q: route %q is already %s's", r.Function, r.Spec, other.Function)
		}
		seen[r.key()] = r
		if err := t.add(i, r); err != nil {
			return nil, err
		}
	}
	return t, nil
}

var registeredAt = regexp.MustCompile(` \(registered at [^)]*\)`)

// add registers r's patterns; the ServeMux panics on a conflict.
func (t *Table) add(i int, r Route) (err error) {
	defer func() {
		if p := recover(); p != nil {
			// The first line names both patterns; the rest says where they
			// were registered.
			msg, _, _ := strings.Cut(fmt.Sprint(p), "\n")
			err = fmt.Errorf("function %q: route %q overlaps another route without being more specific (%s)",
				r.Function, r.Spec, registeredAt.ReplaceAllString(msg, ""))
		}
	}()
	for _, p := range r.patterns() {
		t.mux.Handle(p, routeIndex(i))
	}
	return nil
}

// Match returns the most specific route for method and (clean) path.
func (t *Table) Match(method, path string) (Route, bool) {
	return t.MatchRequest(&http.Request{Method: method, URL: &url.URL{Path: path}})
}

// MatchRequest is Match for r's method and (clean) path.
func (t *Table) MatchRequest(r *http.Request) (Route, bool) {
	h, _ := t.mux.Handler(r)
	// Anything else is the ServeMux's own 404, 405 or redirect.
	i, ok := h.(routeIndex)
	if !ok {
		return Route{}, false
	}
	return t.routes[i], true
}
