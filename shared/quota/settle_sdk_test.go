package quota

import (
	"context"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// TestSettleFromSDKUsage: the streaming function settles with the usage
// anthropic-sdk-go accumulates from the stream (Message.Usage InputTokens
// and OutputTokens, both int64), and releases a call that failed upstream
// before any token. The SDK talks to the fake Messages API.
func TestSettleFromSDKUsage(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		script     fakeanthropic.Script
		wantCalls  int64
		wantTokens int64
	}{
		{"complete", fakeanthropic.Script{Text: "A small layout.", InputTokens: 1234, OutputTokens: 567}, 1, 1801},
		{"cut off mid-stream", fakeanthropic.Script{Text: "abcdefghijklmnopqrstuvwxyz", ChunkSize: 4, ErrorAfter: 2, InputTokens: 900}, 1, 901},
		{"overloaded before any token", fakeanthropic.Script{FailTimes: 1, Fail: fakeanthropic.Overloaded}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Limits{DailyCalls: 10, DailyTokens: 1 << 20})
			user := newUser(t, f.pool)
			api := fakeanthropic.Start(t, tt.script)
			client := anthropic.NewClient(option.WithAPIKey("test-key"), option.WithBaseURL(api.URL), option.WithMaxRetries(0))

			r, err := f.q.Reserve(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release(ctx) //nolint:errcheck // a no-op once settled

			stream := client.Messages.NewStreaming(ctx, anthropic.MessageNewParams{
				Model:     anthropic.ModelClaudeSonnet5_5,
				MaxTokens: 1024,
				Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Draw the services."))},
			})
			var msg anthropic.Message
			started := false
			for stream.Next() {
				started = true
				if err := msg.Accumulate(stream.Current()); err != nil {
					t.Fatal(err)
				}
			}
			if stream.Err() != nil && !started {
				if err := r.Release(ctx); err != nil {
					t.Fatal(err)
				}
			} else if err := r.Settle(ctx, msg.Usage.InputTokens, msg.Usage.OutputTokens); err != nil {
				t.Fatal(err)
			}

			if calls, tokens := recorded(t, f.pool, user, "2026-11-25"); calls != tt.wantCalls || tokens != tt.wantTokens {
				t.Errorf("record = %d calls %d tokens, want %d and %d", calls, tokens, tt.wantCalls, tt.wantTokens)
			}
			if calls, tokens := counters(t, f.rdb, user, "2026-11-25"); calls != itoa(tt.wantCalls) || tokens != itoa(tt.wantTokens) {
				t.Errorf("redis = %s calls %s tokens, want %d and %d", calls, tokens, tt.wantCalls, tt.wantTokens)
			}
		})
	}
}
