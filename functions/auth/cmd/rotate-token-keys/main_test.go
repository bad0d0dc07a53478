package main

import (
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

// TestMain gives the tests a PostgreSQL and a Redis server.
func TestMain(m *testing.M) { testkit.Main(m) }
