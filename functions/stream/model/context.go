package model

import "strings"

// CharsPerToken is the rough size of a token used to budget context
// without a tokenizer.
const CharsPerToken = 4

// EstimateTokens estimates the tokens of s.
func EstimateTokens(s string) int { return (len(s) + CharsPerToken - 1) / CharsPerToken }

// Fit prepares history for the API: it drops empty turns, joins
// consecutive turns of one role (a failed reply leaves two user turns in a
// row), keeps the newest turns that fit in budget tokens (the last turn is
// always kept), and makes the conversation start with a user turn.
func Fit(history []Turn, budget int) []Turn {
	var merged []Turn
	for _, t := range history {
		if strings.TrimSpace(t.Text) == "" {
			continue
		}
		if n := len(merged); n > 0 && merged[n-1].Role == t.Role {
			merged[n-1].Text += "\n\n" + t.Text
			continue
		}
		merged = append(merged, t)
	}
	if len(merged) == 0 {
		return nil
	}
	start := len(merged) - 1
	used := EstimateTokens(merged[start].Text)
	for start > 0 {
		cost := EstimateTokens(merged[start-1].Text)
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
