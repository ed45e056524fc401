package widget

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// TestErrorsAreSaidInTheReportersLanguage: what went wrong is said from
// the catalogue, by kind, with the library's English words only under
// "technical details", marked lang="en".
func TestErrorsAreSaidInTheReportersLanguage(t *testing.T) {
	expired := &pgpkey.KeyError{Fingerprint: "0123", Err: pgpkey.ErrExpired, Detail: "expired on 2024-08-01"}
	for _, c := range []struct {
		what string
		err  error
		want string
	}{
		{"key", expired, "La clave que publicó Cocomm ha caducado"},
		{"key", fmt.Errorf("loading: %w", &pgpkey.KeyError{Err: pgpkey.ErrPinMismatch}), "puede haber sido sustituida"},
		{"key", errors.New("dial tcp: no such host"), "No se pudo obtener la clave de Cocomm"},
		{"send", &deliver.Error{Temporary: true, Err: errors.New("503")}, "El servidor de Cocomm no está disponible ahora."},
		{"send", &deliver.Error{Status: 413, Err: errors.New("413")}, "El servidor de Cocomm no aceptó el informe."},
		{"outbox", errors.New("QuotaExceededError"), "Este navegador no pudo guardar"},
		{"file", errors.New("NotReadableError"), "No se pudo leer este archivo"},
	} {
		page := app.HTMLString(explain("es", "Cocomm", c.what, c.err))
		if !strings.Contains(page, c.want) {
			t.Errorf("%s %v: no %q in %s", c.what, c.err, c.want, page)
		}
		if !strings.Contains(page, "Detalles técnicos") || !strings.Contains(page, `<code lang="en">`+escapeHTML(c.err.Error())) {
			t.Errorf("%s %v: the details are not under Detalles técnicos, marked English: %s", c.what, c.err, page)
		}
	}
	f := load(t, "cocomm", "es")
	f.Key, f.KeyErr = nil, expired
	if page := html(f); !strings.Contains(page, "La clave que publicó Cocomm ha caducado") || strings.Contains(page, "<p>key 0123 refused") {
		t.Errorf("a refused key is not explained in Spanish: %s", page)
	}
}

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
