package backend

import (
	"context"
	"testing"
)

// TestPoolSize checks a URL's pool_max_conns is kept (the AWS template's
// pool of 2 per Lambda instance) and that without it a pool has at least 4.
func TestPoolSize(t *testing.T) {
	tests := []struct {
		url     string
		want    int32
		atLeast bool
	}{
		{"postgres://u@127.0.0.1:1/db?pool_max_conns=2", 2, false},
		{"postgres://u@127.0.0.1:1/db?sslmode=disable&pool_max_conns=1", 1, false},
		{"postgres://u@127.0.0.1:1/db", 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			pool, err := OpenPostgres(context.Background(), tt.url)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			got := pool.Config().MaxConns
			if got != tt.want && !(tt.atLeast && got > tt.want) {
				t.Fatalf("MaxConns = %d, want %d (at least: %v)", got, tt.want, tt.atLeast)
			}
		})
	}
}
