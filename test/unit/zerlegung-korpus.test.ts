/**
 * Splitting real-looking scanner batches from the test-letter generator (testdaten/posteingang, H1):
 * PATCH-T sheets, Code 128 separator sheets, blank pages and first-page barcodes (Code 128 / QR),
 * scanned and faxed, TIFF and scanned PDF, some pages upside down. Reading uses a stand-in OCR that
 * finds nothing, so the split rests on the page images alone (barcodes, patch bars, ink).
 */
import sharp from 'sharp';
import { erzeugeTexte } from '../../testdaten/posteingang';
import { alsStapel, type StapelOptionen } from '../../testdaten/posteingang/korpus';
import { leseDatei } from '../../activities/erkennung/lesen';
import type { OcrEngine } from '../../activities/erkennung/ocr';
import { STANDARD_ZERLEGUNG } from '../../activities/erkennung/zerlegung';

const stummeOcr: OcrEngine = {
  async erkenne(png) {
    const m = await sharp(png).metadata();
    return { text: '', woerter: [], meanConfidence: 0, rotation: 0, breite: m.width!, hoehe: m.height!, region: 'ganz' };
  },
  async close() {},
};

const faelle: StapelOptionen[] = [
  { trenner: 'patch-t', format: 'tiff', stil: 'scan', kopfueber: 0.3 },
  { trenner: 'barcode', format: 'pdf', stil: 'fax' },
  { trenner: 'leer', format: 'tiff', stil: 'fax' },
  { trenner: 'barcode-erste-seite', format: 'pdf', stil: 'scan', barcodeArt: 'QRCode', kopfueber: 0.3 },
  { trenner: 'barcode-erste-seite', format: 'tiff', stil: 'fax', ersteSeiteBarcode: 'dok' },
];

test.each(faelle)('batch %o is cut exactly as generated', async (opts) => {
  const briefe = erzeugeTexte(23, 1).slice(0, 4);
  const stapel = await alsStapel(briefe, { ...opts, seed: 9 });
  const res = await leseDatei(stapel.inhalt, stapel.mediaType, { ocr: stummeOcr, konfig: { ...STANDARD_ZERLEGUNG, leerseiten: opts.trenner === 'leer' } });
  expect(res.teile.map((t) => t.seiten)).toEqual(stapel.wahrheit.dokumente.map((d) => d.seiten));
  expect(res.teile.filter((t) => t.zweifelhaft)).toEqual([]);
  if (opts.trenner === 'barcode-erste-seite') {
    const erwartet = stapel.wahrheit.dokumente.map((d) => d.barcode);
    const gelesen = res.teile.map((t) => (t.barcodeBgNummer ? `BG:${t.barcodeBgNummer}` : t.barcodeDokumentart ? `DOK:${t.barcodeDokumentart}` : undefined));
    expect(gelesen).toEqual(erwartet);
  }
  if (opts.trenner === 'patch-t') {
    expect(res.seiten.filter((s) => s.trennung === 'patch-t').map((s) => s.nr)).toEqual(stapel.wahrheit.trennseiten);
  }
}, 300_000);
