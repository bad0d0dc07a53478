// Package deploy holds no code: its tests check the deployment files
// beside it (compose.yml, the Kamal config, .env.example, the monitoring
// rules and dashboard, the backup schedule) against each other, the
// README and a running studio.
package deploy
