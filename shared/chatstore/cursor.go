package chatstore

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

// Cursors are opaque to clients: base64url of a prefix naming the list and
// the key of the last row served. The prefix keeps a cursor of one list from
// being accepted by another.

func encodeChatCursor(updatedAt time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c:" + strconv.FormatInt(updatedAt.UnixMicro(), 10) + ":" + id))
}

func decodeChatCursor(s string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", badCursor()
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != "c" || !ids.Valid(parts[2]) {
		return time.Time{}, "", badCursor()
	}
	micros, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return time.Time{}, "", badCursor()
	}
	return time.UnixMicro(micros).UTC(), parts[2], nil
}

func encodeMessageCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("m:" + strconv.FormatInt(seq, 10)))
}

func decodeMessageCursor(s string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, badCursor()
	}
	n, ok := strings.CutPrefix(string(raw), "m:")
	if !ok {
		return 0, badCursor()
	}
	seq, err := strconv.ParseInt(n, 10, 64)
	if err != nil || seq < 0 {
		return 0, badCursor()
	}
	return seq, nil
}

func badCursor() error { return apperr.InvalidField("cursor", "is not a cursor this list returned") }
