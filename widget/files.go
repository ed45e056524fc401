package widget

import (
	"encoding/hex"
	"io"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/report"
)

// File is an attachment the researcher chose. Open returns a new reader of
// its bytes each time, read in chunks from the browser's File, never held
// whole in Go memory.
type File interface {
	Name() string
	Type() string
	Size() int64
	Open() io.Reader
}

// A SelfHashingFile hashes itself when it is chosen, and its Open then
// returns a reader that checks its own bytes (a report.CheckedBody): the
// browser's files, which keep a WebCrypto digest of each chunk, so that
// sealing does not hash a 100 MB video again in wasm.
type SelfHashingFile interface {
	File
	// SHA256 reads the file once and returns its lower-case hex SHA-256.
	SHA256() (string, error)
}

// FilesFrom turns the value of a file input's "files" property into Files.
// The browser program (wasm/) sets it; natively there is no file picker.
var FilesFrom func(fileList app.Value) []File

// chosen is a file and what is known of it: its SHA-256, computed by
// streaming it once when it is chosen.
type chosen struct {
	file File
	meta report.Attachment
	err  string
}

// describe streams f once for its SHA-256.
func describe(f File) chosen {
	c := chosen{file: f, meta: report.Attachment{Name: f.Name(), Type: f.Type(), Size: f.Size()}}
	if c.meta.Type == "" {
		c.meta.Type = "application/octet-stream"
	}
	if h, ok := f.(SelfHashingFile); ok {
		sum, err := h.SHA256()
		if err != nil {
			c.err = err.Error()
		}
		c.meta.SHA256 = sum
		return c
	}
	sum := report.NewSHA256()
	n, err := io.Copy(sum, f.Open())
	switch {
	case err != nil:
		c.err = err.Error()
	case n != f.Size():
		c.err = "the file changed while it was read"
	default:
		c.meta.SHA256 = hex.EncodeToString(sum.Sum(nil))
	}
	return c
}

// onFiles takes the files chosen in the picker.
func (f *Form) onFiles(ctx app.Context, e app.Event) {
	f.addFiles(ctx, ctx.JSSrc().Get("files"))
	// Emptied, the picker can take the same file again after a removal,
	// and says nothing that the list below does not.
	ctx.JSSrc().Set("value", "")
}

// onDragOver lets files be dropped on the drop zone.
func (f *Form) onDragOver(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.dragging = true
}

func (f *Form) onDragLeave(ctx app.Context, e app.Event) { f.dragging = false }

// onDrop takes the files dropped on the drop zone.
func (f *Form) onDrop(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.dragging = false
	if dt := e.Get("dataTransfer"); dt.Truthy() {
		f.addFiles(ctx, dt.Get("files"))
	}
}

// warmUpAbove is the attachment size from which sealing is warmed up.
const warmUpAbove = 4 << 20

// addFiles hashes files from a FileList, off the UI's path, showing each
// one's size and SHA-256 when done.
func (f *Form) addFiles(ctx app.Context, list app.Value) {
	if FilesFrom == nil || !list.Truthy() || list.Length() == 0 {
		return
	}
	picked := FilesFrom(list)
	f.hashing = true
	ctx.Async(func() {
		var done []chosen
		for _, file := range picked {
			done = append(done, describe(file))
		}
		var size int64
		for _, c := range done {
			size += c.meta.Size
		}
		if w, ok := f.Submitter.(interface{ WarmUp() }); ok && size >= warmUpAbove {
			f.warmUp.Do(w.WarmUp)
		}
		ctx.Dispatch(func(ctx app.Context) {
			f.files = append(f.files, done...)
			f.hashing = false
			if _, shown := f.problems["attachments"]; shown {
				f.validate()
			}
		})
	})
}

// renderFiles is the attachment picker: the limits before choosing, then
// each chosen file with its size and SHA-256.
func (f *Form) renderFiles() app.UI {
	lang, a := f.Lang, f.Config.Attachments
	limits := strings.NewReplacer("{n}", strconv.Itoa(a.MaxCount), "{each}", report.FormatBytes(a.MaxFileBytes),
		"{total}", report.FormatBytes(max(a.MaxTotalBytes, a.MaxFileBytes))).Replace(text(lang, "files_limits", ""))
	problem, invalid := f.problems["attachments"]
	describedBy := "sp-attachments-hint"
	if invalid {
		describedBy += " " + errorID("attachments")
	}
	zone := "sp-drop"
	if f.dragging {
		zone += " sp-over"
	}
	return app.Div().Class("sp-field").Body(
		app.Label().For("sp-attachments").Text(report.FieldLabel(lang, "attachments")),
		app.P().ID("sp-attachments-hint").Class("sp-hint").Text(limits),
		// The drop zone holds the picker: dropping is a shortcut, the
		// picker (and its keyboard use) is always there.
		app.Div().Class(zone).OnDragOver(f.onDragOver).OnDragLeave(f.onDragLeave).OnDrop(f.onDrop).Body(
			app.Input().Type("file").ID("sp-attachments").Name("attachments").Multiple(true).
				Attr("accept", strings.Join(a.Types, ",")).Aria("invalid", when(invalid)).Aria("describedby", describedBy).
				OnChange(f.onFiles),
			app.Span().Class("sp-hint").Text(text(lang, "files_drop", "")),
		),
		app.Ul().Class("sp-files").Body(
			app.Range(f.files).Slice(func(i int) app.UI {
				c := f.files[i]
				if c.err != "" {
					return app.Li().Class("sp-error").Text(c.meta.Name + ": " + c.err)
				}
				return app.Li().Body(
					app.Text(c.meta.Name+" ("+report.FormatBytes(c.meta.Size)+") "),
					app.Code().Class("sp-sha").Text("SHA-256 "+c.meta.SHA256),
				)
			}),
			app.If(f.hashing, func() app.UI { return app.Li().Class("sp-hint").Text(text(lang, "files_reading", "")) }),
		),
		app.If(invalid, func() app.UI { return app.P().ID(errorID("attachments")).Class("sp-error").Text(problem.Message) }),
	)
}
