package fakeanthropic

import (
	"time"

	"github.com/archstudio/studio/shared/samples"
)

// DefaultReply is the scripted answer of the standalone fake: prose around
// one artifact, so a browser test sees both kinds of event.
const DefaultReply = "Here is a small service layout for your question.\n\n" +
	`<antArtifact identifier="service-layout" type="application/vnd.ant.mermaid" title="Service layout">` +
	"graph TD\n  Client --> Router\n  Router --> Chats\n  Router --> Stream\n  Stream --> Claude\n  Chats --> Postgres\n" +
	"</antArtifact>\n\n" +
	"The router forwards each request by path prefix; the stream function holds the long-lived " +
	"connections and talks to Claude, while the chats function serves plain JSON. " +
	"Each function scales on its own, and Redis Streams let any instance resume a stream."

// HTMLPageReply answers a prompt asking for an "html page": an HTML
// artifact whose inline script writes into the page and tries the studio's
// API, so a browser test sees a preview run and find the network closed.
const HTMLPageReply = "Here is a small page that greets you.\n\n" +
	`<antArtifact identifier="hello-page" type="text/html" title="Hello page">` + `<!doctype html>
<html>
<head><title>Hello page</title></head>
<body>
<h1 id="greeting">Waiting for the script</h1>
<p id="api">Calling the API</p>
<script>
document.getElementById("greeting").textContent = "Hello from the page script";
fetch("/api/auth/me").then(
  function () { document.getElementById("api").textContent = "api reachable"; },
  function () { document.getElementById("api").textContent = "api blocked"; }
);
</script>
</body>
</html>
` + "</antArtifact>\n\n" +
	"Its script writes the greeting and then tries the studio's API, which a preview cannot reach."

// RoadmapReply answers a prompt asking for a "roadmap" with a roadmap
// artifact the studio can publish as GitHub issues.
const RoadmapReply = "Here is a roadmap.\n\n" + samples.SampleRoadmap

// DefaultScript streams DefaultReply, or HTMLPageReply to a prompt asking
// for an "html page", in small pieces slowly enough (about six seconds in
// all) that a person or a browser test can press stop.
func DefaultScript() Script {
	return Script{
		Text:      DefaultReply,
		Replies:   []Reply{{Trigger: "html page", Text: HTMLPageReply}, {Trigger: "roadmap", Text: RoadmapReply}},
		ChunkSize: 12,
		Delay:     100 * time.Millisecond,
	}
}
