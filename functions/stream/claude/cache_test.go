package claude

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// conversation runs turns of a chat whose first message carries a text
// file of about attachmentTokens tokens, and returns each reply's usage.
//
// salt makes the system prompt unique, so no earlier run's cache is read.
func conversation(tb testing.TB, url string, caching bool, turns, attachmentTokens int, salt string) []model.Usage {
	tb.Helper()
	c := New(Config{APIKey: "test-key", BaseURL: url, Model: "claude-test", PromptCaching: caching})
	file := model.Attachment{Name: "design.md", MediaType: "text/markdown", Kind: "text",
		Data: []byte(strings.Repeat("The order service owns orders. ", attachmentTokens*4/31))}
	var history []model.Turn
	var out []model.Usage
	for i := range turns {
		user := model.Turn{Role: model.User, Text: fmt.Sprintf("Question %d: what about part %d of the design?", i+1, i+1)}
		if i == 0 {
			user.Attachments = []model.Attachment{file}
		}
		history = append(history, user)
		var reply strings.Builder
		usage, err := c.Stream(context.Background(), model.Request{System: salt + strings.Repeat("You are an architect. ", 60),
			Turns: history, MaxTokens: 1024}, func(s string) { reply.WriteString(s) })
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, usage)
		history = append(history, model.Turn{Role: model.Assistant, Text: reply.String()})
	}
	return out
}

func sum(us []model.Usage) (full, creation, read int) {
	for _, u := range us {
		full += u.InputTokens
		creation += u.CacheCreationInputTokens
		read += u.CacheReadInputTokens
	}
	return
}

// TestPromptCaching: the system prompt, the history up to the previous
// turn and the new turn's files are marked, so the first turn writes the
// cache and each later one reads what came before; without caching every
// token is billed in full.
func TestPromptCaching(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Text: "An answer of a few words about the design."})
	cached := conversation(t, fake.URL, true, 3, 5000, "")
	if u := cached[0]; u.CacheCreationInputTokens < 5000 || u.CacheReadInputTokens != 0 {
		t.Fatalf("first turn %+v: want the system prompt and the file written to the cache", u)
	}
	for i, u := range cached[1:] {
		if u.CacheReadInputTokens < 5000 || u.InputTokens > 100 {
			t.Fatalf("turn %d %+v: want the prefix read from the cache and only the new text at full rate", i+2, u)
		}
	}
	reqs := fake.Requests()
	last := reqs[len(reqs)-1].Body
	if sys := last.SystemBlocks(); len(sys) != 1 || !sys[0].Cached {
		t.Fatalf("system prompt not marked: %+v", sys)
	}
	marked := 0
	for i, m := range last.Messages {
		for j, b := range m.Blocks {
			if b.Cached {
				marked++
				if i != len(last.Messages)-2 || j != len(m.Blocks)-1 {
					t.Fatalf("cache_control on message %d block %d, want only the end of the previous turn", i, j)
				}
			}
		}
	}
	if marked != 1 {
		t.Fatalf("%d message breakpoints, want 1", marked)
	}

	plain := conversation(t, fake.URL, false, 3, 5000, "")
	for _, u := range plain {
		if u.CacheCreationInputTokens != 0 || u.CacheReadInputTokens != 0 || u.InputTokens < 5000 {
			t.Fatalf("uncached usage %+v", u)
		}
	}
}

// BenchmarkPromptCaching is the input billed at the full rate over a
// 20-turn chat whose first message attaches a 30k-token document, with
// and without prompt caching (target: at least 80% less with it).
func BenchmarkPromptCaching(b *testing.B) {
	fake := fakeanthropic.Start(b, fakeanthropic.Script{Text: "A short answer about the design, with one idea to try next."})
	var cachedFull, plainFull, creation, read, run int
	for b.Loop() {
		run++
		salt := fmt.Sprintf("Run %d. ", run)
		cachedFull, creation, read = sum(conversation(b, fake.URL, true, 20, 30_000, salt))
		plainFull, _, _ = sum(conversation(b, fake.URL, false, 20, 30_000, salt))
	}
	b.ReportMetric(float64(plainFull), "full-rate-tokens-uncached")
	b.ReportMetric(float64(cachedFull), "full-rate-tokens-cached")
	b.ReportMetric(100*(1-float64(cachedFull)/float64(plainFull)), "%-fewer-full-rate")
	b.ReportMetric(float64(creation), "cache-write-tokens")
	b.ReportMetric(float64(read), "cache-read-tokens")
	// What it costs in full-rate token equivalents: writes at 1.25×, reads at 0.1×.
	b.ReportMetric(100*(1-(float64(cachedFull)+1.25*float64(creation)+0.1*float64(read))/float64(plainFull)), "%-cheaper-overall")
}
