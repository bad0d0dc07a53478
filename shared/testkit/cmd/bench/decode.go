package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// decodeJSON reads resp's JSON body into v, expecting status.
func decodeJSON(resp *http.Response, status int, v any) error {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != status {
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}
