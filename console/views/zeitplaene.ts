/** Zeitpläne: the catalogue's schedules with Takt, state, next and last runs, and the admin's actions. */
import { TAKT_BEISPIELE, MAX_NACHHOL_TAGE } from '../../domain/zeitplaene';
import type { ZeitplanZeile } from '../../platform/schedules';
import { PAGES } from '../roles';
import type { User } from '../users';
import { html, type SafeHtml } from './html';
import { formatBerlinDateTime } from './format';
import { layout } from './layout';

export interface ZeitplaeneView {
  user: User;
  csrf: string;
  zeilen: readonly ZeitplanZeile[];
  erfolg?: string;
  fehler?: string;
}

function zeit(d: Date | undefined): string {
  return d ? `${formatBerlinDateTime(d)} Uhr` : '–';
}

function aktionen(z: ZeitplanZeile, csrf: string): SafeHtml {
  const base = `${PAGES.zeitplaene.path}/${encodeURIComponent(z.id)}`;
  const tok = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  if (!z.angelegt) {
    return html`<form method="post" action="${PAGES.zeitplaene.path}/anlegen">${tok}<input type="hidden" name="id" value="${z.id}">
  <label for="takt-neu-${z.id}">Takt</label><input type="text" id="takt-neu-${z.id}" name="takt" value="${z.eintrag.standardTakt}">
  <button type="submit">Anlegen</button></form>`;
  }
  return html`<details><summary>Ändern</summary><div class="aktionen">
<form method="post" action="${base}/takt">${tok}<label for="takt-${z.id}">Neuer Takt</label><input type="text" id="takt-${z.id}" name="takt" value="${z.takt ?? ''}" required> <button type="submit">Takt ändern</button></form>
${z.pausiert
    ? html`<form method="post" action="${base}/fortsetzen">${tok}<label for="notiz-f-${z.id}">Notiz (optional)</label><input type="text" id="notiz-f-${z.id}" name="notiz"> <button type="submit">Fortsetzen</button></form>`
    : html`<form method="post" action="${base}/pausieren">${tok}<label for="notiz-${z.id}">Notiz (Pflicht: warum, bis wann)</label><input type="text" id="notiz-${z.id}" name="notiz" required minlength="3"> <button type="submit">Pausieren</button></form>`}
<form method="post" action="${base}/ausloesen">${tok}<button type="submit">Jetzt auslösen</button></form>
<form method="post" action="${base}/nachholen">${tok}<fieldset><legend>Verpasste Läufe nachholen (höchstens ${String(MAX_NACHHOL_TAGE)} Tage, nur Vergangenheit)</legend>
<label for="von-${z.id}">von</label><input type="datetime-local" id="von-${z.id}" name="von" required>
<label for="bis-${z.id}">bis</label><input type="datetime-local" id="bis-${z.id}" name="bis" required>
<button type="submit">Nachholen</button></fieldset></form>
</div></details>`;
}

export function zeitplaenePage(o: ZeitplaeneView): string {
  const rows = o.zeilen.map((z) => html`<tr id="zeitplan-${z.id}">
  <th scope="row">${z.eintrag.titel}<br><code>${z.id}</code><br><span class="hinweis">${z.eintrag.beschreibung}</span></th>
  <td><code>${z.eintrag.workflowType}</code></td>
  <td>${z.angelegt ? (z.takt ?? '(eigene Angabe)') : html`<span class="hinweis">nicht angelegt</span>`}${z.taktAngepasst ? html`<br><span class="hinweis">angepasst (Standard: ${z.eintrag.standardTakt})</span>` : ''}</td>
  <td>${!z.angelegt ? '–' : z.pausiert ? html`<span class="status-fehler">pausiert</span>${z.notiz ? html`<br>${z.notiz}` : ''}` : html`<span class="status-ok">aktiv</span>`}</td>
  <td>${z.naechste.length ? z.naechste.map((d, i) => html`${i ? html`<br>` : ''}${zeit(d)}`) : '–'}</td>
  <td>${z.letzte.length ? z.letzte.slice(0, 3).map((l, i) => html`${i ? html`<br>` : ''}${zeit(l.gestartet)}`) : '–'}</td>
  <td>${aktionen(z, o.csrf)}</td>
</tr>`);
  const body = html`<h1>Zeitpläne</h1>
${o.erfolg ? html`<div class="erfolg" role="status">${o.erfolg}</div>` : ''}
${o.fehler ? html`<div class="meldung" role="alert">${o.fehler}</div>` : ''}
<p class="hinweis">Uhrzeiten in deutscher Zeit (Europe/Berlin). Takt-Beispiele: ${TAKT_BEISPIELE}. Zwischen 02:00 und 03:00 Uhr sind keine Läufe erlaubt (Zeitumstellung). Jede Änderung wird im Audit-Protokoll festgehalten.</p>
<table>
  <caption>Wiederkehrende Läufe der Engine</caption>
  <thead><tr><th scope="col">Zeitplan</th><th scope="col">Workflow</th><th scope="col">Takt</th><th scope="col">Zustand</th><th scope="col">Nächste Läufe</th><th scope="col">Letzte Läufe</th><th scope="col">Aktionen</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
  return layout({ title: 'Zeitpläne', body, user: o.user, csrf: o.csrf, current: PAGES.zeitplaene.path });
}
