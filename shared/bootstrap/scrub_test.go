package bootstrap

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/logging"
)

// TestPanicLogIsScrubbed: a handler that panics with secrets in the panic
// value gets a 500 carrying the request_id, and the function's error log
// (LOG_DIR/<name>.error.log) records the panic under that request_id
// without the secrets.
func TestPanicLogIsScrubbed(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	logs, err := logging.Open(logging.Config{Level: "info", Dir: dir, File: logging.DefaultFiles}, &stderr, "chats")
	if err != nil {
		t.Fatal(err)
	}
	const apiKey, bearer = "configured-api-key-0042", "bearer-in-panic-31337"
	logs.Scrubber.AddSecrets(apiKey)
	h := Wrap(logs.Logger, Browser{}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(fmt.Errorf("calling with key %s and Authorization: Bearer %s", apiKey, bearer))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/chats", nil))
	var body struct {
		Error struct {
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if rec.Code != http.StatusInternalServerError || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.RequestID == "" {
		t.Fatalf("answer %d %s", rec.Code, rec.Body)
	}
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "chats.error.log"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"error log": string(b), "stderr": stderr.String()} {
		if !strings.Contains(text, `"msg":"panic"`) || !strings.Contains(text, body.Error.RequestID) {
			t.Errorf("%s lacks the panic with its request_id: %s", name, text)
		}
		for _, secret := range []string{apiKey, bearer} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %q: %s", name, secret, text)
			}
		}
	}
}
