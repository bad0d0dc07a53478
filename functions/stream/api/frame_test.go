package api

import (
	"encoding/json"
	"testing"

	"github.com/archstudio/studio/functions/stream/hub"
)

func TestEventFrame(t *testing.T) {
	tests := []struct {
		entry hub.Entry
		want  string
	}{
		{hub.Entry{ID: "1-0", Type: "delta", Data: []byte(`{"text":"hi \"there\""}`)},
			`{"type":"delta","chat_id":"c","event_id":"1-0","data":{"text":"hi \"there\""}}`},
		{hub.Entry{ID: "2-3", Type: "artifact_start", Data: []byte(`{"identifier":"a","type":"text/html"}`)},
			`{"type":"artifact_start","chat_id":"c","event_id":"2-3","data":{"identifier":"a","type":"text/html"}}`},
		{hub.Entry{Type: "done", Data: []byte(`{"status":"interrupted"}`)},
			`{"type":"done","chat_id":"c","data":{"status":"interrupted"}}`},
	}
	for _, tt := range tests {
		got := string(eventFrame("c", tt.entry))
		if got != tt.want || !json.Valid([]byte(got)) {
			t.Errorf("eventFrame(%+v) = %s, want %s", tt.entry, got, tt.want)
		}
	}
}
