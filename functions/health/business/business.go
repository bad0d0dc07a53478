// Package business exports the studio's business figures — users, chats,
// today's Claude calls and tokens, database size — as Prometheus gauges,
// read from PostgreSQL at scrape time so they are never stale.
package business

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector queries PostgreSQL once per scrape.
type Collector struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	now     func() time.Time

	users, chats, messages, callsToday, tokensToday, dbSize, up *prometheus.Desc
	cacheCreationToday, cacheReadToday, attachmentBytes         *prometheus.Desc
}

// New returns a collector over pool. now is the clock for "today" (UTC).
func New(pool *pgxpool.Pool, now func() time.Time) *Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("archstudio_"+name, help, nil, nil)
	}
	return &Collector{
		pool:        pool,
		timeout:     2 * time.Second,
		now:         now,
		users:       d("users", "Registered users."),
		chats:       d("chats", "Stored chat sessions."),
		messages:    d("messages", "Stored messages."),
		callsToday:  d("api_calls_today", "Claude API calls counted today (UTC)."),
		tokensToday: d("tokens_used_today", "Claude tokens counted today (UTC)."),
		dbSize:      d("database_size_bytes", "Size of the PostgreSQL database."),
		up:          d("business_metrics_up", "1 when the business figures could be read."),

		cacheCreationToday: d("cache_creation_tokens_today", "Input tokens written to Claude's prompt cache today (UTC)."),
		cacheReadToday:     d("cache_read_tokens_today", "Input tokens read from Claude's prompt cache today (UTC)."),
		attachmentBytes:    d("attachment_bytes", "Bytes of attached files stored."),
	}
}

// Describe sends the descriptors of every metric.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.users, c.chats, c.messages, c.callsToday, c.tokensToday, c.dbSize, c.up,
		c.cacheCreationToday, c.cacheReadToday, c.attachmentBytes} {
		ch <- d
	}
}

// Collect reads the figures in one query; on failure it reports only up=0.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	var users, chats, messages, calls, tokens, size, cacheCreation, cacheRead, attachments int64
	err := c.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM users),
		       (SELECT count(*) FROM chat_sessions),
		       (SELECT count(*) FROM messages),
		       COALESCE((SELECT sum(api_calls) FROM usage_daily WHERE day = $1), 0),
		       COALESCE((SELECT sum(tokens_used) FROM usage_daily WHERE day = $1), 0),
		       pg_database_size(current_database()),
		       COALESCE((SELECT sum(cache_creation_tokens) FROM usage_daily WHERE day = $1), 0),
		       COALESCE((SELECT sum(cache_read_tokens) FROM usage_daily WHERE day = $1), 0),
		       COALESCE((SELECT sum(size_bytes) FROM attachments), 0)::bigint`,
		c.now().UTC().Format(time.DateOnly)).Scan(&users, &chats, &messages, &calls, &tokens, &size, &cacheCreation, &cacheRead, &attachments)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	for desc, v := range map[*prometheus.Desc]int64{
		c.users: users, c.chats: chats, c.messages: messages,
		c.callsToday: calls, c.tokensToday: tokens, c.dbSize: size,
		c.cacheCreationToday: cacheCreation, c.cacheReadToday: cacheRead, c.attachmentBytes: attachments,
	} {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(v))
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
}
