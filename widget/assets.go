package widget

import (
	_ "embed"
	"encoding/json"
	"strings"

	"github.com/sealpost/sealpost/core/report"
)

// CSS is the widget's stylesheet: a clean default theme with dark mode,
// coloured through CSS custom properties a vendor may override.
//
//go:embed sealpost.css
var CSS []byte

// Icon is the widget's icon, served locally (no third-party request).
//
//go:embed icon.svg
var Icon []byte

//go:embed sealpost.js
var loader string

// Loader is sealpost.js, the script tag a vendor adds to its page, with
// the frame's title (what a screen reader announces) in every language.
func Loader() []byte {
	titles := map[string]string{}
	for _, l := range report.Languages {
		titles[l] = text(l, "frame_title", "")
	}
	list, _ := json.Marshal(titles)
	return []byte(strings.Replace(loader, "/*TITLES*/{}", string(list), 1))
}

//go:embed lang.js
var langJS string

// LangJS is lang.js, run in the head of the widget's page before its body:
// it names the reader's language for the static form (see [StaticForm]),
// among the widget's languages.
func LangJS() []byte {
	list, _ := json.Marshal(report.Languages)
	return []byte(strings.Replace(langJS, "/*LANGUAGES*/[]", string(list), 1))
}

// WorkerJS is the template of the widget's service worker (app-worker.js):
// it caches the widget's own files and stays out of every other request.
//
//go:embed app-worker.js
var WorkerJS string
