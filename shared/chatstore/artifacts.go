package chatstore

import (
	"context"
	"errors"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

// Artifact types, as Claude names them.
const (
	TypeCode     = "application/vnd.ant.code"
	TypeMarkdown = "text/markdown"
	TypeHTML     = "text/html"
	TypeSVG      = "image/svg+xml"
	TypeMermaid  = "application/vnd.ant.mermaid"
	TypeReact    = "application/vnd.ant.react"
)

// ValidType reports whether t is one of the artifact types.
func ValidType(t string) bool {
	switch t {
	case TypeCode, TypeMarkdown, TypeHTML, TypeSVG, TypeMermaid, TypeReact:
		return true
	}
	return false
}

const maxLanguageLen = 50

// ValidIdentifier reports whether s is an artifact identifier: 1 to
// MaxIdentifierLen printable characters. Claude chooses identifiers
// (usually kebab-case), so any printable text is kept as it came.
func ValidIdentifier(s string) bool {
	n := utf8.RuneCountInString(s)
	if n == 0 || n > MaxIdentifierLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// ValidLanguage reports whether s can be stored as an artifact's language
// name: at most maxLanguageLen letters, digits and "+#-_." ("" included).
func ValidLanguage(s string) bool {
	if len(s) > maxLanguageLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '#' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

const artifactColumns = `a.id::text, a.session_id::text, COALESCE(a.message_id::text, ''), a.identifier,
	a.type, a.language, a.title, a.content, a.version, a.created_at`

func scanArtifact(row pgx.Row) (Artifact, error) {
	var a Artifact
	err := row.Scan(&a.ID, &a.ChatID, &a.MessageID, &a.Identifier, &a.Type, &a.Language, &a.Title,
		&a.Content, &a.Version, &a.CreatedAt)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

func collectArtifacts(rows pgx.Rows) ([]Artifact, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Artifact, error) { return scanArtifact(r) })
}

// saveAttempts bounds the retries of SaveArtifact when concurrent saves of
// one identifier race for the same version number.
const saveAttempts = 5

// SaveArtifact stores content as the next version of artifact identifier in
// userID's chat chatID, produced by message messageID ("" for none, else a
// message of that chat). The version is computed in the inserting statement;
// the unique (chat, identifier, version) constraint catches a concurrent
// save, and the insert is retried.
func (s *Store) SaveArtifact(ctx context.Context, userID, chatID, messageID, identifier, typ, language, title, content string) (Artifact, error) {
	if !ValidIdentifier(identifier) {
		return Artifact{}, apperr.InvalidField("identifier", "must be 1 to %d printable characters", MaxIdentifierLen)
	}
	if !ValidType(typ) {
		return Artifact{}, apperr.InvalidField("type", "is not an artifact type")
	}
	if !ValidLanguage(language) {
		return Artifact{}, apperr.InvalidField("language", "is not a language name")
	}
	if err := checkText("title", title); err != nil {
		return Artifact{}, err
	}
	if err := checkText("content", content); err != nil {
		return Artifact{}, err
	}
	if !ids.Valid(userID) || !ids.Valid(chatID) {
		return Artifact{}, notFound("chat")
	}
	if messageID != "" && !ids.Valid(messageID) {
		return Artifact{}, notFound("message")
	}
	for attempt := 1; ; attempt++ {
		a, err := scanArtifact(s.db.QueryRow(ctx, `
			INSERT INTO artifacts AS a (session_id, message_id, identifier, type, language, title, content, version)
			SELECT c.id, $3, $4, $5, $6, $7, $8,
			       COALESCE((SELECT max(v.version) FROM artifacts v
			                  WHERE v.session_id = c.id AND v.identifier = $4), 0) + 1
			  FROM chat_sessions c
			 WHERE c.id = $1 AND c.user_id = $2
			   AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.id = $3 AND m.session_id = c.id))
			RETURNING `+artifactColumns,
			chatID, userID, nullString(messageID), identifier, typ, language, title, content))
		switch {
		case err == nil:
			return a, nil
		case isUniqueViolation(err) && attempt < saveAttempts:
			continue
		case errors.Is(err, pgx.ErrNoRows):
			if cerr := s.checkChat(ctx, userID, chatID); cerr != nil {
				return Artifact{}, cerr
			}
			return Artifact{}, notFound("message")
		case isForeignKeyViolation(err):
			// The message was deleted between the check and the insert.
			return Artifact{}, notFound("message")
		default:
			return Artifact{}, internal(err)
		}
	}
}

// LatestArtifacts returns the latest version of each artifact of userID's
// chat chatID, in the order their latest versions were created.
func (s *Store) LatestArtifacts(ctx context.Context, userID, chatID string) ([]Artifact, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `
		SELECT * FROM (
			SELECT DISTINCT ON (a.identifier) `+artifactColumns+`
			  FROM artifacts a
			 WHERE a.session_id = $1
			 ORDER BY a.identifier, a.version DESC
		) latest ORDER BY created_at, identifier`, chatID)
	if err != nil {
		return nil, internal(err)
	}
	arts, err := collectArtifacts(rows)
	if err != nil {
		return nil, internal(err)
	}
	return arts, nil
}

// ArtifactVersions returns every version of artifact identifier of userID's
// chat chatID, ascending.
func (s *Store) ArtifactVersions(ctx context.Context, userID, chatID, identifier string) ([]Artifact, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `
		SELECT `+artifactColumns+` FROM artifacts a
		 WHERE a.session_id = $1 AND a.identifier = $2
		 ORDER BY a.version`, chatID, identifier)
	if err != nil {
		return nil, internal(err)
	}
	arts, err := collectArtifacts(rows)
	if err != nil {
		return nil, internal(err)
	}
	if len(arts) == 0 {
		return nil, notFound("artifact")
	}
	return arts, nil
}

// GetArtifact returns artifact version artifactID if it belongs to one of
// userID's chats.
func (s *Store) GetArtifact(ctx context.Context, userID, artifactID string) (Artifact, error) {
	if !ids.Valid(userID) || !ids.Valid(artifactID) {
		return Artifact{}, notFound("artifact")
	}
	a, err := scanArtifact(s.db.QueryRow(ctx, `
		SELECT `+artifactColumns+`
		  FROM artifacts a JOIN chat_sessions c ON c.id = a.session_id
		 WHERE a.id = $1 AND c.user_id = $2`, artifactID, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Artifact{}, notFound("artifact")
	}
	if err != nil {
		return Artifact{}, internal(err)
	}
	return a, nil
}
