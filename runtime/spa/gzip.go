package spa

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"sync"
	"time"
)

// maxGzip bounds the files compressed in memory; larger ones go out as
// they are.
const maxGzip = 32 << 20

var errTooLarge = errors.New("too large to compress in memory")

// gzipCache holds each file's gzip form, made once on first request and
// redone if the file changes (a rebuild while the router runs).
type gzipCache struct {
	mu      sync.Mutex
	entries map[string]*gzipEntry
}

type gzipEntry struct {
	once    sync.Once
	size    int64
	modTime time.Time
	body    []byte
	err     error
}

func newGzipCache() *gzipCache { return &gzipCache{entries: map[string]*gzipEntry{}} }

func (c *gzipCache) get(name string, f io.Reader, info fs.FileInfo) ([]byte, error) {
	if info.Size() > maxGzip {
		return nil, errTooLarge
	}
	c.mu.Lock()
	e := c.entries[name]
	if e == nil || e.size != info.Size() || !e.modTime.Equal(info.ModTime()) {
		e = &gzipEntry{size: info.Size(), modTime: info.ModTime()}
		c.entries[name] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, e.err = io.Copy(zw, f); e.err != nil {
			return
		}
		if e.err = zw.Close(); e.err == nil {
			e.body = buf.Bytes()
		}
	})
	return e.body, e.err
}

func newReader(b []byte) io.ReadSeeker { return bytes.NewReader(b) }
