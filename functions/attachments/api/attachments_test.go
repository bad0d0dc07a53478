package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/filekind"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// The tests' limits: files of at most 64 KB, 200 KB per user.
const (
	maxFile = 64 << 10
	quota   = 200 << 10
)

type env struct {
	*testkit.API
	t     *testing.T
	store *chatstore.Store
	s3    *testkit.S3
}

// newEnv serves the attachments API on a fresh database; withS3 keeps the
// bytes in a fresh S3 server (presigned: uploads go straight to it).
func newEnv(t *testing.T, withS3, presigned bool) *env {
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	store := chatstore.New(pool)
	e := &env{t: t, store: store}
	d := Deps{Store: store, Limits: filekind.Limits{MaxBytes: maxFile, MaxImageBytes: maxFile, MaxImagePixels: 8000, MaxPDFPages: 100},
		QuotaBytes: quota, Presigned: presigned, Authenticate: session.NewStore(rdb, session.Config{}).Middleware}
	if withS3 {
		e.s3 = testkit.StartS3(t)
		blobs, err := blobstore.Open(context.Background(), e.s3.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.Blobs = blobs
	}
	e.API = testkit.NewAPI(t, pool, rdb, New(d))
	return e
}

func (e *env) chat(userID string) string {
	e.t.Helper()
	c, err := e.store.CreateChat(context.Background(), userID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

func (e *env) upload(userID, chatID, name string, data []byte) testkit.Response {
	e.t.Helper()
	ct, body := testkit.Multipart("file", name, data)
	return e.Send(testkit.NewRequest(http.MethodPost, "/api/chats/"+chatID+"/attachments", ct, body), userID)
}

// stored counts the user's attachment rows.
func (e *env) stored(userID string) int {
	e.t.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM attachments WHERE user_id = $1`, userID).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestUpload(t *testing.T) {
	for _, backend := range []struct {
		name string
		s3   bool
	}{{"postgres", false}, {"s3", true}} {
		t.Run(backend.name, func(t *testing.T) {
			e := newEnv(t, backend.s3, false)
			alice, bob := e.SignIn("alice"), e.SignIn("bob")
			chat := e.chat(alice)
			elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)
			tests := []struct {
				name, user, chat, file string
				data                   []byte
				status                 int
				kind, code, message    string
			}{
				{"png", alice, chat, "board.png", testkit.PNG(20, 10), 201, "image", "", ""},
				{"pdf", alice, chat, "design.pdf", testkit.PDF(2, "Design"), 201, "pdf", "", ""},
				{"markdown", alice, chat, "notes.md", []byte("# Notes"), 201, "text", "", ""},
				{"disguised text", alice, chat, "photo.png", []byte("<html>not an image</html>"), 400, "", "invalid_argument", "photo.png is named .png but its content is text/html"},
				{"disguised executable", alice, chat, "photo.png", elf, 400, "", "invalid_argument", "photo.png is application/x-elf"},
				{"oversized", alice, chat, "huge.txt", bytes.Repeat([]byte("a"), maxFile+1), 413, "", "payload_too_large", "huge.txt is larger than 64 KB"},
				{"oversized body", alice, chat, "huge.txt", bytes.Repeat([]byte("a"), maxFile+multipartSlack+10), 413, "", "payload_too_large", "huge.txt is larger than 64 KB"},
				{"other user's chat", bob, chat, "a.txt", []byte("hi"), 404, "", "not_found", ""},
				{"missing chat", alice, "00000000-0000-4000-8000-000000000000", "a.txt", []byte("hi"), 404, "", "not_found", ""},
				{"anonymous", "", chat, "a.txt", []byte("hi"), 401, "", "unauthenticated", ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before := e.stored(alice)
					resp := e.upload(tt.user, tt.chat, tt.file, tt.data)
					if resp.Status != tt.status {
						t.Fatalf("status %d, want %d: %s", resp.Status, tt.status, resp.Body)
					}
					if tt.status != 201 {
						code, _, msg := resp.Error(t)
						if code != tt.code || !strings.Contains(msg, tt.message) {
							t.Fatalf("error %s %q, want %s %q", code, msg, tt.code, tt.message)
						}
						if n := e.stored(alice); n != before {
							t.Fatalf("a refused upload stored something: %d rows, had %d", n, before)
						}
						return
					}
					var a chatstore.Attachment
					resp.JSON(t, &a)
					if a.Kind != tt.kind || a.Name != tt.file || a.Size != int64(len(tt.data)) || a.Status != "ready" {
						t.Fatalf("attachment %+v", a)
					}
					content := e.Do(http.MethodGet, "/api/attachments/"+a.ID+"/content", alice, "")
					if content.Status != 200 || content.Body != string(tt.data) || content.Header.Get("Content-Security-Policy") != "sandbox" {
						t.Fatalf("content: %d %v", content.Status, content.Header)
					}
				})
			}
			if e.s3 != nil {
				// Three files stored, all of them in S3 and none in the rows.
				if keys := e.s3.Objects(t); len(keys) != 3 {
					t.Fatalf("objects %v, want 3", keys)
				}
				var inRows int
				_ = e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM attachments WHERE data IS NOT NULL`).Scan(&inRows)
				if inRows != 0 {
					t.Fatalf("%d attachments kept their bytes in PostgreSQL", inRows)
				}
			}
		})
	}
}

func TestRequestErrors(t *testing.T) {
	e := newEnv(t, false, false)
	alice := e.SignIn("alice")
	chat := e.chat(alice)
	path := "/api/chats/" + chat + "/attachments"
	ct, body := testkit.Multipart("other", "a.txt", []byte("hi"))
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		field       string
	}{
		{"json body", "application/json", `{"file":"x"}`, 400, ""},
		{"no file part", ct, body, 400, "file"},
		{"broken multipart", "multipart/form-data; boundary=zzz", "--zzz\r\nnonsense", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.Send(testkit.NewRequest(http.MethodPost, path, tt.contentType, tt.body), alice)
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
			if _, field, _ := resp.Error(t); field != tt.field {
				t.Fatalf("field %q, want %q", field, tt.field)
			}
		})
	}
	if e.stored(alice) != 0 {
		t.Fatal("a refused request stored an attachment")
	}
}

// TestCrossTenant: every route answers another user's attachment exactly
// like a missing one.
func TestCrossTenant(t *testing.T) {
	e := newEnv(t, true, true)
	alice, bob := e.SignIn("alice"), e.SignIn("bob")
	chat := e.chat(alice)
	resp := e.upload(alice, chat, "notes.md", []byte("# secret"))
	var a chatstore.Attachment
	resp.JSON(t, &a)
	for _, probe := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/attachments/" + a.ID, ""},
		{http.MethodGet, "/api/attachments/" + a.ID + "/content", ""},
		{http.MethodDelete, "/api/attachments/" + a.ID, ""},
		{http.MethodPost, "/api/attachments/" + a.ID + "/complete", ""},
		{http.MethodGet, "/api/chats/" + chat + "/attachments", ""},
		{http.MethodPost, "/api/chats/" + chat + "/attachments/presign", `{"name":"x.png","size":10}`},
	} {
		t.Run(probe.method+" "+probe.path, func(t *testing.T) {
			if resp := e.Do(probe.method, probe.path, bob, probe.body); resp.Status != 404 {
				t.Fatalf("bob got %d: %s", resp.Status, resp.Body)
			}
		})
	}
	if resp := e.Do(http.MethodGet, "/api/attachments/"+a.ID+"/content", alice, ""); resp.Body != "# secret" {
		t.Fatalf("alice's file changed: %q", resp.Body)
	}
}

func TestQuotaAndLimits(t *testing.T) {
	e := newEnv(t, false, false)
	alice := e.SignIn("alice")
	chat := e.chat(alice)
	file := bytes.Repeat([]byte("x"), 60<<10)
	for i := range 3 {
		if resp := e.upload(alice, chat, "part.txt", file); resp.Status != 201 {
			t.Fatalf("upload %d: %d %s", i, resp.Status, resp.Body)
		}
	}
	resp := e.upload(alice, chat, "fourth.txt", file)
	if code, _, msg := resp.Error(t); resp.Status != 429 || code != "quota_exceeded" || !strings.Contains(msg, "fourth.txt") {
		t.Fatalf("over quota: %d %s", resp.Status, resp.Body)
	}
	var lim Limits
	e.Do(http.MethodGet, "/api/attachments/limits", alice, "").JSON(t, &lim)
	if lim.UsedBytes != 3*60<<10 || lim.QuotaBytes != quota || lim.MaxFileBytes != maxFile || lim.PresignedUploads {
		t.Fatalf("limits %+v", lim)
	}
}

// TestLifecycle: an unsent file can be removed; a chat's deletion takes
// its files with it, and their objects are queued for the retention run.
func TestLifecycle(t *testing.T) {
	e := newEnv(t, true, false)
	alice := e.SignIn("alice")
	chat := e.chat(alice)
	var a, b chatstore.Attachment
	e.upload(alice, chat, "a.md", []byte("# a")).JSON(t, &a)
	e.upload(alice, chat, "b.md", []byte("# b")).JSON(t, &b)
	if resp := e.Do(http.MethodDelete, "/api/attachments/"+a.ID, alice, ""); resp.Status != 204 {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	if keys := e.s3.Objects(t); len(keys) != 1 {
		t.Fatalf("objects after delete: %v", keys)
	}
	if err := e.store.DeleteChat(context.Background(), alice, chat); err != nil {
		t.Fatal(err)
	}
	if e.stored(alice) != 0 {
		t.Fatal("the chat's attachments outlived it")
	}
	keys, err := e.store.BlobGarbage(context.Background(), 10)
	if err != nil || len(keys) != 1 {
		t.Fatalf("garbage %v %v, want the chat's one object", keys, err)
	}
}

func TestPresignedUpload(t *testing.T) {
	e := newEnv(t, true, true)
	alice := e.SignIn("alice")
	chat := e.chat(alice)
	presign := func(name string, size int) PresignedUpload {
		t.Helper()
		resp := e.Do(http.MethodPost, "/api/chats/"+chat+"/attachments/presign", alice,
			`{"name":"`+name+`","size":`+strconv.Itoa(size)+`,"media_type":"image/png"}`)
		if resp.Status != 201 {
			t.Fatalf("presign: %d %s", resp.Status, resp.Body)
		}
		var p PresignedUpload
		resp.JSON(t, &p)
		return p
	}
	put := func(p PresignedUpload, data []byte) {
		t.Helper()
		req, err := http.NewRequest(p.Upload.Method, p.Upload.URL, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range p.Upload.Headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("PUT to the store: %d", resp.StatusCode)
		}
	}

	img := testkit.PNG(30, 20)
	p := presign("board.png", len(img))
	if p.Attachment.Status != "pending" || p.Upload.Method != http.MethodPut || !strings.HasPrefix(p.Upload.URL, e.s3.Endpoint) ||
		!strings.Contains(p.Upload.URL, "X-Amz-Signature=") {
		t.Fatalf("presigned %+v", p)
	}
	complete := "/api/attachments/" + p.Attachment.ID + "/complete"
	if resp := e.Do(http.MethodPost, complete, alice, ""); resp.Status != 409 {
		t.Fatalf("complete before upload: %d %s", resp.Status, resp.Body)
	}
	put(p, img)
	resp := e.Do(http.MethodPost, complete, alice, "")
	var a chatstore.Attachment
	resp.JSON(t, &a)
	if resp.Status != 200 || a.Status != "ready" || a.Kind != "image" || a.Width != 30 || a.Height != 20 {
		t.Fatalf("complete: %d %s", resp.Status, resp.Body)
	}
	if resp := e.Do(http.MethodGet, "/api/attachments/"+a.ID+"/content", alice, ""); resp.Body != string(img) {
		t.Fatal("content differs from the upload")
	}

	// A disguised file uploaded straight to the store is refused when
	// completed, and nothing of it stays.
	fake := []byte("just text in a png's clothing")
	p = presign("photo.png", len(fake))
	put(p, fake)
	resp = e.Do(http.MethodPost, "/api/attachments/"+p.Attachment.ID+"/complete", alice, "")
	if code, _, msg := resp.Error(t); resp.Status != 400 || code != "invalid_argument" || !strings.Contains(msg, "photo.png") {
		t.Fatalf("disguised: %d %s", resp.Status, resp.Body)
	}
	if e.stored(alice) != 1 || len(e.s3.Objects(t)) != 1 {
		t.Fatalf("a refused upload left %d rows, objects %v", e.stored(alice), e.s3.Objects(t))
	}

	// Larger than the limit is refused before any URL is signed.
	resp = e.Do(http.MethodPost, "/api/chats/"+chat+"/attachments/presign", alice, `{"name":"big.pdf","size":`+strconv.Itoa(maxFile+1)+`}`)
	if resp.Status != 413 {
		t.Fatalf("oversized presign: %d %s", resp.Status, resp.Body)
	}
}

func TestPresignOff(t *testing.T) {
	e := newEnv(t, false, false)
	alice := e.SignIn("alice")
	chat := e.chat(alice)
	if resp := e.Do(http.MethodPost, "/api/chats/"+chat+"/attachments/presign", alice, `{"name":"a.png","size":10}`); resp.Status != 409 {
		t.Fatalf("presign without a store: %d %s", resp.Status, resp.Body)
	}
}
