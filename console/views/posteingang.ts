/** Posteingang: incoming documents (one Temporal workflow each), newest first. */
import { PAGES } from '../roles';
import type { User } from '../users';
import { html } from './html';
import { formatBerlinDateTime, formatCalendarDate } from './format';
import { layout } from './layout';

export interface PosteingangRow {
  workflowId: string;
  /** AktenlaufStatus search attribute. */
  status?: string;
  /** Temporal execution status (RUNNING, COMPLETED …). */
  ablauf: string;
  quelle?: string;
  eingangsdatum?: Date;
  startTime: Date;
}

const STATUS_LABELS: Record<string, string> = { erfasst: 'Erfasst', registriert: 'Registriert', quarantaene: 'Quarantäne' };
const QUELLE_LABELS: Record<string, string> = { scanner: 'Scanner', upload: 'Upload', mail: 'E-Mail' };
const ABLAUF_LABELS: Record<string, string> = {
  RUNNING: 'läuft', COMPLETED: 'abgeschlossen', FAILED: 'fehlgeschlagen', CANCELLED: 'abgebrochen',
  TERMINATED: 'beendet', CONTINUED_AS_NEW: 'fortgesetzt', TIMED_OUT: 'Zeit überschritten', PAUSED: 'pausiert',
};

export function posteingangPage(o: { user: User; csrf: string; rows: readonly PosteingangRow[]; limit: number; truncated: boolean; error?: string }): string {
  let content;
  if (o.error) {
    content = html`<div class="meldung" role="alert">${o.error}</div>`;
  } else if (o.rows.length === 0) {
    content = html`<div class="info" id="posteingang-leer">Der Posteingang ist leer: Es sind keine eingegangenen Dokumente vorhanden. Neue Dokumente erscheinen hier, sobald sie gescannt, hochgeladen oder per E-Mail eingegangen sind.</div>`;
  } else {
    const rows = o.rows.map(
      (r) => html`<tr>
  <td><code>${r.workflowId}</code></td>
  <td>${r.status ? (STATUS_LABELS[r.status] ?? r.status) : '–'}</td>
  <td>${ABLAUF_LABELS[r.ablauf] ?? r.ablauf}</td>
  <td>${r.quelle ? (QUELLE_LABELS[r.quelle] ?? r.quelle) : '–'}</td>
  <td>${r.eingangsdatum ? formatCalendarDate(r.eingangsdatum) : '–'}</td>
  <td>${formatBerlinDateTime(r.startTime)}</td>
</tr>`,
    );
    content = html`${o.truncated ? html`<div class="info">Angezeigt werden ${o.limit} Vorgänge (laufende und zuletzt abgeschlossene); weitere sind vorhanden.</div>` : ''}
<table>
  <caption>${o.rows.length} ${o.rows.length === 1 ? 'Vorgang' : 'Vorgänge'}, neueste zuerst</caption>
  <thead><tr><th scope="col">Vorgang</th><th scope="col">Status</th><th scope="col">Ablauf</th><th scope="col">Quelle</th><th scope="col">Eingangsdatum</th><th scope="col">Gestartet</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
  }
  const body = html`<h1>Posteingang</h1>
${content}`;
  return layout({ title: 'Posteingang', body, user: o.user, csrf: o.csrf, current: PAGES.posteingang.path });
}
