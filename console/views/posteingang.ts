/**
 * Posteingang: overview of all incoming files, Stapel and documents (one Temporal workflow each) by
 * status, with counts; documents in review link to the Postkorb, quarantined files to the
 * Quarantäne, a Stapel to its page (for the roles that may open them). Process data only, no
 * personal data. The Stapel page (what became of each file) is a detail page: file names.
 */
import {
  DOKUMENT_WORKFLOW, PosteingangStatus, STAPEL_UEBERGABE_LABELS, STAPEL_WORKFLOW, type StapelAusgang, type StapelZustand,
} from '../../domain/posteingang';
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
  /** Workflow type: the file (`posteingang`), a Stapel of files (`posteingangStapel`) or one document cut out of a file. */
  typ?: string;
  /** Recognised document type (search attribute ART), documents only. */
  dokumentart?: string;
  /** Stapel only: number of files, when known without a query (memo `dateien` of the Stapel). */
  dateien?: number;
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

/** Where the page of one Posteingang workflow is (Postkorb routes: the same roles may see file details). */
export function vorgangUrl(workflowId: string): string {
  return `${PAGES.postkorb.path}/${encodeURIComponent(workflowId)}`;
}

function aktion(user: User, r: PosteingangRow): SafeHtml | string {
  if (r.typ === STAPEL_WORKFLOW) return darf(user, PAGES.postkorb) ? html`<a href="${vorgangUrl(r.workflowId)}">Dateien ansehen</a>` : '';
  const ziel = statusZiel(user, r.status);
  if (!ziel) return '';
  if (ziel === PAGES.postkorb) return html`<a href="${vorgangUrl(r.workflowId)}">im Postkorb prüfen</a>`;
  return html`<a href="${PAGES.quarantaene.path}">zur Quarantäne</a>`;
}

function art(r: PosteingangRow): SafeHtml | string {
  if (r.typ === DOKUMENT_WORKFLOW) return html`Dokument${r.dokumentart ? html`: ${artLabel(r.dokumentart)}` : ''}`;
  if (r.typ === STAPEL_WORKFLOW) return r.dateien === undefined ? 'Stapel' : `Stapel (${r.dateien} ${r.dateien === 1 ? 'Datei' : 'Dateien'})`;
  return 'Datei';
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
  <td>${art(r)}</td>
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
      return html`<li data-status="${z.status}"><a href="${PAGES.posteingang.path}?status=${z.status}"${aktuell ? raw(' aria-current="true"') : ''}><strong>${z.anzahl}</strong> ${STATUS_LABELS[z.status] ?? z.status}</a>${ziel ? html`<br><a href="${ziel.path}">${ziel === PAGES.quarantaene ? 'zur' : 'zum'} ${ziel.label}</a>` : ''}</li>`;
    })}</ul>`
    : '';
  const body = html`<h1>Posteingang</h1>
${zahlen}
${o.statusFilter ? html`<p id="status-filter">Angezeigt: nur Status „${STATUS_LABELS[o.statusFilter] ?? o.statusFilter}“. <a href="${PAGES.posteingang.path}">Alle anzeigen</a></p>` : ''}
${content}`;
  return layout({ title: 'Posteingang', body, user: o.user, csrf: o.csrf, current: PAGES.posteingang.path });
}

// --- One Stapel -------------------------------------------------------------------------------

const STAPEL_STATUS_LABELS: Record<StapelZustand['status'], string> = {
  erfasst: 'Erfasst (Dateien werden geprüft)',
  gelesen: 'In Arbeit (Dateien werden gelesen und abgelegt)',
  abgelegt: 'Erledigt: jede Datei ist abgelegt oder weitergegeben',
};

/** One file's outcome in German; other workflows link to their page. */
export function ausgangHtml(a: StapelAusgang | undefined): SafeHtml | string {
  if (!a) return 'in Bearbeitung';
  if (a.art === 'abgelegt') return `abgelegt (E-Akte, ${artLabel(a.dokumentart)})`;
  if (a.art === 'workflow') {
    return html`eigener Vorgang: ${STAPEL_UEBERGABE_LABELS[a.grund] ?? a.grund} (<a href="${vorgangUrl(a.workflowId)}"><code>${a.workflowId}</code></a>)`;
  }
  return html`doppelt (schon eingegangen${a.von ? html`, zuerst in <a href="${vorgangUrl(a.von)}"><code>${a.von}</code></a>` : ''})`;
}

export function stapelPage(o: { user: User; csrf: string; workflowId: string; zustand: StapelZustand }): string {
  const z = o.zustand;
  const dateien = z.dateien ?? [];
  const anzahl = (art: StapelAusgang['art']): number => dateien.filter((d) => d.ausgang?.art === art).length;
  const body = html`<h1>Stapel im Posteingang</h1>
<p><a href="${PAGES.posteingang.path}">zum Posteingang</a></p>
<dl class="daten">
  <dt>Vorgang</dt><dd><code>${o.workflowId}</code></dd>
  <dt>Status</dt><dd id="stapel-status">${STAPEL_STATUS_LABELS[z.status] ?? (z.status ? (STATUS_LABELS[z.status] ?? z.status) : '–')}</dd>
  <dt>Eingangsdatum</dt><dd>${z.eingangsdatum ? formatCalendarDate(new Date(`${z.eingangsdatum}T00:00:00Z`)) : '–'}</dd>
  <dt>Quelle</dt><dd>${z.quelle ? (QUELLE_LABELS[z.quelle] ?? z.quelle) : '–'}</dd>
  <dt>Dateien</dt><dd id="stapel-zahlen">${dateien.length}: ${anzahl('abgelegt')} abgelegt, ${anzahl('workflow')} als eigener Vorgang, ${anzahl('doppelt')} doppelt</dd>
</dl>
<table id="stapel-dateien">
  <caption>${dateien.length} ${dateien.length === 1 ? 'Datei' : 'Dateien'} des Stapels</caption>
  <thead><tr><th scope="col">Datei</th><th scope="col">Ergebnis</th></tr></thead>
  <tbody>${dateien.map((d, i) => html`<tr data-datei="${i + 1}"><td>${d.dateiname}</td><td>${ausgangHtml(d.ausgang)}</td></tr>`)}</tbody>
</table>
<p class="hinweis">Dateien, die einen eigenen Vorgang haben, werden dort weiterbearbeitet (Prüfung im Postkorb, Quarantäne, Weiterbewilligung); ihr Stand steht auf der Seite des Vorgangs.</p>`;
  return layout({ title: 'Stapel im Posteingang', body, user: o.user, csrf: o.csrf, current: PAGES.posteingang.path });
}
