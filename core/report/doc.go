// Package report is the shape of a Sealpost vulnerability report and the rules
// it must meet.
//
// # The report
//
// A [Report] is what a researcher files: targets, when the issue was found,
// what they saw and expected, steps, impact, an optional CVSS vector and CWE,
// optional reporter identity, and attachment metadata. Its JSON form,
// report.json, has the schema id [Schema] and is described by schema.json in
// this folder; its JSON names are also the form fields' name attributes.
// [Parse] reads report.json strictly; what does not decode comes back as a
// *[ValidationError] naming the JSON path of each problem and what to write.
// When the issue was found (discovered_at) is a [When]: a date
// ("2026-11-20") or a date and time ("2026-11-20T14:30:00Z"), kept as given.
//
// # Validation
//
// [Validate] checks a report against the fixed format rules (target syntax,
// CVSS and CWE syntax, text bounds, no control characters in single-line
// fields, a parseable public key and never a private one, an accepted policy)
// and against the vendor's [Rules]: required fields, "steps or an
// attachment", attachment count and size limits. Problems come back as a
// *[ValidationError] with one [Problem] per field and rule, with a message in
// English, Dutch, French, German or Spanish.
//
// # Rendering
//
// [Report.WriteText] writes what a security engineer reads after decrypting,
// [Report.JSON] writes report.json, and [WriteMIME] writes the MIME entity
// that Sealpost seals: text, report.json and the attachments streamed from
// readers, under a protected Subject. User text never becomes markup, a
// header or a terminal escape in any of them.
package report
