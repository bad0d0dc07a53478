// Package testkit is the one shared test package: it starts real
// PostgreSQL and Redis servers, hands each test a freshly migrated database
// and an empty Redis database of its own, runs function binaries the way the
// router and AWS Lambda do, and holds the fakes of remote services.
package testkit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a database or Redis server started for tests.
type Server struct {
	URL string
	cmd *exec.Cmd
	dir string

	// What starts it again (Restart): the same command on the same port
	// and files, and how to tell it is ready.
	bin    string
	args   []string
	cred   *syscall.Credential
	log    string
	ready  func(ctx context.Context) error
	exited chan struct{}
}

// launch starts the server's process.
func (s *Server) launch() error {
	cmd := exec.Command(s.bin, s.args...) // #nosec G204 -- test helper: runs the local PostgreSQL or Redis server, no shell
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Setpgid: true}
	if s.log != "" {
		if f, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil { // #nosec G302 -- test helper: the server's log in its own temporary directory
			if s.cred != nil {
				_ = f.Chown(int(s.cred.Uid), int(s.cred.Gid))
			}
			cmd.Stdout, cmd.Stderr = f, f
			defer f.Close() // the child has its own copy
		}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(s.bin), err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	return nil
}

// halt ends the server's process with sig (SIGKILL after 10 s) and waits
// for it.
func (s *Server) halt(sig syscall.Signal) {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

// Stop ends the server and removes its files.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	s.halt(syscall.SIGINT)
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// postgresBin finds a PostgreSQL server binary: on PATH, else Debian's
// versioned directory.
func postgresBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found: install PostgreSQL (apt-get install postgresql)", name)
}

// StartPostgres runs initdb and postgres in a new temporary directory on a
// free port, tuned for tests (no fsync). PostgreSQL refuses to run as root,
// so as root the server runs as the "postgres" system user.
func StartPostgres(ctx context.Context) (*Server, error) {
	initdb, err := postgresBin("initdb")
	if err != nil {
		return nil, err
	}
	postgres, err := postgresBin("postgres")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "archstudio-pg-")
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential(dir)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	cmd := exec.CommandContext(ctx, initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions") // #nosec G204 -- test helper: runs initdb, no shell
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), dir: dir,
		bin: postgres, cred: cred, log: filepath.Join(dir, "postgres.log"),
		args: []string{"-D", data, "-p", strconv.Itoa(port), "-k", dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off", "-c", "max_connections=400", "-c", "shared_buffers=64MB"},
	}
	s.ready = func(ctx context.Context) error { return waitPostgres(ctx, s.URL, 30*time.Second) }
	if err := s.launch(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log")) // #nosec G304 -- test helper: a file in its own temporary directory
		s.Stop()
		return nil, fmt.Errorf("postgres did not start: %w: %s", err, log)
	}
	return s, nil
}

// serverCredential returns the postgres user's credential when running as
// root (and hands it dir), or nil to run as ourselves.
func serverCredential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root needs a 'postgres' system user for PostgreSQL (apt-get install postgresql)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil // #nosec G115 -- uid and gid of a system user fit in 32 bits
}

// StartRedis runs redis-server without persistence on a free port, with
// enough logical databases for every test to have its own. Extra
// redis-server arguments (say "--appendonly", "yes") override the defaults.
func StartRedis(ctx context.Context, extra ...string) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server not found: install it (apt-get install redis-server)")
	}
	dir, err := os.MkdirTemp("", "archstudio-redis-")
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), dir: dir, bin: bin,
		args: append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
			"--appendonly", "no", "--databases", strconv.Itoa(redisDatabases), "--dir", dir, "--maxclients", "20000"}, extra...),
	}
	s.ready = func(ctx context.Context) error { return waitTCP(ctx, port, 10*time.Second) }
	if err := s.launch(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		s.Stop()
		return nil, fmt.Errorf("redis did not start: %w", err)
	}
	return s, nil
}

const redisDatabases = 4096

func waitTCP(ctx context.Context, port int, limit time.Duration) error {
	return retry(ctx, limit, func() error {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
		}
		return err
	})
}

// waitPostgres waits until the server accepts a real connection: the port
// opens while PostgreSQL still answers "the database system is starting up".
func waitPostgres(ctx context.Context, url string, limit time.Duration) error {
	return retry(ctx, limit, func() error {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		conn, err := pgx.Connect(cctx, url)
		if err != nil {
			return err
		}
		return conn.Close(ctx)
	})
}

// retry calls try every 50 ms until it succeeds, ctx ends or limit passes,
// and returns try's last error.
func retry(ctx context.Context, limit time.Duration, try func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := try()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
