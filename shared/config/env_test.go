package config_test

import (
	"os"
	"testing"
)

// unsetenv removes key for the test and restores it afterwards
// (t.Setenv can only set).
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "")
	os.Unsetenv(key)
}
