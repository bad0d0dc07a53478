package bootstrap

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/metrics"
)

// HealthcheckFlag makes a function binary probe a running copy of itself
// and exit 0 when it answers: the container health check of images that
// have no shell or curl (compose's healthcheck runs "/function
// -healthcheck").
const HealthcheckFlag = "-healthcheck"

// healthcheck asks the function listening on LISTEN_ADDR (TCP) for its
// metrics, which every function serves once it is up.
func healthcheck() int {
	addr := os.Getenv("LISTEN_ADDR")
	if addr == "" || strings.HasPrefix(addr, "unix:") {
		fmt.Fprintln(os.Stderr, "healthcheck: LISTEN_ADDR must be a TCP address")
		return 1
	}
	if strings.HasPrefix(addr, "0.0.0.0:") || strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1:" + addr[strings.LastIndex(addr, ":")+1:]
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + addr + metrics.Path) // #nosec G704 -- the function's own address from its configuration
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}
