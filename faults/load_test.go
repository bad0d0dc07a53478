//go:build faults

package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
)

// outcome is one request of a load.
type outcome struct {
	start, end time.Time
	status     int    // 0: no answer
	code       string // the error body's code
	retryAfter string
	err        error
}

func (o outcome) ok() bool { return o.err == nil && o.status > 0 && o.status < 500 }

func (o outcome) kind() string {
	if o.err != nil {
		return "no answer: " + o.err.Error()
	}
	return fmt.Sprintf("%d %s", o.status, o.code)
}

// load runs requests from several workers until stopped.
type load struct {
	mu       sync.Mutex
	outcomes []outcome
	stop     chan struct{}
	wg       sync.WaitGroup
}

func startLoad(workers int, do func(worker int) outcome) *load {
	l := &load{stop: make(chan struct{})}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				o := do(w)
				l.mu.Lock()
				l.outcomes = append(l.outcomes, o)
				l.mu.Unlock()
			}
		}()
	}
	return l
}

// okSince counts the successes of requests that started after t.
func (l *load) okSince(t time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, o := range l.outcomes {
		if o.start.After(t) && o.ok() {
			n++
		}
	}
	return n
}

func (l *load) finish() []outcome {
	close(l.stop)
	l.wg.Wait()
	return l.outcomes
}

// summary is what a load saw around a fault at time fault.
type summary struct {
	sent, failed int
	kinds        map[string]int
	// recovered is how long after the fault the last failed request ended
	// (0 with no failure).
	recovered time.Duration
}

func summarize(outcomes []outcome, fault time.Time) summary {
	s := summary{sent: len(outcomes), kinds: map[string]int{}}
	for _, o := range outcomes {
		if o.ok() {
			continue
		}
		s.failed++
		s.kinds[o.kind()]++
		if d := o.end.Sub(fault); d > s.recovered {
			s.recovered = d
		}
	}
	return s
}

func (s summary) String() string {
	return fmt.Sprintf("sent %d, failed %d %v, answering again %v after the fault", s.sent, s.failed, s.kinds, s.recovered.Round(time.Millisecond))
}

// user is a signed-in user of the suite's studio.
type user struct {
	id     string
	cookie *http.Cookie
	client *http.Client
}

func signIn(t *testing.T, login string) user {
	t.Helper()
	pool, rdb := testkit.OpenPool(t, studio.stack.DatabaseURL), testkit.OpenRedis(t, studio.stack.RedisURL)
	id, cookie := testkit.SignIn(t, pool, rdb, login)
	return user{id: id, cookie: cookie, client: &http.Client{Timeout: 15 * time.Second}}
}

// call sends one request as u. A POST carries a JSON body and the
// studio's Origin, as the SPA's do.
func (u user) call(method, path, body string) outcome {
	o := outcome{start: time.Now()}
	defer func() { o.end = time.Now() }()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, studio.stack.URL+path, r)
	if err != nil {
		o.err = err
		return o
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", studio.stack.URL)
	}
	req.AddCookie(u.cookie)
	resp, err := u.client.Do(req)
	if err != nil {
		o.err = err
		o.end = time.Now()
		return o
	}
	defer resp.Body.Close()
	o.status, o.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	if resp.StatusCode >= 400 {
		var e struct{ Error struct{ Code string } }
		_ = json.NewDecoder(resp.Body).Decode(&e)
		o.code = e.Error.Code
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	o.end = time.Now()
	return o
}

// reply sends a message to chat and reads the reply's events to the end;
// status is the done event's ("" when the stream ended without one).
func (u user) reply(chat string) (o outcome, status string) {
	o = outcome{start: time.Now()}
	req, _ := http.NewRequest(http.MethodPost, studio.stack.URL+"/api/chats/"+chat+"/messages", strings.NewReader(`{"content":"note this"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", studio.stack.URL)
	req.AddCookie(u.cookie)
	resp, err := u.client.Do(req)
	if err != nil {
		o.err, o.end = err, time.Now()
		return o, ""
	}
	defer resp.Body.Close()
	o.status = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error struct{ Code string } }
		_ = json.NewDecoder(resp.Body).Decode(&e)
		o.code, o.end = e.Error.Code, time.Now()
		return o, ""
	}
	sse := testkit.NewSSEReader(resp.Body)
	for {
		e, err := sse.Next()
		if err != nil {
			o.end = time.Now()
			return o, ""
		}
		if e.Type == "done" {
			var d struct{ Status string }
			_ = json.Unmarshal([]byte(e.Data), &d)
			o.end = time.Now()
			return o, d.Status
		}
	}
}

func (u user) newChat(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, studio.stack.URL+"/api/chats", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", studio.stack.URL)
	req.AddCookie(u.cookie)
	resp, err := u.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create chat: %d %v", resp.StatusCode, err)
	}
	return c.ID
}
