package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/archstudio/studio/functions/github/repocontext"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

// Bounds of a repository attached as context.
const (
	DefaultTokenBudget = 20000
	MinTokenBudget     = 1000
	MaxTokenBudget     = 150000
	maxPicks           = 50
	// maxReads bounds the GitHub calls of one build.
	maxReads = 60
	// contextVersion changes when the block's form does, so the cache
	// keeps no block of an older form.
	contextVersion = "v1"
)

var (
	refPattern  = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)
	pathPattern = regexp.MustCompile(`^[^\x00-\x1f]{1,300}$`)
)

type repositoryRequest struct {
	Repo        string   `json:"repo"`
	Ref         string   `json:"ref"`
	Paths       []string `json:"paths"`
	TokenBudget int      `json:"token_budget"`
}

type repositoryContext struct {
	Repo        string    `json:"repo"`
	Ref         string    `json:"ref"`
	Paths       []string  `json:"paths"`
	TokenBudget int       `json:"token_budget"`
	RefreshedAt time.Time `json:"refreshed_at"`
	repocontext.Summary
}

func contextOut(r chatstore.Repository) (repositoryContext, error) {
	out := repositoryContext{Repo: r.Owner + "/" + r.Repo, Ref: r.Ref, Paths: r.Paths, TokenBudget: r.TokenBudget, RefreshedAt: r.RefreshedAt}
	if err := json.Unmarshal(r.Manifest, &out.Summary); err != nil {
		return out, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	if out.Paths == nil {
		out.Paths = []string{}
	}
	return out, nil
}

// getRepository answers the repository attached to the user's chat and
// what its context holds. A chat without one is 204, not 404: every chat
// page asks, and "nothing attached" is not an error a browser should log;
// 404 stays for a chat that is not the user's.
func (h *handler) getRepository(w http.ResponseWriter, r *http.Request, u session.User) error {
	rp, err := h.Chats.GetRepository(r.Context(), u.ID, r.PathValue("id"))
	if apperr.Is(err, apperr.NotFound) {
		if _, cerr := h.Chats.GetChat(r.Context(), u.ID, r.PathValue("id")); cerr != nil {
			return cerr
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err != nil {
		return err
	}
	out, err := contextOut(rp)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, out)
	return nil
}

// putRepository attaches a repository (at a branch, with the user's picks
// and budget) to the user's chat, reading it from GitHub now.
func (h *handler) putRepository(w http.ResponseWriter, r *http.Request, u session.User) error {
	var req repositoryRequest
	if err := jsonio.Decode(w, r, &req, 64<<10); err != nil {
		return err
	}
	owner, name, ok := strings.Cut(strings.TrimSpace(req.Repo), "/")
	if !ok {
		return apperr.InvalidField("repo", "must be a GitHub repository as owner/name")
	}
	if err := checkRepo(owner, name, "repo"); err != nil {
		return err
	}
	rp := chatstore.Repository{Owner: owner, Repo: name, Ref: strings.TrimSpace(req.Ref), Paths: req.Paths, TokenBudget: req.TokenBudget}
	if rp.TokenBudget == 0 {
		rp.TokenBudget = DefaultTokenBudget
	}
	if err := checkSettings(rp); err != nil {
		return err
	}
	// The chat is checked before GitHub is asked anything.
	if _, err := h.Chats.GetChat(r.Context(), u.ID, r.PathValue("id")); err != nil {
		return err
	}
	return h.build(w, r, u, rp)
}

// refreshRepository rebuilds the chat's repository context from the
// branch's current commit; an unchanged commit costs one conditional
// request, which GitHub does not count against the rate limit.
func (h *handler) refreshRepository(w http.ResponseWriter, r *http.Request, u session.User) error {
	rp, err := h.Chats.GetRepository(r.Context(), u.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.build(w, r, u, rp)
}

// deleteRepository detaches the chat's repository.
func (h *handler) deleteRepository(w http.ResponseWriter, r *http.Request, u session.User) error {
	if err := h.Chats.DeleteRepository(r.Context(), u.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func checkSettings(rp chatstore.Repository) error {
	if rp.Ref != "" && (!refPattern.MatchString(rp.Ref) || strings.Contains(rp.Ref, "..")) {
		return apperr.InvalidField("ref", "must be a branch, tag or commit name")
	}
	if rp.TokenBudget < MinTokenBudget || rp.TokenBudget > MaxTokenBudget {
		return apperr.InvalidField("token_budget", "must be from %d to %d tokens", MinTokenBudget, MaxTokenBudget)
	}
	if len(rp.Paths) > maxPicks {
		return apperr.InvalidField("paths", "holds %d paths; at most %d", len(rp.Paths), maxPicks)
	}
	for _, p := range rp.Paths {
		if !pathPattern.MatchString(p) || strings.HasPrefix(p, "/") || slices.Contains(strings.Split(p, "/"), "..") {
			return apperr.InvalidField("paths", "%q is not a path in the repository", p)
		}
	}
	return nil
}

// build reads rp's commit and stores its context on the chat.
func (h *handler) build(w http.ResponseWriter, r *http.Request, u session.User, rp chatstore.Repository) error {
	ctx := r.Context()
	gh, err := h.github(ctx, u.ID)
	if err != nil {
		return err
	}
	text, manifest, err := gh.repositoryContext(ctx, rp)
	if err != nil {
		return err
	}
	var sum repocontext.Summary
	_ = json.Unmarshal(manifest, &sum)
	rp.CommitSHA, rp.Context, rp.Manifest = sum.CommitSHA, text, manifest
	saved, err := h.Chats.SetRepository(ctx, u.ID, r.PathValue("id"), rp)
	if err != nil {
		return err
	}
	out, err := contextOut(saved)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, out)
	return nil
}

// repositoryContext resolves rp's ref to a commit and returns the context
// built for it, from the cache when that commit was built before with
// the same picks and budget.
func (s *ghSession) repositoryContext(ctx context.Context, rp chatstore.Repository) (string, json.RawMessage, error) {
	full := rp.Owner + "/" + rp.Repo
	ref := rp.Ref
	if ref == "" {
		ref = "HEAD"
	}
	sha, resp, err := s.client.Repositories.GetCommitSHA1(ctx, rp.Owner, rp.Repo, ref, rp.CommitSHA)
	switch {
	case resp != nil && resp.StatusCode == http.StatusNotModified:
		sha = rp.CommitSHA
	case err != nil:
		if resp != nil && resp.StatusCode == http.StatusUnprocessableEntity {
			return "", nil, apperr.InvalidField("ref", "%s has no branch, tag or commit %q", full, rp.Ref)
		}
		return "", nil, s.done(ctx, resp, err, full)
	default:
		if err := s.done(ctx, resp, nil, full); err != nil {
			return "", nil, err
		}
	}
	key := cacheKey(rp, sha)
	if text, manifest, ok, err := s.h.Chats.CachedRepositoryContext(ctx, key); err != nil || ok {
		return text, manifest, err
	}
	tree, resp, err := s.client.Git.GetTree(ctx, rp.Owner, rp.Repo, sha, true)
	if err := s.done(ctx, resp, err, full); err != nil {
		return "", nil, err
	}
	var entries []repocontext.Entry
	for _, e := range tree.Entries {
		if e.GetType() == "blob" {
			entries = append(entries, repocontext.Entry{Path: e.GetPath(), SHA: e.GetSHA(), Size: e.GetSize()})
		}
	}
	b := repocontext.NewBuilder(full, cmp.Or(rp.Ref, "default branch"), sha, rp.TokenBudget, entries)
	candidates, missing := repocontext.Select(entries, rp.Paths)
	for _, p := range missing {
		b.Omit(p)
	}
	reads := 0
	for _, c := range candidates {
		if reads >= maxReads || !b.Fits(c.Path, c.Size) {
			if c.Reason == repocontext.Picked {
				b.Omit(c.Path)
			}
			continue
		}
		reads++
		blob, resp, err := s.client.Git.GetBlob(ctx, rp.Owner, rp.Repo, c.SHA)
		if err := s.done(ctx, resp, err, full); err != nil {
			return "", nil, err
		}
		content, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(blob.Content, "\n", ""))
		if err != nil || blob.GetEncoding() != "base64" {
			b.Omit(c.Path)
			continue
		}
		b.Add(c, content)
	}
	text, sum := b.Done()
	manifest, err := json.Marshal(sum)
	if err != nil {
		return "", nil, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	if err := s.h.Chats.CacheRepositoryContext(ctx, key, text, manifest); err != nil {
		return "", nil, err
	}
	return text, manifest, nil
}

// cacheKey names what decides a context: the commit, the picks and the
// budget (and the ref, which the block names).
func cacheKey(rp chatstore.Repository, sha string) string {
	h := sha256.New()
	for _, part := range append([]string{contextVersion, strings.ToLower(rp.Owner + "/" + rp.Repo), sha, rp.Ref, itoa(rp.TokenBudget)}, rp.Paths...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
