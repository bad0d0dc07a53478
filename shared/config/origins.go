package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Origins parses ALLOWED_ORIGINS: the origins whose pages may call the
// API with the user's cookie (CORS with credentials, and the CSRF check).
func (b Base) Origins() ([]string, error) { return ParseOrigins(b.AllowedOrigins) }

// ParseOrigins reads a comma-separated origin list, lower-cased. "*" is
// refused: with credentials it would hand every site the signed-in
// user's API.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			return nil, fmt.Errorf("ALLOWED_ORIGINS: \"*\" cannot be used with credentials; list the origins")
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("ALLOWED_ORIGINS: %q is not an origin (scheme://host[:port])", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}
