/**
 * In-process OCR (tesseract.js, German model from node_modules): words with boxes in page
 * pixels, the head region, unreadable images, and the TSV parser.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createLokaleOcr, deutschesModell, KOPF_ANTEIL, OcrBildFehler, TESSERACT_PARAMETER, tesseractCliArgumente, woerterAusTsv, type OcrEngine } from '../../activities/erkennung/ocr';
import { normalisiereBild } from '../../activities/erkennung/seiten';
import { testseite } from '../../activities/erkennung/ocr-testseite';

describe('ocr: TSV', () => {
  it('takes words (level 5) with boxes and confidences, shifted by the region offset', () => {
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t',
      '4\t1\t1\t1\t1\t0\t100\t200\t400\t30\t-1\t',
      '5\t1\t1\t1\t1\t1\t100\t200\t120\t30\t96.123456\tJobcenter',
      '5\t1\t1\t1\t1\t2\t230\t200\t90\t30\t-1\t ',
      '5\t1\t1\t1\t1\t3\t330\t201\t70\t29\t88.5\tLeer\tzeichen',
    ].join('\n');
    expect(woerterAusTsv(tsv, 5, 1000)).toEqual([
      { text: 'Jobcenter', confidence: 96.1, bbox: { x0: 105, y0: 1200, x1: 225, y1: 1230 } },
      { text: 'Leer\tzeichen', confidence: 88.5, bbox: { x0: 335, y0: 1201, x1: 405, y1: 1230 } },
    ]);
  });
});

describe('ocr: parameters', () => {
  it('gives native tesseract (bench) the parameters the engine reads with: page segmentation as --psm, the rest as -c', () => {
    expect(TESSERACT_PARAMETER.tessedit_pageseg_mode).toBe('3');
    const args = tesseractCliArgumente();
    expect(args.slice(0, 2)).toEqual(['--psm', '3']);
    const c = args.slice(2);
    expect(c.filter((_, i) => i % 2 === 0).every((a) => a === '-c')).toBe(true);
    expect(c.filter((_, i) => i % 2 === 1).sort()).toEqual(
      Object.entries(TESSERACT_PARAMETER).filter(([k]) => k !== 'tessedit_pageseg_mode').map(([k, v]) => `${k}=${v}`).sort(),
    );
    expect(tesseractCliArgumente({ tessedit_do_invert: '0', tessedit_pageseg_mode: '6' })).toEqual(['--psm', '6', '-c', 'tessedit_do_invert=0']);
  });
});

describe('ocr: local engine', () => {
  let ocr: OcrEngine;
  let png: Buffer;
  beforeAll(async () => {
    ocr = await createLokaleOcr({ workers: 1 });
    png = (await normalisiereBild(await testseite({ dpi: 200 }))).png;
  });
  afterAll(async () => {
    await ocr.close();
  });

  it('uses the German model shipped in node_modules', () => {
    const m = deutschesModell();
    expect(m.langPath).toContain(`${path.sep}node_modules${path.sep}@tesseract.js-data${path.sep}deu`);
    expect(fs.existsSync(path.join(m.langPath, m.gzip ? 'deu.traineddata.gz' : 'deu.traineddata'))).toBe(true);
  });

  it('reads the whole page and the head region with the same boxes', async () => {
    const ganz = await ocr.erkenne(png, { region: 'ganz', rotation: 0 });
    const kopf = await ocr.erkenne(png, { region: 'kopf', rotation: 0 });
    expect(ganz).toMatchObject({ rotation: 0, breite: 1654, hoehe: 2338, region: 'ganz' });
    expect(ganz.text).toContain('Mit freundlichen Grüßen');
    expect(ganz.text).toContain('Weiterbewilligungsantrag');
    expect(ganz.meanConfidence).toBeGreaterThan(85);
    expect(kopf.text).toContain('Weiterbewilligungsantrag');
    expect(kopf.text).not.toContain('freundlichen');
    expect(Math.max(...kopf.woerter.map((w) => w.bbox.y1))).toBeLessThanOrEqual(Math.round(2338 * KOPF_ANTEIL));
    const imKopf = kopf.woerter.find((w) => w.text === 'Weiterbewilligungsantrag')!;
    const imGanzen = ganz.woerter.find((w) => w.text === 'Weiterbewilligungsantrag')!;
    for (const k of ['x0', 'y0', 'x1', 'y1'] as const) expect(Math.abs(imKopf.bbox[k] - imGanzen.bbox[k])).toBeLessThanOrEqual(2);
    // the box is where the subject line was drawn (270 pt from the top at 200 dpi)
    expect(Math.abs(imGanzen.bbox.y1 - (270 * 200) / 72)).toBeLessThan(15);
    expect(imGanzen.confidence).toBeGreaterThan(80);
  }, 120_000);

  it('refuses an image it cannot decode, with a German reason', async () => {
    const err = await ocr.erkenne(Buffer.from('GIF89a kaputt')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcrBildFehler);
    expect((err as Error).message).toMatch(/^Das Seitenbild ist beschädigt/);
  });

  it('reads an empty page as no words, not as an error', async () => {
    const weiss = await sharp({ create: { width: 827, height: 1169, channels: 3, background: '#ffffff' } }).greyscale().png().toBuffer();
    const r = await ocr.erkenne(weiss);
    expect(r).toMatchObject({ text: '', woerter: [], meanConfidence: 0, rotation: 0 });
  }, 120_000);
});
