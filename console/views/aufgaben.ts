/** Eskalationen: the escalation inbox (list with filters and counts) and one Aufgabe in detail. */
import { PROZESS_LABELS } from '../../domain/search-attributes';
import type { AufgabeArt, AufgabeStatus, AufgabeZustand, Prioritaet } from '../../domain/aufgabe';
import { PAGES } from '../roles';
import { teamLabel } from '../teams';
import type { User } from '../users';
import { html, raw, type SafeHtml } from './html';
import { formatBerlinDateTime, formatCalendarDate } from './format';
import { layout } from './layout';

export const AUFGABE_ARTEN: readonly AufgabeArt[] = ['WBA_BEARBEITEN', 'WBA_FEHLT_ESKALATION', 'LEISTUNGSENDE', 'DRUCK_ABGELEHNT', 'POSTEINGANG_PRUEFEN', 'SONSTIGE'];
export const AUFGABE_STATUS: readonly AufgabeStatus[] = ['offen', 'in_bearbeitung', 'erledigt', 'abgebrochen'];

export const ART_LABELS: Record<AufgabeArt, string> = {
  WBA_BEARBEITEN: 'Weiterbewilligungsantrag bearbeiten',
  WBA_FEHLT_ESKALATION: 'Weiterbewilligungsantrag fehlt',
  LEISTUNGSENDE: 'Leistungen enden',
  DRUCK_ABGELEHNT: 'Brief vom Druckzentrum abgelehnt',
  POSTEINGANG_PRUEFEN: 'Posteingang prüfen',
  SONSTIGE: 'Sonstige Aufgabe',
};
export const STATUS_LABELS: Record<AufgabeStatus, string> = {
  offen: 'Offen',
  in_bearbeitung: 'In Bearbeitung',
  erledigt: 'Erledigt',
  abgebrochen: 'Abgebrochen',
};
export const PRIO_LABELS: Record<Prioritaet, string> = { hoch: 'Hoch', normal: 'Normal' };

/** Status filter of the list: 'aktiv' = offen or in Bearbeitung (the default). */
export type StatusFilter = 'aktiv' | AufgabeStatus | 'alle';
export const STATUS_FILTER_LABELS: Record<StatusFilter, string> = {
  aktiv: 'Offen und in Bearbeitung',
  offen: 'Offen',
  in_bearbeitung: 'In Bearbeitung',
  erledigt: 'Erledigt',
  abgebrochen: 'Abgebrochen',
  alle: 'Alle',
};

export interface AufgabenFilter {
  status: StatusFilter;
  art?: AufgabeArt;
  prioritaet?: Prioritaet;
}

export interface AufgabeRow {
  workflowId: string;
  status?: string;
  art?: string;
  prioritaet?: string;
  faellig?: Date;
  teamId?: string;
}

export interface AufgabenZahlen {
  offen: number;
  in_bearbeitung: number;
  erledigt: number;
  abgebrochen: number;
  /** Offen/in Bearbeitung with priority hoch. */
  hochAktiv: number;
}

function label<K extends string>(map: Record<K, string>, v: string | undefined): string {
  return v === undefined ? '–' : ((map as Record<string, string>)[v] ?? v);
}

function prioCell(p: string | undefined): SafeHtml {
  return p === 'hoch' ? html`<span class="prio-hoch">Hoch</span>` : html`${label(PRIO_LABELS, p)}`;
}

function option(value: string, text: string, selected: boolean): SafeHtml {
  return html`<option value="${value}"${selected ? raw(' selected') : ''}>${text}</option>`;
}

export interface AufgabenListe {
  user: User;
  csrf: string;
  /** What the user sees, e.g. "Team A–D Süd (LE-S-AD)" or "alle Teams". */
  bereichText: string;
  filter: AufgabenFilter;
  rows: readonly AufgabeRow[];
  zahlen?: AufgabenZahlen;
  limit: number;
  truncated: boolean;
  /** Shown instead of the list (e.g. Temporal unreachable, unknown team). */
  error?: string;
  hinweis?: string;
}

export function aufgabenPage(o: AufgabenListe): string {
  const f = o.filter;
  const filterForm = html`<form class="filter" method="get" action="${PAGES.aufgaben.path}" aria-label="Aufgaben filtern">
  <div class="feld"><label for="filter-status">Status</label>
    <select id="filter-status" name="status">${(Object.keys(STATUS_FILTER_LABELS) as StatusFilter[]).map((s) => option(s, STATUS_FILTER_LABELS[s], f.status === s))}</select></div>
  <div class="feld"><label for="filter-art">Art</label>
    <select id="filter-art" name="art">${option('', 'Alle Arten', f.art === undefined)}${AUFGABE_ARTEN.map((a) => option(a, ART_LABELS[a], f.art === a))}</select></div>
  <div class="feld"><label for="filter-prioritaet">Priorität</label>
    <select id="filter-prioritaet" name="prioritaet">${option('', 'Alle', f.prioritaet === undefined)}${option('hoch', 'Hoch', f.prioritaet === 'hoch')}${option('normal', 'Normal', f.prioritaet === 'normal')}</select></div>
  <button type="submit">Filtern</button>
</form>`;

  let content: SafeHtml;
  if (o.error) {
    content = html`<div class="meldung" role="alert">${o.error}</div>`;
  } else {
    const z = o.zahlen;
    const zahlen = z
      ? html`<ul class="zahlen" aria-label="Anzahl der Aufgaben">
  <li><strong>${z.offen}</strong> offen</li>
  <li><strong>${z.in_bearbeitung}</strong> in Bearbeitung</li>
  <li><strong>${z.hochAktiv}</strong> davon mit hoher Priorität</li>
  <li><strong>${z.erledigt}</strong> erledigt</li>
  <li><strong>${z.abgebrochen}</strong> abgebrochen</li>
</ul>`
      : '';
    const table = o.rows.length === 0
      ? html`<div class="info" id="aufgaben-leer">Keine Aufgaben für diese Auswahl.</div>`
      : html`${o.truncated ? html`<div class="info">Angezeigt werden die ersten ${o.limit} Aufgaben; bitte die Auswahl eingrenzen.</div>` : ''}
<table id="aufgaben-liste">
  <caption>${o.rows.length} ${o.rows.length === 1 ? 'Aufgabe' : 'Aufgaben'} (${STATUS_FILTER_LABELS[f.status]}), hohe Priorität zuerst, dann nach Fälligkeit</caption>
  <thead><tr><th scope="col">Aufgabe</th><th scope="col">Priorität</th><th scope="col">Fällig am</th><th scope="col">Status</th><th scope="col">Team</th></tr></thead>
  <tbody>${o.rows.map(
    (r) => html`<tr data-workflow-id="${r.workflowId}">
  <th scope="row"><a href="${PAGES.aufgaben.path}/${encodeURIComponent(r.workflowId)}">${label(ART_LABELS, r.art)}</a><br><code class="hinweis">${r.workflowId}</code></th>
  <td>${prioCell(r.prioritaet)}</td>
  <td>${r.faellig ? formatCalendarDate(r.faellig) : '–'}</td>
  <td>${label(STATUS_LABELS, r.status)}</td>
  <td>${r.teamId ? teamLabel(r.teamId) : '–'}</td>
</tr>`,
  )}</tbody>
</table>`;
    content = html`${zahlen}${table}`;
  }
  const body = html`<h1>Eskalationen</h1>
<p>Aufgaben für: <strong>${o.bereichText}</strong></p>
${o.hinweis ? html`<div class="info">${o.hinweis}</div>` : ''}
${filterForm}
${content}`;
  return layout({ title: 'Eskalationen', body, user: o.user, csrf: o.csrf, current: PAGES.aufgaben.path });
}

export type AufgabeAktion = 'uebernehmen' | 'erledigen' | 'zurueckgeben' | 'kommentieren';

export const AKTION_ERFOLG: Record<AufgabeAktion, string> = {
  uebernehmen: 'Sie haben die Aufgabe übernommen.',
  erledigen: 'Die Aufgabe ist erledigt.',
  zurueckgeben: 'Sie haben die Aufgabe zurückgegeben; sie ist wieder offen.',
  kommentieren: 'Ihr Kommentar wurde gespeichert.',
};

export interface AufgabeDetail {
  user: User;
  csrf: string;
  workflowId: string;
  zustand: AufgabeZustand;
  /** Actions this user may try (the workflow's validators have the last word). */
  aktionen: readonly AufgabeAktion[];
  erfolg?: string;
  fehler?: string;
  /** Form values to keep after a refusal. */
  notiz?: string;
  kommentar?: string;
}

function kommentarListe(z: AufgabeZustand): SafeHtml {
  if (z.kommentare.length === 0) return html`<p class="hinweis">Noch keine Kommentare.</p>`;
  return html`<ol id="kommentare">${z.kommentare.map(
    (k) => html`<li><p><strong>${k.von}</strong>, ${formatBerlinDateTime(new Date(k.am))}</p><p>${k.text}</p></li>`,
  )}</ol>`;
}

export function aufgabeDetailPage(o: AufgabeDetail): string {
  const z = o.zustand;
  const base = `${PAGES.aufgaben.path}/${encodeURIComponent(o.workflowId)}`;
  const hidden = html`<input type="hidden" name="_csrf" value="${o.csrf}">`;
  const has = (a: AufgabeAktion): boolean => o.aktionen.includes(a);
  const forms: SafeHtml[] = [];
  if (has('uebernehmen')) {
    forms.push(html`<form method="post" action="${base}/uebernehmen">${hidden}<button type="submit">Übernehmen</button></form>`);
  }
  if (has('erledigen')) {
    forms.push(html`<form method="post" action="${base}/erledigen">${hidden}
  <div class="feld"><label for="notiz">Notiz zur Erledigung (Pflichtfeld, höchstens 2000 Zeichen)</label>
  <textarea id="notiz" name="notiz" rows="4" maxlength="2000" required aria-required="true" aria-describedby="notiz-hinweis">${o.notiz ?? ''}</textarea>
  <p class="hinweis" id="notiz-hinweis">Was wurde veranlasst? Die Notiz wird mit Ihrem Benutzernamen gespeichert.</p></div>
  <button type="submit">Erledigen</button></form>`);
  }
  if (has('zurueckgeben')) {
    forms.push(html`<form method="post" action="${base}/zurueckgeben">${hidden}<button type="submit">Zurückgeben</button></form>`);
  }
  if (has('kommentieren')) {
    forms.push(html`<form method="post" action="${base}/kommentieren">${hidden}
  <div class="feld"><label for="kommentar">Kommentar</label>
  <textarea id="kommentar" name="text" rows="3" maxlength="2000" required aria-required="true">${o.kommentar ?? ''}</textarea></div>
  <button type="submit">Kommentieren</button></form>`);
  }
  const bearbeitung = z.status === 'in_bearbeitung' && z.bearbeiter ? `in Bearbeitung bei ${z.bearbeiter}` : STATUS_LABELS[z.status];
  const body = html`<p><a href="${PAGES.aufgaben.path}">Zurück zur Liste der Eskalationen</a></p>
<h1>${z.titel}</h1>
${o.erfolg ? html`<div class="erfolg" role="status">${o.erfolg}</div>` : ''}
${o.fehler ? html`<div class="meldung" role="alert">${o.fehler}</div>` : ''}
<dl class="daten">
  <dt>Art</dt><dd>${ART_LABELS[z.art] ?? z.art}</dd>
  <dt>Status</dt><dd id="aufgabe-status">${bearbeitung}</dd>
  <dt>Priorität</dt><dd>${prioCell(z.prioritaet)}${z.eskaliert ? ' (eskaliert: Fälligkeit überschritten)' : ''}</dd>
  <dt>Fällig am</dt><dd>${formatCalendarDate(new Date(`${z.faelligAm}T00:00:00Z`))}</dd>
  <dt>Team</dt><dd>${teamLabel(z.teamId)}</dd>
  <dt>Herkunft</dt><dd>${PROZESS_LABELS[z.bezug.prozess] ?? z.bezug.prozess}, Vorgang <code>${z.bezug.workflowId}</code></dd>
  <dt>Vorgang</dt><dd><code>${o.workflowId}</code></dd>
  ${z.status === 'erledigt' ? html`<dt>Erledigt</dt><dd>${z.erledigtVon ?? '–'}${z.erledigtAm ? `, ${formatBerlinDateTime(new Date(z.erledigtAm))}` : ''}</dd><dt>Notiz</dt><dd id="aufgabe-notiz">${z.notiz ?? ''}</dd>` : ''}
</dl>
<h2>Beschreibung</h2>
<p>${z.beschreibung}</p>
<h2>Kommentare</h2>
${kommentarListe(z)}
${forms.length > 0 ? html`<h2>Bearbeiten</h2><div class="aktionen">${forms}</div>` : ''}`;
  return layout({ title: z.titel, body, user: o.user, csrf: o.csrf, current: PAGES.aufgaben.path });
}
