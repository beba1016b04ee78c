/** Warteschlangen: workflows by process and state, BullMQ queues, failed jobs and one failed job in detail. */
import type { Betriebslage, WarteschlangeDef } from '../../platform/metrics';
import { PAGES } from '../roles';
import type { User } from '../users';
import { html, type SafeHtml } from './html';
import { formatBerlinDateTime } from './format';
import { layout } from './layout';
import { alarmeHtml } from './betrieb';
import { STATUS_TEXT as TERMIN_STATUS_LABELS } from '../../domain/termine-vorgang';
import { PROZESS_LABELS } from '../../domain/search-attributes';
import { STATUS_LABELS as AUFGABE_STATUS_LABELS } from './aufgaben';
import { DRUCK_STATUS_LABELS } from './postausgang';
import { STATUS_LABELS as POSTEINGANG_STATUS_LABELS } from './postkorb';
import { WB_STATUS_LABELS } from './weiterbewilligung';


/** The running workflows' business states in words (each process its own labels; an unknown key as it is). */
function statusText(prozess: string, status: string): string {
  const labels: Record<string, Record<string, string>> = {
    posteingang: POSTEINGANG_STATUS_LABELS, zentraldruck: DRUCK_STATUS_LABELS, weiterbewilligung: WB_STATUS_LABELS,
    terminvergabe: TERMIN_STATUS_LABELS, aufgabe: AUFGABE_STATUS_LABELS,
  };
  return labels[prozess]?.[status] ?? status;
}

export const ABLAUF_LABELS: Record<string, string> = {
  Running: 'laufend', Completed: 'abgeschlossen', Failed: 'fehlgeschlagen', Canceled: 'abgebrochen', Terminated: 'beendet',
  ContinuedAsNew: 'fortgesetzt', TimedOut: 'Zeit überschritten',
};

export interface FehlerJob {
  queue: string;
  id: string;
  name: string;
  art: 'fachlich' | 'technisch';
  code?: string;
  meldung: string;
  versuche: number;
  maxVersuche?: number;
  zeit?: Date;
}

/** A workflow that failed or timed out (an incident, as in Camunda Operate). */
export interface Vorfall {
  workflowId: string;
  runId: string;
  typ: string;
  ablauf: string;
  ende?: Date;
}

export interface WarteschlangenView {
  user: User;
  csrf: string;
  lage: Betriebslage;
  fehlerJobs: readonly FehlerJob[];
  vorfaelle?: readonly Vorfall[];
  namespace?: string;
  erfolg?: string;
  fehler?: string;
}

function zahl(n: number | undefined): string {
  return n === undefined ? '–' : String(n);
}

export function jobLink(queue: string, id: string): string {
  return `${PAGES.warteschlangen.path}/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`;
}

export function warteschlangenPage(o: WarteschlangenView): string {
  const { lage } = o;
  const stati = Object.keys(ABLAUF_LABELS);
  const prozessRows = lage.prozesse.map((p) => html`<tr>
  <th scope="row">${PROZESS_LABELS[p.prozess] ?? p.prozess}</th>
  ${stati.map((s) => html`<td>${zahl(p.nachAblauf[s] ?? 0)}</td>`)}
  <td>${Object.keys(p.laufendNachStatus).length === 0 ? '–' : Object.entries(p.laufendNachStatus).sort().map(([k, v], i) => html`${i ? ', ' : ''}${statusText(p.prozess, k)}: ${String(v)}`)}${p.laufendGekappt ? ' (gekappt)' : ''}</td>
</tr>`);
  const queueRows = lage.warteschlangen.map((w) => html`<tr>
  <th scope="row">${w.def.label}<br><code>${w.def.name}</code></th>
  <td>${zahl(w.counts.waiting + w.counts.prioritized)}</td><td>${zahl(w.counts.active)}${w.lizenz ? ` von ${w.lizenz} Sitzungen` : ''}</td><td>${zahl(w.counts.delayed)}</td>
  <td>${w.counts.failed > 0 ? html`<span class="status-fehler">${String(w.counts.failed)}</span>` : '0'}</td><td>${zahl(w.counts.completed)}</td>
  <td>${zahl(w.worker)}</td>
  <td>${w.fehler ? html`<span class="status-fehler">${w.fehler}</span>` : `${w.stunde.erledigt} erledigt, ${w.stunde.technisch} technisch, ${w.stunde.fachlich} fachlich fehlgeschlagen`}</td>
</tr>`);
  const jobs: SafeHtml = o.fehlerJobs.length === 0
    ? html`<p class="info" role="status">Keine fehlgeschlagenen Aufträge.</p>`
    : html`<table><caption>Fehlgeschlagene Aufträge (neueste zuerst)</caption>
<thead><tr><th scope="col">Warteschlange</th><th scope="col">Auftrag</th><th scope="col">Art</th><th scope="col">Fehler</th><th scope="col">Versuche</th><th scope="col">Zeit</th></tr></thead>
<tbody>${o.fehlerJobs.map((j) => html`<tr><td><code>${j.queue}</code></td><td><a href="${jobLink(j.queue, j.id)}">${j.name} <code>${j.id}</code></a></td>
<td>${j.art === 'fachlich' ? 'fachlich (keine automatische Wiederholung)' : 'technisch'}</td><td>${j.code ? html`<code>${j.code}</code> ` : ''}${j.meldung}</td>
<td>${String(j.versuche)}${j.maxVersuche ? ` von ${j.maxVersuche}` : ''}</td><td>${j.zeit ? formatBerlinDateTime(j.zeit) : '–'}</td></tr>`)}</tbody></table>`;
  const body = html`<h1>Warteschlangen</h1>
${o.erfolg ? html`<div class="erfolg" role="status">${o.erfolg}</div>` : ''}
${o.fehler ? html`<div class="meldung" role="alert">${o.fehler}</div>` : ''}
${alarmeHtml(lage.alarme)}
<p class="hinweis">Stand: ${formatBerlinDateTime(lage.zeitpunkt)} Uhr. Postkorb (Prüfung durch eine Person): ${String(lage.pruefung.anzahl)} Dokument(e)${lage.pruefung.aeltesteStunden !== undefined ? `, ältestes seit ${lage.pruefung.aeltesteStunden.toLocaleString('de-DE', { maximumFractionDigits: 1 })} Stunden` : ''}.</p>
<h2>Vorgänge je Prozess</h2>
<table><caption>Workflows nach Ablaufzustand (innerhalb der Aufbewahrung von Temporal) und laufende nach fachlichem Status</caption>
<thead><tr><th scope="col">Prozess</th>${stati.map((s) => html`<th scope="col">${ABLAUF_LABELS[s]}</th>`)}<th scope="col">Laufend nach Status</th></tr></thead>
<tbody>${prozessRows}</tbody></table>
<h2>Auftragswarteschlangen</h2>
<table><caption>Roboter und OCR (BullMQ)</caption>
<thead><tr><th scope="col">Warteschlange</th><th scope="col">Wartend</th><th scope="col">In Arbeit</th><th scope="col">Verzögert</th><th scope="col">Fehlgeschlagen</th><th scope="col">Erledigt</th><th scope="col">Worker online</th><th scope="col">Letzte Stunde</th></tr></thead>
<tbody>${queueRows}</tbody></table>
<h2>Fehlgeschlagene Aufträge</h2>
${jobs}
<h2>Vorfälle: fehlgeschlagene Vorgänge der letzten 7 Tage</h2>
${!o.vorfaelle || o.vorfaelle.length === 0
    ? html`<p class="info" role="status">Keine fehlgeschlagenen oder abgelaufenen Vorgänge.</p>`
    : html`<table><caption>Workflows mit Ablauf „fehlgeschlagen“ oder „Zeit überschritten“ (Verlauf in der Temporal-Oberfläche)</caption>
<thead><tr><th scope="col">Vorgang</th><th scope="col">Workflow-Typ</th><th scope="col">Ablauf</th><th scope="col">Ende</th></tr></thead>
<tbody>${o.vorfaelle.map((v) => html`<tr><td><a href="/temporal/namespaces/${encodeURIComponent(o.namespace ?? 'default')}/workflows/${encodeURIComponent(v.workflowId)}/${encodeURIComponent(v.runId)}/history"><code>${v.workflowId}</code></a></td><td><code>${v.typ}</code></td><td>${v.ablauf === 'FAILED' ? 'fehlgeschlagen' : 'Zeit überschritten'}</td><td>${v.ende ? formatBerlinDateTime(v.ende) : '–'}</td></tr>`)}</tbody></table>`}`;
  return layout({ title: 'Warteschlangen', body, user: o.user, csrf: o.csrf, current: PAGES.warteschlangen.path });
}

export interface JobDetail {
  def: WarteschlangeDef;
  id: string;
  name: string;
  zustand: string;
  art?: 'fachlich' | 'technisch';
  code?: string;
  meldung?: string;
  versuche: number;
  maxVersuche?: number;
  erstellt?: Date;
  beendet?: Date;
  protokoll: string[];
  /** Screenshot of the failed attempt is available (IT-Administration only; shows Sozialdaten). */
  bildschirmfoto: boolean;
}

export function jobDetailPage(o: { user: User; csrf: string; job: JobDetail; fehler?: string }): string {
  const j = o.job;
  const base = jobLink(j.def.name, j.id);
  const tok = html`<input type="hidden" name="_csrf" value="${o.csrf}">`;
  const body = html`<h1>Auftrag ${j.name}</h1>
${o.fehler ? html`<div class="meldung" role="alert">${o.fehler}</div>` : ''}
<p><a href="${PAGES.warteschlangen.path}">Zurück zu den Warteschlangen</a></p>
<dl class="daten">
  <dt>Warteschlange</dt><dd>${j.def.label} (<code>${j.def.name}</code>)</dd>
  <dt>Auftrag</dt><dd><code>${j.id}</code></dd>
  <dt>Zustand</dt><dd>${j.zustand}</dd>
  <dt>Fehlerart</dt><dd>${j.art === 'fachlich' ? 'fachlich – wird nie automatisch wiederholt' : j.art === 'technisch' ? 'technisch – wurde mit Wartezeit wiederholt' : '–'}</dd>
  <dt>Fehler</dt><dd>${j.code ? html`<code>${j.code}</code> ` : ''}${j.meldung ?? '–'}</dd>
  <dt>Versuche</dt><dd>${String(j.versuche)}${j.maxVersuche ? ` von ${j.maxVersuche}` : ''}</dd>
  <dt>Erstellt</dt><dd>${j.erstellt ? formatBerlinDateTime(j.erstellt) : '–'}</dd>
  <dt>Beendet</dt><dd>${j.beendet ? formatBerlinDateTime(j.beendet) : '–'}</dd>
</dl>
${j.bildschirmfoto ? html`<h2>Bildschirmfoto des fehlgeschlagenen Versuchs</h2><p class="hinweis">Zeigt Sozialdaten; der Abruf wird protokolliert.</p><p><a href="${base}/bildschirmfoto">Bildschirmfoto öffnen</a></p>` : ''}
${j.protokoll.length ? html`<h2>Protokoll des Auftrags</h2><ol>${j.protokoll.map((l) => html`<li><code>${l}</code></li>`)}</ol>` : ''}
${j.zustand === 'failed' ? html`<h2>Entscheidung</h2><div class="aktionen">
<form method="post" action="${base}/wiederholen">${tok}<label for="grund-w">Grund für die Wiederholung (Pflicht)</label><input type="text" id="grund-w" name="grund" required minlength="5"> <button type="submit">Erneut versuchen</button></form>
<form method="post" action="${base}/aufgeben">${tok}<label for="grund-a">Grund für das Aufgeben (Pflicht)</label><input type="text" id="grund-a" name="grund" required minlength="5"> <button type="submit">Aufgeben und entfernen</button></form>
</div>` : ''}`;
  return layout({ title: `Auftrag ${j.name}`, body, user: o.user, csrf: o.csrf, current: PAGES.warteschlangen.path });
}
