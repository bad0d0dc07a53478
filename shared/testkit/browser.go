package testkit

import (
	"net/http"
)

// StudioOrigin is the origin the functions allow by default
// (ALLOWED_ORIGINS), as the studio's pages have it in development.
const StudioOrigin = "http://localhost:8080"

// Every state-changing request must look like it came from the studio's
// own pages (shared/csrf), so the test clients (API, Function.Client,
// LambdaFunction.Invoke through HTTPEvent) act like a browser on them:
// they add Sec-Fetch-Site: same-origin unless the request names an Origin
// or a Sec-Fetch-Site itself, and the HTTP clients declare a body JSON
// unless it has a Content-Type. A test of what happens without those
// headers puts the header in the request with no value (HTTPEvent: an
// empty value), which the clients leave alone and do not send.

// browserDefaults adds the headers a browser would send to h.
func browserDefaults(h http.Header, hasBody bool) {
	_, origin := h["Origin"]
	_, site := h["Sec-Fetch-Site"]
	if !origin && !site {
		h.Set("Sec-Fetch-Site", "same-origin")
	}
	if _, ct := h["Content-Type"]; hasBody && !ct {
		h.Set("Content-Type", "application/json")
	}
}

// dropEmpty removes headers set with no value: the way a test asks a
// client to leave a header out.
func dropEmpty(h http.Header) {
	for k, v := range h {
		if len(v) == 0 || (len(v) == 1 && v[0] == "") {
			delete(h, k)
		}
	}
}

// browserTransport is next with browserDefaults on every request.
type browserTransport struct{ next http.RoundTripper }

func (t browserTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	browserDefaults(req.Header, req.Body != nil && req.Body != http.NoBody)
	dropEmpty(req.Header)
	return t.next.RoundTrip(req)
}
