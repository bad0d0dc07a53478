package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/voice"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

// Voice frames over the WebSocket (package voice does the work):
//
//	client: {"type":"audio_start","mime":"audio/webm;codecs=opus"}, binary
//	        frames of the recording, {"type":"audio_end"} (or audio_cancel)
//	server: {"type":"transcript","text","seconds"} or a voice_error
//	client: {"type":"send",…,"speak":true} speaks the reply;
//	        {"type":"speak","chat_id","enabled":true,"last_event_id"} speaks
//	        a reply followed elsewhere (SSE) after that event;
//	        {"type":"speak","chat_id","enabled":false} stops speaking it
//	server: {"type":"speech","chat_id","seq","text","mime","seconds","audio"}
//	        per sentence in order, then {"type":"speech_end","chat_id",…}
const (
	typeTranscript = "transcript"
	typeVoiceError = "voice_error"
)

// voiceCapabilities answers GET /api/voice: which server providers are
// configured, so clients offer only those.
func (h *Handler) voiceCapabilities(w http.ResponseWriter, r *http.Request, _ session.User) error {
	caps := voice.Capabilities{Voices: []string{}, AcceptedFormats: []string{}}
	if h.d.Voice != nil {
		caps = h.d.Voice.Capabilities()
	}
	jsonio.Write(w, http.StatusOK, caps)
	return nil
}

// voiceCommand runs the voice commands; false for any other command.
func (c *wsConn) voiceCommand(cmd command) bool {
	switch cmd.Type {
	case "audio_start":
		if c.h.d.Voice == nil {
			c.typedErrorFrame(typeVoiceError, cmd.ChatID, apperr.New(apperr.Unavailable, "voice input needs a configured speech service"))
			c.utt = voice.Dropped()
			return true
		}
		u, err := c.h.d.Voice.Start(c.user.ID, cmd.MIME)
		if err != nil {
			c.typedErrorFrame(typeVoiceError, cmd.ChatID, err)
		}
		// A refused utterance's audio frames are dropped quietly: the
		// client has its one error.
		c.utt = u
	case "audio_cancel":
		c.utt = nil
	case "audio_end":
		u := c.utt
		c.utt = nil
		if u == nil {
			c.typedErrorFrame(typeVoiceError, cmd.ChatID, apperr.New(apperr.Invalid, "audio_end without audio_start"))
			return true
		}
		if u.Failed() {
			return true // the client heard why already
		}
		// Transcription takes a while; commands (stop) keep flowing.
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			ctx, cancel := context.WithTimeout(c.ctx, 90*time.Second)
			defer cancel()
			t, err := u.Finish(ctx)
			if err != nil {
				if c.ctx.Err() == nil {
					c.typedErrorFrame(typeVoiceError, cmd.ChatID, err)
				}
				return
			}
			b, _ := json.Marshal(struct {
				Type    string  `json:"type"`
				ChatID  string  `json:"chat_id,omitempty"`
				Text    string  `json:"text"`
				Seconds float64 `json:"seconds"`
			}{typeTranscript, cmd.ChatID, t.Text, t.Seconds})
			c.enqueue(b)
		}()
	case "speak":
		if !ids.Valid(cmd.ChatID) {
			c.typedErrorFrame(typeVoiceError, cmd.ChatID, apperr.InvalidField("chat_id", "must be a UUID"))
			return true
		}
		if cmd.Enabled == nil {
			c.typedErrorFrame(typeVoiceError, cmd.ChatID, apperr.InvalidField("enabled", "is required"))
			return true
		}
		if *cmd.Enabled {
			// Speak a reply another transport (SSE) shows: its speech only,
			// from after last_event_id (the reply's message_start).
			if cmd.LastEventID != "" && !hub.ValidID(cmd.LastEventID) {
				c.typedErrorFrame(typeVoiceError, cmd.ChatID, apperr.InvalidField("last_event_id", "is not an event id"))
				return true
			}
			ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
			defer cancel()
			if _, err := c.h.d.Store.GetChat(ctx, c.user.ID, cmd.ChatID); err != nil {
				c.typedErrorFrame(typeVoiceError, cmd.ChatID, err)
				return true
			}
			c.follow(cmd.ChatID, cmd.LastEventID, followMode{speech: true})
			return true
		}
		var sp *voice.Speaker
		c.mu.Lock()
		if f := c.chats[cmd.ChatID]; f != nil {
			sp = f.speaker
		}
		c.mu.Unlock()
		if sp != nil {
			go sp.Close()
		}
	default:
		return false
	}
	return true
}

// audioFrame takes a binary frame: a piece of the utterance.
func (c *wsConn) audioFrame(data []byte) {
	if c.utt == nil {
		c.typedErrorFrame(typeVoiceError, "", apperr.New(apperr.Invalid, "binary frames are audio and need audio_start first"))
		return
	}
	if err := c.utt.Add(data); err != nil {
		c.typedErrorFrame(typeVoiceError, "", err)
	}
}

// speaker starts speaking chat's reply, or says why it cannot (the reply
// itself goes on).
func (c *wsConn) speaker(ctx context.Context, chatID string) *voice.Speaker {
	if c.h.d.Voice == nil {
		c.typedErrorFrame(typeVoiceError, chatID, apperr.New(apperr.Unavailable, "server speech is not configured"))
		return nil
	}
	sp, err := c.h.d.Voice.Speak(ctx, c.user.ID, func(v any) {
		switch v := v.(type) {
		case *voice.Speech:
			c.enqueue(speechFrame(voice.TypeSpeech, chatID, v))
		case *voice.SpeechEnd:
			c.enqueue(speechFrame(voice.TypeSpeechEnd, chatID, v))
		case error:
			c.typedErrorFrame(typeVoiceError, chatID, v)
		}
	})
	if err != nil {
		c.typedErrorFrame(typeVoiceError, chatID, err)
		return nil
	}
	return sp
}

// speechFrame is {"type","chat_id",...v}: flat, like the other voice
// frames (they are not events of the chat's stream).
func speechFrame(typ, chatID string, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil || len(data) < 2 || data[0] != '{' {
		slog.Default().Error("stream: speech frame", slog.Any("error", err))
		return nil
	}
	head, _ := json.Marshal(struct {
		Type   string `json:"type"`
		ChatID string `json:"chat_id"`
	}{typ, chatID})
	out := append(head[:len(head)-1:len(head)-1], ',')
	if len(data) == 2 {
		out = out[:len(out)-1]
	}
	return append(out, data[1:]...)
}
