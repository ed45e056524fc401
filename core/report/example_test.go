package report_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/report"
)

func ExampleValidate() {
	r, err := report.Parse(strings.NewReader(`{
		"schema": "sealpost.report/v1",
		"targets": ["https://shop.example.com/cart", "the checkout page"],
		"description": "",
		"policy_accepted": true
	}`))
	if err != nil {
		panic(err)
	}
	rules := report.Rules{Required: []string{"targets", "description"}}
	err = report.Validate(r, report.Options{Rules: rules, Language: "fr"})
	var invalid *report.ValidationError
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			fmt.Printf("%s (%s): %s\n", p.Field, p.Rule, p.Message)
		}
	}
	// Output:
	// targets[1] (target): Cible (2) doit être une URL, une adresse IP, un nom d'hôte ou une plage CIDR, par exemple https://example.com/login ou 192.0.2.10.
	// description (required): Ce que vous avez vu est obligatoire.
}

func ExampleReport_WriteText() {
	found := report.Day(2026, 11, 20) // the reporter knows the day, not the time
	r := &report.Report{
		Title:          "Open redirect on login",
		Targets:        []string{"https://example.com/login?next="},
		DiscoveredAt:   &found,
		Description:    "next= accepts any host.",
		CVSS:           "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
		PolicyAccepted: true,
	}
	if err := r.WriteText(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// Vulnerability report: Open redirect on login
	// ============================================
	//
	// Targets:
	//   - https://example.com/login?next=
	// Found:           2026-11-20
	// Severity:        6.1 medium (CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N)
	//
	// What I saw
	// ----------
	//     next= accepts any host.
	//
	// Reporter
	// --------
	// Name:            (not given)
	// Credit:          no
	//
	// Submission
	// ----------
	// Policy accepted: yes
	// Format:          sealpost.report/v1
}

func ExampleReport_JSON() {
	r := &report.Report{Title: "<b>bold</b>", CVSS: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", PolicyAccepted: true}
	js, err := r.JSON()
	if err != nil {
		panic(err)
	}
	fmt.Print(string(js))
	// Output:
	// {
	//   "schema": "sealpost.report/v1",
	//   "title": "\u003cb\u003ebold\u003c/b\u003e",
	//   "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	//   "cvss_score": 9.8,
	//   "cvss_rating": "critical",
	//   "policy_accepted": true
	// }
}

// A date stays a date, and a date and time keeps its time and offset.
func ExampleParseWhen() {
	for _, s := range []string{"2026-11-20", "2026-11-20T14:30:00+01:00", "20/11/2026"} {
		w, err := report.ParseWhen(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(w, w.DateOnly, w.UTC().Format(time.RFC3339))
	}
	// Output:
	// 2026-11-20 true 2026-11-20T00:00:00Z
	// 2026-11-20T14:30:00+01:00 false 2026-11-20T13:30:00Z
	// write a date like 2026-11-20 or a date and time like 2026-11-20T14:30:00Z, not "20/11/2026"
}
