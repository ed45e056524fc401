package widget

// Host is the page around the widget's frame, as the widget sees it: it
// learns that a report was submitted (its id and ciphertext hash), never
// anything the researcher typed. (The frame's height is reported by the
// browser program itself, see wasm/.)
type Host interface {
	Submitted(id, sha256 string)
}

// Mark records a moment of the form's work for performance tools: the
// browser program makes it a User Timing mark, with the Go memory figures
// as its detail (make bench reads them). nil natively.
var Mark func(name string)

func mark(name string) {
	if Mark != nil {
		Mark(name)
	}
}
