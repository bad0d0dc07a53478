// Package stack starts the whole studio for end-to-end tests: the built
// router and function binaries from bin/, on a fresh migrated database and
// Redis database, with fake GitHub and Anthropic servers standing in for
// the real ones — the same binaries `make run` serves, with only base URLs
// and credentials changed.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/testkit/fakespeech"
	"github.com/archstudio/studio/shared/tokenvault"
)

// Options configure Start.
type Options struct {
	// Root is the repository root holding bin/, web/dist and runtime/.
	Root string
	// Env is added to the router's (and so every function's) environment.
	Env []string
	// Logs receives the router's and the functions' output.
	Logs io.Writer
	// Script is what the fake Anthropic answers; DefaultScript when zero.
	Script *fakeanthropic.Script
	// RouterBinary and FunctionsDir default to Root/bin/router and
	// Root/bin/functions (what `make build` writes).
	RouterBinary, FunctionsDir string
	// DatabaseURL and RedisURL, when set, make this stack share another's
	// data (two routers in front of one database and Redis, as two VPS
	// instances would be); otherwise the stack gets fresh ones.
	DatabaseURL, RedisURL string
}

// Stack is a running studio.
type Stack struct {
	// URL is where a browser reaches the studio (http://localhost:PORT:
	// browsers treat localhost as secure, so __Host- cookies work).
	URL          string
	GitHub       *fakegithub.Fake
	GitHubURL    string
	Anthropic    *fakeanthropic.Fake
	AnthropicURL string
	// Speech is the fake speech service (STT and TTS); its request log is
	// at SpeechURL/_fake/requests.
	Speech      *fakespeech.Fake
	SpeechURL   string
	DatabaseURL string
	RedisURL    string
	// RunDir holds the functions' Unix sockets (<name>.sock), for clients
	// that go to a function directly (make bench compares the two paths).
	RunDir string

	router       *exec.Cmd
	functionsDir string
	exited       chan struct{}
	closers      []func()
}

// Login is the GitHub user the fake signs in.
const Login = "octocat"

// Start brings the stack up and waits until /health answers 200. It needs
// TEST_DATABASE_URL and TEST_REDIS_URL (see testkit.EnsureServers).
func Start(ctx context.Context, opts Options) (s *Stack, err error) {
	s = &Stack{exited: make(chan struct{})}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if opts.Logs == nil {
		opts.Logs = io.Discard
	}
	dbURL, redisURL := opts.DatabaseURL, opts.RedisURL
	if dbURL == "" {
		url, drop, err := testkit.NewDatabase(ctx)
		if err != nil {
			return s, err
		}
		s.closers = append(s.closers, drop)
		dbURL = url
	}
	if redisURL == "" {
		url, flush, err := testkit.NewRedisDB(ctx)
		if err != nil {
			return s, err
		}
		s.closers = append(s.closers, flush)
		redisURL = url
	}
	s.DatabaseURL, s.RedisURL = dbURL, redisURL

	port, err := testkit.FreePort()
	if err != nil {
		return s, err
	}
	s.URL = fmt.Sprintf("http://localhost:%d", port)

	s.GitHub = fakegithub.New()
	s.GitHub.AddApp(fakegithub.App{ClientID: fakegithub.TestClientID, ClientSecret: fakegithub.TestClientSecret, CallbackURL: s.URL + "/api/auth/github/callback"})
	s.GitHub.AddUser(fakegithub.User{Login: Login, Name: "The Octocat", Emails: []fakegithub.Email{
		{Email: Login + "@users.example.com", Primary: true, Verified: true, Visibility: "private"},
	}})
	gh := httptest.NewServer(s.GitHub)
	s.closers = append(s.closers, gh.Close)
	s.GitHubURL = gh.URL

	script := fakeanthropic.DefaultScript()
	if opts.Script != nil {
		script = *opts.Script
	}
	s.Anthropic = fakeanthropic.New("e2e-anthropic-key", script)
	an := httptest.NewServer(s.Anthropic)
	s.closers = append(s.closers, func() { s.Anthropic.Release(); an.CloseClientConnections(); an.Close() })
	s.AnthropicURL = an.URL

	s.Speech = fakespeech.New(fakespeech.Options{APIKey: "e2e-speech-key", Delay: 30 * time.Millisecond}) // #nosec G101 -- the fake speech service's test key, not a credential
	sp := httptest.NewServer(s.Speech)
	s.closers = append(s.closers, func() { sp.CloseClientConnections(); sp.Close() })
	s.SpeechURL = sp.URL

	key, err := tokenvault.GenerateKey("e2e")
	if err != nil {
		return s, err
	}
	runDir, err := os.MkdirTemp("", "as-stack-")
	if err != nil {
		return s, err
	}
	s.closers = append(s.closers, func() { _ = os.RemoveAll(runDir) })
	s.RunDir = runDir

	root := opts.Root
	if opts.RouterBinary == "" {
		opts.RouterBinary = filepath.Join(root, "bin", "router")
	}
	if opts.FunctionsDir == "" {
		opts.FunctionsDir = filepath.Join(root, "bin", "functions")
	}
	s.functionsDir = opts.FunctionsDir
	s.router = exec.Command(opts.RouterBinary) // #nosec G204 -- test helper: runs the router binary it was given, no shell
	s.router.Dir = root
	s.router.Stdout, s.router.Stderr = opts.Logs, opts.Logs
	s.router.Env = append(append(os.Environ(),
		"APP_ENV=test",
		"LOG_LEVEL=warn",
		"ROUTER_ADDR=127.0.0.1:"+fmt.Sprint(port),
		"ROUTER_RUN_DIR="+runDir,
		"ROUTER_MANIFEST="+filepath.Join(root, "runtime", "functions.json"),
		"FUNCTIONS_DIR="+opts.FunctionsDir,
		"WEB_DIST="+filepath.Join(root, "web", "dist"),
		"DATABASE_URL="+dbURL,
		"REDIS_URL="+redisURL,
		"PUBLIC_URL="+s.URL,
		"ALLOWED_ORIGINS="+s.URL,
		"GITHUB_CLIENT_ID="+fakegithub.TestClientID,
		"GITHUB_CLIENT_SECRET="+fakegithub.TestClientSecret,
		"GITHUB_WEB_URL="+gh.URL,
		"GITHUB_API_URL="+gh.URL,
		"TOKEN_KEYS="+key,
		"ANTHROPIC_API_KEY=e2e-anthropic-key",
		"ANTHROPIC_BASE_URL="+an.URL,
		"STT_BASE_URL="+sp.URL+"/v1",
		"STT_API_KEY=e2e-speech-key",
		"TTS_BASE_URL="+sp.URL+"/v1",
		"TTS_API_KEY=e2e-speech-key",
		// The backup function dumps at start; not into the checkout.
		"BACKUP_DIR="+filepath.Join(runDir, "backups"),
	), opts.Env...)
	if err := s.router.Start(); err != nil {
		return s, fmt.Errorf("start router: %w", err)
	}
	go func() { _ = s.router.Wait(); close(s.exited) }()
	return s, s.waitHealthy(ctx, 90*time.Second)
}

func (s *Stack) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.exited:
			return errors.New("router exited during start-up")
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/health", nil)
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		} else if !isConnRefused(err) && ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stack not healthy after %s", limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func isConnRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// RouterPID is the router's process ID (its functions are its children).
func (s *Stack) RouterPID() int { return s.router.Process.Pid }

// Close stops the router (which stops its functions) and everything else
// Start made.
func (s *Stack) Close() {
	if s.router != nil && s.router.Process != nil {
		_ = s.router.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = s.router.Process.Kill()
			<-s.exited
		}
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}
