package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// startRouter runs the local router (runtime/cmd/router) in front of the
// stream binary, as `make run` does, and returns its base URL.
func startRouter(t *testing.T, s *stack, extra ...string) string {
	t.Helper()
	base, _ := startRouterCmd(t, s, extra...)
	return base
}

// startRouterCmd is startRouter that also returns the router's process.
func startRouterCmd(t *testing.T, s *stack, extra ...string) (string, *exec.Cmd) {
	t.Helper()
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/runtime/cmd/router")
	dir, err := os.MkdirTemp("", "as-router-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	manifest := map[string]any{"functions": []any{map[string]any{
		"name": "stream", "binary": s.bin, "long_lived": true,
		"routes": []string{"POST /api/chats/*/messages", "GET /api/chats/*/events", "POST /api/chats/*/stop", "GET /api/ws"},
	}}}
	b, _ := json.Marshal(manifest)
	if err := os.WriteFile(filepath.Join(dir, "functions.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "dist"), 0o700)
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(),
		"ROUTER_ADDR="+addr,
		"ROUTER_MANIFEST="+filepath.Join(dir, "functions.json"),
		"ROUTER_RUN_DIR="+dir,
		"WEB_DIST="+filepath.Join(dir, "dist"),
		"ROUTER_STOP_TIMEOUT=5s",
	), s.env(extra...)...)
	router := testkit.StartChild(t, cmd, 15*time.Second)
	router.WaitReady(t, 20*time.Second, func() bool {
		resp, err := http.Post("http://"+addr+"/api/chats/00000000-0000-0000-0000-000000000000/stop", "application/json", nil)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusUnauthorized
	}, "the router serves the stream function")
	return "http://" + addr, cmd
}

// TestThroughRouter streams a reply through the router over TCP: deltas
// arrive one by one (nothing buffers them), and the WebSocket upgrade
// passes through with its Origin check.
func TestThroughRouter(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: []string{"one ", "two ", "three"}, Delay: 200 * time.Millisecond})
	base := startRouter(t, s)
	_, chatID, cookie := s.user("alice")

	client := &http.Client{Transport: &http.Transport{
		DialContext: (&net.Dialer{}).DialContext,
	}}
	// A preflight is routed by the method it asks about, to the function
	// that serves it, whose CORS policy answers.
	pre, _ := http.NewRequest(http.MethodOptions, base+"/api/chats/"+chatID+"/messages", nil)
	pre.Header.Set("Origin", testkit.StudioOrigin)
	pre.Header.Set("Access-Control-Request-Method", http.MethodPost)
	resp, err := client.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != testkit.StudioOrigin {
		t.Fatalf("preflight through the router: %d %v", resp.StatusCode, resp.Header)
	}
	post := func(site string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/chats/"+chatID+"/messages", strings.NewReader(`{"content":"count"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", site)
		req.AddCookie(cookie)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := post("same-site"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("same-site POST through the router: %d", resp.StatusCode)
	} else {
		resp.Body.Close()
	}
	resp = post("same-origin")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	stream := openSSE(resp)
	defer stream.close()
	events := stream.rest(t, 10*time.Second)
	if text(events) != "one two three" || last(events).str("status") != "complete" {
		t.Fatalf("events %v text %q", types(events), text(events))
	}
	var deltas []event
	for _, e := range events {
		if e.Type == "delta" {
			deltas = append(deltas, e)
		}
	}
	if gap := deltas[len(deltas)-1].At.Sub(deltas[0].At); gap < 300*time.Millisecond {
		t.Fatalf("deltas arrived %v apart: the router buffered the stream", gap)
	}

	h := http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h.Set("Origin", "https://evil.example")
	if c, resp, err := websocket.Dial(ctx, strings.Replace(base, "http", "ws", 1)+"/api/ws", &websocket.DialOptions{HTTPHeader: h}); err == nil {
		c.CloseNow()
		t.Fatal("foreign origin upgraded through the router")
	} else if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", resp, err)
	}
	h.Set("Origin", origin)
	c, _, err := websocket.Dial(ctx, strings.Replace(base, "http", "ws", 1)+"/api/ws", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	b, _ := json.Marshal(map[string]any{"type": "resume", "chat_id": chatID})
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		testkit.WSFrame(t, data)
		var f struct {
			Type string
			Data struct{ Text string }
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "delta" {
			got.WriteString(f.Data.Text)
		}
		if f.Type == "done" {
			break
		}
	}
	if got.String() != "one two three" {
		t.Fatalf("websocket replay %q", got.String())
	}
}
