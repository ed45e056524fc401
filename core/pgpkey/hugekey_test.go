package pgpkey

import (
	"testing"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// elGamalSubkey is [testkeys.ElGamalSubkey], failing t on error.
func elGamalSubkey(t testing.TB, bits int) []byte {
	key, err := testkeys.ElGamalSubkey(bits)
	if err != nil {
		t.Fatal(err)
	}
	return key
}
