package generation

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/archstudio/studio/functions/stream/artifact"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
)

// run is one generation in progress. Only its own goroutine touches its
// fields after Start, apart from cancel.
type run struct {
	m                        *Manager
	user                     session.User
	chatID, gen, messageID   string
	reservation              *quota.Reservation
	ctx                      context.Context
	cancel                   context.CancelCauseFunc
	cancelTimeout            context.CancelFunc
	dropLease                func() // stops renewing the chat's lock
	request                  model.Request
	call                     *call // the model call, when open started it early
	pub                      *publisher
	versions                 map[string]int // identifier → latest saved version
	log                      *slog.Logger
	parser                   artifact.Parser
	content                  strings.Builder // the reply as received, tags included
	open                     *openArtifact
	emitted                  bool
	lastCheckpoint           time.Time
	checkpointedContentBytes int
}

type openArtifact struct {
	attrs   artifact.Attrs
	version int
	content strings.Builder
}

func (r *run) run() {
	defer r.m.finished(r)
	defer r.cancelTimeout()
	// The lease is dropped once done has freed the lock (or the lock is
	// past saving): renewed until then, it cannot lapse while the reply
	// is being saved.
	defer r.dropLease()

	r.lastCheckpoint = time.Now()
	if r.call == nil {
		r.call = startCall(r.ctx, r.m.d.Model, r.request)
	}
	usage, err := r.call.wait(r.emit)
	r.handle(r.parser.Flush())
	r.pub.close()
	r.m.checkpoints.forget(r)

	status, failure := r.outcome(err)
	if failure != nil {
		r.pub.event(TypeError, Error{Code: string(failure.Code), Message: failure.Message})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, serr := r.m.d.Store.FinishMessage(ctx, r.user.ID, r.messageID, r.content.String(), status,
		r.request.Model, usage.InputTokens, usage.OutputTokens); serr != nil {
		r.log.Error("stream: save assistant message", slog.String("status", status), slog.Any("error", serr))
	}
	r.settle(ctx, status, usage)
	r.pub.event(TypeUsage, Usage(usage))
	r.pub.finish(Done{Status: status})
	r.cancel(nil)
	r.log.Info("stream: generation ended", slog.String("status", status),
		slog.Int("input_tokens", usage.InputTokens), slog.Int("output_tokens", usage.OutputTokens),
		slog.Int("cache_creation_input_tokens", usage.CacheCreationInputTokens), slog.Int("cache_read_input_tokens", usage.CacheReadInputTokens),
		slog.Any("error", err))
}

// outcome maps how the model call ended to the message's status, and for
// failures to what the user is told.
func (r *run) outcome(err error) (string, *apperr.Error) {
	if err == nil {
		return chatstore.StatusComplete, nil
	}
	cause := context.Cause(r.ctx)
	switch {
	case errors.Is(err, errStopped) || errors.Is(cause, errStopped):
		return chatstore.StatusStopped, nil
	case errors.Is(err, errInterrupted) || errors.Is(cause, errInterrupted),
		errors.Is(err, errLeaseLost) || errors.Is(cause, errLeaseLost):
		return chatstore.StatusInterrupted, nil
	case errors.Is(err, errTimedOut) || errors.Is(cause, errTimedOut):
		return chatstore.StatusError, apperr.Wrap(err, apperr.Upstream, "the reply took too long and was cut off")
	}
	var e *apperr.Error
	if !errors.As(err, &e) {
		e = apperr.Wrap(err, apperr.Upstream, "Claude failed to answer; please try again")
	}
	return chatstore.StatusError, e
}

// settle charges the call: released when nothing came back (a failure or
// stop before the first token with no usage reported), else settled with
// the model's usage, prompt-cache tokens included in the same write. The
// cache tokens are kept on the message too.
func (r *run) settle(ctx context.Context, status string, usage model.Usage) {
	cache := quota.CacheTokens{Creation: int64(usage.CacheCreationInputTokens), Read: int64(usage.CacheReadInputTokens)}
	if cache != (quota.CacheTokens{}) {
		if err := r.m.d.Store.RecordCacheUsage(ctx, r.user.ID, r.messageID, usage.CacheCreationInputTokens, usage.CacheReadInputTokens); err != nil {
			r.log.Warn("stream: record cache usage on the message", slog.Any("error", err))
		}
	}
	var err error
	if !r.emitted && (status == chatstore.StatusError || usage == (model.Usage{})) {
		err = r.reservation.Release(ctx)
		if err == nil && cache != (quota.CacheTokens{}) {
			err = r.m.d.Quota.AddCacheTokens(ctx, r.user.ID, cache.Creation, cache.Read)
		}
	} else {
		err = r.reservation.SettleWithCache(ctx, int64(usage.InputTokens), int64(usage.OutputTokens), cache)
	}
	if err != nil {
		r.log.Error("stream: settle quota", slog.Any("error", err))
	}
}

// emit receives each piece of the model's reply.
func (r *run) emit(text string) {
	r.emitted = true
	r.content.WriteString(text)
	r.handle(r.parser.Feed(text))
	if time.Since(r.lastCheckpoint) >= r.m.cfg.Checkpoint || r.content.Len()-r.checkpointedContentBytes >= r.m.cfg.CheckpointBytes {
		r.checkpoint()
	}
}

func (r *run) handle(events []artifact.Event) {
	for _, e := range events {
		switch e.Kind {
		case artifact.Text:
			r.pub.text(TypeDelta, "", e.Text)
		case artifact.Start:
			a := normalize(e.Attrs)
			r.open = &openArtifact{attrs: a, version: r.versions[a.Identifier] + 1}
			r.pub.event(TypeArtifactStart, ArtifactStart{Identifier: a.Identifier, Type: a.Type,
				Title: a.Title, Language: a.Language, Version: r.open.version})
		case artifact.Delta:
			r.open.content.WriteString(e.Text)
			r.pub.text(TypeArtifactDelta, r.open.attrs.Identifier, e.Text)
		case artifact.End:
			r.pub.event(TypeArtifactEnd, r.saveArtifact())
			r.open = nil
		}
	}
}

// saveArtifact stores the artifact that just closed as its identifier's
// next version.
func (r *run) saveArtifact() ArtifactEnd {
	a := r.open
	end := ArtifactEnd{Identifier: a.attrs.Identifier, Version: a.version}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	saved, err := r.m.d.Store.SaveArtifact(ctx, r.user.ID, r.chatID, r.messageID,
		a.attrs.Identifier, a.attrs.Type, a.attrs.Language, a.attrs.Title, a.content.String())
	if err != nil {
		r.log.Warn("stream: save artifact", slog.String("identifier", a.attrs.Identifier), slog.Any("error", err))
		return end
	}
	r.versions[saved.Identifier] = saved.Version
	end.Version, end.ID = saved.Version, saved.ID
	return end
}

// checkpoint hands the partial reply to the instance's checkpointer, so
// a crash of this process loses at most about one interval of text.
func (r *run) checkpoint() {
	r.lastCheckpoint = time.Now()
	if r.content.Len() == r.checkpointedContentBytes {
		return
	}
	r.m.checkpoints.offer(r, r.content.String())
	r.checkpointedContentBytes = r.content.Len()
}

// normalize makes an artifact storable: an unknown type is shown as code
// (never rendered), an unusable language name is dropped.
func normalize(a artifact.Attrs) artifact.Attrs {
	if !chatstore.ValidType(a.Type) {
		a.Type = chatstore.TypeCode
	}
	if !chatstore.ValidLanguage(a.Language) {
		a.Language = ""
	}
	return a
}
