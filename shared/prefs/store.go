package prefs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/logging"
)

// Options configure a Store.
type Options struct {
	// DefaultModel is the model of users who chose none.
	DefaultModel string
	// Models, when non-empty, are the only models a user may choose.
	Models []string
	// CacheTTL is how long a user's resolved preferences stay in Redis;
	// 0 means 10 minutes.
	CacheTTL time.Duration
}

// Store reads and writes preferences: PostgreSQL is the truth, Redis a
// cache of the resolved document per user, dropped on every write.
type Store struct {
	pool     *pgxpool.Pool
	rdb      *redis.Client
	ttl      time.Duration
	schema   *node
	defaults Document
	choices  ModelChoices
}

// ModelChoices are the models a user may pick (GET /api/preferences/models).
type ModelChoices struct {
	Default string `json:"default"`
	// Models are the allowed models, or just the default when any is allowed.
	Models []string `json:"models"`
	// Restricted says only Models are accepted.
	Restricted bool `json:"restricted"`
}

// NewStore returns a store; rdb may be nil to disable the cache.
func NewStore(pool *pgxpool.Pool, rdb *redis.Client, o Options) *Store {
	if o.CacheTTL <= 0 {
		o.CacheTTL = 10 * time.Minute
	}
	choices := ModelChoices{Default: o.DefaultModel, Models: []string{o.DefaultModel}}
	if len(o.Models) > 0 {
		choices = ModelChoices{Default: o.DefaultModel, Models: slices.Clone(o.Models), Restricted: true}
	}
	return &Store{pool: pool, rdb: rdb, ttl: o.CacheTTL, schema: schema(o.Models), defaults: Defaults(o.DefaultModel), choices: choices}
}

// ModelChoices returns the models users may choose.
func (s *Store) ModelChoices() ModelChoices { return s.choices }

// CacheKey is the Redis key of userID's cached preferences.
func CacheKey(userID string) string { return "prefs:v" + fmtNum(CurrentVersion) + ":" + userID }

// Get returns userID's preferences merged over the defaults, upgrading a
// stored document of an older schema version (and saving the upgrade).
func (s *Store) Get(ctx context.Context, userID string) (Preferences, error) {
	if !ids.Valid(userID) {
		return Preferences{}, apperr.New(apperr.Unauthenticated, "sign in again")
	}
	if p, ok := s.cached(ctx, userID); ok {
		return p, nil
	}
	doc, upgradedFrom, err := s.load(ctx, s.pool, userID, false)
	if err != nil {
		return Preferences{}, err
	}
	if upgradedFrom > 0 {
		// Saved only if no write replaced the old document meanwhile.
		if err := s.save(ctx, s.pool, userID, doc, upgradedFrom); err != nil {
			return Preferences{}, err
		}
	}
	p, err := Resolve(s.defaults, doc)
	if err != nil {
		return Preferences{}, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	s.cache(ctx, userID, p)
	return p, nil
}

// Replace stores doc (a decoded JSON body) as userID's whole preferences
// document; members it leaves out take their defaults.
func (s *Store) Replace(ctx context.Context, userID string, doc any) (Preferences, error) {
	if err := s.schema.validate("", doc); err != nil {
		return Preferences{}, err
	}
	if !ids.Valid(userID) {
		return Preferences{}, apperr.New(apperr.Unauthenticated, "sign in again")
	}
	stored := normalize(doc.(map[string]any))
	return s.written(ctx, userID, stored, s.save(ctx, s.pool, userID, stored, 0))
}

// Patch applies patch (a decoded JSON Merge Patch body) to userID's stored
// document: a null member removes a choice, which falls back to its
// default. The result must satisfy the schema.
func (s *Store) Patch(ctx context.Context, userID string, patch any) (Preferences, error) {
	if !ids.Valid(userID) {
		return Preferences{}, apperr.New(apperr.Unauthenticated, "sign in again")
	}
	var stored Document
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		doc, _, err := s.load(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		merged := MergePatch(doc, patch)
		if err := s.schema.validate("", merged); err != nil {
			return err
		}
		stored = normalize(merged.(map[string]any))
		return s.save(ctx, tx, userID, stored, 0)
	})
	return s.written(ctx, userID, stored, err)
}

func (s *Store) written(ctx context.Context, userID string, stored Document, err error) (Preferences, error) {
	if err != nil {
		return Preferences{}, err
	}
	s.invalidate(ctx, userID)
	p, err := Resolve(s.defaults, stored)
	if err != nil {
		return Preferences{}, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	return p, nil
}

// normalize turns a validated body into the stored form: no
// schema_version member (the row's column holds it), no empty objects.
func normalize(doc map[string]any) Document {
	out, _ := MergePatch(Document{}, doc).(Document)
	delete(out, "schema_version")
	prune(out)
	return out
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// load returns userID's stored document as a valid current-version
// document (empty when none is stored) and, when it was upgraded from an
// older version, that version (else 0). A document it cannot read or
// upgrade (say, one a newer release wrote) reads as the defaults and is left
// as it is. forUpdate locks the row for the surrounding transaction.
func (s *Store) load(ctx context.Context, q querier, userID string, forUpdate bool) (Document, int, error) {
	sql := `SELECT document, schema_version FROM user_preferences WHERE user_id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	var (
		raw     []byte
		version int
	)
	err := q.QueryRow(ctx, sql, userID).Scan(&raw, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, 0, nil
	}
	if err != nil {
		return nil, 0, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || doc == nil {
		// Unreadable: start again from the defaults rather than fail every
		// request of this user.
		logging.FromContext(ctx).WarnContext(ctx, "unreadable preferences document", slog.Any("error", err))
		return Document{}, 0, nil
	}
	upgradedFrom := 0
	if version != CurrentVersion {
		up, err := Upgrade(doc, version)
		if err != nil {
			logging.FromContext(ctx).WarnContext(ctx, "preferences not upgradable", slog.Int("version", version), slog.Any("error", err))
			return Document{}, 0, nil
		}
		doc, upgradedFrom = up, version
	}
	return sanitize(s.schema, doc), upgradedFrom, nil
}

// save stores doc for userID at the current version. With from > 0 (an
// upgrade on read) it only replaces a row still at version from.
func (s *Store) save(ctx context.Context, q querier, userID string, doc Document, from int) error {
	raw, err := json.Marshal(doc)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "internal error")
	}
	if from > 0 {
		_, err = q.Exec(ctx, `UPDATE user_preferences SET document = $2, schema_version = $3, updated_at = now()
			WHERE user_id = $1 AND schema_version = $4`, userID, raw, CurrentVersion, from)
	} else {
		_, err = q.Exec(ctx, `INSERT INTO user_preferences (user_id, document, schema_version) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET document = EXCLUDED.document,
				schema_version = EXCLUDED.schema_version, updated_at = now()`, userID, raw, CurrentVersion)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return apperr.Wrap(err, apperr.Unauthenticated, "sign in again")
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "internal error")
	}
	return nil
}

// The cache is best effort: when Redis fails, preferences come from
// PostgreSQL and the failure is logged.

func (s *Store) cached(ctx context.Context, userID string) (Preferences, bool) {
	if s.rdb == nil {
		return Preferences{}, false
	}
	raw, err := s.rdb.Get(ctx, CacheKey(userID)).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			logging.FromContext(ctx).WarnContext(ctx, "preferences cache read failed", slog.Any("error", err))
		}
		return Preferences{}, false
	}
	var p Preferences
	if err := json.Unmarshal(raw, &p); err != nil || p.SchemaVersion != CurrentVersion {
		return Preferences{}, false
	}
	return p, true
}

func (s *Store) cache(ctx context.Context, userID string, p Preferences) {
	if s.rdb == nil {
		return
	}
	raw, _ := json.Marshal(p)
	if err := s.rdb.Set(ctx, CacheKey(userID), raw, s.ttl).Err(); err != nil {
		logging.FromContext(ctx).WarnContext(ctx, "preferences cache write failed", slog.Any("error", err))
	}
}

func (s *Store) invalidate(ctx context.Context, userID string) {
	if s.rdb == nil {
		return
	}
	if err := s.rdb.Del(ctx, CacheKey(userID)).Err(); err != nil {
		logging.FromContext(ctx).WarnContext(ctx, "preferences cache invalidation failed", slog.Any("error", err))
	}
}
