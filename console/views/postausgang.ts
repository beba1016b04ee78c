/** Postausgang: Zentraldruck letters by batch day, by status and kind; rejects with their reason. */
import { PAGES } from '../roles';
import type { User } from '../users';
import { html, type SafeHtml } from './html';
import { formatCalendarDate } from './format';
import { layout } from './layout';
import type { BriefArt } from '../../domain/zentraldruck';

/** Letter states (domain/briefdruck.ts BriefStatus) and batch phases (BatchPhase). */
export const DRUCK_STATUS_LABELS: Record<string, string> = {
  angefordert: 'Angefordert',
  gerendert: 'Erstellt',
  geprueft: 'Geprüft',
  wartet_auf_batch: 'Wartet auf Sendung',
  uebergeben: 'An Druckzentrum übergeben',
  versendet: 'An die Post übergeben',
  abgelehnt: 'Abgelehnt',
  abgebrochen: 'Abgebrochen',
};
/** Kinds of letters (domain/zentraldruck.ts BriefArt) as staff call them. */
export const BRIEF_ART_LABELS: Record<BriefArt, string> = {
  WBA_ERINNERUNG: 'WBA-Erinnerung',
  WBA_ZWEITE_ERINNERUNG: 'Zweite WBA-Erinnerung',
  TERMIN_BESTAETIGUNG: 'Terminbestätigung',
  TERMIN_ERINNERUNG: 'Terminerinnerung',
  EINGANGSBESTAETIGUNG: 'Eingangsbestätigung',
  FACHVERFAHREN_BESCHEID: 'Bescheid aus dem Fachverfahren',
};

export const BATCH_PHASE_LABELS: Record<string, string> = {
  sammelt: 'Sammelt Briefe',
  uebergeben: 'An Druckzentrum übergeben',
  verzoegert: 'Verzögert',
  abgeschlossen: 'Abgeschlossen',
  leer: 'Ohne Briefe',
};
/** ART of the day's batch workflow (the others are letter kinds). */
export const TAGESBATCH_ART = 'TAGESBATCH';

export interface DruckRow {
  workflowId: string;
  stichtag?: Date;
  status?: string;
  art?: string;
}

export interface Ablehnung {
  workflowId: string;
  stichtag?: Date;
  art?: string;
  /** Reason from the letter workflow's `zustand` query. */
  grund?: string;
  fehlercode?: string;
  /** German note when the reason could not be read. */
  hinweis?: string;
}

export interface PostausgangView {
  user: User;
  csrf: string;
  tage: number;
  von: Date;
  /** Letters and batches with a batch day in the window. */
  rows: readonly DruckRow[];
  /** Running letters not yet in a batch (no batch day yet). */
  ohneTag: readonly DruckRow[];
  ablehnungen: readonly Ablehnung[];
  limit: number;
  truncated: boolean;
  error?: string;
}

function statusLabel(s: string | undefined): string {
  return s === undefined ? '–' : (DRUCK_STATUS_LABELS[s] ?? s);
}

function dayKey(d: Date | undefined): string {
  return d ? d.toISOString().slice(0, 10) : '–';
}

export function postausgangPage(o: PostausgangView): string {
  const form = html`<form class="filter" method="get" action="${PAGES.postausgang.path}" aria-label="Zeitraum wählen">
  <div class="feld"><label for="tage">Sendungen der letzten … Tage</label>
  <input type="text" inputmode="numeric" id="tage" name="tage" value="${String(o.tage)}" size="3" pattern="[0-9]{1,2}"></div>
  <button type="submit">Anzeigen</button>
</form>`;
  let content: SafeHtml;
  if (o.error) {
    content = html`<div class="meldung" role="alert">${o.error}</div>`;
  } else {
    const briefe = o.rows.filter((r) => r.art !== TAGESBATCH_ART);
    const batches = o.rows.filter((r) => r.art === TAGESBATCH_ART);
    const days = new Map<string, { date?: Date; status: Map<string, number>; art: Map<string, number>; n: number; phasen: string[] }>();
    const day = (d: Date | undefined) => {
      const k = dayKey(d);
      const e = days.get(k) ?? { date: d, status: new Map<string, number>(), art: new Map<string, number>(), n: 0, phasen: [] };
      days.set(k, e);
      return e;
    };
    const statuses = new Set<string>();
    for (const b of batches) day(b.stichtag).phasen.push(b.status ? (BATCH_PHASE_LABELS[b.status] ?? b.status) : '–');
    for (const r of briefe) {
      const d = day(r.stichtag);
      const s = r.status ?? '–';
      statuses.add(s);
      d.status.set(s, (d.status.get(s) ?? 0) + 1);
      const a = r.art ?? '–';
      d.art.set(a, (d.art.get(a) ?? 0) + 1);
      d.n += 1;
    }
    const statusCols = [...statuses].sort();
    const keys = [...days.keys()].sort().reverse();
    const arten = (m: Map<string, number>): string => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([a, n]) => `${(BRIEF_ART_LABELS as Record<string, string>)[a] ?? a}: ${n}`).join(', ');
    const tagesTabelle = keys.length === 0
      ? html`<div class="info" id="postausgang-leer">Im Zeitraum gibt es keine Sendungen.</div>`
      : html`<table id="postausgang-tage">
  <caption>Sendungen je Tag (neueste zuerst): Sendung und Briefe nach Status</caption>
  <thead><tr><th scope="col">Sendungstag</th><th scope="col">Sendung</th>${statusCols.map((s) => html`<th scope="col">${statusLabel(s)}</th>`)}<th scope="col">Briefe</th><th scope="col">Arten</th></tr></thead>
  <tbody>${keys.map((k) => {
    const d = days.get(k)!;
    return html`<tr data-tag="${k}"><th scope="row">${d.date ? formatCalendarDate(d.date) : '–'}</th><td>${d.phasen.length > 0 ? d.phasen.join(', ') : '–'}</td>${statusCols.map((s) => html`<td>${d.status.get(s) ?? 0}</td>`)}<td>${d.n}</td><td>${arten(d.art)}</td></tr>`;
  })}</tbody>
</table>`;
    const offenStatus = new Map<string, number>();
    const offenArt = new Map<string, number>();
    for (const r of o.ohneTag) {
      offenStatus.set(r.status ?? '–', (offenStatus.get(r.status ?? '–') ?? 0) + 1);
      offenArt.set(r.art ?? '–', (offenArt.get(r.art ?? '–') ?? 0) + 1);
    }
    const ohneTag = o.ohneTag.length === 0
      ? html`<p id="ohne-tag-leer">Keine Briefe in Vorbereitung.</p>`
      : html`<ul class="zahlen" id="ohne-tag" aria-label="Briefe in Vorbereitung nach Status">${[...offenStatus.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => html`<li><strong>${n}</strong> ${statusLabel(s)}</li>`)}</ul>
<p>Nach Art: ${arten(offenArt)}</p>`;
    const abl = o.ablehnungen.length === 0
      ? html`<p id="ablehnungen-leer">Keine abgelehnten Briefe, die auf eine Entscheidung warten.</p>`
      : html`<table id="ablehnungen">
  <caption>${o.ablehnungen.length} abgelehnte ${o.ablehnungen.length === 1 ? 'Brief' : 'Briefe'} (warten auf eine Entscheidung)</caption>
  <thead><tr><th scope="col">Brief</th><th scope="col">Sendungstag</th><th scope="col">Art</th><th scope="col">Grund</th></tr></thead>
  <tbody>${o.ablehnungen.map(
    (a) => html`<tr data-workflow-id="${a.workflowId}"><td><code>${a.workflowId}</code></td><td>${a.stichtag ? formatCalendarDate(a.stichtag) : '–'}</td><td>${a.art ?? '–'}</td><td>${a.grund ? html`${a.grund}${a.fehlercode ? html` (Fehlercode <code>${a.fehlercode}</code>)` : ''}` : html`<span class="hinweis">${a.hinweis ?? 'Grund nicht bekannt.'}</span>`}</td></tr>`,
  )}</tbody>
</table>`;
    content = html`${o.truncated ? html`<div class="info">Angezeigt werden die ersten ${o.limit} Einträge; bitte den Zeitraum verkürzen.</div>` : ''}${tagesTabelle}
<h2>Ablehnungen</h2>${abl}
<h2>In Vorbereitung (noch ohne Sendungstag)</h2>${ohneTag}`;
  }
  const body = html`<h1>Postausgang</h1>
<p>Briefe im Zentraldruck mit Sendungstag ab ${formatCalendarDate(o.von)}.</p>
${form}
${content}`;
  return layout({ title: 'Postausgang', body, user: o.user, csrf: o.csrf, current: PAGES.postausgang.path });
}
