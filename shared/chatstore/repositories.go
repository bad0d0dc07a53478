package chatstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/ids"
)

// Repository is a GitHub repository attached to a chat as context, with
// the context last built from it.
type Repository struct {
	Owner       string
	Repo        string
	Ref         string
	Paths       []string
	TokenBudget int
	CommitSHA   string
	// Context is the block sent to Claude; Manifest says what it holds
	// (the github function's JSON, stored as given).
	Context     string
	Manifest    json.RawMessage
	RefreshedAt time.Time
}

// SetRepository attaches (or replaces) the repository of userID's chat.
func (s *Store) SetRepository(ctx context.Context, userID, chatID string, r Repository) (Repository, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return Repository{}, err
	}
	if r.Paths == nil {
		r.Paths = []string{}
	}
	if len(r.Manifest) == 0 {
		r.Manifest = json.RawMessage("{}")
	}
	err := s.db.QueryRow(ctx, `INSERT INTO chat_repositories
		(session_id, user_id, owner, repo, ref, paths, token_budget, commit_sha, context, manifest, refreshed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
		ON CONFLICT (session_id) DO UPDATE SET owner = EXCLUDED.owner, repo = EXCLUDED.repo, ref = EXCLUDED.ref,
			paths = EXCLUDED.paths, token_budget = EXCLUDED.token_budget, commit_sha = EXCLUDED.commit_sha,
			context = EXCLUDED.context, manifest = EXCLUDED.manifest, refreshed_at = now()
		RETURNING refreshed_at`,
		chatID, userID, r.Owner, r.Repo, r.Ref, r.Paths, r.TokenBudget, r.CommitSHA, r.Context, r.Manifest).Scan(&r.RefreshedAt)
	if err != nil {
		return Repository{}, internal(err)
	}
	return r, nil
}

// GetRepository returns the repository attached to userID's chat, or
// not found (for a chat that is not theirs too).
func (s *Store) GetRepository(ctx context.Context, userID, chatID string) (Repository, error) {
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return Repository{}, notFound("repository")
	}
	var r Repository
	err := s.db.QueryRow(ctx, `SELECT owner, repo, ref, paths, token_budget, commit_sha, context, manifest, refreshed_at
		FROM chat_repositories WHERE session_id = $1 AND user_id = $2`, chatID, userID).
		Scan(&r.Owner, &r.Repo, &r.Ref, &r.Paths, &r.TokenBudget, &r.CommitSHA, &r.Context, &r.Manifest, &r.RefreshedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Repository{}, notFound("repository")
	}
	if err != nil {
		return Repository{}, internal(err)
	}
	return r, nil
}

// DeleteRepository detaches the repository of userID's chat.
func (s *Store) DeleteRepository(ctx context.Context, userID, chatID string) error {
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return notFound("repository")
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM chat_repositories WHERE session_id = $1 AND user_id = $2`, chatID, userID)
	if err != nil {
		return internal(err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("repository")
	}
	return nil
}

// RepositoryContext is the context block of userID's chat's repository,
// "" when none is attached.
func (s *Store) RepositoryContext(ctx context.Context, userID, chatID string) (string, error) {
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return "", nil
	}
	var out string
	err := s.db.QueryRow(ctx, `SELECT context FROM chat_repositories WHERE session_id = $1 AND user_id = $2`, chatID, userID).Scan(&out)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", internal(err)
	}
	return out, nil
}

// CachedRepositoryContext returns the context built before under key
// (which names the commit and all else that decides the content).
func (s *Store) CachedRepositoryContext(ctx context.Context, key string) (text string, manifest json.RawMessage, ok bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT context, manifest FROM repository_context_cache WHERE cache_key = $1`, key).Scan(&text, &manifest)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, internal(err)
	}
	return text, manifest, true, nil
}

// CacheRepositoryContext keeps a built context under key.
func (s *Store) CacheRepositoryContext(ctx context.Context, key, text string, manifest json.RawMessage) error {
	_, err := s.db.Exec(ctx, `INSERT INTO repository_context_cache (cache_key, context, manifest)
		VALUES ($1, $2, $3) ON CONFLICT (cache_key) DO NOTHING`, key, text, manifest)
	if err != nil {
		return internal(err)
	}
	return nil
}

// ExpireRepositoryContexts deletes cached contexts built before cutoff,
// batch rows per statement, and returns how many it deleted. Every commit
// read adds a row, so without this the cache only grows; a context asked
// for again after it went is rebuilt from GitHub.
func (s *Store) ExpireRepositoryContexts(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	if batch <= 0 {
		batch = 500
	}
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		tag, err := s.db.Exec(ctx, `
			DELETE FROM repository_context_cache WHERE cache_key IN (
				SELECT cache_key FROM repository_context_cache
				 WHERE created_at < $1 ORDER BY created_at LIMIT $2)`, cutoff, batch)
		if err != nil {
			return total, internal(err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < int64(batch) {
			return total, nil
		}
	}
}
