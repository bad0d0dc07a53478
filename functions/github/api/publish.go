package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v93/github"

	"github.com/archstudio/studio/functions/github/publications"
	"github.com/archstudio/studio/functions/github/roadmap"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

type publishRequest struct {
	ArtifactID    string   `json:"artifact_id"`
	Version       int      `json:"version"`
	Repo          string   `json:"repo"`
	MentionClaude *bool    `json:"mention_claude"`
	Labels        []string `json:"labels"`
	DryRun        bool     `json:"dry_run"`
}

// publishedIssue is one issue of a publish: as it would be created (dry
// run), or as it was, with its number and URL.
type publishedIssue struct {
	Position int `json:"position"`
	roadmap.Draft
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	// Created is true for an issue this request created, false for one
	// an earlier publish did (or, in a dry run, for every issue).
	Created bool `json:"created"`
}

type publishResponse struct {
	DryRun     bool             `json:"dry_run"`
	Repo       string           `json:"repo"`
	ArtifactID string           `json:"artifact_id"`
	Version    int              `json:"version"`
	Issues     []publishedIssue `json:"issues"`
	// CreatedCount is how many issues this request created; 0 when the
	// version was already published to the repository.
	CreatedCount int `json:"created_count"`
}

// publish splits the artifact version into issues and creates those not
// yet created for this (artifact version, repository), in order.
func (h *handler) publish(w http.ResponseWriter, r *http.Request, u session.User) error {
	var req publishRequest
	if err := jsonio.Decode(w, r, &req, 64<<10); err != nil {
		return err
	}
	ctx := r.Context()
	if !ids.Valid(req.ArtifactID) {
		return apperr.InvalidField("artifact_id", "must be a UUID")
	}
	if req.Version < 0 {
		return apperr.InvalidField("version", "must be a positive version")
	}
	// A dry run needs no repository: the preview works before one is
	// chosen, and without GitHub at all.
	owner, name, _ := strings.Cut(req.Repo, "/")
	if !(req.DryRun && req.Repo == "") {
		if err := checkRepo(owner, name, "repo"); err != nil {
			return err
		}
	}
	labels, err := roadmap.CleanLabels(req.Labels)
	if err != nil {
		return err
	}
	art, err := h.artifactVersion(ctx, u.ID, req.ArtifactID, req.Version)
	if err != nil {
		return err
	}
	issues, err := roadmap.Split(art.Content)
	if err != nil {
		return err
	}
	opts := roadmap.Options{MentionClaude: req.MentionClaude == nil || *req.MentionClaude, Labels: labels}
	// Every body must fit GitHub's limit before anything is created.
	if _, err := roadmap.RenderAll(issues, opts, nil); err != nil {
		return err
	}
	out := publishResponse{DryRun: req.DryRun, Repo: req.Repo, ArtifactID: art.ID, Version: art.Version}
	if req.Repo != "" {
		out.Repo = owner + "/" + name
	}
	if req.DryRun {
		created := []publications.Issue{}
		if req.Repo != "" {
			if created, err = h.Publications.Created(ctx, u.ID, art.ID, out.Repo); err != nil {
				return err
			}
		}
		numbers := numbersOf(created)
		drafts, err := roadmap.RenderAll(issues, opts, numbers.lookup)
		if err != nil {
			return err
		}
		for i, d := range drafts {
			out.Issues = append(out.Issues, publishedIssue{Position: i, Draft: d, Number: numbers[i].Number, URL: numbers[i].URL})
		}
		jsonio.Write(w, http.StatusOK, out)
		return nil
	}

	gh, err := h.github(ctx, u.ID, publishScopes)
	if err != nil {
		return err
	}
	pub, err := h.Publications.Begin(ctx, u.ID, art.ID, out.Repo, len(issues))
	if err != nil {
		return err
	}
	defer pub.Close(ctx)
	numbers := numbersOf(pub.Created)
	subject := "repository " + out.Repo
	var orphans map[string][]*github.Issue
	if pub.Resumed && len(pub.Created) < len(issues) {
		if orphans, err = h.orphans(ctx, gh, owner, name, u.Login, pub.Since, numbers); err != nil {
			return partial(err, len(pub.Created), len(issues))
		}
	}
	for i := range issues {
		if done, ok := numbers[i]; ok {
			d, _ := roadmap.Render(issues, i, opts, numbers.lookup)
			out.Issues = append(out.Issues, publishedIssue{Position: i, Draft: d, Number: done.Number, URL: done.URL})
			continue
		}
		d, err := roadmap.Render(issues, i, opts, numbers.lookup)
		if err != nil {
			return err
		}
		var is *github.Issue
		if found := orphans[d.Title]; len(found) > 0 {
			is, orphans[d.Title] = found[0], found[1:]
		} else {
			body := d.Body
			var resp *github.Response
			is, resp, err = gh.client.Issues.Create(ctx, owner, name, github.CreateIssueRequest{Title: d.Title, Body: &body, Labels: d.Labels})
			if err := gh.done(ctx, resp, err, subject); err != nil {
				return partial(err, len(pub.Created), len(issues))
			}
		}
		rec := publications.Issue{Position: i, Title: d.Title, Number: is.GetNumber(), URL: is.GetHTMLURL()}
		if err := pub.Record(context.WithoutCancel(ctx), rec); err != nil {
			return err
		}
		numbers[i] = rec
		out.CreatedCount++
		out.Issues = append(out.Issues, publishedIssue{Position: i, Draft: d, Number: rec.Number, URL: rec.URL, Created: true})
	}
	status := http.StatusOK
	if out.CreatedCount > 0 {
		status = http.StatusCreated
	}
	jsonio.Write(w, status, out)
	return nil
}

// orphans are the issues login opened on owner/name since an earlier
// attempt of this publish began, by title: when GitHub created an issue
// but the answer never arrived (a timeout), a retry adopts it instead of
// opening it twice.
func (h *handler) orphans(ctx context.Context, gh *ghSession, owner, name, login string, since time.Time, recorded created) (map[string][]*github.Issue, error) {
	known := map[int]bool{}
	for _, is := range recorded {
		known[is.Number] = true
	}
	out := map[string][]*github.Issue{}
	opts := &github.IssueListByRepoOptions{
		Creator: login, State: "all", Since: since.Add(-time.Minute), Sort: "created", Direction: "asc",
		ListOptions: github.ListOptions{PerPage: 100},
	}
	list, resp, err := gh.client.Issues.ListByRepo(ctx, owner, name, opts)
	if err := gh.done(ctx, resp, err, "repository "+owner+"/"+name); err != nil {
		return nil, err
	}
	for _, is := range list {
		if is.IsPullRequest() || known[is.GetNumber()] {
			continue
		}
		out[is.GetTitle()] = append(out[is.GetTitle()], is)
	}
	return out, nil
}

// partial adds to a failure how far the publish got, so the client can
// say that a retry finishes it.
func partial(err error, createdTotal, total int) error {
	e, ok := err.(*apperr.Error)
	if !ok {
		return err
	}
	cp := *e
	cp.Details = map[string]any{}
	for k, v := range e.Details {
		cp.Details[k] = v
	}
	cp.Details["created"] = createdTotal
	cp.Details["total"] = total
	if createdTotal > 0 {
		cp.Message += "; " + itoa(createdTotal) + " of " + itoa(total) + " issues exist, and publishing again creates only the rest"
	}
	return &cp
}

// artifactVersion is version of the user's artifact artifactID (any
// version's id names the artifact); version 0 means artifactID's own.
func (h *handler) artifactVersion(ctx context.Context, userID, artifactID string, version int) (chatstore.Artifact, error) {
	art, err := h.Chats.GetArtifact(ctx, userID, artifactID)
	if err != nil || version == 0 || art.Version == version {
		return art, err
	}
	all, err := h.Chats.ArtifactVersions(ctx, userID, art.ChatID, art.Identifier)
	if err != nil {
		return chatstore.Artifact{}, err
	}
	for _, a := range all {
		if a.Version == version {
			return a, nil
		}
	}
	return chatstore.Artifact{}, apperr.New(apperr.NotFound, "artifact version %d not found", version)
}

// created maps roadmap positions to the issues created for them.
type created map[int]publications.Issue

func numbersOf(issues []publications.Issue) created {
	m := created{}
	for _, is := range issues {
		m[is.Position] = is
	}
	return m
}

func (c created) lookup(position int) (int, bool) {
	is, ok := c[position]
	return is.Number, ok
}
