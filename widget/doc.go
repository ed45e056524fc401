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
// Not built yet (see README.md, Status): attachments, the script-tag
// loader, the encrypted outbox, and the browser end-to-end tests.
package widget
