// Package widget is the Sealpost report form: go-app v10 components built
// from a vendor's config, isomorphic (rendered on the server for the first
// paint, live in the browser once the WebAssembly starts), and tested
// natively.
//
// [Form] shows the vendor's policy summary, routes non-security questions
// to the vendor's contacts, and asks for the report fields the config shows,
// validating them with the core's rules in the reporter's language. On
// submit it hands the report to a [Submitter], which seals it in the browser
// and posts only ciphertext; [CoreSubmitter] is the one the browser program
// (wasm/) uses, built on core/seal and core/deliver.
//
// Attachments come from the browser's File objects ([File], [FilesFrom]) and
// the sealed report goes into a [SealSink] (a Blob in the browser); a post
// that fails leaves it in the [Outbox] (IndexedDB in the browser) for a
// later visit. The browser program sets these hooks; natively they are
// in memory, and the form is tested with go-app's test engine. The
// end-to-end tests in headless Chromium are in demo/e2e.
package widget
