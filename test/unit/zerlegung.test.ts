/**
 * Splitting a batch into documents: the pure rules (zerlege) on page descriptions, PATCH-T detection
 * on drawn pages, and reading a whole multi-page scan (leseDatei) with a stand-in OCR engine —
 * barcodes, separator sheets, blank pages, stored page images and the stored Lesung.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import sharp from 'sharp';
import { lesungPfad, seitenbildPfad, type Lesung, type Seite } from '../../domain/posteingang';
import { findePatchT, leseDatei } from '../../activities/erkennung/lesen';
import type { OcrEngine, OcrErgebnis, OcrOptionen } from '../../activities/erkennung/ocr';
import { STANDARD_ZERLEGUNG, zerlege, zerlegungsKonfigAusEnv, type ZerlegungsKonfig } from '../../activities/erkennung/zerlegung';

// ---------------------------------------------------------------- pure rules

function seite(nr: number, extra: Partial<Seite> = {}): Seite {
  return { nr, quelle: 'ocr', text: `Text der Seite ${nr} mit Inhalt`, rotation: 0, barcodes: [], leer: false, ...extra };
}
const patch = (nr: number) => seite(nr, { text: '', trennung: 'patch-t' });
const trennblatt = (nr: number) => seite(nr, { text: '', barcodes: ['AKTENLAUF-TRENNBLATT'] });
const leer = (nr: number, text = '') => seite(nr, { text, leer: true });

describe('zerlege', () => {
  test('PATCH-T sheets cut documents and are dropped; a leading sheet is normal', () => {
    const teile = zerlege([patch(1), seite(2), seite(3), patch(4), seite(5), patch(6), seite(7), seite(8)]);
    expect(teile.map((t) => t.seiten)).toEqual([[2, 3], [5], [7, 8]]);
    expect(teile.every((t) => !t.zweifelhaft)).toBe(true);
    expect(teile.map((t) => t.index)).toEqual([0, 1, 2]);
  });

  test('barcode separator sheets with the configured text', () => {
    const seiten = [seite(1), trennblatt(2), seite(3), seite(4, { barcodes: ['ANDERER-TEXT'] })];
    expect(zerlege(seiten).map((t) => t.seiten)).toEqual([[1], [3, 4]]);
    const anders: ZerlegungsKonfig = { ...STANDARD_ZERLEGUNG, barcodeText: 'ANDERER-TEXT' };
    expect(zerlege(seiten, anders).map((t) => t.seiten)).toEqual([[1, 2, 3]]);
    const aus: ZerlegungsKonfig = { ...STANDARD_ZERLEGUNG, barcodeText: '' };
    expect(zerlege(seiten, aus).map((t) => t.seiten)).toEqual([[1, 2, 3, 4]]);
  });

  test('PATCH-T can be switched off: the sheet is then an ordinary page', () => {
    const konfig: ZerlegungsKonfig = { ...STANDARD_ZERLEGUNG, patchT: false };
    expect(zerlege([seite(1), patch(2), seite(3)], konfig).map((t) => t.seiten)).toEqual([[1, 2, 3]]);
  });

  test('blank pages separate only when configured; otherwise they stay in the document', () => {
    const seiten = [seite(1), leer(2), seite(3)];
    expect(zerlege(seiten).map((t) => t.seiten)).toEqual([[1, 2, 3]]);
    const konfig: ZerlegungsKonfig = { ...STANDARD_ZERLEGUNG, leerseiten: true };
    const teile = zerlege(seiten, konfig);
    expect(teile.map((t) => t.seiten)).toEqual([[1], [3]]);
    expect(teile.some((t) => t.zweifelhaft)).toBe(false);
  });

  test('a "blank" separator page with some text makes both neighbours doubtful', () => {
    const konfig: ZerlegungsKonfig = { ...STANDARD_ZERLEGUNG, leerseiten: true };
    const teile = zerlege([seite(1), leer(2, 'Anlage 3'), seite(3), seite(4), leer(5), seite(6)], konfig);
    expect(teile.map((t) => t.seiten)).toEqual([[1], [3, 4], [6]]);
    expect(teile.map((t) => t.zweifelhaft)).toEqual([true, true, false]);
    expect(teile[0]!.grund).toMatch(/Seite 2 wurde als Leerseite getrennt, enthält aber Text/);
  });

  test('first-page barcodes start a document and carry BG-Nummer and document type', () => {
    const teile = zerlege([
      seite(1, { barcodes: ['BG:96201BG0012345'] }),
      seite(2),
      seite(3, { barcodes: ['DOK:wba'] }),
      seite(4, { barcodes: ['BG: 96201 BG 0054321', 'DOK:KONTOAUSZUG'] }),
      seite(5),
    ]);
    expect(teile).toEqual([
      { index: 0, seiten: [1, 2], barcodeBgNummer: '96201BG0012345', zweifelhaft: false },
      { index: 1, seiten: [3], barcodeDokumentart: 'WBA', zweifelhaft: false },
      { index: 2, seiten: [4, 5], barcodeBgNummer: '96201BG0054321', barcodeDokumentart: 'KONTOAUSZUG', zweifelhaft: false },
    ]);
  });

  test('an invalid first-page barcode still cuts, but the document is doubtful', () => {
    const teile = zerlege([seite(1), seite(2, { barcodes: ['BG:12345'] }), seite(3)]);
    expect(teile.map((t) => t.seiten)).toEqual([[1], [2, 3]]);
    expect(teile[1]!.zweifelhaft).toBe(true);
    expect(teile[1]!.grund).toMatch(/keine gültige BG-Nummer/);
  });

  test('two separators in a row (a document with 0 pages) → doubt', () => {
    const teile = zerlege([seite(1), patch(2), trennblatt(3), seite(4)]);
    expect(teile.map((t) => t.seiten)).toEqual([[1], [4]]);
    expect(teile.every((t) => t.zweifelhaft)).toBe(true);
    expect(teile[0]!.grund).toMatch(/Zwei Trennblätter hintereinander \(Seiten 2 und 3\)/);
  });

  test('a file of separator sheets only gives one doubtful part with all pages (nothing dropped silently)', () => {
    const teile = zerlege([patch(1), trennblatt(2)]);
    expect(teile).toEqual([{ index: 0, seiten: [1, 2], zweifelhaft: true, grund: expect.stringMatching(/nur Trennblätter/) }]);
    expect(zerlege([])).toEqual([]);
  });

  test('more than N pages without a separator from a source that uses separators → doubt; not for uploads', () => {
    const viele = Array.from({ length: 12 }, (_, i) => seite(i + 1));
    const konfig: ZerlegungsKonfig = { ...STANDARD_ZERLEGUNG, maxSeitenOhneTrenner: 10 };
    const [teil] = zerlege(viele, konfig);
    expect(teil!.zweifelhaft).toBe(true);
    expect(teil!.grund).toMatch(/12 Seiten ohne ein einziges Trennblatt/);
    expect(zerlege(viele, { ...konfig, quelleNutztTrenner: false })[0]!.zweifelhaft).toBe(false);
    const mitTrenner = zerlege([...viele, patch(13), seite(14)], konfig);
    expect(mitTrenner[0]!.grund).toMatch(/12 Seiten ohne Trennblatt/);
    expect(mitTrenner[1]!.zweifelhaft).toBe(false);
    expect(zerlege(viele.slice(0, 10), konfig)[0]!.zweifelhaft).toBe(false);
  });

  test('configuration from the environment', () => {
    expect(zerlegungsKonfigAusEnv({})).toEqual(STANDARD_ZERLEGUNG);
    expect(zerlegungsKonfigAusEnv({ TRENNUNG_PATCH_T: '0', TRENNUNG_BARCODE_TEXT: 'X-TRENN', TRENNUNG_LEERSEITEN: '1', TRENNUNG_MAX_SEITEN_OHNE_TRENNER: '7' })).toEqual({
      patchT: false,
      barcodeText: 'X-TRENN',
      leerseiten: true,
      maxSeitenOhneTrenner: 7,
      quelleNutztTrenner: true,
    });
  });
});

// ---------------------------------------------------------------- drawn pages

const DPI = 150;
const MM = DPI / 25.4;
const A4 = { w: Math.round(210 * MM), h: Math.round(297 * MM) };

beforeAll(() => {
  const dir = path.dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  GlobalFonts.registerFromPath(path.join(dir, 'DejaVuSans.ttf'), 'DejaVu Sans');
});

type Zeichner = (ctx: import('@napi-rs/canvas').SKRSContext2D) => void | Promise<void>;

async function seiteZeichnen(zeichne?: Zeichner, opts: { rauschen?: number; drehen?: number } = {}): Promise<Buffer> {
  const canvas = createCanvas(A4.w, A4.h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, A4.w, A4.h);
  ctx.fillStyle = '#000';
  await zeichne?.(ctx);
  if (opts.rauschen) {
    // scanner speckles: single dark pixels
    let s = 12345;
    for (let i = 0; i < opts.rauschen; i++) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const x = s % A4.w;
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      ctx.fillRect(x, s % A4.h, 1, 1);
    }
  }
  let img = sharp(canvas.toBuffer('image/png')).greyscale();
  if (opts.drehen) img = img.rotate(opts.drehen);
  return img.png().toBuffer();
}

const text = (zeilen: string[]): Zeichner => (ctx) => {
  ctx.font = `${Math.round(4 * MM)}px "DejaVu Sans"`;
  zeilen.forEach((z, i) => ctx.fillText(z, 25 * MM, 40 * MM + i * 7 * MM));
};

/** Kodak patch code: bars as widths in mm ('N' 2.0, 'W' 5.1), spaces 2.0 mm, bars `lang` mm long, vertical bars. */
const patchCode = (muster: string, lang = 63.5, x0 = 95, y0 = 20): Zeichner => (ctx) => {
  let x = x0 * MM;
  for (const c of muster) {
    const b = (c === 'W' ? 5.1 : 2.0) * MM;
    ctx.fillRect(Math.round(x), Math.round(y0 * MM), Math.round(b), Math.round(lang * MM));
    x += b + 2.0 * MM;
  }
};

async function barcode(textInhalt: string, format: 'Code128' | 'QRCode'): Promise<Buffer> {
  const W = await import('zxing-wasm/writer');
  const wasm = fs.readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
  await W.prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true });
  const r = await W.writeBarcode(textInhalt, { format, scale: format === 'QRCode' ? 4 : 2 });
  if (!r.image) throw new Error(r.error);
  return Buffer.from(await r.image.arrayBuffer());
}

const bildAuf = (png: Buffer, xMm: number, yMm: number): Zeichner => async (ctx) => {
  const { loadImage } = await import('@napi-rs/canvas');
  ctx.drawImage(await loadImage(png), Math.round(xMm * MM), Math.round(yMm * MM));
};

async function roh(png: Buffer) {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, w: info.width, h: info.height, c: info.channels };
}

describe('PATCH-T detection', () => {
  test('finds N W N W bars, also turned by 90° and by 180° (read as W N W N)', async () => {
    for (const drehen of [0, 90, 180]) {
      const r = await roh(await seiteZeichnen(patchCode('NWNW'), { drehen }));
      expect([drehen, findePatchT(r.data, r.w, r.h, r.c, MM)]).toEqual([drehen, true]);
    }
  });

  test('finds it at 300 dpi and without resolution metadata (A4 assumed)', async () => {
    const r300 = await roh(await sharp(await seiteZeichnen(patchCode('NWNW'))).resize(A4.w * 2).png().toBuffer());
    expect(findePatchT(r300.data, r300.w, r300.h, r300.c, 2 * MM)).toBe(true);
    expect(findePatchT(r300.data, r300.w, r300.h, r300.c, r300.w / 210)).toBe(true);
  });

  test('no false positives: text, a Code 128, other patch codes (Patch 2 = W N N W), short bars', async () => {
    const faelle: [string, Zeichner][] = [
      ['text', text(Array.from({ length: 30 }, (_, i) => `Zeile ${i}: Sehr geehrte Damen und Herren, hiermit beantrage ich ████ Weiterbewilligung`))],
      ['code128', bildAuf(await barcode('AKTENLAUF-TRENNBLATT', 'Code128'), 40, 40)],
      ['patch2', patchCode('WNNW')],
      ['patch1', patchCode('WWNN')],
      ['kurz', patchCode('NWNW', 15)],
    ];
    for (const [name, z] of faelle) {
      const r = await roh(await seiteZeichnen(z));
      expect([name, findePatchT(r.data, r.w, r.h, r.c, MM)]).toEqual([name, false]);
    }
  });
});

// ---------------------------------------------------------------- whole batch through leseDatei

/** Stand-in OCR: "reads" a page by its ink (no tesseract here; OCR itself is tested by H3's tests). */
class TestOcr implements OcrEngine {
  aufrufe = 0;
  laufend = 0;
  maxLaufend = 0;
  constructor(private readonly antwort: (png: Buffer) => Promise<string>) {}
  async erkenne(png: Buffer, opts?: OcrOptionen): Promise<OcrErgebnis> {
    this.aufrufe++;
    this.laufend++;
    this.maxLaufend = Math.max(this.maxLaufend, this.laufend);
    try {
      const meta = await sharp(png).metadata();
      await new Promise((r) => setImmediate(r));
      const t = await this.antwort(png);
      const woerter = t
        ? t.split(/\s+/).map((w, i) => ({ text: w, confidence: 90, bbox: { x0: 100 + i * 50, y0: 200, x1: 140 + i * 50, y1: 230 } }))
        : [];
      return { text: t, woerter, meanConfidence: t ? 90 : 0, rotation: 0, breite: meta.width!, hoehe: meta.height!, region: opts?.region ?? 'ganz' };
    } finally {
      this.laufend--;
    }
  }
  async close(): Promise<void> {}
}

async function dunklePixel(png: Buffer): Promise<number> {
  const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (const v of data) if (v < 100) n++;
  return n;
}

async function tiff(seiten: Buffer[]): Promise<Buffer> {
  // multi-page TIFF: stack pages vertically and tell sharp the page height
  const roheSeiten = await Promise.all(seiten.map((p) => sharp(p).greyscale().raw().toBuffer()));
  return sharp(Buffer.concat(roheSeiten), { raw: { width: A4.w, height: A4.h * seiten.length, channels: 1, pageHeight: A4.h } })
    .tiff({ compression: 'lzw', xres: DPI / 25.4, yres: DPI / 25.4 })
    .toBuffer();
}

describe('leseDatei on a scanned batch', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-zerlegung-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('cuts at PATCH-T, barcode sheet and first-page barcode; keeps order; stores images and the Lesung', async () => {
    const brief = (n: number) => text([`Brief ${n}`, 'Sehr geehrte Damen und Herren,', 'anbei die Unterlagen.', 'Mit freundlichen Grüßen']);
    const seiten = [
      await seiteZeichnen(brief(1)), // 1
      await seiteZeichnen(brief(1)), // 2
      await seiteZeichnen(patchCode('NWNW')), // 3 PATCH-T
      await seiteZeichnen(brief(2)), // 4
      await seiteZeichnen(bildAuf(await barcode('AKTENLAUF-TRENNBLATT', 'Code128'), 40, 40)), // 5 separator
      await seiteZeichnen(async (ctx) => {
        await bildAuf(await barcode('BG:96201BG0012345', 'QRCode'), 150, 15)(ctx);
        await text(['Weiterbewilligungsantrag'])(ctx);
      }), // 6 first page by barcode
      await seiteZeichnen(undefined, { rauschen: 400 }), // 7 blank with speckles (stays in document: blank pages do not cut by default)
      await seiteZeichnen(brief(4)), // 8
    ];
    const inhalt = await tiff(seiten);
    const contentHash = 'a'.repeat(64);
    const ocr = new TestOcr(async (png) => ((await dunklePixel(png)) > 2000 ? 'Brief Inhalt gelesen' : ''));
    const fortschritt: number[] = [];
    const res = await leseDatei(inhalt, 'image/tiff', { ocr, dataDir, contentHash, konfig: STANDARD_ZERLEGUNG, parallel: 3, fortschritt: (f, g) => fortschritt.push(f * 100 + g) });

    expect(res.seiten.map((s) => s.nr)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(res.seiten[2]!.trennung).toBe('patch-t');
    expect(res.seiten[4]!.barcodes).toEqual(['AKTENLAUF-TRENNBLATT']);
    expect(res.seiten[4]!.trennung).toBe('barcode-trennblatt');
    expect(res.seiten[5]!.barcodes).toEqual(['BG:96201BG0012345']);
    expect(res.seiten[5]!.trennung).toBe('barcode-erste-seite');
    expect(res.seiten[6]!.leer).toBe(true);
    expect(res.seiten.filter((s) => s.leer).map((s) => s.nr)).toEqual([7]);
    expect(res.teile).toEqual([
      { index: 0, seiten: [1, 2], zweifelhaft: false },
      { index: 1, seiten: [4], zweifelhaft: false },
      { index: 2, seiten: [6, 7, 8], barcodeBgNummer: '96201BG0012345', zweifelhaft: false },
    ]);
    // separator sheets are not OCR'd; content pages are; never more in flight than allowed
    expect(res.seiten[2]!.text).toBe('');
    expect(res.seiten[0]!.quelle).toBe('ocr');
    expect(res.seiten[0]!.text).toBe('Brief Inhalt gelesen');
    expect(ocr.aufrufe).toBeLessThanOrEqual(6);
    expect(ocr.maxLaufend).toBeLessThanOrEqual(3);
    expect(fortschritt.sort((a, b) => a - b)).toEqual([108, 208, 308, 408, 508, 608, 708, 808]);

    // stored: page images with their size, words scaled into that image, and the Lesung
    const s1 = res.seiten[0]!;
    expect(s1.bild).toBe(seitenbildPfad(contentHash, 1));
    const meta = await sharp(path.join(dataDir, s1.bild!)).metadata();
    expect({ breite: meta.width, hoehe: meta.height }).toEqual(s1.bildGroesse);
    // a greyscale JPEG (cheap to write, small to keep and to serve)
    expect({ format: meta.format, kanaele: meta.channels }).toEqual({ format: 'jpeg', kanaele: 1 });
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1700);
    const gespeichert = JSON.parse(fs.readFileSync(path.join(dataDir, lesungPfad(contentHash)), 'utf8')) as Lesung;
    expect(gespeichert).toEqual({ contentHash, seiten: res.seiten, teile: res.teile });
    expect(fs.readdirSync(path.join(dataDir, path.dirname(lesungPfad(contentHash)))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('blank pages as separators when configured; a faint "blank" page with words is doubtful', async () => {
    const seiten = [
      await seiteZeichnen(text(['Erster Brief', 'mit Text', 'und noch mehr Text', 'Mit freundlichen Grüßen'])),
      await seiteZeichnen(undefined, { rauschen: 300 }),
      await seiteZeichnen(text(['Zweiter Brief', 'mit Text', 'und noch mehr Text', 'Mit freundlichen Grüßen'])),
      await seiteZeichnen((ctx) => {
        ctx.font = `${Math.round(4 * MM)}px "DejaVu Sans"`;
        ctx.fillText('Anlage 3', 100 * MM, 270 * MM);
      }),
      await seiteZeichnen(text(['Dritter Brief', 'mit Text', 'und noch mehr Text', 'Mit freundlichen Grüßen'])),
    ];
    const ocr = new TestOcr(async (png) => {
      const n = await dunklePixel(png);
      return n > 1500 ? 'Brief mit viel Text' : n > 100 ? 'Anlage drei' : '';
    });
    const res = await leseDatei(await tiff(seiten), 'image/tiff', { ocr, konfig: { ...STANDARD_ZERLEGUNG, leerseiten: true } });
    expect(res.seiten.map((s) => s.leer)).toEqual([false, true, false, true, false]);
    expect(res.teile.map((t) => t.seiten)).toEqual([[1], [3], [5]]);
    expect(res.teile.map((t) => t.zweifelhaft)).toEqual([false, true, true]);
    expect(res.teile[1]!.grund).toMatch(/Seite 4 wurde als Leerseite getrennt, enthält aber Text/);
    // without a data dir nothing is stored, but the image size of the word boxes is known
    expect(res.seiten[0]!.bild).toBeUndefined();
    expect(res.seiten[0]!.bildGroesse).toEqual({ breite: A4.w, hoehe: A4.h });
  });

  test('a born-digital PDF page with enough text uses the text layer, no OCR', async () => {
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const p = doc.addPage([595, 842]);
    p.drawText('Antrag auf Weiterbewilligung von Leistungen nach dem SGB II', { x: 50, y: 780, size: 12, font });
    p.drawText('Hiermit beantrage ich die Weiterbewilligung ab dem 1. Januar.', { x: 50, y: 760, size: 12, font });
    const ocr = new TestOcr(async () => 'nie');
    const res = await leseDatei(Buffer.from(await doc.save()), 'application/pdf', { ocr });
    expect(ocr.aufrufe).toBe(0);
    expect(res.seiten[0]!.quelle).toBe('textlayer');
    expect(res.seiten[0]!.text).toMatch(/Weiterbewilligung von Leistungen/);
    expect(res.teile).toEqual([{ index: 0, seiten: [1], zweifelhaft: false }]);
  });
});
