package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// healthcheck is `router -healthcheck`, the container health check of
// the studio image (no shell or curl in it): GET /health through the
// router on ROUTER_ADDR, which the health function answers 200 when
// PostgreSQL and Redis answer.
func healthcheck() int {
	addr := os.Getenv("ROUTER_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	port := addr[strings.LastIndex(addr, ":")+1:]
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/health") // #nosec G704 -- the router's own port on loopback
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: /health answered", resp.StatusCode)
		return 1
	}
	return 0
}
