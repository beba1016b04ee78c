/** Revision: search the audit trail, check its hash chain, export what was found. */
import type { AuditEntry, AuditTrailVerification } from '../audit';
import { PAGES } from '../roles';
import type { User } from '../users';
import { html, type SafeHtml } from './html';
import { formatBerlinDateTime } from './format';
import { layout } from './layout';

export interface RevisionFilterWerte {
  actor: string;
  action: string;
  von: string;
  bis: string;
  text: string;
  ergebnis: string;
}

export const ERGEBNIS_LABELS: Record<string, string> = { erfolg: 'Erfolg', abgelehnt: 'Abgelehnt', fehler: 'Fehler' };

export interface RevisionView {
  user: User;
  csrf: string;
  filter: RevisionFilterWerte;
  entries: readonly AuditEntry[];
  total: number;
  limit: number;
  /** Query string of the current filter (for the export links). */
  query: string;
  error?: string;
  pruefung?: AuditTrailVerification;
}

function pruefungHtml(v: AuditTrailVerification): SafeHtml {
  const start = v.anchor ? `ab dem Anker nach Aufbewahrung (Segment ${v.anchor.segment}, ${v.anchor.entfernt} ältere Einträge entfernt)` : 'ab dem ersten Eintrag';
  if (v.ok) {
    return html`<div class="erfolg" role="status" id="pruefung"><strong>Hash-Kette unversehrt:</strong> ${String(v.entries)} Einträge in ${String(v.files)} Datei(en) geprüft, ${start}.</div>`;
  }
  const b = v.broken!;
  return html`<div class="meldung" role="alert" id="pruefung"><strong>Hash-Kette gebrochen</strong> in Datei <code>${b.file}</code>, Zeile ${String(b.line)}: ${b.reason}. ${String(v.entries)} Einträge davor sind unversehrt.
${b.text !== undefined ? html`<br>Zeile: <code>${b.text}</code>` : ''}</div>`;
}

export function revisionPage(o: RevisionView): string {
  const f = o.filter;
  const form = html`<form class="filter" method="get" action="${PAGES.revision.path}" aria-label="Audit-Protokoll filtern">
  <div class="feld"><label for="actor">Benutzer</label><input type="text" id="actor" name="actor" value="${f.actor}" size="14"></div>
  <div class="feld"><label for="action">Aktion (Anfang)</label><input type="text" id="action" name="action" value="${f.action}" size="16" placeholder="z. B. zeitplan."></div>
  <div class="feld"><label for="von">von (Datum)</label><input type="date" id="von" name="von" value="${f.von}"></div>
  <div class="feld"><label for="bis">bis (Datum)</label><input type="date" id="bis" name="bis" value="${f.bis}"></div>
  <div class="feld"><label for="text">Ziel enthält</label><input type="text" id="text" name="text" value="${f.text}" size="16"></div>
  <div class="feld"><label for="ergebnis">Ergebnis</label><select id="ergebnis" name="ergebnis">
    <option value=""${f.ergebnis === '' ? ' selected' : ''}>alle</option>
    ${Object.entries(ERGEBNIS_LABELS).map(([k, l]) => html`<option value="${k}"${f.ergebnis === k ? ' selected' : ''}>${l}</option>`)}
  </select></div>
  <button type="submit">Suchen</button>
</form>`;
  let content: SafeHtml;
  if (o.error) {
    content = html`<div class="meldung" role="alert">${o.error}</div>`;
  } else if (o.entries.length === 0) {
    content = html`<p class="info" role="status">Keine Einträge für diese Auswahl.</p>`;
  } else {
    content = html`<p role="status" id="treffer">${String(o.total)} Einträge gefunden${o.total > o.limit ? `, die neuesten ${o.limit} werden angezeigt` : ''}.
  Export: <a href="${PAGES.revision.path}/export?${o.query}${o.query ? '&' : ''}format=csv">CSV</a> · <a href="${PAGES.revision.path}/export?${o.query}${o.query ? '&' : ''}format=json">JSON</a> (der Export wird protokolliert)</p>
<table>
  <caption>Audit-Einträge, neueste zuerst</caption>
  <thead><tr><th scope="col">Zeit</th><th scope="col">Benutzer</th><th scope="col">Rolle</th><th scope="col">Aktion</th><th scope="col">Ziel</th><th scope="col">Ergebnis</th></tr></thead>
  <tbody>${o.entries.map((e) => html`<tr><td>${formatBerlinDateTime(new Date(e.ts))}</td><td>${e.actor}</td><td>${e.role}</td><td><code>${e.action}</code></td><td>${e.target}</td><td>${ERGEBNIS_LABELS[e.outcome] ?? e.outcome}</td></tr>`)}</tbody>
</table>`;
  }
  const body = html`<h1>Revision: Audit-Protokoll</h1>
${o.pruefung ? pruefungHtml(o.pruefung) : ''}
<form method="post" action="${PAGES.revision.path}/pruefen"><input type="hidden" name="_csrf" value="${o.csrf}"><button type="submit">Hash-Kette jetzt prüfen</button></form>
<h2>Suche</h2>
${form}
${content}`;
  return layout({ title: 'Revision', body, user: o.user, csrf: o.csrf, current: PAGES.revision.path });
}
