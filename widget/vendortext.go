package widget

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
)

// said is a text the vendor wrote, for a reporter reading lang: in lang
// when the vendor wrote it in lang, else in the vendor's first language,
// then inside a span that carries that language (lang="en"), so that
// screen readers, translators and tests know it is not the page's.
func said(cfg *config.Config, lang string, t config.Text) app.UI {
	s, in := cfg.Text(t, lang)
	if in == lang || in == "" {
		return app.Text(s)
	}
	return app.Span().Lang(in).Text(s)
}
