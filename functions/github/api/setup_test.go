package api_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/github/api"
	"github.com/archstudio/studio/functions/github/publications"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// Scope sets of a token.
var (
	signInScopes  = []string{"read:user", "user:email"}
	publicScopes  = []string{"read:user", "user:email", "public_repo"}
	publishScopes = []string{"read:user", "user:email", "repo"}
	allScopes     = []string{"read:user", "user:email", "repo", "workflow"}
)

const token = "gho_aliceToken0123456789abcdefABCDEF"

// world is the github API in front of a fake GitHub, with alice signed
// in with a GitHub token of the given scopes, owning alice/app (public,
// with Claude's workflow) and alice/secret (private), and bob owning
// bob/public and bob/private.
type world struct {
	*testkit.API
	gh     *fakegithub.Server
	tokens *tokenvault.Repository
	chats  *chatstore.Store
	alice  string
	chat   string
}

func newWorld(t *testing.T, scopes []string) *world {
	t.Helper()
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	gh := fakegithub.NewServer(t, "http://app.test/api/auth/github/callback")
	gh.AddUser(fakegithub.User{Login: "alice"})
	gh.AddUser(fakegithub.User{Login: "bob"})
	gh.AddToken(token, "alice", scopes)
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app", ClaudeWorkflow: true})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "secret", Private: true})
	gh.AddRepo(fakegithub.Repo{Owner: "bob", Name: "public"})
	gh.AddRepo(fakegithub.Repo{Owner: "bob", Name: "private", Private: true})
	w := &world{
		gh:     gh,
		tokens: tokenvault.NewRepository(pool, tokenvault.DevelopmentKeys()),
		chats:  chatstore.New(pool),
	}
	h := api.New(api.Deps{
		Chats: w.chats, Tokens: w.tokens, Publications: publications.New(pool),
		GitHub:       githubapi.Config{APIURL: gh.URL, Timeout: time.Second},
		Authenticate: session.NewStore(rdb, session.Config{}).Middleware,
	})
	w.API = testkit.NewAPI(t, pool, rdb, h)
	w.alice = w.SignIn("alice")
	if err := w.tokens.Save(context.Background(), pool, w.alice, tokenvault.NewSecret(token), scopes); err != nil {
		t.Fatal(err)
	}
	chat, err := w.chats.CreateChat(context.Background(), w.alice, "plans")
	if err != nil {
		t.Fatal(err)
	}
	w.chat = chat.ID
	return w
}

// artifact stores content as the next version of alice's "roadmap"
// markdown artifact and returns its id.
func (w *world) artifact(t *testing.T, content string) chatstore.Artifact {
	t.Helper()
	a, err := w.chats.SaveArtifact(context.Background(), w.alice, w.chat, "", "roadmap", chatstore.TypeMarkdown, "", "Roadmap", content)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func seed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../roadmap/testdata/seed-roadmap.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noToken fails t when the token shows in a response.
func noToken(t *testing.T, r testkit.Response) {
	t.Helper()
	if strings.Contains(r.Body, token) {
		t.Fatalf("response body holds the token: %s", r.Body)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, token) {
				t.Fatalf("response header %s holds the token", k)
			}
		}
	}
}
