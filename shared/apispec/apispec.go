// Package apispec holds the API contract, shared/apispec/openapi.yaml
// (OpenAPI 3.1), embedded so that the router serves and the tests check
// the very same bytes. Spec returns the bytes; Load parses them into a
// Contract that validates HTTP exchanges and stream payloads.
//
// Adding a route: add its path and operation to openapi.yaml (tag = the
// function that serves it, every status it can answer with a
// components/responses error, bodies as components/schemas with
// additionalProperties: false), then its handler and the route in
// runtime/functions.json. The API tests check the handler against it
// through shared/testkit (testkit.API, Function.Client, Lambda Invoke,
// or testkit.ContractHandler / ContractTransport), runtime/manifest's
// TestContractRoutesAreRouted checks the manifest routes it, and
// `cd web && npm run gen:api` regenerates the SPA's types; `make lint`
// lints the document and fails on stale types.
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
