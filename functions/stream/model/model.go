// Package model is what the stream function asks of a language model: a
// streamed reply to a conversation. The Claude client and the development
// demo model implement it, so both run through the same generation code.
package model

import "context"

// Roles of a conversation turn.
const (
	User      = "user"
	Assistant = "assistant"
)

// Turn is one message of the conversation sent as context.
type Turn struct {
	Role string
	Text string
	// Attachments of a user turn go before its text.
	Attachments []Attachment
}

// Attachment is a file sent with a user turn, checked by filekind: an
// image (sent as an image block), a PDF (a document block) or text (a
// text block that names the file).
type Attachment struct {
	Name      string
	MediaType string
	Kind      string // filekind.Image, PDF or Text
	Data      []byte
	Pages     int
}

// Request is one generation.
type Request struct {
	// Model is what Name chose for the user.
	Model  string
	System string
	// Context is the chat's repository context, sent after the system
	// prompt; "" for none.
	Context   string
	Turns     []Turn // oldest first, ending with the user's new message
	MaxTokens int
}

// Usage is what a generation consumed, as the model reports it.
type Usage struct {
	// InputTokens are billed at the full rate: those after the last cache
	// breakpoint, or all of them without caching.
	InputTokens  int
	OutputTokens int
	// Input tokens written to and read from the prompt cache.
	CacheCreationInputTokens int
	CacheReadInputTokens     int
}

// Model streams replies.
type Model interface {
	// Name is the model that answers a user who prefers preferred ("" when
	// they chose none): it is recorded on the assistant message and passed
	// back in Request.Model.
	Name(preferred string) string
	// Stream generates a reply to req, calling emit with each piece of text
	// in order, from the caller's goroutine. It returns the usage known so
	// far even when it fails: an error after emit was first called means a
	// partial reply. Errors meant for the user are *apperr.Error.
	Stream(ctx context.Context, req Request, emit func(text string)) (Usage, error)
}
