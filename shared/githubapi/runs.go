package githubapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/google/go-github/v93/github"
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

// RunsPage is one conditional read of a repository's recent runs.
type RunsPage struct {
	Runs []Run
	// ETag identifies this answer; send it back to be told "not modified".
	ETag string
	// NotModified is true when GitHub answered 304 to the ETag given: the
	// runs are unchanged and the request cost no rate limit.
	NotModified bool
	// PollInterval is GitHub's X-Poll-Interval, when it sent one.
	PollInterval time.Duration
	// Rate is the rate limit GitHub reported.
	Rate github.Rate
}

// ListRuns reads owner/name's 30 most recent workflow runs, conditionally
// on etag (If-None-Match) when it is not "". Errors are go-github's; pass
// them to Classify.
func ListRuns(ctx context.Context, c *github.Client, owner, name, etag string) (RunsPage, *github.Response, error) {
	u := fmt.Sprintf("repos/%s/%s/actions/runs?per_page=30", url.PathEscape(owner), url.PathEscape(name))
	req, err := c.NewRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return RunsPage{}, nil, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	var out github.WorkflowRuns
	resp, err := c.Do(req, &out)
	page := RunsPage{ETag: etag}
	if resp != nil {
		page.Rate = resp.Rate
		if s := resp.Header.Get("X-Poll-Interval"); s != "" {
			if n, perr := time.ParseDuration(s + "s"); perr == nil {
				page.PollInterval = n
			}
		}
		if resp.StatusCode == http.StatusNotModified {
			page.NotModified = true
			return page, resp, nil
		}
	}
	if err != nil {
		return RunsPage{}, resp, err
	}
	page.ETag = resp.Header.Get("ETag")
	page.Runs = make([]Run, 0, len(out.WorkflowRuns))
	for _, r := range out.WorkflowRuns {
		page.Runs = append(page.Runs, RunFrom(r))
	}
	return page, resp, nil
}
