package apispec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Contract checks requests, responses and stream payloads against the
// document. It is safe for concurrent use.
type Contract struct {
	model   *v3.Document
	http    validator.Validator
	schemas schema_validation.SchemaValidator
	opts    *config.ValidationOptions
	mu      sync.Mutex // the validators' caches are not documented as safe
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load parses the embedded document once and returns its Contract.
func Load() (*Contract, error) {
	loadOnce.Do(func() { loaded, loadErr = parse(spec) })
	return loaded, loadErr
}

func parse(b []byte) (*Contract, error) {
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		return nil, fmt.Errorf("apispec: %w", err)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("apispec: %w", err)
	}
	// Authentication is the handlers' business (tested there); the
	// contract checks the shapes of what goes over the wire.
	opts := []config.Option{config.WithoutSecurityValidation(), config.WithFormatAssertions()}
	v, errs := validator.NewValidator(doc, opts...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("apispec: %v", errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("apispec: the document is not valid OpenAPI: %s", joinErrors(errs))
	}
	return &Contract{model: &m.Model, http: v, schemas: schema_validation.NewSchemaValidator(opts...),
		opts: config.NewValidationOptions(opts...)}, nil
}

// HasOperation reports whether the document has an operation for r's
// method and path.
func (c *Contract) HasOperation(r *http.Request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	item, errs, _ := paths.FindPath(r, c.model, c.opts)
	if item == nil || len(errs) > 0 {
		return false
	}
	return item.GetOperations().GetOrZero(strings.ToLower(r.Method)) != nil
}

// ValidateRequest checks r (its path, parameters and body) against its
// operation. r's body is read and put back.
func (c *Contract) ValidateRequest(r *http.Request) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		defer func() { r.Body = io.NopCloser(bytes.NewReader(b)) }()
	}
	if ok, errs := c.http.ValidateHttpRequestSync(r); !ok {
		return fmt.Errorf("request %s %s breaks the contract: %s", r.Method, r.URL.Path, joinErrors(errs))
	}
	return nil
}

// ValidateResponse checks resp (status, headers, body) against the
// operation of r. An event stream's body is not read (its events are
// checked one by one with ValidateStreamEvent), nor a WebSocket's.
func (c *Contract) ValidateResponse(r *http.Request, resp *http.Response) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	check := resp
	if resp.StatusCode == http.StatusSwitchingProtocols || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cp := *resp
		cp.Body = io.NopCloser(strings.NewReader(""))
		check = &cp
	}
	if ok, errs := c.http.ValidateHttpResponse(r, check); !ok {
		return fmt.Errorf("response %d to %s %s breaks the contract: %s", resp.StatusCode, r.Method, r.URL.Path, joinErrors(errs))
	}
	return nil
}

// ValidateSchema checks a JSON value against components/schemas/name.
func (c *Contract) ValidateSchema(name string, payload []byte) error {
	proxy := c.model.Components.Schemas.GetOrZero(name)
	if proxy == nil {
		return fmt.Errorf("the contract has no schema %q", name)
	}
	return c.validate(name, proxy.Schema(), payload)
}

func (c *Contract) validate(name string, s *base.Schema, payload []byte) error {
	if s == nil {
		return fmt.Errorf("the contract's schema %q does not build", name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok, errs := c.schemas.ValidateSchemaBytes(s, payload); !ok {
		return fmt.Errorf("%s breaks the contract's %s: %s", payload, name, joinErrors(errs))
	}
	return nil
}

// streamSchemas names the schema of each stream event's data.
var streamSchemas = map[string]string{
	"message_start":  "StreamEventMessageStart",
	"delta":          "StreamEventDelta",
	"artifact_start": "StreamEventArtifactStart",
	"artifact_delta": "StreamEventArtifactDelta",
	"artifact_end":   "StreamEventArtifactEnd",
	"usage":          "StreamEventUsage",
	"done":           "StreamEventDone",
	"error":          "StreamEventError",
}

// ValidateStreamEvent checks one server-sent event: its type (the event:
// line) must be a StreamEventType and its data the schema of that type.
func (c *Contract) ValidateStreamEvent(typ string, data []byte) error {
	name, ok := streamSchemas[typ]
	if !ok {
		return fmt.Errorf("event type %q is not in the contract", typ)
	}
	return c.ValidateSchema(name, data)
}

// typedFrames are the schemas of the server's voice and runs frames by
// type.
var typedFrames = map[string]string{
	"transcript":  "WSTranscriptFrame",
	"speech":      "WSSpeechFrame",
	"speech_end":  "WSSpeechEndFrame",
	"voice_error": "WSVoiceErrorFrame",
	"runs":        "WSRunsFrame",
}

// ValidateWSFrame checks one frame the server sent on /api/ws: an event
// (WSEventFrame), an error (WSErrorFrame), a voice or a runs frame.
func (c *Contract) ValidateWSFrame(frame []byte) error {
	var head struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(frame, &head); err != nil {
		return fmt.Errorf("frame %s is not a JSON object: %w", frame, err)
	}
	if name, ok := typedFrames[head.Type]; ok {
		return c.ValidateSchema(name, frame)
	}
	if head.Data != nil {
		return c.ValidateSchema("WSEventFrame", frame)
	}
	return c.ValidateSchema("WSErrorFrame", frame)
}

// joinErrors is the validator's findings on one line each, with the
// schema failures (which field, why) the top-level messages leave out.
func joinErrors(errs []*liberrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n\t" + e.Message)
		if e.Reason != "" && e.Reason != e.Message {
			b.WriteString(": " + e.Reason)
		}
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n\t\t%s: %s", f.FieldPath, f.Reason)
		}
	}
	return b.String()
}

// Operation is one method and path of the document, with its tags (the
// first names the function that serves it).
type Operation struct {
	Method, Path string
	Tags         []string
}

// Operations lists every operation of the document, in its order.
func (c *Contract) Operations() []Operation {
	var out []Operation
	for path, item := range c.model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			out = append(out, Operation{Method: strings.ToUpper(method), Path: path, Tags: op.Tags})
		}
	}
	return out
}
