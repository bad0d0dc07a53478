package bootstrap

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/archstudio/studio/shared/handoff"
)

// serveHandoffs also serves srv on the connections the router hands over
// (shared/handoff), when it says where: the function then answers its
// WebSocket and SSE clients directly, with the router out of the data
// path. srv.Shutdown closes this listener with the other.
func serveHandoffs(srv *http.Server, logger *slog.Logger) error {
	path := os.Getenv(handoff.Env)
	if path == "" {
		return nil
	}
	ln, err := handoff.Listen(path)
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("taking handed-over connections", slog.String("socket", path))
	return nil
}
