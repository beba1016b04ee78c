/**
 * Reading an incoming file: per page the text (the PDF's text layer when it has enough text, else OCR),
 * barcodes (zxing-wasm, wasm loaded from node_modules — never from a CDN), blank pages and PATCH-T
 * separator sheets; then the split into documents (./zerlegung.ts).
 *
 * Pages are rendered one after another (./seiten.ts) and handed to the OCR engine as they come; the
 * engine (in-process workers or the OCR pool) decides how many run at once. At most `parallel` pages
 * are in flight so memory stays bounded. Page order is kept.
 *
 * With `dataDir` + `contentHash`, page images are stored at `seitenbildPfad` (greyscale PNG, long side
 * ≤ `vorschauKante`, turned upright as OCR found it; word boxes are scaled to that image) and the whole
 * `Lesung` at `lesungPfad` (atomic write: temp file, fsync, rename).
 *
 * PATCH-T detection (`findePatchT`): the Kodak patch code "Patch T" is four parallel bars N W N W
 * (narrow bar 2.0 mm, wide bar 5.1 mm, separated by three narrow spaces of 2.0 mm; ≈ 20 mm across) with
 * bars at least ~40 mm long (standard 63.5 mm). The binarised page is scanned along rows and along
 * columns; a line crossing such a symbol shows the run sequence bar/space/bar/space/bar/space/bar with
 * those widths (tolerance ±1 mm; wide/narrow ratio ≥ 1.8) and quiet zones of ≥ 2 mm on both sides.
 * The page is a PATCH-T sheet when such crossings at the same place continue over ≥ 30 mm of bar length.
 * W N W N (the same symbol read from the other side, i.e. the sheet turned by 180°) is accepted as well.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { lesungPfad, seitenbildPfad, type Lesung, type Seite, type Teil, type Wort } from '../../domain/posteingang';
import type { OcrEngine, OcrErgebnis } from './ocr';
import { dreheBild, rendereSeiten, zaehleSeiten, SEITEN_MEDIA_TYPES, SeitenFehler, type RenderOptionen, type SeitenBild, type SeitenMediaType } from './seiten';
import { trennblattArt, trennungen, zerlege, zerlegungsKonfigAusEnv, type ZerlegungsKonfig } from './zerlegung';

export type { OcrEngine } from './ocr';

export interface LeseOptionen {
  /** OCR engine: in-process (`createLokaleOcr`) or the pool client (`createOcrPoolClient`). */
  ocr: OcrEngine;
  /** When given together with `contentHash`: page images are stored at `seitenbildPfad` and the Lesung at `lesungPfad`. */
  dataDir?: string;
  contentHash?: string;
  /** Separators; default from env (`zerlegungsKonfigAusEnv`). */
  konfig?: ZerlegungsKonfig;
  /** Minimum characters of text layer on a page to skip OCR (default 40). */
  minTextZeichen?: number;
  /** Called after each page (e.g. to heartbeat). */
  fortschritt?: (fertig: number, gesamt: number) => void;
  /** Pages in flight at once (rendered, waiting for or in OCR). Default 8. */
  parallel?: number;
  /**
   * Render born-digital pages (text layer) too, to find barcodes and separator sheets on them.
   * Default from env `LESEN_TEXTSEITEN_RENDERN=1`, else off: born-digital files (uploads, letters
   * generated elsewhere) carry no separator sheets, and rendering costs seconds per page; the
   * console renders previews of such pages on demand. Searchable scans yield their embedded image anyway.
   */
  textSeitenRendern?: boolean;
  /** Rendering options passed to seiten.ts (dpi, limits). */
  render?: RenderOptionen;
  /** Long side of stored page images in px (default 1700 ≈ 145 dpi for A4). */
  vorschauKante?: number;
  /** Ink ratio (see `BildAnalyse.tinte`) below which a page may be blank (default 0.002 ≈ two lines of text). */
  leerTinte?: number;
}

export interface LeseErgebnis {
  seiten: Seite[];
  teile: Teil[];
}

/** Ratio of ink below which OCR is not even asked (nothing there to read). */
const SICHER_LEER = 0.00002;

export async function leseDatei(inhalt: Buffer, mediaType: string, opts: LeseOptionen): Promise<LeseErgebnis> {
  if (!(SEITEN_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new SeitenFehler('format', `Dateiformat ${mediaType} kann nicht gelesen werden (erlaubt: PDF, TIFF, PNG, JPEG).`);
  }
  const konfig = opts.konfig ?? zerlegungsKonfigAusEnv();
  const parallel = Math.max(1, opts.parallel ?? 8);
  const speichern = opts.dataDir && opts.contentHash ? { dataDir: opts.dataDir, contentHash: opts.contentHash } : undefined;
  if (speichern) await fs.mkdir(path.dirname(path.join(speichern.dataDir, lesungPfad(speichern.contentHash))), { recursive: true });

  const gesamt = opts.fortschritt ? await zaehleSeiten(inhalt, mediaType as SeitenMediaType) : 0;
  const laufend = new Set<Promise<unknown>>();
  const ergebnisse: Promise<Seite>[] = [];
  let fertig = 0;
  for await (const bild of rendereSeiten(inhalt, mediaType as SeitenMediaType, { textSeitenRendern: opts.textSeitenRendern ?? process.env.LESEN_TEXTSEITEN_RENDERN === '1', ...opts.render })) {
    while (laufend.size >= parallel) await Promise.race(laufend);
    const p = leseSeite(bild, opts, konfig, speichern).then((s) => {
      fertig++;
      opts.fortschritt?.(fertig, gesamt);
      return s;
    });
    ergebnisse.push(p);
    const merker: Promise<unknown> = p.then(
      () => laufend.delete(merker),
      () => laufend.delete(merker),
    );
    laufend.add(merker);
  }
  const seiten = await Promise.all(ergebnisse);
  const marken = trennungen(seiten, konfig);
  seiten.forEach((s, i) => {
    const t = marken[i];
    if (t) s.trennung = t;
    else if (s.trennung !== 'patch-t') delete s.trennung;
  });
  const teile = zerlege(seiten, konfig);
  if (speichern) {
    const lesung: Lesung = { contentHash: speichern.contentHash, seiten, teile };
    await schreibeAtomar(path.join(speichern.dataDir, lesungPfad(speichern.contentHash)), Buffer.from(JSON.stringify(lesung)));
  }
  return { seiten, teile };
}

async function leseSeite(bild: SeitenBild, opts: LeseOptionen, konfig: ZerlegungsKonfig, speichern?: { dataDir: string; contentHash: string }): Promise<Seite> {
  const minText = opts.minTextZeichen ?? 40;
  const textlayer = bild.textlayer ?? '';
  const hatBild = bild.png.length > 0 && bild.breite > 0 && bild.hoehe > 0;
  const analyse = hatBild ? await analysiereBild(bild) : { tinte: 0, barcodes: [], patchT: false };
  const seite: Seite = { nr: bild.nr, quelle: 'textlayer', text: textlayer, rotation: 0, barcodes: analyse.barcodes, leer: false };
  if (analyse.patchT) seite.trennung = 'patch-t';

  let ocr: OcrErgebnis | undefined;
  const textGenug = textlayer.replace(/\s+/g, '').length >= minText;
  const trennblatt = trennblattArt(seite, konfig) === 'patch-t' || trennblattArt(seite, konfig) === 'barcode-trennblatt';
  if (!textGenug && hatBild && !trennblatt && analyse.tinte >= SICHER_LEER) {
    ocr = await opts.ocr.erkenne(bild.png, { region: 'ganz', rotation: 'auto' });
    seite.quelle = 'ocr';
    seite.text = ocr.text;
    seite.woerter = ocr.woerter;
    seite.meanConfidence = ocr.meanConfidence;
    seite.rotation = ocr.rotation;
  } else if (!textGenug && hatBild) {
    // A separator sheet or a page without ink: nothing to read. Text layer (if any) kept.
    seite.quelle = textlayer ? 'textlayer' : 'ocr';
  }
  // Blank: (almost) no ink and no real words (< 3 words of ≥ 3 letters read with confidence). A few words OCR
  // found on such a page stay in `text`; splitting treats a blank separator with text as doubt.
  const leerTinte = opts.leerTinte ?? 0.002;
  const woerter = ocr ? sinnvolleWoerter(ocr.woerter) : 0;
  seite.leer = textlayer.trim().length === 0 && (!hatBild || (analyse.tinte < leerTinte && woerter < 3));

  // The image the words refer to: turned upright by OCR's rotation.
  const breite = ocr ? ocr.breite : bild.breite;
  const hoehe = ocr ? ocr.hoehe : bild.hoehe;
  if (speichern && hatBild) {
    const kante = opts.vorschauKante ?? 1700;
    const aufrecht = ocr && ocr.rotation ? await dreheBild(bild.png, ocr.rotation) : bild.png;
    const faktor = Math.min(1, kante / Math.max(breite, hoehe));
    const png =
      faktor < 1
        ? await sharp(aufrecht)
            .resize(Math.round(breite * faktor), Math.round(hoehe * faktor), { fit: 'fill' })
            .greyscale()
            // Level 6 without adaptive filtering: ~0.2 s a page instead of ~1.5 s at level 9, ~20 % larger.
            .png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
            .toBuffer()
        : aufrecht;
    const meta = await sharp(png).metadata();
    const rel = seitenbildPfad(speichern.contentHash, bild.nr);
    await schreibeAtomar(path.join(speichern.dataDir, rel), png);
    seite.bild = rel;
    seite.bildGroesse = { breite: meta.width ?? Math.round(breite * faktor), hoehe: meta.height ?? Math.round(hoehe * faktor) };
    if (seite.woerter && faktor < 1) {
      const fx = seite.bildGroesse.breite / breite;
      const fy = seite.bildGroesse.hoehe / hoehe;
      seite.woerter = seite.woerter.map((w) => skaliere(w, fx, fy));
    }
  } else if (hatBild) {
    seite.bildGroesse = { breite, hoehe };
  }
  return seite;
}

function sinnvolleWoerter(woerter: Wort[]): number {
  return woerter.filter((w) => w.confidence >= 60 && /[\p{L}\p{N}]{3,}/u.test(w.text)).length;
}

function skaliere(w: Wort, fx: number, fy: number): Wort {
  return {
    ...w,
    bbox: { x0: Math.round(w.bbox.x0 * fx), y0: Math.round(w.bbox.y0 * fy), x1: Math.round(w.bbox.x1 * fx), y1: Math.round(w.bbox.y1 * fy) },
  };
}

export interface BildAnalyse {
  /** Dark pixels / pixels at ≈ 150 dpi, without a 4 % margin (scanner edges, punch holes), isolated specks not counted. */
  tinte: number;
  barcodes: string[];
  patchT: boolean;
}

/** Ink ratio, barcodes and PATCH-T of one page image (decoded once). */
export async function analysiereBild(bild: Pick<SeitenBild, 'png' | 'breite' | 'hoehe' | 'dpi'>): Promise<BildAnalyse> {
  const grau = await sharp(bild.png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = grau.info;
  const pxProMm = pixelProMm(bild.dpi, width, height);
  const patchT = findePatchT(grau.data, width, height, channels, pxProMm);
  const tinte = await tintenAnteil(grau.data, width, height, channels);
  const barcodes = await leseBarcodes(grau.data, width, height, channels, pxProMm);
  return { tinte, barcodes, patchT };
}

function pixelProMm(dpi: number | undefined, breite: number, hoehe: number): number {
  if (dpi && dpi > 30 && dpi < 1300) return dpi / 25.4;
  // No usable resolution: assume the short side is A4's 210 mm.
  return Math.min(breite, hoehe) / 210;
}

async function tintenAnteil(data: Buffer, width: number, height: number, channels: number): Promise<number> {
  // ≈ 150 dpi for A4, threshold; a dark pixel counts only with ≥ 2 dark neighbours (drops scanner specks,
  // keeps thin strokes of fax pages that a median filter would erase). A 4 % margin is ignored.
  const klein = await sharp(data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } })
    .greyscale()
    .resize(1240, 1240, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = klein.info.width;
  const h = klein.info.height;
  const c = klein.info.channels;
  const d = (x: number, y: number) => (klein.data[(y * w + x) * c]! < 160 ? 1 : 0);
  const rx = Math.max(1, Math.floor(w * 0.04));
  const ry = Math.max(1, Math.floor(h * 0.04));
  let dunkel = 0;
  let gesamt = 0;
  for (let y = ry; y < h - ry; y++) {
    for (let x = rx; x < w - rx; x++) {
      gesamt++;
      if (!d(x, y)) continue;
      const nachbarn = d(x - 1, y - 1) + d(x, y - 1) + d(x + 1, y - 1) + d(x - 1, y) + d(x + 1, y) + d(x - 1, y + 1) + d(x, y + 1) + d(x + 1, y + 1);
      if (nachbarn >= 2) dunkel++;
    }
  }
  return gesamt === 0 ? 0 : dunkel / gesamt;
}

// ---- barcodes (zxing-wasm) ----

type ZxingReader = typeof import('zxing-wasm/reader');
let zxing: Promise<ZxingReader> | undefined;

/** The zxing reader with its wasm from node_modules (never fetched from a CDN). */
export function zxingReader(): Promise<ZxingReader> {
  zxing ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const reader = require('zxing-wasm/reader') as ZxingReader;
    const wasm = await fs.readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    const binary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
    await reader.prepareZXingModule({ overrides: { wasmBinary: binary }, fireImmediately: true });
    return reader;
  })();
  return zxing;
}

/** Formats read: separator sheets and cover stickers use Code 128, QR or DataMatrix (Code 39 on older sheets). */
const BARCODE_FORMATE = ['Code128', 'Code39', 'QRCode', 'DataMatrix'];

/**
 * Barcode texts on a raw image; duplicates removed, order of finding kept. Two passes keep it cheap:
 * the whole page at ≈ 150 dpi (separator sheets, big codes), then — when nothing was found — the top
 * quarter at full resolution (small cover stickers and first-page codes sit at the top).
 */
export async function leseBarcodes(data: Buffer, width: number, height: number, channels: number, pxProMm = width / 210): Promise<string[]> {
  const reader = await zxingReader();
  const raw = { width, height, channels: channels as 1 | 2 | 3 | 4 };
  const lies = async (bild: sharp.Sharp): Promise<string[]> => {
    const { data: rgba, info } = await bild.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    // zxing's pixmap input is RGBA (ImageData-like).
    const res = await reader.readBarcodes(
      { data: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), width: info.width, height: info.height } as unknown as Parameters<ZxingReader['readBarcodes']>[0],
      { maxNumberOfSymbols: 8, formats: BARCODE_FORMATE as never, tryInvert: false },
    );
    return res.filter((r) => r.isValid && r.text).map((r) => r.text);
  };
  const faktor = Math.min(1, 6 / pxProMm); // ≈ 150 dpi
  const grob = await lies(faktor < 0.95 ? sharp(data, { raw }).resize(Math.round(width * faktor)) : sharp(data, { raw }));
  if (grob.length > 0 || faktor >= 0.95) return [...new Set(grob)];
  const oben = await lies(sharp(data, { raw }).extract({ left: 0, top: 0, width, height: Math.max(1, Math.round(height / 4)) }));
  return [...new Set(oben)];
}

// ---- PATCH-T ----

/**
 * Whether the image shows a PATCH-T symbol (see the module comment for the pattern).
 * `pxProMm`: resolution of the image.
 */
export function findePatchT(data: Buffer, width: number, height: number, channels: number, pxProMm: number): boolean {
  // Work on ≈ 4 px/mm (≈ 100 dpi) with a simple threshold; subsample the raw data directly.
  const schritt = Math.max(1, Math.floor(pxProMm / 4));
  const w = Math.floor(width / schritt);
  const h = Math.floor(height / schritt);
  const mm = pxProMm / schritt;
  const bin = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) bin[y * w + x] = data[(y * schritt * width + x * schritt) * channels]! < 128 ? 1 : 0;
  }
  const zeilen = (i: number) => (x: number) => bin[i * w + x]!;
  const spalten = (i: number) => (y: number) => bin[y * w + i]!;
  return sucheRichtung(zeilen, h, w, mm) || sucheRichtung(spalten, w, h, mm);
}

/** Scans `anzahl` lines of length `laenge`; true when a patch symbol's crossings continue over ≥ 30 mm. */
function sucheRichtung(linie: (i: number) => (pos: number) => number, anzahl: number, laenge: number, mm: number): boolean {
  const minLaenge = 30 * mm;
  // Candidates by start position (bucketed to 2 mm): consecutive line count.
  let laeufe = new Map<number, { start: number; letzte: number }>();
  for (let i = 0; i < anzahl; i++) {
    const px = linie(i);
    const treffer = patchAufLinie(px, laenge, mm);
    const neu = new Map<number, { start: number; letzte: number }>();
    for (const pos of treffer) {
      const eimer = Math.round(pos / (2 * mm));
      const vorher = laeufe.get(eimer) ?? laeufe.get(eimer - 1) ?? laeufe.get(eimer + 1);
      const lauf = vorher && i - vorher.letzte <= Math.max(2, mm) ? { start: vorher.start, letzte: i } : { start: i, letzte: i };
      if (lauf.letzte - lauf.start >= minLaenge) return true;
      neu.set(eimer, lauf);
    }
    // Keep runs alive across a small gap (noise).
    for (const [k, v] of laeufe) if (!neu.has(k) && i - v.letzte <= Math.max(2, mm)) neu.set(k, v);
    laeufe = neu;
  }
  return false;
}

/** Start positions of N W N W (or W N W N) bar sequences on one line. */
function patchAufLinie(px: (pos: number) => number, laenge: number, mm: number): number[] {
  const runs: { farbe: number; start: number; len: number }[] = [];
  let start = 0;
  for (let x = 1; x <= laenge; x++) {
    if (x === laenge || px(x) !== px(start)) {
      runs.push({ farbe: px(start), start, len: x - start });
      start = x;
    }
  }
  const treffer: number[] = [];
  const tol = 1.0 * mm;
  const schmal = (l: number) => Math.abs(l - 2.0 * mm) <= tol;
  const breit = (l: number) => Math.abs(l - 5.1 * mm) <= 1.5 * mm;
  for (let i = 1; i + 7 < runs.length; i++) {
    const r = runs.slice(i, i + 7);
    if (r[0]!.farbe !== 1) continue;
    const vor = runs[i - 1]!;
    const nach = runs[i + 7];
    const ruhe = 2 * mm;
    if (vor.farbe !== 0 || vor.len < ruhe || (nach && (nach.farbe !== 0 || nach.len < ruhe))) continue;
    const [b1, s1, b2, s2, b3, s3, b4] = r.map((x) => x.len) as [number, number, number, number, number, number, number];
    if (!schmal(s1) || !schmal(s2) || !schmal(s3)) continue;
    const nwnw = schmal(b1) && breit(b2) && schmal(b3) && breit(b4);
    const wnwn = breit(b1) && schmal(b2) && breit(b3) && schmal(b4);
    if (!nwnw && !wnwn) continue;
    const n = nwnw ? (b1 + b3) / 2 : (b2 + b4) / 2;
    const wd = nwnw ? (b2 + b4) / 2 : (b1 + b3) / 2;
    if (wd / n < 1.8) continue;
    treffer.push(r[0]!.start);
  }
  return treffer;
}

async function schreibeAtomar(ziel: string, inhalt: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(ziel), { recursive: true });
  const tmp = `${ziel}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(inhalt);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, ziel);
}
