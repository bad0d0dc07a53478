package api

import (
	"context"
	"net/http"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/filekind"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

type presignRequest struct {
	Name      *string `json:"name"`
	Size      *int64  `json:"size"`
	MediaType string  `json:"media_type"`
}

// PresignedUpload is a pending attachment and the PUT that uploads it.
type PresignedUpload struct {
	Attachment chatstore.Attachment `json:"attachment"`
	Upload     blobstore.Upload     `json:"upload"`
}

// presign reserves a pending attachment (its declared size counts against
// the quota) and answers a presigned PUT of exactly that size. The file
// is checked by complete once uploaded.
func (h *handler) presign(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	if !h.d.Presigned || h.d.Blobs == nil {
		return apperr.New(apperr.Conflict, "this studio takes uploads through its API; post the file to /api/chats/{id}/attachments")
	}
	var body presignRequest
	if err := jsonio.Decode(w, r, &body, jsonio.DefaultMaxBody); err != nil {
		return err
	}
	if body.Name == nil {
		return apperr.InvalidField("name", "is required")
	}
	name, err := checkName(*body.Name)
	if err != nil {
		return err
	}
	if body.Size == nil || *body.Size < 1 {
		return apperr.InvalidField("size", "must be a positive number of bytes")
	}
	if *body.Size > h.d.Limits.MaxBytes {
		return tooLarge(name, h.d.Limits.MaxBytes)
	}
	key := newKey(u.ID)
	// The declared type only signs the PUT; the content decides the kind.
	contentType := body.MediaType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	a, err := h.d.Store.InsertAttachment(r.Context(), u.ID, chatID, chatstore.NewAttachment{
		Name: name, Info: filekind.Info{Kind: filekind.Text, MediaType: "application/octet-stream"},
		Size: *body.Size, BlobKey: key, Pending: true,
	}, h.d.QuotaBytes)
	if err != nil {
		return err
	}
	up, err := h.d.Blobs.PresignPut(r.Context(), key, contentType, *body.Size, h.d.UploadTTL)
	if err != nil {
		h.forget(u.ID, a.ID)
		return apperr.Wrap(err, apperr.Unavailable, "the file store is unavailable; try again shortly")
	}
	jsonio.Write(w, http.StatusCreated, PresignedUpload{Attachment: a, Upload: up})
	return nil
}

// complete checks a presigned upload's object by its content, as upload
// checks a posted file; a file it refuses is deleted, object and row.
func (h *handler) complete(w http.ResponseWriter, r *http.Request, u session.User) error {
	st, err := h.attachment(r, u.ID)
	if err != nil {
		return err
	}
	if st.Status != chatstore.AttachmentPending || h.d.Blobs == nil {
		return apperr.New(apperr.Conflict, "%s is already complete", st.Name)
	}
	data, err := h.d.Blobs.Get(r.Context(), st.BlobKey, h.d.Limits.MaxBytes)
	if err == blobstore.ErrNotFound {
		return apperr.New(apperr.Conflict, "%s has not been uploaded yet", st.Name)
	}
	if err != nil {
		// Larger than the limit, or the store failing: either way nothing
		// of it may stay.
		h.discard(u.ID, st)
		return tooLargeOr(err, st.Name, h.d.Limits.MaxBytes)
	}
	info, err := filekind.Detect(st.Name, data, h.d.Limits)
	if err != nil {
		h.discard(u.ID, st)
		return err
	}
	a, err := h.d.Store.CompleteAttachment(r.Context(), u.ID, st.ID, int64(len(data)), info)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, a)
	return nil
}

func tooLargeOr(err error, name string, limit int64) error {
	if blobstore.IsTooLarge(err) {
		return tooLarge(name, limit)
	}
	return apperr.Wrap(err, apperr.Unavailable, "the file store is unavailable; try again shortly")
}

// discard deletes a refused upload: its object and its row.
func (h *handler) discard(userID string, st chatstore.StoredAttachment) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.d.Blobs.Delete(ctx, st.BlobKey); err != nil {
		h.d.Logger.Warn("attachments: delete refused upload", "key", st.BlobKey, "error", err)
	}
	h.forget(userID, st.ID)
	_ = h.d.Store.ForgetBlobGarbage(ctx, []string{st.BlobKey})
}
