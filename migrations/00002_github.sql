-- Publishing roadmaps to GitHub: a token GitHub revoked is marked so no
-- further call is made with it, and each publish of an artifact version
-- to a repository is recorded with the issues it created, so publishing
-- again creates nothing and a retry after a failure part-way finishes
-- without duplicates.

-- +goose Up
-- invalid_at is set when GitHub answered 401 to the token; saving a new
-- token (signing in again) clears it.
ALTER TABLE encrypted_tokens ADD COLUMN invalid_at timestamptz;

CREATE TABLE github_publications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The artifact's row of the published version; deleting the chat
    -- deletes the record (the issues stay on GitHub).
    artifact_id uuid NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    -- owner/name in lower case: GitHub names are case-insensitive.
    repo        text NOT NULL CHECK (repo ~ '^[a-z0-9_.-]+/[a-z0-9_.-]+$'),
    -- How many issues the roadmap splits into; complete when all exist.
    total       integer NOT NULL CHECK (total BETWEEN 1 AND 50),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (artifact_id, repo)
);
CREATE INDEX github_publications_user ON github_publications (user_id);

CREATE TABLE github_published_issues (
    publication_id uuid NOT NULL REFERENCES github_publications (id) ON DELETE CASCADE,
    -- The issue's place in the roadmap, from 0.
    position       integer NOT NULL CHECK (position BETWEEN 0 AND 49),
    title          text NOT NULL,
    number         integer NOT NULL CHECK (number > 0),
    html_url       text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (publication_id, position)
);

-- +goose Down
DROP TABLE IF EXISTS github_published_issues;
DROP TABLE IF EXISTS github_publications;
ALTER TABLE encrypted_tokens DROP COLUMN IF EXISTS invalid_at;
