package apperr

import "net/http"

// statusByCode is the one place codes become HTTP statuses.
var statusByCode = map[Code]int{
	Invalid:          http.StatusBadRequest,
	Unauthenticated:  http.StatusUnauthorized,
	Forbidden:        http.StatusForbidden,
	NotFound:         http.StatusNotFound,
	MethodNotAllowed: http.StatusMethodNotAllowed,
	Conflict:         http.StatusConflict,
	TooLarge:         http.StatusRequestEntityTooLarge,
	RateLimited:      http.StatusTooManyRequests,
	QuotaExceeded:    http.StatusTooManyRequests,
	Upstream:         http.StatusBadGateway,
	Unavailable:      http.StatusServiceUnavailable,
	Internal:         http.StatusInternalServerError,

	CSRFRefused:          http.StatusForbidden,
	UnsupportedMediaType: http.StatusUnsupportedMediaType,
	GitHubScopeRequired:  http.StatusForbidden,
	GitHubReauthRequired: http.StatusUnauthorized,
	GitHubSignInRequired: http.StatusForbidden,
}

// Status maps a code to its HTTP status; unknown codes are 500.
func Status(code Code) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}
