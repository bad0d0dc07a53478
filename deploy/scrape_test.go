package deploy_test

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// families are what the router's /metrics must show after traffic: one
// per figure the monitoring dashboard and alerts read.
var families = []string{
	"archstudio_router_requests_total",
	"archstudio_router_request_duration_seconds",
	"archstudio_router_function_up",
	"archstudio_router_function_restarts_total",
	"archstudio_http_request_duration_seconds",
	"archstudio_http_requests_in_flight",
	"archstudio_stream_connections",
	"archstudio_generations_running",
	"archstudio_claude_calls_total",
	"archstudio_claude_tokens_total",
	"archstudio_claude_upstream_errors_total",
	"archstudio_quota_rejections_total",
	"archstudio_github_calls_total",
	"archstudio_github_rate_limit_remaining",
	"archstudio_users",
	"archstudio_active_sessions",
	"archstudio_api_calls_today",
	"archstudio_tokens_used_today",
	"archstudio_database_size_bytes",
	"archstudio_dependency_up",
	"archstudio_backup_last_success_timestamp_seconds",
	"archstudio_backup_last_size_bytes",
	"archstudio_build_info",
}

// TestScrapeAfterTraffic signs in, chats (one reply failing upstream),
// runs into the daily limit and calls GitHub, then reads the router's one
// /metrics: every family is there, each function's series labelled with
// its name, and `promtool check metrics` finds nothing to fix.
func TestScrapeAfterTraffic(t *testing.T) {
	promtool := needPromtool(t)
	s := startStudio(t, "DAILY_CALL_LIMIT=2")
	u := signIn(t, s)
	chat := u.newChat()

	// One reply fails upstream (a 400 is not retried; a failed call is
	// not counted), two succeed, and the fourth is refused by the daily
	// limit of 2 calls.
	s.Anthropic.SetScript(fakeanthropic.Script{FailTimes: 1, Fail: fakeanthropic.Failure{Status: 400, Type: "invalid_request_error", Message: "bad request"}, Text: "Hello."})
	for i, want := range []int{200, 200, 200, 429} {
		if code, body := u.do("POST", "/api/chats/"+chat+"/messages", map[string]string{"content": "Design a cache."}); code != want {
			t.Fatalf("message %d: %d, want %d: %s", i+1, code, want, body)
		}
	}
	if code, body := u.do("GET", "/api/github/repos", nil); code != http.StatusOK {
		t.Fatalf("repos: %d %s", code, body)
	}

	var text string
	testkit.Eventually(t, 30*time.Second, func() bool {
		text = scrape(t, s.URL)
		return strings.Contains(text, "archstudio_backup_last_success_timestamp_seconds") &&
			!strings.Contains(text, "archstudio_backup_last_success_timestamp_seconds{function=\"backup\"} 0\n")
	}, "the start-up backup to be reported")
	for _, f := range families {
		if !strings.Contains(text, "\n# TYPE "+f+" ") {
			t.Errorf("family %s missing from /metrics", f)
		}
	}
	for _, series := range []string{
		`archstudio_claude_upstream_errors_total{cause="400",function="stream",model="claude-sonnet-5-5"} 1`,
		`archstudio_quota_rejections_total{function="stream",resource="api_calls"} 1`,
		`archstudio_users{function="health"} 1`,
		`archstudio_dependency_up{dependency="redis",function="health"} 1`,
		`archstudio_http_request_duration_seconds_count{code="200",function="github",method="get",route="GET /api/github/repos"} 1`,
	} {
		if !strings.Contains(text, series) {
			t.Errorf("series %s missing", series)
		}
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", text)
	}
}

func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// needPromtool finds promtool (Debian's prometheus package; .ci/run
// installs it). A missing promtool fails: these checks are part of CI.
func needPromtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: apt-get install prometheus (.ci/run does)")
	}
	return p
}
