/** Building blocks of the operations pages: the alert box shown on /status, the overview and /warteschlangen. */
import type { Alarm } from '../../platform/metrics';
import { html, type SafeHtml } from './html';

export function alarmeHtml(alarme: readonly Alarm[]): SafeHtml {
  if (alarme.length === 0) return html`<div class="erfolg" role="status" id="alarme">Keine Alarme: Prüffristen, Druckannahme und Roboter im Rahmen.</div>`;
  return html`<div class="meldung" role="alert" id="alarme"><strong>${String(alarme.length)} Alarm(e):</strong><ul>${alarme.map((a) => html`<li>${a.schwere === 'kritisch' ? 'Kritisch: ' : 'Warnung: '}${a.text}</li>`)}</ul></div>`;
}
