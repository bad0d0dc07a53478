package generation

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/stream/artifact"
	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func entriesOf(t *testing.T, h *hub.Hub, chat string) []hub.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s := h.Subscribe(chat, "")
	defer s.Close()
	var out []hub.Entry
	for {
		e, err := s.Next(ctx)
		if err != nil {
			return out // caught up (deadline) or done
		}
		out = append(out, e)
	}
}

func xlen(t *testing.T, rdb *redis.Client, chat string) int64 {
	t.Helper()
	n, err := rdb.XLen(context.Background(), "stream:"+chat+":events").Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCoalescing: the first text goes out at once; text arriving within
// the interval after it is merged into one later write; other events
// flush pending text first, keeping order.
func TestCoalescing(t *testing.T) {
	rdb := testkit.Redis(t)
	h := hub.New(rdb, hub.Options{})
	defer h.Close()
	ctx := context.Background()
	h.Acquire(ctx, "c", "g", time.Minute)
	w, err := h.Open(ctx, "c", "g")
	if err != nil {
		t.Fatal(err)
	}
	p := newPublisher(w, "c", 80*time.Millisecond, nil, nil)
	p.text(TypeDelta, "", "first")
	if n := xlen(t, rdb, "c"); n != 1 {
		t.Fatalf("first text held back: %d entries", n)
	}
	p.text(TypeDelta, "", "se")
	p.text(TypeDelta, "", "cond")
	if n := xlen(t, rdb, "c"); n != 1 {
		t.Fatalf("text within the interval written at once: %d entries", n)
	}
	testkit.Eventually(t, 5*time.Second, func() bool { return xlen(t, rdb, "c") == 2 }, "pending text flushed by the timer")
	p.text(TypeDelta, "", "third")        // interval passed: immediate
	p.text(TypeArtifactDelta, "a", "art") // within interval: pending
	p.event(TypeArtifactEnd, ArtifactEnd{Identifier: "a", Version: 1})
	p.close()
	var got []string
	for _, e := range entriesOf(t, h, "c") {
		got = append(got, e.Type+":"+string(e.Data))
	}
	want := []string{
		`delta:{"text":"first"}`,
		`delta:{"text":"second"}`,
		`delta:{"text":"third"}`,
		`artifact_delta:{"identifier":"a","text":"art"}`,
		`artifact_end:{"identifier":"a","version":1,"id":""}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// blockingModel emits one piece, then waits for cancellation.
type blockingModel struct{ started chan struct{} }

func (blockingModel) Name(string) string { return "blocking" }

func (m blockingModel) Stream(ctx context.Context, _ model.Request, emit func(string)) (model.Usage, error) {
	emit("first piece")
	close(m.started)
	<-ctx.Done()
	return model.Usage{InputTokens: 3, OutputTokens: 2}, context.Cause(ctx)
}

// TestDrain: once draining, new generations are refused as unavailable
// (503), and a running one is interrupted at the deadline and saved.
func TestDrain(t *testing.T) {
	pool := testkit.Pool(t)
	url := testkit.RedisURL(t)
	opts, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	h := hub.New(rdb, hub.Options{})
	defer h.Close()
	store := chatstore.New(pool)
	started := make(chan struct{})
	m := New(Deps{
		Store: store, Hub: h, Model: blockingModel{started},
		Quota: quota.New(pool, rdb, quota.Options{Defaults: quota.Limits{DailyCalls: 10, DailyTokens: 1000}}),
	})
	userID, _ := testkit.SignIn(t, pool, rdb, "alice")
	u := session.User{ID: userID, Login: "alice"}
	chat1, _ := store.CreateChat(context.Background(), userID, "")
	chat2, _ := store.CreateChat(context.Background(), userID, "")

	st, err := m.Start(context.Background(), u, chat1.ID, "hello")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	drained := make(chan struct{})
	begun := time.Now()
	go func() { m.Drain(200 * time.Millisecond); close(drained) }()
	testkit.Eventually(t, 5*time.Second, func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.draining
	}, "the manager is draining")
	_, err = m.Start(context.Background(), u, chat2.ID, "hello")
	if !apperr.Is(err, apperr.Unavailable) || apperr.Status(apperr.CodeOf(err)) != 503 {
		t.Fatalf("start while draining: %v", err)
	}
	select {
	case <-drained:
	case <-time.After(5 * time.Second):
		t.Fatal("drain did not finish")
	}
	if d := time.Since(begun); d < 200*time.Millisecond {
		t.Fatalf("drained after %v, before its timeout", d)
	}
	msg, err := store.GetMessage(context.Background(), userID, chat1.ID, st.AssistantMessageID)
	if err != nil || msg.Status != chatstore.StatusInterrupted || msg.Content != "first piece" || msg.OutputTokens != 2 {
		t.Fatalf("saved %+v, %v", msg, err)
	}
	entries := entriesOf(t, h, chat1.ID)
	var done Done
	json.Unmarshal(entries[len(entries)-1].Data, &done)
	if entries[len(entries)-1].Type != TypeDone || done.Status != chatstore.StatusInterrupted {
		t.Fatalf("last event %+v", entries[len(entries)-1])
	}
	select {
	case <-m.Closed():
	default:
		t.Fatal("Closed not closed after Drain")
	}
	if active, _ := h.Active(context.Background(), chat1.ID); active != "" {
		t.Fatal("chat still locked after its generation ended")
	}
}

func TestValidateContent(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"hi", true},
		{strings.Repeat("é", MaxContentChars), true},
		{strings.Repeat("a", MaxContentChars+1), false},
		{"", false},
		{" \n\t", false},
		{"a\x00b", false},
		{string([]byte{0xff, 0xfe}), false},
	}
	for _, tt := range tests {
		err := ValidateContent(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateContent(%.20q) = %v", tt.in, err)
		}
		var e *apperr.Error
		if err != nil && (!errors.As(err, &e) || e.Field != "content") {
			t.Errorf("error does not name content: %v", err)
		}
	}
}

func TestNormalize(t *testing.T) {
	got := normalize(artifact.Attrs{Identifier: "x", Type: "text/plain", Language: "go lang"})
	if got.Type != chatstore.TypeCode || got.Language != "" {
		t.Fatalf("%+v", got)
	}
	got = normalize(artifact.Attrs{Identifier: "x", Type: chatstore.TypeMermaid, Language: "c++"})
	if got.Type != chatstore.TypeMermaid || got.Language != "c++" {
		t.Fatalf("%+v", got)
	}
}
