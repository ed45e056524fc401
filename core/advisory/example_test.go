package advisory_test

import (
	"fmt"
	"os"
	"time"

	"github.com/sealpost/sealpost/core/advisory"
	"github.com/sealpost/sealpost/core/report"
)

func ExampleWrite() {
	f, _ := os.Open("../report/examples/full.json") // an opened report's report.json
	defer f.Close()
	r, err := report.Parse(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	draft, missing, err := advisory.Write(advisory.OSV, r, advisory.Options{
		ID: "x_EXAMPLE-2026-0001", Product: "webshop", Ecosystem: "npm",
		Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes of OSV; left empty:\n", len(draft))
	for _, m := range missing {
		fmt.Println(m.Path)
	}
	// Output:
	// 1176 bytes of OSV; left empty:
	// /aliases
	// /affected/0/ranges
	// /references
}
