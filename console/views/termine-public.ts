/**
 * Pages of the public appointment booking (no login): plain German, BITV 2.0 / WCAG 2.1 AA —
 * one h1 per page, labels on every field, radio groups in fieldsets with legends, errors listed
 * at the top (links to the fields) and tied to their fields (aria-describedby, aria-invalid),
 * visible focus, contrast ≥ 4.5:1, usable by keyboard and without JavaScript (pow.js only
 * speeds up the last step).
 */
import { SLOT_FEHLER_TEXT, tagLang, type Standort, type Tag } from '../../domain/termine';
import { STATUS_TEXT, type TerminSlot, type TerminZustand } from '../../domain/termine-vorgang';
import { html, raw, type SafeHtml } from './html';

const CSS = `
:root { color-scheme: light; --blau: #0b3d6e; --text: #1b1b1b; --grau: #4a4a4a; --linie: #8a8f94; --fehler: #a4161a; --ok: #0b6b2e; --fokus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 1.125rem; line-height: 1.5; color: var(--text); background: #fff; }
a { color: #0b4f91; text-underline-offset: 2px; }
:focus-visible { outline: 3px solid var(--fokus); outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
input:focus, select:focus, button:focus { outline: 3px solid var(--fokus); outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
.skip { position: absolute; left: 1rem; top: -4rem; background: #fff; color: #0b0c0c; padding: .5rem 1rem; z-index: 10; }
.skip:focus { top: .5rem; }
header.kopf { background: var(--blau); color: #fff; }
header.kopf .innen { max-width: 48rem; margin: 0 auto; padding: .75rem 1rem; }
header.kopf .marke { font-size: 1.3rem; font-weight: 700; color: #fff; }
main { max-width: 48rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.9rem; margin: .25rem 0 1rem; line-height: 1.25; }
.schritt { color: var(--grau); margin: 0; }
fieldset { border: 0; padding: 0; margin: 0 0 1.5rem; }
legend { font-weight: 700; font-size: 1.25rem; margin-bottom: .5rem; }
.auswahl { display: flex; align-items: center; gap: .75rem; padding: .4rem 0; }
.auswahl input { width: 1.5rem; height: 1.5rem; margin: 0; flex: none; }
.auswahl label { font-weight: 400; margin: 0; }
.raster { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0 1rem; }
label { display: block; font-weight: 700; margin-bottom: .25rem; }
.feld { margin-bottom: 1.25rem; }
.feld .hilfe { color: var(--grau); margin: 0 0 .25rem; font-size: 1rem; }
input[type="text"], input[type="email"], input[type="tel"] { font: inherit; width: 100%; max-width: 28rem; padding: .5rem; border: 2px solid #0b0c0c; border-radius: 0; }
input[aria-invalid="true"] { border-color: var(--fehler); border-width: 3px; }
.feldfehler { color: var(--fehler); font-weight: 700; margin: 0 0 .25rem; }
.fehlerliste { border: 4px solid var(--fehler); padding: 1rem; margin-bottom: 1.5rem; }
.fehlerliste h2 { margin-top: 0; font-size: 1.3rem; }
.fehlerliste a { color: var(--fehler); font-weight: 700; }
.meldung { border-left: 6px solid var(--fehler); background: #fdf0f0; padding: .75rem 1rem; margin-bottom: 1rem; }
.erfolg { border-left: 6px solid var(--ok); background: #eef7f0; padding: .75rem 1rem; margin-bottom: 1rem; }
.info { border-left: 6px solid var(--blau); background: #f0f4f9; padding: .75rem 1rem; margin-bottom: 1rem; }
button { font: inherit; font-weight: 700; padding: .6rem 1.25rem; border: 2px solid transparent; border-radius: 4px; background: #00703c; color: #fff; cursor: pointer; }
button.zweit { background: #f3f2f1; color: #0b0c0c; border-color: #0b0c0c; }
button.warn { background: var(--fehler); }
.knoepfe { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin-top: 1rem; }
dl.daten { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; }
dl.daten dt { font-weight: 700; }
dl.daten dd { margin: 0; }
fieldset.kontakt legend { font-size: 1.15rem; }
`;

export function publicLayout(o: { title: string; body: SafeHtml; fehler?: boolean }): string {
  return html`<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.fehler ? 'Fehler: ' : ''}${o.title} – Termin für den Antrag auf Bürgergeld – Jobcenter</title>
<style>${raw(CSS)}</style>
<script src="/termin/pow.js" defer></script>
</head>
<body>
<a class="skip" href="#inhalt">Zum Inhalt springen</a>
<header class="kopf"><div class="innen"><span class="marke">Jobcenter – Online-Terminvergabe</span></div></header>
<main id="inhalt" tabindex="-1">
${o.body}
</main>
</body>
</html>
`.value;
}

type Fehler = Partial<Record<string, string>>;

function fehlerListe(fehler: Fehler, reihenfolge: string[]): SafeHtml | '' {
  const keys = reihenfolge.filter((k) => fehler[k]);
  if (!keys.length) return '';
  return html`<div class="fehlerliste" role="alert" aria-labelledby="fehler-titel" tabindex="-1" id="fehlerliste">
<h2 id="fehler-titel">Bitte korrigieren Sie ${keys.length === 1 ? 'diese Angabe' : 'diese Angaben'}</h2>
<ul>${keys.map((k) => html`<li><a href="#${k}">${fehler[k] ?? ''}</a></li>`)}</ul>
</div>`;
}

const schritt = (n: number) => html`<p class="schritt">Schritt ${n} von 5</p>`;

function radioGruppe(o: { name: string; legend: string; optionen: Array<{ wert: string; text: string }>; gewaehlt?: string; fehler?: string; hilfe?: string; raster?: boolean }): SafeHtml {
  const desc = [o.hilfe ? `${o.name}-hilfe` : '', o.fehler ? `${o.name}-fehler` : ''].filter(Boolean).join(' ');
  return html`<fieldset id="${o.name}"${desc ? raw(` aria-describedby="${desc}"`) : ''}>
<legend>${o.legend}</legend>
${o.hilfe ? html`<p class="hilfe" id="${o.name}-hilfe">${o.hilfe}</p>` : ''}
${o.fehler ? html`<p class="feldfehler" id="${o.name}-fehler">Fehler: ${o.fehler}</p>` : ''}
<div${o.raster ? raw(' class="raster"') : ''}>
${o.optionen.map((opt, i) => html`<div class="auswahl"><input type="radio" id="${o.name}-${i}" name="${o.name}" value="${opt.wert}"${opt.wert === o.gewaehlt ? raw(' checked') : ''}${o.fehler ? raw(' aria-invalid="true"') : ''}><label for="${o.name}-${i}">${opt.text}</label></div>`)}
</div>
</fieldset>`;
}

export function standortSeite(o: { standorte: Standort[]; fehler?: string; gewaehlt?: string; hinweis?: string }): string {
  const body = html`${schritt(1)}
<h1>Termin für den Antrag auf Bürgergeld</h1>
${o.hinweis ? html`<div class="info" role="status">${o.hinweis}</div>` : ''}
<p>Hier buchen Sie einen Termin im Jobcenter, um einen Antrag auf Bürgergeld zu stellen. Der Termin dauert etwa eine Stunde. Sie brauchen dafür kein Benutzerkonto.</p>
${fehlerListe({ standort: o.fehler }, ['standort'])}
<form method="get" action="/termin/tag" novalidate>
${radioGruppe({ name: 'standort', legend: 'Wo möchten Sie den Termin wahrnehmen?', optionen: o.standorte.map((s) => ({ wert: s.id, text: `${s.name} (${s.anschrift})` })), gewaehlt: o.gewaehlt, fehler: o.fehler })}
<button type="submit">Weiter</button>
</form>`;
  return publicLayout({ title: 'Standort wählen', body, fehler: Boolean(o.fehler) });
}

export function tagSeite(o: { standort: Standort; tage: Tag[]; fehler?: string; gewaehlt?: string; aktion?: string; versteckt?: Record<string, string>; zurueck: string }): string {
  const body = html`${schritt(2)}
<h1>Tag wählen</h1>
<p>Standort: <strong>${o.standort.name}</strong>. <a href="${o.zurueck}">Anderen Standort wählen</a></p>
${fehlerListe({ tag: o.fehler }, ['tag'])}
${o.tage.length === 0
    ? html`<div class="info" role="status">In den nächsten Wochen sind an diesem Standort keine Tage mehr buchbar. Bitte wählen Sie einen anderen Standort oder rufen Sie uns an.</div>`
    : html`<form method="get" action="${o.aktion ?? '/termin/zeit'}" novalidate>
<input type="hidden" name="standort" value="${o.standort.id}">
${Object.entries(o.versteckt ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${radioGruppe({ name: 'tag', legend: 'An welchem Tag möchten Sie kommen?', optionen: o.tage.map((t) => ({ wert: t, text: tagLang(t) })), gewaehlt: o.gewaehlt, fehler: o.fehler, raster: true })}
<button type="submit">Weiter</button>
</form>`}`;
  return publicLayout({ title: 'Tag wählen', body, fehler: Boolean(o.fehler) });
}

export function zeitSeite(o: { standort: Standort; tag: Tag; slots: TerminSlot[]; fehler?: string; aktion: string; methode: 'get' | 'post'; versteckt?: Record<string, string>; zurueck: string; knopf?: string; schritt?: number }): string {
  const body = html`${schritt(o.schritt ?? 3)}
<h1>Uhrzeit wählen</h1>
<p>${o.standort.name}, <strong>${tagLang(o.tag)}</strong>. <a href="${o.zurueck}">Anderen Tag wählen</a></p>
${fehlerListe({ uhrzeit: o.fehler }, ['uhrzeit'])}
${o.slots.length === 0
    ? html`<div class="info" role="status">An diesem Tag sind leider alle Termine vergeben. <a href="${o.zurueck}">Bitte wählen Sie einen anderen Tag.</a></div>`
    : html`<form method="${o.methode}" action="${o.aktion}" novalidate>
<input type="hidden" name="standort" value="${o.standort.id}">
<input type="hidden" name="tag" value="${o.tag}">
${Object.entries(o.versteckt ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${radioGruppe({ name: 'uhrzeit', legend: 'Um wie viel Uhr möchten Sie kommen?', hilfe: 'Freie Termine. Der Termin dauert etwa eine Stunde.', optionen: o.slots.map((s) => ({ wert: s.uhrzeit, text: `${s.uhrzeit} Uhr` })), fehler: o.fehler, raster: true })}
<button type="submit">${o.knopf ?? 'Weiter'}</button>
</form>`}`;
  return publicLayout({ title: 'Uhrzeit wählen', body, fehler: Boolean(o.fehler) });
}

export interface AngabenWerte {
  name?: string;
  email?: string;
  telefon?: string;
  strasse?: string;
  plz?: string;
  ort?: string;
  bgNummer?: string;
  einwilligung?: string;
}

function textFeld(o: { name: keyof AngabenWerte; label: string; typ?: string; hilfe?: string; wert?: string; fehler?: string; autocomplete?: string; max?: number; breite?: string }): SafeHtml {
  const desc = [o.hilfe ? `${o.name}-hilfe` : '', o.fehler ? `${o.name}-fehler` : ''].filter(Boolean).join(' ');
  return html`<div class="feld">
<label for="${o.name}">${o.label}</label>
${o.hilfe ? html`<p class="hilfe" id="${o.name}-hilfe">${o.hilfe}</p>` : ''}
${o.fehler ? html`<p class="feldfehler" id="${o.name}-fehler">Fehler: ${o.fehler}</p>` : ''}
<input type="${o.typ ?? 'text'}" id="${o.name}" name="${o.name}" value="${o.wert ?? ''}"${o.autocomplete ? raw(` autocomplete="${o.autocomplete}"`) : ''}${o.max ? raw(` maxlength="${o.max}"`) : ''}${desc ? raw(` aria-describedby="${desc}"`) : ''}${o.fehler ? raw(' aria-invalid="true"') : ''}${o.breite ? raw(` style="max-width:${o.breite}"`) : ''}>
</div>`;
}

export const FELD_REIHENFOLGE = ['name', 'email', 'telefon', 'strasse', 'plz', 'ort', 'bgNummer', 'einwilligung'];

export function angabenSeite(o: { standort: Standort; slot: TerminSlot; werte: AngabenWerte; fehler: Fehler; formToken: string; meldung?: string }): string {
  const f = o.fehler;
  const body = html`${schritt(4)}
<h1>Ihre Angaben</h1>
<p>Ihr gewählter Termin: <strong>${tagLang(o.slot.tag)}, ${o.slot.uhrzeit} Uhr</strong>, ${o.standort.name}.
<a href="/termin/zeit?standort=${o.standort.id}&amp;tag=${o.slot.tag}">Andere Uhrzeit wählen</a></p>
${o.meldung ? html`<div class="meldung" role="alert">${o.meldung}</div>` : ''}
${fehlerListe(f, FELD_REIHENFOLGE)}
<form method="post" action="/termin/reservieren" novalidate>
<input type="hidden" name="standort" value="${o.standort.id}">
<input type="hidden" name="tag" value="${o.slot.tag}">
<input type="hidden" name="uhrzeit" value="${o.slot.uhrzeit}">
<input type="hidden" name="formular" value="${o.formToken}">
${textFeld({ name: 'name', label: 'Vor- und Nachname', wert: o.werte.name, fehler: f.name, autocomplete: 'name', max: 100 })}
<fieldset class="kontakt" aria-describedby="kontakt-hilfe">
<legend>Wie erreichen wir Sie?</legend>
<p class="hilfe" id="kontakt-hilfe">Mit E-Mail-Adresse senden wir Ihnen die Bestätigung per E-Mail. Ohne E-Mail-Adresse senden wir Ihnen einen Brief; dann brauchen wir Ihre Anschrift.</p>
${textFeld({ name: 'email', label: 'E-Mail-Adresse (freiwillig)', typ: 'email', wert: o.werte.email, fehler: f.email, autocomplete: 'email', max: 254 })}
${textFeld({ name: 'telefon', label: 'Telefonnummer (freiwillig)', typ: 'tel', hilfe: 'Für Rückfragen, zum Beispiel wenn wir den Termin verschieben müssen.', wert: o.werte.telefon, fehler: f.telefon, autocomplete: 'tel', max: 25 })}
${textFeld({ name: 'strasse', label: 'Straße und Hausnummer (nötig ohne E-Mail-Adresse)', wert: o.werte.strasse, fehler: f.strasse, autocomplete: 'street-address', max: 100 })}
${textFeld({ name: 'plz', label: 'Postleitzahl (nötig ohne E-Mail-Adresse)', wert: o.werte.plz, fehler: f.plz, autocomplete: 'postal-code', max: 5, breite: '8rem' })}
${textFeld({ name: 'ort', label: 'Ort (nötig ohne E-Mail-Adresse)', wert: o.werte.ort, fehler: f.ort, autocomplete: 'address-level2', max: 80 })}
</fieldset>
${textFeld({ name: 'bgNummer', label: 'Nummer der Bedarfsgemeinschaft (freiwillig)', hilfe: 'Nur wenn Sie schon einmal Leistungen vom Jobcenter bekommen haben, zum Beispiel 12345BG1234567.', wert: o.werte.bgNummer, fehler: f.bgNummer, max: 30 })}
<fieldset id="einwilligung"${f.einwilligung ? raw(' aria-describedby="einwilligung-fehler"') : ''}>
<legend>Datenschutz</legend>
<p>Wir verwenden Ihre Angaben nur für diesen Termin und Ihren Antrag (§ 67a SGB X). Nach dem Termin werden sie nicht für andere Zwecke genutzt.</p>
${f.einwilligung ? html`<p class="feldfehler" id="einwilligung-fehler">Fehler: ${f.einwilligung}</p>` : ''}
<div class="auswahl"><input type="checkbox" id="einwilligung-ja" name="einwilligung" value="ja"${o.werte.einwilligung === 'ja' ? raw(' checked') : ''}${f.einwilligung ? raw(' aria-invalid="true"') : ''}><label for="einwilligung-ja">Ich habe die Hinweise zum Datenschutz gelesen.</label></div>
</fieldset>
<button type="submit">Termin reservieren</button>
</form>`;
  return publicLayout({ title: 'Ihre Angaben', body, fehler: Object.keys(f).length > 0 });
}

export function bestaetigenSeite(o: { terminId: string; key: string; zustand: TerminZustand; bisText: string; challenge: string; powBits: number; meldung?: string }): string {
  const z = o.zustand;
  const body = html`${schritt(5)}
<h1>Termin verbindlich buchen</h1>
<div class="info" role="status">Wir halten diesen Termin bis <strong>${o.bisText} Uhr</strong> für Sie frei. Bitte prüfen Sie Ihre Angaben und buchen Sie dann verbindlich.</div>
${o.meldung ? html`<div class="meldung" role="alert">${o.meldung}</div>` : ''}
<dl class="daten">
<dt>Termin</dt><dd>${tagLang(z.slot.tag)}, ${z.slot.uhrzeit} Uhr</dd>
<dt>Ort</dt><dd>${z.ort}</dd>
<dt>Name</dt><dd>${z.name}</dd>
<dt>Bestätigung</dt><dd>${z.kontakt === 'email' ? 'per E-Mail' : 'per Brief'}</dd>
</dl>
<div class="knoepfe">
<form method="post" action="/termin/bestaetigen/${o.terminId}" data-pow-challenge="${o.challenge}" data-pow-bits="${String(o.powBits)}">
<input type="hidden" name="k" value="${o.key}">
<input type="hidden" name="pow" value="">
<button type="submit">Termin verbindlich buchen</button>
</form>
<form method="post" action="/termin/vorgang/${o.terminId}/absagen">
<input type="hidden" name="k" value="${o.key}">
<button type="submit" class="zweit">Reservierung verwerfen</button>
</form>
</div>`;
  return publicLayout({ title: 'Termin verbindlich buchen', body });
}

export function absageFrageSeite(o: { terminId: string; key: string; zustand: TerminZustand }): string {
  const z = o.zustand;
  const body = html`<h1>Termin wirklich absagen?</h1>
<p>Ihr Termin am <strong>${tagLang(z.slot.tag)}, ${z.slot.uhrzeit} Uhr</strong> (${z.ort}) wird abgesagt und ist dann wieder frei für andere. Einen neuen Termin können Sie jederzeit buchen.</p>
<div class="knoepfe">
<form method="post" action="/termin/vorgang/${o.terminId}/absagen">
<input type="hidden" name="k" value="${o.key}">
<input type="hidden" name="sicher" value="ja">
<button type="submit" class="warn">Ja, Termin absagen</button>
</form>
<a href="/termin/vorgang/${o.terminId}?k=${o.key}">Nein, Termin behalten</a>
</div>`;
  return publicLayout({ title: 'Termin absagen', body });
}

export function vorgangSeite(o: { terminId: string; key: string; zustand: TerminZustand; meldung?: { art: 'erfolg' | 'meldung' | 'info'; text: string } }): string {
  const z = o.zustand;
  const aktiv = z.status === 'bestaetigt';
  const body = html`<h1>Ihr Termin</h1>
${o.meldung ? html`<div class="${o.meldung.art}" role="${o.meldung.art === 'meldung' ? 'alert' : 'status'}">${o.meldung.text}</div>` : ''}
<dl class="daten">
<dt>Termin</dt><dd>${tagLang(z.slot.tag)}, ${z.slot.uhrzeit} Uhr</dd>
<dt>Ort</dt><dd>${z.ort}</dd>
<dt>Stand</dt><dd id="status">${STATUS_TEXT[z.status]}</dd>
</dl>
${aktiv
    ? html`<h2>Termin ändern</h2>
<p>Wenn Sie den Termin nicht wahrnehmen können, sagen Sie ihn bitte ab oder verschieben Sie ihn. Dann kann jemand anderes den Termin nutzen.</p>
<div class="knoepfe">
<a href="/termin/vorgang/${o.terminId}/umbuchen?k=${o.key}">Termin verschieben</a>
<form method="post" action="/termin/vorgang/${o.terminId}/absagen">
<input type="hidden" name="k" value="${o.key}">
<button type="submit" class="warn">Termin absagen</button>
</form>
</div>
<h2>Bitte bringen Sie mit</h2>
<p>Die Liste steht in Ihrer Bestätigung. Fehlt etwas, kommen Sie trotzdem.</p>`
    : html`<p><a href="/termin">Einen neuen Termin buchen</a></p>`}`;
  return publicLayout({ title: 'Ihr Termin', body });
}

export function fehlerSeite(o: { titel: string; text: string; status?: number }): string {
  const body = html`<h1>${o.titel}</h1>
<div class="meldung" role="alert">${o.text}</div>
<p><a href="/termin">Zur Terminbuchung</a></p>`;
  return publicLayout({ title: o.titel, body, fehler: true });
}

export { SLOT_FEHLER_TEXT };
