// Command artifacts is the artifacts function: the artifacts of a user's
// chats, as JSON and as downloads.
package main

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/functions/artifacts/api"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/session"
)

func main() {
	bootstrap.SignedInFunction("artifacts", func(pool *pgxpool.Pool, authenticate session.Authenticate) http.Handler {
		return api.New(api.Deps{Store: chatstore.New(pool), Authenticate: authenticate})
	})
}
