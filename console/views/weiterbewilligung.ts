/** Weiterbewilligung: upcoming ends of Bewilligungszeiträume per team (opaque ids, no names). */
import { PAGES } from '../roles';
import { teamLabel } from '../teams';
import type { User } from '../users';
import { html, type SafeHtml } from './html';
import { formatCalendarDate } from './format';
import { layout } from './layout';

/** Labels of the weiterbewilligung workflow's STATUS values (domain/weiterbewilligung.ts WbStatus). */
export const WB_STATUS_LABELS: Record<string, string> = {
  wartet: 'Wartet auf erste Erinnerung',
  erinnert: 'Erinnerung versandt',
  zweite_erinnerung: 'Zweite Erinnerung versandt',
  eskaliert: 'Eskaliert an die Sachbearbeitung',
  wba_eingegangen: 'WBA eingegangen',
  beendet_ohne_wba: 'Beendet ohne WBA',
  aufgeloest: 'Bedarfsgemeinschaft aufgelöst',
};
/** Order of the columns in the per-team table. */
export const WB_STATUS_ORDER = ['wartet', 'erinnert', 'zweite_erinnerung', 'eskaliert', 'wba_eingegangen', 'beendet_ohne_wba', 'aufgeloest'];

export interface WbRow {
  workflowId: string;
  teamId?: string;
  status?: string;
  bwzEnde?: Date;
  naechsterSchritt?: Date;
}

export interface WeiterbewilligungView {
  user: User;
  csrf: string;
  bereichText: string;
  wochen: number;
  von: Date;
  bis: Date;
  rows: readonly WbRow[];
  limit: number;
  truncated: boolean;
  error?: string;
}

function statusLabel(s: string | undefined): string {
  return s === undefined ? '–' : (WB_STATUS_LABELS[s] ?? s);
}

export function weiterbewilligungPage(o: WeiterbewilligungView): string {
  const form = html`<form class="filter" method="get" action="${PAGES.weiterbewilligung.path}" aria-label="Zeitraum wählen">
  <div class="feld"><label for="wochen">Bewilligungszeiträume, die in den nächsten … Wochen enden</label>
  <input type="text" inputmode="numeric" id="wochen" name="wochen" value="${String(o.wochen)}" size="3" pattern="[0-9]{1,2}"></div>
  <button type="submit">Anzeigen</button>
</form>`;
  let content: SafeHtml;
  if (o.error) {
    content = html`<div class="meldung" role="alert">${o.error}</div>`;
  } else if (o.rows.length === 0) {
    content = html`<div class="info" id="wb-leer">In diesem Zeitraum enden keine Bewilligungszeiträume.</div>`;
  } else {
    const byStatus = new Map<string, number>();
    const byTeam = new Map<string, Map<string, number>>();
    for (const r of o.rows) {
      const s = r.status ?? '–';
      byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
      const t = r.teamId ?? '–';
      const m = byTeam.get(t) ?? new Map<string, number>();
      m.set(s, (m.get(s) ?? 0) + 1);
      byTeam.set(t, m);
    }
    const statuses = [...WB_STATUS_ORDER.filter((s) => byStatus.has(s)), ...[...byStatus.keys()].filter((s) => !WB_STATUS_ORDER.includes(s)).sort()];
    const erinnert = (byStatus.get('erinnert') ?? 0) + (byStatus.get('zweite_erinnerung') ?? 0) + (byStatus.get('eskaliert') ?? 0);
    const zahlen = html`<ul class="zahlen" aria-label="Kennzahlen">
  <li><strong>${o.rows.length}</strong> enden im Zeitraum</li>
  <li><strong>${erinnert}</strong> Erinnerungen versandt, noch kein WBA</li>
  <li><strong>${byStatus.get('wba_eingegangen') ?? 0}</strong> WBA eingegangen</li>
  <li><strong>${byStatus.get('eskaliert') ?? 0}</strong> eskaliert</li>
</ul>`;
    const teams = [...byTeam.keys()].sort();
    const teamTable = html`<table id="wb-teams">
  <caption>Enden je Team und Stand</caption>
  <thead><tr><th scope="col">Team</th>${statuses.map((s) => html`<th scope="col">${statusLabel(s)}</th>`)}<th scope="col">Gesamt</th></tr></thead>
  <tbody>${teams.map((t) => {
    const m = byTeam.get(t)!;
    let sum = 0;
    for (const v of m.values()) sum += v;
    return html`<tr><th scope="row">${t === '–' ? '–' : teamLabel(t)}</th>${statuses.map((s) => html`<td>${m.get(s) ?? 0}</td>`)}<td>${sum}</td></tr>`;
  })}</tbody>
</table>`;
    const rows = [...o.rows].sort((a, b) => (a.bwzEnde?.getTime() ?? 0) - (b.bwzEnde?.getTime() ?? 0));
    const list = html`<table id="wb-liste">
  <caption>${rows.length} ${rows.length === 1 ? 'Bewilligungszeitraum' : 'Bewilligungszeiträume'}, nach Ende sortiert</caption>
  <thead><tr><th scope="col">Vorgang</th><th scope="col">Team</th><th scope="col">Stand</th><th scope="col">BWZ-Ende</th><th scope="col">Nächster Schritt am</th></tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr data-workflow-id="${r.workflowId}"><td><code>${r.workflowId}</code></td><td>${r.teamId ? teamLabel(r.teamId) : '–'}</td><td>${statusLabel(r.status)}</td><td>${r.bwzEnde ? formatCalendarDate(r.bwzEnde) : '–'}</td><td>${r.naechsterSchritt ? formatCalendarDate(r.naechsterSchritt) : '–'}</td></tr>`,
  )}</tbody>
</table>`;
    content = html`${o.truncated ? html`<div class="info">Angezeigt werden die ersten ${o.limit} Vorgänge; bitte den Zeitraum verkürzen.</div>` : ''}${zahlen}${teamTable}<h2>Vorgänge</h2>${list}`;
  }
  const body = html`<h1>Weiterbewilligung</h1>
<p>Bewilligungszeiträume mit Ende vom ${formatCalendarDate(o.von)} bis ${formatCalendarDate(o.bis)} für: <strong>${o.bereichText}</strong>. Die Liste nennt keine Namen; Einzelheiten stehen im Fachverfahren.</p>
${form}
${content}`;
  return layout({ title: 'Weiterbewilligung', body, user: o.user, csrf: o.csrf, current: PAGES.weiterbewilligung.path });
}
