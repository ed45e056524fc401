package widget

import (
	"strings"
	"testing"
)

// seedRow is one requirement or promise of a seed policy, and what the
// form shows for it (in the language of the row).
type seedRow struct {
	name, lang string
	want       []string
	// set are values typed before looking, when the form shows it only
	// then.
	set map[string]string
}

// checkSeed renders the seed's form for each row and looks for what it
// should show. The rows are the table in core/config/examples/README.md.
func checkSeed(t *testing.T, seed string, rows []seedRow) {
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			f := load(t, seed, row.lang)
			for k, v := range row.set {
				f.set(k, v)
			}
			page := html(f)
			for _, want := range row.want {
				if !strings.Contains(page, want) {
					t.Errorf("the %s form lacks %q", row.lang, want)
				}
			}
		})
	}
}

func TestComooAsWritten(t *testing.T) {
	checkSeed(t, "comoo", []seedRow{
		{name: "physical_or_digital", lang: "en", want: []string{"whether physical or digital", `<option value="physical">Physical security</option>`}},
		{name: "reproduce_with_ip_or_url_and_description", lang: "nl", want: []string{"IP-adres of URL van het getroffen systeem", "Beschrijving van de kwetsbaarheid", "(verplicht)"}},
		{name: "encrypt_with_our_key", lang: "fr", want: []string{"chiffré dans ce navigateur avec la clé publique de Comoo"}},
		{name: "refrain_from", lang: "nl", want: []string{"Deel het probleem niet met anderen tot het is opgelost", "Beschadig onze platformen op geen enkele manier"}},
		{name: "out_of_scope", lang: "fr", want: []string{"Attaques contre la sécurité physique", "Ingénierie sociale", "Applications tierces"}},
		{name: "out_of_scope_category_warned", lang: "en", set: map[string]string{"category": "physical"},
			want: []string{"Comoo&#39;s policy does not allow testing this way (Physical security)."}},
		{name: "legal_protocol", lang: "nl", want: []string{"de Belgische wet op het melden van kwetsbaarheden", "https://ccb.belgium.be/en/vulnerability-reporting-ccb"}},
		{name: "reply_in_5_working_days_with_assessment", lang: "en", want: []string{"Comoo will reply within 5 working days, with a first assessment and an expected date for a fix."}},
		{name: "no_legal_action", lang: "fr", want: []string{"Comoo n&#39;engagera aucune poursuite contre vous"}},
		{name: "confidential_and_personal_data", lang: "nl", want: []string{"Comoo behandelt de melding vertrouwelijk.", "Comoo deelt je persoonsgegevens niet met derden zonder je toestemming."}},
		{name: "pseudonym_possible", lang: "en", want: []string{`for="sp-reporter-name">Your name or pseudonym</label>`}},
		{name: "keep_informed", lang: "en", want: []string{"Comoo will keep you informed of its progress."}},
		{name: "credit_if_you_wish", lang: "fr", set: map[string]string{"reporter.credit": "true"}, want: []string{`name="reporter.credit_name"`, "Nom à mentionner"}},
		{name: "award_at_its_discretion_no_negotiation", lang: "nl", want: []string{"Over de beloning wordt niet onderhandeld."}},
		{name: "publication_only_by_comoo", lang: "fr", want: []string{"aucune publication n&#39;est permise sans l&#39;accord et la validation de Comoo"}},
		{name: "contact", lang: "nl", want: []string{`href="https://www.comoo.be/contactus"`, "Contact met Comoo"}},
		{name: "translations_marked", lang: "fr", want: []string{"Traduit par le projet Sealpost"}},
	})
}

func TestCocommAsWritten(t *testing.T) {
	checkSeed(t, "cocomm", []seedRow{
		{name: "non_security_links", lang: "es", want: []string{"¿No es un problema de seguridad?", "Sección de contacto de nuestro sitio web", `href="mailto:info@cocomm.es"`, "Responsable de privacidad"}},
		{name: "url_or_ip_and_when", lang: "en", want: []string{"URL or IP address where you found the issue", `id="sp-discovered-at"`, `type="date"`}},
		{name: "what_you_saw_and_expected", lang: "es", want: []string{`name="description"`, `name="expected"`}},
		{name: "steps_or_video", lang: "es", want: []string{"Pasos para reproducirlo (o adjunte un vídeo)", `accept="video/*,image/*,text/plain,application/pdf"`}},
		{name: "contact_if_more_information", lang: "es", want: []string{"Cocomm le escribirá aquí si necesita más información"}},
		{name: "no_bounty", lang: "es", want: []string{"Cocomm no paga recompensas"}},
		{name: "not_confirmed_publicly", lang: "en", want: []string{"we do not confirm them publicly"}},
		{name: "reply_5_triage_10", lang: "es", want: []string{"Cocomm responderá en un plazo de 5 días hábiles.", "10 días hábiles"}},
		{name: "keep_informed", lang: "en", want: []string{"Cocomm will keep you informed of its progress."}},
		{name: "enquire_every_14_days", lang: "es", want: []string{"14 días"}},
		{name: "notify_when_fixed_and_invite_to_confirm", lang: "en", want: []string{"Cocomm will tell you when it is fixed.", "Cocomm may invite you to confirm that the fix works."}},
		{name: "coordinate_disclosure", lang: "es", want: []string{"coordine con nosotros la publicación"}},
		{name: "what_we_ask", lang: "es", want: []string{"No explote por ningún motivo un problema de seguridad"}},
		{name: "translations_marked", lang: "es", want: []string{"Traducido por el proyecto Sealpost"}},
	})
}
