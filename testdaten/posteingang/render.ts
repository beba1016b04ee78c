/**
 * Renderings of test letters: born-digital PDFs (pdf-lib, DejaVu embedded as subsets) and page
 * images (@napi-rs/canvas) degraded like real incoming post with sharp — office scans, faxes
 * (bitonal, 200 dpi) and phone photos (skewed, unevenly lit, lower resolution).
 *
 * Deterministic: the layout and every random choice of the degradation derive from the
 * letter's text (FNV hash) and the `seed` option; pdf-lib's metadata dates are fixed to the
 * letter's date. Same input, same bytes.
 */
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { fontkitMitCache } from '../../platform/pdf-schrift';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { mulberry32 } from '../../domain/zufall';
import { A4, PT_MM, briefHash, fontBytes, fontPfad, setze, type Element, type FontArt, type SeitenPlan } from './satz';
import type { Brief } from './texte';
import { Wuerfel } from './werkzeug';

const MM_PT = 72 / 25.4;

// ---------------------------------------------------------------- born-digital PDF

function festesDatum(iso: string | undefined): Date {
  return new Date(`${iso ?? '2026-01-01'}T09:00:00Z`);
}

/** Draws page plans into a new PDF (vector text, fonts embedded). */
export async function planAlsPdf(seiten: SeitenPlan[], meta: { titel: string; datum?: string }): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkitMitCache);
  const fonts = new Map<FontArt, PDFFont>();
  const font = async (art: FontArt): Promise<PDFFont> => {
    let f = fonts.get(art);
    if (!f) fonts.set(art, (f = await doc.embedFont(fontBytes(art), { subset: true })));
    return f;
  };
  const H = A4.hoehe * MM_PT;
  for (const s of seiten) {
    const page: PDFPage = doc.addPage([A4.breite * MM_PT, H]);
    for (const e of s.elemente) {
      if (e.typ === 'text') {
        page.drawText(e.text, { x: e.x * MM_PT, y: H - e.y * MM_PT, size: e.pt, font: await font(e.font), color: rgb(...e.farbe) });
      } else if (e.typ === 'linie') {
        page.drawLine({ start: { x: e.x1 * MM_PT, y: H - e.y1 * MM_PT }, end: { x: e.x2 * MM_PT, y: H - e.y2 * MM_PT }, thickness: e.dicke * MM_PT, color: rgb(e.grau, e.grau, e.grau) });
      } else if (e.typ === 'rechteck') {
        page.drawRectangle({ x: e.x * MM_PT, y: H - (e.y + e.h) * MM_PT, width: e.b * MM_PT, height: e.h * MM_PT, color: rgb(e.grau, e.grau, e.grau) });
      } else {
        for (const r of matrixRechtecke(e)) {
          page.drawRectangle({ x: r.x * MM_PT, y: H - (r.y + r.h) * MM_PT, width: r.b * MM_PT, height: r.h * MM_PT, color: rgb(0, 0, 0) });
        }
      }
    }
  }
  doc.setTitle(meta.titel);
  doc.setProducer('Aktenlauf Testdaten');
  doc.setCreator('Aktenlauf Testdaten');
  doc.setCreationDate(festesDatum(meta.datum));
  doc.setModificationDate(festesDatum(meta.datum));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A born-digital PDF of the letter (text layer, DejaVu embedded); several pages when long. */
export async function alsPdf(brief: Brief, opts: { variante?: number } = {}): Promise<Buffer> {
  return planAlsPdf(setze(brief, opts.variante ?? 0), { titel: 'Schreiben', datum: brief.wahrheit.briefdatum });
}

/** Black modules of a barcode grid as rectangles (runs merged per row). */
function matrixRechtecke(e: Extract<Element, { typ: 'matrix' }>): Array<{ x: number; y: number; b: number; h: number }> {
  const out: Array<{ x: number; y: number; b: number; h: number }> = [];
  for (let r = 0; r < e.zeilen; r++) {
    for (let c = 0; c < e.spalten; ) {
      if (!e.schwarz[r * e.spalten + c]) {
        c++;
        continue;
      }
      let d = c;
      while (d < e.spalten && e.schwarz[r * e.spalten + d]) d++;
      out.push({ x: e.x + c * e.modul, y: e.y + r * e.modulHoehe, b: (d - c) * e.modul, h: e.modulHoehe });
      c = d;
    }
  }
  return out;
}

// ---------------------------------------------------------------- page images

let fontsRegistriert = false;
const FONT_FAMILIE: Record<FontArt, string> = {
  'sans': 'AkSans', 'sans-fett': 'AkSansFett', 'serif': 'AkSerif', 'serif-fett': 'AkSerifFett',
  'mono': 'AkMono', 'mono-fett': 'AkMonoFett', 'hand': 'AkHand',
};

function registriereFonts(): void {
  if (fontsRegistriert) return;
  for (const art of Object.keys(FONT_FAMILIE) as FontArt[]) GlobalFonts.registerFromPath(fontPfad(art), FONT_FAMILIE[art]);
  fontsRegistriert = true;
}

export interface Rohbild {
  /** Greyscale pixels, one byte each (0 black … 255 white). */
  daten: Buffer;
  breite: number;
  hoehe: number;
  dpi: number;
}

function zeichne(ctx: SKRSContext2D, e: Element, px: number, w: Wuerfel, handWackeln: boolean): void {
  if (e.typ === 'text') {
    ctx.font = `${e.pt * PT_MM * px}px ${FONT_FAMILIE[e.font]}`;
    const [r, g, b] = e.farbe;
    ctx.fillStyle = `rgb(${Math.round(r * 255)},${Math.round(g * 255)},${Math.round(b * 255)})`;
    if (handWackeln && e.font === 'hand') {
      // Handwriting: the line wanders a little.
      ctx.save();
      ctx.translate(e.x * px, e.y * px);
      ctx.rotate(((w.rng() - 0.5) * 1.6 * Math.PI) / 180);
      ctx.fillText(e.text, 0, 0);
      ctx.restore();
    } else {
      ctx.fillText(e.text, e.x * px, e.y * px);
    }
  } else if (e.typ === 'linie') {
    ctx.strokeStyle = `rgb(${e.grau * 255},${e.grau * 255},${e.grau * 255})`;
    ctx.lineWidth = Math.max(1, e.dicke * px);
    ctx.beginPath();
    ctx.moveTo(e.x1 * px, e.y1 * px);
    ctx.lineTo(e.x2 * px, e.y2 * px);
    ctx.stroke();
  } else if (e.typ === 'rechteck') {
    ctx.fillStyle = `rgb(${e.grau * 255},${e.grau * 255},${e.grau * 255})`;
    ctx.fillRect(e.x * px, e.y * px, e.b * px, e.h * px);
  } else {
    ctx.fillStyle = '#000';
    // Snap module edges to whole pixels so bars keep their widths.
    for (const r of matrixRechtecke(e)) {
      const x0 = Math.round(r.x * px);
      const y0 = Math.round(r.y * px);
      ctx.fillRect(x0, y0, Math.round((r.x + r.b) * px) - x0, Math.round((r.y + r.h) * px) - y0);
    }
  }
}

/** Draws one page plan as a clean greyscale image (A4 at `dpi`). */
export function seiteAlsBild(plan: SeitenPlan, dpi: number, seed = 0): Rohbild {
  registriereFonts();
  const px = dpi / 25.4;
  const breite = Math.round(A4.breite * px);
  const hoehe = Math.round(A4.hoehe * px);
  const canvas = createCanvas(breite, hoehe);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, breite, hoehe);
  const w = new Wuerfel(mulberry32(seed));
  for (const e of plan.elemente) zeichne(ctx, e, px, w, true);
  const rgba = canvas.data();
  const grau = einKanal(rgba, 4, 1);
  return { daten: grau, breite, hoehe, dpi };
}

// ---------------------------------------------------------------- degradation

export type ScanStil = 'scan' | 'fax' | 'foto';
export type ScanFormat = 'png' | 'jpeg' | 'tiff' | 'pdf';

export interface ScanOptionen {
  stil: ScanStil;
  /** Degrees the sheet lies turned on the scanner (the image is turned by this much). */
  rotation?: 0 | 90 | 180 | 270;
  /** 'scan' 300 (default) or 200; 'fax' always 200; 'foto' ~150 effective. */
  dpi?: 200 | 300;
  format: ScanFormat;
  /** Varies the degradation (and layout) of the same letter. */
  seed?: number;
}

export interface ScanErgebnis {
  mediaType: string;
  /** One encoded image per page (png/jpeg as asked; for tiff/pdf the page images that went into the file). */
  seiten: Buffer[];
  /** tiff/pdf: the whole multi-page file. */
  datei?: Buffer;
  /** Pixel size of each page image (after rotation). */
  groessen: Array<{ breite: number; hoehe: number }>;
  dpi: number;
}

/** Greyscale page → degraded greyscale (or RGB for photos) raw image. */
export async function degradiere(bild: Rohbild, stil: ScanStil, seed: number, opts: { jpegArtefakte?: boolean } = {}): Promise<{ daten: Buffer; breite: number; hoehe: number; kanaele: 1 | 3; dpi: number }> {
  const w = new Wuerfel(mulberry32(seed));
  const { breite, hoehe } = bild;
  if (stil === 'foto') return degradiereFoto(bild, w);

  // 1) paper and ink: white is never white, black never black (native: linear map).
  const papier = stil === 'fax' ? 255 : w.zahl(228, 246);
  const tinte = stil === 'fax' ? 0 : w.zahl(18, 55);
  const rausch = stil === 'fax' ? w.zahl(28, 45) : w.zahl(5, 10);
  const daten = await sharp(bild.daten, { raw: { width: breite, height: hoehe, channels: 1 } })
    .linear((papier - tinte) / 255, tinte)
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  if (daten.length !== breite * hoehe) throw new Error('degradiere: unerwartete Kanalzahl');
  // A few specks of dust and, sometimes, a faint streak from a dirty scanner glass.
  const specks = w.zahl(40, 250);
  for (let s = 0; s < specks; s++) {
    const x = w.zahl(0, breite - 4);
    const y = w.zahl(0, hoehe - 4);
    const d = w.zahl(1, 3);
    for (let yy = 0; yy < d; yy++) for (let xx = 0; xx < d; xx++) daten[(y + yy) * breite + x + xx] = w.zahl(20, 120);
  }
  if (w.ja(0.3)) {
    const x = w.zahl(0, breite - 3);
    const g = w.zahl(170, 215);
    for (let y = 0; y < hoehe; y++) for (let xx = 0; xx < 2; xx++) daten[y * breite + x + xx] = Math.min(daten[y * breite + x + xx]!, g);
  }
  // Sensor grain: a seeded noise tile repeated over the page, added around zero.
  const kachel = rauschKachel(w, 256, rausch);
  for (let y = 0, i = 0; y < hoehe; y++) {
    const zeile = (y & 255) << 8;
    const versatz = (y * 37) & 255;
    for (let x = 0; x < breite; x++, i++) {
      const v = daten[i]! + kachel[zeile + ((x + versatz) & 255)]!;
      daten[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }

  // 2) skew (±1.5°), cropped back to A4 so the page keeps its proportions.
  const winkel = (w.rng() * 2 - 1) * (stil === 'fax' ? 1.0 : 1.5);
  let img = sharp(daten, { raw: { width: breite, height: hoehe, channels: 1 } });
  const gedreht = await img.rotate(winkel, { background: { r: papier, g: papier, b: papier } }).raw().toBuffer({ resolveWithObject: true });
  const gb = gedreht.info.width;
  const gh = gedreht.info.height;
  img = sharp(gedreht.data, { raw: { width: gb, height: gh, channels: gedreht.info.channels } })
    .extract({ left: Math.floor((gb - breite) / 2), top: Math.floor((gh - hoehe) / 2), width: breite, height: hoehe })
    .greyscale();

  // 3) optics: slight blur; fax: bitonal threshold.
  if (stil === 'fax') {
    img = img.blur(0.6).threshold(w.zahl(135, 165));
  } else {
    img = img.blur(0.4 + w.rng() * 0.5);
  }
  let out = await img.raw().toBuffer({ resolveWithObject: true });
  if (stil === 'scan' && opts.jpegArtefakte !== false && w.ja(0.7)) {
    // JPEG artefacts of the scanner's own compression, decoded again (skipped when the output is JPEG anyway).
    const jpg = await sharp(out.data, { raw: { width: breite, height: hoehe, channels: out.info.channels } }).jpeg({ quality: w.zahl(45, 75) }).toBuffer();
    out = await sharp(jpg).greyscale().raw().toBuffer({ resolveWithObject: true });
  }
  return { daten: einKanal(out.data, out.info.channels), breite, hoehe, kanaele: 1, dpi: bild.dpi };
}

/** A size×size tile of noise values in [-amp, amp] (triangular distribution). */
function rauschKachel(w: Wuerfel, size: number, amp: number): Int16Array {
  const k = new Int16Array(size * size);
  for (let i = 0; i < k.length; i++) k[i] = Math.round((w.rng() + w.rng() - 1) * amp);
  return k;
}

/** One channel of an interleaved buffer (grey pages drawn black on white: any colour channel will do; `kanal` 1 = green). */
function einKanal(d: Buffer, kanaele: number, kanal = 0): Buffer {
  if (kanaele === 1) return d;
  const o = Buffer.allocUnsafe(d.length / kanaele);
  for (let i = kanal, j = 0; j < o.length; i += kanaele, j++) o[j] = d[i]!;
  return o;
}

/** A phone photo of the letter on a desk: perspective-like shear, rotation, uneven light, warm tint, lower resolution. */
async function degradiereFoto(bild: Rohbild, w: Wuerfel): Promise<{ daten: Buffer; breite: number; hoehe: number; kanaele: 3; dpi: number }> {
  const { breite, hoehe } = bild;
  // Uneven lighting: brightness falls off from a light spot; slight shadow band.
  const lx = w.rng() * breite;
  const ly = w.rng() * hoehe * 0.5;
  const abfall = 0.25 + w.rng() * 0.2;
  const diag = Math.hypot(breite, hoehe);
  const rgb = Buffer.allocUnsafe(breite * hoehe * 3);
  const tint = [1, 0.97 - w.rng() * 0.03, 0.9 - w.rng() * 0.06];
  const r = w.rng;
  for (let y = 0; y < hoehe; y++) {
    for (let x = 0; x < breite; x++) {
      const i = y * breite + x;
      const licht = 1 - abfall * (Math.hypot(x - lx, y - ly) / diag);
      const v = (40 + (bild.daten[i]! * 205) / 255) * licht + (r() - 0.5) * 12;
      rgb[i * 3] = Math.max(0, Math.min(255, v * tint[0]!));
      rgb[i * 3 + 1] = Math.max(0, Math.min(255, v * tint[1]!));
      rgb[i * 3 + 2] = Math.max(0, Math.min(255, v * tint[2]!));
    }
  }
  const tisch = { r: w.zahl(60, 120), g: w.zahl(50, 100), b: w.zahl(40, 80) };
  const scherX = (w.rng() * 2 - 1) * 0.04;
  const scherY = (w.rng() * 2 - 1) * 0.03;
  const skalierung = 0.72 + w.rng() * 0.1;
  const zwischen = await sharp(rgb, { raw: { width: breite, height: hoehe, channels: 3 } })
    .extend({ top: 40, bottom: 40, left: 40, right: 40, background: tisch })
    .affine([[1, scherX], [scherY, 1]], { background: tisch })
    .rotate((w.rng() * 2 - 1) * 3, { background: tisch })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const zielB = Math.round(zwischen.info.width * skalierung);
  const out = await sharp(zwischen.data, { raw: { width: zwischen.info.width, height: zwischen.info.height, channels: 3 } })
    .resize({ width: zielB })
    .blur(0.5 + w.rng() * 0.4)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { daten: out.data, breite: out.info.width, hoehe: out.info.height, kanaele: 3, dpi: Math.round(bild.dpi * skalierung) };
}

// ---------------------------------------------------------------- encoding

export interface SeitenBild {
  daten: Buffer;
  breite: number;
  hoehe: number;
  kanaele: 1 | 3;
  dpi: number;
  /** true for bitonal (fax) pages. */
  bitonal?: boolean;
}

async function kodiere(s: SeitenBild, format: 'png' | 'jpeg', rotation: number, qualitaet: number): Promise<{ buf: Buffer; breite: number; hoehe: number }> {
  let img = sharp(s.daten, { raw: { width: s.breite, height: s.hoehe, channels: s.kanaele } });
  if (rotation) img = img.rotate(rotation);
  img = img.withMetadata({ density: s.dpi });
  const buf = format === 'jpeg'
    ? await img.jpeg({ quality: qualitaet }).toBuffer()
    : s.bitonal ? await img.png({ palette: true, colours: 2, effort: 1, dither: 0, compressionLevel: 6 }).toBuffer() : await img.png({ compressionLevel: 4, adaptiveFiltering: false }).toBuffer();
  const quer = rotation === 90 || rotation === 270;
  return { buf, breite: quer ? s.hoehe : s.breite, hoehe: quer ? s.breite : s.hoehe };
}

/** Encodes page images as png/jpeg files, a multi-page TIFF or a scanned PDF (images only, no text layer). */
export async function kodiereSeiten(seiten: SeitenBild[], format: ScanFormat, rotationen: number[], seed: number): Promise<ScanErgebnis> {
  const w = new Wuerfel(mulberry32(seed ^ 0x51ed));
  const qualitaet = w.zahl(60, 85);
  const innen: 'png' | 'jpeg' = format === 'jpeg' ? 'jpeg' : format === 'png' ? 'png' : seiten.every((s) => s.bitonal) ? 'png' : 'jpeg';
  const kodiert = [];
  for (let i = 0; i < seiten.length; i++) kodiert.push(await kodiere(seiten[i]!, innen, rotationen[i] ?? 0, qualitaet));
  const groessen = kodiert.map((k) => ({ breite: k.breite, hoehe: k.hoehe }));
  const dpi = seiten[0]?.dpi ?? 300;
  if (format === 'png' || format === 'jpeg') {
    return { mediaType: format === 'png' ? 'image/png' : 'image/jpeg', seiten: kodiert.map((k) => k.buf), groessen, dpi };
  }
  if (format === 'tiff') {
    const bitonal = seiten.every((s) => s.bitonal);
    // Multi-page TIFF: pages of equal size joined (sharp's "animated" join = one page per input).
    const gleich = groessen.every((g) => g.breite === groessen[0]!.breite && g.hoehe === groessen[0]!.hoehe);
    if (!gleich) throw new Error('TIFF: alle Seiten müssen gleich groß sein');
    const eingabe = kodiert.length === 1 ? kodiert[0]!.buf : kodiert.map((k) => k.buf);
    let tiff = sharp(eingabe, kodiert.length === 1 ? {} : { join: { animated: true } });
    // Faxes as real fax servers store them: bitonal CCITT Group 4; scans JPEG-compressed.
    tiff = bitonal
      ? tiff.toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1, xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' })
      : tiff.greyscale(seiten.every((s) => s.kanaele === 1)).tiff({ compression: 'jpeg', quality: qualitaet, xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' });
    const datei = await tiff.toBuffer();
    return { mediaType: 'image/tiff', seiten: kodiert.map((k) => k.buf), datei, groessen, dpi };
  }
  const doc = await PDFDocument.create({ updateMetadata: false });
  for (let i = 0; i < kodiert.length; i++) {
    const k = kodiert[i]!;
    const s = seiten[i]!;
    const bild = innen === 'jpeg' ? await doc.embedJpg(k.buf) : await doc.embedPng(k.buf);
    const b = (k.breite / s.dpi) * 72;
    const h = (k.hoehe / s.dpi) * 72;
    const page = doc.addPage([b, h]);
    page.drawImage(bild, { x: 0, y: 0, width: b, height: h });
  }
  doc.setProducer(w.element(['Canon iR-ADV C5535', 'KODAK i2620 Scanner', 'RICOH IM C3000', 'Xerox WorkCentre 7855', 'fi-7160']));
  doc.setCreationDate(new Date('2026-01-01T08:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T08:00:00Z'));
  const datei = Buffer.from(await doc.save({ useObjectStreams: false }));
  return { mediaType: 'application/pdf', seiten: kodiert.map((k) => k.buf), datei, groessen, dpi };
}

/** Degraded page images of page plans (shared by alsScan and batches). */
export async function planAlsSeitenbilder(seiten: SeitenPlan[], stil: ScanStil, dpi: number, seed: number, format?: ScanFormat): Promise<SeitenBild[]> {
  const out: SeitenBild[] = [];
  for (let i = 0; i < seiten.length; i++) {
    const roh = seiteAlsBild(seiten[i]!, stil === 'fax' ? 200 : stil === 'foto' ? 200 : dpi, seed + i);
    const d = await degradiere(roh, stil, (seed ^ 0x2545f491) + i * 7919, { jpegArtefakte: format === 'png' });
    out.push({ ...d, bitonal: stil === 'fax' });
  }
  return out;
}

/** The letter as scanned/faxed/photographed pages. */
export async function alsScan(brief: Brief, opts: ScanOptionen): Promise<ScanErgebnis> {
  const seed = (briefHash(brief) ^ Math.imul(opts.seed ?? 0, 0x9e3779b1)) >>> 0;
  const plan = setze(brief, opts.seed ?? 0);
  const dpi = opts.stil === 'fax' ? 200 : (opts.dpi ?? 300);
  const bilder = await planAlsSeitenbilder(plan, opts.stil, dpi, seed, opts.format);
  return kodiereSeiten(bilder, opts.format, bilder.map(() => opts.rotation ?? 0), seed);
}

/** Any page plans (e.g. `patchT()`, `barcodeTrennblatt()`, `leerseite()`) as scanned pages. */
export async function planAlsScan(seiten: SeitenPlan[], opts: ScanOptionen): Promise<ScanErgebnis> {
  const seed = (0x7e57 ^ Math.imul(opts.seed ?? 0, 0x9e3779b1)) >>> 0;
  const dpi = opts.stil === 'fax' ? 200 : (opts.dpi ?? 300);
  const bilder = await planAlsSeitenbilder(seiten, opts.stil, dpi, seed, opts.format);
  return kodiereSeiten(bilder, opts.format, bilder.map(() => opts.rotation ?? 0), seed);
}
