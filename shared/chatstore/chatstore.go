// Package chatstore is the PostgreSQL store of the chat domain: chat
// sessions, their messages and their versioned artifacts. The chats,
// artifacts, stream and retention functions all use it.
//
// Every method that reads or changes a user's data takes that user's id and
// scopes its SQL by it, so another user's chat, message or artifact is
// reported exactly like a missing one: an *apperr.Error with code NotFound
// that wraps ErrNotFound.
package chatstore

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/apperr"
)

// ErrNotFound is wrapped by every not-found error the store returns; test
// for it with errors.Is, or for the code with apperr.Is(err, apperr.NotFound).
var ErrNotFound = errors.New("chatstore: not found")

// Limits enforced by the store (the schema enforces them too).
const (
	MaxTitleLen      = 200 // characters
	MaxIdentifierLen = 200 // characters
)

// Store reads and writes the chat domain.
type Store struct {
	db querier
}

// querier is what a Store queries: the pool, or one transaction (InTx).
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// New returns a store over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{db: pool} }

// InTx runs f with a Store whose every call is part of one transaction,
// committed when f returns nil and rolled back otherwise (f's error is
// returned as is). Inside a transaction, InTx nests as a savepoint.
func (s *Store) InTx(ctx context.Context, f func(tx *Store) error) error {
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error { return f(&Store{db: tx}) })
	var e *apperr.Error
	if err != nil && !errors.As(err, &e) {
		return internal(err)
	}
	return err
}

// Chat is one chat session as clients see it.
type Chat struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is the last activity: creation, or the latest message.
	UpdatedAt time.Time `json:"updated_at"`
}

// Message is one message of a chat.
type Message struct {
	ID     string `json:"id"`
	ChatID string `json:"-"`
	// ParentID is the message this one follows (nil for a chat's first
	// messages); messages with one parent are siblings: versions of one
	// turn, from edits and regenerated answers.
	ParentID *string `json:"parent_id"`
	// SiblingIDs are the ids of this message and its siblings, oldest
	// first; only ListMessages (the shown branch) fills it in.
	SiblingIDs []string `json:"sibling_ids,omitempty"`
	// Seq orders a chat's messages; it is global, so only its order means
	// anything.
	Seq          int64     `json:"-"`
	Role         string    `json:"role"`
	Content      string    `json:"content"`
	Status       string    `json:"status"`
	Model        string    `json:"model"`
	InputTokens  int       `json:"input_tokens"`
	OutputTokens int       `json:"output_tokens"`
	CreatedAt    time.Time `json:"created_at"`
}

// Artifact is one version of an artifact of a chat.
type Artifact struct {
	ID     string `json:"id"`
	ChatID string `json:"chat_id"`
	// MessageID is the assistant message that produced this version; empty
	// when none is recorded.
	MessageID  string    `json:"message_id"`
	Identifier string    `json:"identifier"`
	Type       string    `json:"type"`
	Language   string    `json:"language"`
	Title      string    `json:"title"`
	Content    string    `json:"content"`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
}

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message statuses.
const (
	StatusStreaming   = "streaming"
	StatusComplete    = "complete"
	StatusStopped     = "stopped"
	StatusError       = "error"
	StatusInterrupted = "interrupted"
)

func validRole(r string) bool { return r == RoleUser || r == RoleAssistant }

func validStatus(s string) bool {
	switch s {
	case StatusStreaming, StatusComplete, StatusStopped, StatusError, StatusInterrupted:
		return true
	}
	return false
}

func notFound(what string) error {
	return apperr.Wrap(ErrNotFound, apperr.NotFound, what+" not found")
}

func internal(err error) error {
	return apperr.Wrap(err, apperr.Internal, "internal error")
}

// checkText rejects text PostgreSQL cannot store in a text column.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return apperr.InvalidField(field, "must be valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return apperr.InvalidField(field, "must not contain NUL characters")
	}
	return nil
}

// ValidateTitle checks a chat title and returns it trimmed.
func ValidateTitle(title string) (string, error) {
	if err := checkText("title", title); err != nil {
		return "", err
	}
	title = strings.TrimSpace(title)
	if utf8.RuneCountInString(title) > MaxTitleLen {
		return "", apperr.InvalidField("title", "must be at most %d characters", MaxTitleLen)
	}
	return title, nil
}
