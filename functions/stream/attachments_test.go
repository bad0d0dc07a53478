package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/filekind"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// attach stores a checked file in the chat, in PostgreSQL or (blobs set)
// in the object store, as the attachments function does.
func (s *stack) attach(userID, chatID, name string, data []byte, blobs *blobstore.Store) chatstore.Attachment {
	s.t.Helper()
	info, err := filekind.Detect(name, data, filekind.DefaultLimits)
	if err != nil {
		s.t.Fatal(err)
	}
	n := chatstore.NewAttachment{Name: name, Info: info, Size: int64(len(data)), Data: data}
	if blobs != nil {
		n.Data, n.BlobKey = nil, "attachments/"+userID+"/"+name
		if err := blobs.Put(context.Background(), n.BlobKey, info.MediaType, data); err != nil {
			s.t.Fatal(err)
		}
	}
	a, err := s.store.InsertAttachment(context.Background(), userID, chatID, n, 1<<30)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

func sendWith(t *testing.T, fn *testkit.Function, chatID string, cookie *http.Cookie, content string, ids ...string) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"content": content, "attachment_ids": ids})
	return do(t, fn.Client, http.MethodPost, "/api/chats/"+chatID+"/messages", cookie, string(body))
}

// TestAttachmentsReachClaude sends an image, a PDF and a Markdown file
// with a message, from PostgreSQL and from S3, and checks Claude receives
// them natively: an image block, a document block, and text naming the
// file, before the message's text; the next turn sends them again as
// history.
func TestAttachmentsReachClaude(t *testing.T) {
	for _, backend := range []string{"postgres", "s3"} {
		t.Run(backend, func(t *testing.T) {
			s := newStack(t, fakeanthropic.Script{Text: "Seen.", ChunkSize: 5})
			var blobs *blobstore.Store
			var env []string
			if backend == "s3" {
				s3 := testkit.StartS3(t)
				var err error
				if blobs, err = blobstore.Open(context.Background(), s3.URL, nil); err != nil {
					t.Fatal(err)
				}
				env = append(env, "BLOB_STORE_URL="+s3.URL)
			}
			fn := s.start(env...)
			userID, chatID, cookie := s.user("alice")
			img := s.attach(userID, chatID, "whiteboard.png", testkit.PNG(16, 12), blobs)
			pdf := s.attach(userID, chatID, "design.pdf", testkit.PDF(2, "Current design"), blobs)
			md := s.attach(userID, chatID, "notes.md", []byte("# Constraints\n\nLatency under 100 ms."), blobs)

			resp := sendWith(t, fn, chatID, cookie, "Review these", img.ID, pdf.ID, md.ID)
			if resp.StatusCode != 200 {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("send: %d %s", resp.StatusCode, b)
			}
			events := openSSE(resp).rest(t, 10*time.Second)
			if last(events).str("status") != "complete" {
				t.Fatalf("events %v", types(events))
			}
			reqs := s.fake.Requests()
			blocks := reqs[len(reqs)-1].Body.Messages[0].Blocks
			if len(blocks) != 4 {
				t.Fatalf("blocks %+v", blocks)
			}
			checkBlocks(t, blocks, testkit.PNG(16, 12))

			list, err := s.store.ListAttachments(context.Background(), userID, chatID)
			if err != nil {
				t.Fatal(err)
			}
			msgs := s.messages(userID, chatID)
			for _, a := range list {
				if a.MessageID != msgs[0].ID {
					t.Fatalf("%s not linked to the user message: %+v", a.Name, a)
				}
			}

			// The next turn carries them as history.
			events = send(t, fn.Client, chatID, cookie, "And now?").rest(t, 10*time.Second)
			if last(events).str("status") != "complete" {
				t.Fatalf("second turn %v", types(events))
			}
			reqs = s.fake.Requests()
			body := reqs[len(reqs)-1].Body
			if len(body.Messages) != 3 || len(body.Messages[0].Blocks) != 4 || body.Messages[2].Text != "And now?" {
				t.Fatalf("history %+v", body.Messages)
			}
			checkBlocks(t, body.Messages[0].Blocks, testkit.PNG(16, 12))
		})
	}
}

func checkBlocks(t *testing.T, blocks []fakeanthropic.Block, png []byte) {
	t.Helper()
	if b := blocks[0]; b.Type != "image" || b.MediaType != "image/png" || string(b.Data) != string(png) {
		t.Fatalf("image block %+v", b.Type)
	}
	if b := blocks[1]; b.Type != "document" || b.MediaType != "application/pdf" || b.Title != "design.pdf" || !strings.HasPrefix(string(b.Data), "%PDF-") {
		t.Fatalf("document block %s %s %q", b.Type, b.MediaType, b.Title)
	}
	if b := blocks[2]; b.Type != "text" || !strings.Contains(b.Text, `<file name="notes.md">`) || !strings.Contains(b.Text, "Latency under 100 ms.") {
		t.Fatalf("text file block %+v", b)
	}
	if b := blocks[3]; b.Type != "text" || b.Text != "Review these" {
		t.Fatalf("message block %+v", b)
	}
}

// TestAttachmentRefusals: a file of another user, one already sent, or
// one that passes the API's limits is refused before anything is stored
// or charged.
func TestAttachmentRefusals(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "ok"})
	fn := s.start()
	alice, aliceChat, aliceCookie := s.user("alice")
	bob, bobChat, bobCookie := s.user("bob")
	secret := s.attach(alice, aliceChat, "secret.md", []byte("# alice only"), nil)
	bobFile := s.attach(bob, bobChat, "b.md", []byte("# bob"), nil)

	// Two PDFs of 60 pages each: together past the API's 100 pages.
	long := func(name string) string {
		a, err := s.store.InsertAttachment(context.Background(), bob, bobChat, chatstore.NewAttachment{Name: name,
			Info: filekind.Info{Kind: filekind.PDF, MediaType: "application/pdf", Pages: 60}, Size: 100,
			Data: testkit.PDF(1, "x")}, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	first, second := long("first.pdf"), long("second.pdf")

	tests := []struct {
		name   string
		cookie *http.Cookie
		chat   string
		ids    []string
		status int
		want   string
	}{
		{"another user's file", bobCookie, bobChat, []string{secret.ID}, 404, "not_found"},
		{"a file of another chat", aliceCookie, aliceChat, []string{bobFile.ID}, 404, "not_found"},
		{"not an id", bobCookie, bobChat, []string{"nope"}, 404, "not_found"},
		{"twice", bobCookie, bobChat, []string{bobFile.ID, bobFile.ID}, 400, "names an attachment twice"},
		{"past the API's pages", bobCookie, bobChat, []string{first, second}, 400, "second.pdf cannot be sent: Claude reads at most 100 PDF pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := sendWith(t, fn, tt.chat, tt.cookie, "hi", tt.ids...)
			e := errorBody(t, resp)
			if resp.StatusCode != tt.status || (!strings.Contains(e["message"].(string), tt.want) && e["code"] != tt.want) {
				t.Fatalf("%d %v", resp.StatusCode, e)
			}
		})
	}
	if n := len(s.messages(bob, bobChat)) + len(s.messages(alice, aliceChat)); n != 0 {
		t.Fatalf("refused sends stored %d messages", n)
	}
	var calls int
	_ = s.pool.QueryRow(context.Background(), `SELECT coalesce(sum(api_calls), 0) FROM usage_daily`).Scan(&calls)
	if calls != 0 {
		t.Fatalf("refused sends were charged %d calls", calls)
	}
}
