package fakegithub

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Repo is a repository on the fake GitHub.
type Repo struct {
	Owner   string `json:"owner"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
	// Collaborators may push, besides the owner.
	Collaborators []string `json:"collaborators"`
	// Readers may see (and, for public repositories, open issues on) the
	// repository but not push.
	Readers []string `json:"readers"`
	// ClaudeWorkflow makes every issue opened with an @claude mention
	// start a queued run of the "Claude Code" workflow, as Claude's GitHub
	// Action does.
	ClaudeWorkflow bool `json:"claude_workflow"`
	// PollInterval, when set, is sent as X-Poll-Interval on run lists.
	PollInterval int `json:"poll_interval"`
	// Branches holds the files (path → content) at each branch's head;
	// "main" is the default branch. See SetBranch.
	Branches map[string]map[string]string `json:"branches"`

	id     int64
	git    gitObjects
	issues []Issue
	runs   []Run
}

// FullName is owner/name.
func (r *Repo) FullName() string { return r.Owner + "/" + r.Name }

// Issue is an issue created on the fake.
type Issue struct {
	Number    int       `json:"number"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Labels    []string  `json:"labels"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
}

// Run is a workflow run.
type Run struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	WorkflowID   int64     `json:"workflow_id"`
	Path         string    `json:"path"`
	Event        string    `json:"event"`
	Branch       string    `json:"head_branch"`
	DisplayTitle string    `json:"display_title"`
	Status       string    `json:"status"`
	Conclusion   string    `json:"conclusion"`
	RunNumber    int       `json:"run_number"`
	Actor        string    `json:"actor"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ClaudeWorkflowID is the id of every fake repository's one workflow,
// .github/workflows/claude.yml ("Claude Code").
const ClaudeWorkflowID int64 = 161335

// AddRepo creates (or replaces, keeping nothing) a repository.
func (f *Fake) AddRepo(r Repo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	r.id = f.nextID
	r.issues, r.runs = nil, nil
	r.git = gitObjects{}
	for branch, files := range r.Branches {
		r.git.commit(branch, files)
	}
	f.repos[strings.ToLower(r.FullName())] = &r
}

// Issues returns the issues of repository fullName, oldest first.
func (f *Fake) Issues(fullName string) []Issue {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.repos[strings.ToLower(fullName)]; r != nil {
		return slices.Clone(r.issues)
	}
	return nil
}

// Runs returns the workflow runs of repository fullName, oldest first.
func (f *Fake) Runs(fullName string) []Run {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.repos[strings.ToLower(fullName)]; r != nil {
		return slices.Clone(r.runs)
	}
	return nil
}

// StartRun adds a run to fullName (queued on main unless run says
// otherwise) and returns it with its id.
func (f *Fake) StartRun(fullName string, run Run) Run {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.repos[strings.ToLower(fullName)]
	if r == nil {
		return Run{}
	}
	return f.startRunLocked(r, run)
}

func (f *Fake) startRunLocked(r *Repo, run Run) Run {
	f.runID++
	run.ID = f.runID
	run.RunNumber = len(r.runs) + 1
	if run.Name == "" {
		run.Name, run.WorkflowID, run.Path = "Claude Code", ClaudeWorkflowID, ".github/workflows/claude.yml"
	}
	if run.Status == "" {
		run.Status = "queued"
	}
	if run.Branch == "" {
		run.Branch = "main"
	}
	if run.Event == "" {
		run.Event = "workflow_dispatch"
	}
	if run.Actor == "" {
		run.Actor = r.Owner
	}
	run.CreatedAt = f.now().UTC().Truncate(time.Second)
	run.UpdatedAt = run.CreatedAt
	r.runs = append(r.runs, run)
	return run
}

// SetRunStatus moves run id of fullName to status ("queued",
// "in_progress", "completed") with conclusion ("success", "failure", …
// or "" while not completed).
func (f *Fake) SetRunStatus(fullName string, id int64, status, conclusion string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.repos[strings.ToLower(fullName)]
	if r == nil {
		return false
	}
	for i := range r.runs {
		if r.runs[i].ID == id {
			r.runs[i].Status, r.runs[i].Conclusion = status, conclusion
			r.runs[i].UpdatedAt = f.now().UTC().Truncate(time.Second).Add(time.Second)
			return true
		}
	}
	return false
}

func (f *Fake) registerRepos(mux *http.ServeMux, prefix string) {
	mux.HandleFunc("GET "+prefix+"/user/repos", f.listRepos)
	mux.HandleFunc("GET "+prefix+"/repos/{owner}/{repo}", f.getRepo)
	mux.HandleFunc("GET "+prefix+"/repos/{owner}/{repo}/issues", f.listIssues)
	mux.HandleFunc("POST "+prefix+"/repos/{owner}/{repo}/issues", f.createIssue)
	mux.HandleFunc("GET "+prefix+"/repos/{owner}/{repo}/actions/runs", f.listRuns)
	mux.HandleFunc("POST "+prefix+"/repos/{owner}/{repo}/actions/workflows/{id}/dispatches", f.dispatch)
	f.registerGit(mux, prefix)
}

// access is what login may do with r.
type access struct{ see, push bool }

func (r *Repo) accessOf(login string) access {
	push := strings.EqualFold(r.Owner, login) || slices.ContainsFunc(r.Collaborators, func(c string) bool { return strings.EqualFold(c, login) })
	read := push || slices.ContainsFunc(r.Readers, func(c string) bool { return strings.EqualFold(c, login) })
	return access{see: !r.Private || read, push: push}
}

// canUse reports whether a token with scopes may use r at all: private
// repositories need repo, writes to public ones public_repo or repo.
func canUse(r *Repo, scopes []string, write bool) bool {
	if r.Private {
		return slices.Contains(scopes, "repo")
	}
	return !write || slices.Contains(scopes, "repo") || slices.Contains(scopes, "public_repo")
}

// repoFor authenticates the request and finds the path's repository as
// its user sees it, or answers 401 (see authenticate) or 404.
func (f *Fake) repoFor(w http.ResponseWriter, r *http.Request, write bool, docs string) (*User, *Repo, access, bool) {
	u, info, ok := f.authenticate(w, r, docs)
	if !ok {
		return nil, nil, access{}, false
	}
	f.mu.Lock()
	repo := f.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
	f.mu.Unlock()
	notFound := func(accepted string) (*User, *Repo, access, bool) {
		if accepted != "" {
			w.Header().Set("X-Accepted-OAuth-Scopes", accepted)
		}
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: docs, Status: "404"})
		return nil, nil, access{}, false
	}
	if repo == nil {
		return notFound("")
	}
	a := repo.accessOf(u.Login)
	if !a.see {
		return notFound("")
	}
	if !canUse(repo, info.scopes, false) {
		return notFound("repo")
	}
	if write && !canUse(repo, info.scopes, true) {
		return notFound("public_repo, repo")
	}
	return u, repo, a, true
}

func (f *Fake) listRepos(w http.ResponseWriter, r *http.Request) {
	u, info, ok := f.authenticate(w, r, "https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user")
	if !ok {
		return
	}
	w.Header().Set("X-Accepted-OAuth-Scopes", "")
	f.mu.Lock()
	var all []map[string]any
	names := make([]string, 0, len(f.repos))
	for k := range f.repos {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		repo := f.repos[k]
		a := repo.accessOf(u.Login)
		isMember := a.push || slices.ContainsFunc(repo.Readers, func(c string) bool { return strings.EqualFold(c, u.Login) })
		if !isMember || (repo.Private && !slices.Contains(info.scopes, "repo")) {
			continue
		}
		all = append(all, repoJSON(repo, a))
	}
	f.mu.Unlock()
	writePage(w, r, all)
}

func (f *Fake) getRepo(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/repos/repos#get-a-repository"
	_, repo, a, ok := f.repoFor(w, r, false, docs)
	if !ok {
		return
	}
	f.mu.Lock()
	body := repoJSON(repo, a)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (f *Fake) listIssues(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/issues/issues#list-repository-issues"
	_, repo, _, ok := f.repoFor(w, r, false, docs)
	if !ok {
		return
	}
	q := r.URL.Query()
	f.mu.Lock()
	out := make([]map[string]any, 0, len(repo.issues))
	for i := range repo.issues {
		is := repo.issues[i]
		if c := q.Get("creator"); c != "" && !strings.EqualFold(c, is.User) {
			continue
		}
		out = append(out, issueJSON(repo, is))
	}
	f.mu.Unlock()
	if q.Get("direction") != "asc" {
		slices.Reverse(out)
	}
	writePage(w, r, out)
}

// MaxIssueBody is GitHub's limit on an issue body, in characters.
const MaxIssueBody = 65536

func (f *Fake) createIssue(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/issues/issues#create-an-issue"
	u, repo, a, ok := f.repoFor(w, r, true, docs)
	if !ok {
		return
	}
	var in struct {
		Title  any      `json:"title"`
		Body   *string  `json:"body"`
		Labels []string `json:"labels"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Message: "Problems parsing JSON", DocumentationURL: docs, Status: "400"})
		return
	}
	title, _ := in.Title.(string)
	if n, isNum := in.Title.(float64); isNum {
		title = strconv.FormatFloat(n, 'f', -1, 64)
	}
	if strings.TrimSpace(title) == "" {
		writeValidation(w, docs, map[string]any{"resource": "Issue", "code": "missing_field", "field": "title"})
		return
	}
	body := ""
	if in.Body != nil {
		body = *in.Body
	}
	if len([]rune(body)) > MaxIssueBody {
		writeValidation(w, docs, map[string]any{"resource": "Issue", "code": "custom", "field": "body",
			"message": "body is too long (maximum is 65536 characters)"})
		return
	}
	labels := in.Labels
	if !a.push {
		labels = nil // GitHub silently drops labels from users without push access
	}
	f.mu.Lock()
	is := Issue{Number: len(repo.issues) + 1, Title: title, Body: body, Labels: labels, User: u.Login,
		CreatedAt: f.now().UTC().Truncate(time.Second)}
	repo.issues = append(repo.issues, is)
	if repo.ClaudeWorkflow && strings.Contains(body, "@claude") {
		f.startRunLocked(repo, Run{Event: "issues", DisplayTitle: title, Actor: u.Login})
	}
	out := issueJSON(repo, is)
	f.mu.Unlock()
	w.Header().Set("Location", out["url"].(string))
	writeJSON(w, http.StatusCreated, out)
}

func (f *Fake) listRuns(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository"
	auth := r.Header.Get("Authorization")
	_, token, _ := strings.Cut(auth, " ")
	_, repo, _, ok := f.repoFor(w, r, false, docs)
	if !ok {
		return
	}
	f.mu.Lock()
	runs := make([]map[string]any, 0, len(repo.runs))
	for i := len(repo.runs) - 1; i >= 0; i-- {
		runs = append(runs, runJSON(repo, repo.runs[i]))
	}
	poll := repo.PollInterval
	f.mu.Unlock()
	if poll > 0 {
		w.Header().Set("X-Poll-Interval", strconv.Itoa(poll))
	}
	perPage, page := pageParams(r)
	start := min((page-1)*perPage, len(runs))
	end := min(start+perPage, len(runs))
	setLink(w, r, page, perPage, len(runs))
	body, _ := json.Marshal(map[string]any{"total_count": len(runs), "workflow_runs": runs[start:end]})
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || strings.TrimPrefix(inm, "W/") == strings.TrimPrefix(etag, "W/")) {
		f.refund(w, strings.TrimSpace(token))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(body, '\n'))
}

func (f *Fake) dispatch(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event"
	u, repo, a, ok := f.repoFor(w, r, true, docs)
	if !ok {
		return
	}
	if !a.push {
		writeJSON(w, http.StatusForbidden, apiError{Message: "Must have admin rights to Repository.", DocumentationURL: docs, Status: "403"})
		return
	}
	id := r.PathValue("id")
	if id != strconv.FormatInt(ClaudeWorkflowID, 10) && id != "claude.yml" {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: docs, Status: "404"})
		return
	}
	var in struct {
		Ref    string         `json:"ref"`
		Inputs map[string]any `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Ref == "" {
		writeValidation(w, docs, map[string]any{"resource": "WorkflowDispatch", "code": "missing_field", "field": "ref"})
		return
	}
	f.mu.Lock()
	f.startRunLocked(repo, Run{Event: "workflow_dispatch", Branch: in.Ref, DisplayTitle: "Claude Code", Actor: u.Login})
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func writeValidation(w http.ResponseWriter, docs string, e map[string]any) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Validation Failed", "errors": []any{e}, "documentation_url": docs, "status": "422",
	})
}

func pageParams(r *http.Request) (perPage, page int) {
	perPage, _ = strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	return perPage, max(page, 1)
}

// writePage answers one page of items with GitHub's Link header.
func writePage(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	perPage, page := pageParams(r)
	start := min((page-1)*perPage, len(items))
	end := min(start+perPage, len(items))
	setLink(w, r, page, perPage, len(items))
	out := items[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, out)
}

// setLink writes the Link header GitHub sends on paginated lists.
func setLink(w http.ResponseWriter, r *http.Request, page, perPage, total int) {
	last := max((total+perPage-1)/perPage, 1)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		q := r.URL.Query()
		q.Set("per_page", strconv.Itoa(perPage))
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return "<" + u.String() + `>; rel="` + rel + `"`
	}
	var parts []string
	if page > 1 {
		parts = append(parts, link(page-1, "prev"), link(1, "first"))
	}
	if page < last {
		parts = append(parts, link(page+1, "next"), link(last, "last"))
	}
	if len(parts) > 0 {
		w.Header().Set("Link", strings.Join(parts, ", "))
	}
}

func userJSON(login string, id int64) map[string]any {
	return map[string]any{
		"login": login, "id": id, "node_id": "U_kgDO" + itoa(id),
		"avatar_url": "https://avatars.githubusercontent.com/u/" + itoa(id) + "?v=4",
		"url":        "https://api.github.com/users/" + login, "html_url": "https://github.com/" + login,
		"type": "User", "site_admin": false,
	}
}

func repoJSON(r *Repo, a access) map[string]any {
	api := "https://api.github.com/repos/" + r.FullName()
	visibility := "public"
	if r.Private {
		visibility = "private"
	}
	return map[string]any{
		"id": r.id, "node_id": "R_kgDO" + itoa(r.id), "name": r.Name, "full_name": r.FullName(),
		"private": r.Private, "owner": userJSON(r.Owner, r.id+1),
		"html_url": "https://github.com/" + r.FullName(), "description": nil, "fork": false, "url": api,
		"issues_url": api + "/issues{/number}", "default_branch": "main", "visibility": visibility,
		"archived": false, "disabled": false, "has_issues": true, "open_issues_count": len(r.issues),
		"created_at": "2025-01-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z", "pushed_at": "2026-11-01T00:00:00Z",
		"permissions": map[string]bool{"admin": a.push && r.accessOf(r.Owner).push, "maintain": a.push, "push": a.push, "triage": a.push, "pull": a.see},
	}
}

func issueJSON(r *Repo, is Issue) map[string]any {
	api := "https://api.github.com/repos/" + r.FullName() + "/issues/" + strconv.Itoa(is.Number)
	labels := make([]map[string]any, 0, len(is.Labels))
	for i, l := range is.Labels {
		labels = append(labels, map[string]any{
			"id": 208045946 + int64(i), "node_id": "LA_kwDO" + strconv.Itoa(i), "url": "https://api.github.com/repos/" + r.FullName() + "/labels/" + url.PathEscape(l),
			"name": l, "description": nil, "color": "ededed", "default": false,
		})
	}
	return map[string]any{
		"id": r.id*1000 + int64(is.Number), "node_id": "I_kwDO" + strconv.Itoa(is.Number), "url": api,
		"repository_url": "https://api.github.com/repos/" + r.FullName(), "labels_url": api + "/labels{/name}",
		"comments_url": api + "/comments", "events_url": api + "/events",
		"html_url": "https://github.com/" + r.FullName() + "/issues/" + strconv.Itoa(is.Number),
		"number":   is.Number, "state": "open", "state_reason": nil, "title": is.Title, "body": is.Body,
		"user": userJSON(is.User, 1), "labels": labels, "assignee": nil, "assignees": []any{}, "milestone": nil,
		"locked": false, "active_lock_reason": nil, "comments": 0, "pull_request": nil,
		"closed_at": nil, "created_at": is.CreatedAt.Format(time.RFC3339), "updated_at": is.CreatedAt.Format(time.RFC3339),
		"author_association": "OWNER",
	}
}

func runJSON(r *Repo, run Run) map[string]any {
	api := "https://api.github.com/repos/" + r.FullName() + "/actions/runs/" + itoa(run.ID)
	return map[string]any{
		"id": run.ID, "name": run.Name, "node_id": "WFR_kwLO" + itoa(run.ID), "head_branch": run.Branch,
		"head_sha": "009b8a3a9ccbb128af87f9b1c0f4c62e8a304f6d", "path": run.Path, "display_title": run.DisplayTitle,
		"run_number": run.RunNumber, "event": run.Event, "status": run.Status, "conclusion": nullable(run.Conclusion),
		"workflow_id": run.WorkflowID, "check_suite_id": run.ID + 1, "url": api,
		"html_url": "https://github.com/" + r.FullName() + "/actions/runs/" + itoa(run.ID), "pull_requests": []any{},
		"created_at": run.CreatedAt.Format(time.RFC3339), "updated_at": run.UpdatedAt.Format(time.RFC3339),
		"actor": userJSON(run.Actor, 1), "triggering_actor": userJSON(run.Actor, 1), "run_attempt": 1,
		"run_started_at": run.CreatedAt.Format(time.RFC3339), "jobs_url": api + "/jobs", "logs_url": api + "/logs",
		"workflow_url": "https://api.github.com/repos/" + r.FullName() + "/actions/workflows/" + itoa(run.WorkflowID),
		"repository":   map[string]any{"id": r.id, "name": r.Name, "full_name": r.FullName(), "private": r.Private},
	}
}
