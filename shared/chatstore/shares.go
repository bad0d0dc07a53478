package chatstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

// Share is a read-only link to a snapshot of a chat, as its owner sees it.
type Share struct {
	ID        string    `json:"id"`
	ChatID    string    `json:"chat_id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
}

// Snapshot is what a share link shows: the chat's messages and artifacts
// when it was shared, and nothing about its owner.
type Snapshot struct {
	Title     string             `json:"title"`
	SharedAt  time.Time          `json:"shared_at"`
	Messages  []SnapshotMessage  `json:"messages"`
	Artifacts []SnapshotArtifact `json:"artifacts"`
}

// SnapshotMessage is a message of a snapshot.
type SnapshotMessage struct {
	Role      string    `json:"role"`
	Content   string    `json:"content"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// SnapshotArtifact is an artifact version of a snapshot.
type SnapshotArtifact struct {
	Identifier string `json:"identifier"`
	Type       string `json:"type"`
	Language   string `json:"language"`
	Title      string `json:"title"`
	Content    string `json:"content"`
	Version    int    `json:"version"`
}

// ShareTokenBytes is the randomness of a share token: 256 bits, so a link
// cannot be guessed.
const ShareTokenBytes = 32

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateShare snapshots userID's chat chatID — every message and the
// latest version of each artifact — and returns the share with its token,
// which is stored only as a hash.
func (s *Store) CreateShare(ctx context.Context, userID, chatID string) (Share, string, error) {
	var share Share
	var token string
	err := s.InTx(ctx, func(tx *Store) error {
		chat, err := tx.GetChat(ctx, userID, chatID)
		if err != nil {
			return err
		}
		msgs, err := tx.History(ctx, userID, chatID, 0)
		if err != nil {
			return err
		}
		arts, err := tx.LatestArtifacts(ctx, userID, chatID)
		if err != nil {
			return err
		}
		snap := Snapshot{Title: chat.Title, SharedAt: time.Now().UTC(), Messages: []SnapshotMessage{}, Artifacts: []SnapshotArtifact{}}
		for _, m := range msgs {
			if m.Status == StatusStreaming {
				continue
			}
			snap.Messages = append(snap.Messages, SnapshotMessage{Role: m.Role, Content: m.Content, Status: m.Status, CreatedAt: m.CreatedAt})
		}
		for _, a := range arts {
			snap.Artifacts = append(snap.Artifacts, SnapshotArtifact{Identifier: a.Identifier, Type: a.Type,
				Language: a.Language, Title: a.Title, Content: a.Content, Version: a.Version})
		}
		doc, err := json.Marshal(snap)
		if err != nil {
			return internal(err)
		}
		var b [ShareTokenBytes]byte
		if _, err := rand.Read(b[:]); err != nil {
			return internal(err)
		}
		token = base64.RawURLEncoding.EncodeToString(b[:])
		err = tx.db.QueryRow(ctx, `
			INSERT INTO chat_shares (user_id, session_id, token_hash, title, snapshot)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id::text, session_id::text, title, created_at`,
			userID, chatID, hashToken(token), chat.Title, doc).Scan(&share.ID, &share.ChatID, &share.Title, &share.CreatedAt)
		if err != nil {
			return internal(err)
		}
		share.CreatedAt = share.CreatedAt.UTC()
		return nil
	})
	return share, token, err
}

// ListShares returns userID's share links, newest first.
func (s *Store) ListShares(ctx context.Context, userID string) ([]Share, error) {
	if !ids.Valid(userID) {
		return []Share{}, nil
	}
	rows, err := s.db.Query(ctx, `SELECT id::text, session_id::text, title, created_at FROM chat_shares
		WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, internal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Share, error) {
		var sh Share
		err := r.Scan(&sh.ID, &sh.ChatID, &sh.Title, &sh.CreatedAt)
		sh.CreatedAt = sh.CreatedAt.UTC()
		return sh, err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// RevokeShare deletes userID's share id: its link is gone at once.
func (s *Store) RevokeShare(ctx context.Context, userID, id string) error {
	if !ids.Valid(userID) || !ids.Valid(id) {
		return notFound("share")
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM chat_shares WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return internal(err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("share")
	}
	return nil
}

// SharedSnapshot returns the snapshot a share token opens, for anyone
// holding it; an unknown or revoked token is NotFound.
func (s *Store) SharedSnapshot(ctx context.Context, token string) (Snapshot, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(ShareTokenBytes) {
		return Snapshot{}, notFound("shared chat")
	}
	var doc []byte
	err := s.db.QueryRow(ctx, `SELECT snapshot FROM chat_shares WHERE token_hash = $1`, hashToken(token)).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return Snapshot{}, notFound("shared chat")
	}
	if err != nil {
		return Snapshot{}, internal(err)
	}
	var snap Snapshot
	if err := json.Unmarshal(doc, &snap); err != nil {
		return Snapshot{}, apperr.Wrap(err, apperr.Internal, "internal error")
	}
	return snap, nil
}
