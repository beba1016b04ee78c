/**
 * Quarantäne: incoming files (or documents) that failed a check, with the reason, and the
 * admin's actions Freigeben / Verwerfen with a mandatory reason. Revision sees the list only.
 */
import { PAGES } from '../roles';
import type { User } from '../users';
import { html, raw, type SafeHtml } from './html';
import { formatBerlinDateTime, formatCalendarDate } from './format';
import { layout } from './layout';
import { QUELLE_LABELS } from './postkorb';

export interface QuarantaeneRow {
  workflowId: string;
  vorgang: 'datei' | 'dokument';
  quelle?: string;
  eingangsdatum?: Date;
  /** When the engine took the file (start of its workflow): matches the scanner's own log, no file name needed. */
  uebernommen?: Date;
  grund?: string;
  mediaType?: string;
  bytes?: number;
  /** Why details are missing (e.g. the worker did not answer the query). */
  hinweis?: string;
}

const MEDIA_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/tiff': 'TIFF',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'application/xml': 'XML',
};

export function groesse(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  if (bytes < 1024) return `${bytes} Byte`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB`;
}

export interface QuarantaeneListe {
  user: User;
  csrf: string;
  rows: readonly QuarantaeneRow[];
  darfEntscheiden: boolean;
  truncated: boolean;
  limit: number;
  error?: string;
  erfolg?: string;
  /** A refused action: which row, the message, and the reason typed. */
  fehler?: { workflowId: string; text: string; grund?: string; aktion?: string };
}

function aktionen(o: QuarantaeneListe, r: QuarantaeneRow): SafeHtml {
  const f = o.fehler?.workflowId === r.workflowId ? o.fehler : undefined;
  const id = `grund-${r.workflowId}`;
  return html`<form method="post" action="${PAGES.quarantaene.path}/${encodeURIComponent(r.workflowId)}" class="quarantaene-aktion">
  <input type="hidden" name="_csrf" value="${o.csrf}">
  <label for="${id}">Begründung (Pflicht)</label>
  <textarea id="${id}" name="grund" rows="2" required aria-describedby="${f ? `fehler-${id}` : ''}"${f ? raw(' aria-invalid="true"') : ''}>${f?.grund ?? ''}</textarea>
  ${f ? html`<p class="meldung" id="fehler-${id}" role="alert">${f.text}</p>` : ''}
  <button type="submit" name="aktion" value="freigeben">Freigeben</button>
  <button type="submit" name="aktion" value="verwerfen">Verwerfen</button>
</form>`;
}

export function quarantaenePage(o: QuarantaeneListe): string {
  let content: SafeHtml;
  if (o.error) content = html`<div class="meldung" role="alert">${o.error}</div>`;
  else if (o.rows.length === 0) content = html`<div class="info" id="quarantaene-leer">In der Quarantäne liegen keine Dateien.</div>`;
  else {
    content = html`${o.truncated ? html`<div class="info">Angezeigt werden ${o.limit} Einträge; weitere sind vorhanden.</div>` : ''}
<table id="quarantaene-liste">
  <caption>${o.rows.length} ${o.rows.length === 1 ? 'Eintrag' : 'Einträge'} in der Quarantäne</caption>
  <thead><tr><th scope="col">Vorgang</th><th scope="col">Grund</th><th scope="col">Dateityp</th><th scope="col">Größe</th><th scope="col">Quelle</th><th scope="col">Eingangsdatum</th><th scope="col">Übernommen</th>${o.darfEntscheiden ? html`<th scope="col">Aktion</th>` : ''}</tr></thead>
  <tbody>${o.rows.map((r) => html`<tr data-workflow-id="${r.workflowId}">
  <td>${r.vorgang === 'datei' ? 'Datei' : 'Dokument'}<br><code>${r.workflowId}</code></td>
  <td>${r.grund ?? html`<span class="hinweis">${r.hinweis ?? 'kein Grund angegeben'}</span>`}</td>
  <td>${r.mediaType ? (MEDIA_LABELS[r.mediaType] ?? r.mediaType) : '–'}</td>
  <td>${groesse(r.bytes)}</td>
  <td>${r.quelle ? (QUELLE_LABELS[r.quelle] ?? r.quelle) : '–'}</td>
  <td>${r.eingangsdatum ? formatCalendarDate(r.eingangsdatum) : '–'}</td>
  <td>${r.uebernommen ? `${formatBerlinDateTime(r.uebernommen)} Uhr` : '–'}</td>
  ${o.darfEntscheiden ? html`<td>${aktionen(o, r)}</td>` : ''}
</tr>`)}</tbody>
</table>`;
  }
  const body = html`<h1>Quarantäne</h1>
<p class="hinweis">Dateien, die die Eingangsprüfung nicht bestanden haben. Freigeben: der Eingang wird weiterverarbeitet und landet zur Prüfung im Postkorb. Verwerfen: die Datei wird nicht abgelegt, bleibt aber mit der Begründung gespeichert.${o.darfEntscheiden ? '' : ' Ihre Rolle sieht die Liste nur lesend.'}</p>
${o.erfolg ? html`<div class="erfolg" role="status">${o.erfolg}</div>` : ''}
${o.fehler && !o.rows.some((r) => r.workflowId === o.fehler!.workflowId) ? html`<div class="meldung" role="alert">${o.fehler.workflowId}: ${o.fehler.text}</div>` : ''}
${content}`;
  return layout({ title: 'Quarantäne', body, user: o.user, csrf: o.csrf, current: PAGES.quarantaene.path });
}
