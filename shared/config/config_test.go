package config_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/config"
)

type sample struct {
	config.Base
	config.Postgres
	Timeout time.Duration `envconfig:"SAMPLE_TIMEOUT" default:"1s"`
	APIKey  string        `envconfig:"SAMPLE_API_KEY" secret:"true"`
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"valid", map[string]string{"DATABASE_URL": "postgres://x"}, ""},
		{"missing required", map[string]string{}, "DATABASE_URL"},
		{"empty required", map[string]string{"DATABASE_URL": ""}, "DATABASE_URL"},
		{"malformed duration", map[string]string{"DATABASE_URL": "postgres://x", "SAMPLE_TIMEOUT": "soon"}, "SAMPLE_TIMEOUT"},
		{"unknown environment", map[string]string{"DATABASE_URL": "postgres://x", "APP_ENV": "staging"}, "APP_ENV"},
		{"malformed secret is not echoed", map[string]string{"DATABASE_URL": "postgres://x", "HTTP_READ_TIMEOUT": "hunter2"}, "HTTP_READ_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"DATABASE_URL", "SAMPLE_TIMEOUT", "APP_ENV", "HTTP_READ_TIMEOUT"} {
				t.Setenv(k, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, ok := tt.env["DATABASE_URL"]; !ok {
				unsetenv(t, "DATABASE_URL")
			}
			for _, k := range []string{"SAMPLE_TIMEOUT", "APP_ENV", "HTTP_READ_TIMEOUT"} {
				if _, ok := tt.env[k]; !ok {
					unsetenv(t, k)
				}
			}
			var cfg sample
			err := config.Load(&cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Load error = %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
}

func TestDescribeMasksSecrets(t *testing.T) {
	cfg := sample{APIKey: "sk-ant-very-secret"}
	cfg.DatabaseURL = "postgres://user:pw@host/db"
	var all []string
	for _, a := range config.Describe(&cfg) {
		all = append(all, a.(interface{ String() string }).String())
	}
	joined := strings.Join(all, " ")
	for _, secret := range []string{"sk-ant-very-secret", "pw@host"} {
		if strings.Contains(joined, secret) {
			t.Fatalf("Describe leaked %q: %s", secret, joined)
		}
	}
	if !strings.Contains(joined, "SAMPLE_API_KEY=set") || !strings.Contains(joined, "SAMPLE_TIMEOUT=") {
		t.Fatalf("Describe = %s", joined)
	}
}

// TestErrorsAreInvalid: every refusal wraps ErrInvalid (so the process
// exits ExitInvalid and is not restarted) and keeps its message.
func TestErrorsAreInvalid(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"missing required", map[string]string{"DATABASE_URL": ""}, "DATABASE_URL"},
		{"unparsable", map[string]string{"HTTP_READ_TIMEOUT": "soon"}, "HTTP_READ_TIMEOUT"},
		{"fails Validate", map[string]string{"APP_ENV": "staging"}, "APP_ENV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", "postgres://db/x")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var cfg sample
			err := config.Load(&cfg)
			if !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v; want an ErrInvalid naming %s", err, tt.want)
			}
		})
	}
}

func TestParseOrigins(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"http://localhost:8080", []string{"http://localhost:8080"}, false},
		{" https://A.example , http://localhost:5173/ ", []string{"https://a.example", "http://localhost:5173"}, false},
		{"", nil, false},
		{"*", nil, true},
		{"localhost:8080", nil, true},
		{"https://a.example/path", nil, true},
		{"ftp://a.example", nil, true},
	}
	for _, tt := range tests {
		got, err := config.ParseOrigins(tt.in)
		if (err != nil) != tt.wantErr || len(got) != len(tt.want) {
			t.Fatalf("ParseOrigins(%q) = %v, %v", tt.in, got, err)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("ParseOrigins(%q) = %v", tt.in, got)
			}
		}
	}
}
