/**
 * Reading an incoming file: per page the text (the PDF's text layer when it has enough text, else OCR),
 * barcodes (zxing-wasm, wasm loaded from node_modules — never from a CDN), blank pages and PATCH-T
 * separator sheets; then the split into documents (./zerlegung.ts).
 *
 * Pages are rendered one after another (./seiten.ts) and handed to the OCR engine as they come; the
 * engine (in-process workers or the OCR pool) decides how many run at once. At most `parallel` pages
 * are in flight so memory stays bounded. Page order is kept.
 *
 * With `dataDir` + `contentHash`, page images are stored at `seitenbildPfad` (greyscale JPEG, quality 75,
 * long side ≤ `vorschauKante`, turned upright as OCR found it; word boxes are scaled to that image) and the
 * whole `Lesung` at `lesungPfad` (atomic write: temp file, fsync, rename).
 *
 * Kept cheap per scanned page (CPU outside OCR; measured with a stand-in OCR that reads nothing): the page
 * is decoded once (seiten.ts hands over its raw greyscale pixels next to the PNG for OCR); sharp
 * (native) scales it down once to ≈ 6 px/mm and from that to the preview (long side 1700) and to long
 * side 1240 (≈ 4 px/mm) for ink and PATCH-T; zxing reads the ≈ 6 px/mm image
 * (greyscale expanded to RGBA in JS, no downscaling pyramid) and, only when that finds nothing, the
 * top quarter at full resolution, upright only.
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
import { RENDER_STANDARD, rendereSeiten, zaehleSeiten, SEITEN_MEDIA_TYPES, SeitenFehler, type RenderOptionen, type SeitenBild, type SeitenMediaType } from './seiten';
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
  /**
   * PDF only: the text layer of every page as the preflight thread extracted it (PreflightErgebnis.texte).
   * When every page has enough text (and text pages are not to be rendered) the file is not parsed again:
   * the pages are exactly those rendering would give (text only, no image). Otherwise ignored.
   */
  textlayerTexte?: string[];
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
  const renderOpts: RenderOptionen = { textSeitenRendern: opts.textSeitenRendern ?? process.env.LESEN_TEXTSEITEN_RENDERN === '1', ...opts.render, mitGrau: true };
  const quelle = mediaType === 'application/pdf' && opts.textlayerTexte ? nurTextSeiten(opts.textlayerTexte, renderOpts) : undefined;
  for await (const bild of quelle ?? rendereSeiten(inhalt, mediaType as SeitenMediaType, renderOpts)) {
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

/** Whether texts from the preflight are enough to read a PDF without parsing it again (see `textlayerTexte`). */
export function textSeitenGenuegen(texte: string[], o: RenderOptionen = {}): boolean {
  return nurTextSeiten(texte, { textSeitenRendern: process.env.LESEN_TEXTSEITEN_RENDERN === '1', ...o }) !== undefined;
}

/** The pages of a born-digital PDF from its texts, as rendereSeiten yields them; undefined if a page would need rendering. */
function nurTextSeiten(texte: string[], o: RenderOptionen): SeitenBild[] | undefined {
  if (o.textSeitenRendern || texte.length === 0) return undefined;
  const min = o.minTextlayerZeichen ?? RENDER_STANDARD.minTextlayerZeichen;
  if (texte.some((t) => t.replace(/\s+/g, '').length < min)) return undefined;
  return texte.map((textlayer, i) => ({ nr: i + 1, png: Buffer.alloc(0), breite: 0, hoehe: 0, textlayer, dpi: 0, herkunft: 'keins' as const }));
}

async function leseSeite(bild: SeitenBild, opts: LeseOptionen, konfig: ZerlegungsKonfig, speichern?: { dataDir: string; contentHash: string }): Promise<Seite> {
  const minText = opts.minTextZeichen ?? 40;
  const textlayer = bild.textlayer ?? '';
  const hatBild = bild.png.length > 0 && bild.breite > 0 && bild.hoehe > 0;
  const kante = opts.vorschauKante ?? 1700;
  const analyse: Analyse = hatBild ? await analysiere(bild, speichern ? kante : undefined) : { tinte: 0, barcodes: [], patchT: false };
  // The raw pixels are not needed any more (they are large; pages wait for OCR).
  delete bild.grau;
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
    const drehung = ocr?.rotation ?? 0;
    const faktor = Math.min(1, kante / Math.max(breite, hoehe));
    // The preview was scaled from the decoded page during the analysis; turned upright here.
    let v = sharpRaw(analyse.vorschau!);
    if (drehung) v = v.rotate(drehung);
    // Greyscale JPEG, quality 75: ~10 ms and ~0.2 MB a page (PNG level 6 was ~75 ms and ~0.45 MB).
    const jpeg = await v.toColourspace('b-w').jpeg({ quality: 75 }).toBuffer();
    const rel = seitenbildPfad(speichern.contentHash, bild.nr);
    await schreibeAtomar(path.join(speichern.dataDir, rel), jpeg);
    seite.bild = rel;
    const { breite: vb, hoehe: vh } = analyse.vorschau!;
    seite.bildGroesse = drehung % 180 === 0 ? { breite: vb, hoehe: vh } : { breite: vh, hoehe: vb };
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
  /** Dark pixels / pixels at ≈ 106 dpi (long side 1240 px for A4), without a 4 % margin (scanner edges, punch holes), isolated specks not counted. */
  tinte: number;
  barcodes: string[];
  patchT: boolean;
}

/** A raw one-channel (greyscale) image. */
interface Grau {
  data: Buffer;
  breite: number;
  hoehe: number;
}

/** Analysis of a page plus, when asked, the page scaled for the stored preview (not yet turned upright). */
interface Analyse extends BildAnalyse {
  vorschau?: Grau;
}

/** Ink ratio, barcodes and PATCH-T of one page image (decoded once). */
export async function analysiereBild(bild: Pick<SeitenBild, 'png' | 'breite' | 'hoehe' | 'dpi'>): Promise<BildAnalyse> {
  const { tinte, barcodes, patchT } = await analysiere(bild);
  return { tinte, barcodes, patchT };
}

async function rawGrau(bild: sharp.Sharp): Promise<Grau> {
  const { data, info } = await bild.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return { data, breite: info.width, hoehe: info.height };
}

function sharpRaw(g: Grau): sharp.Sharp {
  return sharp(g.data, { raw: { width: g.breite, height: g.hoehe, channels: 1 } });
}

/**
 * One decode of the page into raw greyscale; everything else works on images sharp (native) scales
 * down from it: ≈ 6 px/mm (≈ 150 dpi) for barcodes, long side 1240 (≈ 4 px/mm for A4) for ink and
 * PATCH-T, and the preview (long side `vorschauKante`) when asked.
 */
async function analysiere(bild: Pick<SeitenBild, 'png' | 'breite' | 'hoehe' | 'dpi' | 'grau'>, vorschauKante?: number): Promise<Analyse> {
  const grau = bild.grau && bild.grau.length === bild.breite * bild.hoehe ? { data: bild.grau, breite: bild.breite, hoehe: bild.hoehe } : await rawGrau(sharp(bild.png).greyscale());
  const { breite: width, hoehe: height } = grau;
  const pxProMm = pixelProMm(bild.dpi, width, height);
  const faktor = Math.min(1, 6 / pxProMm); // ≈ 150 dpi
  // Not the preview's size (A4: 1700 px ≈ 5.7 px/mm): measured, that loses Code 128 codes turned by 90°.
  const mittel = faktor < 0.95 ? await rawGrau(sharpRaw(grau).resize(Math.max(1, Math.round(width * faktor)))) : grau;
  const klein = await rawGrau(sharpRaw(mittel).resize(1240, 1240, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' }));
  const patchT = findePatchT(klein.data, klein.breite, klein.hoehe, 1, pxProMm * (klein.breite / width));
  const tinte = tintenAnteil(klein);
  const barcodes = await leseBarcodesGrau(grau, mittel);
  let vorschau: Grau | undefined;
  if (vorschauKante !== undefined) {
    const f = Math.min(1, vorschauKante / Math.max(width, height));
    if (f >= 1) vorschau = grau;
    else {
      // From the ≈ 150 dpi image when that is still larger than the preview (cheaper), else from the page.
      const quelle = Math.max(mittel.breite, mittel.hoehe) >= vorschauKante ? mittel : grau;
      vorschau = await rawGrau(sharpRaw(quelle).resize(Math.round(width * f), Math.round(height * f), { fit: 'fill' }));
    }
  }
  return { tinte, barcodes, patchT, vorschau };
}

function pixelProMm(dpi: number | undefined, breite: number, hoehe: number): number {
  if (dpi && dpi > 30 && dpi < 1300) return dpi / 25.4;
  // No usable resolution: assume the short side is A4's 210 mm.
  return Math.min(breite, hoehe) / 210;
}

function tintenAnteil(klein: Grau): number {
  // ≈ 106 dpi for A4 (long side 1240), threshold; a dark pixel counts only with ≥ 2 dark neighbours (drops
  // scanner specks, keeps thin strokes of fax pages that a median filter would erase). A 4 % margin is ignored.
  const { data, breite: w, hoehe: h } = klein;
  const bin = new Uint8Array(w * h);
  for (let i = 0; i < bin.length; i++) bin[i] = data[i]! < 160 ? 1 : 0;
  const rx = Math.max(1, Math.floor(w * 0.04));
  const ry = Math.max(1, Math.floor(h * 0.04));
  let dunkel = 0;
  let gesamt = 0;
  for (let y = ry; y < h - ry; y++) {
    const z = y * w;
    for (let x = rx; x < w - rx; x++) {
      gesamt++;
      const i = z + x;
      if (bin[i] === 0) continue;
      const nachbarn = bin[i - w - 1]! + bin[i - w]! + bin[i - w + 1]! + bin[i - 1]! + bin[i + 1]! + bin[i + w - 1]! + bin[i + w]! + bin[i + w + 1]!;
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

type ZxingOptionen = NonNullable<Parameters<ZxingReader['readBarcodes']>[1]>;

/**
 * zxing on a greyscale image, handed over as a binary PGM (P5): zxing's image decoder (stb_image) reads it
 * as luminance directly. Its pixmap input would be RGBA: four bytes a pixel expanded in JS, copied into
 * the wasm heap and converted back to luminance there (measured: ~12 ms more CPU per call at 150 dpi, A4).
 */
async function zxingLies(g: Grau, opts: ZxingOptionen): Promise<string[]> {
  const reader = await zxingReader();
  const kopf = Buffer.from(`P5\n${g.breite} ${g.hoehe}\n255\n`, 'latin1');
  const pgm = new Uint8Array(kopf.length + g.breite * g.hoehe);
  pgm.set(kopf, 0);
  pgm.set(g.data.subarray(0, g.breite * g.hoehe), kopf.length);
  const res = await reader.readBarcodes(pgm, { maxNumberOfSymbols: 8, formats: BARCODE_FORMATE as never, tryInvert: false, ...opts });
  return res.filter((r) => r.isValid && r.text).map((r) => r.text);
}

/**
 * Barcode texts of a page; duplicates removed, order of finding kept. Two passes keep it cheap:
 * the whole page at ≈ 150 dpi (`mittel`: separator sheets, big codes, first-page codes of the usual
 * module size ≥ 0.35 mm, also turned), then — when nothing was found — the top quarter at up to
 * ≈ 300 dpi, upright only (small cover stickers and first-page codes sit at the top).
 * zxing's downscaling pyramid is off: the images are already small.
 */
async function leseBarcodesGrau(grau: Grau, mittel: Grau): Promise<string[]> {
  const grob = await zxingLies(mittel, { tryDownscale: false });
  if (grob.length > 0 || mittel === grau) return [...new Set(grob)];
  const hoehe = Math.max(1, Math.round(grau.hoehe / 4));
  const oben: Grau = { data: grau.data.subarray(0, grau.breite * hoehe), breite: grau.breite, hoehe };
  return [...new Set(await zxingLies(oben, { tryDownscale: false, tryRotate: false }))];
}

/** Barcode texts on a raw image (see `leseBarcodesGrau`); `pxProMm`: its resolution. */
export async function leseBarcodes(data: Buffer, width: number, height: number, channels: number, pxProMm = width / 210): Promise<string[]> {
  const grau = await rawGrau(sharp(data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } }).greyscale());
  const faktor = Math.min(1, 6 / pxProMm);
  const mittel = faktor < 0.95 ? await rawGrau(sharpRaw(grau).resize(Math.max(1, Math.round(width * faktor)))) : grau;
  return leseBarcodesGrau(grau, mittel);
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
  // Rows: stride 1 along a line, w between lines; columns: the other way round.
  return sucheRichtung(bin, h, w, w, 1, mm) || sucheRichtung(bin, w, h, 1, w, mm);
}

/**
 * Scans `anzahl` lines of length `laenge` (line i, position p at `bin[i * zeilenSchritt + p * schritt]`);
 * true when a patch symbol's crossings continue over ≥ 30 mm.
 */
function sucheRichtung(bin: Uint8Array, anzahl: number, laenge: number, zeilenSchritt: number, schritt: number, mm: number): boolean {
  const minLaenge = 30 * mm;
  const laeufe = new Int32Array(laenge + 1);
  // Candidates by start position (bucketed to 2 mm): consecutive line count.
  let alt = new Map<number, { start: number; letzte: number }>();
  for (let i = 0; i < anzahl; i++) {
    const treffer = patchAufLinie(bin, i * zeilenSchritt, schritt, laenge, mm, laeufe);
    if (treffer.length === 0 && alt.size === 0) continue;
    const neu = new Map<number, { start: number; letzte: number }>();
    for (const pos of treffer) {
      const eimer = Math.round(pos / (2 * mm));
      const vorher = alt.get(eimer) ?? alt.get(eimer - 1) ?? alt.get(eimer + 1);
      const lauf = vorher && i - vorher.letzte <= Math.max(2, mm) ? { start: vorher.start, letzte: i } : { start: i, letzte: i };
      if (lauf.letzte - lauf.start >= minLaenge) return true;
      neu.set(eimer, lauf);
    }
    // Keep runs alive across a small gap (noise).
    for (const [k, v] of alt) if (!neu.has(k) && i - v.letzte <= Math.max(2, mm)) neu.set(k, v);
    alt = neu;
  }
  return false;
}

const KEINE_TREFFER: number[] = [];

/** Start positions of N W N W (or W N W N) bar sequences on one line. `laeufe`: scratch space (≥ laenge + 1). */
function patchAufLinie(bin: Uint8Array, anfang: number, schritt: number, laenge: number, mm: number, laeufe: Int32Array): number[] {
  // Run starts; runs alternate in colour from the first pixel's colour. The last entry is the end.
  let n = 0;
  let vorher = bin[anfang]!;
  laeufe[n++] = 0;
  for (let x = 1, j = anfang + schritt; x < laenge; x++, j += schritt) {
    const v = bin[j]!;
    if (v !== vorher) {
      laeufe[n++] = x;
      vorher = v;
    }
  }
  laeufe[n] = laenge;
  // A symbol needs a space, 7 runs and (unless at the end) a space: at least 8 runs.
  if (n < 8) return KEINE_TREFFER;
  const ersteFarbe = bin[anfang]!;
  const farbe = (k: number) => (k % 2 === 0 ? ersteFarbe : 1 - ersteFarbe);
  const len = (k: number) => laeufe[k + 1]! - laeufe[k]!;
  let treffer: number[] | undefined;
  const tol = 1.0 * mm;
  const ruhe = 2 * mm;
  const schmal = (l: number) => Math.abs(l - 2.0 * mm) <= tol;
  const breit = (l: number) => Math.abs(l - 5.1 * mm) <= 1.5 * mm;
  for (let i = 1; i + 7 < n; i++) {
    if (farbe(i) !== 1) continue;
    if (len(i - 1) < ruhe || (i + 7 < n && len(i + 7) < ruhe)) continue;
    const s1 = len(i + 1);
    const s2 = len(i + 3);
    const s3 = len(i + 5);
    if (!schmal(s1) || !schmal(s2) || !schmal(s3)) continue;
    const b1 = len(i);
    const b2 = len(i + 2);
    const b3 = len(i + 4);
    const b4 = len(i + 6);
    const nwnw = schmal(b1) && breit(b2) && schmal(b3) && breit(b4);
    const wnwn = breit(b1) && schmal(b2) && breit(b3) && schmal(b4);
    if (!nwnw && !wnwn) continue;
    const nb = nwnw ? (b1 + b3) / 2 : (b2 + b4) / 2;
    const wd = nwnw ? (b2 + b4) / 2 : (b1 + b3) / 2;
    if (wd / nb < 1.8) continue;
    (treffer ??= []).push(laeufe[i]!);
  }
  return treffer ?? KEINE_TREFFER;
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
