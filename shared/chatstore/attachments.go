package chatstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/filekind"
	"github.com/archstudio/studio/shared/ids"
)

// Attachment statuses: a presigned upload is pending until its content
// has been checked.
const (
	AttachmentPending = "pending"
	AttachmentReady   = "ready"
)

// Attachment is a file attached to a chat, as clients see it.
type Attachment struct {
	ID     string `json:"id"`
	ChatID string `json:"chat_id"`
	// MessageID is the user message it was sent with; "" while unsent.
	MessageID string    `json:"message_id"`
	Name      string    `json:"name"`
	MediaType string    `json:"media_type"`
	Kind      string    `json:"kind"`
	Size      int64     `json:"size"`
	Pages     int       `json:"pages"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// StoredAttachment is an attachment with where its bytes are: Data when
// they are in PostgreSQL, BlobKey when in the object store.
type StoredAttachment struct {
	Attachment
	Data    []byte
	BlobKey string
}

// NewAttachment is a checked file to store.
type NewAttachment struct {
	Name    string
	Info    filekind.Info
	Size    int64
	Data    []byte // set for PostgreSQL storage
	BlobKey string // set for the object store
	Pending bool   // a presigned upload not yet made
}

const attachmentColumns = `a.id::text, a.session_id::text, coalesce(a.message_id::text, ''), a.name, a.media_type,
	a.kind, a.size_bytes, a.pages, a.width, a.height, a.status, a.created_at`

func scanAttachment(row pgx.Row, extra ...any) (Attachment, error) {
	var a Attachment
	err := row.Scan(append([]any{&a.ID, &a.ChatID, &a.MessageID, &a.Name, &a.MediaType, &a.Kind, &a.Size,
		&a.Pages, &a.Width, &a.Height, &a.Status, &a.CreatedAt}, extra...)...)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// InsertAttachment stores a file in userID's chat chatID unless it would
// take the user's stored bytes past quota (QuotaExceeded, naming the
// file). The user's row is locked meanwhile, so concurrent uploads cannot
// both slip under the quota.
func (s *Store) InsertAttachment(ctx context.Context, userID, chatID string, n NewAttachment, quota int64) (Attachment, error) {
	if err := checkText("name", n.Name); err != nil {
		return Attachment{}, err
	}
	var out Attachment
	err := s.InTx(ctx, func(tx *Store) error {
		if err := tx.checkChat(ctx, userID, chatID); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return internal(err)
		}
		used, err := tx.StorageUsed(ctx, userID)
		if err != nil {
			return err
		}
		if used+n.Size > quota {
			e := apperr.New(apperr.QuotaExceeded, "%s does not fit in your storage: %s of %s used", n.Name,
				filekind.FormatBytes(used), filekind.FormatBytes(quota))
			e.Details = map[string]any{"file": n.Name, "limit": quota, "used": used}
			return e
		}
		status := AttachmentReady
		if n.Pending {
			status = AttachmentPending
		}
		out, err = scanAttachment(tx.db.QueryRow(ctx, `
			INSERT INTO attachments AS a (user_id, session_id, name, media_type, kind, size_bytes, pages, width, height, status, data, blob_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, ''))
			RETURNING `+attachmentColumns,
			userID, chatID, n.Name, n.Info.MediaType, n.Info.Kind, n.Size, n.Info.Pages, n.Info.Width, n.Info.Height,
			status, n.Data, n.BlobKey))
		if err != nil {
			return internal(err)
		}
		return nil
	})
	return out, err
}

// StorageUsed is the bytes of every attachment of userID, pending ones
// by their declared size.
func (s *Store) StorageUsed(ctx context.Context, userID string) (int64, error) {
	var used int64
	if !ids.Valid(userID) {
		return 0, nil
	}
	if err := s.db.QueryRow(ctx, `SELECT coalesce(sum(size_bytes), 0)::bigint FROM attachments WHERE user_id = $1`, userID).Scan(&used); err != nil {
		return 0, internal(err)
	}
	return used, nil
}

// GetAttachment returns userID's attachment id with where its bytes are.
func (s *Store) GetAttachment(ctx context.Context, userID, id string) (StoredAttachment, error) {
	if !ids.Valid(userID) || !ids.Valid(id) {
		return StoredAttachment{}, notFound("attachment")
	}
	var st StoredAttachment
	var key *string
	a, err := scanAttachment(s.db.QueryRow(ctx, `SELECT `+attachmentColumns+`, a.data, a.blob_key
		FROM attachments a WHERE a.id = $1 AND a.user_id = $2`, id, userID), &st.Data, &key)
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredAttachment{}, notFound("attachment")
	}
	if err != nil {
		return StoredAttachment{}, internal(err)
	}
	st.Attachment = a
	if key != nil {
		st.BlobKey = *key
	}
	return st, nil
}

// ListAttachments returns the attachments of userID's chat chatID, oldest
// first.
func (s *Store) ListAttachments(ctx context.Context, userID, chatID string) ([]Attachment, error) {
	if err := s.checkChat(ctx, userID, chatID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.session_id = $1 AND a.user_id = $2 ORDER BY a.created_at, a.id`, chatID, userID)
	if err != nil {
		return nil, internal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attachment, error) { return scanAttachment(r) })
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// CompleteAttachment marks a pending upload ready with what its content
// was found to be.
func (s *Store) CompleteAttachment(ctx context.Context, userID, id string, size int64, info filekind.Info) (Attachment, error) {
	a, err := scanAttachment(s.db.QueryRow(ctx, `
		UPDATE attachments a SET status = 'ready', size_bytes = $3, media_type = $4, kind = $5,
		       pages = $6, width = $7, height = $8
		 WHERE a.id = $1 AND a.user_id = $2 AND a.status = 'pending'
		RETURNING `+attachmentColumns, id, userID, size, info.MediaType, info.Kind, info.Pages, info.Width, info.Height))
	if errors.Is(err, pgx.ErrNoRows) {
		return Attachment{}, notFound("pending attachment")
	}
	if err != nil {
		return Attachment{}, internal(err)
	}
	return a, nil
}

// DeleteAttachment removes userID's attachment id if it has not been sent
// (a sent one is part of the conversation: Conflict). It returns the row
// as it was, for its blob key.
func (s *Store) DeleteAttachment(ctx context.Context, userID, id string) (StoredAttachment, error) {
	st, err := s.GetAttachment(ctx, userID, id)
	if err != nil {
		return st, err
	}
	if st.MessageID != "" {
		return st, apperr.New(apperr.Conflict, "%s was sent with a message; delete the message instead", st.Name)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM attachments WHERE id = $1 AND user_id = $2 AND message_id IS NULL`, id, userID)
	if err != nil {
		return st, internal(err)
	}
	if tag.RowsAffected() == 0 {
		return st, notFound("attachment")
	}
	return st, nil
}

// AttachToMessage links the unsent, ready attachments ids of userID's chat
// chatID to the user message messageID. An id that is not such an
// attachment is NotFound, naming the field attachment_ids.
func (s *Store) AttachToMessage(ctx context.Context, userID, chatID, messageID string, attachmentIDs []string) error {
	if len(attachmentIDs) == 0 {
		return nil
	}
	for _, id := range attachmentIDs {
		if !ids.Valid(id) {
			return apperr.InvalidField("attachment_ids", "holds %q, which is not an attachment id", id)
		}
	}
	tag, err := s.db.Exec(ctx, `UPDATE attachments SET message_id = $4
		WHERE id = ANY($3::uuid[]) AND user_id = $1 AND session_id = $2 AND message_id IS NULL AND status = 'ready'`,
		userID, chatID, attachmentIDs, messageID)
	if err != nil {
		return internal(err)
	}
	if tag.RowsAffected() != int64(len(attachmentIDs)) {
		e := apperr.New(apperr.NotFound, "an attachment was not found in this chat, or was already sent")
		e.Field = "attachment_ids"
		return e
	}
	return nil
}

// PendingSend returns the unsent, ready attachments ids of userID's chat,
// with their bytes' location, in the order given; an id that is not one
// is NotFound.
func (s *Store) PendingSend(ctx context.Context, userID, chatID string, attachmentIDs []string) ([]StoredAttachment, error) {
	out := make([]StoredAttachment, 0, len(attachmentIDs))
	seen := map[string]bool{}
	for _, id := range attachmentIDs {
		if seen[id] {
			return nil, apperr.InvalidField("attachment_ids", "names an attachment twice")
		}
		seen[id] = true
		st, err := s.GetAttachment(ctx, userID, id)
		if err == nil && (st.ChatID != chatID || st.MessageID != "" || st.Status != AttachmentReady) {
			err = notFound("attachment")
		}
		if err != nil {
			var e *apperr.Error
			if errors.As(err, &e) && e.Code == apperr.NotFound {
				e.Message = "an attachment was not found in this chat, or was already sent"
				e.Field = "attachment_ids"
			}
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// SentAttachments returns the attachments of userID's chat that were sent
// with messages, with their bytes' location, by message id.
func (s *Store) SentAttachments(ctx context.Context, userID, chatID string) (map[string][]StoredAttachment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+attachmentColumns+`, a.data, coalesce(a.blob_key, '')
		FROM attachments a WHERE a.session_id = $1 AND a.user_id = $2 AND a.message_id IS NOT NULL
		ORDER BY a.created_at, a.id`, chatID, userID)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	out := map[string][]StoredAttachment{}
	for rows.Next() {
		var st StoredAttachment
		a, err := scanAttachment(rows, &st.Data, &st.BlobKey)
		if err != nil {
			return nil, internal(err)
		}
		st.Attachment = a
		out[a.MessageID] = append(out[a.MessageID], st)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// ExpirePendingAttachments deletes presigned uploads never completed
// before cutoff, for all users, and returns how many.
func (s *Store) ExpirePendingAttachments(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM attachments WHERE status = 'pending' AND created_at < $1`, cutoff)
	if err != nil {
		return 0, internal(err)
	}
	return tag.RowsAffected(), nil
}

// BlobGarbage returns up to limit keys of objects whose attachments are
// gone.
func (s *Store) BlobGarbage(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT blob_key FROM blob_garbage ORDER BY created_at LIMIT $1`, limit)
	if err != nil {
		return nil, internal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, internal(err)
	}
	return keys, nil
}

// ForgetBlobGarbage drops keys whose objects were deleted.
func (s *Store) ForgetBlobGarbage(ctx context.Context, keys []string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM blob_garbage WHERE blob_key = ANY($1)`, keys); err != nil {
		return internal(err)
	}
	return nil
}
