/**
 * Postkorb: the review queue of the Posteingang (documents the engine was unsure about) and
 * one document in review, with page images, boxes over the recognised identifiers, the
 * recognised type with its alternatives, the household and the decision form. Works as
 * plain forms; /postkorb/tastatur.js adds the keyboard shortcuts (no inline script: CSP).
 */
import type { EincheckWerte } from './termine';
import {
  EINGANGSARTEN,
  EINGANGSART_LABELS,
  PRUEFGRUND_LABELS,
  PosteingangStatus,
  type DokumentZustand,
  type Eingangsart,
  type Teil,
  type Zuordnung,
} from '../../domain/posteingang';
import { MARKIERUNG_LABELS, type Markierung } from '../postkorb-markierung';
import { PAGES } from '../roles';
import type { User } from '../users';
import { html, raw, type SafeHtml } from './html';
import { formatBerlinDateTime, formatCalendarDate } from './format';
import { layout } from './layout';

export const TASTATUR_SKRIPT_PFAD = '/postkorb/tastatur.js';

const TRENNUNG_LABELS: Record<string, string> = {
  'patch-t': 'Patch-T-Trennblatt',
  'barcode-trennblatt': 'Trennblatt mit Barcode',
  leerseite: 'Leerseite als Trenner',
  'barcode-erste-seite': 'Barcode: erste Seite eines Dokuments',
};

export const QUELLE_LABELS: Record<string, string> = { scanner: 'Scanner', upload: 'Upload (Bürger-App)', mail: 'E-Mail' };

export const STATUS_LABELS: Record<string, string> = {
  [PosteingangStatus.ERFASST]: 'Erfasst',
  registriert: 'Registriert',
  [PosteingangStatus.GELESEN]: 'Gelesen',
  [PosteingangStatus.ZERLEGT]: 'Zerlegt',
  [PosteingangStatus.PRUEFUNG]: 'Wartet auf Prüfung',
  [PosteingangStatus.PRUEFUNG_UEBERFAELLIG]: 'Prüfung überfällig',
  [PosteingangStatus.ABGELEGT]: 'Abgelegt',
  [PosteingangStatus.QUARANTAENE]: 'Quarantäne',
  [PosteingangStatus.VERWORFEN]: 'Verworfen',
  [PosteingangStatus.DOPPELT]: 'Doppelt (schon eingegangen)',
};

/** One entry of the queue: a document in review, or a file whose split a person must check. */
export interface PostkorbRow {
  workflowId: string;
  vorgang: 'dokument' | 'zerlegung';
  status?: string;
  dokumentart?: string;
  quelle?: string;
  eingangsdatum?: Date;
  faellig?: Date;
  prioritaet?: string;
  startTime: Date;
}

export interface PostkorbFilter {
  art?: Eingangsart;
  quelle?: string;
  /** YYYY-MM-DD, inclusive. */
  von?: string;
  bis?: string;
  ueberfaellig: boolean;
}

export interface PostkorbZahlen {
  pruefung: number;
  ueberfaellig: number;
  zerlegung: number;
  proArt: { art: Eingangsart; anzahl: number }[];
}

function label(map: Record<string, string>, v: string | undefined): string {
  return v === undefined ? '–' : (map[v] ?? v);
}

export function artLabel(v: string | undefined): string {
  return label(EINGANGSART_LABELS, v);
}

function option(value: string, text: string, selected: boolean): SafeHtml {
  return html`<option value="${value}"${selected ? raw(' selected') : ''}>${text}</option>`;
}

/** Whole calendar days between the day of receipt and today (both midnight UTC). */
export function alterInTagen(eingangsdatum: Date | undefined, heute: Date): number | undefined {
  if (!eingangsdatum) return undefined;
  return Math.max(0, Math.round((heute.getTime() - eingangsdatum.getTime()) / 86_400_000));
}

export function istUeberfaellig(r: Pick<PostkorbRow, 'status' | 'faellig'>, jetzt: Date): boolean {
  return r.status === PosteingangStatus.PRUEFUNG_UEBERFAELLIG || (r.faellig !== undefined && r.faellig.getTime() < jetzt.getTime());
}

function tastaturHilfe(eintraege: [string, string][]): SafeHtml {
  return html`<details class="tastatur" id="tastatur-hilfe"><summary>Tastenkürzel (<kbd>?</kbd>)</summary>
<dl class="daten">${eintraege.map(([k, t]) => html`<dt><kbd>${k}</kbd></dt><dd>${t}</dd>`)}</dl>
<p class="hinweis">Die Kürzel wirken nicht, solange ein Eingabefeld den Fokus hat (außer <kbd>Esc</kbd>, das ihn verlässt). Ohne JavaScript funktionieren alle Formulare wie gewohnt.</p>
</details>`;
}

const EXTRA_CSS = raw(`<style>
.ueberfaellig td { background: #fdf0f0; }
.ueberfaellig-text { color: var(--fehler); font-weight: 700; }
kbd { font-family: ui-monospace, monospace; border: 1px solid #505a5f; border-bottom-width: 2px; border-radius: 3px; padding: 0 .3rem; background: #f3f3f3; }
.seiten { display: grid; gap: 1.5rem; }
.seite { position: relative; display: inline-block; max-width: 100%; border: 1px solid var(--linie); }
.seite img { display: block; max-width: 100%; height: auto; }
.markierung { position: absolute; border: 3px solid #d4351c; background: rgba(255, 221, 0, .25); }
.markierung span { position: absolute; top: -1.6rem; left: -3px; background: #d4351c; color: #fff; font-size: .75rem; padding: 0 .3rem; white-space: nowrap; }
.spalten { display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 2fr); gap: 2rem; align-items: start; }
@media (max-width: 60rem) { .spalten { grid-template-columns: 1fr; } }
.feldfehler { color: var(--fehler); font-weight: 700; margin: .25rem 0; }
.vorschau { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; }
.vorschau li { width: 10rem; }
.vorschau img { width: 100%; border: 1px solid var(--linie); }
pre.text { white-space: pre-wrap; background: #f7f7f7; padding: 1rem; max-height: 30rem; overflow: auto; }
nav.blaettern { display: flex; gap: 1.5rem; margin: 1rem 0; }
</style>`);

// --- List ---------------------------------------------------------------------------------

export interface PostkorbListe {
  user: User;
  csrf: string;
  filter: PostkorbFilter;
  rows: readonly PostkorbRow[];
  zahlen?: PostkorbZahlen;
  truncated: boolean;
  limit: number;
  jetzt: Date;
  heute: Date;
  error?: string;
  erfolg?: string;
  /** A filter value that could not be used (said, not silently dropped). */
  filterFehler?: string;
}

function filterForm(f: PostkorbFilter): SafeHtml {
  return html`<form class="filter" method="get" action="${PAGES.postkorb.path}" aria-label="Filter">
  <div class="feld"><label for="f-art">Dokumentart</label>
    <select id="f-art" name="art">${option('', 'Alle', !f.art)}${EINGANGSARTEN.map((a) => option(a, EINGANGSART_LABELS[a], f.art === a))}</select></div>
  <div class="feld"><label for="f-quelle">Quelle</label>
    <select id="f-quelle" name="quelle">${option('', 'Alle', !f.quelle)}${Object.entries(QUELLE_LABELS).map(([k, v]) => option(k, v, f.quelle === k))}</select></div>
  <div class="feld"><label for="f-von">Eingang von</label><input type="date" id="f-von" name="von" value="${f.von ?? ''}"></div>
  <div class="feld"><label for="f-bis">Eingang bis</label><input type="date" id="f-bis" name="bis" value="${f.bis ?? ''}"></div>
  <div class="feld"><label><input type="checkbox" name="ueberfaellig" value="1"${f.ueberfaellig ? raw(' checked') : ''}> nur überfällige</label></div>
  <div class="feld"><button type="submit">Filtern</button></div>
</form>`;
}

export function postkorbPage(o: PostkorbListe): string {
  const z = o.zahlen;
  const zahlen = z
    ? html`<ul class="zahlen" aria-label="Stand des Postkorbs">
  <li id="zahl-pruefung"><strong>${z.pruefung}</strong> warten auf Prüfung</li>
  <li id="zahl-ueberfaellig"${z.ueberfaellig > 0 ? raw(' class="ueberfaellig-text"') : ''}><strong>${z.ueberfaellig}</strong> überfällig</li>
  <li id="zahl-zerlegung"><strong>${z.zerlegung}</strong> Trennungen zu prüfen</li>
  ${z.proArt.filter((a) => a.anzahl > 0).map((a) => html`<li data-art="${a.art}"><strong>${a.anzahl}</strong> ${EINGANGSART_LABELS[a.art]}</li>`)}
</ul>`
    : '';
  let content: SafeHtml;
  if (o.error) {
    content = html`<div class="meldung" role="alert">${o.error}</div>`;
  } else if (o.rows.length === 0) {
    content = html`<div class="info" id="postkorb-leer">Keine Dokumente warten auf eine Prüfung${o.filter.art || o.filter.quelle || o.filter.von || o.filter.bis || o.filter.ueberfaellig ? ' (mit diesem Filter)' : ''}.</div>`;
  } else {
    const rows = o.rows.map((r) => {
      const ueber = istUeberfaellig(r, o.jetzt);
      const alter = alterInTagen(r.eingangsdatum, o.heute);
      const titel = r.vorgang === 'zerlegung' ? 'Trennung einer Datei' : artLabel(r.dokumentart);
      return html`<tr data-workflow-id="${r.workflowId}"${ueber ? raw(' class="ueberfaellig"') : ''}>
  <td><a class="postkorb-eintrag" href="${PAGES.postkorb.path}/${encodeURIComponent(r.workflowId)}">${titel}</a>${r.prioritaet === 'hoch' ? html` <span class="prio-hoch">(eilt)</span>` : ''}</td>
  <td>${r.vorgang === 'zerlegung' ? 'Datei (mehrere Dokumente)' : 'Dokument'}</td>
  <td>${label(QUELLE_LABELS, r.quelle)}</td>
  <td>${r.eingangsdatum ? formatCalendarDate(r.eingangsdatum) : '–'}</td>
  <td>${alter === undefined ? '–' : alter === 1 ? '1 Tag' : `${alter} Tage`}</td>
  <td>${ueber ? html`<span class="ueberfaellig-text">überfällig</span>` : r.faellig ? html`bis ${formatBerlinDateTime(r.faellig)}` : label(STATUS_LABELS, r.status)}</td>
</tr>`;
    });
    content = html`${o.truncated ? html`<div class="info">Angezeigt werden die ${o.limit} ältesten Einträge; weitere sind vorhanden.</div>` : ''}
<table id="postkorb-liste">
  <caption>${o.rows.length} ${o.rows.length === 1 ? 'Eintrag' : 'Einträge'}, älteste zuerst</caption>
  <thead><tr><th scope="col">Dokumentart</th><th scope="col">Vorgang</th><th scope="col">Quelle</th><th scope="col">Eingangsdatum</th><th scope="col">Alter</th><th scope="col">Frist</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
  }
  const body = html`${EXTRA_CSS}<h1>Postkorb</h1>
<p class="hinweis">Dokumente, bei denen die Erkennung unsicher war. Die Liste enthält keine personenbezogenen Daten; Einzelheiten stehen auf der Seite des Dokuments (jeder Aufruf wird protokolliert).</p>
${o.erfolg ? html`<div class="erfolg" role="status">${o.erfolg}</div>` : ''}${o.filterFehler ? html`<div class="meldung" role="alert">${o.filterFehler}</div>` : ''}
${zahlen}
${filterForm(o.filter)}
${content}
${tastaturHilfe([['j', 'nächster Eintrag'], ['k', 'vorheriger Eintrag'], ['Enter', 'Eintrag öffnen'], ['?', 'diese Hilfe ein-/ausblenden']])}
<script src="${TASTATUR_SKRIPT_PFAD}" defer></script>`;
  return layout({ title: 'Postkorb', body, user: o.user, csrf: o.csrf, current: PAGES.postkorb.path });
}

// --- One document -------------------------------------------------------------------------

export interface SeitenAnsicht {
  nr: number;
  /** URL of the image route, when an image exists or can be rendered. */
  bildUrl?: string;
  breite?: number;
  hoehe?: number;
  markierungen: Markierung[];
}

/** The decision form's values (kept after a refused decision). */
export interface DokumentEingabe {
  dokumentart?: string;
  bgNummer?: string;
  kommentar?: string;
  /** Set when "Neuantrag anlegen" was ticked: the applicant as typed. */
  neuantrag?: EincheckWerte;
}
export type DokumentFehlerFeld = 'dokumentart' | 'bgNummer' | 'neuantrag' | 'allgemein';

/** The fold for a Hauptantrag of people without a Bedarfsgemeinschaft: the Fachverfahren creates it. */
function neuantragFeld(o: DokumentAnsicht, artWert: string): SafeHtml {
  const n = o.eingabe?.neuantrag;
  const fehler = o.fehler?.feld === 'neuantrag';
  const offen = Boolean(n) || fehler || (artWert === 'HAUPTANTRAG' && (o.zustand.zuordnung?.art ?? 'keine') === 'keine');
  const feld = (name: keyof EincheckWerte, label: string, laenge: number, extra = '') =>
    html`<div class="feld"><label for="na-${name}">${label}</label><input type="text" id="na-${name}" name="${name}" value="${n?.[name] ?? ''}" maxlength="${String(laenge)}" autocomplete="off"${raw(extra)}></div>`;
  return html`<details id="neuantrag"${offen ? raw(' open') : ''}><summary>Hauptantrag ohne Bedarfsgemeinschaft: Neuantrag anlegen</summary>
  <p class="hinweis">Nur wenn die Person noch keine BG hat (Erstantrag). Angaben aus dem Antrag übernehmen: Das Fachverfahren legt Person und Bedarfsgemeinschaft an, danach wird der Antrag in deren E-Akte abgelegt.</p>
  <div class="feld"><label><input type="checkbox" name="neuantrag" value="1"${n ? raw(' checked') : ''}> Neuantrag im Fachverfahren anlegen (BG-Nummer bleibt leer)</label></div>
  ${feld('vorname', 'Vorname', 80)}${feld('nachname', 'Nachname', 80)}${feld('geburtsdatum', 'Geburtsdatum (TT.MM.JJJJ)', 10, ' inputmode="numeric"')}
  ${feld('strasse', 'Straße', 100)}${feld('hausnummer', 'Hausnummer', 10)}${feld('plz', 'Postleitzahl', 5, ' inputmode="numeric"')}${feld('ort', 'Ort', 80)}
  ${fehler ? html`<p class="feldfehler" id="fehler-neuantrag" role="alert">${o.fehler!.text}</p>` : ''}
</details>`;
}

export interface DokumentAnsicht {
  user: User;
  csrf: string;
  workflowId: string;
  zustand: DokumentZustand;
  seiten: SeitenAnsicht[];
  /** Text of the document's pages (from the Lesung file). */
  text?: string;
  vorher?: string;
  nachher?: string;
  /** Values of the form after a refused decision. */
  eingabe?: DokumentEingabe;
  fehler?: { feld: DokumentFehlerFeld; text: string };
  erfolg?: string;
  /** false for roles that may look but not decide. */
  darfEntscheiden: boolean;
}

function prozent(p: number): string {
  return `${Math.round(p * 100)} %`;
}

/** Types by descending score, the recognised one first (keys 1–9 pick from this list). */
export function topArten(z: DokumentZustand, n = 9): { art: Eingangsart; score: number }[] {
  const e = z.erkennung;
  if (!e) return [];
  const list = EINGANGSARTEN.map((art) => ({ art, score: e.scores[art] ?? (art === e.dokumentart ? e.confidence : 0) }))
    .filter((x) => x.score > 0 || x.art === e.dokumentart);
  list.sort((a, b) => (a.art === e.dokumentart ? -1 : b.art === e.dokumentart ? 1 : b.score - a.score));
  return list.slice(0, n);
}

function zuordnungHtml(z: Zuordnung | undefined, eingang: string | undefined): SafeHtml {
  if (!z || z.art === 'keine') return html`<p id="haushalt">Kein Haushalt erkannt.</p>`;
  if (z.art === 'bg-nummer') {
    const angabe = eingang === 'mail' ? 'aus Betreff oder Text der E-Mail, geprüft' : 'aus der Angabe in der Bürger-App, geprüft';
    const quelle = { barcode: 'aus dem Barcode', text: 'aus dem Text', hinweis: angabe, person: 'von einer Person', neuantrag: 'vom Fachverfahren für den Neuantrag angelegt' }[z.quelle];
    return html`<p id="haushalt">Gefunden: BG-Nummer <strong>${z.bgNummer}</strong> (${quelle}).</p>`;
  }
  if (z.art === 'kundennummer') return html`<p id="haushalt">Gefunden über die Kundennummer ${z.kundennummer}: BG-Nummer <strong>${z.bgNummer}</strong>.</p>`;
  return html`<div id="haushalt"><p>Nur Vorschläge (Name, Geburtsdatum, Anschrift) – bitte prüfen, der Vorschlag allein genügt nicht:</p>
<table><thead><tr><th scope="col">BG-Nummer</th><th scope="col">Übereinstimmung</th><th scope="col">Passende Angaben</th><th scope="col"><span class="hinweis">Aktion</span></th></tr></thead>
<tbody>${z.vorschlaege.map((v) => html`<tr><td><code>${v.bgNummer}</code></td><td>${prozent(v.score)}</td><td>${v.treffer.join(', ') || '–'}</td>
<td><button type="button" class="vorschlag" data-bg="${v.bgNummer}" aria-label="BG-Nummer ${v.bgNummer} ins Formular übernehmen" hidden>übernehmen</button></td></tr>`)}</tbody></table>
<p class="hinweis">Zum Übernehmen die BG-Nummer in das Feld „BG-Nummer“ eintragen.</p></div>`;
}

/** BG-Nummer to prefill: one found by number; else the first number read from the text. */
export function vorgeschlageneBgNummer(z: DokumentZustand): string {
  const zu = z.zuordnung;
  if (zu && (zu.art === 'bg-nummer' || zu.art === 'kundennummer')) return zu.bgNummer;
  if (zu?.art === 'vorschlag') return '';
  return z.erkennung?.merkmale.bgNummern[0] ?? '';
}

function seiteHtml(s: SeitenAnsicht): SafeHtml {
  if (!s.bildUrl) return html`<p class="hinweis">Seite ${s.nr}: kein Seitenbild vorhanden (Text siehe unten).</p>`;
  const boxen = s.breite && s.hoehe
    ? s.markierungen.map((m) => {
      const st = `left:${((m.bbox.x0 / s.breite!) * 100).toFixed(2)}%;top:${((m.bbox.y0 / s.hoehe!) * 100).toFixed(2)}%;width:${(((m.bbox.x1 - m.bbox.x0) / s.breite!) * 100).toFixed(2)}%;height:${(((m.bbox.y1 - m.bbox.y0) / s.hoehe!) * 100).toFixed(2)}%`;
      return html`<div class="markierung" data-art="${m.art}" style="${st}" title="${MARKIERUNG_LABELS[m.art]}: ${m.wert}"><span aria-hidden="true">${MARKIERUNG_LABELS[m.art]}</span></div>`;
    })
    : [];
  const beschreibung = s.markierungen.length > 0 ? `; markiert: ${s.markierungen.map((m) => `${MARKIERUNG_LABELS[m.art]} ${m.wert}`).join(', ')}` : '';
  return html`<figure class="seite-rahmen"><div class="seite" data-seite="${s.nr}">
<img src="${s.bildUrl}" alt="Seite ${s.nr} des Dokuments${beschreibung}"${s.breite ? html` width="${s.breite}" height="${s.hoehe ?? ''}"` : ''} loading="lazy">
${boxen}</div><figcaption>Seite ${s.nr}</figcaption></figure>`;
}

export function dokumentPage(o: DokumentAnsicht): string {
  const z = o.zustand;
  const e = z.erkennung;
  const top = topArten(z);
  const inPruefung = z.status === PosteingangStatus.PRUEFUNG || z.status === PosteingangStatus.PRUEFUNG_UEBERFAELLIG;
  const artWert = o.eingabe?.dokumentart ?? e?.dokumentart ?? '';
  const bgWert = o.eingabe?.neuantrag ? (o.eingabe.bgNummer ?? '') : (o.eingabe?.bgNummer ?? vorgeschlageneBgNummer(z));
  const fehlerBei = (feld: 'dokumentart' | 'bgNummer'): SafeHtml | string =>
    o.fehler?.feld === feld ? html`<p class="feldfehler" id="fehler-${feld}" role="alert">${o.fehler.text}</p>` : '';
  const describedBy = (feld: 'dokumentart' | 'bgNummer', hinweis: string): SafeHtml =>
    raw(` aria-describedby="${[hinweis, o.fehler?.feld === feld ? `fehler-${feld}` : ''].filter(Boolean).join(' ')}"${o.fehler?.feld === feld ? ' aria-invalid="true"' : ''}`);

  const formular = inPruefung && o.darfEntscheiden
    ? html`<form method="post" action="${PAGES.postkorb.path}/${encodeURIComponent(o.workflowId)}/entscheiden" id="entscheidung" aria-label="Entscheidung">
  <input type="hidden" name="_csrf" value="${o.csrf}">
  ${o.fehler?.feld === 'allgemein' ? html`<p class="feldfehler" role="alert">${o.fehler.text}</p>` : ''}
  <div class="feld"><label for="dokumentart">Dokumentart</label>
    <select id="dokumentart" name="dokumentart"${describedBy('dokumentart', 'hinweis-art')}>${EINGANGSARTEN.map((a) => option(a, EINGANGSART_LABELS[a], a === artWert))}</select>
    <p class="hinweis" id="hinweis-art">${top.length > 1 ? html`Tasten <kbd>1</kbd>–<kbd>${top.length}</kbd> wählen eine der erkannten Arten.` : html`Taste <kbd>1</kbd> wählt die erkannte Art.`}</p>
    ${fehlerBei('dokumentart')}</div>
  <div class="feld"><label for="bgNummer">BG-Nummer</label>
    <input type="text" id="bgNummer" name="bgNummer" value="${bgWert}" autocomplete="off" spellcheck="false" inputmode="text"${describedBy('bgNummer', 'hinweis-bg')}>
    <p class="hinweis" id="hinweis-bg">Form: 5 Ziffern, „BG“, 7 Ziffern, z. B. 96201BG0012345. Taste <kbd>/</kbd> setzt den Fokus hierher.</p>
    ${fehlerBei('bgNummer')}</div>
  ${neuantragFeld(o, artWert)}
  <div class="feld"><label for="kommentar">Kommentar (optional)</label>
    <textarea id="kommentar" name="kommentar" rows="2">${o.eingabe?.kommentar ?? ''}</textarea></div>
  <button type="submit" id="bestaetigen">Bestätigen</button> <span class="hinweis">(<kbd>Enter</kbd> oder <kbd>b</kbd>)</span>
</form>`
    : html`<div class="info" id="kein-formular">${inPruefung ? 'Ihre Rolle darf dieses Dokument ansehen, aber nicht entscheiden.' : `Dieses Dokument wartet nicht (mehr) auf eine Prüfung: ${label(STATUS_LABELS, z.status)}.`}</div>`;

  const erkennung = e
    ? html`<p>Erkannt: <strong id="erkannte-art">${artLabel(e.dokumentart)}</strong> mit ${prozent(e.confidence)} Sicherheit <span class="hinweis">(Modell ${e.modellVersion})</span></p>
<ol id="top-arten">${top.map((t, i) => html`<li data-art="${t.art}"><kbd>${i + 1}</kbd> ${EINGANGSART_LABELS[t.art]} – ${prozent(t.score)}</li>`)}</ol>`
    : html`<p>Keine Erkennung vorhanden.</p>`;

  const blaettern = html`<nav class="blaettern" aria-label="Blättern im Postkorb">
${o.vorher ? html`<a id="vorheriges" rel="prev" href="${PAGES.postkorb.path}/${encodeURIComponent(o.vorher)}">← vorheriges Dokument (<kbd>k</kbd>)</a>` : ''}
<a href="${PAGES.postkorb.path}">zur Liste</a>
${o.nachher ? html`<a id="naechstes" rel="next" href="${PAGES.postkorb.path}/${encodeURIComponent(o.nachher)}">nächstes Dokument (<kbd>j</kbd>) →</a>` : ''}
</nav>`;

  // Once decided or filed, the page names what the document is now, not what was recognised.
  const art = z.ablage?.dokumentart ?? e?.dokumentart;
  const body = html`${EXTRA_CSS}<h1>${inPruefung ? 'Dokument prüfen' : 'Dokument'}: ${art ? artLabel(art) : 'unbekannte Art'}</h1>
${o.erfolg ? html`<div class="erfolg" role="status">${o.erfolg}</div>` : ''}
${blaettern}
<div class="spalten">
<section aria-labelledby="h-seiten"><h2 id="h-seiten">Seiten</h2>
<div class="seiten">${o.seiten.map(seiteHtml)}</div>
${o.text ? html`<details${o.seiten.some((s) => s.bildUrl) ? '' : raw(' open')}><summary>Gelesener Text</summary><pre class="text">${o.text}</pre></details>` : html`<p class="hinweis">Kein Text gelesen.</p>`}
</section>
<section aria-labelledby="h-entscheidung">
<h2 id="h-entscheidung">Entscheidung</h2>
${formular}
${inPruefung ? html`<h2>Warum eine Prüfung?</h2>
<ul id="pruefgruende">${z.pruefGruende.map((g) => html`<li>${PRUEFGRUND_LABELS[g] ?? g}${(g === 'ablage-abgelehnt' || g === 'neuantrag-abgelehnt') && z.ablageFehler ? `: ${z.ablageFehler}` : ''}${g === 'mehrere-haushalte' && z.weitereBgNummern?.length ? ` (außerdem ${z.weitereBgNummern.join(', ')}; ggf. ist der Stapel nicht getrennt)` : ''}</li>`)}</ul>` : ''}
${z.pruefFrist && inPruefung ? html`<p>Prüfen bis: <strong${z.status === PosteingangStatus.PRUEFUNG_UEBERFAELLIG ? raw(' class="ueberfaellig-text"') : ''}>${formatBerlinDateTime(new Date(z.pruefFrist))}</strong>${z.status === PosteingangStatus.PRUEFUNG_UEBERFAELLIG ? ' (überfällig)' : ''}</p>` : ''}
<h2>Dokumentart</h2>
${erkennung}
<h2>Haushalt</h2>
${zuordnungHtml(z.zuordnung, z.quelle)}
<h2>Eingang</h2>
<dl class="daten">
  <dt>Eingangsdatum</dt><dd>${z.eingangsdatum ? formatCalendarDate(new Date(`${z.eingangsdatum}T00:00:00Z`)) : '–'}</dd>
  <dt>Quelle</dt><dd>${label(QUELLE_LABELS, z.quelle)}</dd>
  ${z.betreff ? html`<dt>Betreff</dt><dd id="betreff">${z.betreff}</dd>` : ''}
  <dt>Datei</dt><dd>${z.dateiname}, Dokument ${z.teilIndex + 1}, ${z.seiten.length} ${z.seiten.length === 1 ? 'Seite' : 'Seiten'}</dd>
  <dt>Status</dt><dd id="dokument-status">${label(STATUS_LABELS, z.status)}</dd>
</dl>
${z.entscheidungen.length > 0 ? html`<h2>Verlauf</h2><ul>${z.entscheidungen.map((d) => html`<li>${formatBerlinDateTime(new Date(d.wann))}, ${d.wer}: ${d.was}</li>`)}</ul>` : ''}
${tastaturHilfe([
    ['Enter / b', 'bestätigen wie im Formular'],
    ['1–9', 'Dokumentart aus der Liste der erkannten Arten wählen'],
    ['/', 'Fokus in das Feld BG-Nummer'],
    ['j', 'nächstes Dokument'],
    ['k', 'vorheriges Dokument'],
    ['Esc', 'Eingabefeld verlassen'],
    ['?', 'diese Hilfe ein-/ausblenden'],
  ])}
</section>
</div>
<script src="${TASTATUR_SKRIPT_PFAD}" defer></script>`;
  return layout({ title: 'Dokument prüfen', body, user: o.user, csrf: o.csrf, current: PAGES.postkorb.path });
}

// --- Split review ---------------------------------------------------------------------------

export interface ZerlegungAnsicht {
  user: User;
  csrf: string;
  workflowId: string;
  status?: string;
  seiten: { nr: number; bildUrl?: string; leer?: boolean; trennung?: string }[];
  teile: Pick<Teil, 'seiten' | 'zweifelhaft' | 'grund'>[];
  eingabe?: string;
  fehler?: string;
  darfEntscheiden: boolean;
}

/** "1-3, 5" per line → [[1,2,3,5], …]; undefined when a line cannot be read. */
export function leseTeile(text: string, seitenzahl: number): number[][] | string {
  const teile: number[][] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return 'Bitte geben Sie mindestens ein Dokument an.';
  const gesehen = new Set<number>();
  for (const [i, line] of lines.entries()) {
    const seiten: number[] = [];
    for (const part of line.split(/[,;\s]+/).filter(Boolean)) {
      const m = /^(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?$/.exec(part);
      if (!m) return `Zeile ${i + 1}: „${part}“ ist keine Seitenangabe (erlaubt: 3 oder 1-4).`;
      const a = Number(m[1]);
      const b = m[2] ? Number(m[2]) : a;
      if (a < 1 || b < a || b > seitenzahl) return `Zeile ${i + 1}: Seiten ${part} liegen nicht zwischen 1 und ${seitenzahl}.`;
      for (let n = a; n <= b; n += 1) {
        if (gesehen.has(n)) return `Seite ${n} ist mehr als einem Dokument zugeordnet.`;
        gesehen.add(n);
        seiten.push(n);
      }
    }
    teile.push(seiten);
  }
  return teile;
}

export function teileAlsText(teile: readonly { seiten: readonly number[] }[]): string {
  return teile.map((t) => {
    const parts: string[] = [];
    let start: number | undefined;
    let prev: number | undefined;
    for (const n of [...t.seiten, Number.NaN]) {
      if (prev !== undefined && n === prev + 1) {
        prev = n;
        continue;
      }
      if (start !== undefined && prev !== undefined) parts.push(start === prev ? `${start}` : `${start}-${prev}`);
      start = n;
      prev = n;
    }
    return parts.join(', ');
  }).join('\n');
}

export function zerlegungPage(o: ZerlegungAnsicht): string {
  const inPruefung = o.status === PosteingangStatus.PRUEFUNG || o.status === PosteingangStatus.PRUEFUNG_UEBERFAELLIG;
  const form = inPruefung && o.darfEntscheiden
    ? html`<form method="post" action="${PAGES.postkorb.path}/${encodeURIComponent(o.workflowId)}/zerlegung" id="entscheidung" aria-label="Trennung festlegen">
  <input type="hidden" name="_csrf" value="${o.csrf}">
  <div class="feld"><label for="teile">Dokumente: eine Zeile je Dokument, Seiten mit Komma oder als Bereich (z. B. 1-3)</label>
    <textarea id="teile" name="teile" rows="${Math.max(3, o.teile.length + 1)}" aria-describedby="hinweis-teile${o.fehler ? ' fehler-teile' : ''}"${o.fehler ? raw(' aria-invalid="true"') : ''}>${o.eingabe ?? teileAlsText(o.teile)}</textarea>
    <p class="hinweis" id="hinweis-teile">Nicht aufgeführte Seiten gelten als Trennblätter und werden nicht abgelegt.</p>
    ${o.fehler ? html`<p class="feldfehler" id="fehler-teile" role="alert">${o.fehler}</p>` : ''}</div>
  <button type="submit" id="bestaetigen">Trennung bestätigen</button>
</form>`
    : html`<div class="info" id="kein-formular">${inPruefung ? 'Ihre Rolle darf die Trennung ansehen, aber nicht festlegen.' : `Diese Datei wartet nicht (mehr) auf eine Prüfung: ${label(STATUS_LABELS, o.status)}.`}</div>`;
  const body = html`${EXTRA_CSS}<h1>Trennung einer Datei prüfen</h1>
<p><a href="${PAGES.postkorb.path}">zur Liste</a></p>
<h2>Vorschlag der Erkennung</h2>
<ol id="vorschlag">${o.teile.map((t) => html`<li>${t.seiten.length === 1 ? 'Seite' : 'Seiten'} ${teileAlsText([t])}${t.zweifelhaft ? html` – <strong>unsicher</strong>${t.grund ? `: ${t.grund}` : ''}` : ''}</li>`)}</ol>
${form}
<h2>Seiten</h2>
<ul class="vorschau">${o.seiten.map((s) => html`<li data-seite="${s.nr}">${s.bildUrl ? html`<img src="${s.bildUrl}" alt="Seite ${s.nr}" loading="lazy">` : html`<span class="hinweis">kein Bild</span>`}<br>Seite ${s.nr}${s.leer ? ' (leer)' : ''}${s.trennung ? ` (${TRENNUNG_LABELS[s.trennung] ?? s.trennung})` : ''}</li>`)}</ul>`;
  return layout({ title: 'Trennung prüfen', body, user: o.user, csrf: o.csrf, current: PAGES.postkorb.path });
}
