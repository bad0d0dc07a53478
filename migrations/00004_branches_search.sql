-- Branches instead of lost answers, and full-text search over messages.
--
-- A conversation is a tree: each message names the message it answers or
-- follows (parent_id; NULL for a chat's first messages). An edited message
-- or a regenerated answer is a new sibling, so nothing is lost. The chat
-- remembers the leaf of the branch its owner last looked at
-- (active_leaf_id); what is shown is the path from the root to that leaf.
--
-- Message content is indexed for full-text search (english configuration:
-- architecture chats are mostly English; words of other languages still
-- match exactly).

-- +goose Up
ALTER TABLE messages
    ADD COLUMN parent_id uuid REFERENCES messages (id) ON DELETE CASCADE,
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;

-- Existing chats were linear: each message follows the one before it.
UPDATE messages m
   SET parent_id = p.prev
  FROM (SELECT id, lag(id) OVER (PARTITION BY session_id ORDER BY seq) AS prev FROM messages) p
 WHERE p.id = m.id AND p.prev IS NOT NULL;

CREATE INDEX messages_parent ON messages (parent_id);
CREATE INDEX messages_search ON messages USING gin (search);

-- The leaf is a message of the same chat (the store writes it only so);
-- deleting it leaves NULL, and the store picks the newest remaining leaf.
ALTER TABLE chat_sessions
    ADD COLUMN active_leaf_id uuid REFERENCES messages (id) ON DELETE SET NULL;

UPDATE chat_sessions c
   SET active_leaf_id = (SELECT m.id FROM messages m WHERE m.session_id = c.id ORDER BY m.seq DESC LIMIT 1);

-- +goose Down
ALTER TABLE chat_sessions DROP COLUMN IF EXISTS active_leaf_id;
DROP INDEX IF EXISTS messages_search;
DROP INDEX IF EXISTS messages_parent;
ALTER TABLE messages
    DROP COLUMN IF EXISTS search,
    DROP COLUMN IF EXISTS parent_id;
