/**
 * OCR of page images: the engine-agnostic port (`OcrEngine`), the in-process tesseract.js
 * engine (`createLokaleOcr`) and rotation detection. The pool client that hands pages to the
 * OCR pool process (workers/ocr-pool.ts) is in ./ocr-pool-client.ts and implements the same port.
 *
 * Rotation: tesseract's OSD needs the legacy engine's osd.traineddata, which we do not ship.
 * Instead, cheaply (measured in bench/ocr.ts): a projection profile of the middle of the page
 * tells whether text lines run horizontally (0°/180°) or vertically (90°/270°); when it is unsure
 * (faxes, photos), a landscape image counts as turned. The page is read in the likelier
 * orientation; a clear reading (≥ 6 words of ≥ 3 letters in flat boxes, mean confidence ≥ 80)
 * is kept, so upright pages cost only the profile (~30 ms CPU). Otherwise a band of the page at half
 * resolution is read turned by each candidate angle and the best (mean confidence × words) wins.
 * Tesseract's own vertical-text detection is off, so text read sideways cannot look clear.
 *
 * Speed (measured on bench/ocr.ts's 300-dpi scans, CPU per page, tesseract.js 7 vs Debian's
 * native tesseract 5.3 on the same model file and parameters): page image decoding (~0.035 s),
 * layout analysis (~0.23 s) and the TSV/text output (<0.01 s) cost the same in WASM as natively;
 * the whole gap is in the LSTM line recognition (~0.95 s vs ~0.58 s): the int8 matrix products
 * run as 128-bit WASM SIMD instead of native AVX2 (~0.3 s vs ~0.08 s), the rest of the LSTM
 * (gates, activations) is slower too. Nothing of ours shortens that: the relaxed-SIMD core (V8
 * flag `--experimental-wasm-relaxed-simd` on Node 20; also in Chromium 156 only ~5 %) reads no
 * faster, nor do Node's wasm flags (no Liftoff, eager compilation, wasm inlining);
 * tessedit_do_invert=0 saves nothing on these pages; 200 instead of 300 dpi saves only layout
 * time and loses words. What we add around tesseract is small: the rotation profile ~0.026 s
 * (a PNG decode), the pool's hand-over < 0.02 s. A fresh worker's first page costs ~1 s more
 * (WASM compilation); the compiled code is shared by all workers of a process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createScheduler, createWorker, OEM, PSM, type Scheduler } from 'tesseract.js';
import type { Wort } from '../../domain/posteingang';

export type OcrRegion = 'kopf' | 'ganz';

export interface OcrOptionen {
  /**
   * 'kopf' = only the top ~35 % of the (turned) page: letterhead, addresses, subject — enough
   * to classify most letters fast. 'ganz' = whole page (default).
   */
  region?: OcrRegion;
  /**
   * 'auto' (default): find pages turned by 90/180/270 degrees and turn them before reading.
   * A number: the page is known to be turned by this many degrees clockwise (0 = read as is).
   */
  rotation?: 'auto' | 0 | 90 | 180 | 270;
}

export interface OcrErgebnis {
  /** Text in reading order, lines separated by '\n'. */
  text: string;
  /** Words with boxes in pixels of the page image turned by `rotation` (see seiten.ts `dreheBild`). */
  woerter: Wort[];
  /** Mean word confidence 0–100 (0 when no words). */
  meanConfidence: number;
  /** Degrees (clockwise) the image was turned before reading: 0, 90, 180 or 270. */
  rotation: number;
  /** Size of the turned page image (the coordinate space of `woerter`). */
  breite: number;
  hoehe: number;
  region: OcrRegion;
}

/** Reads page images. Implementations: in-process (createLokaleOcr) and the pool client (createOcrPoolClient). */
export interface OcrEngine {
  erkenne(png: Buffer, opts?: OcrOptionen): Promise<OcrErgebnis>;
  close(): Promise<void>;
}

/** An image OCR cannot read at all (not decodable, empty): do not retry. Message in German. */
export class OcrBildFehler extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OcrBildFehler';
  }
}

export interface LokaleOcrOptionen {
  /** Number of tesseract.js workers (default 1). Each uses one core while reading. */
  workers?: number;
  /** Directory for tesseract's cache (default <os.tmpdir()>/aktenlauf-tesseract). */
  cachePath?: string;
}

/**
 * Tesseract parameters of every read (OEM LSTM only, German model). bench/ocr.ts gives native
 * tesseract the same (`tesseractCliArgumente`), so its comparison stays fair.
 */
export const TESSERACT_PARAMETER: Readonly<Record<string, string>> = Object.freeze({
  tessedit_pageseg_mode: PSM.AUTO,
  preserve_interword_spaces: '1',
  textord_tabfind_vertical_text: '0',
});

/** The same parameters for the `tesseract` command line: page segmentation as `--psm`, the others as `-c name=value`. */
export function tesseractCliArgumente(parameter: Readonly<Record<string, string>> = TESSERACT_PARAMETER): string[] {
  const args: string[] = [];
  for (const [name, wert] of Object.entries(parameter)) {
    if (name === 'tessedit_pageseg_mode') args.unshift('--psm', wert);
    else args.push('-c', `${name}=${wert}`);
  }
  return args;
}

/** Fraction of the page height read for region 'kopf'. */
export const KOPF_ANTEIL = 0.35;

/** Refuse page images above this many pixels (the pages come from seiten.ts, capped far below). */
const MAX_PIXEL = 40_000_000;

/** Directory holding deu.traineddata(.gz) of @tesseract.js-data/deu, and whether it is gzipped. */
export function deutschesModell(): { langPath: string; gzip: boolean } {
  const paket = path.dirname(require.resolve('@tesseract.js-data/deu/package.json'));
  // The LSTM-only "best_int" model is what tesseract.js itself picks for OEM.LSTM_ONLY;
  // fall back to the package's default folder.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standard = require('@tesseract.js-data/deu') as { langPath: string; gzip: boolean };
  for (const dir of [path.join(paket, '4.0.0_best_int'), standard.langPath]) {
    if (fs.existsSync(path.join(dir, 'deu.traineddata.gz'))) return { langPath: dir, gzip: true };
    if (fs.existsSync(path.join(dir, 'deu.traineddata'))) return { langPath: dir, gzip: false };
  }
  throw new Error(`Deutsches OCR-Modell (deu.traineddata) nicht gefunden unter ${paket}`);
}

/* ---------------------------------------- reading ----------------------------------------- */

interface Gelesen {
  text: string;
  woerter: Wort[];
  meanConfidence: number;
}

/** Parse tesseract's TSV: level 5 rows are words. */
export function woerterAusTsv(tsv: string, dx = 0, dy = 0): Wort[] {
  const woerter: Wort[] = [];
  for (const zeile of tsv.split('\n')) {
    if (!zeile.startsWith('5\t')) continue;
    const f = zeile.split('\t');
    if (f.length < 12) continue;
    const text = f.slice(11).join('\t').trim();
    const conf = Number(f[10]);
    if (!text || !(conf >= 0)) continue;
    const x0 = Number(f[6]) + dx;
    const y0 = Number(f[7]) + dy;
    woerter.push({ text, confidence: Math.round(conf * 10) / 10, bbox: { x0, y0, x1: x0 + Number(f[8]), y1: y0 + Number(f[9]) } });
  }
  return woerter;
}

function mittel(woerter: Wort[]): number {
  if (!woerter.length) return 0;
  return Math.round((woerter.reduce((s, w) => s + w.confidence, 0) / woerter.length) * 10) / 10;
}

type Rechteck = { left: number; top: number; width: number; height: number };
type Leser = (png: Buffer) => Promise<Gelesen>;

/** Cut a rectangle out of a PNG (tesseract.js' own `rectangle` option misreads in v7). */
async function ausschnitt(png: Buffer, r: Rechteck): Promise<Buffer> {
  return sharp(png).extract(r).png({ compressionLevel: 1 }).toBuffer();
}

function verschiebe(g: Gelesen, dx: number, dy: number): Gelesen {
  if (!dx && !dy) return g;
  return { ...g, woerter: g.woerter.map((w) => ({ ...w, bbox: { x0: w.bbox.x0 + dx, y0: w.bbox.y0 + dy, x1: w.bbox.x1 + dx, y1: w.bbox.y1 + dy } })) };
}

/* ---------------------------------------- rotation ---------------------------------------- */

/** Strength of horizontal text lines vs vertical ones from projection profiles (>1: horizontal). */
export async function linienRichtung(png: Buffer): Promise<number> {
  // The middle of the page only: photographed letters have dark table or floor around them.
  const meta = await sharp(png, { limitInputPixels: MAX_PIXEL }).metadata();
  const w0 = meta.width ?? 1;
  const h0 = meta.height ?? 1;
  const rand = { left: Math.floor(w0 * 0.12), top: Math.floor(h0 * 0.12), width: Math.max(1, Math.floor(w0 * 0.76)), height: Math.max(1, Math.floor(h0 * 0.76)) };
  const { data, info } = await sharp(png, { limitInputPixels: MAX_PIXEL })
    .extract(rand)
    .greyscale()
    .resize(700, 700, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const zeilen = new Float64Array(h);
  const spalten = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[y * w + x]! < 160) {
        zeilen[y]! += 1;
        spalten[x]! += 1;
      }
    }
  }
  // Sum of squared differences of neighbouring profile values, per unit of length: text lines
  // make the profile across them jump between ink and gap; along them it stays smooth.
  const rauheit = (p: Float64Array, laenge: number) => {
    let s = 0;
    for (let i = 1; i < p.length; i++) s += (p[i]! - p[i - 1]!) ** 2;
    return s / Math.max(1, p.length) / Math.max(1, laenge);
  };
  const quer = rauheit(zeilen, w);
  const laengs = rauheit(spalten, h);
  if (quer === 0 && laengs === 0) return 1;
  return (quer + 1e-9) / (laengs + 1e-9);
}

/**
 * Real words read along the line: at least three letters (digits read upside down still look
 * like digits), and not a tall box (text read sideways).
 */
function guteWoerter(g: Gelesen): Wort[] {
  return g.woerter.filter((w) => /\p{L}{3,}/u.test(w.text) && w.bbox.x1 - w.bbox.x0 >= w.bbox.y1 - w.bbox.y0);
}

function wertung(g: Gelesen): number {
  const gute = guteWoerter(g);
  return gute.length ? mittel(gute) * gute.length : 0;
}

/** A reading that no turned page produces: enough real words, read confidently. */
function klar(g: Gelesen): boolean {
  const gute = guteWoerter(g);
  return gute.length >= 6 && mittel(gute) >= 80;
}

/** Orientations to try, most likely first, from the direction of the text lines. */
export async function rotationsKandidaten(png: Buffer): Promise<number[]> {
  const richtung = await linienRichtung(png);
  if (richtung >= 1.6) return [0, 180, 90, 270];
  if (richtung <= 1 / 1.6) return [90, 270, 0, 180];
  // Unsure (faxes, photos): letters are portrait, so a landscape image is likelier turned.
  const meta = await sharp(png).metadata();
  return (meta.width ?? 0) > (meta.height ?? 0) * 1.1 ? [90, 270, 0, 180] : [0, 180, 90, 270];
}

/**
 * Clockwise degrees the page must be turned to read it (0/90/180/270), from strips of the
 * page read at half resolution in each candidate orientation. `ausser` = already known to
 * read badly. Only the two orientations of the text-line direction are compared, unless the
 * profile is unsure.
 */
export async function ermittleRotation(png: Buffer, lese: Leser, kandidaten?: number[]): Promise<number> {
  const liste = kandidaten ?? (await rotationsKandidaten(png));
  const meta = await sharp(png).metadata();
  const lang = Math.max(meta.width ?? 0, meta.height ?? 0);
  const faktor = lang > 1800 ? 0.5 : 1;
  const klein = faktor < 1 ? await sharp(png).resize(Math.round((meta.width ?? 1) * faktor)).png({ compressionLevel: 1 }).toBuffer() : png;
  const gedreht = new Map<number, Buffer>();
  // The densest band first; if it holds no words in any orientation (a table of figures), the next one.
  for (const band of [0, 1] as const) {
    let best = liste[0] ?? 0;
    let bestWert = 0;
    for (const grad of liste) {
      let bild = gedreht.get(grad);
      if (!bild) {
        bild = grad ? await sharp(klein).rotate(grad).png({ compressionLevel: 1 }).toBuffer() : klein;
        gedreht.set(grad, bild);
      }
      const g = await lese(await ausschnitt(bild, await textStreifen(bild, band)));
      if (klar(g)) return grad;
      const w = wertung(g);
      if (w > bestWert) {
        best = grad;
        bestWert = w;
      }
    }
    if (bestWert > 0) return best;
  }
  return liste[0] ?? 0;
}

/**
 * A band (a fifth of the page height) with much ink, to read for the orientation: band 0 the
 * densest, band 1 the densest not overlapping band 0. Ink is counted in the middle of each row
 * only (photos have dark surroundings).
 */
async function textStreifen(png: Buffer, nr: 0 | 1 = 0): Promise<Rechteck> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const zeilen = new Float64Array(h);
  const x0 = Math.floor(w * 0.12);
  const x1 = Math.ceil(w * 0.88);
  for (let y = 0; y < h; y++) {
    let n = 0;
    for (let x = x0; x < x1; x += 2) if (data[y * w + x]! < 160) n++;
    zeilen[y] = n;
  }
  const band = Math.min(h, Math.max(16, Math.round(h / 5)));
  const dichtestes = (sperre?: { von: number; bis: number }) => {
    let best = -1;
    let bestSumme = -1;
    let summe = 0;
    for (let y = 0; y < h; y++) {
      summe += zeilen[y]!;
      if (y >= band) summe -= zeilen[y - band]!;
      const top = y - band + 1;
      if (top < 0) continue;
      if (sperre && top < sperre.bis && top + band > sperre.von) continue;
      if (summe > bestSumme) {
        bestSumme = summe;
        best = top;
      }
    }
    return best;
  };
  let top = dichtestes();
  if (nr === 1) {
    const zweites = dichtestes({ von: top, bis: top + band });
    top = zweites >= 0 ? zweites : top;
  }
  return { left: 0, top: Math.max(0, top), width: w, height: band };
}

/* ---------------------------------------- engine ------------------------------------------ */

async function bildGroesse(png: Buffer): Promise<{ breite: number; hoehe: number }> {
  try {
    const meta = await sharp(png, { limitInputPixels: MAX_PIXEL }).metadata();
    if (!meta.width || !meta.height) throw new Error('no size');
    return { breite: meta.width, hoehe: meta.height };
  } catch (err) {
    if (/pixel limit/i.test(String((err as Error).message))) throw new OcrBildFehler('Bild ist zu groß für die Texterkennung.', { cause: err });
    throw new OcrBildFehler('Das Seitenbild ist beschädigt oder kein lesbares Bild; Texterkennung nicht möglich.', { cause: err });
  }
}

async function leseSeite(lese: Leser, png: Buffer, breite0: number, hoehe0: number, rotation: number, region: OcrRegion): Promise<OcrErgebnis> {
  let breite = breite0;
  let hoehe = hoehe0;
  let bild = png;
  if (rotation) {
    bild = await sharp(png).rotate(rotation).png({ compressionLevel: 1 }).toBuffer();
    if (rotation % 180) [breite, hoehe] = [hoehe, breite];
  }
  const rechteck = region === 'kopf' ? { left: 0, top: 0, width: breite, height: Math.max(1, Math.round(hoehe * KOPF_ANTEIL)) } : undefined;
  const g = rechteck ? verschiebe(await lese(await ausschnitt(bild, rechteck)), rechteck.left, rechteck.top) : await lese(bild);
  return { ...g, rotation, breite, hoehe, region };
}

/**
 * One page: read the region in the most likely orientation; a clear reading is kept (no extra
 * cost for upright pages). Otherwise the orientation is found from strips (`ermittleRotation`)
 * and the region read again if that finds another one.
 */
export async function erkenneMit(lese: Leser, png: Buffer, opts: OcrOptionen = {}): Promise<OcrErgebnis> {
  const region = opts.region ?? 'ganz';
  const { breite, hoehe } = await bildGroesse(png);
  if (opts.rotation !== undefined && opts.rotation !== 'auto') {
    if (![0, 90, 180, 270].includes(opts.rotation)) throw new RangeError(`rotation muss 0, 90, 180 oder 270 sein, nicht ${String(opts.rotation)}`);
    return leseSeite(lese, png, breite, hoehe, opts.rotation, region);
  }
  const kandidaten = await rotationsKandidaten(png);
  const erste = kandidaten[0] ?? 0;
  const ergebnis = await leseSeite(lese, png, breite, hoehe, erste, region);
  if (klar(ergebnis)) return ergebnis;
  const rotation = await ermittleRotation(png, lese, kandidaten);
  if (rotation === erste) return ergebnis;
  return leseSeite(lese, png, breite, hoehe, rotation, region);
}

/** In-process tesseract.js engine, German LSTM model from @tesseract.js-data/deu; never uses the network. */
export async function createLokaleOcr(opts: LokaleOcrOptionen = {}): Promise<OcrEngine> {
  const anzahl = Math.max(1, Math.floor(opts.workers ?? 1));
  const modell = deutschesModell();
  const cachePath = opts.cachePath ?? path.join(os.tmpdir(), 'aktenlauf-tesseract');
  const scheduler: Scheduler = createScheduler();
  try {
    const workers = await Promise.all(
      Array.from({ length: anzahl }, async () => {
        const w = await createWorker('deu', OEM.LSTM_ONLY, {
          langPath: modell.langPath,
          gzip: modell.gzip,
          cachePath,
          // Read the model from node_modules each start (≈0.2 s); never write or fetch anything.
          cacheMethod: 'none',
          errorHandler: () => undefined,
        });
        await w.setParameters({ ...TESSERACT_PARAMETER, debug_file: '/dev/null' });
        return w;
      }),
    );
    for (const w of workers) scheduler.addWorker(w);
  } catch (err) {
    await scheduler.terminate().catch(() => undefined);
    throw err;
  }
  let geschlossen = false;
  const lese: Leser = async (png) => {
    if (geschlossen) throw new Error('OCR-Engine ist geschlossen');
    let r;
    try {
      r = await scheduler.addJob('recognize', png, {}, { text: true, tsv: true, blocks: false });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/read image|image|pix/i.test(msg)) throw new OcrBildFehler('Das Seitenbild kann von der Texterkennung nicht gelesen werden.', { cause: err });
      throw err;
    }
    const woerter = woerterAusTsv(r.data.tsv ?? '');
    return { text: (r.data.text ?? '').replace(/\n{3,}/g, '\n\n').trim(), woerter, meanConfidence: mittel(woerter) };
  };
  return {
    erkenne: (png, o) => erkenneMit(lese, png, o),
    async close() {
      if (geschlossen) return;
      geschlossen = true;
      await scheduler.terminate();
    },
  };
}
