/** Test letters, renderings: born-digital PDFs, scans, separator sheets, batches and the corpus with its truth. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { mulberry32 } from '../../domain/zufall';
import {
  PATCH_T, alsPdf, alsScan, alsStapel, barcodeTrennblatt, erzeugeBrief, erzeugeKorpus, haushalteAusLandkreis, patchT, planAlsScan, setze, type Brief,
} from '../../testdaten/posteingang';
import { main as korpusCli } from '../../testdaten/posteingang/cli';
import { seiteAlsBild } from '../../testdaten/posteingang/render';
import os from 'node:os';

/** pdf.js's worker on the main thread under Jest (as activities/erkennung/seiten.ts does). */
function pdfjsWorker(): void {
  const g = globalThis as { pdfjsWorker?: unknown };
  if (g.pdfjsWorker) return;
  const datei = path.join(path.dirname(require.resolve('pdf-parse')), '..', '..', 'worker', 'pdf.worker.mjs');
  const quelle = fs.readFileSync(datei, 'utf8').replace(/import\.meta\.url/g, '"file:///pdf.worker.mjs"').replace(/export\s*\{\s*WorkerMessageHandler\s*\}\s*;?\s*$/, '');
  new Function(quelle)();
}

async function pdfText(pdf: Buffer): Promise<string[]> {
  pdfjsWorker();
  const p = new PDFParse({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false });
  try {
    return (await p.getText({ pageJoiner: '' })).pages.map((x) => x.text);
  } finally {
    await p.destroy();
  }
}

type Reader = typeof import('zxing-wasm/reader');
let reader: Reader | undefined;
async function barcodes(png: Buffer): Promise<string[]> {
  if (!reader) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const r = require('zxing-wasm/reader') as Reader;
    const wasm = fs.readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    await r.prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true });
    reader = r;
  }
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const res = await reader.readBarcodes({ data: new Uint8ClampedArray(data), width: info.width, height: info.height, } as unknown as Parameters<Reader['readBarcodes']>[0], { formats: ['Code128', 'QRCode'] });
  return res.map((r) => r.text);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function briefMitMehrerenSeiten(): Brief {
  const rng = mulberry32(21);
  for (let i = 0; i < 200; i++) {
    const b = erzeugeBrief(rng, 'MIETVERTRAG');
    if (setze(b).length > 1) return b;
  }
  throw new Error('kein mehrseitiger Mietvertrag');
}

describe('korpus: renderings', () => {
  const widerspruch = erzeugeBrief(mulberry32(7), 'WIDERSPRUCH', { bgQuote: 1 });

  it('renders a born-digital PDF with a text layer, deterministically, on several A4 pages when long', async () => {
    const a = await alsPdf(widerspruch);
    expect(sha(await alsPdf(widerspruch))).toBe(sha(a));
    const doc = await PDFDocument.load(a);
    const { width, height } = doc.getPage(0).getSize();
    expect(Math.round(width)).toBe(595);
    expect(Math.round(height)).toBe(842);
    const text = (await pdfText(a)).join('\n');
    expect(text).toContain(widerspruch.wahrheit.bgNummerGeschrieben!);
    expect(text).toMatch(/Widerspruch|Wiederspruch|widerspreche/);

    const lang = briefMitMehrerenSeiten();
    const pdf = await alsPdf(lang);
    const seiten = await pdfText(pdf);
    expect(seiten.length).toBe(setze(lang).length);
    expect(seiten.length).toBeGreaterThan(1);
    expect(seiten[1]).toMatch(/§ \d+/);
  });

  it('scans a letter as an image of A4 proportions; rotation turns it; same seed, same bytes', async () => {
    const s = await alsScan(widerspruch, { stil: 'scan', format: 'png', dpi: 300 });
    expect(s.mediaType).toBe('image/png');
    const m = await sharp(s.seiten[0]!).metadata();
    expect(m.width).toBe(2480);
    expect(m.height).toBe(3508);
    expect(m.height! / m.width!).toBeCloseTo(297 / 210, 2);
    expect(sha((await alsScan(widerspruch, { stil: 'scan', format: 'png', dpi: 300 })).seiten[0]!)).toBe(sha(s.seiten[0]!));
    expect(sha((await alsScan(widerspruch, { stil: 'scan', format: 'png', dpi: 300, seed: 1 })).seiten[0]!)).not.toBe(sha(s.seiten[0]!));

    const quer = await alsScan(widerspruch, { stil: 'scan', format: 'jpeg', dpi: 200, rotation: 90 });
    const mq = await sharp(quer.seiten[0]!).metadata();
    expect(mq.format).toBe('jpeg');
    expect(mq.width! / mq.height!).toBeCloseTo(297 / 210, 2);
  });

  it('faxes bitonal at 200 dpi and writes multi-page TIFFs and image-only PDFs', async () => {
    const fax = await alsScan(widerspruch, { stil: 'fax', format: 'png' });
    const { data, info } = await sharp(fax.seiten[0]!).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(1654);
    expect(new Set(data).size).toBeLessThanOrEqual(2);

    const lang = briefMitMehrerenSeiten();
    const n = setze(lang).length;
    const tiff = await alsScan(lang, { stil: 'fax', format: 'tiff' });
    expect(tiff.mediaType).toBe('image/tiff');
    expect((await sharp(tiff.datei!, { pages: -1 }).metadata()).pages).toBe(n);
    const seite2 = await sharp(tiff.datei!, { page: 1 }).greyscale().raw().toBuffer();
    expect(new Set(seite2).size).toBeLessThanOrEqual(2);

    const pdf = await alsScan(lang, { stil: 'scan', format: 'pdf', dpi: 200 });
    const doc = await PDFDocument.load(pdf.datei!);
    expect(doc.getPageCount()).toBe(n);
    expect((await pdfText(pdf.datei!)).join('').trim()).toBe('');
  });

  it('draws the Patch T sheet as narrow-wide-narrow-wide bars of the Kodak dimensions', () => {
    const bild = seiteAlsBild(patchT(), 300);
    const mm = 300 / 25.4;
    // Walk down the middle column from the top: run lengths of black and white.
    const x = Math.round(bild.breite / 2);
    const laeufe: Array<{ schwarz: boolean; mm: number }> = [];
    for (let y = 0; y < Math.round(50 * mm); y++) {
      const schwarz = bild.daten[y * bild.breite + x]! < 128;
      const letzter = laeufe[laeufe.length - 1];
      if (letzter && letzter.schwarz === schwarz) letzter.mm += 1 / mm;
      else laeufe.push({ schwarz, mm: 1 / mm });
    }
    const balken = laeufe.filter((l) => l.schwarz).map((l) => l.mm);
    expect(balken).toHaveLength(4);
    const erwartet = PATCH_T.folge.map((f) => (f === 'W' ? 5.1 : 2.0));
    balken.forEach((b, i) => expect(Math.abs(b - erwartet[i]!)).toBeLessThan(0.2));
    const luecken = laeufe.slice(1, -1).filter((l) => !l.schwarz).slice(0, 3).map((l) => l.mm);
    luecken.forEach((l) => expect(Math.abs(l - 2.0)).toBeLessThan(0.2));
  });

  it('prints separator and first-page barcodes that a reader decodes after scanning', async () => {
    const blatt = await planAlsScan([await barcodeTrennblatt()], { stil: 'scan', format: 'png', dpi: 200 });
    expect(await barcodes(blatt.seiten[0]!)).toContain('AKTENLAUF-TRENNBLATT');
    const fax = await planAlsScan([await barcodeTrennblatt('ENDE-DOKUMENT')], { stil: 'fax', format: 'png' });
    expect(await barcodes(fax.seiten[0]!)).toContain('ENDE-DOKUMENT');

    const briefe = [erzeugeBrief(mulberry32(1), 'WBA', { bgQuote: 1 }), erzeugeBrief(mulberry32(2), 'KONTOAUSZUG', { bgQuote: 0 })];
    const stapel = await alsStapel(briefe, { trenner: 'barcode-erste-seite', format: 'tiff', dpi: 200, ersteSeiteBarcode: 'bg', barcodeArt: 'QRCode' });
    const [d1, d2] = stapel.wahrheit.dokumente;
    expect(d1!.barcode).toBe(`BG:${briefe[0]!.wahrheit.bgNummer}`);
    expect(d2!.barcode).toBe('DOK:KONTOAUSZUG');
    const seite = async (nr: number) => sharp(stapel.inhalt, { page: nr - 1 }).png().toBuffer();
    expect(await barcodes(await seite(d1!.seiten[0]!))).toContain(d1!.barcode);
    expect(await barcodes(await seite(d2!.seiten[0]!))).toContain(d2!.barcode);
  });

  it('batches letters with separators; the truth pages add up to the file', async () => {
    const rng = mulberry32(33);
    const briefe = [erzeugeBrief(rng, 'VAEM'), briefMitMehrerenSeiten(), erzeugeBrief(rng, 'AU_BESCHEINIGUNG')];
    for (const trenner of ['patch-t', 'keiner'] as const) {
      const s = await alsStapel(briefe, { trenner, format: 'pdf', dpi: 200, kopfueber: trenner === 'patch-t' ? 0.5 : 0, eingangsstempel: trenner === 'keiner' ? 1 : 0 });
      const n = (await PDFDocument.load(s.inhalt)).getPageCount();
      const alle = [...s.wahrheit.dokumente.flatMap((d) => d.seiten), ...s.wahrheit.trennseiten].sort((a, b) => a - b);
      expect(alle).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(s.wahrheit.dokumente.map((d) => d.art)).toEqual(['VAEM', 'MIETVERTRAG', 'AU_BESCHEINIGUNG']);
      expect(s.wahrheit.dokumente[1]!.seiten.length).toBeGreaterThan(1);
      expect(s.wahrheit.trennseiten).toHaveLength(trenner === 'keiner' ? 0 : 2);
      expect(s.wahrheit.rotationen).toHaveLength(n);
      for (const d of s.wahrheit.dokumente) {
        if (trenner === 'keiner') expect(d.eingangsstempel! >= d.brief.briefdatum!).toBe(true);
        else expect(d.eingangsstempel).toBeUndefined();
      }
    }
  });

  it('generates a corpus of files with truth, the same for the same seed', async () => {
    const opts = { seed: 5, anzahl: 4, mix: { bornDigital: 2, fax: 1, scan: 0, foto: 0, stapel: 0 } };
    const a = await erzeugeKorpus(opts);
    const b = await erzeugeKorpus(opts);
    expect(a.map((d) => d.name)).toEqual(b.map((d) => d.name));
    expect(a.map((d) => sha(d.inhalt))).toEqual(b.map((d) => sha(d.inhalt)));
    for (const d of a) {
      expect(d.wahrheit.dokumente.length).toBeGreaterThan(0);
      expect(d.name).toMatch(/^(eingang|stapel)-\d{4}\.(pdf|tif|jpg|png)$/);
      if (d.mediaType === 'application/pdf') {
        const n = (await PDFDocument.load(d.inhalt)).getPageCount();
        expect(d.wahrheit.dokumente.flatMap((x) => x.seiten).length + d.wahrheit.trennseiten.length).toBe(n);
      }
    }
    expect(new Set(a.map((d) => d.wahrheit.quelle)).size).toBeGreaterThan(1);
  });

  it('CLI writes the files and wahrheit.json, with BG-Nummern of the simulated Landkreis when asked', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'korpus-'));
    try {
      await korpusCli(['--seed', '3', '--anzahl', '3', '--out', out, '--mix', 'bornDigital=1,scan=0,fax=0,foto=0,stapel=0', '--haushalte', '50', '--stichtag', '2026-11-02']);
      const w = JSON.parse(fs.readFileSync(path.join(out, 'wahrheit.json'), 'utf8')) as { dateien: Array<{ name: string; bytes: number; wahrheit: { dokumente: Array<{ bgNummer?: string }> } }> };
      expect(w.dateien).toHaveLength(3);
      const bekannt = new Set(haushalteAusLandkreis(1, 50, '2026-11-02').map((h) => h.bgNummer));
      for (const d of w.dateien) {
        expect(fs.statSync(path.join(out, d.name)).size).toBe(d.bytes);
        for (const dok of d.wahrheit.dokumente) if (dok.bgNummer) expect(bekannt.has(dok.bgNummer)).toBe(true);
      }
      expect(w.dateien.flatMap((d) => d.wahrheit.dokumente).filter((d) => d.bgNummer).length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
