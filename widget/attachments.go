package widget

import (
	"strconv"
	"strings"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

// Attachments is the attachment picker: the limits before choosing, a drop
// zone holding the file input, then each chosen file with its size and
// SHA-256. It owns the files chosen; the form reads them when it seals.
//
// The form makes it once and sets its inputs before each render. go-app
// (v10.1.11, node.go updateComponent) renders a child component again only
// when an exported field changed, and a func field always counts as
// changed (reflect.DeepEqual): OnChange makes it follow the form's
// renders (the language, the problem shown).
type Attachments struct {
	app.Compo

	Lang   string
	Limits config.Attachments
	// Problem is the attachments' validation problem; its Field is empty
	// when there is none.
	Problem report.Problem
	// FilesFrom reads the browser's FileList (see [Platform]); nil: no
	// file can be attached.
	FilesFrom func(fileList app.Value) []File
	// WarmUp, when set, runs once when files of warmUpAbove bytes or more
	// are attached.
	WarmUp func()
	// OnChange is called, in the dispatch that changed them, once chosen
	// files are read.
	OnChange func()

	files    []chosen
	hashing  bool
	dragging bool
	warmUp   sync.Once
}

// chosen are the files chosen so far, read.
func (a *Attachments) chosen() []chosen {
	if a == nil {
		return nil
	}
	return a.files
}

// reading reports whether chosen files are still being read.
func (a *Attachments) reading() bool { return a != nil && a.hashing }

// onFiles takes the files chosen in the picker.
func (a *Attachments) onFiles(ctx app.Context, e app.Event) {
	a.addFiles(ctx, ctx.JSSrc().Get("files"))
	// Emptied, the picker can take the same file again after a removal,
	// and says nothing that the list below does not.
	ctx.JSSrc().Set("value", "")
}

// onDragOver lets files be dropped on the drop zone.
func (a *Attachments) onDragOver(ctx app.Context, e app.Event) {
	e.PreventDefault()
	a.dragging = true
}

func (a *Attachments) onDragLeave(ctx app.Context, e app.Event) { a.dragging = false }

// onDrop takes the files dropped on the drop zone.
func (a *Attachments) onDrop(ctx app.Context, e app.Event) {
	e.PreventDefault()
	a.dragging = false
	if dt := e.Get("dataTransfer"); dt.Truthy() {
		a.addFiles(ctx, dt.Get("files"))
	}
}

// warmUpAbove is the attachment size from which sealing is warmed up.
const warmUpAbove = 4 << 20

// addFiles hashes files from a FileList, off the UI's path, showing each
// one's size and SHA-256 when done.
func (a *Attachments) addFiles(ctx app.Context, list app.Value) {
	if a.FilesFrom == nil || !list.Truthy() || list.Length() == 0 {
		return
	}
	picked := a.FilesFrom(list)
	a.hashing = true
	warmUp := a.WarmUp
	ctx.Async(func() {
		var done []chosen
		for _, file := range picked {
			done = append(done, describe(file))
		}
		var size int64
		for _, c := range done {
			size += c.meta.Size
		}
		if warmUp != nil && size >= warmUpAbove {
			a.warmUp.Do(warmUp)
		}
		ctx.Dispatch(func(ctx app.Context) {
			a.files = append(a.files, done...)
			a.hashing = false
			if a.OnChange != nil {
				a.OnChange()
			}
		})
	})
}

// Render draws the picker and the files chosen.
func (a *Attachments) Render() app.UI {
	lang, l := a.Lang, a.Limits
	limits := strings.NewReplacer("{n}", strconv.Itoa(l.MaxCount), "{each}", report.FormatSize(lang, l.MaxFileBytes),
		"{total}", report.FormatSize(lang, max(l.MaxTotalBytes, l.MaxFileBytes))).Replace(text(lang, "files_limits", ""))
	invalid := a.Problem.Field != ""
	describedBy := "sp-attachments-hint"
	if invalid {
		describedBy += " " + errorID("attachments")
	}
	zone := "sp-drop"
	if a.dragging {
		zone += " sp-over"
	}
	return app.Div().Class("sp-field").Body(
		app.Label().For("sp-attachments").Text(report.FieldLabel(lang, "attachments")),
		app.P().ID("sp-attachments-hint").Class("sp-hint").Text(limits),
		// The drop zone holds the picker: dropping is a shortcut, the
		// picker (and its keyboard use) is always there.
		app.Div().Class(zone).OnDragOver(a.onDragOver).OnDragLeave(a.onDragLeave).OnDrop(a.onDrop).Body(
			app.Input().Type("file").ID("sp-attachments").Name("attachments").Multiple(true).
				Attr("accept", strings.Join(l.Types, ",")).Aria("invalid", when(invalid)).Aria("describedby", describedBy).
				OnChange(a.onFiles),
			app.Span().Class("sp-hint").Text(text(lang, "files_drop", "")),
		),
		app.Ul().Class("sp-files").Body(
			app.Range(a.files).Slice(func(i int) app.UI {
				c := a.files[i]
				if c.err != nil {
					return app.Li().Class("sp-error").Body(app.Text(c.meta.Name), explain(lang, "", "file", c.err))
				}
				return app.Li().Body(
					app.Text(c.meta.Name+" ("+report.FormatSize(lang, c.meta.Size)+") "),
					app.Code().Class("sp-sha").Text("SHA-256 "+c.meta.SHA256),
				)
			}),
			app.If(a.hashing, func() app.UI { return app.Li().Class("sp-hint").Text(text(lang, "files_reading", "")) }),
		),
		app.If(invalid, func() app.UI { return app.P().ID(errorID("attachments")).Class("sp-error").Text(a.Problem.Message) }),
	)
}
