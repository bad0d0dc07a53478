package generation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

// eagerModel answers at once and then waits: it records whether it was
// called and why its call ended.
type eagerModel struct {
	called chan struct{}
	ended  chan error
}

func (eagerModel) Name(string) string { return "eager" }

func (m eagerModel) Stream(ctx context.Context, _ model.Request, emit func(string)) (model.Usage, error) {
	close(m.called)
	emit("too early")
	<-ctx.Done()
	m.ended <- context.Cause(ctx)
	return model.Usage{}, context.Cause(ctx)
}

// TestEarlyCallCancelledWhenTheWritesFail: the model is called before the
// reply's messages are stored (the first delta does not wait for them);
// when storing them fails, the call is cancelled, nothing of it reaches
// the chat's stream, the reservation is given back and the chat's lock
// freed.
func TestEarlyCallCancelledWhenTheWritesFail(t *testing.T) {
	pool := testkit.Pool(t)
	rdb := testkit.Redis(t)
	h := hub.New(rdb, hub.Options{})
	defer h.Close()
	store := chatstore.New(pool)
	userID, _ := testkit.SignIn(t, pool, rdb, "alice")
	chat, _ := store.CreateChat(context.Background(), userID, "")
	// Every message written from now on is refused; the reads that make
	// the model's request still succeed.
	if _, err := pool.Exec(context.Background(), `
		CREATE FUNCTION refuse_messages() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_messages();`); err != nil {
		t.Fatal(err)
	}
	mdl := eagerModel{called: make(chan struct{}), ended: make(chan error, 1)}
	q := quota.New(pool, rdb, quota.Options{Defaults: quota.Limits{DailyCalls: 10, DailyTokens: 1000}})
	m := New(Deps{Store: store, Hub: h, Model: mdl, Quota: q})

	_, err := m.Start(context.Background(), session.User{ID: userID, Login: "alice"}, chat.ID, "hello")
	if err == nil {
		t.Fatal("Start succeeded though its messages could not be written")
	}
	// Start has returned: only a call it started before the failed
	// writes can still begin.
	select {
	case <-mdl.called:
	case <-time.After(5 * time.Second):
		t.Fatal("the model was not called before the writes")
	}
	select {
	case cause := <-mdl.ended:
		if !errors.Is(cause, err) {
			t.Fatalf("the call ended with %v, want the writes' error %v", cause, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the model call was not cancelled")
	}
	if n := xlen(t, rdb, chat.ID); n != 0 {
		t.Fatalf("%d events in the chat's stream", n)
	}
	rep, rerr := q.Report(context.Background(), userID)
	if rerr != nil || rep.Today.APICalls != 0 {
		t.Fatalf("calls used %+v, %v; want the reservation given back", rep, rerr)
	}
	if gen, _ := h.Active(context.Background(), chat.ID); gen != "" {
		t.Fatal("the chat's lock is still held")
	}
}
