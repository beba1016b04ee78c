/**
 * Posteingang: overview of all incoming files and documents (one Temporal workflow each) by
 * status, with counts; documents in review link to the Postkorb, quarantined files to the
 * Quarantäne (for the roles that may open them). Process data only, no personal data.
 */
import { DOKUMENT_WORKFLOW, PosteingangStatus } from '../../domain/posteingang';
import { PAGES, type PageDef } from '../roles';
import type { User } from '../users';
import { html, raw, type SafeHtml } from './html';
import { formatBerlinDateTime, formatCalendarDate } from './format';
import { layout } from './layout';
import { QUELLE_LABELS, STATUS_LABELS, artLabel } from './postkorb';

export interface PosteingangRow {
  workflowId: string;
  /** AktenlaufStatus search attribute. */
  status?: string;
  /** Temporal execution status (RUNNING, COMPLETED …). */
  ablauf: string;
  quelle?: string;
  eingangsdatum?: Date;
  startTime: Date;
  /** Workflow type: the file (`posteingang`) or one document cut out of it. */
  typ?: string;
  /** Recognised document type (search attribute ART), documents only. */
  dokumentart?: string;
}

export interface PosteingangZahl {
  status: string;
  anzahl: number;
}

/** The order statuses are shown in: the way through the Posteingang. */
export const STATUS_REIHENFOLGE: readonly string[] = [
  PosteingangStatus.ERFASST,
  'registriert',
  PosteingangStatus.GELESEN,
  PosteingangStatus.ZERLEGT,
  PosteingangStatus.PRUEFUNG,
  PosteingangStatus.PRUEFUNG_UEBERFAELLIG,
  PosteingangStatus.ABGELEGT,
  PosteingangStatus.QUARANTAENE,
  PosteingangStatus.VERWORFEN,
  PosteingangStatus.DOPPELT,
];

const ABLAUF_LABELS: Record<string, string> = {
  RUNNING: 'läuft', COMPLETED: 'abgeschlossen', FAILED: 'fehlgeschlagen', CANCELLED: 'abgebrochen',
  TERMINATED: 'beendet', CONTINUED_AS_NEW: 'fortgesetzt', TIMED_OUT: 'Zeit überschritten', PAUSED: 'pausiert',
};

function darf(user: User, page: PageDef): boolean {
  return page.roles.includes(user.role);
}

function statusZiel(user: User, status: string | undefined): PageDef | undefined {
  if ((status === PosteingangStatus.PRUEFUNG || status === PosteingangStatus.PRUEFUNG_UEBERFAELLIG) && darf(user, PAGES.postkorb)) return PAGES.postkorb;
  if (status === PosteingangStatus.QUARANTAENE && darf(user, PAGES.quarantaene)) return PAGES.quarantaene;
  return undefined;
}

function aktion(user: User, r: PosteingangRow): SafeHtml | string {
  const ziel = statusZiel(user, r.status);
  if (!ziel) return '';
  if (ziel === PAGES.postkorb) return html`<a href="${PAGES.postkorb.path}/${encodeURIComponent(r.workflowId)}">im Postkorb prüfen</a>`;
  return html`<a href="${PAGES.quarantaene.path}">zur Quarantäne</a>`;
}

export function posteingangPage(o: {
  user: User;
  csrf: string;
  rows: readonly PosteingangRow[];
  limit: number;
  truncated: boolean;
  error?: string;
  /** Counts per status over all incoming files and documents (running and recently closed). */
  zahlen?: readonly PosteingangZahl[];
  /** The list shows only this status. */
  statusFilter?: string;
}): string {
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
  <td>${r.typ === DOKUMENT_WORKFLOW ? html`Dokument${r.dokumentart ? html`: ${artLabel(r.dokumentart)}` : ''}` : 'Datei'}</td>
  <td>${aktion(o.user, r)}</td>
</tr>`,
    );
    content = html`${o.truncated ? html`<div class="info">Angezeigt werden ${o.limit} Vorgänge (laufende und zuletzt abgeschlossene); weitere sind vorhanden.</div>` : ''}
<table>
  <caption>${o.rows.length} ${o.rows.length === 1 ? 'Vorgang' : 'Vorgänge'}, neueste zuerst</caption>
  <thead><tr><th scope="col">Vorgang</th><th scope="col">Status</th><th scope="col">Ablauf</th><th scope="col">Quelle</th><th scope="col">Eingangsdatum</th><th scope="col">Gestartet</th><th scope="col">Art</th><th scope="col"><span class="hinweis">Weiter</span></th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
  }
  const zahlen = o.zahlen && o.zahlen.length > 0
    ? html`<ul class="zahlen" aria-label="Vorgänge nach Status">${o.zahlen.map((z) => {
      const ziel = z.anzahl > 0 ? statusZiel(o.user, z.status) : undefined;
      const aktuell = o.statusFilter === z.status;
      return html`<li data-status="${z.status}"><a href="${PAGES.posteingang.path}?status=${z.status}"${aktuell ? raw(' aria-current="true"') : ''}><strong>${z.anzahl}</strong> ${STATUS_LABELS[z.status] ?? z.status}</a>${ziel ? html`<br><a href="${ziel.path}">zum ${ziel.label}</a>` : ''}</li>`;
    })}</ul>`
    : '';
  const body = html`<h1>Posteingang</h1>
${zahlen}
${o.statusFilter ? html`<p id="status-filter">Angezeigt: nur Status „${STATUS_LABELS[o.statusFilter] ?? o.statusFilter}“. <a href="${PAGES.posteingang.path}">Alle anzeigen</a></p>` : ''}
${content}`;
  return layout({ title: 'Posteingang', body, user: o.user, csrf: o.csrf, current: PAGES.posteingang.path });
}
