/**
 * What the Posteingang files into the E-Akte for one document of a file: its pages as one PDF
 * (PDF pages copied, TIFF/PNG/JPEG pages as image pages), and the deterministic dokumentId that
 * makes a repeated filing a no-op. No stack needed; lives with the Posteingang tests.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { dokumentPdf } from '../../activities/posteingang/ablage-pdf';
import { dokumentIdFuer } from '../../activities/posteingang';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { pruefeEntscheidung } from '../../workflows/posteingang/dokument';
import { schrittFehler } from '../../workflows/posteingang/eingang';

test('the pages of one document are cut out of a PDF in order, the same pages give the same bytes', async () => {
  const src = await PDFDocument.create();
  for (const [w, h] of [[100, 200], [110, 210], [120, 220], [130, 230]] as const) src.addPage([w, h]);
  const inhalt = Buffer.from(await src.save());
  const pdf = await dokumentPdf(inhalt, 'application/pdf', [2, 3]);
  const doc = await PDFDocument.load(pdf);
  expect(doc.getPages().map((p) => Math.round(p.getWidth()))).toEqual([110, 120]);
  expect((await dokumentPdf(inhalt, 'application/pdf', [2, 3])).equals(pdf)).toBe(true);
  await expect(dokumentPdf(inhalt, 'application/pdf', [5])).rejects.toThrow(/Seite 5 gibt es in der Datei nicht/);
});

test('pages of a multi-page TIFF become image pages of a PDF, sized by the resolution', async () => {
  const seite = (grau: number) => sharp({ create: { width: 400, height: 566, channels: 3, background: { r: grau, g: grau, b: grau } } }).png().toBuffer();
  const seiten = await Promise.all([10, 120, 240].map(seite));
  const tiff = await sharp(seiten, { join: { animated: true } }).tiff({ xres: 200 / 25.4, yres: 200 / 25.4 }).toBuffer();
  expect((await sharp(tiff).metadata()).pages).toBe(3);
  const pdf = await PDFDocument.load(await dokumentPdf(tiff, 'image/tiff', [1, 3]));
  expect(pdf.getPageCount()).toBe(2);
  // 400 px at 200 dpi = 2 inch = 144 pt
  expect(Math.round(pdf.getPage(0).getWidth())).toBe(144);
  await expect(dokumentPdf(tiff, 'image/tiff', [4])).rejects.toThrow(/Seite 4/);
  const png = await PDFDocument.load(await dokumentPdf(seiten[0]!, 'image/png', [1]));
  expect(png.getPageCount()).toBe(1);
});

test('the dokumentId is a UUID derived from the workflow id only', () => {
  const a = dokumentIdFuer('dok-abc-0');
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(dokumentIdFuer('dok-abc-0')).toBe(a);
  expect(dokumentIdFuer('dok-abc-1')).not.toBe(a);
});

test('a review decision is checked without I/O: type, BG-Nummer format, user, open review', () => {
  const ok = { wer: 'pk.meier', dokumentart: 'WBA' as const, bgNummer: '96201 BG 0012345' };
  expect(() => pruefeEntscheidung(ok, true)).not.toThrow();
  expect(() => pruefeEntscheidung(ok, false)).toThrow(/wartet nicht/);
  expect(() => pruefeEntscheidung({ ...ok, wer: ' ' }, true)).toThrow(/Benutzer fehlt/);
  expect(() => pruefeEntscheidung({ ...ok, dokumentart: 'BRIEF' as never }, true)).toThrow(/Unbekannte Dokumentart/);
  expect(() => pruefeEntscheidung({ ...ok, bgNummer: '96201BG001234' }, true)).toThrow(/richtige Format/);
  expect(() => pruefeEntscheidung({ ...ok, kommentar: 'x'.repeat(2001) }, true)).toThrow(/zu lang/);
});

test('a failed step is recognised whether it was a normal activity (wrapped) or a local one (the failure itself)', () => {
  const nein = ApplicationFailure.nonRetryable('Die E-Akte lehnt das Dokument ab.', 'BusinessError:ABGELEHNT');
  const erwartet = { grund: 'Die E-Akte lehnt das Dokument ab.', code: 'BusinessError:ABGELEHNT' };
  expect(schrittFehler(new ActivityFailure('Activity task failed', 'legeDokumentAb', '7', RetryState.NON_RETRYABLE_FAILURE, 'worker', nein))).toEqual(erwartet);
  expect(schrittFehler(nein)).toEqual(erwartet);
  expect(schrittFehler(new TimeoutFailure('activity StartToClose timeout', undefined, TimeoutType.START_TO_CLOSE))).toEqual({ grund: 'activity StartToClose timeout' });
  // Anything else is not a step's failure: the workflow rethrows it (cancellation, a bug).
  expect(schrittFehler(new CancelledFailure('abgebrochen'))).toBeUndefined();
  expect(schrittFehler(new TypeError('x is undefined'))).toBeUndefined();
});
