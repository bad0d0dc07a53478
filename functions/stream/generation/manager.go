// Package generation runs chat replies: it saves the user's message, asks
// the model, splits the reply into prose and artifacts, appends every event
// to the chat's Redis Stream (from which all clients read), saves artifacts
// as they close, and saves the assistant message with how it ended:
// complete, stopped, error or interrupted. A generation runs detached from
// the request that started it, so a client that drops and resumes — on any
// instance — misses nothing.
package generation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
)

// MaxContentChars bounds a user message, in characters.
const MaxContentChars = 100_000

// Config tunes generations.
type Config struct {
	MaxTokens int // the model's max_tokens
	// ContextTokens budgets the history sent as context (estimated at
	// model.CharsPerToken characters a token; newest turns kept).
	ContextTokens int
	// HistoryLimit bounds the messages read for context.
	HistoryLimit int
	// Coalesce is the least time between two text events after the first.
	Coalesce time.Duration
	// LockTTL is the lease on the chat's lock: how long a chat stays locked
	// if this instance dies. The instance renews the leases of all its
	// generations (and reads their stop requests) every LockTTL/5
	// (hub.Leases).
	LockTTL time.Duration
	// Timeout bounds one generation.
	Timeout time.Duration
	// Checkpoint and CheckpointBytes bound how much of the partial reply a
	// crash can lose: it is saved once either much time or text has passed
	// since the last save.
	Checkpoint      time.Duration
	CheckpointBytes int
	// SystemPrompt defaults to DefaultSystemPrompt.
	SystemPrompt string
	// Starts bounds the replies being set up (saved, locked, their model
	// called) at once; more wait their turn. Default 16.
	Starts int
}

func (c Config) withDefaults() Config {
	if c.MaxTokens <= 0 {
		c.MaxTokens = 4096
	}
	if c.ContextTokens <= 0 {
		c.ContextTokens = 100_000
	}
	if c.HistoryLimit <= 0 {
		c.HistoryLimit = 200
	}
	if c.Coalesce <= 0 {
		c.Coalesce = 30 * time.Millisecond
	}
	if c.LockTTL <= 0 {
		c.LockTTL = 5 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Minute
	}
	if c.Checkpoint <= 0 {
		c.Checkpoint = time.Second
	}
	if c.CheckpointBytes <= 0 {
		c.CheckpointBytes = 2048
	}
	if c.Starts <= 0 {
		c.Starts = 16
	}
	if c.SystemPrompt == "" {
		c.SystemPrompt = DefaultSystemPrompt
	}
	return c
}

// Deps are what a Manager works with.
type Deps struct {
	Store *chatstore.Store
	Quota *quota.Quota
	Hub   *hub.Hub
	Model model.Model
	// Blobs holds attachment bytes kept outside PostgreSQL (BLOB_STORE_URL);
	// nil when they all live in PostgreSQL.
	Blobs *blobstore.Store
	// Prefs supplies each user's chosen model; nil gives everyone the
	// model's default.
	Prefs  Preferences
	Logger *slog.Logger
	Config Config
	// LeaseClient renews the chat locks (hub.Leases); nil uses the hub's
	// client. A client of its own keeps renewals from queueing behind
	// thousands of appends.
	LeaseClient *redis.Client
}

// Preferences is what a generation reads of the user's preferences
// (*prefs.Store).
type Preferences interface {
	Get(ctx context.Context, userID string) (prefs.Preferences, error)
}

// Why a generation's context ended, which decides its final status.
var (
	errStopped     = errors.New("generation: stopped by the user")
	errInterrupted = errors.New("generation: interrupted by shutdown")
	errTimedOut    = errors.New("generation: took too long")
	// errLeaseLost: the chat's lock expired under the generation (Redis
	// was unreachable for longer than LockTTL); another instance may have
	// ended it already.
	errLeaseLost = errors.New("generation: lost the chat's lock")
)

// Manager starts generations and tracks those running on this instance.
type Manager struct {
	d      Deps
	cfg    Config
	log    *slog.Logger
	leases *hub.Leases
	starts chan struct{} // a slot per setup running (Config.Starts)
	// checkpoints saves the partial replies of the generations running
	// here.
	checkpoints checkpointer

	mu       sync.Mutex
	runs     map[string]*run // by chat id
	draining bool
	wg       sync.WaitGroup

	drainOnce sync.Once
	closed    chan struct{}
}

// New returns a Manager.
func New(d Deps) *Manager {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	cfg := d.Config.withDefaults()
	m := &Manager{d: d, cfg: cfg, log: d.Logger, runs: map[string]*run{}, closed: make(chan struct{}),
		leases: d.Hub.NewLeases(d.LeaseClient, cfg.LockTTL), starts: make(chan struct{}, cfg.Starts)}
	m.checkpoints.m = m
	return m
}

// Listen subscribes to stop requests from every instance until ctx ends.
func (m *Manager) Listen(ctx context.Context) error {
	return m.d.Hub.ListenStops(ctx, func(chat, gen string) { m.stopLocal(chat, gen) })
}

// Model returns the model generations use.
func (m *Manager) Model() model.Model { return m.d.Model }

// ValidateContent checks a user message: 1 to MaxContentChars characters,
// not only whitespace. Errors name the field "content".
func ValidateContent(content string) error {
	if !utf8.ValidString(content) || strings.IndexByte(content, 0) >= 0 {
		return apperr.InvalidField("content", "must be valid UTF-8 text")
	}
	n := utf8.RuneCountInString(content)
	if n == 0 || strings.TrimSpace(content) == "" {
		return apperr.InvalidField("content", "must not be empty")
	}
	if n > MaxContentChars {
		return apperr.InvalidField("content", "must be at most %d characters", MaxContentChars)
	}
	return nil
}

// Started describes a generation that has begun; its events follow in the
// chat's stream.
type Started struct {
	ChatID             string
	UserMessageID      string
	AssistantMessageID string
	Model              string
}

// Input is what a generation answers: a new message, an edit of an
// earlier one or another answer to one.
type Input struct {
	// Content is the user's message; unused with RegenerateOf.
	Content string
	// EditOf, when set, is a user message the new one replaces: it becomes
	// that message's sibling, and the context is what preceded it.
	EditOf string
	// RegenerateOf, when set, is an assistant message to answer again: the
	// new answer is its sibling, to the same user message.
	RegenerateOf string
	// AttachmentIDs are unsent attachments of the chat, sent with the
	// message in this order. Each must be an unsent, checked file of the
	// chat (NotFound otherwise), and together with the files the chat
	// already sent they must stay within the API's limits (Invalid, naming
	// the file and the limit).
	AttachmentIDs []string
}

// Start begins a reply to content, appended to the chat's shown branch.
func (m *Manager) Start(ctx context.Context, user session.User, chatID, content string) (Started, error) {
	return m.StartInput(ctx, user, chatID, Input{Content: content})
}

// StartInput begins a reply to in in user's chat. In order: it refuses
// when the instance is draining (Unavailable), checks the chat is the
// user's (NotFound), reserves quota (QuotaExceeded), takes the chat's lock
// (Conflict), saves the user's message, creates the streaming assistant
// message, opens the chat's stream with message_start and starts the
// model. Errors are *apperr.Error.
func (m *Manager) StartInput(ctx context.Context, user session.User, chatID string, in Input) (Started, error) {
	if in.RegenerateOf != "" && in.EditOf != "" {
		return Started{}, apperr.InvalidField("regenerate_of", "cannot be combined with edit_of")
	}
	if in.RegenerateOf == "" {
		if err := ValidateContent(in.Content); err != nil {
			return Started{}, err
		}
	}
	if m.isDraining() {
		return Started{}, unavailable()
	}
	// At most Starts setups run at once. Thousands started together
	// each waited behind all the others for every one of their dozen
	// statements, so all finished late together (past their deadline);
	// admitted in turn, each finishes in the time of its own statements.
	select {
	case m.starts <- struct{}{}:
		defer func() { <-m.starts }()
	case <-ctx.Done():
		return Started{}, apperr.Wrap(ctx.Err(), apperr.Unavailable, "the stream service is busy; try again shortly")
	}
	if _, err := m.d.Store.GetChat(ctx, user.ID, chatID); err != nil {
		return Started{}, err
	}
	if len(in.AttachmentIDs) > 0 {
		adding, err := m.d.Store.PendingSend(ctx, user.ID, chatID, in.AttachmentIDs)
		if err != nil {
			return Started{}, err
		}
		sent, err := m.d.Store.SentAttachments(ctx, user.ID, chatID)
		if err != nil {
			return Started{}, err
		}
		if err := checkRequestLimits(sent, adding); err != nil {
			return Started{}, err
		}
	}
	res, err := m.d.Quota.Reserve(ctx, user.ID)
	if err != nil {
		return Started{}, err
	}
	// From here on the steps leave state behind (a reservation, a lock,
	// saved messages), so a client that goes away must not cut them short.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	gen := newID()
	ok, err := m.d.Hub.Acquire(ctx, chatID, gen, m.cfg.LockTTL)
	if err != nil || !ok {
		m.release(res)
		if err != nil {
			return Started{}, apperr.Wrap(err, apperr.Unavailable, "the stream service is unavailable; try again shortly")
		}
		return Started{}, apperr.New(apperr.Conflict, "a reply is already being generated in this chat")
	}
	// The lease is renewed from the moment it is taken: under load the
	// writes below can take longer than the lease, and a lease lapsing
	// then would let a sweep end the reply before it began.
	rctx, cancelRun := context.WithCancelCause(context.Background())
	rctx, cancelTimeout := context.WithTimeoutCause(rctx, m.cfg.Timeout, errTimedOut)
	dropLease := m.leases.Hold(chatID, gen,
		func() { cancelRun(errLeaseLost) }, func() { cancelRun(errStopped) })
	started, r, err := m.open(ctx, user, chatID, gen, in, res, rctx, cancelRun)
	if err != nil {
		// Ends a model call already started, whose text is dropped.
		cancelRun(err)
		cancelTimeout()
		dropLease()
		m.release(res)
		m.unlock(chatID, gen)
		return Started{}, err
	}
	r.dropLease, r.cancelTimeout = dropLease, cancelTimeout
	m.mu.Lock()
	if m.draining {
		// Shutdown began while we prepared: end the message as interrupted
		// at once rather than start a model call nobody will wait for.
		m.mu.Unlock()
		r.cancel(errInterrupted)
		r.run()
		return started, nil
	}
	// Added under mu while not draining, so every Add happens before
	// Drain's Wait.
	m.runs[chatID] = r
	m.wg.Add(1)
	m.mu.Unlock()
	go func() {
		defer m.wg.Done()
		r.run()
	}()
	return started, nil
}

// opened is what open's transaction saved and read.
type opened struct {
	orphans       int64 // replies of dead generations it ended
	history       []chatstore.Message
	userMsg, asst chatstore.Message
	versions      map[string]int
}

// save opens the generation in PostgreSQL, in one transaction: it ends a
// reply a dead generation left streaming, reads the history (the branch the
// new message follows), saves the user's message
// (unless an answer is regenerated), names an untitled chat after it,
// creates the streaming assistant message and reads the artifacts'
// versions. Either all of it is stored or none.
func (m *Manager) save(ctx context.Context, user session.User, chatID string, in Input, history []chatstore.Message) (opened, error) {
	o := opened{history: history}
	err := m.d.Store.InTx(ctx, func(tx *chatstore.Store) error {
		var err error
		// This generation holds the chat's lock, so a reply still
		// streaming here is a dead generation's.
		if o.orphans, err = tx.InterruptChat(ctx, user.ID, chatID); err != nil {
			return err
		}
		switch {
		case in.RegenerateOf != "":
			err = m.saveRegenerate(ctx, tx, user, chatID, in.RegenerateOf, &o)
		case in.EditOf != "":
			err = m.saveEdit(ctx, tx, user, chatID, in, &o)
		default:
			if o.history == nil {
				if o.history, err = tx.History(ctx, user.ID, chatID, m.cfg.HistoryLimit); err != nil {
					return err
				}
			}
			o.userMsg, err = tx.InsertMessage(ctx, user.ID, chatID, chatstore.RoleUser, in.Content, chatstore.StatusComplete)
		}
		if err != nil {
			return err
		}
		if err := tx.AttachToMessage(ctx, user.ID, chatID, o.userMsg.ID, in.AttachmentIDs); err != nil {
			return err
		}
		if _, err := tx.SetTitleIfEmpty(ctx, user.ID, chatID, o.userMsg.Content); err != nil {
			return err
		}
		if o.asst, err = tx.InsertMessageAfter(ctx, user.ID, chatID, o.userMsg.ID, chatstore.RoleAssistant, "", chatstore.StatusStreaming); err != nil {
			return err
		}
		o.versions, err = latestVersions(ctx, tx, user.ID, chatID)
		return err
	})
	return o, err
}

// saveEdit saves in.Content as a sibling of user message in.EditOf; the
// context is the branch before it.
func (m *Manager) saveEdit(ctx context.Context, tx *chatstore.Store, user session.User, chatID string, in Input, o *opened) error {
	edited, err := tx.GetMessage(ctx, user.ID, chatID, in.EditOf)
	if err != nil {
		return asField(err, "edit_of")
	}
	if edited.Role != chatstore.RoleUser {
		return apperr.InvalidField("edit_of", "must be one of your messages")
	}
	parent := ""
	if edited.ParentID != nil {
		parent = *edited.ParentID
		if o.history, err = tx.Path(ctx, user.ID, chatID, parent, m.cfg.HistoryLimit); err != nil {
			return err
		}
	}
	o.userMsg, err = tx.InsertMessageAfter(ctx, user.ID, chatID, parent, chatstore.RoleUser, in.Content, chatstore.StatusComplete)
	return err
}

// saveRegenerate prepares another answer to the user message that
// assistant message id answered; the context is the branch up to that
// user message.
func (m *Manager) saveRegenerate(ctx context.Context, tx *chatstore.Store, user session.User, chatID, id string, o *opened) error {
	answer, err := tx.GetMessage(ctx, user.ID, chatID, id)
	if err != nil {
		return asField(err, "regenerate_of")
	}
	if answer.Role != chatstore.RoleAssistant || answer.ParentID == nil {
		return apperr.InvalidField("regenerate_of", "must be an answer")
	}
	path, err := tx.Path(ctx, user.ID, chatID, *answer.ParentID, m.cfg.HistoryLimit+1)
	if err != nil {
		return err
	}
	o.userMsg, o.history = path[len(path)-1], path[:len(path)-1]
	if o.userMsg.Role != chatstore.RoleUser {
		return apperr.InvalidField("regenerate_of", "must be an answer")
	}
	return nil
}

// asField turns a missing message named by a request field into a 404 that
// says which message; other errors pass.
func asField(err error, field string) error {
	if errors.Is(err, chatstore.ErrNotFound) {
		return apperr.Wrap(err, apperr.NotFound, "the message in "+field+" was not found")
	}
	return err
}

// open saves the messages, opens the stream and prepares the run. A new
// message without attachments (most replies) has its model call started
// as soon as the request is known, before the writes: its context is the
// shown branch as it is now (the chat's lock keeps other replies out) and
// the new message brings no file.
func (m *Manager) open(ctx context.Context, user session.User, chatID, gen string, in Input, res *quota.Reservation,
	rctx context.Context, cancel context.CancelCauseFunc) (Started, *run, error) {
	var (
		early       *call
		history     []chatstore.Message
		files       map[string][]model.Attachment
		repoContext string
		modelName   string
	)
	ask := func(history []chatstore.Message, userMsg chatstore.Message) model.Request {
		turns := make([]model.Turn, 0, len(history)+1)
		for _, msg := range history {
			turns = append(turns, model.Turn{Role: msg.Role, Text: msg.Content, Attachments: files[msg.ID]})
		}
		turns = append(turns, model.Turn{Role: model.User, Text: userMsg.Content, Attachments: files[userMsg.ID]})
		return model.Request{Model: modelName, System: m.cfg.SystemPrompt, Context: repoContext,
			Turns: model.Fit(turns, m.cfg.ContextTokens), MaxTokens: m.cfg.MaxTokens}
	}
	// The request's reads are independent: side by side, they cost one
	// round trip of time, not four.
	reads := func(withHistory bool) error {
		var wg sync.WaitGroup
		var filesErr, repoErr, historyErr error
		wg.Go(func() { modelName = m.modelFor(ctx, user.ID) })
		wg.Go(func() { files, filesErr = m.chatFiles(ctx, user.ID, chatID) })
		// The chat's repository context, as the github function last built it.
		wg.Go(func() { repoContext, repoErr = m.d.Store.RepositoryContext(ctx, user.ID, chatID) })
		if withHistory {
			wg.Go(func() { history, historyErr = m.d.Store.History(ctx, user.ID, chatID, m.cfg.HistoryLimit) })
		}
		wg.Wait()
		for _, err := range []error{historyErr, filesErr, repoErr} {
			if err != nil {
				return err
			}
		}
		return nil
	}
	if in.RegenerateOf == "" && in.EditOf == "" && len(in.AttachmentIDs) == 0 {
		if err := reads(true); err != nil {
			return Started{}, nil, err
		}
		if history == nil {
			history = []chatstore.Message{} // read: save must not read it again
		}
		early = startCall(rctx, m.d.Model, ask(history, chatstore.Message{Content: in.Content}))
	}
	o, err := m.save(ctx, user, chatID, in, history)
	if err != nil {
		return Started{}, nil, err
	}
	userMsg, asst := o.userMsg, o.asst
	fail := func(err error) (Started, *run, error) {
		// The reply never started: record that rather than leave it
		// streaming.
		if _, ferr := m.d.Store.FinishMessage(ctx, user.ID, asst.ID, "", chatstore.StatusError, modelName, 0, 0); ferr != nil {
			m.log.ErrorContext(ctx, "stream: mark unstarted reply", slog.Any("error", ferr))
		}
		return Started{}, nil, err
	}
	if early == nil {
		// The files include those the new message brought.
		if err := reads(false); err != nil {
			return fail(err)
		}
	}
	if o.orphans > 0 {
		// Tell the dead generation's followers, before its events go.
		m.abandon(ctx, chatID, gen)
	}
	events, err := m.d.Hub.Open(ctx, chatID, gen)
	if err != nil {
		return fail(apperr.Wrap(err, apperr.Unavailable, "the stream service is unavailable; try again shortly"))
	}
	started := Started{ChatID: chatID, UserMessageID: userMsg.ID, AssistantMessageID: asst.ID, Model: modelName}
	r := &run{
		m: m, user: user, chatID: chatID, gen: gen, messageID: asst.ID, reservation: res,
		ctx: rctx, cancel: cancel, call: early,
		request:  ask(o.history, userMsg),
		versions: o.versions,
		log:      m.log.With(slog.String("chat_id", chatID), slog.String("message_id", asst.ID)),
	}
	r.pub = newPublisher(events, chatID, m.cfg.Coalesce, m.log, func() { r.cancel(errLeaseLost) })
	r.pub.event(TypeMessageStart, MessageStart{UserMessageID: userMsg.ID, AssistantMessageID: asst.ID, Model: started.Model})
	return started, r, nil
}

// chatFiles reads the chat's sent files, by message id.
func (m *Manager) chatFiles(ctx context.Context, userID, chatID string) (map[string][]model.Attachment, error) {
	sent, err := m.d.Store.SentAttachments(ctx, userID, chatID)
	if err != nil || len(sent) == 0 {
		return nil, err
	}
	return m.loadAttachments(ctx, sent)
}

// modelFor is the model that answers the user: their preference, as the
// model allows it. Unreadable preferences must not block a reply, so they
// fall back to the default.
func (m *Manager) modelFor(ctx context.Context, userID string) string {
	if m.d.Prefs == nil {
		return m.d.Model.Name("")
	}
	p, err := m.d.Prefs.Get(ctx, userID)
	if err != nil {
		m.log.WarnContext(ctx, "stream: read preferences; using the default model", slog.Any("error", err))
		return m.d.Model.Name("")
	}
	return m.d.Model.Name(p.Model)
}

// latestVersions returns the current version of each artifact of the chat,
// to announce a new artifact's version when it starts.
func latestVersions(ctx context.Context, store *chatstore.Store, userID, chatID string) (map[string]int, error) {
	arts, err := store.LatestArtifacts(ctx, userID, chatID)
	if err != nil {
		return nil, err
	}
	v := make(map[string]int, len(arts))
	for _, a := range arts {
		v[a.Identifier] = a.Version
	}
	return v, nil
}

// Stop asks the chat's running generation to stop, wherever it runs.
func (m *Manager) Stop(ctx context.Context, user session.User, chatID string) error {
	if _, err := m.d.Store.GetChat(ctx, user.ID, chatID); err != nil {
		return err
	}
	if _, err := m.d.Hub.RequestStop(ctx, chatID); err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "the stream service is unavailable; try again shortly")
	}
	return nil
}

// stopLocal stops generation gen of chat if it runs here.
func (m *Manager) stopLocal(chat, gen string) {
	m.mu.Lock()
	r := m.runs[chat]
	m.mu.Unlock()
	if r != nil && r.gen == gen {
		r.cancel(errStopped)
	}
}

func (m *Manager) finished(r *run) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.runs[r.chatID] == r {
		delete(m.runs, r.chatID)
	}
}

// Running returns how many generations run on this instance.
func (m *Manager) Running() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.runs)
}

func (m *Manager) isDraining() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.draining
}

// Drain is the shutdown: new generations are refused (503), running ones
// get up to timeout to finish, then are cancelled and saved as
// interrupted. Afterwards Closed is closed, which ends every client
// stream of this instance (clients resume on another). Calling it again
// waits for the first call's drain.
func (m *Manager) Drain(timeout time.Duration) {
	m.drainOnce.Do(func() {
		m.mu.Lock()
		m.draining = true
		n := len(m.runs)
		m.mu.Unlock()
		m.log.Info("stream: draining", slog.Int("running", n), slog.Duration("timeout", timeout))
		done := make(chan struct{})
		go func() { m.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(timeout):
			m.mu.Lock()
			for _, r := range m.runs {
				r.cancel(errInterrupted)
			}
			m.mu.Unlock()
			<-done
		}
		close(m.closed)
	})
	<-m.closed
}

// SweepStale marks as interrupted the replies left streaming by a process
// that died: none can still be running after the generation timeout. A
// new instance calls it once at start; failures are only logged.
func (m *Manager) SweepStale(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := m.d.Store.InterruptStale(ctx, time.Now().Add(-m.cfg.Timeout-time.Minute))
	switch {
	case err != nil:
		m.log.Warn("stream: sweep stale replies", slog.Any("error", err))
	case n > 0:
		m.log.Info("stream: marked stale replies interrupted", slog.Int64("count", n))
	}
}

// Closed is closed when the instance has drained.
func (m *Manager) Closed() <-chan struct{} { return m.closed }

func (m *Manager) release(res *quota.Reservation) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := res.Release(ctx); err != nil {
		m.log.Error("stream: release quota", slog.Any("error", err))
	}
}

func (m *Manager) unlock(chatID, gen string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.d.Hub.Release(ctx, chatID, gen); err != nil {
		m.log.Error("stream: release chat lock", slog.String("chat_id", chatID), slog.Any("error", err))
	}
}

func unavailable() error {
	e := apperr.New(apperr.Unavailable, "the stream service is restarting; try again in a moment")
	e.RetryAfter = 2 * time.Second
	return e
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
