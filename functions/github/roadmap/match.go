package roadmap

import (
	"strings"
	"unicode"
)

// Roadmaps name dependencies loosely ("Database schema" for "Set Up
// PostgreSQL Database Schema"), so a dependency is matched by the words it
// shares with an issue title: the earlier issue sharing the most words
// wins, provided it shares at least half of the dependency's words; ties
// go to the earlier issue. Only earlier issues are candidates, because
// issues are created in order and a link needs the number.

// noise are words that say nothing about which issue is meant.
var noise = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "for": true,
	"to": true, "in": true, "on": true, "with": true, "via": true, "system": true, "issue": true,
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if noise[w] {
			continue
		}
		out[stem(w)] = true
	}
	return out
}

// stem folds the word endings roadmaps vary most ("implementation" and
// "implement", "endpoints" and "endpoint").
func stem(w string) string {
	switch {
	case len(w) > 7 && strings.HasSuffix(w, "ation"):
		return strings.TrimSuffix(w, "ation")
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return strings.TrimSuffix(w, "s")
	}
	return w
}

// match returns the index in earlier of the issue text names, or -1.
func match(text string, earlier []Issue) int {
	want := words(text)
	if len(want) == 0 {
		return -1
	}
	best, bestScore := -1, 0
	for i, is := range earlier {
		have := words(is.Title)
		score := 0
		for w := range want {
			if have[w] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if bestScore*2 < len(want) {
		return -1
	}
	return best
}
