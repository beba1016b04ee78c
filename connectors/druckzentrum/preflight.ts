/**
 * The checks a print-and-mail centre runs on every letter before it prints (and that the
 * engine can run itself before it sends): a readable PDF, not encrypted, every page A4
 * portrait, fonts embedded, and the address inside the DIN 5008 window.
 *
 * DIN 5008 window (Form B): field 85 × 45 mm, 20 mm from the left edge, 45 mm from the top
 * (Form A: 27 mm). Its top 17.7 mm are the Rücksendeangabe/Vermerkzone, below them the
 * Anschriftzone with up to 6 lines. A letter passes when page 1 has text in the Anschriftzone
 * and no text that the window would cut (text overlapping the window but not inside it).
 *
 * Used by both simulators (the centre's checks) and by the E-POST adapter (address fields).
 * Results carry the address lines in memory only: never log them.
 */
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, type PDFPage } from 'pdf-lib';
import { FEHLERCODES, type Fehlercode } from './fehlercodes';
import { leseSeitenText, PdfLesefehler, type TextStueck } from './pdf-text';

export const DIN5008 = {
  fensterX: 20,
  fensterBreite: 85,
  fensterHoehe: 45,
  fensterY: { A: 27, B: 45 },
  vermerkzone: 17.7,
  maxAnschriftZeilen: 6,
  a4: { breite: 210, hoehe: 297 },
} as const;

/** Tolerances in mm: page size (rounding in PDF producers) and text box edges. */
const TOLERANZ_FORMAT = 2;
const TOLERANZ_TEXT = 0.5;

export interface PreflightErgebnis {
  ok: boolean;
  /** Page count (0 when the file is no readable PDF). */
  seiten: number;
  sha256: string;
  fehlercode?: Fehlercode;
  grund?: string;
  /** Text lines of the Anschriftzone, top to bottom (personal data: never log). */
  anschrift: string[];
}

const STANDARD_14 = new Set([
  'Times-Roman', 'Times-Bold', 'Times-Italic', 'Times-BoldItalic',
  'Helvetica', 'Helvetica-Bold', 'Helvetica-Oblique', 'Helvetica-BoldOblique',
  'Courier', 'Courier-Bold', 'Courier-Oblique', 'Courier-BoldOblique',
  'Symbol', 'ZapfDingbats',
]);

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function fehler(sha: string, seiten: number, code: Fehlercode, zusatz?: string): PreflightErgebnis {
  return { ok: false, seiten, sha256: sha, fehlercode: code, grund: zusatz ? `${FEHLERCODES[code]} ${zusatz}` : FEHLERCODES[code], anschrift: [] };
}

const mm = (pt: number) => (pt * 25.4) / 72;

function seitenformat(page: PDFPage): { breite: number; hoehe: number } {
  const box = page.getCropBox();
  const rot = ((page.getRotation().angle % 360) + 360) % 360;
  const quer = rot === 90 || rot === 270;
  const b = mm(quer ? box.height : box.width);
  const h = mm(quer ? box.width : box.height);
  return { breite: b, hoehe: h };
}

/** Name of a font that is used but not embedded, or undefined. Standard-14 fonts are tolerated. */
function nichtEingebetteteSchrift(doc: PDFDocument): string | undefined {
  const ctx = doc.context;
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    if (!fonts) continue;
    for (const [, ref] of fonts.entries()) {
      const font = ctx.lookupMaybe(ref, PDFDict);
      if (!font) continue;
      const subtype = font.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText();
      const baseFont = font.lookupMaybe(PDFName.of('BaseFont'), PDFName)?.decodeText() ?? '?';
      if (subtype === 'Type3') continue;
      let descriptorHolder: PDFDict = font;
      if (subtype === 'Type0') {
        const desc = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
        const first = desc && desc.size() > 0 ? desc.get(0) : undefined;
        const d = first instanceof PDFRef || first instanceof PDFDict ? ctx.lookupMaybe(first, PDFDict) : undefined;
        if (!d) return baseFont;
        descriptorHolder = d;
      }
      const fd = descriptorHolder.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
      const embedded = fd && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => fd.has(PDFName.of(k)));
      if (embedded) continue;
      if (subtype === 'Type1' && STANDARD_14.has(baseFont)) continue;
      return baseFont;
    }
  }
  return undefined;
}

interface Box {
  l: number;
  r: number;
  o: number;
  u: number;
}

function boxOf(s: TextStueck): Box {
  // Baseline y; ascenders reach about 0.8 of the font size above, descenders 0.2 below.
  return { l: s.x, r: s.x + s.w, o: s.y - 0.8 * s.h, u: s.y + 0.2 * s.h };
}

function ueberlappt(a: Box, b: Box): boolean {
  return a.l < b.r && a.r > b.l && a.o < b.u && a.u > b.o;
}

function enthaelt(aussen: Box, innen: Box): boolean {
  const t = TOLERANZ_TEXT;
  return innen.l >= aussen.l - t && innen.r <= aussen.r + t && innen.o >= aussen.o - t && innen.u <= aussen.u + t;
}

/** Groups text runs into lines by their baseline (within 1 mm), left to right. */
function zeilen(stuecke: TextStueck[]): string[] {
  const sorted = [...stuecke].sort((a, b) => a.y - b.y || a.x - b.x);
  const result: Array<{ y: number; teile: TextStueck[] }> = [];
  for (const s of sorted) {
    const last = result[result.length - 1];
    if (last && Math.abs(last.y - s.y) <= 1) last.teile.push(s);
    else result.push({ y: s.y, teile: [s] });
  }
  return result.map((z) => {
    const teile = z.teile.sort((a, b) => a.x - b.x);
    let text = '';
    let ende = -Infinity;
    for (const t of teile) {
      if (text && t.x - ende > 0.8 && !text.endsWith(' ') && !t.str.startsWith(' ')) text += ' ';
      text += t.str;
      ende = t.x + t.w;
    }
    return text.replace(/\s+/g, ' ').trim();
  }).filter((z) => z !== '');
}

/** Runs every check of the centre on one letter. Never throws for bad input. */
export async function pruefeBrief(pdf: Uint8Array, o: { form?: 'A' | 'B'; timeoutMs?: number } = {}): Promise<PreflightErgebnis> {
  const sha = sha256(pdf);
  const kopf = Buffer.from(pdf.subarray(0, 1024)).toString('latin1');
  if (!kopf.includes('%PDF-')) return fehler(sha, 0, 'KEIN_PDF');

  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch {
    return fehler(sha, 0, 'KEIN_PDF');
  }
  if (doc.isEncrypted) return fehler(sha, 0, 'PDF_VERSCHLUESSELT');
  let seiten: number;
  try {
    seiten = doc.getPageCount();
  } catch {
    return fehler(sha, 0, 'KEIN_PDF');
  }
  if (seiten === 0) return fehler(sha, 0, 'KEIN_PDF');

  const pages = doc.getPages();
  for (let i = 0; i < pages.length; i += 1) {
    const f = seitenformat(pages[i] as PDFPage);
    const a4 = Math.abs(f.breite - DIN5008.a4.breite) <= TOLERANZ_FORMAT && Math.abs(f.hoehe - DIN5008.a4.hoehe) <= TOLERANZ_FORMAT;
    if (!a4) return fehler(sha, seiten, 'FORMAT_NICHT_A4_HOCH', `Seite ${i + 1}: ${Math.round(f.breite)} × ${Math.round(f.hoehe)} mm.`);
  }

  const schrift = nichtEingebetteteSchrift(doc);
  if (schrift) return fehler(sha, seiten, 'SCHRIFT_NICHT_EINGEBETTET', `Schrift: ${schrift.replace(/^[A-Z]{6}\+/, '')}.`);

  let stuecke: TextStueck[];
  try {
    stuecke = (await leseSeitenText(pdf, { seite: 1, timeoutMs: o.timeoutMs })).stuecke;
  } catch (err) {
    if (err instanceof PdfLesefehler && err.kennwort) return fehler(sha, seiten, 'PDF_VERSCHLUESSELT');
    return fehler(sha, seiten, 'KEIN_PDF');
  }

  const top = DIN5008.fensterY[o.form ?? 'B'];
  const fenster: Box = { l: DIN5008.fensterX, r: DIN5008.fensterX + DIN5008.fensterBreite, o: top, u: top + DIN5008.fensterHoehe };
  const anschriftzone: Box = { ...fenster, o: top + DIN5008.vermerkzone };
  const imFenster = stuecke.filter((s) => ueberlappt(boxOf(s), fenster));
  if (imFenster.some((s) => !enthaelt(fenster, boxOf(s)))) {
    return fehler(sha, seiten, 'ADRESSE_AUSSERHALB_FENSTER', 'Text ragt über den Rand des Sichtfensters hinaus.');
  }
  const anschrift = zeilen(imFenster.filter((s) => ueberlappt(boxOf(s), anschriftzone)));
  if (anschrift.length === 0) return fehler(sha, seiten, 'ADRESSE_AUSSERHALB_FENSTER', 'Im Anschriftfeld steht kein Text.');
  if (anschrift.length > DIN5008.maxAnschriftZeilen) {
    return fehler(sha, seiten, 'ADRESSE_AUSSERHALB_FENSTER', `Die Anschrift hat ${anschrift.length} Zeilen (höchstens ${DIN5008.maxAnschriftZeilen}).`);
  }
  return { ok: true, seiten, sha256: sha, anschrift };
}

/** Page count with pdf-lib, or undefined when the file is no readable (or an encrypted) PDF. */
export async function zaehleSeiten(pdf: Uint8Array): Promise<number | undefined> {
  try {
    const doc = await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
    const n = doc.getPageCount();
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
