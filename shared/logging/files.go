package logging

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// FileConfig bounds a log file: rotated when it reaches MaxSizeMB and at
// every UTC midnight, rotated files gzipped and removed after MaxAgeDays.
type FileConfig struct {
	MaxSizeMB  int
	MaxAgeDays int
}

// DefaultFiles is what LOG_DIR gets unless LOG_MAX_SIZE_MB says otherwise:
// 100 MB per file, a week kept.
var DefaultFiles = FileConfig{MaxSizeMB: 100, MaxAgeDays: 7}

// File is a rotating log file.
type File struct {
	*lumberjack.Logger
	stop context.CancelFunc
	done chan struct{}
}

// OpenFile opens dir/name (creating dir) as a rotating file and starts its
// daily rotation; Close stops it. lumberjack rotates by size only, so a
// quiet day still gets its own file through the daily trigger.
func OpenFile(dir, name string, cfg FileConfig) (*File, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("LOG_DIR: %w", err)
	}
	lj := &lumberjack.Logger{
		Filename: filepath.Join(dir, name),
		MaxSize:  cfg.MaxSizeMB,
		MaxAge:   cfg.MaxAgeDays,
		Compress: true,
	}
	// Open now, so an unwritable directory fails at start-up, not at the
	// first error.
	if _, err := lj.Write(nil); err != nil {
		return nil, fmt.Errorf("LOG_DIR: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	f := &File{Logger: lj, stop: stop, done: make(chan struct{})}
	go f.daily(ctx, time.Now)
	return f, nil
}

func (f *File) daily(ctx context.Context, now func() time.Time) {
	defer close(f.done)
	for {
		t := time.NewTimer(untilMidnight(now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
			_ = f.Rotate()
		}
	}
}

// untilMidnight is the time from t to the next UTC midnight.
func untilMidnight(t time.Time) time.Duration {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
	return next.Sub(t)
}

// Close stops the daily rotation and closes the file.
func (f *File) Close() error {
	f.stop()
	<-f.done
	return f.Logger.Close()
}
