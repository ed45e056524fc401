package widget

import _ "embed"

// CSS is the widget's stylesheet: a clean default theme with dark mode,
// coloured through CSS custom properties a vendor may override.
//
//go:embed sealpost.css
var CSS []byte

// Icon is the widget's icon, served locally (no third-party request).
//
//go:embed icon.svg
var Icon []byte

// Loader is sealpost.js, the script tag a vendor adds to its page.
//
//go:embed sealpost.js
var Loader []byte

// WorkerJS is the template of the widget's service worker (app-worker.js):
// it caches the widget's own files and stays out of every other request.
//
//go:embed app-worker.js
var WorkerJS string
