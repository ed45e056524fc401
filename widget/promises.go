package widget

import (
	"strconv"

	"github.com/sealpost/sealpost/core/config"
)

// promises says in sentences, in lang, what the vendor's policy promises:
// the form's "What happens next" and the receipt's.
func promises(lang string, cfg *config.Config) []string { return promisesSaying(lang, cfg, true) }

// promisesSaying is promises, with or without the bounty's sentence: the
// form leaves it out where the vendor's own words on rewards follow.
func promisesSaying(lang string, cfg *config.Config, bounty bool) []string {
	p, org := cfg.Promises, cfg.Org.Name
	var out []string
	say := func(key string, n int) {
		out = append(out, textf(lang, key, org, "{n}", strconv.Itoa(n)))
	}
	for _, days := range []struct {
		key string
		n   int
	}{
		{map[bool]string{false: "promise_reply", true: "promise_reply_assessment"}[p.ReplyWithAssessment], p.ReplyWithinWorkingDays},
		{"promise_triage", p.TriageWithinWorkingDays},
		{"promise_enquiry", p.StatusEnquiryMinDays},
	} {
		if days.n > 0 {
			say(days.key, days.n)
		}
	}
	for _, yes := range []struct {
		key string
		on  bool
	}{
		{"promise_informed", p.KeepInformed},
		{"promise_fixed", p.NotifyWhenFixed},
		{"promise_confirm_fix", p.InviteToConfirmFix},
		{"promise_no_legal", p.NoLegalAction},
		{"promise_confidential", p.Confidential},
		{"promise_personal_data", p.PersonalDataKept},
		{"promise_bounty_" + cfg.Bounty.Kind, bounty && (cfg.Bounty.Kind == "none" || cfg.Bounty.Kind == "discretionary" || cfg.Bounty.Kind == "paid")},
		{"promise_credit", cfg.Credit.Offered},
		{"promise_name_required", !cfg.Credit.Pseudonyms()},
	} {
		if yes.on {
			say(yes.key, 0)
		}
	}
	return out
}
