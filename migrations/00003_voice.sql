-- Audio seconds heard (speech-to-text) and spoken (text-to-speech) per
-- user and day, counted in milliseconds beside the Claude calls and tokens.

-- +goose Up
ALTER TABLE usage_daily
    ADD COLUMN audio_in_ms  bigint NOT NULL DEFAULT 0 CHECK (audio_in_ms >= 0),
    ADD COLUMN audio_out_ms bigint NOT NULL DEFAULT 0 CHECK (audio_out_ms >= 0);

-- +goose Down
ALTER TABLE usage_daily
    DROP COLUMN audio_in_ms,
    DROP COLUMN audio_out_ms;
