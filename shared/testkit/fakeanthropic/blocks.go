package fakeanthropic

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // sizes of image blocks, as the API counts their tokens
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// Block is one content block of a request, as the fake read it.
type Block struct {
	Type string // text, image, document
	Text string // text blocks, and text documents
	// MediaType and Data (decoded) of image and base64 document sources.
	MediaType string
	Data      []byte
	Title     string // documents
	// Cached is set when the block carries cache_control.
	Cached bool
	raw    json.RawMessage
}

type wireBlock struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Title  string `json:"title"`
	Source *struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
	} `json:"source"`
	CacheControl *struct {
		Type string `json:"type"`
	} `json:"cache_control"`
}

// imageTypes are the media types the API takes in image blocks.
var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// parseBlocks reads a content (or system) value: a string is one text
// block. where prefixes error messages as the API does ("messages.0.content").
func parseBlocks(raw json.RawMessage, where string) ([]Block, string) {
	if len(raw) == 0 {
		return nil, ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []Block{{Type: "text", Text: s, raw: raw}}, ""
	}
	var wires []json.RawMessage
	if err := json.Unmarshal(raw, &wires); err != nil {
		return nil, where + ": Input should be a valid list"
	}
	out := make([]Block, 0, len(wires))
	for i, w := range wires {
		var wb wireBlock
		if err := json.Unmarshal(w, &wb); err != nil {
			return nil, fmt.Sprintf("%s.%d: Input should be a valid dictionary", where, i)
		}
		b := Block{Type: wb.Type, Text: wb.Text, Title: wb.Title, Cached: wb.CacheControl != nil, raw: w}
		at := fmt.Sprintf("%s.%d.%s", where, i, wb.Type)
		if wb.CacheControl != nil && wb.CacheControl.Type != "ephemeral" {
			return nil, at + ".cache_control.type: Input should be 'ephemeral'"
		}
		switch wb.Type {
		case "text":
		case "image":
			if wb.Source == nil || wb.Source.Type != "base64" {
				return nil, at + ".source: Input should be a base64 or url source"
			}
			if !imageTypes[wb.Source.MediaType] {
				return nil, at + ".source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
			}
			data, err := base64.StdEncoding.DecodeString(wb.Source.Data)
			if err != nil || len(data) == 0 {
				return nil, at + ".source.base64.data: Invalid base64 data"
			}
			if len(data) > 5<<20 {
				return nil, at + ".source.base64: image exceeds 5 MB maximum"
			}
			b.MediaType, b.Data = wb.Source.MediaType, data
		case "document":
			if wb.Source == nil {
				return nil, at + ".source: Field required"
			}
			switch wb.Source.Type {
			case "base64":
				if wb.Source.MediaType != "application/pdf" {
					return nil, at + ".source.base64.media_type: Input should be 'application/pdf'"
				}
				data, err := base64.StdEncoding.DecodeString(wb.Source.Data)
				if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
					return nil, at + ".source.base64.data: The PDF specified was not valid."
				}
				b.MediaType, b.Data = wb.Source.MediaType, data
			case "text":
				b.MediaType, b.Text = "text/plain", wb.Source.Data
			default:
				return nil, at + ".source.type: Input should be 'base64', 'text', 'content' or 'url'"
			}
		default:
			return nil, fmt.Sprintf("%s.%d.type: Input tag '%s' found using 'type' does not match any of the expected tags", where, i, wb.Type)
		}
		out = append(out, b)
	}
	return out, ""
}

// empty reports whether a block carries nothing.
func (b Block) empty() bool { return b.Type == "text" && b.Text == "" }

// tokens estimates a block the way the API bills it: text at about four
// characters a token, an image by its pixels (width×height/750), a PDF
// page at 1,500 tokens.
func (b Block) tokens() int {
	switch {
	case b.Type == "image":
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(b.Data)); err == nil {
			return max(1, cfg.Width*cfg.Height/750)
		}
		return 1600
	case b.Type == "document" && b.MediaType == "application/pdf":
		return 1500 * max(1, bytes.Count(b.Data, []byte("/Type /Page ")))
	}
	return len(b.Text) / 4
}
