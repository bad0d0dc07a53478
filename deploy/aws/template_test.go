package aws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/cloudfront"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"

	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/shared/apispec"
	"github.com/archstudio/studio/shared/secheaders"
	"github.com/archstudio/studio/shared/testkit"
)

const templatePath = "template.yaml"

// template is deploy/aws/template.yaml loaded by goformation, with Ref
// and GetAtt kept as names ("HttpApi", "StreamFunctionUrl.FunctionUrl")
// rather than resolved, so the test can see what points where; raw is the
// same template as plain JSON for what goformation has no types for
// (Globals, ScheduleV2 events).
type template struct {
	*cloudformation.Template
	raw map[string]any
}

func loadTemplate(t *testing.T) template {
	t.Helper()
	data, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	var params map[string]any
	opts := &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{
		"Ref": func(_ string, input, tmpl any) any {
			name, _ := input.(string)
			if p, ok := params[name].(map[string]any); ok {
				if typ, _ := p["Type"].(string); strings.HasPrefix(typ, "List<") {
					return []any{name}
				}
				if def, ok := p["Default"]; ok {
					return def
				}
			}
			return name
		},
		// Kept unresolved, so the test sees "${DbProxy.Endpoint}".
		"Fn::Sub": func(_ string, input, _ any) any {
			if parts, ok := input.([]any); ok && len(parts) > 0 {
				return parts[0]
			}
			return input
		},
		"Fn::GetAtt": func(_ string, input, _ any) any {
			if parts, ok := input.([]any); ok && len(parts) == 2 {
				return fmt.Sprintf("%v.%v", parts[0], parts[1])
			}
			return fmt.Sprint(input)
		},
	}}
	// The Ref handler needs the parameters' types and defaults first.
	plain, err := intrinsics.ProcessYAML(data, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(plain, &raw); err != nil {
		t.Fatal(err)
	}
	params, _ = raw["Parameters"].(map[string]any)
	tmpl, err := goformation.ParseYAMLWithOptions(data, opts)
	if err != nil {
		t.Fatalf("goformation: %v", err)
	}
	processed, err := intrinsics.ProcessYAML(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(processed, &raw); err != nil {
		t.Fatal(err)
	}
	return template{Template: tmpl, raw: raw}
}

func loadManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load(filepath.Join("..", "..", "runtime", "functions.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	m.Functions = slices.DeleteFunc(m.Functions, func(f manifest.Function) bool { return notOnAWS[f.Name] != "" })
	return m
}

// notOnAWS are manifest functions AWS replaces with a managed service,
// and why (README.md, Deployment).
var notOnAWS = map[string]string{
	"backup": "RDS automated backups: no pg_dump in a Lambda, and RDS keeps daily snapshots itself",
}

// functionsByName maps each AWS::Serverless::Function to the function
// binary it deploys (its CodeUri, bin/lambda/<name>/).
func (tp template) functionsByName(t *testing.T) map[string]*serverless.Function {
	t.Helper()
	out := map[string]*serverless.Function{}
	for id, f := range tp.GetAllServerlessFunctionResources() {
		if f.CodeUri == nil || f.CodeUri.String == nil {
			t.Fatalf("%s: no CodeUri", id)
		}
		name := filepath.Base(strings.TrimSuffix(*f.CodeUri.String, "/"))
		if want := "../../bin/lambda/" + name + "/"; *f.CodeUri.String != want {
			t.Errorf("%s: CodeUri %q, want %q (make lambda's output)", id, *f.CodeUri.String, want)
		}
		out[name] = f
	}
	return out
}

// apiRouteKeys are the HTTP API routes ("METHOD /path") a manifest route
// needs: the path itself and everything below it, as the router matches,
// with each "*" segment a path parameter {pN}.
func apiRouteKeys(r manifest.Route) []string {
	path := r.Path(func(i int) string { return fmt.Sprintf("{p%d}", i) })
	methods := r.Methods
	if len(methods) == 0 {
		methods = []string{"ANY"}
	}
	var keys []string
	for _, m := range methods {
		keys = append(keys, m+" "+path, m+" "+path+"/{proxy+}")
	}
	return keys
}

// TestTemplateRoutesMatchManifest checks every route of
// runtime/functions.json reaches the same function on AWS, and that the
// template routes nothing the manifest does not: HTTP API events for the
// Lambda functions, CloudFront behaviours for the stream function.
func TestTemplateRoutesMatchManifest(t *testing.T) {
	tp, m := loadTemplate(t), loadManifest(t)
	fns := tp.functionsByName(t)

	want := map[string]string{} // HTTP API route key → function
	for _, f := range m.Functions {
		if f.LongLived {
			continue
		}
		for _, spec := range f.Routes {
			r, err := manifest.ParseRoute(spec)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range apiRouteKeys(r) {
				want[k] = f.Name
			}
		}
	}
	got := map[string]string{}
	for name, f := range fns {
		for id, ev := range f.Events {
			if ev.Type != "HttpApi" {
				continue
			}
			e := ev.Properties.HttpApiEvent
			if e == nil || e.ApiId == nil || *e.ApiId != "HttpApi" {
				t.Errorf("%s event %s: not an event of the template's HttpApi", name, id)
				continue
			}
			if e.Path == nil && e.Method == nil {
				got["$default"] = name
				continue
			}
			got[*e.Method+" "+*e.Path] = name
		}
	}
	for k, fn := range want {
		if got[k] != fn {
			t.Errorf("manifest route %s → %s; the template sends it to %q", k, fn, got[k])
		}
	}
	for k, fn := range got {
		if k == "$default" {
			if fn != "health" {
				t.Errorf("$default route → %s, want health (the JSON 404)", fn)
			}
			continue
		}
		if want[k] != fn {
			t.Errorf("template route %s → %s is not in runtime/functions.json (there: %q)", k, fn, want[k])
		}
	}

	checkStreamBehaviours(t, tp, m)
}

// checkStreamBehaviours checks the stream function's routes: each has a
// CloudFront behaviour of its own leading (for its methods) to the
// streaming function URL, or to the Fargate service for a WebSocket
// upgrade (a GET the contract answers with 101); every behaviour leading
// there is one of those routes; and a request on any other manifest route
// falls through to the HTTP API.
func checkStreamBehaviours(t *testing.T, tp template, m *manifest.Manifest) {
	t.Helper()
	dist := onlyDistribution(t, tp)
	behaviours := dist.DistributionConfig.CacheBehaviors
	cfFunctions := tp.GetAllCloudFrontFunctionResources()
	websocket := websocketPaths(t)

	originFor := func(b cloudfront.Distribution_CacheBehavior, method string) string {
		for _, fa := range b.FunctionAssociations {
			name := strings.TrimSuffix(*fa.FunctionARN, ".FunctionARN")
			if fn := cfFunctions[name]; fn != nil {
				for _, sel := range selectOrigin.FindAllStringSubmatch(fn.FunctionCode, -1) {
					if sel[1] == method {
						return sel[2]
					}
				}
			}
		}
		return b.TargetOriginId
	}
	streamRoutes := map[string]bool{}
	for _, f := range m.Functions {
		for _, spec := range f.Routes {
			r, _ := manifest.ParseRoute(spec)
			pattern := "/" + strings.Join(r.Segments, "/")
			sample := strings.ReplaceAll(pattern, "*", "x1")
			methods := r.Methods
			if len(methods) == 0 {
				methods = []string{"GET"}
			}
			b, ok := firstBehaviour(behaviours, sample)
			if !f.LongLived {
				if !ok || originFor(b, methods[0]) != "api" {
					t.Errorf("%s %s (%s): CloudFront sends it to %q, want the HTTP API", methods[0], sample, f.Name, originFor(b, methods[0]))
				}
				continue
			}
			streamRoutes[pattern] = true
			wantOrigin := "stream-url"
			if websocket[pattern] {
				wantOrigin = "stream-service"
			}
			if !ok || b.PathPattern != pattern {
				t.Errorf("stream route %s: no CloudFront behaviour of its own (first match %q)", spec, b.PathPattern)
				continue
			}
			for _, method := range methods {
				if got := originFor(b, method); got != wantOrigin {
					t.Errorf("stream route %s: %s goes to origin %q, want %q", spec, method, got, wantOrigin)
				}
			}
		}
	}
	for _, b := range behaviours {
		for _, method := range []string{"GET", "POST"} {
			if o := originFor(b, method); (o == "stream-url" || o == "stream-service") && !streamRoutes[b.PathPattern] {
				t.Errorf("CloudFront behaviour %s sends %s to %s, but no stream route in runtime/functions.json has that path", b.PathPattern, method, o)
			}
		}
	}

	fns := tp.functionsByName(t)
	stream := fns["stream"]
	if stream == nil || stream.FunctionUrlConfig == nil || stream.FunctionUrlConfig.InvokeMode == nil ||
		*stream.FunctionUrlConfig.InvokeMode != "RESPONSE_STREAM" {
		t.Errorf("the stream function needs a function URL with InvokeMode RESPONSE_STREAM")
	}
	origins := map[string]string{}
	for _, o := range dist.DistributionConfig.Origins {
		origins[o.Id] = o.DomainName
	}
	if !strings.Contains(origins["api"], "HttpApi") || !strings.Contains(origins["stream-service"], "StreamLoadBalancer") {
		t.Errorf("origins %v: api must be the HttpApi, stream-service the load balancer", origins)
	}
}

// selectOrigin finds `if (… method === 'POST') { cf.selectRequestOriginById('stream-url')` in a
// CloudFront Function.
var selectOrigin = regexp.MustCompile(`method === '([A-Z]+)'\)\s*\{\s*cf\.selectRequestOriginById\('([a-z-]+)'\)`)

// firstBehaviour is the cache behaviour CloudFront picks for path: the
// first whose pattern matches ("*" any characters, "?" one).
func firstBehaviour(bs []cloudfront.Distribution_CacheBehavior, path string) (cloudfront.Distribution_CacheBehavior, bool) {
	for _, b := range bs {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(b.PathPattern)) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			return b, true
		}
	}
	return cloudfront.Distribution_CacheBehavior{}, false
}

func onlyDistribution(t *testing.T, tp template) *cloudfront.Distribution {
	t.Helper()
	ds := tp.GetAllCloudFrontDistributionResources()
	if len(ds) != 1 {
		t.Fatalf("%d CloudFront distributions, want 1", len(ds))
	}
	for _, d := range ds {
		return d
	}
	return nil
}

// websocketPaths are the contract's paths (with "*" for parameters) whose
// GET switches protocols (101).
func websocketPaths(t *testing.T) map[string]bool {
	t.Helper()
	var spec struct {
		Paths map[string]struct {
			Get *struct {
				Responses map[string]any `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := yamlToJSON(apispec.Spec(), &spec); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for p, ops := range spec.Paths {
		if ops.Get == nil {
			continue
		}
		if _, ok := ops.Get.Responses["101"]; ok {
			out[param.ReplaceAllString(p, "*")] = true
		}
	}
	if len(out) == 0 {
		t.Fatal("the contract has no WebSocket route")
	}
	return out
}

// yamlToJSON decodes YAML into v through goformation's YAML reader.
func yamlToJSON(y []byte, v any) error {
	j, err := intrinsics.ProcessYAML(y, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		return err
	}
	return json.Unmarshal(j, v)
}

// TestTemplateFunctions checks every manifest function is deployed once,
// as the runtime (provided.al2023, arm64, the bootstrap of make
// lambda), plus the migrate function; that secrets are references, never
// values; and that each Lambda's pool is small and goes through RDS Proxy.
func TestTemplateFunctions(t *testing.T) {
	tp, m := loadTemplate(t), loadManifest(t)
	fns := tp.functionsByName(t)
	var names []string
	for _, f := range m.Functions {
		names = append(names, f.Name)
		if fns[f.Name] == nil {
			t.Errorf("manifest function %s has no AWS::Serverless::Function", f.Name)
		}
	}
	for name := range fns {
		if !slices.Contains(names, name) && name != "migrate" {
			t.Errorf("template function %s is not in runtime/functions.json", name)
		}
	}

	globals, _ := tp.raw["Globals"].(map[string]any)
	g, _ := globals["Function"].(map[string]any)
	if g["Runtime"] != "provided.al2023" || g["Handler"] != "bootstrap" || fmt.Sprint(g["Architectures"]) != "[arm64]" {
		t.Errorf("Globals.Function = runtime %v, handler %v, architectures %v", g["Runtime"], g["Handler"], g["Architectures"])
	}
	env := map[string]string{}
	if e, ok := g["Environment"].(map[string]any); ok {
		for k, v := range e["Variables"].(map[string]any) {
			env[k] = fmt.Sprint(v)
		}
	}
	if !strings.Contains(env["DATABASE_URL"], "DbProxy.Endpoint") || !strings.Contains(env["DATABASE_URL"], "pool_max_conns=2") {
		t.Errorf("DATABASE_URL %q: want RDS Proxy's endpoint and pool_max_conns=2", env["DATABASE_URL"])
	}
	secret := regexp.MustCompile(`(?i)(KEY|SECRET|TOKEN|PASSWORD|REDIS_URL|ORIGIN_VERIFY)`)
	checkEnv := func(where string, vars map[string]string) {
		for k, v := range vars {
			if secret.MatchString(k) && !strings.HasPrefix(v, "{{resolve:secretsmanager:") && !strings.HasPrefix(v, "{{resolve:ssm-secure:") {
				t.Errorf("%s: %s is a plain value, want a Secrets Manager or SSM reference", where, k)
			}
		}
	}
	checkEnv("Globals", env)
	for name, f := range fns {
		if f.Environment != nil {
			checkEnv(name, f.Environment.Variables)
		}
	}
	for id, td := range tp.GetAllECSTaskDefinitionResources() {
		for _, c := range td.ContainerDefinitions {
			for _, kv := range c.Environment {
				if kv.Name != nil && secret.MatchString(*kv.Name) {
					t.Errorf("%s: %s in Environment, want it in Secrets", id, *kv.Name)
				}
			}
		}
	}
	if len(tp.GetAllRDSDBProxyResources()) != 1 {
		t.Errorf("want one RDS Proxy")
	}
	migrations, ok := tp.Resources["Migrations"]
	if !ok || migrations.AWSCloudFormationType() != "Custom::Migrations" && !strings.HasPrefix(migrations.AWSCloudFormationType(), "Custom") {
		t.Errorf("want the Custom::Migrations resource that runs bin/migrate on deploy")
	}
}

// TestTemplateSchedules checks each manifest schedule is an EventBridge
// Scheduler schedule of the same rate on the same function, whose Input is
// the event the emulator tests send (testkit.SchedulerEvent).
func TestTemplateSchedules(t *testing.T) {
	tp, m := loadTemplate(t), loadManifest(t)
	resources, _ := tp.raw["Resources"].(map[string]any)
	for _, f := range m.Functions {
		if f.Schedule == nil {
			continue
		}
		var found bool
		for _, r := range resources {
			res, _ := r.(map[string]any)
			props, _ := res["Properties"].(map[string]any)
			if res["Type"] != "AWS::Serverless::Function" || props["CodeUri"] != "../../bin/lambda/"+f.Name+"/" {
				continue
			}
			events, _ := props["Events"].(map[string]any)
			for id, e := range events {
				ev, _ := e.(map[string]any)
				if ev["Type"] != "ScheduleV2" {
					continue
				}
				found = true
				p, _ := ev["Properties"].(map[string]any)
				if want := rate(t, f.Schedule.Every); p["ScheduleExpression"] != want {
					t.Errorf("%s %s: %v, want %s", f.Name, id, p["ScheduleExpression"], want)
				}
				var input map[string]any
				if err := json.Unmarshal([]byte(fmt.Sprint(p["Input"])), &input); err != nil {
					t.Fatalf("%s %s Input: %v", f.Name, id, err)
				}
				sample := testkit.SchedulerEvent(f.Name)
				if input["source"] != sample["source"] || len(input) != len(sample) {
					t.Errorf("%s %s Input %v: want the fields of testkit.SchedulerEvent %v", f.Name, id, input, sample)
				}
				for k := range sample {
					if _, ok := input[k]; !ok {
						t.Errorf("%s %s Input lacks %q", f.Name, id, k)
					}
				}
			}
		}
		if !found {
			t.Errorf("manifest schedule of %s: no ScheduleV2 event in the template", f.Name)
		}
	}
}

func rate(t *testing.T, every manifest.Duration) string {
	t.Helper()
	d := int64(every)
	const minute, hour = 60e9, 3600e9
	switch {
	case d%hour == 0 && d == hour:
		return "rate(1 hour)"
	case d%hour == 0:
		return fmt.Sprintf("rate(%d hours)", d/hour)
	case d%minute == 0 && d == minute:
		return "rate(1 minute)"
	case d%minute == 0:
		return fmt.Sprintf("rate(%d minutes)", d/minute)
	}
	t.Fatalf("schedule %v is not whole minutes", every)
	return ""
}

// TestTemplateSecurityHeaders checks the response headers policies set
// what the router sets (shared/secheaders, applied here to a response to
// see every header), and that every behaviour uses one.
func TestTemplateSecurityHeaders(t *testing.T) {
	tp := loadTemplate(t)
	rec := httptest.NewRecorder()
	secheaders.Middleware(secheaders.Policy{AlwaysHSTS: true})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	router := rec.Header()

	policies := tp.GetAllCloudFrontResponseHeadersPolicyResources()
	for id, wantCSP := range map[string]string{"StudioHeadersPolicy": router.Get("Content-Security-Policy"), "PreviewHeadersPolicy": secheaders.PreviewCSP} {
		p := policies[id]
		if p == nil {
			t.Fatalf("no %s", id)
		}
		got := http.Header{}
		sh := p.ResponseHeadersPolicyConfig.SecurityHeadersConfig
		got.Set("Content-Security-Policy", sh.ContentSecurityPolicy.ContentSecurityPolicy)
		got.Set("X-Frame-Options", sh.FrameOptions.FrameOption)
		got.Set("X-Content-Type-Options", "nosniff")
		got.Set("Referrer-Policy", sh.ReferrerPolicy.ReferrerPolicy)
		hsts := fmt.Sprintf("max-age=%d", sh.StrictTransportSecurity.AccessControlMaxAgeSec)
		if sh.StrictTransportSecurity.IncludeSubdomains != nil && *sh.StrictTransportSecurity.IncludeSubdomains {
			hsts += "; includeSubDomains"
		}
		got.Set("Strict-Transport-Security", hsts)
		for _, h := range p.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items {
			got.Set(h.Header, h.Value)
		}
		want := router.Clone()
		want.Set("Content-Security-Policy", wantCSP)
		if id == "PreviewHeadersPolicy" {
			want.Set("X-Frame-Options", "SAMEORIGIN")
		}
		for k := range want {
			if got.Get(k) != want.Get(k) {
				t.Errorf("%s %s = %q, the router sends %q", id, k, got.Get(k), want.Get(k))
			}
		}
	}

	dist := onlyDistribution(t, tp)
	all := append([]cloudfront.Distribution_CacheBehavior{{
		PathPattern:             "default",
		ResponseHeadersPolicyId: dist.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId,
	}}, dist.DistributionConfig.CacheBehaviors...)
	for _, b := range all {
		want := "StudioHeadersPolicy"
		if b.PathPattern == "/preview.html" {
			want = "PreviewHeadersPolicy"
		}
		if b.ResponseHeadersPolicyId == nil || *b.ResponseHeadersPolicyId != want {
			t.Errorf("behaviour %s: response headers policy %v, want %s", b.PathPattern, b.ResponseHeadersPolicyId, want)
		}
	}
}
