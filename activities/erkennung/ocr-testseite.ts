/**
 * Synthetic scanned letter pages for tests, benchmarks and demos of page rendering and OCR:
 * an A4 letter in DejaVu Sans drawn with @napi-rs/canvas, optionally turned, made to look
 * scanned (slight blur and grain), and packed as PNG, JPEG, multi-page TIFF or scanned PDF.
 * The text is fictitious; no real person's data.
 */
import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';

let fontGeladen = false;
function font(): string {
  if (!fontGeladen) {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    GlobalFonts.registerFromPath(path.join(dir, 'DejaVuSans.ttf'), 'DejaVu Sans');
    GlobalFonts.registerFromPath(path.join(dir, 'DejaVuSans-Bold.ttf'), 'DejaVu Sans Bold');
    fontGeladen = true;
  }
  return 'DejaVu Sans';
}

export interface TestseiteOptionen {
  /** Resolution in dpi (default 300): A4 = 8.27 × 11.69 in. */
  dpi?: number;
  /** Subject line (default a Weiterbewilligungsantrag). */
  betreff?: string;
  /** Body lines (default a short German letter). */
  zeilen?: string[];
  /** Clockwise degrees the sheet was turned on the scanner (0, 90, 180, 270). */
  rotation?: number;
  /** Blur and grain like a 300 dpi office scanner (default true). */
  scan?: boolean;
  /** Seed for the grain (deterministic output). */
  seed?: number;
}

export const TESTSEITE_TEXT = [
  'Sehr geehrte Damen und Herren,',
  'hiermit beantrage ich die Weiterbewilligung der Leistungen zur',
  'Sicherung des Lebensunterhalts nach dem Zweiten Buch Sozialgesetzbuch',
  'für den nächsten Bewilligungszeitraum. Meine Einkommensverhältnisse',
  'haben sich seit dem letzten Antrag nicht verändert. Die Miete beträgt',
  'weiterhin 450,00 Euro zuzüglich Heizkosten von 85,00 Euro monatlich.',
  'Die Kontoauszüge der letzten drei Monate füge ich diesem Schreiben bei.',
  'Bitte teilen Sie mir mit, falls weitere Unterlagen benötigt werden.',
  '',
  'Mit freundlichen Grüßen',
  'Erika Musterfrau',
];

/** One page as a greyscale PNG. */
export async function testseite(o: TestseiteOptionen = {}): Promise<Buffer> {
  const dpi = o.dpi ?? 300;
  const w = Math.round(8.27 * dpi);
  const h = Math.round(11.69 * dpi);
  const pt = (p: number) => (p * dpi) / 72;
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const f = font();
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#111111';
  const x0 = pt(70);
  let y = pt(80);
  ctx.font = `${pt(9)}px "${f}"`;
  for (const z of ['Erika Musterfrau · Lindenweg 12 · 37073 Göttingen', '', 'Jobcenter Landkreis Musterland', 'Team Leistung 3', 'Bahnhofstraße 5', '37081 Göttingen']) {
    ctx.fillText(z, x0, y);
    y += pt(13);
  }
  ctx.font = `${pt(11)}px "${f}"`;
  ctx.fillText('Göttingen, 14.03.2026', w - pt(200), pt(230));
  y = pt(270);
  ctx.font = `${pt(12)}px "DejaVu Sans Bold"`;
  ctx.fillText(o.betreff ?? 'Weiterbewilligungsantrag – BG-Nummer 37101//0012345', x0, y);
  y += pt(30);
  ctx.font = `${pt(11)}px "${f}"`;
  for (const z of o.zeilen ?? TESTSEITE_TEXT) {
    ctx.fillText(z, x0, y);
    y += pt(16);
  }
  let img = sharp(canvas.toBuffer('image/png')).greyscale();
  if (o.scan ?? true) {
    const { data, info } = await img.blur(0.6).raw().toBuffer({ resolveWithObject: true });
    let s = (o.seed ?? 1) >>> 0 || 1;
    for (let i = 0; i < data.length; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      const n = (s % 25) - 12;
      data[i] = Math.max(0, Math.min(255, data[i]! + n));
    }
    img = sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } });
  }
  const g = (((o.rotation ?? 0) % 360) + 360) % 360;
  if (g) img = sharp(await img.png().toBuffer()).rotate(g);
  return img.withMetadata({ density: dpi }).png({ compressionLevel: 4 }).toBuffer();
}

/** A scanned PDF: each page is one full-page JPEG (as office scanners write them), no text layer. */
export async function scanPdf(seiten: Buffer[], dpi = 300): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const png of seiten) {
    const meta = await sharp(png).metadata();
    const jpg = await sharp(png).jpeg({ quality: 85 }).toBuffer();
    const img = await doc.embedJpg(jpg);
    const page = doc.addPage([((meta.width ?? 2480) * 72) / dpi, ((meta.height ?? 3508) * 72) / dpi]);
    page.drawImage(img, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return Buffer.from(await doc.save());
}

/** A multi-page TIFF of the pages (all must have the same size). */
export async function mehrseitenTiff(seiten: Buffer[]): Promise<Buffer> {
  return sharp(seiten, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer();
}
