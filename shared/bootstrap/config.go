package bootstrap

import (
	"log/slog"

	"github.com/archstudio/studio/shared/config"
)

// LoadConfig fills cfg from the environment (see config.Load) and logs
// it with secrets masked, so every start-up records what the function
// runs with. The error names the variable that is missing or malformed.
func LoadConfig(logger *slog.Logger, cfg any) error {
	if err := config.Load(cfg); err != nil {
		return err
	}
	logger.Info("config", config.Describe(cfg)...)
	return nil
}
