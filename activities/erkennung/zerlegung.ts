/**
 * Splitting a read file (a scanner batch, an upload) into documents (Teile).
 *
 * Separators, each switchable by configuration:
 *  - PATCH-T sheets (`TRENNUNG_PATCH_T=1`, default on): the page carries the Kodak patch code "Patch T"
 *    (found by reading, `Seite.trennung = 'patch-t'`, see lesen.ts `findePatchT`). The sheet is dropped.
 *  - Barcode separator sheets (`TRENNUNG_BARCODE_TEXT`, default `AKTENLAUF-TRENNBLATT`; empty = off): a page with
 *    a barcode of exactly this text. The sheet is dropped.
 *  - Blank pages (`TRENNUNG_LEERSEITEN=1`, default off): a page read as blank separates documents and is dropped.
 *    With the setting off, blank pages stay in their document (a blank back side is no reason to cut).
 *  - First-page barcodes (always on): a barcode `BG:<BG-Nummer>` or `DOK:<Eingangsart>` on a page starts a new
 *    document with that page (the page stays in the document); the values go to the Teil.
 *
 * Doubt (`zweifelhaft: true`, `grund` in plain German — a person confirms the split):
 *  - a "blank" separator page on which OCR found words;
 *  - two separators in a row (a document with 0 pages) or a file of separators only;
 *  - more than `maxSeitenOhneTrenner` pages without a separator, from a source that uses separators;
 *  - a first-page barcode whose BG-Nummer or document code is invalid.
 *
 * Pure function: no I/O. Used by reading (lesen.ts) and by tests.
 */
import { normalizeBgNummer } from '../../domain/identifiers';
import { isEingangsart, type Eingangsart, type Seite, type Teil, type Trennung } from '../../domain/posteingang';

/** How a batch is separated. Read from env by `zerlegungsKonfigAusEnv`. */
export interface ZerlegungsKonfig {
  /** TRENNUNG_PATCH_T=1: PATCH-T sheets separate documents (the sheet itself is dropped). Default on. */
  patchT: boolean;
  /** TRENNUNG_BARCODE_TEXT: a barcode with exactly this text marks a separator sheet (dropped). Default AKTENLAUF-TRENNBLATT; '' = off. */
  barcodeText: string;
  /** TRENNUNG_LEERSEITEN=1: blank pages separate documents (dropped). Default off. */
  leerseiten: boolean;
  /** TRENNUNG_MAX_SEITEN_OHNE_TRENNER: more pages than this without any separator (when the source uses separators) → doubt. Default 30. */
  maxSeitenOhneTrenner: number;
  /**
   * Whether this source is expected to use separator sheets (scanner batches: yes; a citizen's upload: no).
   * Default: true. Only affects the "too many pages without a separator" doubt.
   */
  quelleNutztTrenner?: boolean;
}

export const STANDARD_ZERLEGUNG: ZerlegungsKonfig = {
  patchT: true,
  barcodeText: 'AKTENLAUF-TRENNBLATT',
  leerseiten: false,
  maxSeitenOhneTrenner: 30,
  quelleNutztTrenner: true,
};

function schalter(wert: string | undefined, standard: boolean): boolean {
  if (wert === undefined || wert.trim() === '') return standard;
  return /^(1|true|ja|on|yes)$/i.test(wert.trim());
}

/** Separator configuration from the environment (TRENNUNG_*), defaults as in STANDARD_ZERLEGUNG. */
export function zerlegungsKonfigAusEnv(env: NodeJS.ProcessEnv = process.env): ZerlegungsKonfig {
  const max = Number.parseInt(env.TRENNUNG_MAX_SEITEN_OHNE_TRENNER ?? '', 10);
  return {
    patchT: schalter(env.TRENNUNG_PATCH_T, STANDARD_ZERLEGUNG.patchT),
    barcodeText: env.TRENNUNG_BARCODE_TEXT !== undefined ? env.TRENNUNG_BARCODE_TEXT.trim() : STANDARD_ZERLEGUNG.barcodeText,
    leerseiten: schalter(env.TRENNUNG_LEERSEITEN, STANDARD_ZERLEGUNG.leerseiten),
    maxSeitenOhneTrenner: Number.isFinite(max) && max > 0 ? max : STANDARD_ZERLEGUNG.maxSeitenOhneTrenner,
    quelleNutztTrenner: true,
  };
}

/** A first-page barcode: `BG:<BG-Nummer>` or `DOK:<code>` (case-insensitive prefix, value normalised). */
export interface ErsteSeiteBarcode {
  bgNummer?: string;
  dokumentart?: Eingangsart;
  /** Raw values that looked like such a barcode but were invalid. */
  ungueltig: string[];
}

export function leseErsteSeiteBarcodes(barcodes: string[]): ErsteSeiteBarcode | undefined {
  const out: ErsteSeiteBarcode = { ungueltig: [] };
  let gefunden = false;
  for (const raw of barcodes) {
    const m = /^\s*(BG|DOK)\s*:\s*(.+?)\s*$/i.exec(raw);
    if (!m) continue;
    gefunden = true;
    const art = m[1]!.toUpperCase();
    const wert = m[2]!;
    if (art === 'BG') {
      const bg = normalizeBgNummer(wert);
      if (bg && !out.bgNummer) out.bgNummer = bg;
      else if (!bg) out.ungueltig.push(raw);
    } else {
      const code = wert.toUpperCase();
      if (isEingangsart(code) && !out.dokumentart) out.dokumentart = code;
      else if (!isEingangsart(code)) out.ungueltig.push(raw);
    }
  }
  return gefunden ? out : undefined;
}

/** Words that count as "text" on a page read as blank: at least 2 letters/digits. */
function woerterAufSeite(seite: Seite): number {
  return (seite.text.match(/[\p{L}\p{N}]{2,}/gu) ?? []).length;
}

/** Why this page is a separator sheet under this configuration, or undefined (a content page). */
export function trennblattArt(seite: Seite, konfig: ZerlegungsKonfig): Exclude<Trennung, 'barcode-erste-seite'> | undefined {
  if (konfig.patchT && seite.trennung === 'patch-t') return 'patch-t';
  if (konfig.barcodeText && seite.barcodes.some((b) => b.trim() === konfig.barcodeText)) return 'barcode-trennblatt';
  if (konfig.leerseiten && seite.leer) return 'leerseite';
  return undefined;
}

/**
 * The `trennung` each page gets under this configuration (separator sheet, or first page by barcode), for
 * storing with the pages. Pages without one get undefined.
 */
export function trennungen(seiten: Seite[], konfig: ZerlegungsKonfig = STANDARD_ZERLEGUNG): (Trennung | undefined)[] {
  return seiten.map((s) => trennblattArt(s, konfig) ?? (leseErsteSeiteBarcodes(s.barcodes) ? 'barcode-erste-seite' : undefined));
}

interface Entwurf {
  seiten: number[];
  bgNummer?: string;
  dokumentart?: Eingangsart;
  gruende: string[];
}

/** Cuts pages into documents. Pages carry `barcodes`, `leer`, `text` and (for PATCH-T) `trennung: 'patch-t'` as set by reading. */
export function zerlege(seiten: Seite[], konfig: ZerlegungsKonfig = STANDARD_ZERLEGUNG): Teil[] {
  const sortiert = [...seiten].sort((a, b) => a.nr - b.nr);
  const entwuerfe: Entwurf[] = [];
  let aktuell: Entwurf | undefined;
  /** Separator pages seen since the last content page (for "document with 0 pages"). */
  let trennerSeitLetzterSeite: number[] = [];
  let irgendeinTrenner = false;
  const offeneGruende: string[] = [];

  const schliessen = (): void => {
    if (aktuell && aktuell.seiten.length > 0) entwuerfe.push(aktuell);
    aktuell = undefined;
  };

  for (const seite of sortiert) {
    const trenner = trennblattArt(seite, konfig);
    if (trenner) {
      irgendeinTrenner = true;
      if (trenner === 'leerseite' && woerterAufSeite(seite) > 0) {
        const grund = `Seite ${seite.nr} wurde als Leerseite getrennt, enthält aber Text – bitte prüfen, ob sie zum Dokument gehört.`;
        // The doubt belongs to both neighbours: the one before and the one after.
        if (aktuell) aktuell.gruende.push(grund);
        offeneGruende.push(grund);
      }
      // Two separators in a row with nothing between (not at the very start: a leading separator is normal).
      if (trennerSeitLetzterSeite.length > 0 && (entwuerfe.length > 0 || aktuell)) {
        const grund = `Zwei Trennblätter hintereinander (Seiten ${trennerSeitLetzterSeite.at(-1)} und ${seite.nr}): dazwischen liegt ein Dokument ohne Seiten.`;
        const vorher = aktuell ?? entwuerfe.at(-1);
        vorher?.gruende.push(grund);
        offeneGruende.push(grund);
      }
      trennerSeitLetzterSeite.push(seite.nr);
      schliessen();
      continue;
    }
    const erste = leseErsteSeiteBarcodes(seite.barcodes);
    if (erste && (erste.bgNummer || erste.dokumentart || erste.ungueltig.length > 0)) {
      irgendeinTrenner = true;
      schliessen();
      aktuell = { seiten: [], gruende: [], bgNummer: erste.bgNummer, dokumentart: erste.dokumentart };
      if (erste.ungueltig.length > 0) {
        aktuell.gruende.push(`Der Barcode auf Seite ${seite.nr} enthält keine gültige BG-Nummer oder Dokumentart.`);
      }
    }
    if (!aktuell) aktuell = { seiten: [], gruende: [] };
    if (offeneGruende.length > 0) {
      aktuell.gruende.push(...offeneGruende);
      offeneGruende.length = 0;
    }
    aktuell.seiten.push(seite.nr);
    trennerSeitLetzterSeite = [];
  }
  schliessen();

  if (entwuerfe.length === 0) {
    if (sortiert.length === 0) return [];
    // Only separator sheets: nothing to file, but never drop pages silently — a person decides.
    return [
      {
        index: 0,
        seiten: sortiert.map((s) => s.nr),
        zweifelhaft: true,
        grund: 'Die Datei enthält nur Trennblätter (oder leere Seiten) und kein Dokument.',
      },
    ];
  }
  // Separators after the last document (trailing sheets) are normal; reasons still open belong to the last one.
  if (offeneGruende.length > 0) entwuerfe.at(-1)!.gruende.push(...offeneGruende);

  const nutztTrenner = konfig.quelleNutztTrenner ?? true;
  const usesAnySeparator = konfig.patchT || Boolean(konfig.barcodeText) || konfig.leerseiten;
  return entwuerfe.map((e, index) => {
    const gruende = [...new Set(e.gruende)];
    if (nutztTrenner && usesAnySeparator && e.seiten.length > konfig.maxSeitenOhneTrenner) {
      gruende.push(
        irgendeinTrenner
          ? `${e.seiten.length} Seiten ohne Trennblatt (erwartet höchstens ${konfig.maxSeitenOhneTrenner}) – fehlt ein Trennblatt?`
          : `${e.seiten.length} Seiten ohne ein einziges Trennblatt im Stapel (erwartet höchstens ${konfig.maxSeitenOhneTrenner} je Dokument) – fehlen die Trennblätter?`,
      );
    }
    const teil: Teil = { index, seiten: e.seiten, zweifelhaft: gruende.length > 0 };
    if (e.bgNummer) teil.barcodeBgNummer = e.bgNummer;
    if (e.dokumentart) teil.barcodeDokumentart = e.dokumentart;
    if (gruende.length > 0) teil.grund = gruende.join(' ');
    return teil;
  });
}
