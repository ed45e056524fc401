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
// The form owns what is typed, and composes components that own the rest,
// one per file: [Attachments] (the files chosen), [Sending] (the progress
// bars, then a [Failure] under the button when posting fails, or the
// receipt in the form's place), [Receipt] and, email only, [MailReceipt]
// (the receipt in the reporter's language, dates included), [ReplyCode]
// (on the failure panel and the receipt) and [OutboxPanel] (the reports an
// earlier visit left, their resending and their receipts).
//
// When the vendor's endpoint is a Sealpost intake, each report gets a reply
// code (core/thread): the report carries the public reply key, the post the
// thread token's hash, and the receipt shows the code, with ways to copy,
// download or (asked, on the widget's own origin) keep it. The [Follow]
// view, at the page's #follow, opens a report's conversation with the
// code: the vendor's messages checked against its pinned key, the policy's
// promises, and an answer sealed to the vendor in the browser.
//
// A config without an endpoint is email only: the form seals the report
// and offers it for download, with a mailto: link to the vendor's
// address, and keeps it in the outbox until the reporter says it is sent.
// Any endpoint that answers 2xx takes reports; one that gives no Sealpost
// receipt gets a receipt made in the browser, marked as such.
//
// A build's [Lock] fixes the config URLs it loads and, optionally, the key
// that must sign them; [App] refuses anything else before fetching it.
// [Policy] is the one home of the widget origin's headers: its Content
// Security Policy, with the origins the form may post to and the pages
// that may frame it.
//
// Attachments come from the browser's File objects ([File], [Platform].FilesFrom) and
// the sealed report goes into a [SealSink] (a Blob in the browser); a post
// that fails leaves it in the [Outbox] (IndexedDB in the browser) for a
// later visit. The browser program sets these hooks; natively they are
// in memory, and the form is tested with go-app's test engine. The
// end-to-end tests in headless Chromium are in demo/e2e.
package widget
