package pgpkey_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sealpost/sealpost/core/pgpkey"
)

func ExampleParse() {
	asOf := pgpkey.Options{Now: func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }}

	data, err := os.ReadFile("testdata/real/real-ruby-lang-security.asc")
	if err != nil {
		panic(err)
	}
	set, err := pgpkey.Parse(data, asOf)
	if err != nil {
		panic(err)
	}
	k := set.Keys[0]
	fmt.Println(k.Fingerprint, k.Algorithm, k.UserIDs[0])
	fmt.Println("encrypts to", k.Encryption.Fingerprint)

	// A key inside a Markdown policy, expired in 2021.
	data, _ = os.ReadFile("testdata/real/real-bitcoinsv-rdp.md")
	_, err = pgpkey.Parse(data, asOf)
	fmt.Println(errors.Is(err, pgpkey.ErrExpired))
	fmt.Println(err)
	// Output:
	// 35F50DF26604A31C1D52BB0D21E7DE872663E358 RSA-4096 Ruby Security Team <security@ruby-lang.org>
	// encrypts to 37095C0C1234D82B68593AFABF8640DCF2A6EBB3
	// true
	// key E8EB970A1C607DF0822E1388F96976FD7A20AB62 refused (expired): it expired on 2021-01-01; ask the vendor for a current key
}
