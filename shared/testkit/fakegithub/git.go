package fakegithub

import (
	"crypto/sha1" // #nosec G505 -- git names its objects by SHA-1; the fake must compute the same names
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
)

// gitObjects are a repository's commits, trees and blobs, named by SHA-1
// as git names them (blobs exactly; trees and commits by their content).
type gitObjects struct {
	heads   map[string]string            // branch → commit SHA
	commits map[string]string            // commit SHA → tree SHA
	trees   map[string]map[string]string // tree SHA → path → blob SHA
	blobs   map[string]string            // blob SHA → content
}

func hashOf(parts ...string) string {
	h := sha1.New() // #nosec G401 -- git object names, not security
	for _, p := range parts {
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// commit makes files the new head of branch.
func (g *gitObjects) commit(branch string, files map[string]string) string {
	if g.heads == nil {
		g.heads, g.commits, g.trees, g.blobs = map[string]string{}, map[string]string{}, map[string]map[string]string{}, map[string]string{}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	tree := map[string]string{}
	var listing strings.Builder
	for _, p := range paths {
		content := files[p]
		blob := hashOf(fmt.Sprintf("blob %d\x00", len(content)), content)
		g.blobs[blob] = content
		tree[p] = blob
		listing.WriteString(p + "\x00" + blob + "\n")
	}
	treeSHA := hashOf("tree ", listing.String())
	g.trees[treeSHA] = tree
	commitSHA := hashOf("commit ", treeSHA, "\n", g.heads[branch], "\n", branch)
	g.commits[commitSHA] = treeSHA
	g.heads[branch] = commitSHA
	return commitSHA
}

// SetBranch pushes a commit that makes files the content of fullName's
// branch, and returns its SHA ("" without such a repository).
func (f *Fake) SetBranch(fullName, branch string, files map[string]string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.repos[strings.ToLower(fullName)]
	if r == nil {
		return ""
	}
	if r.Branches == nil {
		r.Branches = map[string]map[string]string{}
	}
	r.Branches[branch] = files
	return r.git.commit(branch, files)
}

func (f *Fake) registerGit(mux *http.ServeMux, prefix string) {
	mux.HandleFunc("GET "+prefix+"/repos/{owner}/{repo}/commits/{ref...}", f.getCommit)
	mux.HandleFunc("GET "+prefix+"/repos/{owner}/{repo}/git/trees/{sha}", f.getTree)
	mux.HandleFunc("GET "+prefix+"/repos/{owner}/{repo}/git/blobs/{sha}", f.getBlob)
}

// getCommit answers GET /repos/{owner}/{repo}/commits/{ref}: a branch,
// HEAD (the default branch) or a commit SHA. With the SHA media type it
// answers the bare SHA with the SHA as ETag, and 304 Not Modified (not
// counted against the rate limit) when If-None-Match names it.
func (f *Fake) getCommit(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/commits/commits#get-a-commit"
	_, repo, _, ok := f.repoFor(w, r, false, docs)
	if !ok {
		return
	}
	ref := r.PathValue("ref")
	f.mu.Lock()
	sha := repo.git.heads[ref]
	if ref == "HEAD" {
		sha = repo.git.heads["main"]
	}
	if _, isCommit := repo.git.commits[ref]; isCommit {
		sha = ref
	}
	tree := repo.git.commits[sha]
	f.mu.Unlock()
	if sha == "" {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "No commit found for SHA: " + ref, DocumentationURL: docs, Status: "422"})
		return
	}
	w.Header().Set("ETag", `"`+sha+`"`)
	if strings.Contains(r.Header.Get("Accept"), ".sha") {
		if r.Header.Get("If-None-Match") == `"`+sha+`"` {
			f.refund(w, bearer(r))
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.github.sha; charset=utf-8")
		_, _ = w.Write([]byte(sha)) // #nosec G705 -- a commit SHA the fake computed, sent as application/vnd.github.sha
		return
	}
	api := "https://api.github.com/repos/" + repo.FullName()
	writeJSON(w, http.StatusOK, map[string]any{
		"sha": sha, "url": api + "/commits/" + sha,
		"commit": map[string]any{"tree": map[string]any{"sha": tree, "url": api + "/git/trees/" + tree}, "message": "commit"},
	})
}

// getTree answers GET /repos/{owner}/{repo}/git/trees/{sha}, a tree or a
// commit's; recursive lists every file and directory.
func (f *Fake) getTree(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/git/trees#get-a-tree"
	_, repo, _, ok := f.repoFor(w, r, false, docs)
	if !ok {
		return
	}
	sha := r.PathValue("sha")
	f.mu.Lock()
	if t, isCommit := repo.git.commits[sha]; isCommit {
		sha = t
	}
	files, found := repo.git.trees[sha]
	sizes := map[string]int{}
	for p, b := range files {
		sizes[p] = len(repo.git.blobs[b])
	}
	f.mu.Unlock()
	if !found {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: docs, Status: "404"})
		return
	}
	recursive := r.URL.Query().Get("recursive") != ""
	api := "https://api.github.com/repos/" + repo.FullName()
	dirs := map[string]bool{}
	entries := []map[string]any{}
	for p, blob := range files {
		if !recursive && strings.Contains(p, "/") {
			top := strings.SplitN(p, "/", 2)[0]
			dirs[top] = true
			continue
		}
		for d := path.Dir(p); d != "." && recursive; d = path.Dir(d) {
			dirs[d] = true
		}
		entries = append(entries, map[string]any{"path": p, "mode": "100644", "type": "blob", "sha": blob, "size": sizes[p], "url": api + "/git/blobs/" + blob})
	}
	for d := range dirs {
		dsha := hashOf("dir ", sha, d)
		entries = append(entries, map[string]any{"path": d, "mode": "040000", "type": "tree", "sha": dsha, "url": api + "/git/trees/" + dsha})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i]["path"].(string) < entries[j]["path"].(string) })
	writeJSON(w, http.StatusOK, map[string]any{"sha": sha, "url": api + "/git/trees/" + sha, "tree": entries, "truncated": false})
}

// getBlob answers GET /repos/{owner}/{repo}/git/blobs/{sha} as JSON with
// the content in base64, wrapped at 60 characters as GitHub does.
func (f *Fake) getBlob(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/git/blobs#get-a-blob"
	_, repo, _, ok := f.repoFor(w, r, false, docs)
	if !ok {
		return
	}
	sha := r.PathValue("sha")
	f.mu.Lock()
	content, found := repo.git.blobs[sha]
	f.mu.Unlock()
	if !found {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: docs, Status: "404"})
		return
	}
	enc := base64.StdEncoding.EncodeToString([]byte(content))
	var wrapped strings.Builder
	for len(enc) > 60 {
		wrapped.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	wrapped.WriteString(enc + "\n")
	writeJSON(w, http.StatusOK, map[string]any{
		"sha": sha, "node_id": "B_" + sha[:12], "size": len(content),
		"url": "https://api.github.com/repos/" + repo.FullName() + "/git/blobs/" + sha, "content": wrapped.String(), "encoding": "base64",
	})
}

func bearer(r *http.Request) string {
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(token)
}
