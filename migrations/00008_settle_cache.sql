-- A reply's settlement records its prompt-cache tokens in the same
-- statement as its tokens, so it writes usage_daily once, not twice.

-- +goose Up
-- +goose StatementBegin
-- increment_usage with the prompt-cache tokens: adds calls, tokens and
-- both cache counters to a user's day in one atomic statement and returns
-- the new call and token totals (the cache counters are counted, never
-- limited).
CREATE FUNCTION increment_usage(p_user uuid, p_day date, p_calls integer, p_tokens bigint,
                                p_cache_creation bigint, p_cache_read bigint)
RETURNS TABLE (api_calls integer, tokens_used bigint)
LANGUAGE sql AS $$
    INSERT INTO usage_daily AS u (user_id, day, api_calls, tokens_used, cache_creation_tokens, cache_read_tokens)
    VALUES (p_user, p_day, GREATEST(p_calls, 0), GREATEST(p_tokens, 0),
            GREATEST(p_cache_creation, 0), GREATEST(p_cache_read, 0))
    ON CONFLICT (user_id, day) DO UPDATE
       SET api_calls             = GREATEST(u.api_calls + p_calls, 0),
           tokens_used           = GREATEST(u.tokens_used + p_tokens, 0),
           cache_creation_tokens = u.cache_creation_tokens + GREATEST(p_cache_creation, 0),
           cache_read_tokens     = u.cache_read_tokens + GREATEST(p_cache_read, 0)
    RETURNING u.api_calls, u.tokens_used;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS increment_usage(uuid, date, integer, bigint, bigint, bigint);
