-- Context for the conversation: files attached to a chat, read-only share
-- links, a repository attached as context, and prompt-cache usage.
-- Everything hangs off chat_sessions (or users) with ON DELETE CASCADE, so
-- deleting a chat — by the user or by retention — deletes its attachments,
-- shares and repository context with it.

-- +goose Up
CREATE TABLE attachments (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    -- The user message it was sent with; NULL while it waits in the composer.
    message_id uuid REFERENCES messages (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    -- Sniffed from the content, never taken from the client.
    media_type text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('image', 'pdf', 'text')),
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    -- PDF pages; image width and height; 0 when not applicable.
    pages      integer NOT NULL DEFAULT 0,
    width      integer NOT NULL DEFAULT 0,
    height     integer NOT NULL DEFAULT 0,
    -- 'pending': a presigned upload not yet checked; counts against the
    -- quota (by its declared size) but cannot be sent.
    status     text NOT NULL DEFAULT 'ready' CHECK (status IN ('pending', 'ready')),
    -- The bytes live here (PostgreSQL storage) or under blob_key in the
    -- S3-compatible store (BLOB_STORE_URL), never both.
    data       bytea,
    blob_key   text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (status = 'pending' OR (data IS NULL) <> (blob_key IS NULL))
);
CREATE INDEX attachments_session ON attachments (session_id, created_at);
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX attachments_user ON attachments (user_id);

-- Objects of the S3-compatible store whose rows are gone (a chat deleted,
-- expired or an attachment removed): the retention run deletes them.
CREATE TABLE blob_garbage (
    blob_key   text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION attachments_collect_blob() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.blob_key IS NOT NULL THEN
        INSERT INTO blob_garbage (blob_key) VALUES (OLD.blob_key) ON CONFLICT DO NOTHING;
    END IF;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER attachments_collect_blob AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_collect_blob();

-- Share links: a snapshot of a chat at the moment it was shared. Only the
-- token's SHA-256 is stored; revoking deletes the row.
CREATE TABLE chat_shares (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    title      text NOT NULL DEFAULT '',
    snapshot   jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_shares_user ON chat_shares (user_id, created_at DESC);
CREATE INDEX chat_shares_session ON chat_shares (session_id);

-- A repository attached to a chat as context, and its built context.
CREATE TABLE chat_repositories (
    session_id   uuid PRIMARY KEY REFERENCES chat_sessions (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    owner        text NOT NULL,
    repo         text NOT NULL,
    ref          text NOT NULL DEFAULT '',
    -- Files the user picked; the studio adds its own selection.
    paths        text[] NOT NULL DEFAULT '{}',
    token_budget integer NOT NULL CHECK (token_budget > 0),
    commit_sha   text NOT NULL DEFAULT '',
    -- The context as sent to Claude and what it holds (files, tokens).
    context      text NOT NULL DEFAULT '',
    manifest     jsonb NOT NULL DEFAULT '{}',
    refreshed_at timestamptz NOT NULL DEFAULT now()
);

-- Built repository contexts by commit: an unchanged repository is read
-- from here with no GitHub call. Keyed by what decides the content.
CREATE TABLE repository_context_cache (
    cache_key  text PRIMARY KEY,
    context    text NOT NULL,
    manifest   jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repository_context_cache_created ON repository_context_cache (created_at);

-- Prompt caching: input tokens written to and read from Claude's cache.
ALTER TABLE messages
    ADD COLUMN cache_creation_input_tokens integer NOT NULL DEFAULT 0 CHECK (cache_creation_input_tokens >= 0),
    ADD COLUMN cache_read_input_tokens     integer NOT NULL DEFAULT 0 CHECK (cache_read_input_tokens >= 0);
ALTER TABLE usage_daily
    ADD COLUMN cache_creation_tokens bigint NOT NULL DEFAULT 0 CHECK (cache_creation_tokens >= 0),
    ADD COLUMN cache_read_tokens     bigint NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0);

-- +goose Down
ALTER TABLE usage_daily DROP COLUMN cache_creation_tokens, DROP COLUMN cache_read_tokens;
ALTER TABLE messages DROP COLUMN cache_creation_input_tokens, DROP COLUMN cache_read_input_tokens;
DROP TABLE IF EXISTS repository_context_cache;
DROP TABLE IF EXISTS chat_repositories;
DROP TABLE IF EXISTS chat_shares;
DROP TRIGGER IF EXISTS attachments_collect_blob ON attachments;
DROP FUNCTION IF EXISTS attachments_collect_blob();
DROP TABLE IF EXISTS blob_garbage;
DROP TABLE IF EXISTS attachments;
