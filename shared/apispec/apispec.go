// Package apispec holds the API contract, shared/apispec/openapi.yaml
// (OpenAPI 3.1), embedded so that the router serves and the tests check
// the very same bytes. Spec returns the bytes; Load parses them into a
// Contract that validates HTTP exchanges and stream payloads.
package apispec

import (
	_ "embed"
)

//go:embed openapi.yaml
var spec []byte

// Spec returns the document's bytes (a copy: callers cannot change the
// contract others read).
func Spec() []byte { return append([]byte(nil), spec...) }

// MediaType is the Content-Type the document is served with.
const MediaType = "application/yaml"
