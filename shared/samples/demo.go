package samples

// DemoRoadmap is the roadmap the demo model writes (inside a text/markdown
// artifact): "## Issue:" sections in the format the studio publishes as
// GitHub issues (see ../shared/seed-roadmap.md in the product guide).
const DemoRoadmap = `# Order Service Roadmap

## Project Overview
Split order handling out of the monolith into a service of its own, with its
own PostgreSQL schema, an outbox for events and a gradual cut-over.

---

## Issue: Define the Order Service Schema

**Priority:** High
**Dependencies:** None

### Description
Create the orders, order_lines and outbox tables in a schema owned by the new
service, with migrations in the service's repository.

### Acceptance Criteria
- [ ] Migrations create orders, order_lines and outbox
- [ ] Foreign keys cascade from orders to order_lines
- [ ] Indexes on customer_id and created_at

### Technical Approach
- goose migrations, applied at deploy
- UUID keys so rows can move between databases

@claude

---

## Issue: Publish Order Events Through an Outbox

**Priority:** High
**Dependencies:** Define the Order Service Schema

### Description
Write each order change and its event in one transaction; a relay publishes
the outbox to the message bus at least once.

### Acceptance Criteria
- [ ] OrderPlaced and OrderCancelled are published
- [ ] A relay crash loses no event
- [ ] Consumers can tell duplicates apart by event id

@claude

---

## Issue: Cut Traffic Over Behind a Flag

**Priority:** Medium
**Dependencies:** Publish Order Events Through an Outbox

### Description
Route a growing share of order writes to the new service behind a feature
flag, comparing results with the monolith before each step.

### Acceptance Criteria
- [ ] 1%, 10%, 50%, 100% steps with a rollback switch
- [ ] A dashboard of mismatches between the two paths

@claude
`

// DemoRoadmapIssue is the section the demo model appends to its roadmap
// when asked for more: one more issue that depends on the one before it.
func DemoRoadmapIssue(title, request, after string) string {
	return "\n---\n\n## Issue: " + title + "\n\n**Priority:** Medium\n**Dependencies:** " + after + "\n\n" +
		"### Description\nAdded on request: " + request + "\n\n" +
		"### Acceptance Criteria\n- [ ] Scoped, estimated and reviewed\n- [ ] Done behind the same feature flag\n\n@claude\n"
}
