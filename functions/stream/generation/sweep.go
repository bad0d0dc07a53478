package generation

import (
	"context"
	"log/slog"
	"time"
)

// A generation whose process died (kill -9, a crash, a lost machine)
// leaves its assistant message streaming with the text last checkpointed,
// and its chat's lock expiring within LockTTL. Any instance then ends it:
// the sweep below, every few seconds, or the chat's next reply (save).
// Ending it marks the message interrupted, keeping that text, and appends
// done {interrupted} to the chat's stream for whoever follows it.

// sweepBatch bounds the messages one sweep looks at.
const sweepBatch = 100

// doneInterrupted is the done event of a generation ended for it.
var doneInterrupted = []byte(`{"status":"interrupted"}`)

// Sweep ends the replies of dead generations every interval until ctx
// ends.
func (m *Manager) Sweep(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.SweepOnce(ctx)
		}
	}
}

// SweepOnce ends the replies still streaming whose generation no longer
// holds its chat's lock, and returns how many it ended. Failures are
// logged: the next sweep tries again.
func (m *Manager) SweepOnce(ctx context.Context) int {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	msgs, err := m.d.Store.StreamingMessages(ctx, sweepBatch)
	if err != nil {
		m.log.Warn("stream: sweep", slog.Any("error", err))
		return 0
	}
	ended := 0
	for _, msg := range msgs {
		if m.runsHere(msg.ChatID) {
			continue
		}
		// The lock is taken before the message is created and freed after
		// it is saved final, so a streaming message with no lock is a dead
		// generation's.
		gen, err := m.d.Hub.Active(ctx, msg.ChatID)
		if err != nil {
			// Redis is out: no lease can be judged now.
			m.log.Warn("stream: sweep", slog.Any("error", err))
			return ended
		}
		if gen != "" {
			continue
		}
		ok, err := m.d.Store.InterruptMessage(ctx, msg.ID)
		if err != nil {
			m.log.Warn("stream: sweep", slog.Any("error", err))
			return ended
		}
		if !ok {
			continue // it ended meanwhile
		}
		ended++
		m.abandon(ctx, msg.ChatID, "")
		m.log.Info("stream: ended the reply of a dead generation as interrupted",
			slog.String("chat_id", msg.ChatID), slog.String("message_id", msg.ID))
	}
	return ended
}

// abandon appends done {interrupted} to chat's stream after a dead
// generation's last event. holder is the generation allowed to hold the
// chat's lock meanwhile ("" for none).
func (m *Manager) abandon(ctx context.Context, chatID, holder string) {
	if _, err := m.d.Hub.Abandon(ctx, chatID, holder, doneInterrupted); err != nil {
		m.log.Warn("stream: end a dead generation's stream", slog.String("chat_id", chatID), slog.Any("error", err))
	}
}

// runsHere reports whether a generation of chat runs on this instance.
func (m *Manager) runsHere(chatID string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runs[chatID] != nil
}
