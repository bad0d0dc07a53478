package model

import "strings"

// CharsPerToken is the rough size of a token used to budget context
// without a tokenizer.
const CharsPerToken = 4

// EstimateTokens estimates the tokens of s.
func EstimateTokens(s string) int { return (len(s) + CharsPerToken - 1) / CharsPerToken }

// Rough token costs of what is not text, as Claude counts them: an image
// of at most about 1.15 megapixels, a PDF page as text plus its image.
const (
	ImageTokens   = 1600
	PDFPageTokens = 2500
)

// turnTokens estimates a turn with its attachments.
func turnTokens(t Turn) int {
	n := EstimateTokens(t.Text)
	for _, a := range t.Attachments {
		switch a.Kind {
		case "image":
			n += ImageTokens
		case "pdf":
			n += max(1, a.Pages) * PDFPageTokens
		default:
			n += EstimateTokens(string(a.Data))
		}
	}
	return n
}

// Fit prepares history for the API: it drops empty turns, joins
// consecutive turns of one role (a failed reply leaves two user turns in a
// row), keeps the newest turns that fit in budget tokens (the last turn is
// always kept), and makes the conversation start with a user turn.
func Fit(history []Turn, budget int) []Turn {
	var merged []Turn
	for _, t := range history {
		if strings.TrimSpace(t.Text) == "" && len(t.Attachments) == 0 {
			continue
		}
		if n := len(merged); n > 0 && merged[n-1].Role == t.Role {
			switch {
			case merged[n-1].Text == "":
				merged[n-1].Text = t.Text
			case t.Text != "":
				merged[n-1].Text += "\n\n" + t.Text
			}
			merged[n-1].Attachments = append(merged[n-1].Attachments, t.Attachments...)
			continue
		}
		merged = append(merged, t)
	}
	if len(merged) == 0 {
		return nil
	}
	start := len(merged) - 1
	used := turnTokens(merged[start])
	for start > 0 {
		cost := turnTokens(merged[start-1])
		if used+cost > budget {
			break
		}
		used += cost
		start--
	}
	kept := merged[start:]
	for len(kept) > 1 && kept[0].Role != User {
		kept = kept[1:]
	}
	return kept
}
