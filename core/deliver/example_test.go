package deliver_test

import (
	"fmt"

	"github.com/sealpost/sealpost/core/deliver"
)

func ExampleMailto() {
	armored := []byte("-----BEGIN PGP MESSAGE-----\n\nwV4D...\n-----END PGP MESSAGE-----\n")
	link, attach := deliver.Mailto("security@comoo.be", "Vulnerability report (encrypted)", armored, "sealpost-report.asc")
	fmt.Println(attach)
	fmt.Println(link[:80])
	// Output:
	// false
	// mailto:security@comoo.be?subject=Vulnerability%20report%20%28encrypted%29&body=T
}
