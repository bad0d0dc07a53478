package generation

// Event types of the stream protocol (the API contract,
// shared/apispec/openapi.yaml: StreamEventType and the StreamEvent* schemas). Each is one entry of the chat's Redis Stream, with the JSON
// payload below as its data.
const (
	TypeMessageStart  = "message_start"
	TypeDelta         = "delta"
	TypeArtifactStart = "artifact_start"
	TypeArtifactDelta = "artifact_delta"
	TypeArtifactEnd   = "artifact_end"
	TypeUsage         = "usage"
	TypeDone          = "done" // = hub.Done
	TypeError         = "error"
)

// MessageStart opens a generation. It carries no chat id: an SSE stream
// belongs to one chat, and WebSocket frames name the chat themselves.
type MessageStart struct {
	UserMessageID      string `json:"user_message_id"`
	AssistantMessageID string `json:"assistant_message_id"`
	Model              string `json:"model"`
}

// Delta is prose.
type Delta struct {
	Text string `json:"text"`
}

// ArtifactStart opens an artifact; Version is the version it will be saved
// as.
type ArtifactStart struct {
	Identifier string `json:"identifier"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Language   string `json:"language"`
	Version    int    `json:"version"`
}

// ArtifactDelta is a piece of the open artifact's content.
type ArtifactDelta struct {
	Identifier string `json:"identifier"`
	Text       string `json:"text"`
}

// ArtifactEnd closes an artifact; ID is its saved version's id ("" if it
// could not be saved).
type ArtifactEnd struct {
	Identifier string `json:"identifier"`
	Version    int    `json:"version"`
	ID         string `json:"id"`
}

// Usage is the tokens the generation used.
type Usage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
	// Input tokens written to and read from the prompt cache.
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
}

// Done ends a generation with the assistant message's final status.
type Done struct {
	Status string `json:"status"`
}

// Error reports why a generation failed (followed by done).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
