package testkit

import (
	"sync"

	"github.com/archstudio/studio/shared/tokenvault"
)

var tokenKeys = sync.OnceValue(func() string {
	key, err := tokenvault.GenerateKey("test")
	if err != nil {
		panic(err)
	}
	return key
})

// TokenKeysEnv is a TOKEN_KEYS setting with a fresh key, for running
// functions outside development (APP_ENV=test), which refuse to start
// without one.
func TokenKeysEnv() string { return "TOKEN_KEYS=" + tokenKeys() }
