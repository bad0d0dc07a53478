package generation

import (
	"context"
	"fmt"

	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/filekind"
)

// Limits of the Messages API on one request's files. A message whose
// files would pass one is refused with a 400 naming the file and the
// limit, before anything is stored or charged.
const (
	MaxImagesPerRequest   = 100
	MaxPDFPagesPerRequest = 100
	// MaxRequestBytes is the API's 32 MB request limit, less room for the
	// text of the conversation.
	MaxRequestBytes = 30 << 20
	// MaxAttachmentsPerMessage bounds one message's files.
	MaxAttachmentsPerMessage = 20
)

// checkRequestLimits adds the new message's files to those already sent
// in the chat and refuses the first file that passes an API limit.
func checkRequestLimits(sent map[string][]chatstore.StoredAttachment, adding []chatstore.StoredAttachment) error {
	if len(adding) > MaxAttachmentsPerMessage {
		return apperr.InvalidField("attachment_ids", "holds %d files; a message takes at most %d", len(adding), MaxAttachmentsPerMessage)
	}
	var images, pages int
	var size int64
	for _, list := range sent {
		for _, a := range list {
			images, pages, size = count(a, images, pages, size)
		}
	}
	for _, a := range adding {
		images, pages, size = count(a, images, pages, size)
		switch {
		case images > MaxImagesPerRequest:
			return limitError(a.Name, fmt.Sprintf("Claude reads at most %d images in one request, and this chat would send %d", MaxImagesPerRequest, images))
		case pages > MaxPDFPagesPerRequest:
			return limitError(a.Name, fmt.Sprintf("Claude reads at most %d PDF pages in one request, and this chat would send %d", MaxPDFPagesPerRequest, pages))
		case size*4/3 > MaxRequestBytes:
			return limitError(a.Name, fmt.Sprintf("a request to Claude holds at most %s of files, and this chat would send %s",
				filekind.FormatBytes(MaxRequestBytes*3/4), filekind.FormatBytes(size)))
		}
	}
	return nil
}

func count(a chatstore.StoredAttachment, images, pages int, size int64) (int, int, int64) {
	switch a.Kind {
	case filekind.Image:
		images++
	case filekind.PDF:
		pages += a.Pages
	}
	return images, pages, size + a.Size
}

func limitError(name, why string) error {
	e := apperr.InvalidField("attachment_ids", "%s cannot be sent: %s", name, why)
	e.Details = map[string]any{"file": name}
	return e
}

// loadAttachments reads the bytes of the chat's sent files, by message.
func (m *Manager) loadAttachments(ctx context.Context, sent map[string][]chatstore.StoredAttachment) (map[string][]model.Attachment, error) {
	out := make(map[string][]model.Attachment, len(sent))
	for msgID, list := range sent {
		for _, st := range list {
			data := st.Data
			if st.BlobKey != "" {
				if m.d.Blobs == nil {
					return nil, apperr.New(apperr.Unavailable, "the file store is not configured")
				}
				var err error
				if data, err = m.d.Blobs.Get(ctx, st.BlobKey, 64<<20); err != nil {
					return nil, apperr.Wrap(err, apperr.Unavailable, "the file store is unavailable; try again shortly")
				}
			}
			out[msgID] = append(out[msgID], model.Attachment{Name: st.Name, MediaType: st.MediaType, Kind: st.Kind, Data: data, Pages: st.Pages})
		}
	}
	return out, nil
}
