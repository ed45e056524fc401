package config_test

import (
	"fmt"
	"strings"

	"github.com/sealpost/sealpost/core/config"
)

func ExampleLoadFile() {
	cfg, err := config.LoadFile("examples/cocomm.json")
	if err != nil {
		panic(err)
	}
	rules := cfg.Rules()
	fmt.Println(cfg.Org.Name, cfg.Languages)
	fmt.Println("required:", rules.Required, "steps or attachment:", rules.StepsOrAttachment)
	fmt.Println("reply within", cfg.Promises.ReplyWithinWorkingDays, "working days, triage within", cfg.Promises.TriageWithinWorkingDays)
	// Output:
	// Cocomm [en es]
	// required: [targets discovered_at description expected] steps or attachment: true
	// reply within 5 working days, triage within 10
}

func ExampleLoad() {
	_, err := config.Load(strings.NewReader(`{
		"schema": "sealpost.config/v1",
		"org": {"name": "Example", "nmae": "typo"},
		"key": {"url": "https://example.com/key.asc"},
		"endpoint": {"url": "http://example.com/reports"},
		"languages": ["en"],
		"bounty": {"kind": "none"},
		"credit": {"offered": false, "pseudonym_allowed": true}
	}`))
	fmt.Println(err)
	// Output:
	// invalid config: org.nmae: unknown key "nmae"
}
