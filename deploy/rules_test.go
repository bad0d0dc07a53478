package deploy_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAlertRules checks monitoring/alerts.yml with `promtool check rules`,
// runs its unit tests (monitoring/alerts_test.yml: each alert fires on
// its condition and stays quiet otherwise) with `promtool test rules`,
// and the Prometheus config with `promtool check config`.
func TestAlertRules(t *testing.T) {
	promtool := needPromtool(t)
	tests := []struct {
		name string
		args []string
	}{
		{"check rules", []string{"check", "rules", "alerts.yml"}},
		{"test rules", []string{"test", "rules", "alerts_test.yml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(promtool, tt.args...)
			cmd.Dir = "monitoring"
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("promtool %s: %v\n%s", strings.Join(tt.args, " "), err, out)
			}
		})
	}
	t.Run("check config", func(t *testing.T) {
		// The token file exists only in the container; point at a stand-in.
		dir := t.TempDir()
		token := filepath.Join(dir, "metrics_token")
		cfg, err := os.ReadFile("monitoring/prometheus.yml")
		if err != nil {
			t.Fatal(err)
		}
		rules, err := os.ReadFile("monitoring/alerts.yml")
		if err != nil {
			t.Fatal(err)
		}
		for name, body := range map[string]string{
			"prometheus.yml": strings.ReplaceAll(string(cfg), "/etc/prometheus/metrics_token", token),
			"alerts.yml":     string(rules),
			"metrics_token":  "t",
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := exec.Command(promtool, "check", "config", filepath.Join(dir, "prometheus.yml")).CombinedOutput(); err != nil {
			t.Fatalf("promtool check config: %v\n%s", err, out)
		}
	})
}

// TestDashboardAndRulesReadRealFamilies: every archstudio_* family the
// dashboard and the alerts query is one TestScrapeAfterTraffic finds in
// the studio's /metrics, so no panel or alert watches a name that does
// not exist.
func TestDashboardAndRulesReadRealFamilies(t *testing.T) {
	known := map[string]bool{}
	for _, f := range families {
		known[f] = true
	}
	name := regexp.MustCompile(`archstudio_[a-z_]+`)
	b, err := os.ReadFile("monitoring/grafana/dashboards/archstudio.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil || dash.UID == "" || len(dash.Panels) < 10 {
		t.Fatalf("dashboard: %v (uid %q, %d panels)", err, dash.UID, len(dash.Panels))
	}
	rules, err := os.ReadFile("monitoring/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{"alerts.yml": string(rules)}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			sources["panel "+p.Title] += tg.Expr + "\n"
		}
	}
	used := map[string]bool{}
	for where, text := range sources {
		for _, m := range name.FindAllString(text, -1) {
			family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_count"), "_sum")
			used[family] = true
			if !known[family] {
				t.Errorf("%s reads %s, which the studio does not export", where, m)
			}
		}
	}
	for _, f := range families {
		if !used[f] && !strings.HasPrefix(f, "archstudio_router_request_duration") {
			t.Errorf("no panel or alert shows %s", f)
		}
	}
}
