package business_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/archstudio/studio/functions/health/business"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestCollector(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	today := time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC)
	var user string
	if err := pool.QueryRow(ctx, `INSERT INTO users (github_id, username) VALUES (7, 'grace') RETURNING id`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO chat_sessions (user_id) VALUES ($1), ($1)`,
		`SELECT increment_usage($1, '2026-03-04', 3, 1200)`,
		`SELECT increment_usage($1, '2026-03-03', 9, 9999)`,
	} {
		if _, err := pool.Exec(ctx, q, user); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(business.New(pool, func() time.Time { return today }))
	want := `
# HELP archstudio_api_calls_today Claude API calls counted today (UTC).
# TYPE archstudio_api_calls_today gauge
archstudio_api_calls_today 3
# HELP archstudio_business_metrics_up 1 when the business figures could be read.
# TYPE archstudio_business_metrics_up gauge
archstudio_business_metrics_up 1
# HELP archstudio_chats Stored chat sessions.
# TYPE archstudio_chats gauge
archstudio_chats 2
# HELP archstudio_tokens_used_today Claude tokens counted today (UTC).
# TYPE archstudio_tokens_used_today gauge
archstudio_tokens_used_today 1200
# HELP archstudio_users Registered users.
# TYPE archstudio_users gauge
archstudio_users 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"archstudio_api_calls_today", "archstudio_business_metrics_up", "archstudio_chats", "archstudio_tokens_used_today", "archstudio_users"); err != nil {
		t.Fatal(err)
	}
	n, err := testutil.GatherAndCount(reg, "archstudio_database_size_bytes")
	if err != nil || n != 1 {
		t.Fatalf("database size gauge: %d, %v", n, err)
	}
}
