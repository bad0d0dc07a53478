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

// TokenKeysEnv is a TOKEN_KEYS setting with a fresh key (one per test
// process), for running functions outside development (APP_ENV=test),
// which refuse to start without one.
func TokenKeysEnv() string { return "TOKEN_KEYS=" + tokenKeys() }

// TokenKeys is the key ring TokenKeysEnv names, for sealing tokens a
// function started with it must open.
func TokenKeys() *tokenvault.KeyRing {
	ring, err := tokenvault.ParseKeys(tokenKeys())
	if err != nil {
		panic(err)
	}
	return ring
}
