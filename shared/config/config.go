// Package config loads a function's settings from the environment into a
// typed struct with envconfig, validates them, and describes them for the
// start-up log with secrets masked.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// Environments an APP_ENV may name.
const (
	Development = "development"
	Test        = "test"
	Production  = "production"
)

// Validator is implemented by configs with rules beyond types and
// required-ness; Load calls it after reading the environment.
type Validator interface {
	Validate() error
}

// ErrInvalid is wrapped by every error Load returns. Only a change to the
// environment fixes it, never a restart: bootstrap.Main exits with
// ExitInvalid, and the router stops rather than retry such a function.
var ErrInvalid = errors.New("invalid configuration")

// ExitInvalid is the exit status of a process that refused its
// configuration (EX_CONFIG of sysexits.h).
const ExitInvalid = 78

// Invalid marks err, found while checking settings outside Load (parsing
// key material, say), as ErrInvalid, keeping its message.
func Invalid(err error) error { return invalid{err} }

type invalid struct{ err error }

func (e invalid) Error() string   { return e.err.Error() }
func (e invalid) Unwrap() []error { return []error{e.err, ErrInvalid} }

// Load fills cfg (a pointer to a struct with envconfig tags) from the
// environment. A missing or malformed variable yields an error naming it,
// which wraps ErrInvalid.
func Load(cfg any) error {
	if err := load(cfg); err != nil {
		return invalid{err}
	}
	return nil
}

func load(cfg any) error {
	if err := envconfig.Process("", cfg); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("config: %s: cannot parse %q as %s", pe.KeyName, maskIfSecret(cfg, pe.FieldName, pe.Value), pe.TypeName)
		}
		return fmt.Errorf("config: %w", err)
	}
	if err := checkRequired(reflect.Indirect(reflect.ValueOf(cfg))); err != nil {
		return err
	}
	if v, ok := cfg.(Validator); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	return nil
}

func maskIfSecret(cfg any, field, value string) string {
	t := reflect.TypeOf(cfg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if f, ok := t.FieldByName(field); ok && f.Tag.Get("secret") == "true" {
		return "****"
	}
	return value
}

// Describe returns cfg's fields as slog attributes under their variable
// names, ready for logger.Info("config", config.Describe(&cfg)...).
// Fields tagged secret:"true" show only whether they are set.
func Describe(cfg any) []any {
	var attrs []slog.Attr
	describe(reflect.Indirect(reflect.ValueOf(cfg)), &attrs)
	out := make([]any, len(attrs))
	for i, a := range attrs {
		out[i] = a
	}
	return out
}

func describe(v reflect.Value, attrs *[]slog.Attr) {
	for _, st := range variables(v) {
		if st.field.Tag.Get("secret") == "true" {
			state := "unset"
			if !st.value.IsZero() {
				state = "set"
			}
			*attrs = append(*attrs, slog.String(st.name, state))
			continue
		}
		*attrs = append(*attrs, slog.Any(st.name, st.value.Interface()))
	}
}

// checkRequired rejects required variables that are set but empty:
// envconfig counts DATABASE_URL="" as present, and a function would then
// start without a database.
func checkRequired(v reflect.Value) error {
	for _, st := range variables(v) {
		if st.field.Tag.Get("required") == "true" && st.value.IsZero() {
			return fmt.Errorf("config: %s: required, but empty", st.name)
		}
	}
	return nil
}

// Secrets returns the values of cfg's secret fields (tagged secret:"true")
// that are set, so the log scrubber can redact them wherever they appear.
func Secrets(cfg any) []string {
	var out []string
	secrets(reflect.Indirect(reflect.ValueOf(cfg)), &out)
	return out
}

func secrets(v reflect.Value, out *[]string) {
	for _, st := range variables(v) {
		if st.field.Tag.Get("secret") == "true" && st.value.Kind() == reflect.String && st.value.String() != "" {
			*out = append(*out, secretParts(st.value.String())...)
		}
	}
}

// secretParts is what of a secret value must never be logged: a URL's
// password (its host and user are not secret, and redacting them would
// hide where a failing request went); otherwise the whole value, and
// each element of a list like TOKEN_KEYS ("id:key,id:key") on its own.
func secretParts(v string) []string {
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		if pw, ok := u.User.Password(); ok {
			return []string{pw}
		}
		return nil
	}
	out := []string{v}
	for _, item := range strings.Split(v, ",") {
		out = append(out, item)
		if _, key, ok := strings.Cut(item, ":"); ok {
			out = append(out, key)
		}
	}
	return out
}
