package api

import (
	"net/url"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

// defaultReturn is where sign-in lands without a return_to.
const defaultReturn = "/chats"

// checkReturnTo accepts only a path on this origin, so sign-in can never
// be used to bounce a user to another site (an open redirect).
func checkReturnTo(raw string) (string, error) {
	if raw == "" {
		return defaultReturn, nil
	}
	bad := apperr.InvalidField("return_to", "must be a path on this site, such as /chats")
	if len(raw) > 2048 || raw[0] != '/' || strings.HasPrefix(raw, "//") || strings.ContainsAny(raw, "\\") {
		return "", bad
	}
	for _, c := range raw {
		// Control characters and spaces: browsers strip some of them,
		// which can turn "/\t/evil" into "//evil".
		if c < 0x21 || c == 0x7f {
			return "", bad
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", bad
	}
	return raw, nil
}
