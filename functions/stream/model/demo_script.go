package model

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/archstudio/studio/shared/samples"
)

// demoIntent is one kind of request the demo model recognises: a few
// keywords, the artifact it answers with, and how a follow-up changes that
// artifact into its next version.
type demoIntent struct {
	name     string
	keywords []string
	intro    string
	outro    string
	art      demoArtifact
	// revise returns the next version of content for a follow-up asking
	// request; version is the version it will be.
	revise func(content, request string, version int) string
}

type demoArtifact struct {
	identifier, typ, language, title, content string
}

// demoIntents are checked in order; the first whose keyword the message
// contains answers it.
var demoIntents = []demoIntent{
	{
		name:     "roadmap",
		keywords: []string{"roadmap", "milestone", "plan the", "issues for", "backlog"},
		intro: "Here is a roadmap for splitting order handling out of a monolith, one `## Issue:` section per piece of work, " +
			"so it can be published as GitHub issues (open it and choose **Publish to GitHub**).",
		outro: "The schema comes first because both the outbox and the cut-over depend on it. Ask me to add an issue and I will extend the roadmap.",
		art: demoArtifact{identifier: "demo-roadmap", typ: "text/markdown", title: "Order service roadmap",
			content: samples.DemoRoadmap},
		revise: func(content, request string, _ int) string {
			return strings.TrimRight(content, "\n") + "\n" + samples.DemoRoadmapIssue(titleCase(request), request, lastIssueTitle(content))
		},
	},
	{
		name:     "comparison",
		keywords: []string{"compare", "comparison", " vs ", "versus", "trade-off", "tradeoff", "table"},
		intro:    "Here is how the usual choices for a service's event bus compare on what matters to an architecture like this one.",
		outro:    "For an outbox relay with a handful of consumers, SQS or NATS keep operations small; Kafka pays off once you need replay and many consumer groups.",
		art: demoArtifact{identifier: "demo-comparison", typ: "text/markdown", title: "Event bus comparison",
			content: "# Event bus comparison\n\n" +
				"| | Kafka | SQS + SNS | NATS JetStream |\n|---|---|---|---|\n" +
				"| Ordering | Per partition | FIFO queues only | Per stream |\n" +
				"| Replay | Yes, by offset | No | Yes, by sequence |\n" +
				"| Operations | Heavy (brokers, ZooKeeper/KRaft) | None (managed) | Light (one binary) |\n" +
				"| Throughput | Very high | High | High |\n" +
				"| Cost at low volume | High | Low | Low |\n"},
		revise: func(content, request string, version int) string {
			return strings.TrimRight(content, "\n") + fmt.Sprintf("\n\n### Revision %d\n%s: considered for every option above.\n", version, sentence(request))
		},
	},
	{
		name:     "react",
		keywords: []string{"react", "component", "jsx", "tsx"},
		intro:    "Here is a React component for a deployment checklist; the preview runs it live.",
		outro:    "State stays local with `useState`; lift it up when the checklist should be saved.",
		art: demoArtifact{identifier: "demo-component", typ: "application/vnd.ant.react", title: "Deployment checklist",
			content: `import { useState } from "react";

const initial = [
  { title: "Migrations applied", done: true },
  { title: "Feature flag at 1%", done: false },
  { title: "Dashboards green for an hour", done: false },
  // demo: items
];

export default function Checklist() {
  const [items, setItems] = useState(initial);
  const toggle = (i) => setItems(items.map((it, j) => (j === i ? { ...it, done: !it.done } : it)));
  const left = items.filter((it) => !it.done).length;
  return (
    <div style={{ fontFamily: "system-ui", padding: 16 }}>
      <h2>Deployment checklist</h2>
      <p>{left === 0 ? "Ready to ship." : left + " to go"}</p>
      <ul style={{ listStyle: "none", padding: 0 }}>
        {items.map((it, i) => (
          <li key={it.title}>
            <label>
              <input type="checkbox" checked={it.done} onChange={() => toggle(i)} /> {it.title}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
`},
		revise: func(content, request string, _ int) string {
			item := "  { title: " + strconv.Quote(sentence(request)) + ", done: false },\n  // demo: items"
			return strings.Replace(content, "  // demo: items", item, 1)
		},
	},
	{
		name:     "web page",
		keywords: []string{"web page", "webpage", "html", "landing", "mock-up", "mockup", "page"},
		intro:    "Here is a mock-up of a status page for the platform, as one self-contained HTML page.",
		outro:    "It uses no scripts or external assets, so it renders the same anywhere; swap the static rows for your health checks.",
		art: demoArtifact{identifier: "demo-page", typ: "text/html", title: "Status page mock-up",
			content: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Platform status</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 24px 32px; }
  main { max-width: 720px; margin: 24px auto; padding: 0 16px; }
  .row { display: flex; justify-content: space-between; background: #fff; padding: 14px 16px; border-radius: 8px; margin-bottom: 8px; }
  .ok { color: #137333; } .warn { color: #b06000; }
</style>
</head>
<body>
<header><h1>Platform status</h1><p>All systems operational</p></header>
<main>
  <div class="row"><span>API gateway</span><span class="ok">Operational</span></div>
  <div class="row"><span>Order service</span><span class="ok">Operational</span></div>
  <div class="row"><span>Event bus</span><span class="warn">Degraded latency</span></div>
  <!-- demo: sections -->
</main>
</body>
</html>
`},
		revise: func(content, request string, version int) string {
			section := fmt.Sprintf("<section class=\"row\"><span>Revision %d</span><span>%s</span></section>\n  <!-- demo: sections -->",
				version, html.EscapeString(sentence(request)))
			return strings.Replace(content, "<!-- demo: sections -->", section, 1)
		},
	},
	{
		name:     "diagram",
		keywords: []string{"diagram", "mermaid", "draw", "sequence", "flowchart", "architecture", "sketch"},
		intro:    "Here is a diagram of a typical service architecture: requests come through a gateway, and services talk through an event bus.",
		outro:    "Solid arrows are synchronous calls; dotted ones are events. Ask for a change and I will redraw it.",
		art: demoArtifact{identifier: "demo-diagram", typ: "application/vnd.ant.mermaid", title: "Service architecture",
			content: "graph LR\n" +
				"  Client[Web client] --> Gateway[API gateway]\n" +
				"  Gateway --> Orders[Order service]\n" +
				"  Gateway --> Billing[Billing service]\n" +
				"  Orders --> OrdersDB[(Orders DB)]\n" +
				"  Orders -.->|OrderPlaced| Bus{{Event bus}}\n" +
				"  Bus -.-> Billing\n"},
		revise: func(content, request string, version int) string {
			label := strings.Map(func(r rune) rune {
				if strings.ContainsRune(`"[](){}<>|#;`, r) {
					return -1
				}
				return r
			}, sentence(request))
			return strings.TrimRight(content, "\n") + fmt.Sprintf("\n  Gateway --> V%d[\"%s\"]\n", version, label)
		},
	},
	{
		name:     "code",
		keywords: []string{"code", "function", "implement", "write a", "golang", " go ", "python", "sql", "handler", "script"},
		intro:    "Here is a Go HTTP handler that places an order and writes its event to the outbox in one transaction.",
		outro:    "The event is only published by the relay after commit, so a crash can never publish an order that was not saved.",
		art: demoArtifact{identifier: "demo-code", typ: "application/vnd.ant.code", language: "go", title: "place_order.go",
			content: `package orders

import (
	"encoding/json"
	"net/http"
)

// PlaceOrder saves an order and its OrderPlaced event in one transaction.
func (s *Service) PlaceOrder(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CustomerID string ` + "`json:\"customer_id\"`" + `
		Lines      []Line ` + "`json:\"lines\"`" + `
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	order, err := s.store.InTx(r.Context(), func(tx Tx) (Order, error) {
		o, err := tx.InsertOrder(req.CustomerID, req.Lines)
		if err != nil {
			return Order{}, err
		}
		return o, tx.AppendOutbox("OrderPlaced", o)
	})
	if err != nil {
		http.Error(w, "could not place the order", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(order)
}
`},
		revise: func(content, request string, version int) string {
			return fmt.Sprintf("// Revision %d: %s\n", version, sentence(request)) + content
		},
	},
}

// demoTag finds the demo's artifacts in earlier replies.
var demoTag = regexp.MustCompile(`(?s)<antArtifact identifier="(demo-[a-z]+)"[^>]*>(.*?)</antArtifact>`)

// demoReply answers the last turn of turns.
func demoReply(turns []Turn) string {
	question := ""
	if n := len(turns); n > 0 {
		question = turns[n-1].Text
	}
	latest, versions := demoHistory(turns[:max(len(turns)-1, 0)])
	intent := matchIntent(question)
	if intent == nil && latest != "" {
		// A follow-up with no new request changes the latest artifact.
		intent = intentFor(latest)
	}
	const label = "**Demo model** — no ANTHROPIC_API_KEY is set, so this is a scripted reply, not Claude.\n\n"
	if intent == nil {
		return label + "I am a small scripted stand-in that shows what the studio does. Try asking for:\n\n" +
			"- a **roadmap** (publishable as GitHub issues)\n- an architecture **diagram**\n- some **code**\n" +
			"- a **web page** mock-up\n- a **React component**\n- a **comparison** table\n\n" +
			"Then ask for a change in the same chat to get a new version of the artifact."
	}
	a := intent.art
	if prev, ok := versions[a.identifier]; ok {
		content := intent.revise(prev.content, request(question), prev.count+1)
		return label + fmt.Sprintf("Here is version %d of the %s, changed as you asked.\n\n", prev.count+1, strings.ToLower(a.title)) +
			artifactTag(a, content) + "\n\n" + "Use the version switcher in the panel to compare it with the earlier one."
	}
	return label + intent.intro + "\n\n" + artifactTag(a, a.content) + "\n\n" + intent.outro
}

// demoVersion is what earlier replies hold of one artifact.
type demoVersion struct {
	content string
	count   int
}

// demoHistory returns the identifier of the latest demo artifact in turns
// and, for each, its latest content and how many versions were written.
func demoHistory(turns []Turn) (latest string, versions map[string]demoVersion) {
	versions = map[string]demoVersion{}
	for _, t := range turns {
		if t.Role != Assistant {
			continue
		}
		for _, m := range demoTag.FindAllStringSubmatch(t.Text, -1) {
			v := versions[m[1]]
			versions[m[1]] = demoVersion{content: m[2], count: v.count + 1}
			latest = m[1]
		}
	}
	return latest, versions
}

func matchIntent(question string) *demoIntent {
	q := " " + strings.ToLower(strings.Join(strings.Fields(question), " ")) + " "
	for i := range demoIntents {
		for _, k := range demoIntents[i].keywords {
			if strings.Contains(q, k) {
				return &demoIntents[i]
			}
		}
	}
	return nil
}

func intentFor(identifier string) *demoIntent {
	for i := range demoIntents {
		if demoIntents[i].art.identifier == identifier {
			return &demoIntents[i]
		}
	}
	return nil
}

func artifactTag(a demoArtifact, content string) string {
	lang := ""
	if a.language != "" {
		lang = fmt.Sprintf(` language="%s"`, a.language)
	}
	return fmt.Sprintf(`<antArtifact identifier="%s" type="%s" title="%s"%s>`, a.identifier, a.typ, a.title, lang) +
		content + "</antArtifact>"
}

// request is the user's follow-up on one line, at most 80 characters.
func request(question string) string {
	q := strings.Join(strings.Fields(question), " ")
	if r := []rune(q); len(r) > 80 {
		q = string(r[:79]) + "…"
	}
	if q == "" {
		q = "revise it"
	}
	return q
}

// sentence is s with a capital first letter and no trailing full stop.
func sentence(s string) string {
	s = strings.TrimRight(s, ".!? ")
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// titleCase makes an issue title of a request: its words capitalised.
func titleCase(s string) string {
	words := strings.Fields(strings.TrimRight(s, ".!? "))
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

var issueTitle = regexp.MustCompile(`(?m)^## Issue: (.+)$`)

// lastIssueTitle is the title of a roadmap's last issue, which a new one
// depends on.
func lastIssueTitle(roadmap string) string {
	all := issueTitle.FindAllStringSubmatch(roadmap, -1)
	if len(all) == 0 {
		return "None"
	}
	return all[len(all)-1][1]
}
