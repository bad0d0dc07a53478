package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-github/v93/github"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

// Run is a workflow run as the studio shows it.
type Run struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	Conclusion string `json:"conclusion"`
	Branch     string `json:"branch"`
	Event      string `json:"event"`
	// Issue is the title of the issue that started the run, when GitHub
	// says an issue event did (its display title is then the issue's).
	Issue     string    `json:"issue,omitempty"`
	URL       string    `json:"url"`
	RunNumber int       `json:"run_number"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RunFrom converts go-github's run.
func RunFrom(r *github.WorkflowRun) Run {
	out := Run{
		ID: r.GetID(), Name: r.GetName(), Title: r.GetDisplayTitle(), Status: r.GetStatus(),
		Conclusion: r.GetConclusion(), Branch: r.GetHeadBranch(), Event: r.GetEvent(), URL: r.GetHTMLURL(),
		RunNumber: r.GetRunNumber(), CreatedAt: r.GetCreatedAt().Time, UpdatedAt: r.GetUpdatedAt().Time,
	}
	if out.Event == "issues" || out.Event == "issue_comment" {
		out.Issue = out.Title
	}
	return out
}

// runs lists the repository's recent workflow runs.
func (h *handler) runs(w http.ResponseWriter, r *http.Request, u session.User) error {
	owner, name, err := repoFromPath(r)
	if err != nil {
		return err
	}
	gh, err := h.github(r.Context(), u.ID)
	if err != nil {
		return err
	}
	list, resp, err := gh.client.Actions.ListRepositoryWorkflowRuns(r.Context(), owner, name, &github.ListWorkflowRunsOptions{
		ListOptions: github.ListOptions{PerPage: 30},
	})
	if err := gh.done(r.Context(), resp, err, "repository "+owner+"/"+name); err != nil {
		return err
	}
	out := struct {
		Runs []Run `json:"runs"`
	}{Runs: []Run{}}
	for _, run := range list.WorkflowRuns {
		out.Runs = append(out.Runs, RunFrom(run))
	}
	jsonio.Write(w, http.StatusOK, out)
	return nil
}

type dispatchRequest struct {
	Ref    string         `json:"ref"`
	Inputs map[string]any `json:"inputs"`
}

// dispatch starts a workflow (by id or file name) on ref with inputs.
func (h *handler) dispatch(w http.ResponseWriter, r *http.Request, u session.User) error {
	owner, name, err := repoFromPath(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !namePattern.MatchString(id) {
		return apperr.InvalidField("id", "must be a workflow id or file name")
	}
	var req dispatchRequest
	if err := jsonio.Decode(w, r, &req, 64<<10); err != nil {
		return err
	}
	if req.Ref == "" || len(req.Ref) > 255 {
		return apperr.InvalidField("ref", "must name a branch or tag")
	}
	if len(req.Inputs) > 25 {
		return apperr.InvalidField("inputs", "at most 25 inputs")
	}
	gh, err := h.github(r.Context(), u.ID, publishScopes, dispatchScopes)
	if err != nil {
		return err
	}
	body := github.CreateWorkflowDispatchEventRequest{Ref: req.Ref, Inputs: req.Inputs}
	var resp *github.Response
	if n, perr := strconv.ParseInt(id, 10, 64); perr == nil {
		_, resp, err = gh.client.Actions.CreateWorkflowDispatchEventByID(r.Context(), owner, name, n, body)
	} else {
		_, resp, err = gh.client.Actions.CreateWorkflowDispatchEventByFileName(r.Context(), owner, name, id, body)
	}
	if err := gh.done(r.Context(), resp, err, "workflow "+id+" of repository "+owner+"/"+name); err != nil {
		return err
	}
	jsonio.Write(w, http.StatusAccepted, map[string]string{"status": "dispatched"})
	return nil
}
