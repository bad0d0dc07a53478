package claude

import (
	"cmp"
	"encoding/base64"
	"html"

	"github.com/anthropics/anthropic-sdk-go"

	"github.com/archstudio/studio/functions/stream/model"
)

// params builds the Messages API request. With caching on, cache_control
// marks the stable prefix: the system prompt with the repository context,
// the history up to the previous turn, and the new turn's files, so the
// next request reads them from the cache instead of paying for them in
// full. Only the new message's text is then billed at the full rate.
func (c *Client) params(req model.Request) anthropic.MessageNewParams {
	params := anthropic.MessageNewParams{
		Model:     cmp.Or(req.Model, c.cfg.Model),
		MaxTokens: int64(req.MaxTokens),
	}
	if req.System != "" {
		params.System = append(params.System, anthropic.TextBlockParam{Text: req.System})
	}
	if req.Context != "" {
		params.System = append(params.System, anthropic.TextBlockParam{Text: req.Context})
	}
	if c.cfg.PromptCaching && len(params.System) > 0 {
		params.System[len(params.System)-1].CacheControl = anthropic.NewCacheControlEphemeralParam()
	}
	for i, t := range req.Turns {
		last := i == len(req.Turns)-1
		var blocks []anthropic.ContentBlockParamUnion
		for _, a := range t.Attachments {
			blocks = append(blocks, attachmentBlock(a))
		}
		if last && c.cfg.PromptCaching && len(blocks) > 0 {
			markCache(blocks[len(blocks)-1])
		}
		if t.Text != "" || len(blocks) == 0 {
			blocks = append(blocks, anthropic.NewTextBlock(t.Text))
		}
		// The end of the previous turn closes the history that the next
		// request repeats unchanged.
		if i == len(req.Turns)-2 && c.cfg.PromptCaching {
			markCache(blocks[len(blocks)-1])
		}
		if t.Role == model.Assistant {
			params.Messages = append(params.Messages, anthropic.NewAssistantMessage(blocks...))
		} else {
			params.Messages = append(params.Messages, anthropic.NewUserMessage(blocks...))
		}
	}
	return params
}

// attachmentBlock is a file in the form Claude reads natively: an image
// block, a PDF document block, or text that names its file.
func attachmentBlock(a model.Attachment) anthropic.ContentBlockParamUnion {
	switch a.Kind {
	case "image":
		return anthropic.NewImageBlockBase64(a.MediaType, base64.StdEncoding.EncodeToString(a.Data))
	case "pdf":
		b := anthropic.NewDocumentBlock(anthropic.Base64PDFSourceParam{Data: base64.StdEncoding.EncodeToString(a.Data)})
		b.OfDocument.Title = anthropic.String(a.Name)
		return b
	}
	return anthropic.NewTextBlock(`<file name="` + html.EscapeString(a.Name) + `">` + "\n" + string(a.Data) + "\n</file>")
}

func markCache(b anthropic.ContentBlockParamUnion) {
	if cc := b.GetCacheControl(); cc != nil {
		*cc = anthropic.NewCacheControlEphemeralParam()
	}
}
