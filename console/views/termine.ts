/** Staff pages of the Online-Terminvergabe: the Empfang's day view, the check-in form, the capacity settings. */
import { tagLang, type Standort } from '../../domain/termine';
import { STATUS_TEXT, type TerminZustand } from '../../domain/termine-vorgang';
import type { User } from '../users';
import { berlinZeitpunktText } from '../../domain/zeit';
import { deutschesDatum } from '../../domain/fristen';
import { html, raw } from './html';
import { layout } from './layout';

export interface EmpfangZeile {
  terminId: string;
  zustand: TerminZustand;
}

/** What the Empfang can do with a confirmed appointment now: check-in and no-show only around its time. */
function aktionen(z: EmpfangZeile, o: { csrf: string; standortId: string; tag: string; jetztMs: number }): ReturnType<typeof html> {
  const { zustand } = z;
  const einchecken = zustand.eincheckenAbMs === undefined || o.jetztMs >= zustand.eincheckenAbMs;
  const nichtErschienen = zustand.nichtErschienenAbMs === undefined || o.jetztMs >= zustand.nichtErschienenAbMs;
  return html`${einchecken ? html`<a href="/termine/${z.terminId}/einchecken">Einchecken<span class="hinweis"> (${zustand.slot.uhrzeit})</span></a>` : html`<span class="hinweis">Einchecken ab ${berlinZeitpunktText(zustand.eincheckenAbMs!)}</span>`}
${nichtErschienen ? html`<form method="post" action="/termine/${z.terminId}/nicht-erschienen" style="display:inline;margin-left:1rem"><input type="hidden" name="_csrf" value="${o.csrf}"><input type="hidden" name="standort" value="${o.standortId}"><input type="hidden" name="tag" value="${o.tag}"><button type="submit" aria-label="Nicht erschienen: ${zustand.slot.uhrzeit} Uhr">Nicht erschienen</button></form>` : ''}`;
}

export function empfangPage(o: { user: User; csrf: string; standorte: Standort[]; standortId: string; tag: string; zeilen: EmpfangZeile[]; meldung?: { art: 'erfolg' | 'meldung'; text: string }; fehler?: string; darfKapazitaet: boolean; jetztMs: number }): string {
  const body = html`<h1>Termine am Empfang</h1>
${o.meldung ? html`<div class="${o.meldung.art}" role="${o.meldung.art === 'meldung' ? 'alert' : 'status'}">${o.meldung.text}</div>` : ''}
${o.fehler ? html`<div class="meldung" role="alert">${o.fehler}</div>` : ''}
<form class="filter" method="get" action="/termine">
<div class="feld"><label for="standort">Standort</label><select id="standort" name="standort">${o.standorte.map((s) => html`<option value="${s.id}"${s.id === o.standortId ? raw(' selected') : ''}>${s.name}</option>`)}</select></div>
<div class="feld"><label for="tag">Tag</label><input type="text" id="tag" name="tag" value="${deutschesDatum(o.tag)}" inputmode="numeric" aria-describedby="tag-hilfe"><p class="hinweis" id="tag-hilfe">Format TT.MM.JJJJ</p></div>
<button type="submit">Anzeigen</button>
</form>
<table>
<caption>${tagLang(o.tag)}: ${String(o.zeilen.length)} Termin(e)</caption>
<thead><tr><th scope="col">Uhrzeit</th><th scope="col">Name</th><th scope="col">Quelle</th><th scope="col">Stand</th><th scope="col">Aktion</th></tr></thead>
<tbody>
${o.zeilen.length === 0 ? html`<tr><td colspan="5">Keine Termine an diesem Tag.</td></tr>` : ''}
${o.zeilen.map((z) => html`<tr>
<td>${z.zustand.slot.uhrzeit}</td>
<td>${z.zustand.name}</td>
<td>${z.zustand.quelle === 'online' ? 'Online-Buchung' : 'Terminsystem'}</td>
<td>${STATUS_TEXT[z.zustand.status]}${z.zustand.neuantrag ? html` (BG ${z.zustand.neuantrag.bgNummer})` : ''}</td>
<td>${z.zustand.status === 'bestaetigt' ? aktionen(z, o) : '—'}</td>
</tr>`)}
</tbody>
</table>
${o.darfKapazitaet ? html`<p><a href="/termine/kapazitaet">Kapazität und Öffnungszeiten bearbeiten</a></p>` : ''}`;
  return layout({ title: 'Termine am Empfang', body, user: o.user, csrf: o.csrf, current: '/termine' });
}

export interface EincheckWerte {
  vorname?: string;
  nachname?: string;
  geburtsdatum?: string;
  strasse?: string;
  hausnummer?: string;
  plz?: string;
  ort?: string;
}

export function eincheckPage(o: { user: User; csrf: string; terminId: string; zustand: TerminZustand; werte: EincheckWerte; fehler: Partial<Record<keyof EincheckWerte, string>> }): string {
  const feld = (name: keyof EincheckWerte, label: string, hilfe?: string) => {
    const f = o.fehler[name];
    const desc = [hilfe ? `${name}-hilfe` : '', f ? `${name}-fehler` : ''].filter(Boolean).join(' ');
    return html`<div class="feld"><label for="${name}">${label}</label>${hilfe ? html`<p class="hinweis" id="${name}-hilfe">${hilfe}</p>` : ''}${f ? html`<p class="status-fehler" id="${name}-fehler">${f}</p>` : ''}<input type="text" id="${name}" name="${name}" value="${o.werte[name] ?? ''}"${desc ? raw(` aria-describedby="${desc}"`) : ''}${f ? raw(' aria-invalid="true"') : ''}></div>`;
  };
  const body = html`<h1>Einchecken: ${o.zustand.slot.uhrzeit} Uhr</h1>
<p>Gebucht von: <strong>${o.zustand.name}</strong>, ${tagLang(o.zustand.slot.tag)}. Bitte die Angaben mit dem Ausweis abgleichen. Mit dem Einchecken wird der Neuantrag im Fachverfahren angelegt und die E-Akte begonnen.</p>
${Object.keys(o.fehler).length ? html`<div class="meldung" role="alert">Bitte die markierten Angaben prüfen.</div>` : ''}
<form method="post" action="/termine/${o.terminId}/einchecken">
<input type="hidden" name="_csrf" value="${o.csrf}">
${feld('vorname', 'Vorname')}
${feld('nachname', 'Nachname')}
${feld('geburtsdatum', 'Geburtsdatum', 'Format TT.MM.JJJJ')}
${feld('strasse', 'Straße')}
${feld('hausnummer', 'Hausnummer')}
${feld('plz', 'Postleitzahl')}
${feld('ort', 'Ort')}
<button type="submit">Einchecken und Neuantrag anlegen</button>
</form>
<p><a href="/termine?standort=${o.zustand.slot.standortId}&amp;tag=${o.zustand.slot.tag}">Zurück zur Tagesansicht</a></p>`;
  return layout({ title: 'Einchecken', body, user: o.user, csrf: o.csrf, current: '/termine' });
}

export function kapazitaetPage(o: { user: User; csrf: string; json: string; fehler?: string[]; gespeichert?: boolean; wiederhergestellt?: string }): string {
  const body = html`<h1>Kapazität der Online-Terminvergabe</h1>
${o.gespeichert ? html`<div class="erfolg" role="status">Gespeichert. Neue Buchungen richten sich ab sofort danach; gebuchte Termine bleiben.</div>` : ''}
${o.fehler?.length ? html`<div class="meldung" role="alert" id="kapazitaet-fehler"><p>Nicht gespeichert – bitte korrigieren:</p><ul>${o.fehler.map((f) => html`<li>${f}</li>`)}</ul></div>` : ''}
<p>Je Standort: Öffnungszeiten je Wochentag (1 = Montag … 7 = Sonntag, Liste von <code>{"von":"08:00","bis":"12:00"}</code>),
Länge einer Einheit (<code>slotMinuten</code>), Personal je Einheit (<code>personal</code>), Schließtage (<code>JJJJ-MM-TT</code>) und Bundesland für die Feiertage.
Ein Neuantrag belegt <code>neuantragSlots</code> aufeinanderfolgende Einheiten.</p>
<form method="post" action="/termine/kapazitaet">
<input type="hidden" name="_csrf" value="${o.csrf}">
<div class="feld"><label for="kapazitaet">Einstellungen (JSON)</label>
<textarea id="kapazitaet" name="kapazitaet" rows="30" spellcheck="false"${o.fehler?.length ? raw(' aria-invalid="true" aria-describedby="kapazitaet-fehler"') : ''}>${o.json}</textarea></div>
<button type="submit">Speichern</button>
</form>
<h2>Belegung wiederherstellen</h2>
${o.wiederhergestellt ? html`<div class="erfolg" role="status">${o.wiederhergestellt}</div>` : ''}
<p>Nach einem Verlust der Redis-Daten: Jeder offene Online-Termin belegt seine Plätze wieder (aus den Terminvorgängen). Bereits belegte Plätze werden nicht überschrieben.</p>
<form method="post" action="/termine/kapazitaet/belegung">
<input type="hidden" name="_csrf" value="${o.csrf}">
<button type="submit">Belegung aus den Terminen wiederherstellen</button>
</form>
<p><a href="/termine">Zur Tagesansicht</a></p>`;
  return layout({ title: 'Kapazität Terminvergabe', body, user: o.user, csrf: o.csrf, current: '/termine/kapazitaet' });
}
