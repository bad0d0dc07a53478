package logging

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strconv"
)

// Config is how a binary logs. Mains fill it from the environment with
// ConfigFromEnv.
type Config struct {
	// Level is LOG_LEVEL.
	Level string
	// Dir is LOG_DIR: when set, warnings and errors also go to
	// Dir/<name>.error.log and the router's access log to Dir/access.log,
	// rotated (see FileConfig); otherwise everything goes to stderr.
	Dir string
	// Content is LOG_CONTENT: with LOG_LEVEL=debug it keeps users' message
	// content in the log; otherwise content is always redacted.
	Content bool
	File    FileConfig
}

// ConfigFromEnv reads LOG_LEVEL, LOG_DIR, LOG_CONTENT and LOG_MAX_SIZE_MB.
func ConfigFromEnv() Config {
	c := Config{Level: os.Getenv("LOG_LEVEL"), Dir: os.Getenv("LOG_DIR"), File: DefaultFiles}
	c.Content, _ = strconv.ParseBool(os.Getenv("LOG_CONTENT"))
	if mb, err := strconv.Atoi(os.Getenv("LOG_MAX_SIZE_MB")); err == nil && mb > 0 {
		c.File.MaxSizeMB = mb
	}
	return c
}

// Logs are a binary's loggers, all scrubbed by one Scrubber.
type Logs struct {
	// Logger writes JSON lines at Level to stderr and, with a Dir,
	// warnings and errors also to <name>.error.log.
	Logger *slog.Logger
	// Scrubber redacts secrets from every record; register configured
	// secret values with AddSecrets.
	Scrubber *Scrubber

	cfg    Config
	stderr io.Writer
	attrs  []slog.Attr
	files  []*File
}

// Open builds the loggers of the binary name (its error log's file name).
func Open(cfg Config, stderr io.Writer, name string, attrs ...slog.Attr) (*Logs, error) {
	lv := ParseLevel(cfg.Level)
	l := &Logs{Scrubber: NewScrubber(cfg.Content && lv == slog.LevelDebug), cfg: cfg, stderr: stderr, attrs: attrs}
	var h slog.Handler = jsonHandler(stderr, lv, l.Scrubber)
	if cfg.Dir != "" {
		f, err := OpenFile(cfg.Dir, name+".error.log", cfg.File)
		if err != nil {
			return nil, err
		}
		l.files = append(l.files, f)
		h = fanout{h, jsonHandler(f, slog.LevelWarn, l.Scrubber)}
	}
	l.Logger = slog.New(contextHandler{h}).With(attrsToAny(attrs)...)
	return l, nil
}

// AccessWriter is where the router's access log goes: Dir/access.log
// when a Dir is set, else the stderr writer Open was given.
func (l *Logs) AccessWriter() (io.Writer, error) {
	if l.cfg.Dir == "" {
		return l.stderr, nil
	}
	f, err := OpenFile(l.cfg.Dir, "access.log", l.cfg.File)
	if err != nil {
		return nil, err
	}
	l.files = append(l.files, f)
	return f, nil
}

// NewLogger is a logger on w at Level with Open's attributes, scrubbed by
// the same Scrubber (the access log's, over accesslog.Buffer).
func (l *Logs) NewLogger(w io.Writer) *slog.Logger {
	return slog.New(contextHandler{jsonHandler(w, ParseLevel(l.cfg.Level), l.Scrubber)}).With(attrsToAny(l.attrs)...)
}

// Close closes the log files.
func (l *Logs) Close() error {
	var errs []error
	for _, f := range l.files {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// fanout hands each record to every handler that takes its level.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, lv slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, lv) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
