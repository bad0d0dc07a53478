package testkit

import (
	"net/http"
	"testing"
)

// SignedInLambda is a function binary running under a local Lambda
// Runtime API (LambdaFunction) on a fresh Backend, with a signed-in user:
// what a function's main_test needs before its first request.
type SignedInLambda struct {
	*LambdaFunction
	*Backend
	UserID string
	Cookie *http.Cookie
}

// StartSignedInLambda builds the function package pkg, signs "alice" in
// on a new Backend and starts the binary with the Backend's settings plus
// env ("KEY=value"):
//
//	fn := testkit.StartSignedInLambda(t, pkg, "ANTHROPIC_MODEL=claude-x")
//	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/chats", "", fn.Headers(), ""))
func StartSignedInLambda(tb testing.TB, pkg string, env ...string) *SignedInLambda {
	tb.Helper()
	bin := BuildFunction(tb, pkg)
	b := NewBackend(tb)
	userID, cookie := SignIn(tb, b.Pool, b.Redis, "alice")
	return &SignedInLambda{
		LambdaFunction: StartLambda(tb, bin, append(b.Env(), env...)...),
		Backend:        b,
		UserID:         userID,
		Cookie:         cookie,
	}
}

// Headers returns the user's Cookie header plus the given header names
// and values, in pairs ("Content-Type", "application/json").
func (f *SignedInLambda) Headers(pairs ...string) map[string]string {
	h := map[string]string{"Cookie": f.Cookie.String()}
	for i := 0; i+1 < len(pairs); i += 2 {
		h[pairs[i]] = pairs[i+1]
	}
	return h
}

// FunctionRefusesToStart builds the function package pkg and checks it
// refuses each bad configuration (see RefusesToStart).
func FunctionRefusesToStart(t *testing.T, pkg string, cases []BadConfig) {
	t.Helper()
	RefusesToStart(t, BuildFunction(t, pkg), cases)
}
