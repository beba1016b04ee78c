/**
 * Reading with the real in-process OCR (tesseract.js, H3): a letter scanned upside down is read,
 * its page image is stored upright (turned as OCR found) at preview size, and the word boxes are
 * scaled into that stored image.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { erzeugeTexte } from '../../testdaten/posteingang';
import { alsStapel } from '../../testdaten/posteingang/korpus';
import { leseDatei } from '../../activities/erkennung/lesen';
import { createLokaleOcr } from '../../activities/erkennung/ocr';
import { rendereAlleSeiten } from '../../activities/erkennung/seiten';
import { STANDARD_ZERLEGUNG } from '../../activities/erkennung/zerlegung';

async function abstand(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((p) => sharp(p).greyscale().resize(200, 280, { fit: 'fill' }).raw().toBuffer()));
  let summe = 0;
  for (let i = 0; i < x!.length; i++) summe += Math.abs(x![i]! - y![i]!);
  return summe / x!.length;
}

test('an upside-down scan: read by OCR, stored upright, word boxes inside the stored image', async () => {
  const [brief] = erzeugeTexte(31, 1);
  const stapel = await alsStapel([brief!], { trenner: 'keiner', format: 'tiff', stil: 'scan', kopfueber: 1, seed: 2 });
  expect(stapel.wahrheit.rotationen).toEqual([180]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-lesen-'));
  const ocr = await createLokaleOcr({ workers: 1 });
  try {
    const res = await leseDatei(stapel.inhalt, stapel.mediaType, { ocr, dataDir, contentHash: 'c'.repeat(64), konfig: STANDARD_ZERLEGUNG });
    const [seite] = res.seiten;
    expect(seite!.quelle).toBe('ocr');
    expect(seite!.rotation).toBe(180);
    expect(seite!.leer).toBe(false);
    expect(seite!.meanConfidence).toBeGreaterThan(70);
    expect(seite!.text).toContain(brief!.wahrheit.absender.nachname);
    const gespeichert = fs.readFileSync(path.join(dataDir, seite!.bild!));
    const meta = await sharp(gespeichert).metadata();
    expect({ breite: meta.width, hoehe: meta.height }).toEqual(seite!.bildGroesse);
    expect(Math.max(meta.width!, meta.height!)).toBe(1700);
    for (const w of seite!.woerter!) {
      expect(w.bbox.x0).toBeGreaterThanOrEqual(0);
      expect(w.bbox.y0).toBeGreaterThanOrEqual(0);
      expect(w.bbox.x1).toBeLessThanOrEqual(meta.width!);
      expect(w.bbox.y1).toBeLessThanOrEqual(meta.height!);
    }
    // upright: the stored image is the scanned page turned by 180°, not the page as scanned
    const [gescannt] = await rendereAlleSeiten(stapel.inhalt, 'image/tiff');
    const gedreht = await sharp(gescannt!.png).rotate(180).png().toBuffer();
    expect(await abstand(gespeichert, gedreht)).toBeLessThan((await abstand(gespeichert, gescannt!.png)) / 2);
  } finally {
    await ocr.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 300_000);
