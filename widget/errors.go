package widget

import (
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// explain says what went wrong in lang: a sentence from the catalogue for
// each kind of failure the reporter can meet (a refused key, a server
// that cannot be reached or refuses, storage, a file), then the library's
// own words, in English and marked so, under "Technical details", for
// whoever helps them. what names the situation when the error does not
// ("key", "config", "send", "outbox", "file").
func explain(lang, org, what string, err error) app.UI {
	return app.Div().Class("sp-explained").Body(
		app.P().Text(text(lang, explanation(what, err), org)),
		app.Details().Class("sp-detail").Body(
			app.Summary().Text(text(lang, "err_details", org)),
			app.Code().Lang("en").Text(err.Error()),
		),
	)
}

// explanation is the catalogue key of the sentence explain says.
func explanation(what string, err error) string {
	var ke *pgpkey.KeyError
	var de *deliver.Error
	switch {
	case errors.As(err, &ke):
		switch {
		case errors.Is(err, pgpkey.ErrExpired):
			return "err_key_expired"
		case errors.Is(err, pgpkey.ErrRevoked):
			return "err_key_revoked"
		case errors.Is(err, pgpkey.ErrWeak):
			return "err_key_weak"
		case errors.Is(err, pgpkey.ErrPinMismatch):
			return "err_key_pin"
		}
		return "err_key_unreadable"
	case what == "key":
		return "err_key_fetch"
	case what == "config":
		return "err_config"
	case errors.As(err, &de) && de.Temporary:
		return "err_send_unreachable"
	case errors.As(err, &de):
		return "err_send_refused"
	case what == "send":
		return "err_send_other"
	case what == "outbox":
		return "err_outbox"
	case what == "file":
		return "err_file"
	}
	return "err_other"
}
