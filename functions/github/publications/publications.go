// Package publications records, in PostgreSQL, which GitHub issues a
// publish of an artifact version to a repository created, so publishing
// again creates nothing and a retry after a failure part-way creates only
// what is missing.
package publications

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/apperr"
)

// Issue is an issue a publish created.
type Issue struct {
	Position int    `json:"position"`
	Title    string `json:"title"`
	Number   int    `json:"number"`
	URL      string `json:"url"`
}

// Store keeps publications.
type Store struct{ pool *pgxpool.Pool }

// New returns a store on pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Repo normalises "Owner/Name" to the stored key; GitHub names are
// case-insensitive.
func Repo(fullName string) string { return strings.ToLower(fullName) }

// Created returns the issues already created by userID's publish of
// artifactID to repo, in roadmap order (none when never published).
func (s *Store) Created(ctx context.Context, userID, artifactID, repo string) ([]Issue, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT i.position, i.title, i.number, i.html_url
		  FROM github_published_issues i JOIN github_publications p ON p.id = i.publication_id
		 WHERE p.user_id = $1 AND p.artifact_id = $2 AND p.repo = $3
		 ORDER BY i.position`, userID, artifactID, Repo(repo))
	if err != nil {
		return nil, internal(err)
	}
	return collect(rows)
}

// Publication is a publish in progress. It holds the record's row lock,
// so a concurrent publish of the same version to the same repository
// waits for this one and then sees what it created.
type Publication struct {
	store *Store
	tx    pgx.Tx
	id    string
	// Created are the issues created by earlier publishes, in order.
	Created []Issue
	// Resumed is true when an earlier publish of this version to this
	// repository began, so GitHub may hold issues it created but could not
	// record (a timeout after GitHub acted); Since is when it began.
	Resumed bool
	Since   time.Time
}

// Begin starts (or resumes) userID's publish of artifactID to repo, a
// roadmap of total issues. Call Close when done.
func (s *Store) Begin(ctx context.Context, userID, artifactID, repo string, total int) (*Publication, error) {
	// The record is committed first, so each created issue can be stored
	// (and survive) on its own while the lock below is held.
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO github_publications (user_id, artifact_id, repo, total) VALUES ($1, $2, $3, $4)
		ON CONFLICT (artifact_id, repo) DO NOTHING`, userID, artifactID, Repo(repo), total)
	if err != nil {
		return nil, internal(err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, internal(err)
	}
	p := &Publication{store: s, tx: tx, Resumed: tag.RowsAffected() == 0}
	// FOR NO KEY UPDATE still lets other connections insert issues that
	// reference the row (their foreign-key check takes KEY SHARE).
	err = tx.QueryRow(ctx, `
		SELECT id, created_at FROM github_publications WHERE artifact_id = $1 AND repo = $2 AND user_id = $3
		FOR NO KEY UPDATE`, artifactID, Repo(repo), userID).Scan(&p.id, &p.Since)
	if errors.Is(err, pgx.ErrNoRows) {
		_ = tx.Rollback(ctx)
		return nil, apperr.New(apperr.NotFound, "artifact not found")
	}
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, internal(err)
	}
	rows, err := tx.Query(ctx, `
		SELECT position, title, number, html_url FROM github_published_issues
		 WHERE publication_id = $1 ORDER BY position`, p.id)
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, internal(err)
	}
	if p.Created, err = collect(rows); err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return p, nil
}

// Record stores one created issue at once, outside the lock's
// transaction, so it is kept whatever happens to the rest.
func (p *Publication) Record(ctx context.Context, is Issue) error {
	if _, err := p.store.pool.Exec(ctx, `
		INSERT INTO github_published_issues (publication_id, position, title, number, html_url)
		VALUES ($1, $2, $3, $4, $5)`, p.id, is.Position, is.Title, is.Number, is.URL); err != nil {
		return internal(err)
	}
	p.Created = append(p.Created, is)
	return nil
}

// Close notes the time of the publish and releases the lock.
func (p *Publication) Close(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	// Only the lock's own transaction may touch the row it holds.
	_, _ = p.tx.Exec(ctx, `UPDATE github_publications SET updated_at = now() WHERE id = $1`, p.id)
	_ = p.tx.Commit(ctx)
}

func collect(rows pgx.Rows) ([]Issue, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Issue, error) {
		var is Issue
		err := r.Scan(&is.Position, &is.Title, &is.Number, &is.URL)
		return is, err
	})
	if err != nil {
		return nil, internal(err)
	}
	if out == nil {
		out = []Issue{}
	}
	return out, nil
}

func internal(err error) error {
	return apperr.Wrap(fmt.Errorf("publications: %w", err), apperr.Internal, "internal error")
}
