package fakeanthropic

import (
	"encoding/json"
	"net/http"
	"time"
)

// LoggedBlock is a content block in the request log (GET /_fake/requests),
// for tests that cannot read Requests, such as the browser suite.
type LoggedBlock struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type,omitempty"`
	Title     string `json:"title,omitempty"`
	Bytes     int    `json:"bytes,omitempty"`
	Text      string `json:"text,omitempty"`
	Cached    bool   `json:"cached,omitempty"`
}

// LoggedMessage is a message in the request log.
type LoggedMessage struct {
	Role   string        `json:"role"`
	Blocks []LoggedBlock `json:"blocks"`
}

// LoggedRequest is one request in the request log.
type LoggedRequest struct {
	At       time.Time       `json:"at"`
	Model    string          `json:"model"`
	System   []LoggedBlock   `json:"system"`
	Messages []LoggedMessage `json:"messages"`
}

func logBlocks(bs []Block) []LoggedBlock {
	out := make([]LoggedBlock, 0, len(bs))
	for _, b := range bs {
		text := b.Text
		if len(text) > 2000 {
			text = text[:2000]
		}
		out = append(out, LoggedBlock{Type: b.Type, MediaType: b.MediaType, Title: b.Title, Bytes: len(b.Data), Text: text, Cached: b.Cached})
	}
	return out
}

// writeLog answers GET /_fake/requests with every request received.
func (f *Fake) writeLog(w http.ResponseWriter) {
	reqs := f.Requests()
	out := make([]LoggedRequest, 0, len(reqs))
	for _, r := range reqs {
		lr := LoggedRequest{At: r.At, Model: r.Body.Model, System: logBlocks(r.Body.system)}
		for _, m := range r.Body.Messages {
			lr.Messages = append(lr.Messages, LoggedMessage{Role: m.Role, Blocks: logBlocks(m.Blocks)})
		}
		out = append(out, lr)
	}
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
