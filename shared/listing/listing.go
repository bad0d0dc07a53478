// Package listing answers the API's list routes: a JSON object whose one
// field holds the list, always an array (never null), so clients need no
// nil check.
package listing

import (
	"context"
	"net/http"

	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

// Write answers 200 with {field: items}.
func Write[T any](w http.ResponseWriter, field string, items []T) {
	if items == nil {
		items = []T{}
	}
	jsonio.Write(w, http.StatusOK, map[string][]T{field: items})
}

// ChatItems is the handler of a route listing what belongs to one chat
// (the path's {id}) of the signed-in user, such as its artifacts or
// attachments: list reads them, checking the chat is the user's.
func ChatItems[T any](field string, list func(ctx context.Context, userID, chatID string) ([]T, error)) session.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, u session.User) error {
		chatID, err := ids.FromPath(r, "id")
		if err != nil {
			return err
		}
		items, err := list(r.Context(), u.ID, chatID)
		if err != nil {
			return err
		}
		Write(w, field, items)
		return nil
	}
}
