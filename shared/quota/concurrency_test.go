package quota

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/testkit"
)

// Environment of TestHelperProcess, set by TestReserveExactAcrossProcesses.
const (
	helperFlag   = "QUOTA_TEST_HELPER"
	helperDB     = "QUOTA_TEST_DATABASE_URL"
	helperRedis  = "QUOTA_TEST_REDIS_URL"
	helperUser   = "QUOTA_TEST_USER"
	helperN      = "QUOTA_TEST_RESERVATIONS"
	helperProcs  = "QUOTA_TEST_PROCESSES"
	helperNow    = "QUOTA_TEST_NOW"
	helperDay    = "2026-11-25"
	helperLimit  = 100
	perProcess   = 150
	helperBarier = "test:barrier"
)

var helperResult = regexp.MustCompile(`admitted=(\d+) refused=(\d+)`)

// TestReserveExactAcrossProcesses: 300 concurrent reservations against a
// limit of 100, made by two processes (this test binary re-executed) on the
// same Redis and PostgreSQL, admit exactly 100, and the record and Redis
// both say 100.
func TestReserveExactAcrossProcesses(t *testing.T) {
	dbURL, redisURL := testkit.DatabaseURL(t), testkit.RedisURL(t)
	pool, err := backend.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	rdb, err := backend.OpenRedis(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	user := newUser(t, pool)
	q := New(pool, rdb, Options{Defaults: Limits{DailyCalls: 200, DailyTokens: 1 << 40}})
	if err := q.SetOverrides(context.Background(), user, Overrides{DailyCalls: ptr(helperLimit)}); err != nil {
		t.Fatal(err)
	}

	const procs = 2
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, procs)
	errs := make([]error, procs)
	for i := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(),
			helperFlag+"=1", helperDB+"="+dbURL, helperRedis+"="+redisURL, helperUser+"="+user,
			helperN+"="+strconv.Itoa(perProcess), helperProcs+"="+strconv.Itoa(procs),
			helperNow+"="+helperDay+"T23:59:58Z")
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = cmd.Run()
		}()
	}
	wg.Wait()
	var admitted, refused int
	for i := range procs {
		m := helperResult.FindStringSubmatch(outs[i].String())
		if errs[i] != nil || m == nil {
			t.Fatalf("helper %d: %v\n%s", i, errs[i], outs[i].String())
		}
		a, _ := strconv.Atoi(m[1])
		r, _ := strconv.Atoi(m[2])
		t.Logf("process %d: admitted %d, refused %d", i, a, r)
		admitted += a
		refused += r
	}
	if admitted != helperLimit || refused != procs*perProcess-helperLimit {
		t.Fatalf("admitted %d and refused %d of %d; want exactly %d admitted", admitted, refused, procs*perProcess, helperLimit)
	}
	if calls, _ := recorded(t, pool, user, helperDay); calls != helperLimit {
		t.Errorf("record holds %d calls, want %d", calls, helperLimit)
	}
	if calls, _ := counters(t, rdb, user, helperDay); calls != strconv.Itoa(helperLimit) {
		t.Errorf("redis holds %s calls, want %d", calls, helperLimit)
	}
}

// TestHelperProcess is one of TestReserveExactAcrossProcesses's processes:
// it waits until every process is ready, then makes its reservations all
// at once and prints how many were admitted.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperFlag) != "1" {
		t.Skip("a child process of TestReserveExactAcrossProcesses")
	}
	ctx := context.Background()
	pool, err := backend.OpenPostgres(ctx, os.Getenv(helperDB))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rdb, err := backend.OpenRedis(os.Getenv(helperRedis))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	n, _ := strconv.Atoi(os.Getenv(helperN))
	procs, _ := strconv.ParseInt(os.Getenv(helperProcs), 10, 64)
	now := newClock(os.Getenv(helperNow))
	q := New(pool, rdb, Options{Defaults: Limits{DailyCalls: 200, DailyTokens: 1 << 40}, Clock: now.Now})
	user := os.Getenv(helperUser)

	if err := rdb.Incr(ctx, helperBarier).Err(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, func() bool {
		v, err := rdb.Get(ctx, helperBarier).Int64()
		if err != nil {
			t.Fatal(err)
		}
		return v >= procs
	}, "the other processes ready")

	var admitted, refused atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := q.Reserve(ctx, user)
			switch {
			case err == nil:
				admitted.Add(1)
			case apperr.Is(err, apperr.QuotaExceeded):
				refused.Add(1)
			default:
				t.Errorf("reserve: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	fmt.Printf("admitted=%d refused=%d\n", admitted.Load(), refused.Load())
}
