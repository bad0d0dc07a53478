package fakegithub

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
)

// GitHub's OAuth error answers: error code, description and error_uri.
type oauthError struct{ code, description, uri string }

const troubleshootToken = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/" // #nosec G101 -- a documentation URL, not a credential
const troubleshootAuthorize = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/"

// Errors of POST /login/oauth/access_token; GitHub sends them with HTTP 200.
var (
	ErrIncorrectClientCredentials = oauthError{"incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", troubleshootToken + "#incorrect-client-credentials"}
	ErrRedirectURIMismatch        = oauthError{"redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", troubleshootToken + "#redirect-uri-mismatch2"}
	ErrBadVerificationCode        = oauthError{"bad_verification_code", "The code passed is incorrect or expired.", troubleshootToken + "#bad-verification-code"}
	ErrUnsupportedGrantType       = oauthError{"unsupported_grant_type", "The grant type is not supported.", troubleshootToken}
)

// Errors of GET /login/oauth/authorize, sent to the callback URL.
var (
	errAccessDenied          = oauthError{"access_denied", "The user has denied your application access.", troubleshootAuthorize + "#access-denied"}
	errAuthorizeRedirectURI  = oauthError{"redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", troubleshootAuthorize + "#redirect-uri-mismatch"}
	errUnsupportedPKCEMethod = oauthError{"invalid_request", "Only the S256 code_challenge_method is supported.", troubleshootAuthorize}
)

// authorize stands in for the consent page: the signed-in user approves
// (or, after Deny(true), denies) at once, and the browser is sent back.
func (f *Fake) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	app, ok := f.apps[q.Get("client_id")]
	login := f.signedIn
	if l := q.Get("login"); l != "" {
		if _, known := f.users[l]; known {
			login = l
		}
	}
	deny := f.deny
	f.mu.Unlock()
	if !ok {
		// GitHub shows its HTML 404 page for an unknown client_id.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Page not found · GitHub</title></head><body>Not Found</body></html>"))
		return
	}
	state := q.Get("state")
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" {
		redirectURI = app.CallbackURL
	}
	if !redirectAllowed(app.CallbackURL, redirectURI) {
		redirectWithError(w, r, app.CallbackURL, errAuthorizeRedirectURI, state)
		return
	}
	challenge := q.Get("code_challenge")
	if challenge != "" && q.Get("code_challenge_method") != "S256" {
		redirectWithError(w, r, redirectURI, errUnsupportedPKCEMethod, state)
		return
	}
	if deny || login == "" {
		redirectWithError(w, r, redirectURI, errAccessDenied, state)
		return
	}
	code := strings.ToLower(randomString(20))
	f.mu.Lock()
	f.codes[code] = grant{
		clientID:    app.ClientID,
		login:       login,
		scopes:      splitScopes(q.Get("scope")),
		redirectURI: q.Get("redirect_uri"),
		challenge:   challenge,
		expires:     f.now().Add(CodeLifetime),
	}
	f.mu.Unlock()
	v := url.Values{"code": {code}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(redirectURI, v), http.StatusFound) // #nosec G710 -- test fake of GitHub: redirects to the registered callback, as GitHub does
}

// redirectAllowed applies GitHub's rule: same scheme, host and port as
// the callback URL, and a path at or under its path.
func redirectAllowed(callback, redirect string) bool {
	c, err1 := url.Parse(callback)
	d, err2 := url.Parse(redirect)
	if err1 != nil || err2 != nil || c.Scheme != d.Scheme || c.Host != d.Host {
		return false
	}
	if d.Path == c.Path {
		return true
	}
	return strings.HasPrefix(d.Path, strings.TrimSuffix(c.Path, "/")+"/") && !strings.Contains(d.Path, "/../")
}

func redirectWithError(w http.ResponseWriter, r *http.Request, to string, e oauthError, state string) {
	v := url.Values{"error": {e.code}, "error_description": {e.description}, "error_uri": {e.uri}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(to, v), http.StatusFound) // #nosec G710 -- test fake of GitHub: redirects where the OAuth flow says, as GitHub does
}

func withQuery(to string, v url.Values) string {
	u, err := url.Parse(to)
	if err != nil {
		return to
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// accessToken exchanges a code. Parameters come from the form body or the
// query string, client credentials from them or HTTP Basic auth.
func (f *Fake) accessToken(w http.ResponseWriter, r *http.Request) {
	clientID, secret := r.Form.Get("client_id"), r.Form.Get("client_secret")
	if id, s, ok := r.BasicAuth(); ok {
		clientID, secret = id, s
	}
	if gt := r.Form.Get("grant_type"); gt != "" && gt != "authorization_code" {
		writeOAuthError(w, r, ErrUnsupportedGrantType)
		return
	}
	f.mu.Lock()
	app, ok := f.apps[clientID]
	f.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(app.ClientSecret), []byte(secret)) != 1 {
		writeOAuthError(w, r, ErrIncorrectClientCredentials)
		return
	}
	code := r.Form.Get("code")
	f.mu.Lock()
	g, ok := f.codes[code]
	if ok && (g.clientID != clientID || !f.now().Before(g.expires)) {
		ok = false
	}
	f.mu.Unlock()
	if !ok {
		writeOAuthError(w, r, ErrBadVerificationCode)
		return
	}
	if ru := r.Form.Get("redirect_uri"); ru != "" && g.redirectURI != "" && ru != g.redirectURI {
		writeOAuthError(w, r, ErrRedirectURIMismatch)
		return
	}
	if g.challenge != "" {
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			writeOAuthError(w, r, ErrBadVerificationCode)
			return
		}
	}
	token := "gho_" + randomString(36)
	f.mu.Lock()
	// A code is good for one exchange, whatever its outcome from here on.
	delete(f.codes, code)
	f.tokens[token] = tokenInfo{login: g.login, scopes: g.scopes}
	f.mu.Unlock()
	scope := strings.Join(g.scopes, ",")
	switch accept(r) {
	case "json":
		writeJSON(w, http.StatusOK, map[string]string{"access_token": token, "token_type": "bearer", "scope": scope})
	case "xml":
		writeXML(w, struct {
			XMLName     xml.Name `xml:"OAuth"`
			TokenType   string   `xml:"token_type"`
			Scope       string   `xml:"scope"`
			AccessToken string   `xml:"access_token"`
		}{TokenType: "bearer", Scope: scope, AccessToken: token})
	default:
		writeForm(w, url.Values{"access_token": {token}, "scope": {scope}, "token_type": {"bearer"}})
	}
}

func accept(r *http.Request) string {
	a := strings.ToLower(r.Header.Get("Accept"))
	switch {
	case strings.Contains(a, "application/json"):
		return "json"
	case strings.Contains(a, "application/xml"):
		return "xml"
	}
	return "form"
}

// writeOAuthError answers as GitHub does: HTTP 200 with error,
// error_description and error_uri, in the format the client accepts.
func writeOAuthError(w http.ResponseWriter, r *http.Request, e oauthError) {
	switch accept(r) {
	case "json":
		writeJSON(w, http.StatusOK, map[string]string{"error": e.code, "error_description": e.description, "error_uri": e.uri})
	case "xml":
		writeXML(w, struct {
			XMLName          xml.Name `xml:"OAuth"`
			Error            string   `xml:"error"`
			ErrorDescription string   `xml:"error_description"`
			ErrorURI         string   `xml:"error_uri"`
		}{Error: e.code, ErrorDescription: e.description, ErrorURI: e.uri})
	default:
		writeForm(w, url.Values{"error": {e.code}, "error_description": {e.description}, "error_uri": {e.uri}})
	}
}

func writeForm(w http.ResponseWriter, v url.Values) {
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(v.Encode()))
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
