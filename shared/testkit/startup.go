package testkit

import (
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/config"
)

// BadConfig is a configuration a function binary must refuse at start-up.
type BadConfig struct {
	Name   string   // of the subtest; Want when empty
	Env    []string // added to the environment
	Want   string   // what the output must name: the variable at fault
	Secret string   // what the output must never show; "" for nothing
}

// RefusesToStart runs bin once per case (see RunBinary) and fails the
// case unless bin exits with config.ExitInvalid (so the router does not
// restart it in vain) and output naming Want and not showing Secret: a bad
// configuration must stop start-up with a message an operator can act on,
// and never echo key material.
func RefusesToStart(t *testing.T, bin string, cases []BadConfig) {
	t.Helper()
	for _, tt := range cases {
		name := tt.Name
		if name == "" {
			name = tt.Want
		}
		t.Run(name, func(t *testing.T) {
			out, code := RunBinary(t, bin, tt.Env...)
			if code != config.ExitInvalid {
				t.Fatalf("exit %d, want %d (invalid configuration); output %s", code, config.ExitInvalid, out)
			}
			if !strings.Contains(out, tt.Want) {
				t.Fatalf("output does not name %s: %s", tt.Want, out)
			}
			if tt.Secret != "" && strings.Contains(out, tt.Secret) {
				t.Fatalf("output shows secret material: %s", out)
			}
		})
	}
}
