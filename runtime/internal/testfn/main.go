// Command testfn is the router tests' stand-in function: a real binary
// served by shared/bootstrap on the socket the router hands it, answering
// by the last path segment so any route prefix can lead to it:
//
//	…/sse?n=3&gap=100ms   n SSE events, gap apart, each flushed
//	…/ws                  WebSocket echo
//	…/slow?d=500ms        answers after d; GET …/slowing counts those in progress
//	POST …/job            counts a scheduled call; GET …/jobs reports it
//	anything else         JSON describing the request and this process
//
// TESTFN_NAME names it in answers; TESTFN_FAIL=1 makes it exit at once.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/runtime/internal/testfn/answer"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/jsonio"
)

func main() { bootstrap.Main("testfn", run) }

func run(ctx context.Context, logger *slog.Logger) error {
	if os.Getenv("TESTFN_FAIL") == "1" {
		return fmt.Errorf("TESTFN_FAIL is set")
	}
	var base config.Base
	if err := config.Load(&base); err != nil {
		return err
	}
	var jobs, slowing atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch path.Base(r.URL.Path) {
		case "sse":
			sse(w, r)
		case "ws":
			echo(w, r)
		case "wswho":
			// The peer the function sees (see answer.Echo.Remote), as the
			// WebSocket's one message.
			if c, err := websocket.Accept(w, r, nil); err == nil {
				_ = c.Write(r.Context(), websocket.MessageText, []byte(r.RemoteAddr))
				_ = c.Close(websocket.StatusNormalClosure, "")
			}
		case "slow":
			d, _ := time.ParseDuration(r.URL.Query().Get("d"))
			slowing.Add(1)
			time.Sleep(d)
			slowing.Add(-1)
			jsonio.Write(w, http.StatusOK, map[string]string{"slept": d.String()})
		case "job":
			jobs.Add(1)
			w.WriteHeader(http.StatusNoContent)
		case "jobs":
			jsonio.Write(w, http.StatusOK, map[string]int64{"count": jobs.Load()})
		case "slowing":
			jsonio.Write(w, http.StatusOK, map[string]int64{"count": slowing.Load()})
		default:
			jsonio.Write(w, http.StatusOK, answer.Echo{
				Name:           os.Getenv("TESTFN_NAME"),
				PID:            os.Getpid(),
				Method:         r.Method,
				Path:           r.URL.Path,
				Host:           r.Host,
				RequestID:      r.Header.Get("X-Request-ID"),
				ForwardedFor:   r.Header.Get("X-Forwarded-For"),
				ForwardedProto: r.Header.Get("X-Forwarded-Proto"),
				ForwardedHost:  r.Header.Get("X-Forwarded-Host"),
				Remote:         r.RemoteAddr,
			})
		}
	})
	return bootstrap.Serve(ctx, logger, base, h, bootstrap.LongLived())
}

func sse(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	gap, _ := time.ParseDuration(r.URL.Query().Get("gap"))
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	for i := range n {
		if i > 0 {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(gap):
			}
		}
		fmt.Fprintf(w, "id: %d\nevent: tick\ndata: {\"i\":%d}\n\n", i, i)
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

func echo(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	for {
		typ, msg, err := c.Read(r.Context())
		if err != nil {
			return
		}
		if err := c.Write(r.Context(), typ, msg); err != nil {
			return
		}
	}
}
