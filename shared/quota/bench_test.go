package quota

import (
	"context"
	"testing"
)

// BenchmarkReserve measures a reservation against real Redis and
// PostgreSQL, steady state (the user's counters and limits already in
// Redis), alone and with its settlement, serially and from parallel
// goroutines. It reports Redis round trips and PostgreSQL statements per
// operation beside ns/op.
func BenchmarkReserve(b *testing.B) {
	cases := []struct {
		name     string
		settle   bool
		parallel bool
	}{
		{"reserve", false, false},
		{"reserve+settle", true, false},
		{"reserve/parallel", false, true},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			f, c := countedFixture(b, Limits{DailyCalls: 1<<31 - 1, DailyTokens: 1 << 50})
			user := newUser(b, f.pool)
			op := func() {
				r, err := f.q.Reserve(ctx, user)
				if err != nil {
					b.Error(err)
					return
				}
				if bc.settle {
					if err := r.Settle(ctx, 1000, 200); err != nil {
						b.Error(err)
					}
				}
			}
			op() // load scripts, counters and limits
			r0, p0 := c.redis.Load(), c.pg.Load()
			b.ResetTimer()
			if bc.parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						op()
					}
				})
			} else {
				for b.Loop() {
					op()
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(c.redis.Load()-r0)/float64(b.N), "redis-rt/op")
			b.ReportMetric(float64(c.pg.Load()-p0)/float64(b.N), "pg-stmt/op")
		})
	}
}
