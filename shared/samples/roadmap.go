// Package samples holds canned content that the demo model and the test
// fakes share, so both show the studio the same thing.
package samples

// SampleRoadmap is a short roadmap in the format the studio publishes as
// GitHub issues ("## Issue: <title>" sections with priority, dependencies
// and acceptance criteria, each ending with @claude). The demo model and
// the test fake answer a request for a roadmap with it, so publishing can
// be tried without credentials.
const SampleRoadmap = `<antArtifact identifier="roadmap" type="text/markdown" title="Roadmap">` +
	"# Roadmap\n\n" +
	"## Issue: Set Up the Database Schema\n\n**Priority:** High\n**Dependencies:** None\n\n" +
	"### Description\nCreate the tables for users, chats and artifacts.\n\n" +
	"### Acceptance Criteria\n- [ ] Migrations create every table\n- [ ] Foreign keys cascade\n\n@claude\n\n---\n\n" +
	"## Issue: Add the Chat API\n\n**Priority:** Medium\n**Dependencies:** Database schema\n\n" +
	"### Description\nServe chats and messages as JSON.\n\n" +
	"### Acceptance Criteria\n- [ ] Each user sees only their chats\n\n@claude\n\n---\n\n" +
	"## Issue: Write the Deployment Guide\n\n**Priority:** Low\n**Dependencies:** Chat API\n\n" +
	"### Description\nDocument how to deploy the studio.\n\n@claude\n" +
	"</antArtifact>"
