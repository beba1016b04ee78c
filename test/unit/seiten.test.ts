/**
 * Page images of incoming files: PDF text layer per page, scanned PDF pages taken as embedded
 * images (and the same when rendered), multi-page TIFF, EXIF orientation, decompression bombs
 * refused, and turned pages found by OCR.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';
import { PDFDocument, PDFName, PDFNumber, StandardFonts } from 'pdf-lib';
import {
  dreheBild,
  erkenneMediaType,
  normalisiereBild,
  rendereAlleSeiten,
  rendereSeite,
  SeitenFehler,
  textlayerSeiten,
  zaehleSeiten,
} from '../../activities/erkennung/seiten';
import { mehrseitenTiff, scanPdf, testseite } from '../../activities/erkennung/ocr-testseite';
import { createLokaleOcr, type OcrEngine } from '../../activities/erkennung/ocr';
import { alsScan, erzeugeTexte } from '../../testdaten/posteingang';

async function textPdf(seiten: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= seiten; i++) {
    const p = doc.addPage([595, 842]);
    p.drawText(`Seite ${i}: Antrag auf Weiterbewilligung der Leistungen`, { x: 50, y: 780, size: 14, font });
  }
  return Buffer.from(await doc.save());
}

/** Mean absolute difference of two greyscale images of (nearly) the same size, 0–255. */
async function abstand(a: Buffer, b: Buffer): Promise<number> {
  const w = 600;
  const h = 848;
  const ra = await sharp(a).resize(w, h, { fit: 'fill' }).greyscale().raw().toBuffer();
  const rb = await sharp(b).resize(w, h, { fit: 'fill' }).greyscale().raw().toBuffer();
  let s = 0;
  for (let i = 0; i < ra.length; i++) s += Math.abs(ra[i]! - rb[i]!);
  return s / ra.length;
}

/** A PNG whose header claims width × height pixels (valid CRC), with no real image data. */
function pngKopf(width: number, height: number): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(100))), chunk('IEND', Buffer.alloc(0))]);
}

describe('seiten: PDF', () => {
  it('reads the text layer per page and does not render text pages unless asked', async () => {
    const pdf = await textPdf(3);
    expect(erkenneMediaType(pdf)).toBe('application/pdf');
    expect(await zaehleSeiten(pdf, 'application/pdf')).toBe(3);
    const texte = await textlayerSeiten(pdf);
    expect(texte).toEqual([1, 2, 3].map((i) => `Seite ${i}: Antrag auf Weiterbewilligung der Leistungen`));
    const seiten = await rendereAlleSeiten(pdf, 'application/pdf');
    expect(seiten.map((s) => [s.nr, s.herkunft, s.png.length, s.textlayer])).toEqual(
      [1, 2, 3].map((i) => [i, 'keins', 0, `Seite ${i}: Antrag auf Weiterbewilligung der Leistungen`]),
    );
  });

  it('renders one page on demand at the asked resolution, greyscale', async () => {
    const pdf = await textPdf(2);
    const s = await rendereSeite(pdf, 'application/pdf', 2, { dpi: 72 });
    expect(s).toMatchObject({ nr: 2, herkunft: 'gerendert', breite: 595, hoehe: 842, dpi: 72 });
    const meta = await sharp(s.png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 595, height: 842, channels: 1 });
    // The title line is drawn: the top of the page has ink, the bottom none.
    const { data } = await sharp(s.png).extract({ left: 0, top: 50, width: 595, height: 20 }).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeLessThan(100);
    await expect(rendereSeite(pdf, 'application/pdf', 3)).rejects.toThrow(/Seite 3 gibt es nicht/);
  });

  it('takes the embedded image of a scanned page, faithful to rendering it', async () => {
    const seite = await testseite({ dpi: 150 });
    const pdf = await scanPdf([seite, await testseite({ dpi: 150, rotation: 180 })], 150);
    const eingebettet = await rendereAlleSeiten(pdf, 'application/pdf', { dpi: 150 });
    expect(eingebettet.map((s) => [s.nr, s.herkunft, s.textlayer, s.dpi])).toEqual([[1, 'eingebettet', '', 150], [2, 'eingebettet', '', 150]]);
    expect(eingebettet[0]).toMatchObject({ breite: 1241, hoehe: 1754 });
    const gerendert = await rendereAlleSeiten(pdf, 'application/pdf', { dpi: 150, eingebettetBevorzugen: false });
    expect(gerendert.map((s) => s.herkunft)).toEqual(['gerendert', 'gerendert']);
    expect(Math.abs(gerendert[0]!.breite - 1241)).toBeLessThanOrEqual(1);
    expect(await abstand(eingebettet[0]!.png, gerendert[0]!.png)).toBeLessThan(4);
    // and it is the page that was scanned (JPEG-compressed), not another one
    expect(await abstand(eingebettet[0]!.png, seite)).toBeLessThan(4);
    expect(await abstand(eingebettet[0]!.png, eingebettet[1]!.png)).toBeGreaterThan(await abstand(eingebettet[0]!.png, seite));
  });

  it('refuses a PDF page image that claims too many pixels', async () => {
    const pdf = await scanPdf([await testseite({ dpi: 72, scan: false })], 72);
    const doc = await PDFDocument.load(pdf);
    const bild = doc.getPage(0).node.Resources()!.lookup(PDFName.of('XObject'));
    const [, ref] = (bild as unknown as { entries(): [unknown, unknown][] }).entries()[0]!;
    const stream = doc.context.lookup(ref as Parameters<typeof doc.context.lookup>[0]) as unknown as { dict: { set(k: PDFName, v: PDFNumber): void } };
    stream.dict.set(PDFName.of('Width'), PDFNumber.of(60000));
    stream.dict.set(PDFName.of('Height'), PDFNumber.of(60000));
    const bombe = Buffer.from(await doc.save());
    const err = await rendereAlleSeiten(bombe, 'application/pdf').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeitenFehler);
    expect(err).toMatchObject({ code: 'zu-gross', message: expect.stringMatching(/^Bild ist zu groß/) });
  });

  it('reports a broken PDF in German', async () => {
    const err = await zaehleSeiten(Buffer.from('%PDF-1.7\nkaputt'), 'application/pdf').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SeitenFehler', code: 'unlesbar', message: expect.stringContaining('PDF-Datei ist beschädigt') });
  });
});

describe('seiten: images', () => {
  it('splits a multi-page TIFF into pages', async () => {
    const a = await testseite({ dpi: 100, scan: false });
    const b = await testseite({ dpi: 100, scan: false, rotation: 180 });
    const tiff = await mehrseitenTiff([a, b]);
    expect(erkenneMediaType(tiff)).toBe('image/tiff');
    expect(await zaehleSeiten(tiff, 'image/tiff')).toBe(2);
    const seiten = await rendereAlleSeiten(tiff, 'image/tiff');
    expect(seiten.map((s) => [s.nr, s.herkunft, s.breite, s.hoehe])).toEqual([[1, 'bild', 827, 1169], [2, 'bild', 827, 1169]]);
    expect(await abstand(seiten[0]!.png, a)).toBeLessThan(1);
    expect(await abstand(seiten[1]!.png, b)).toBeLessThan(1);
    expect(await abstand(seiten[0]!.png, seiten[1]!.png)).toBeGreaterThan(5);
  });

  it('applies EXIF orientation and limits the long side', async () => {
    const a = await testseite({ dpi: 100, scan: false });
    const jpeg = await sharp(await dreheBild(a, 270)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(erkenneMediaType(jpeg)).toBe('image/jpeg');
    const [s] = await rendereAlleSeiten(jpeg, 'image/jpeg', { maxKante: 600 });
    expect(s).toMatchObject({ breite: 424, hoehe: 600, herkunft: 'bild' });
    expect(await abstand(s!.png, a)).toBeLessThan(8);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    const bombe = pngKopf(40000, 40000);
    expect(erkenneMediaType(bombe)).toBe('image/png');
    const err = await rendereAlleSeiten(bombe, 'image/png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeitenFehler);
    expect(err).toMatchObject({ code: 'zu-gross', message: expect.stringMatching(/^Bild ist zu groß \(mehr als 100 Megapixel\)/) });
    await expect(normalisiereBild(Buffer.from('kein Bild'))).rejects.toMatchObject({ code: 'unlesbar' });
  });

  it('turns images by quarter turns', async () => {
    const a = await testseite({ dpi: 50, scan: false });
    const gedreht = await dreheBild(a, 90);
    const meta = await sharp(gedreht).metadata();
    expect([meta.width, meta.height]).toEqual([585, 414]);
    expect(await dreheBild(a, 0)).toBe(a);
    expect(await abstand(await dreheBild(gedreht, 270), a)).toBe(0);
  });
});

describe('seiten: rotation found by OCR', () => {
  let ocr: OcrEngine;
  beforeAll(async () => {
    ocr = await createLokaleOcr({ workers: 1 });
  });
  afterAll(async () => {
    await ocr.close();
  });

  it.each([
    [180, 180],
    [90, 270],
    [270, 90],
  ])('a sheet turned by %i° is read after turning it by %i°', async (gedreht, erwartet) => {
    const { png } = await normalisiereBild(await testseite({ dpi: 200, rotation: gedreht }));
    const r = await ocr.erkenne(png, { region: 'kopf' });
    expect(r.rotation).toBe(erwartet);
    expect(r.text).toContain('Weiterbewilligungsantrag');
    expect([r.breite, r.hoehe]).toEqual([1654, 2338]);
    expect(r.meanConfidence).toBeGreaterThan(80);
  }, 180_000);

  it.each([
    ['foto', 180, 8, 180],
    ['fax', 90, 4, 270],
    ['foto', 0, 2, 0],
  ] as const)('a %s of a generated letter turned by %i° is found', async (stil, gedreht, index, erwartet) => {
    const brief = erzeugeTexte(20261126, 2)[index]!;
    const scan = await alsScan(brief, { stil, format: 'png', rotation: gedreht, seed: 200 + index });
    const [seite] = await rendereAlleSeiten(scan.seiten[0]!, 'image/png');
    const r = await ocr.erkenne(seite!.png, { region: 'kopf' });
    expect(r.rotation).toBe(erwartet);
    expect(r.meanConfidence).toBeGreaterThan(80);
  }, 180_000);

  it('an upright page is read as it is', async () => {
    const { png } = await normalisiereBild(await testseite({ dpi: 200 }));
    const r = await ocr.erkenne(png, { region: 'kopf' });
    expect(r.rotation).toBe(0);
    expect(r.text).toContain('Jobcenter Landkreis Musterland');
  }, 180_000);
});
