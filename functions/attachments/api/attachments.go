// Package api serves the files attached to a user's chats: upload (through
// the function, or straight to the object store with a presigned PUT),
// list, read, remove. Every file is checked by content before anything is
// stored; a refused file leaves no row and no object behind.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/filekind"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/listing"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Deps are what the attachments handler needs.
type Deps struct {
	Store *chatstore.Store
	// Blobs keeps the bytes when set; nil keeps them in PostgreSQL.
	Blobs *blobstore.Store
	// Presigned has clients upload straight to Blobs.
	Presigned bool
	// Limits bound one file (MaxBytes) and what Claude reads.
	Limits filekind.Limits
	// QuotaBytes bounds all of a user's files.
	QuotaBytes int64
	// UploadTTL is how long a presigned upload stays valid (default 15m).
	UploadTTL time.Duration
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
	Logger       *slog.Logger
}

// New returns the handler of the attachment routes; each requires a
// signed-in user.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.UploadTTL <= 0 {
		d.UploadTTL = 15 * time.Minute
	}
	if d.Limits.MaxBytes <= 0 {
		d.Limits = filekind.DefaultLimits
	}
	h := &handler{d: d}
	return routing.JSONErrors(session.NewMux(d.Authenticate, map[string]session.HandlerFunc{
		"GET /api/attachments/limits":              h.limits,
		"GET /api/chats/{id}/attachments":          listing.ChatItems("attachments", d.Store.ListAttachments),
		"POST /api/chats/{id}/attachments":         h.upload,
		"POST /api/chats/{id}/attachments/presign": h.presign,
		"POST /api/attachments/{id}/complete":      h.complete,
		"GET /api/attachments/{id}":                h.get,
		"GET /api/attachments/{id}/content":        h.content,
		"DELETE /api/attachments/{id}":             h.remove,
	}))
}

type handler struct{ d Deps }

// Limits are what a client may upload, and how much of the quota is used.
type Limits struct {
	MaxFileBytes     int64    `json:"max_file_bytes"`
	QuotaBytes       int64    `json:"quota_bytes"`
	UsedBytes        int64    `json:"used_bytes"`
	PresignedUploads bool     `json:"presigned_uploads"`
	Accept           []string `json:"accept"`
}

// accept is what the composer's file picker offers; the server decides
// by content all the same.
var accept = []string{"image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf", "text/*",
	".md", ".txt", ".json", ".yaml", ".yml", ".toml", ".go", ".py", ".ts", ".tsx", ".js", ".java", ".rs", ".sql", ".csv"}

func (h *handler) limits(w http.ResponseWriter, r *http.Request, u session.User) error {
	used, err := h.d.Store.StorageUsed(r.Context(), u.ID)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, Limits{MaxFileBytes: h.d.Limits.MaxBytes, QuotaBytes: h.d.QuotaBytes,
		UsedBytes: used, PresignedUploads: h.d.Presigned, Accept: accept})
	return nil
}

// multipartSlack is room for a multipart body's headers and boundaries
// beyond the file itself.
const multipartSlack = 64 << 10

// upload takes one file as multipart/form-data (field "file"), checks it
// and stores it.
func (h *handler) upload(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.d.Store.GetChat(r.Context(), u.ID, chatID); err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return apperr.New(apperr.Invalid, "upload a file as multipart/form-data with the field \"file\"")
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.d.Limits.MaxBytes+multipartSlack)
	name, data, err := h.readFile(r)
	if err != nil {
		return err
	}
	info, err := filekind.Detect(name, data, h.d.Limits)
	if err != nil {
		return err
	}
	n := chatstore.NewAttachment{Name: name, Info: info, Size: int64(len(data)), Data: data}
	if h.d.Blobs == nil {
		a, err := h.d.Store.InsertAttachment(r.Context(), u.ID, chatID, n, h.d.QuotaBytes)
		if err != nil {
			return err
		}
		jsonio.Write(w, http.StatusCreated, a)
		return nil
	}
	// The row is written first (it takes the quota); the object follows,
	// and a failed put removes the row again.
	n.Data, n.BlobKey = nil, newKey(u.ID)
	a, err := h.d.Store.InsertAttachment(r.Context(), u.ID, chatID, n, h.d.QuotaBytes)
	if err != nil {
		return err
	}
	if err := h.d.Blobs.Put(r.Context(), n.BlobKey, info.MediaType, data); err != nil {
		h.forget(u.ID, a.ID)
		return apperr.Wrap(err, apperr.Unavailable, "the file store is unavailable; try again shortly")
	}
	jsonio.Write(w, http.StatusCreated, a)
	return nil
}

// readFile reads the multipart part "file": its base name and bytes, at
// most MaxBytes (a larger file is TooLarge, naming it).
func (h *handler) readFile(r *http.Request) (string, []byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, apperr.Wrap(err, apperr.Invalid, "the upload is not a readable multipart body")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, apperr.InvalidField("file", "is required")
		}
		if err != nil {
			return "", nil, bodyError(err, "upload", h.d.Limits.MaxBytes)
		}
		if part.FormName() != "file" {
			_ = part.Close()
			continue
		}
		name, err := fileName(part)
		if err != nil {
			return "", nil, err
		}
		data, err := io.ReadAll(io.LimitReader(part, h.d.Limits.MaxBytes+1))
		if err != nil {
			return "", nil, bodyError(err, name, h.d.Limits.MaxBytes)
		}
		if int64(len(data)) > h.d.Limits.MaxBytes {
			return "", nil, tooLarge(name, h.d.Limits.MaxBytes)
		}
		return name, data, nil
	}
}

func fileName(part *multipart.Part) (string, error) {
	name := path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
	if name == "" || name == "." || name == "/" {
		return "", apperr.InvalidField("file", "needs a file name")
	}
	return checkName(name)
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\x00/\\") || utf8.RuneCountInString(name) > 255 {
		return "", apperr.InvalidField("name", "must be a file name of 1 to 255 characters")
	}
	return name, nil
}

func bodyError(err error, name string, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(name, limit)
	}
	return apperr.Wrap(err, apperr.Invalid, "the upload was cut short")
}

func tooLarge(name string, limit int64) error {
	_, err := filekind.Detect(name, make([]byte, limit+1), filekind.Limits{MaxBytes: limit})
	return err
}

// forget removes an attachment row whose bytes could not be stored.
func (h *handler) forget(userID, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.d.Store.DeleteAttachment(ctx, userID, id); err != nil {
		h.d.Logger.Error("attachments: forget unstored attachment", slog.String("id", id), slog.Any("error", err))
	}
}

// attachment is the user's attachment the path's {id} names.
func (h *handler) attachment(r *http.Request, userID string) (chatstore.StoredAttachment, error) {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return chatstore.StoredAttachment{}, err
	}
	return h.d.Store.GetAttachment(r.Context(), userID, id)
}

func (h *handler) get(w http.ResponseWriter, r *http.Request, u session.User) error {
	a, err := h.attachment(r, u.ID)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, a.Attachment)
	return nil
}

// content sends the file for previews. Its type is the sniffed one, and
// nosniff with a CSP sandbox keeps a browser from running anything in it
// on our origin.
func (h *handler) content(w http.ResponseWriter, r *http.Request, u session.User) error {
	a, err := h.attachment(r, u.ID)
	if err != nil {
		return err
	}
	if a.Status != chatstore.AttachmentReady {
		return apperr.New(apperr.NotFound, "attachment not found")
	}
	data := a.Data
	if a.BlobKey != "" {
		if h.d.Blobs == nil {
			return apperr.New(apperr.Unavailable, "the file store is not configured")
		}
		if data, err = h.d.Blobs.Get(r.Context(), a.BlobKey, h.d.Limits.MaxBytes); err != nil {
			return apperr.Wrap(err, apperr.Unavailable, "the file store is unavailable; try again shortly")
		}
	}
	hdr := w.Header()
	ct := a.MediaType
	if a.Kind == filekind.Text {
		ct = "text/plain; charset=utf-8"
	}
	hdr.Set("Content-Type", ct)
	disposition := "attachment"
	if a.Kind != filekind.Text {
		disposition = "inline"
	}
	hdr.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "sandbox")
	hdr.Set("Cache-Control", "private, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
	return nil
}

func (h *handler) remove(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	st, err := h.d.Store.DeleteAttachment(r.Context(), u.ID, id)
	if err != nil {
		return err
	}
	if st.BlobKey != "" && h.d.Blobs != nil {
		// The row is gone; the trigger queued the key, and a failure here
		// leaves it to the retention run.
		if err := h.d.Blobs.Delete(r.Context(), st.BlobKey); err == nil {
			_ = h.d.Store.ForgetBlobGarbage(r.Context(), []string{st.BlobKey})
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// newKey is a fresh object key under the user's prefix.
func newKey(userID string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "attachments/" + userID + "/" + hex.EncodeToString(b[:])
}
