package deploy_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// readme is the repository's README, where every service, volume and
// variable must be documented.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// documented reports whether README names s in backticks.
func documented(readme, s string) bool {
	return regexp.MustCompile("`[^`\n]*\\b" + regexp.QuoteMeta(s) + "\\b[^`\n]*`").MatchString(readme)
}

// tableVariables are the variables of README's tables: the first cell of
// each row, e.g. "| `SESSION_TTL` / `SESSION_IDLE_TTL` | …".
func tableVariables(readme string) []string {
	cell := regexp.MustCompile("(?m)^\\| ((?:`[A-Z][A-Z0-9_]+`(?: / )?)+) \\|")
	name := regexp.MustCompile("[A-Z][A-Z0-9_]+")
	var out []string
	for _, m := range cell.FindAllStringSubmatch(readme, -1) {
		out = append(out, name.FindAllString(m[1], -1)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var interpolated = regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)`)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     any               `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   yaml.Node         `yaml:"depends_on"`
		Healthcheck map[string]any    `yaml:"healthcheck"`
		Profiles    []string          `yaml:"profiles"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// dependsOn reads both forms: a list of names, or a map of conditions.
func dependsOn(t *testing.T, n yaml.Node) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch n.Kind {
	case 0:
	case yaml.SequenceNode:
		var names []string
		if err := n.Decode(&names); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			out[name] = "service_started"
		}
	default:
		var m map[string]struct {
			Condition string `yaml:"condition"`
		}
		if err := n.Decode(&m); err != nil {
			t.Fatal(err)
		}
		for name, c := range m {
			out[name] = c.Condition
		}
	}
	return out
}

// TestComposeFile: every service compose.yml depends on exists and waits
// for PostgreSQL, Redis and the functions to be healthy; every named
// volume a service mounts is declared and the other way round; Redis
// keeps an append-only file fsync'd every second; and every service,
// volume and variable is documented in README.md.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	doc := readme(t)
	if len(c.Services) < 15 {
		t.Fatalf("only %d services", len(c.Services))
	}
	used := map[string]bool{}
	for name, s := range c.Services {
		if !documented(doc, name) {
			t.Errorf("service %s is not documented in README.md", name)
		}
		if name != "migrate" && s.Healthcheck == nil {
			t.Errorf("service %s has no health check", name)
		}
		for dep, cond := range dependsOn(t, s.DependsOn) {
			if _, ok := c.Services[dep]; !ok {
				t.Errorf("service %s depends on %s, which does not exist", name, dep)
			}
			if dep != "migrate" && cond != "service_healthy" {
				t.Errorf("service %s waits for %s to be %s, want service_healthy", name, dep, cond)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				continue // a file of the checkout
			}
			used[src] = true
			if _, ok := c.Volumes[src]; !ok {
				t.Errorf("service %s mounts volume %s, which is not declared", name, src)
			}
		}
		for k := range s.Environment {
			if !documented(doc, k) {
				t.Errorf("variable %s (service %s) is not documented in README.md", k, name)
			}
		}
	}
	for v := range c.Volumes {
		if !used[v] {
			t.Errorf("volume %s is declared but no service mounts it", v)
		}
		if !documented(doc, v) {
			t.Errorf("volume %s is not documented in README.md", v)
		}
	}
	for _, m := range interpolated.FindAllStringSubmatch(string(raw), -1) {
		if !documented(doc, m[1]) {
			t.Errorf("variable %s (compose.yml) is not documented in README.md", m[1])
		}
	}
	redis := c.Services["redis"]
	if cmd, _ := redis.Command.(string); !strings.Contains(cmd, "--appendonly yes") || !strings.Contains(cmd, "--appendfsync everysec") {
		t.Errorf("redis command %q lacks AOF with everysec", cmd)
	}
	for _, name := range []string{"postgres", "redis"} {
		if len(c.Services[name].Volumes) == 0 {
			t.Errorf("%s keeps its data on no volume", name)
		}
	}
}

// TestKamalFile: the Kamal config's variables (its environment, secrets
// and the ENV it reads) are documented in README.md and, if secret, in
// .kamal/secrets.example; its volumes are named and documented; Redis
// runs with AOF everysec; the pre-deploy hook migrates.
func TestKamalFile(t *testing.T) {
	raw, err := os.ReadFile("kamal/deploy.yml")
	if err != nil {
		t.Fatal(err)
	}
	doc := readme(t)
	// ERB first: what it reads from the deployer's environment.
	erb := regexp.MustCompile(`<%=.*?%>`)
	for _, m := range regexp.MustCompile(`ENV\.fetch\("([A-Z0-9_]+)"\)`).FindAllStringSubmatch(string(raw), -1) {
		if !documented(doc, m[1]) {
			t.Errorf("Kamal reads %s, which README.md does not document", m[1])
		}
	}
	var k struct {
		Env struct {
			Clear  map[string]string `yaml:"clear"`
			Secret []string          `yaml:"secret"`
		} `yaml:"env"`
		Volumes  []string `yaml:"volumes"`
		Registry struct {
			Password []string `yaml:"password"`
		} `yaml:"registry"`
		Accessories map[string]struct {
			Cmd string `yaml:"cmd"`
			Env struct {
				Clear  map[string]string `yaml:"clear"`
				Secret []string          `yaml:"secret"`
			} `yaml:"env"`
			Volumes []string          `yaml:"volumes"`
			Options map[string]string `yaml:"options"`
		} `yaml:"accessories"`
	}
	if err := yaml.Unmarshal(erb.ReplaceAll(raw, []byte("x")), &k); err != nil {
		t.Fatal(err)
	}
	secretsTemplate, err := os.ReadFile("../.kamal/secrets.example")
	if err != nil {
		t.Fatal(err)
	}
	secrets := append(append([]string{}, k.Env.Secret...), k.Registry.Password...)
	vars := slices.Collect(func(yield func(string) bool) {
		for name := range k.Env.Clear {
			yield(name)
		}
	})
	volumes := append([]string{}, k.Volumes...)
	for name, a := range k.Accessories {
		secrets = append(secrets, a.Env.Secret...)
		for v := range a.Env.Clear {
			vars = append(vars, v)
		}
		volumes = append(volumes, a.Volumes...)
		if len(a.Volumes) == 0 {
			t.Errorf("accessory %s keeps its data on no volume", name)
		}
		if a.Options["health-cmd"] == "" {
			t.Errorf("accessory %s has no health check", name)
		}
	}
	for _, v := range append(vars, secrets...) {
		if !documented(doc, v) {
			t.Errorf("Kamal variable %s is not documented in README.md", v)
		}
	}
	for _, s := range secrets {
		if !regexp.MustCompile(`(?m)^` + s + `=`).Match(secretsTemplate) {
			t.Errorf("secret %s is missing from .kamal/secrets.example", s)
		}
	}
	for _, v := range volumes {
		name, _, _ := strings.Cut(v, ":")
		if strings.HasPrefix(name, "/") || !documented(doc, name) {
			t.Errorf("Kamal volume %s is not a documented named volume", v)
		}
	}
	if cmd := k.Accessories["redis"].Cmd; !strings.Contains(cmd, "--appendonly yes") || !strings.Contains(cmd, "--appendfsync everysec") {
		t.Errorf("redis cmd %q lacks AOF with everysec", cmd)
	}
	hook, err := os.Stat("../.kamal/hooks/pre-deploy")
	if err != nil || hook.Mode()&0o111 == 0 {
		t.Fatalf("pre-deploy hook missing or not executable: %v", err)
	}
	if b, _ := os.ReadFile("../.kamal/hooks/pre-deploy"); !strings.Contains(string(b), "/app/bin/migrate up") {
		t.Errorf("the pre-deploy hook does not run the migrations")
	}
}

// TestEnvExample: .env.example lists every variable README.md's tables
// list, and only those.
func TestEnvExample(t *testing.T) {
	raw, err := os.ReadFile("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	doc := readme(t)
	want := tableVariables(doc)
	if len(want) < 60 {
		t.Fatalf("only %d variables found in README.md's tables", len(want))
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#?\s*([A-Z][A-Z0-9_]+)=`).FindAllStringSubmatch(string(raw), -1) {
		listed[m[1]] = true
		if !slices.Contains(want, m[1]) {
			t.Errorf(".env.example lists %s, which README.md's tables do not", m[1])
		}
	}
	for _, v := range want {
		if !listed[v] {
			t.Errorf("%s (README.md) is missing from .env.example", v)
		}
	}
}

// TestDockerignore keeps local data, binaries, dependencies and history
// out of the build context.
func TestDockerignore(t *testing.T) {
	raw, err := os.ReadFile("../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for _, want := range []string{".data/", "bin/", "**/node_modules", ".git"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
}
