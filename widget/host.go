package widget

// Host is the page around the widget's frame, as the widget sees it: it
// learns that a report was submitted (its id and ciphertext hash), never
// anything the researcher typed. (The frame's height is reported by the
// browser program itself, see wasm/.)
type Host interface {
	Submitted(id, sha256 string)
}
