// Command fakegithub serves the fake GitHub (OAuth web flow, /user,
// /user/emails) for the end-to-end stack: point the auth function's
// GITHUB_WEB_URL and GITHUB_API_URL at it and give it the same client id
// and secret. Manage it at runtime through /_fake/… (see fakegithub).
//
//	FAKE_GITHUB_ADDR           listen address (default 127.0.0.1:8092)
//	FAKE_GITHUB_CLIENT_ID      OAuth app client id (default fake-client-id)
//	FAKE_GITHUB_CLIENT_SECRET  OAuth app client secret (default fake-client-secret)
//	FAKE_GITHUB_CALLBACK_URL   the app's callback URL
//	                           (default http://localhost:8080/api/auth/github/callback)
//	FAKE_GITHUB_USERS          comma-separated logins to create (default octocat);
//	                           the first one approves sign-ins
package main

import (
	"log"
	"strings"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("fakegithub: %v", err)
	}
}

func run() error {
	addr := testkit.EnvOr("FAKE_GITHUB_ADDR", "127.0.0.1:8092")
	fake := fakegithub.New()
	fake.AddApp(fakegithub.App{
		ClientID:     testkit.EnvOr("FAKE_GITHUB_CLIENT_ID", "fake-client-id"),
		ClientSecret: testkit.EnvOr("FAKE_GITHUB_CLIENT_SECRET", "fake-client-secret"),
		CallbackURL:  testkit.EnvOr("FAKE_GITHUB_CALLBACK_URL", "http://localhost:8080/api/auth/github/callback"),
	})
	for _, login := range strings.Split(testkit.EnvOr("FAKE_GITHUB_USERS", "octocat"), ",") {
		if login = strings.TrimSpace(login); login == "" {
			continue
		}
		fake.AddUser(fakegithub.User{Login: login, Name: login, Emails: []fakegithub.Email{
			{Email: login + "@users.example.com", Primary: true, Verified: true, Visibility: "private"},
		}})
	}
	return testkit.ServeUntilSignal("fakegithub", addr, fake, nil)
}
