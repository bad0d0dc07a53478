package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

type issueOut struct {
	Position  int      `json:"position"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Labels    []string `json:"labels"`
	DependsOn []int    `json:"depends_on"`
	Number    int      `json:"number"`
	URL       string   `json:"url"`
	Created   bool     `json:"created"`
}

type publishOut struct {
	DryRun       bool       `json:"dry_run"`
	Repo         string     `json:"repo"`
	Issues       []issueOut `json:"issues"`
	CreatedCount int        `json:"created_count"`
}

func publishBody(artifactID string, version int, repo string, dryRun bool) string {
	b, _ := json.Marshal(map[string]any{
		"artifact_id": artifactID, "version": version, "repo": repo,
		"mention_claude": true, "labels": []string{"roadmap"}, "dry_run": dryRun,
	})
	return string(b)
}

// TestPublishSeedRoadmap publishes the project's roadmap: the dry run
// shows exactly what is then created, every issue keeps its title and
// body, ends with one @claude, carries its priority label and links its
// dependencies; publishing again creates nothing.
func TestPublishSeedRoadmap(t *testing.T) {
	w := newWorld(t, publishScopes)
	art := w.artifact(t, seed(t))

	resp := w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, art.Version, "alice/app", true))
	var dry publishOut
	resp.JSON(t, &dry)
	if resp.Status != 200 || !dry.DryRun || len(dry.Issues) != 12 {
		t.Fatalf("dry run: %d %s", resp.Status, resp.Body)
	}
	if n := len(w.gh.Issues("alice/app")); n != 0 {
		t.Fatalf("a dry run created %d issues", n)
	}

	resp = w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, art.Version, "alice/app", false))
	noToken(t, resp)
	var out publishOut
	resp.JSON(t, &out)
	if resp.Status != 201 || out.CreatedCount != 12 || len(out.Issues) != 12 {
		t.Fatalf("publish: %d %s", resp.Status, resp.Body)
	}
	created := w.gh.Issues("alice/app")
	if len(created) != 12 {
		t.Fatalf("GitHub has %d issues, want 12", len(created))
	}
	number := map[int]int{}
	for i, is := range created {
		o, d := out.Issues[i], dry.Issues[i]
		number[i] = is.Number
		if is.Title != d.Title || o.Number != is.Number || o.URL != fmt.Sprintf("https://github.com/alice/app/issues/%d", is.Number) || !o.Created {
			t.Errorf("issue %d: GitHub %q #%d, answered %+v", i, is.Title, is.Number, o)
		}
		if strings.Count(is.Body, "@claude") != 1 || !strings.HasSuffix(is.Body, "\n\n@claude") {
			t.Errorf("issue %d: body does not end with exactly one @claude: %q", i, is.Body)
		}
		if strings.Join(is.Labels, ",") != strings.Join(d.Labels, ",") || !strings.HasPrefix(is.Labels[0], "priority: ") {
			t.Errorf("issue %d: labels %q, dry run said %q", i, is.Labels, d.Labels)
		}
		// The dry run differs only where dependencies get their numbers.
		want := d.Body
		for _, dep := range d.DependsOn {
			want = strings.Replace(want, fmt.Sprintf(`(→ "%s")`, created[dep].Title), fmt.Sprintf("(#%d)", number[dep]), 1)
		}
		if is.Body != want {
			t.Errorf("issue %d: created body differs from the dry run:\n%s\n---\n%s", i, is.Body, want)
		}
	}
	if !strings.Contains(created[1].Body, "**Dependencies:** Database schema (#1)") ||
		!strings.Contains(created[4].Body, "**Dependencies:** Database schema (#1), Authentication (#2)") {
		t.Errorf("dependencies not linked: %q / %q", created[1].Body, created[4].Body)
	}

	// Again: nothing new, the same numbers.
	resp = w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, art.Version, "Alice/App", false))
	var again publishOut
	resp.JSON(t, &again)
	if resp.Status != 200 || again.CreatedCount != 0 || len(again.Issues) != 12 || again.Issues[11].Number != 12 || again.Issues[0].Created {
		t.Fatalf("second publish: %d %s", resp.Status, resp.Body)
	}
	if n := len(w.gh.Issues("alice/app")); n != 12 {
		t.Fatalf("second publish: GitHub has %d issues", n)
	}
	// A dry run now shows the existing numbers.
	resp = w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, art.Version, "alice/app", true))
	resp.JSON(t, &dry)
	if dry.Issues[1].Number != 2 || !strings.Contains(dry.Issues[1].Body, "Database schema (#1)") {
		t.Fatalf("dry run after publish: %s", resp.Body)
	}
	// Another version of the artifact is another publish.
	art2 := w.artifact(t, "## Issue: One more\nText.\n")
	resp = w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, art2.Version, "alice/app", false))
	if resp.Status != 201 || len(w.gh.Issues("alice/app")) != 13 {
		t.Fatalf("version 2: %d %s", resp.Status, resp.Body)
	}
}

// TestPublishResumes fails part-way, then retries: what was created is
// kept and the retry creates only the rest, with no duplicates.
func TestPublishResumes(t *testing.T) {
	w := newWorld(t, publishScopes)
	art := w.artifact(t, seed(t))
	w.gh.Fail(fakegithub.Failure{Method: http.MethodPost, PathSuffix: "/issues", After: 3, Kind: fakegithub.FailServerError})

	resp := w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, 0, "alice/app", false))
	var e struct {
		Error struct {
			Code    string
			Message string
			Created int
			Total   int
		}
	}
	resp.JSON(t, &e)
	if resp.Status != 502 || e.Error.Code != "upstream_error" || e.Error.Created != 3 || e.Error.Total != 12 ||
		!strings.Contains(e.Error.Message, "3 of 12 issues exist") {
		t.Fatalf("failing publish: %d %s", resp.Status, resp.Body)
	}
	if n := len(w.gh.Issues("alice/app")); n != 3 {
		t.Fatalf("after the failure GitHub has %d issues, want 3", n)
	}
	resp = w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, 0, "alice/app", false))
	var out publishOut
	resp.JSON(t, &out)
	if resp.Status != 201 || out.CreatedCount != 9 {
		t.Fatalf("retry: %d %s", resp.Status, resp.Body)
	}
	issues := w.gh.Issues("alice/app")
	if len(issues) != 12 {
		t.Fatalf("after the retry GitHub has %d issues, want 12", len(issues))
	}
	seen := map[string]bool{}
	for i, is := range issues {
		if seen[is.Title] || is.Title != out.Issues[i].Title {
			t.Fatalf("issue %d %q duplicated or out of order", i, is.Title)
		}
		seen[is.Title] = true
	}
	// Dependencies of issues created by the retry link issues created
	// before the failure.
	if !strings.Contains(issues[4].Body, "Database schema (#1), Authentication (#2)") {
		t.Fatalf("retry lost the links: %q", issues[4].Body)
	}
}

// TestPublishAdoptsOrphans: GitHub creates an issue but its answer never
// arrives (a timeout); the retry finds that issue and adopts it instead of
// opening it a second time.
func TestPublishAdoptsOrphans(t *testing.T) {
	w := newWorld(t, publishScopes)
	art := w.artifact(t, seed(t))
	w.gh.Fail(fakegithub.Failure{Method: http.MethodPost, PathSuffix: "/issues", After: 1, Kind: fakegithub.FailSlow, Delay: 2 * time.Second})
	resp := w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, 0, "alice/app", false))
	if resp.Status != 502 {
		t.Fatalf("timed-out publish: %d %s", resp.Status, resp.Body)
	}
	testkit.Eventually(t, 10*time.Second, func() bool { return len(w.gh.Issues("alice/app")) == 2 }, "GitHub to create the issue whose answer was lost")
	resp = w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, 0, "alice/app", false))
	var out publishOut
	resp.JSON(t, &out)
	issues := w.gh.Issues("alice/app")
	if resp.Status != 201 || len(issues) != 12 || out.Issues[1].Number != 2 || out.CreatedCount != 11 {
		t.Fatalf("retry: %d, GitHub has %d issues: %.400s", resp.Status, len(issues), resp.Body)
	}
}
