// Package apperr is ArchStudio's one error type. Every handler returns or
// writes an *Error; its Code decides the HTTP status (see Status), and only
// its Message ever reaches a client. The wrapped cause is for the log.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for clients and decides its HTTP status.
type Code string

// The codes a client can see.
const (
	Invalid         Code = "invalid_argument"
	Unauthenticated Code = "unauthenticated"
	Forbidden       Code = "forbidden"
	// CSRFRefused: a state-changing request a browser sent for a page of
	// another origin (shared/csrf); the page cannot act as the user.
	CSRFRefused      Code = "csrf_refused"
	NotFound         Code = "not_found"
	MethodNotAllowed Code = "method_not_allowed"
	Conflict         Code = "conflict"
	TooLarge         Code = "payload_too_large"
	// UnsupportedMediaType: a request body that is not declared JSON.
	UnsupportedMediaType Code = "unsupported_media_type"
	RateLimited          Code = "rate_limited"
	QuotaExceeded        Code = "quota_exceeded"
	Upstream             Code = "upstream_error"
	Unavailable          Code = "unavailable"
	Internal             Code = "internal"
	// GitHubScopeRequired: the user's GitHub token lacks a scope the call
	// needs; Details name it ("scope") so the client can offer the upgrade.
	GitHubScopeRequired Code = "github_scope_required"
	// GitHubReauthRequired: GitHub no longer accepts the user's token (it
	// was revoked); signing in with GitHub again fixes it.
	GitHubReauthRequired Code = "github_reauth_required"
	// GitHubSignInRequired: the user has no GitHub token at all (the
	// development sign-in); GitHub features need a GitHub sign-in.
	GitHubSignInRequired Code = "github_signin_required"
)

// Error is the error type every package returns when the failure has a
// meaning for the client.
type Error struct {
	Code Code
	// Message is safe to show to a client; it never holds internal detail.
	Message string
	// Field names the offending input, for Invalid errors.
	Field string
	// Details are extra members of the JSON error object (limit, used, …).
	Details map[string]any
	// RetryAfter, when positive, becomes the Retry-After header.
	RetryAfter time.Duration
	// Err is the internal cause: logged, never sent.
	Err error
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Message
	if e.Field != "" {
		msg += " (field " + e.Field + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a client-safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap keeps cause for the log and shows the client only message.
func Wrap(cause error, code Code, message string) *Error {
	return &Error{Code: code, Message: message, Err: cause}
}

// InvalidField reports bad input in one named field.
func InvalidField(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// CodeOf reports the code of err, Internal for errors that are not *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
