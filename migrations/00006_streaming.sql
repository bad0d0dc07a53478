-- The stream function sweeps replies whose generation died (its lease in
-- Redis expired) every few seconds on every instance: this index keeps
-- that a look at the few rows still streaming.

-- +goose Up
CREATE INDEX messages_streaming ON messages (created_at) WHERE status = 'streaming';

-- +goose Down
DROP INDEX IF EXISTS messages_streaming;
