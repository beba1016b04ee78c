/**
 * Page images of an incoming file (PDF, TIFF, PNG, JPEG): per page the text layer (PDF) and a
 * normalised greyscale PNG for OCR (fast compression: level 1, it is only a hand-over) and, when
 * asked (`mitGrau`), the same pixels raw for the reader's analysis and preview. Rotation of
 * scanned pages is found by OCR (see ./ocr.ts); this module only turns images (`dreheBild`).
 *
 * - PDF: text layer per page with pdf-parse (pdf.js). Pages with a text layer are not rendered
 *   unless asked (the console renders previews on demand with `rendereSeite`). A scanned page
 *   that consists of one full-page image (JPEG, or 8-bit grey/RGB Flate) is taken from the file
 *   as it is: faster than rendering and pixel-faithful. Anything else is rendered by pdf.js on
 *   @napi-rs/canvas.
 * - TIFF (also multi-page), PNG, JPEG: decoded by sharp, EXIF orientation applied.
 * - Every image is normalised: white background, greyscale, at most `dpi` and `maxKante`
 *   pixels on the long side, and decoding refuses images above `maxPixel` pixels (bombs).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, decodePDFRawStream, type PDFObject } from 'pdf-lib';
import { PDFParse } from 'pdf-parse';

/** Media types this module reads. */
export type SeitenMediaType = 'application/pdf' | 'image/tiff' | 'image/png' | 'image/jpeg';

export const SEITEN_MEDIA_TYPES: readonly SeitenMediaType[] = ['application/pdf', 'image/tiff', 'image/png', 'image/jpeg'];

/** One page as an image. */
export interface SeitenBild {
  /** 1-based page number in the file. */
  nr: number;
  /**
   * Greyscale PNG, EXIF orientation applied, long side limited (see `RenderOptionen.maxKante`).
   * Empty (length 0, breite = hoehe = 0) for PDF pages read from their text layer and not rendered.
   */
  png: Buffer;
  breite: number;
  hoehe: number;
  /** PDF only: the page's text layer (trimmed; '' when the page has none, e.g. a scan). */
  textlayer?: string;
  /** Effective resolution of `png` in dots per inch (estimated for images without metadata; 0 when not rendered). */
  dpi: number;
  /**
   * How the image was made: rendered PDF page, image embedded in a scanned PDF page, decoded
   * image file, or none (text-layer page not rendered).
   */
  herkunft: 'gerendert' | 'eingebettet' | 'bild' | 'keins';
  /**
   * Only with `RenderOptionen.mitGrau`: the same pixels as `png`, raw, one byte per pixel (greyscale,
   * `breite` × `hoehe`), so the reader need not decode the PNG again.
   */
  grau?: Buffer;
}

export interface RenderOptionen {
  /** Rendering resolution for PDF pages (default 300). Images are only scaled down, never up. */
  dpi?: number;
  /** Maximum long side of the output in pixels (default 3600: A4 at 300 dpi stays as it is). */
  maxKante?: number;
  /** Refuse any decoded image with more pixels than this (decompression bomb), default 100 000 000. */
  maxPixel?: number;
  /** Maximum number of pages of a file (default 500): more is refused. */
  maxSeiten?: number;
  /**
   * PDF pages with a text layer of at least this many non-blank characters are not rendered unless
   * `textSeitenRendern` is set: `png` is then an empty Buffer with breite = hoehe = 0 (default 20).
   */
  minTextlayerZeichen?: number;
  /** Render PDF pages with a text layer too (default false). */
  textSeitenRendern?: boolean;
  /** For scanned PDF pages: take the embedded page image when that is faithful (default true). */
  eingebettetBevorzugen?: boolean;
  /** Also hand out the raw greyscale pixels (`SeitenBild.grau`; default false: they are large). */
  mitGrau?: boolean;
}

/** A file or image that cannot be turned into pages. `code` is for machines, `message` (German) for people. */
export class SeitenFehler extends Error {
  constructor(
    readonly code: 'zu-gross' | 'unlesbar' | 'format' | 'zu-viele-seiten',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SeitenFehler';
  }
}

type Optionen = Required<RenderOptionen>;

/** Defaults of the rendering options. */
export const RENDER_STANDARD: Readonly<Optionen> = {
  dpi: 300,
  maxKante: 3600,
  maxPixel: 100_000_000,
  maxSeiten: 500,
  minTextlayerZeichen: 20,
  textSeitenRendern: false,
  eingebettetBevorzugen: true,
  mitGrau: false,
};

function optionen(o: RenderOptionen | undefined): Optionen {
  const r = { ...RENDER_STANDARD, ...Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) } as Optionen;
  if (!(r.dpi > 0 && r.dpi <= 1200)) throw new RangeError(`dpi muss zwischen 1 und 1200 liegen, nicht ${r.dpi}`);
  if (!(r.maxKante >= 16)) throw new RangeError(`maxKante zu klein: ${r.maxKante}`);
  return r;
}

const A4_LANGE_SEITE_ZOLL = 11.69;
const LEER = Buffer.alloc(0);

/* ------------------------------------------------------------------------------------------ */

/** Media type from magic bytes, or undefined. */
export function erkenneMediaType(inhalt: Buffer): SeitenMediaType | undefined {
  if (inhalt.length < 4) return undefined;
  const head = inhalt.subarray(0, 1024).toString('latin1');
  if (head.includes('%PDF-')) return 'application/pdf';
  if ((inhalt[0] === 0x49 && inhalt[1] === 0x49 && inhalt[2] === 0x2a && inhalt[3] === 0x00)
    || (inhalt[0] === 0x4d && inhalt[1] === 0x4d && inhalt[2] === 0x00 && inhalt[3] === 0x2a)) return 'image/tiff';
  if (inhalt[0] === 0x89 && head.startsWith('\x89PNG')) return 'image/png';
  if (inhalt[0] === 0xff && inhalt[1] === 0xd8 && inhalt[2] === 0xff) return 'image/jpeg';
  return undefined;
}

function zuGross(maxPixel: number, cause?: unknown): SeitenFehler {
  const mp = Math.round(maxPixel / 1_000_000);
  return new SeitenFehler('zu-gross', `Bild ist zu groß (mehr als ${mp} Megapixel) und wird zum Schutz vor Dekompressionsbomben nicht verarbeitet.`, { cause });
}

function bildFehler(err: unknown, maxPixel: number): SeitenFehler {
  if (err instanceof SeitenFehler) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg)) return zuGross(maxPixel, err);
  return new SeitenFehler('unlesbar', 'Das Bild ist beschädigt oder hat ein nicht unterstütztes Format und kann nicht gelesen werden.', { cause: err });
}

/* ---------------------------------------- images ------------------------------------------ */

interface Quelle {
  input: Buffer;
  raw?: { width: number; height: number; channels: 1 | 3 };
  /** TIFF page index. */
  page?: number;
  /** Known resolution of the source in dpi (PDF embedded image). */
  density?: number;
  /** Extra clockwise rotation (PDF /Rotate). */
  drehen?: number;
}

interface Normalisiert {
  png: Buffer;
  breite: number;
  hoehe: number;
  dpi: number;
  grau?: Buffer;
}

/**
 * PNG of the page for OCR (and the pool's disk): level 1 without adaptive filtering. Measured on a
 * greyscale 200 dpi A4 scan: ~17 ms CPU and 2.0 MB, against ~49 ms and 1.26 MB at level 4.
 */
const PNG_OCR: sharp.PngOptions = { compressionLevel: 1, adaptiveFiltering: false };

async function normalisiere(q: Quelle, o: Pick<Optionen, 'dpi' | 'maxKante' | 'maxPixel'> & { mitGrau?: boolean }): Promise<Normalisiert> {
  const sharpOpts: sharp.SharpOptions = { limitInputPixels: o.maxPixel, failOn: 'error' };
  if (q.raw) sharpOpts.raw = q.raw;
  if (q.page !== undefined) sharpOpts.page = q.page;
  try {
    let breite: number;
    let hoehe: number;
    let density = q.density;
    if (q.raw) {
      breite = q.raw.width;
      hoehe = q.raw.height;
    } else {
      const meta = await sharp(q.input, sharpOpts).metadata();
      if (!meta.width || !meta.height) throw new SeitenFehler('unlesbar', 'Das Bild hat keine Größe und kann nicht gelesen werden.');
      if (meta.width * meta.height > o.maxPixel) throw zuGross(o.maxPixel);
      const swap = (meta.orientation ?? 1) >= 5;
      breite = swap ? meta.height : meta.width;
      hoehe = swap ? meta.width : meta.height;
      density ??= meta.density && meta.density >= 100 ? meta.density : undefined;
    }
    if (breite * hoehe > o.maxPixel) throw zuGross(o.maxPixel);
    if ((q.drehen ?? 0) % 180 !== 0) [breite, hoehe] = [hoehe, breite];
    const lang = Math.max(breite, hoehe);
    const quellDpi = density ?? Math.min(1200, Math.max(72, lang / A4_LANGE_SEITE_ZOLL));
    const faktor = Math.min(1, o.dpi / quellDpi, o.maxKante / lang);
    let img = sharp(q.input, sharpOpts).rotate();
    if (q.drehen) img = img.rotate(q.drehen);
    img = img.flatten({ background: '#ffffff' }).greyscale();
    if (faktor < 0.999) img = img.resize(Math.max(1, Math.round(breite * faktor)), Math.max(1, Math.round(hoehe * faktor)), { fit: 'fill', kernel: 'lanczos3' });
    const dpi = Math.round(quellDpi * faktor);
    if (o.mitGrau) {
      // Decoded once: the raw pixels for the reader, the PNG encoded from them.
      const roh = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      if (roh.info.channels !== 1) throw new Error(`greyscale expected, got ${roh.info.channels} channels`);
      const png = await sharp(roh.data, { raw: { width: roh.info.width, height: roh.info.height, channels: 1 } })
        .toColourspace('b-w')
        .withDensity(dpi)
        .png(PNG_OCR)
        .toBuffer();
      return { png, breite: roh.info.width, hoehe: roh.info.height, dpi, grau: roh.data };
    }
    const { data, info } = await img.toColourspace('b-w').withDensity(dpi).png(PNG_OCR).toBuffer({ resolveWithObject: true });
    return { png: data, breite: info.width, hoehe: info.height, dpi };
  } catch (err) {
    throw bildFehler(err, o.maxPixel);
  }
}

/** Normalise any decodable image for OCR: greyscale PNG, EXIF orientation applied, long side ≤ maxKante, bomb refused. */
export async function normalisiereBild(bild: Buffer, opts?: Pick<RenderOptionen, 'maxKante' | 'maxPixel'>): Promise<{ png: Buffer; breite: number; hoehe: number }> {
  const o = optionen({ ...opts, dpi: 1200 });
  const n = await normalisiere({ input: bild }, o);
  return { png: n.png, breite: n.breite, hoehe: n.hoehe };
}

/** Turn a PNG clockwise by 0/90/180/270 degrees (what OCR reported as `rotation`). Returns the same Buffer for 0. */
export async function dreheBild(png: Buffer, grad: number): Promise<Buffer> {
  const g = ((grad % 360) + 360) % 360;
  if (g === 0) return png;
  if (g % 90 !== 0) throw new RangeError(`Drehung nur in Schritten von 90 Grad, nicht ${grad}`);
  return sharp(png).rotate(g).png(PNG_OCR).toBuffer();
}

async function tiffSeitenzahl(inhalt: Buffer, o: Optionen): Promise<number> {
  try {
    const meta = await sharp(inhalt, { limitInputPixels: o.maxPixel }).metadata();
    return meta.pages ?? 1;
  } catch (err) {
    throw bildFehler(err, o.maxPixel);
  }
}

async function* bildSeiten(inhalt: Buffer, mediaType: SeitenMediaType, o: Optionen, nurSeite?: number): AsyncGenerator<SeitenBild> {
  const anzahl = mediaType === 'image/tiff' ? await tiffSeitenzahl(inhalt, o) : 1;
  if (anzahl > o.maxSeiten) throw zuVieleSeiten(anzahl, o.maxSeiten);
  if (nurSeite !== undefined && (nurSeite < 1 || nurSeite > anzahl)) throw keineSeite(nurSeite, anzahl);
  for (let nr = 1; nr <= anzahl; nr++) {
    if (nurSeite !== undefined && nr !== nurSeite) continue;
    const n = await normalisiere({ input: inhalt, page: mediaType === 'image/tiff' ? nr - 1 : undefined }, o);
    yield { nr, png: n.png, breite: n.breite, hoehe: n.hoehe, dpi: n.dpi, herkunft: 'bild', ...(n.grau ? { grau: n.grau } : {}) };
  }
}

function zuVieleSeiten(anzahl: number, max: number): SeitenFehler {
  return new SeitenFehler('zu-viele-seiten', `Die Datei hat ${anzahl} Seiten; verarbeitet werden höchstens ${max}.`);
}

function keineSeite(nr: number, anzahl: number): RangeError {
  return new RangeError(`Seite ${nr} gibt es nicht (die Datei hat ${anzahl} Seiten)`);
}

/* ----------------------------------------- PDF -------------------------------------------- */

function pdfFehler(err: unknown): SeitenFehler {
  if (err instanceof SeitenFehler) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'PasswordException') return new SeitenFehler('format', 'Die PDF-Datei ist mit einem Passwort geschützt und kann nicht gelesen werden.', { cause: err });
  return new SeitenFehler('unlesbar', 'Die PDF-Datei ist beschädigt oder keine gültige PDF-Datei.', { cause: err });
}

interface PdfQuelle {
  parser: PDFParse;
  anzahl: number;
  /** Page size in PDF points, /Rotate applied (as displayed). */
  groesse: { width: number; height: number }[];
  lib?: PDFDocument;
}

/**
 * pdf.js in Node runs its "worker" on the main thread and loads it with a dynamic `import()`,
 * which fails where the module system has no ESM loader (Jest's vm). pdf.js first looks for
 * `globalThis.pdfjsWorker`: provide it from the worker source pdf-parse ships (an ES module
 * without imports; its one `import.meta.url` only names its own location).
 */
function pdfjsWorkerBereitstellen(): void {
  const g = globalThis as { pdfjsWorker?: unknown };
  if (g.pdfjsWorker) return;
  // The file pdf-parse ships next to its bundle (same pdf.js version); requiring `pdf-parse/worker`
  // instead would itself start that dynamic import.
  const datei = path.join(path.dirname(require.resolve('pdf-parse')), '..', '..', 'worker', 'pdf.worker.mjs');
  const quelle = fs.readFileSync(datei, 'utf8')
    .replace(/import\.meta\.url/g, '"file:///pdf.worker.mjs"')
    .replace(/export\s*\{\s*WorkerMessageHandler\s*\}\s*;?\s*$/, '');
  new Function(quelle)();
}

async function oeffnePdf(inhalt: Buffer, o: Optionen, mitLib: boolean): Promise<PdfQuelle> {
  pdfjsWorkerBereitstellen();
  const parser = new PDFParse({ data: new Uint8Array(inhalt), maxImageSize: o.maxPixel, verbosity: 0, isEvalSupported: false });
  try {
    const info = await parser.getInfo({ parsePageInfo: true });
    if (info.total > o.maxSeiten) throw zuVieleSeiten(info.total, o.maxSeiten);
    const groesse = info.pages.map((p) => ({ width: p.width, height: p.height }));
    let lib: PDFDocument | undefined;
    if (mitLib) {
      lib = await PDFDocument.load(inhalt, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false }).catch(() => undefined);
      if (lib && lib.getPageCount() !== info.total) lib = undefined;
    }
    return { parser, anzahl: info.total, groesse, lib };
  } catch (err) {
    await parser.destroy().catch(() => undefined);
    throw pdfFehler(err);
  }
}

async function pdfTexte(parser: PDFParse, partial?: number[]): Promise<Map<number, string>> {
  try {
    const t = await parser.getText({ pageJoiner: '', ...(partial ? { partial } : {}) });
    return new Map(t.pages.map((p) => [p.num, p.text.trim()]));
  } catch (err) {
    throw pdfFehler(err);
  }
}

function zeichenOhneLeerraum(s: string): number {
  return s.replace(/\s+/g, '').length;
}

async function* pdfSeiten(inhalt: Buffer, o: Optionen, nurSeite?: number): AsyncGenerator<SeitenBild> {
  const pdf = await oeffnePdf(inhalt, o, o.eingebettetBevorzugen);
  try {
    if (nurSeite !== undefined && (nurSeite < 1 || nurSeite > pdf.anzahl)) throw keineSeite(nurSeite, pdf.anzahl);
    const texte = await pdfTexte(pdf.parser, nurSeite !== undefined ? [nurSeite] : undefined);
    for (let nr = 1; nr <= pdf.anzahl; nr++) {
      if (nurSeite !== undefined && nr !== nurSeite) continue;
      const textlayer = texte.get(nr) ?? '';
      const hatText = zeichenOhneLeerraum(textlayer) >= o.minTextlayerZeichen;
      // A page with a text layer is not rendered unless asked; a searchable scan (text layer over
      // one full-page image) still yields its image, which costs only the decoding.
      const eingebettet = pdf.lib && (!hatText || !o.textSeitenRendern) ? eingebettetesBild(pdf.lib, nr - 1, o.maxPixel) : undefined;
      if (hatText && !o.textSeitenRendern && !eingebettet) {
        yield { nr, png: LEER, breite: 0, hoehe: 0, textlayer, dpi: 0, herkunft: 'keins' };
        continue;
      }
      if (eingebettet) {
        const n = await normalisiere(eingebettet, o);
        yield { nr, png: n.png, breite: n.breite, hoehe: n.hoehe, textlayer, dpi: n.dpi, herkunft: 'eingebettet', ...(n.grau ? { grau: n.grau } : {}) };
        continue;
      }
      const n = await renderePdfSeite(pdf, nr, o);
      yield { nr, png: n.png, breite: n.breite, hoehe: n.hoehe, textlayer, dpi: n.dpi, herkunft: 'gerendert', ...(n.grau ? { grau: n.grau } : {}) };
    }
  } finally {
    await pdf.parser.destroy().catch(() => undefined);
  }
}

async function renderePdfSeite(pdf: PdfQuelle, nr: number, o: Optionen): Promise<Normalisiert> {
  const g = pdf.groesse[nr - 1] ?? { width: 595, height: 842 };
  const lang = Math.max(g.width, g.height, 1);
  const scale = Math.min(o.dpi / 72, o.maxKante / lang);
  let data: Uint8Array;
  try {
    const shot = await pdf.parser.getScreenshot({ partial: [nr], scale, imageDataUrl: false, imageBuffer: true });
    const seite = shot.pages[0];
    if (!seite || seite.data.length === 0) throw new Error(`page ${nr} not rendered`);
    data = seite.data;
  } catch (err) {
    throw pdfFehler(err);
  }
  const n = await normalisiere({ input: Buffer.from(data.buffer, data.byteOffset, data.byteLength), density: 72 * scale }, { ...o, dpi: 72 * scale });
  return { ...n, dpi: Math.round(72 * scale) };
}

/* Embedded page image of a scanned PDF page ------------------------------------------------ */

type Matrix = [number, number, number, number, number, number];

function mal(m: Matrix, c: Matrix): Matrix {
  return [
    m[0] * c[0] + m[1] * c[2],
    m[0] * c[1] + m[1] * c[3],
    m[2] * c[0] + m[3] * c[2],
    m[2] * c[1] + m[3] * c[3],
    m[4] * c[0] + m[5] * c[2] + c[4],
    m[4] * c[1] + m[5] * c[3] + c[5],
  ];
}

function inhaltsStrom(lib: PDFDocument, obj: PDFObject | undefined): string | undefined {
  const o = obj instanceof PDFRef ? lib.context.lookup(obj) : obj;
  if (o instanceof PDFRawStream) return Buffer.from(decodePDFRawStream(o).decode()).toString('latin1');
  if (o instanceof PDFStream) return Buffer.from(o.getContents()).toString('latin1');
  if (o instanceof PDFArray) {
    const teile: string[] = [];
    for (let i = 0; i < o.size(); i++) {
      const t = inhaltsStrom(lib, o.get(i));
      if (t === undefined) return undefined;
      teile.push(t);
    }
    return teile.join('\n');
  }
  return undefined;
}

/** The one `Do` of a content stream with its CTM, or undefined when the page draws more than one image or any text. */
function einzigesBild(inhalt: string): { name: string; ctm: Matrix } | undefined {
  if (/\bBT\b/.test(inhalt) || /\bBI\b/.test(inhalt)) return undefined;
  const tokens = inhalt.replace(/%[^\r\n]*/g, ' ').split(/[\s]+|(?=\/)/).filter(Boolean);
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stapel: Matrix[] = [];
  const operanden: string[] = [];
  let treffer: { name: string; ctm: Matrix } | undefined;
  for (const t of tokens) {
    if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) || t.startsWith('/')) {
      operanden.push(t);
      continue;
    }
    if (t === 'q') stapel.push(ctm);
    else if (t === 'Q') ctm = stapel.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (t === 'cm') {
      const z = operanden.slice(-6).map(Number);
      if (z.length !== 6 || z.some((v) => !Number.isFinite(v))) return undefined;
      ctm = mal(z as Matrix, ctm);
    } else if (t === 'Do') {
      if (treffer) return undefined;
      const name = operanden[operanden.length - 1];
      if (!name?.startsWith('/')) return undefined;
      treffer = { name: name.slice(1), ctm };
    }
    operanden.length = 0;
  }
  return treffer;
}

function nameVon(lib: PDFDocument, v: PDFObject | undefined): string | undefined {
  const o = v instanceof PDFRef ? lib.context.lookup(v) : v;
  if (o instanceof PDFName) return o.decodeText();
  if (o instanceof PDFArray && o.size() === 1) return nameVon(lib, o.get(0));
  return undefined;
}

function zahlVon(lib: PDFDocument, v: PDFObject | undefined): number | undefined {
  const o = v instanceof PDFRef ? lib.context.lookup(v) : v;
  return o instanceof PDFNumber ? o.asNumber() : undefined;
}

/**
 * The page's image as stored in the file, when the page is exactly one image covering the page
 * (what scanners write) in a format sharp reads without loss: JPEG, or Flate 8-bit grey/RGB
 * without predictor. Anything else: undefined (the page is rendered). Refuses oversized images.
 */
function eingebettetesBild(lib: PDFDocument, index: number, maxPixel: number): Quelle | undefined {
  try {
    const page = lib.getPage(index);
    const xobjs = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    if (!xobjs) return undefined;
    const bilder = new Map<string, PDFRawStream>();
    for (const [key, ref] of xobjs.entries()) {
      const s = ref instanceof PDFRef ? lib.context.lookup(ref) : ref;
      if (!(s instanceof PDFRawStream)) return undefined;
      if (nameVon(lib, s.dict.get(PDFName.of('Subtype'))) !== 'Image') return undefined;
      const w = zahlVon(lib, s.dict.get(PDFName.of('Width'))) ?? 0;
      const h = zahlVon(lib, s.dict.get(PDFName.of('Height'))) ?? 0;
      if (w * h > maxPixel) throw zuGross(maxPixel);
      bilder.set(key.decodeText(), s);
    }
    if (bilder.size !== 1) return undefined;
    const inhalt = inhaltsStrom(lib, page.node.get(PDFName.of('Contents')));
    if (inhalt === undefined) return undefined;
    const einzig = einzigesBild(inhalt);
    const stream = einzig ? bilder.get(einzig.name) : undefined;
    if (!einzig || !stream) return undefined;
    const [a, b, c, d] = einzig.ctm;
    const box = page.getMediaBox();
    if (Math.abs(b) > 1e-6 || Math.abs(c) > 1e-6 || a <= 0 || d <= 0) return undefined;
    if (a < 0.9 * box.width || d < 0.9 * box.height) return undefined;
    const dict = stream.dict;
    if (dict.get(PDFName.of('SMask')) || dict.get(PDFName.of('Mask')) || dict.get(PDFName.of('Decode'))) return undefined;
    const breite = zahlVon(lib, dict.get(PDFName.of('Width')));
    const hoehe = zahlVon(lib, dict.get(PDFName.of('Height')));
    if (!breite || !hoehe) return undefined;
    const filter = nameVon(lib, dict.get(PDFName.of('Filter')));
    const farbraum = nameVon(lib, dict.get(PDFName.of('ColorSpace')));
    const drehen = ((page.getRotation().angle % 360) + 360) % 360;
    const density = breite / (a / 72);
    if (filter === 'DCTDecode' && (farbraum === 'DeviceGray' || farbraum === 'DeviceRGB')) {
      return { input: Buffer.from(stream.contents), density, drehen };
    }
    if (filter === 'FlateDecode' && !dict.get(PDFName.of('DecodeParms'))
      && zahlVon(lib, dict.get(PDFName.of('BitsPerComponent'))) === 8 && (farbraum === 'DeviceGray' || farbraum === 'DeviceRGB')) {
      const channels = farbraum === 'DeviceGray' ? 1 : 3;
      const roh = Buffer.from(decodePDFRawStream(stream).decode());
      if (roh.length !== breite * hoehe * channels) return undefined;
      return { input: roh, raw: { width: breite, height: hoehe, channels }, density, drehen };
    }
    return undefined;
  } catch (err) {
    if (err instanceof SeitenFehler) throw err;
    return undefined;
  }
}

/* ---------------------------------------- public ------------------------------------------ */

/** Number of pages of the file. Throws SeitenFehler. */
export async function zaehleSeiten(inhalt: Buffer, mediaType: SeitenMediaType): Promise<number> {
  const o = optionen({ maxSeiten: Number.MAX_SAFE_INTEGER });
  if (mediaType === 'application/pdf') {
    const pdf = await oeffnePdf(inhalt, o, false);
    await pdf.parser.destroy().catch(() => undefined);
    return pdf.anzahl;
  }
  if (mediaType === 'image/tiff') return tiffSeitenzahl(inhalt, o);
  return 1;
}

/** PDF only: the text layer of every page (index 0 = page 1), trimmed. */
export async function textlayerSeiten(inhalt: Buffer): Promise<string[]> {
  const o = optionen({ maxSeiten: Number.MAX_SAFE_INTEGER });
  const pdf = await oeffnePdf(inhalt, o, false);
  try {
    const texte = await pdfTexte(pdf.parser);
    return Array.from({ length: pdf.anzahl }, (_, i) => texte.get(i + 1) ?? '');
  } finally {
    await pdf.parser.destroy().catch(() => undefined);
  }
}

function pruefeTyp(mediaType: string): asserts mediaType is SeitenMediaType {
  if (!(SEITEN_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new SeitenFehler('format', `Dateityp ${mediaType} wird nicht unterstützt (PDF, TIFF, PNG oder JPEG).`);
  }
}

/** All pages of the file, in order, one at a time (memory stays bounded). Throws SeitenFehler. */
export function rendereSeiten(inhalt: Buffer, mediaType: SeitenMediaType, opts?: RenderOptionen): AsyncIterable<SeitenBild> {
  pruefeTyp(mediaType);
  const o = optionen(opts);
  return mediaType === 'application/pdf' ? pdfSeiten(inhalt, o) : bildSeiten(inhalt, mediaType, o);
}

/** All pages of the file as an array (small files, tests). */
export async function rendereAlleSeiten(inhalt: Buffer, mediaType: SeitenMediaType, opts?: RenderOptionen): Promise<SeitenBild[]> {
  const seiten: SeitenBild[] = [];
  for await (const s of rendereSeiten(inhalt, mediaType, opts)) seiten.push(s);
  return seiten;
}

/** One page (1-based), always rendered (also text-layer pages): for previews in the console. */
export async function rendereSeite(inhalt: Buffer, mediaType: SeitenMediaType, nr: number, opts?: RenderOptionen): Promise<SeitenBild> {
  pruefeTyp(mediaType);
  const o = optionen({ ...opts, textSeitenRendern: true });
  const it = mediaType === 'application/pdf' ? pdfSeiten(inhalt, o, nr) : bildSeiten(inhalt, mediaType, o, nr);
  for await (const s of it) return s;
  throw keineSeite(nr, 0);
}
