// Command chats is the chats function: /api/chats and their messages.
package main

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/functions/chats/api"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/session"
)

func main() {
	bootstrap.SignedInFunction("chats", func(pool *pgxpool.Pool, authenticate session.Authenticate) http.Handler {
		return api.New(api.Deps{Store: chatstore.New(pool), Authenticate: authenticate})
	})
}
