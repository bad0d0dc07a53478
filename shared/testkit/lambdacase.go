package testkit

import (
	"strings"
	"testing"
)

// LambdaCase is an API Gateway request to a LambdaFunction and what the
// answer must be.
type LambdaCase struct {
	Name         string
	Method, Path string
	Headers      map[string]string
	Body         string
	Status       int
	Want         string // in the response body, such as `"code":"not_found"`; "" for anything
}

// RunCases invokes f once per case, as a subtest, and fails the case
// unless the answer has its status and contains Want.
func (f *LambdaFunction) RunCases(t *testing.T, cases []LambdaCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			resp := f.Invoke(t, HTTPEvent(tt.Method, tt.Path, "", tt.Headers, tt.Body))
			if resp.StatusCode != tt.Status || !strings.Contains(resp.Body, tt.Want) {
				t.Fatalf("status %d, want %d with %s; body %s", resp.StatusCode, tt.Status, tt.Want, resp.Body)
			}
		})
	}
}
