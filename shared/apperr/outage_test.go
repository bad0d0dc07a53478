package apperr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit"
)

// TestOutageIsUnavailable: an Internal error caused by PostgreSQL being
// out of reach answers 503 unavailable with Retry-After; other internal
// errors stay 500.
func TestOutageIsUnavailable(t *testing.T) {
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, refused := pgx.Connect(ctx, fmt.Sprintf("postgres://u@127.0.0.1:%d/db?sslmode=disable&connect_timeout=2", port))
	if refused == nil {
		t.Fatal("connected to a closed port")
	}
	tests := []struct {
		name       string
		err        error
		wantStatus int
	}{
		{"connection refused, wrapped as internal", apperr.Wrap(refused, apperr.Internal, "internal error"), http.StatusServiceUnavailable},
		{"connection refused, bare", fmt.Errorf("store: %w", refused), http.StatusServiceUnavailable},
		{"server shutting down", apperr.Wrap(&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, apperr.Internal, "internal error"), http.StatusServiceUnavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, http.StatusServiceUnavailable},
		{"a constraint violation is a bug", &pgconn.PgError{Code: "23505"}, http.StatusInternalServerError},
		{"any other error", errors.New("boom"), http.StatusInternalServerError},
		{"a client error stays one", apperr.Wrap(refused, apperr.NotFound, "no such chat"), http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			apperr.Write(rec, httptest.NewRequest(http.MethodGet, "/", nil), tt.err)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if ra := rec.Header().Get("Retry-After"); (tt.wantStatus == http.StatusServiceUnavailable) != (ra == "1") {
				t.Fatalf("Retry-After %q", ra)
			}
		})
	}
}
