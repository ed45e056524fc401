//go:build !js

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

// TestEveryWordIsInTheReadersLanguage opens each seed's page with the
// browser set to each language the widget speaks (each vendor's own among
// them): first the static form, while app.wasm is held back, then the
// form, then the Follow view. Every visible text, option, label and
// aria-label must be in the reader's language, except a vendor's own words
// in a language the vendor did not write, which must carry the lang of the
// language they are in, one the vendor's config lists.
func TestEveryWordIsInTheReadersLanguage(t *testing.T) {
	for _, seed := range []string{"comoo", "cocomm"} {
		t.Run(seed, func(t *testing.T) {
			cfg, err := config.LoadFile("../../core/config/examples/" + seed + ".json")
			if err != nil {
				t.Fatal(err)
			}
			v := setUp(t, seed)
			ctx, _ := browser(t)
			if err := doWithin(ctx, 30*time.Second, chromedp.Navigate("about:blank")); err != nil {
				t.Fatal(err)
			}
			ua, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
			if err != nil {
				t.Fatal(err)
			}
			// Every page load asks the server for app.wasm, which holds it
			// back while the static form is read: neither the widget's
			// service worker nor the HTTP cache may answer for it.
			if _, err := chromedp.Call(ctx, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
				t.Fatal(err)
			}
			for _, lang := range report.Languages {
				if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang}); err != nil {
					t.Fatal(err)
				}
				_, release := holdWasm(v)
				if err := doWithin(ctx, 30*time.Second, chromedp.Navigate(v.widgetURL), chromedp.WaitVisible(chromedp.CSS("#sp-static #sp-targets"))); err != nil {
					t.Fatalf("%s: %v", lang, err)
				}
				if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dataset.lang || ""`)); err != nil || got != lang {
					t.Fatalf("%s: the page takes the reader's language to be %q (%v)", lang, got, err)
				}
				checkWords(t, ctx, lang+", static form", lang, cfg)
				release()
				if err := doWithin(ctx, 60*time.Second, chromedp.WaitVisible(chromedp.CSS(".sealpost[data-ready] #sp-targets"))); err != nil {
					t.Fatalf("%s: %v; the page shows:\n%s", lang, err, pageText(ctx))
				}
				if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".sealpost[data-ready]").lang`)); err != nil || got != lang {
					t.Fatalf("%s: the form is in %q (%v)", lang, got, err)
				}
				checkWords(t, ctx, lang+", form", lang, cfg)
				// Sent empty: every field says what is wrong, in lang.
				if err := doWithin(ctx, 30*time.Second, chromedp.Click(chromedp.CSS("#sp-submit")), chromedp.WaitVisible(chromedp.CSS(".sp-error"))); err != nil {
					t.Fatalf("%s: %v; the page shows:\n%s", lang, err, pageText(ctx))
				}
				checkWords(t, ctx, lang+", form with its errors", lang, cfg)
				if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(v.widgetURL+"#follow"), chromedp.WaitVisible(chromedp.CSS("#follow-code"))); err != nil {
					t.Fatalf("%s: %v; the page shows:\n%s", lang, err, pageText(ctx))
				}
				checkWords(t, ctx, lang+", Follow view", lang, cfg)
			}
		})
	}
}

// TestWhatComesAfterSendingIsInTheReadersLanguage: the states after the
// button, in Dutch and Spanish: the failure panel while the intake is down
// (with its reply code and the outbox's promise), then, the intake back,
// the receipt after a retry.
func TestWhatComesAfterSendingIsInTheReadersLanguage(t *testing.T) {
	cfg, err := config.LoadFile("../../core/config/examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"nl", "es"} {
		t.Run(lang, func(t *testing.T) {
			v := setUp(t, "comoo")
			v.down.Store(true)
			ctx, _ := browser(t)
			if err := doWithin(ctx, 30*time.Second, chromedp.Navigate("about:blank")); err != nil {
				t.Fatal(err)
			}
			ua, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang}); err != nil {
				t.Fatal(err)
			}
			if err := doWithin(ctx, 30*time.Second, chromedp.Navigate(v.widgetURL)); err != nil {
				t.Fatal(err)
			}
			if err := fileWhileDown(ctx, "MARKER-LANG-"+lang); err != nil {
				t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
			}
			checkWords(t, ctx, lang+", sending failed", lang, cfg)
			v.down.Store(false)
			if err := doWithin(ctx, 90*time.Second, click(chromedp.CSS("#sp-retry")), chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]"))); err != nil {
				t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
			}
			checkWords(t, ctx, lang+", receipt", lang, cfg)
		})
	}
}

// shown is a text the page shows and the language it is marked as being in
// (the lang of its nearest element that has one). Detail is set for the
// library's own words under "Technical details" (marked English, by
// design: they are for whoever helps the reporter).
type shown struct {
	Text, Lang string
	Detail     bool
}

// visibleWords are the texts a reader sees or hears: visible text nodes,
// the options of visible menus, the aria-label, placeholder and title of
// visible elements, and the page's title. Closed <details> are opened
// first.
var visibleWords = chromedp.Evaluate[[]shown](`(() => {
  for (const d of document.querySelectorAll("details")) d.open = true;
  const out = [];
  const push = (el, s) => {
    s = s.replace(/\s+/g, " ").trim();
    if (!s) return;
    const l = el.closest("[lang]");
    out.push({Text: s, Lang: l ? l.getAttribute("lang") : document.documentElement.lang, Detail: !!el.closest(".sp-detail code")});
  };
  const seen = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const el = w.currentNode.parentElement;
    if (!el || el.closest("script, style, noscript, template")) continue;
    if (el.tagName === "OPTION" ? seen(el.closest("select")) : seen(el)) push(el, w.currentNode.textContent);
  }
  for (const el of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
    if (!seen(el)) continue;
    for (const a of ["aria-label", "placeholder", "title"]) if (el.hasAttribute(a)) push(el, el.getAttribute(a));
  }
  const root = document.querySelector(".sealpost[lang]");
  out.push({Text: document.title, Lang: root ? root.lang : document.documentElement.lang});
  return out;
})()`)

// checkWords fails t for every text on the page that is not in lang: a
// sentence whose words are another language's, or a field label of
// another language; vendor words in another language must be marked with
// one of the vendor's languages.
func checkWords(t *testing.T, ctx context.Context, where, lang string, cfg *config.Config) {
	t.Helper()
	words, err := chromedp.Run(ctx, visibleWords)
	if err != nil {
		t.Fatal(err)
	}
	if len(words) < 5 {
		t.Fatalf("%s: only %d texts on the page: %v", where, len(words), words)
	}
	labels := map[string]bool{}
	for _, other := range report.Languages {
		if other == lang {
			continue
		}
		for _, field := range report.Requirable {
			if l := report.FieldLabel(other, field); l != report.FieldLabel(lang, field) {
				labels[l] = true
			}
		}
	}
	for _, w := range words {
		if w.Detail {
			if w.Lang != "en" {
				t.Errorf("%s: technical details %q are not marked English", where, w.Text)
			}
			continue
		}
		if w.Lang != lang {
			if !slices.Contains(cfg.Languages, w.Lang) || !isVendorWords(cfg, w) {
				t.Errorf("%s: %q is marked %q: only a vendor's own words may be in another language than the page's, marked with one of the vendor's (%v)", where, w.Text, w.Lang, cfg.Languages)
			}
			continue
		}
		if labels[w.Text] {
			t.Errorf("%s: %q is a field label of another language", where, w.Text)
		}
		if other, ok := otherLanguage(w.Text, lang); ok {
			t.Errorf("%s: %q reads as %s, not %s", where, w.Text, other, lang)
		}
	}
}

// isVendorWords reports whether w is (part of) a text the vendor wrote in
// w.Lang.
func isVendorWords(cfg *config.Config, w shown) bool {
	texts := []config.Text{cfg.Org.PolicySummary, cfg.Org.LegalNotice, cfg.Bounty.Notes}
	texts = append(texts, cfg.Guidelines...)
	texts = append(texts, cfg.OutOfScope...)
	if ns := cfg.NonSecurity; ns != nil {
		texts = append(texts, ns.Text)
		for _, c := range ns.Contacts {
			texts = append(texts, c.Label)
		}
	}
	for l, byField := range cfg.Fields.Hints {
		for _, h := range byField {
			texts = append(texts, config.Text{l: h})
		}
	}
	for _, txt := range texts {
		if s, in := cfg.Text(txt, w.Lang); in == w.Lang && strings.Contains(s, w.Text) {
			return true
		}
	}
	return false
}

// stopwords are each language's commonest small words: enough of them
// tell which language a sentence is in.
var stopwords = map[string][]string{
	"en": strings.Fields("the and you your to of is are will with for this that be it not or in on can what we our by from as at an if must has have was when"),
	"nl": strings.Fields("de het een en van u uw je is zijn wordt niet of met voor dat die op te naar bij om wat als kan we ons onze door dan aan ook nog wordt"),
	"fr": strings.Fields("le la les un une des et de du vous votre vos est sont pas ne ou avec pour que qui sur dans au aux ce cette nous nos par si peut à en"),
	"de": strings.Fields("der die das und ein eine sie ihre ihr ist sind nicht oder mit für dass auf zu den dem des wir uns unsere von im kann wird werden als wenn auch noch"),
	"es": strings.Fields("el la los las un una y de del su sus es son no o con para que en por se lo le nos nuestro nuestra al puede si como usted ya"),
}

// otherLanguage says which language text reads as when that is not lang:
// a text of four words or more with at least two of another language's
// stopwords, more than of lang's.
func otherLanguage(text, lang string) (string, bool) {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	if len(words) < 4 {
		return "", false
	}
	score := map[string]int{}
	for l, list := range stopwords {
		for _, w := range words {
			if slices.Contains(list, w) {
				score[l]++
			}
		}
	}
	best := lang
	for l := range score {
		if score[l] > score[best] {
			best = l
		}
	}
	if best != lang && score[best] >= 2 {
		return fmt.Sprintf("%s (%d of its small words, %d of %s's)", best, score[best], score[lang], lang), true
	}
	return "", false
}

// TestTheLanguageCheckTellsLanguagesApart: the check above fails on the
// sentences it is there to catch (the widget's own, in each language), and
// passes names, codes and short labels.
func TestTheLanguageCheckTellsLanguagesApart(t *testing.T) {
	sentences := map[string]string{
		"en": "Comoo will reply within 5 working days, with a first assessment and an expected date for a fix.",
		"nl": "Comoo antwoordt binnen 5 werkdagen, met een eerste beoordeling en een verwachte datum voor de oplossing.",
		"fr": "Comoo répondra sous 5 jours ouvrables, avec une première évaluation et une date prévue de correction.",
		"de": "Comoo antwortet innerhalb von 5 Arbeitstagen, mit einer ersten Einschätzung und einem voraussichtlichen Datum für die Behebung.",
		"es": "Comoo responderá en 5 días hábiles, con una primera evaluación y una fecha prevista para la solución.",
	}
	for in, s := range sentences {
		for _, page := range report.Languages {
			_, flagged := otherLanguage(s, page)
			if flagged != (in != page) {
				t.Errorf("%s sentence on a %s page: flagged %v", in, page, flagged)
			}
		}
	}
	for _, s := range []string{"Comoo", "Social engineering", "Distributed denial of service", "Key 0123 4567 89AB CDEF", "https://www.comoo.be/contactus"} {
		for _, page := range report.Languages {
			if other, bad := otherLanguage(s, page); bad {
				t.Errorf("%q on a %s page reads as %s", s, page, other)
			}
		}
	}
}
