package fakeanthropic

import "time"

// DefaultReply is the scripted answer of the standalone fake: prose around
// one artifact, so a browser test sees both kinds of event.
const DefaultReply = "Here is a small service layout for your question.\n\n" +
	`<antArtifact identifier="service-layout" type="application/vnd.ant.mermaid" title="Service layout">` +
	"graph TD\n  Client --> Router\n  Router --> Chats\n  Router --> Stream\n  Stream --> Claude\n  Chats --> Postgres\n" +
	"</antArtifact>\n\n" +
	"The router forwards each request by path prefix; the stream function holds the long-lived " +
	"connections and talks to Claude, while the chats function serves plain JSON. " +
	"Each function scales on its own, and Redis Streams let any instance resume a stream."

// DefaultScript streams DefaultReply in small pieces slowly enough (about
// six seconds in all) that a person or a browser test can press stop.
func DefaultScript() Script {
	return Script{Text: DefaultReply, ChunkSize: 12, Delay: 100 * time.Millisecond}
}
