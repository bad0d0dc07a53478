-- Branches remember the choices made inside them.
--
-- Switching to a branch (PUT /api/chats/{id}/branch) shows the path down
-- from the chosen message. It took the newest child at every fork, so a
-- sibling chosen deeper inside that branch was forgotten once the user
-- switched away and back. Now each message records when it was last on
-- the shown branch (shown_at), and the way down takes the child shown
-- most recently; a message never chosen counts from its creation, so the
-- newest still wins where no choice was made.

-- +goose Up
-- now() is the same for every existing row (and adding the column does
-- not rewrite the table): ties fall back to the newest by seq, as before.
ALTER TABLE messages ADD COLUMN shown_at timestamptz NOT NULL DEFAULT now();

-- Keep the choices in place today: the branch each chat shows now wins
-- at each of its forks.
WITH RECURSIVE up AS (
    SELECT m.id, m.parent_id FROM chat_sessions c JOIN messages m ON m.id = c.active_leaf_id
    UNION ALL
    SELECT p.id, p.parent_id FROM messages p JOIN up ON p.id = up.parent_id
)
UPDATE messages SET shown_at = now() + interval '1 microsecond' WHERE id IN (SELECT id FROM up);

-- +goose Down
ALTER TABLE messages DROP COLUMN IF EXISTS shown_at;
