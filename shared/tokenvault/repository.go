package tokenvault

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNoToken is returned for a user with no stored token (development
// users, or a row removed).
var ErrNoToken = errors.New("tokenvault: no token stored for this user")

// ErrRevoked is returned for a token GitHub has refused (MarkInvalid);
// only a new sign-in, which saves a new token, clears it.
var ErrRevoked = errors.New("tokenvault: the stored token was refused by GitHub")

// Execer is what Save writes through: a *pgxpool.Pool, or a pgx.Tx so the
// token is stored in the same transaction as its user.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Token is a user's decrypted GitHub token and the scopes GitHub granted.
type Token struct {
	Secret Secret
	Scopes []string
}

// Repository stores tokens in encrypted_tokens.
type Repository struct {
	pool *pgxpool.Pool
	keys *KeyRing
}

// NewRepository returns a repository sealing with keys.
func NewRepository(pool *pgxpool.Pool, keys *KeyRing) *Repository {
	return &Repository{pool: pool, keys: keys}
}

// Save encrypts token for userID and stores it with its scopes,
// replacing any earlier token.
func (r *Repository) Save(ctx context.Context, db Execer, userID string, token Secret, scopes []string) error {
	if token.Empty() {
		return errors.New("tokenvault: save: empty token")
	}
	s, err := r.keys.Seal(userID, []byte(token.Reveal()))
	if err != nil {
		return err
	}
	if scopes == nil {
		scopes = []string{}
	}
	_, err = db.Exec(ctx, `
		INSERT INTO encrypted_tokens (user_id, key_id, encrypted_token, nonce, scopes)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE
		   SET key_id = EXCLUDED.key_id, encrypted_token = EXCLUDED.encrypted_token,
		       nonce = EXCLUDED.nonce, scopes = EXCLUDED.scopes, invalid_at = NULL, updated_at = now()`,
		userID, s.KeyID, s.Ciphertext, s.Nonce, scopes)
	if err != nil {
		return fmt.Errorf("tokenvault: save: %w", err)
	}
	return nil
}

// Token returns userID's decrypted token: ErrNoToken when none is stored,
// ErrRevoked when GitHub has refused it, ErrDecrypt when the stored one
// cannot be opened.
func (r *Repository) Token(ctx context.Context, userID string) (Token, error) {
	var (
		s       Sealed
		scopes  []string
		revoked bool
	)
	err := r.pool.QueryRow(ctx,
		`SELECT key_id, nonce, encrypted_token, scopes, invalid_at IS NOT NULL FROM encrypted_tokens WHERE user_id = $1`, userID).
		Scan(&s.KeyID, &s.Nonce, &s.Ciphertext, &scopes, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, ErrNoToken
	}
	if err != nil {
		return Token{}, fmt.Errorf("tokenvault: read: %w", err)
	}
	if revoked {
		return Token{}, ErrRevoked
	}
	pt, err := r.keys.Open(userID, s)
	if err != nil {
		return Token{}, err
	}
	return Token{Secret: NewSecret(string(pt)), Scopes: scopes}, nil
}

// Scopes returns the scopes granted with userID's token without
// decrypting it; none when no token is stored.
func (r *Repository) Scopes(ctx context.Context, userID string) ([]string, error) {
	var scopes []string
	err := r.pool.QueryRow(ctx, `SELECT scopes FROM encrypted_tokens WHERE user_id = $1`, userID).Scan(&scopes)
	if errors.Is(err, pgx.ErrNoRows) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tokenvault: scopes: %w", err)
	}
	return scopes, nil
}

// MarkInvalid records that GitHub refused userID's token (it answered
// 401), so Token answers ErrRevoked until the user signs in again.
func (r *Repository) MarkInvalid(ctx context.Context, userID string) error {
	if _, err := r.pool.Exec(ctx,
		`UPDATE encrypted_tokens SET invalid_at = now() WHERE user_id = $1 AND invalid_at IS NULL`, userID); err != nil {
		return fmt.Errorf("tokenvault: mark invalid: %w", err)
	}
	return nil
}

// SetScopes records the scopes GitHub reports for userID's token (its
// X-OAuth-Scopes header), which change when the user grants or revokes
// them on GitHub.
func (r *Repository) SetScopes(ctx context.Context, userID string, scopes []string) error {
	if scopes == nil {
		scopes = []string{}
	}
	if _, err := r.pool.Exec(ctx,
		`UPDATE encrypted_tokens SET scopes = $2, updated_at = now() WHERE user_id = $1 AND scopes IS DISTINCT FROM $2`,
		userID, scopes); err != nil {
		return fmt.Errorf("tokenvault: set scopes: %w", err)
	}
	return nil
}

// RotateResult counts what a rotation did.
type RotateResult struct {
	Reencrypted int
	// Failed rows could not be opened (their key is not in the ring, or
	// they are corrupt); they keep their old ciphertext.
	Failed int
	// FailedKeyIDs are the key ids of failed rows, for the operator.
	FailedKeyIDs []string
}

// Rotate re-encrypts, in batches of batchSize, every token not sealed
// under the primary key. Each batch is one transaction holding its rows
// with FOR UPDATE SKIP LOCKED, so concurrent runs (or sign-ins) never
// block on or clobber each other; rows skipped because they were locked
// are left for the next run. Re-running after success changes nothing.
func (r *Repository) Rotate(ctx context.Context, batchSize int) (RotateResult, error) {
	if batchSize <= 0 {
		batchSize = 100
	}
	var res RotateResult
	failedKeys := map[string]bool{}
	after := "00000000-0000-0000-0000-000000000000"
	for {
		n, last, err := r.rotateBatch(ctx, batchSize, after, &res, failedKeys)
		if err != nil {
			return res, err
		}
		if n < batchSize {
			break
		}
		after = last
	}
	for id := range failedKeys {
		res.FailedKeyIDs = append(res.FailedKeyIDs, id)
	}
	return res, nil
}

func (r *Repository) rotateBatch(ctx context.Context, batchSize int, after string, res *RotateResult, failedKeys map[string]bool) (int, string, error) {
	primary := r.keys.Primary()
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("tokenvault: rotate: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	rows, err := tx.Query(ctx, `
		SELECT user_id::text, key_id, nonce, encrypted_token FROM encrypted_tokens
		 WHERE key_id <> $1 AND user_id > $2
		 ORDER BY user_id LIMIT $3
		 FOR UPDATE SKIP LOCKED`, primary, after, batchSize)
	if err != nil {
		return 0, "", fmt.Errorf("tokenvault: rotate: %w", err)
	}
	type row struct {
		userID string
		sealed Sealed
	}
	var batch []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.userID, &x.sealed.KeyID, &x.sealed.Nonce, &x.sealed.Ciphertext); err != nil {
			rows.Close()
			return 0, "", fmt.Errorf("tokenvault: rotate: %w", err)
		}
		batch = append(batch, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", fmt.Errorf("tokenvault: rotate: %w", err)
	}
	done, failed := 0, 0
	for _, x := range batch {
		pt, err := r.keys.Open(x.userID, x.sealed)
		if err != nil {
			failed++
			failedKeys[x.sealed.KeyID] = true
			continue
		}
		s, err := r.keys.Seal(x.userID, pt)
		clear(pt)
		if err != nil {
			return 0, "", err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE encrypted_tokens SET key_id = $2, nonce = $3, encrypted_token = $4, updated_at = now()
			 WHERE user_id = $1`, x.userID, s.KeyID, s.Nonce, s.Ciphertext); err != nil {
			return 0, "", fmt.Errorf("tokenvault: rotate: %w", err)
		}
		done++
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, "", fmt.Errorf("tokenvault: rotate: %w", err)
	}
	res.Reencrypted += done
	res.Failed += failed
	if len(batch) == 0 {
		return 0, after, nil
	}
	return len(batch), batch[len(batch)-1].userID, nil
}
