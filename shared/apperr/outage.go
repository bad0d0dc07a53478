package apperr

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// A backing service (PostgreSQL, Redis) that cannot be reached is an
// outage, not a bug: the client should retry shortly, and nothing it sent
// was wrong. Every store reports database failures as Internal, so Object
// looks at the cause of an Internal error and answers 503 unavailable with
// Retry-After instead, as the session middleware does for Redis.

// OutageRetryAfter is the Retry-After of an outage.
const OutageRetryAfter = time.Second

// Outage reports whether err was caused by a backing service being out of
// reach: the connection was refused, reset or cut, or PostgreSQL said it
// is shutting down, starting up or lost the connection (SQLSTATE classes
// 08 and 57P).
func Outage(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	for _, target := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, io.ErrUnexpectedEOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	// pgconn.PgError, without depending on the driver here.
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		code := pg.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P")
	}
	return false
}

// outage is the error a client gets for an Internal error caused by an
// outage.
func outage(cause error) *Error {
	return &Error{Code: Unavailable, Message: "the studio's storage is unavailable; try again shortly",
		RetryAfter: OutageRetryAfter, Err: cause}
}
