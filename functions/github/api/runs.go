package api

import (
	"net/http"
	"strconv"

	"github.com/google/go-github/v93/github"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

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
	page, resp, err := githubapi.ListRuns(r.Context(), gh.client, owner, name, "")
	if err := gh.done(r.Context(), resp, err, "repository "+owner+"/"+name); err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, struct {
		Runs []githubapi.Run `json:"runs"`
	}{Runs: page.Runs})
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
