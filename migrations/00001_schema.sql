-- The whole schema of ArchStudio. Every table hangs off users with
-- ON DELETE CASCADE, so deleting a user deletes all they own; chat
-- sessions cascade to their messages and artifacts.

-- +goose Up
CREATE TABLE users (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- NULL for development sign-in users, who exist only outside production.
    github_id         bigint UNIQUE,
    username          text NOT NULL CHECK (length(username) BETWEEN 1 AND 100),
    email             text,
    avatar_url        text NOT NULL DEFAULT '',
    -- Per-user overrides of the configured daily limits; NULL = default.
    daily_call_limit  integer CHECK (daily_call_limit >= 0),
    daily_token_limit bigint CHECK (daily_token_limit >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_dev_username ON users (username) WHERE github_id IS NULL;

CREATE TABLE encrypted_tokens (
    user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    key_id          text NOT NULL,
    encrypted_token bytea NOT NULL,
    nonce           bytea NOT NULL CHECK (length(nonce) = 12),
    scopes          text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX encrypted_tokens_key_id ON encrypted_tokens (key_id);

CREATE TABLE chat_sessions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Last activity: bumped by every message; lists sort and retention
    -- expires by it.
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_sessions_user_recent ON chat_sessions (user_id, updated_at DESC, id DESC);
CREATE INDEX chat_sessions_updated_at ON chat_sessions (updated_at);

CREATE TABLE messages (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- seq orders messages within a chat even when created_at ties.
    seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    session_id    uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('user', 'assistant')),
    content       text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'complete'
                  CHECK (status IN ('streaming', 'complete', 'stopped', 'error', 'interrupted')),
    model         text NOT NULL DEFAULT '',
    input_tokens  integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_session_seq ON messages (session_id, seq);

CREATE TABLE artifacts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    message_id uuid REFERENCES messages (id) ON DELETE CASCADE,
    identifier text NOT NULL CHECK (length(identifier) BETWEEN 1 AND 200),
    type       text NOT NULL,
    language   text NOT NULL DEFAULT '',
    title      text NOT NULL DEFAULT '',
    content    text NOT NULL DEFAULT '',
    version    integer NOT NULL CHECK (version >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (session_id, identifier, version)
);
CREATE INDEX artifacts_message_id ON artifacts (message_id);

CREATE TABLE user_preferences (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    document       jsonb NOT NULL DEFAULT '{}',
    schema_version integer NOT NULL DEFAULT 1,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE usage_daily (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day         date NOT NULL,
    api_calls   integer NOT NULL DEFAULT 0 CHECK (api_calls >= 0),
    tokens_used bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
    PRIMARY KEY (user_id, day)
);
CREATE INDEX usage_daily_day ON usage_daily (day);

-- +goose StatementBegin
-- increment_usage adds calls and tokens to a user's day in one atomic
-- statement and returns the new totals.
CREATE FUNCTION increment_usage(p_user uuid, p_day date, p_calls integer, p_tokens bigint)
RETURNS TABLE (api_calls integer, tokens_used bigint)
LANGUAGE sql AS $$
    INSERT INTO usage_daily AS u (user_id, day, api_calls, tokens_used)
    VALUES (p_user, p_day, GREATEST(p_calls, 0), GREATEST(p_tokens, 0))
    ON CONFLICT (user_id, day) DO UPDATE
       SET api_calls   = GREATEST(u.api_calls + p_calls, 0),
           tokens_used = GREATEST(u.tokens_used + p_tokens, 0)
    RETURNING u.api_calls, u.tokens_used;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS increment_usage(uuid, date, integer, bigint);
DROP TABLE IF EXISTS usage_daily;
DROP TABLE IF EXISTS user_preferences;
DROP TABLE IF EXISTS artifacts;
DROP TABLE IF EXISTS messages;
DROP TABLE IF EXISTS chat_sessions;
DROP TABLE IF EXISTS encrypted_tokens;
DROP TABLE IF EXISTS users;
