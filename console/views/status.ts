/** Systemstatus: the results of checkStack as a table, with a summary line. */
import type { Check } from '../../scripts/stack/doctor';
import { PAGES } from '../roles';
import type { User } from '../users';
import { html } from './html';
import { formatBerlinDateTime } from './format';
import { layout } from './layout';
import { alarmeHtml } from './betrieb';
import type { Alarm } from '../../platform/metrics';

export function statusSummary(checks: readonly Check[]): string {
  const failed = checks.filter((c) => !c.ok);
  const failedRequired = failed.filter((c) => c.required);
  if (failed.length === 0) return `Alle ${checks.length} Prüfungen in Ordnung.`;
  return `${failed.length} von ${checks.length} Prüfungen mit Fehler, davon ${failedRequired.length} für den Betrieb erforderlich.`;
}

export function statusPage(o: { user: User; csrf: string; checks: readonly Check[]; checkedAt: Date; alarme?: readonly Alarm[] }): string {
  const rows = o.checks.map(
    (c) => html`<tr>
  <th scope="row">${c.label}${c.required ? '' : html` <span class="hinweis">(optional)</span>`}</th>
  <td>${c.ok ? html`<span class="status-ok">ok</span>` : html`<span class="status-fehler">Fehler</span>`}</td>
  <td>${c.detail}</td>
  <td>${c.ok ? '' : (c.fix ?? '')}</td>
</tr>`,
  );
  const body = html`<h1>Systemstatus</h1>
<p role="status" id="status-zusammenfassung"><strong>${statusSummary(o.checks)}</strong> Stand: ${formatBerlinDateTime(o.checkedAt)} Uhr.</p>
${o.alarme ? html`<h2>Alarme</h2>${alarmeHtml(o.alarme)}` : ''}
<table>
  <caption>Prüfungen der Dienste</caption>
  <thead><tr><th scope="col">Dienst</th><th scope="col">Zustand</th><th scope="col">Einzelheiten</th><th scope="col">Abhilfe</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
  return layout({ title: 'Systemstatus', body, user: o.user, csrf: o.csrf, current: PAGES.status.path });
}
