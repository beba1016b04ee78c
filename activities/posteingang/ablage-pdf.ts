/**
 * The content filed into the E-Akte for one document of an incoming file: its pages as one PDF.
 * PDF → the pages copied with pdf-lib (text layer, fonts and images kept as they came);
 * TIFF/PNG/JPEG → a PDF with one image page per page, sized from the image's resolution.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';

const PT_PRO_ZOLL = 72;

export async function dokumentPdf(inhalt: Buffer, mediaType: string, seiten: number[]): Promise<Buffer> {
  if (seiten.length === 0) throw new Error('Dokument ohne Seiten');
  const ziel = await PDFDocument.create();
  if (mediaType === 'application/pdf') {
    const quelle = await PDFDocument.load(inhalt, { updateMetadata: false });
    const n = quelle.getPageCount();
    for (const nr of seiten) if (nr < 1 || nr > n) throw new Error(`Seite ${nr} gibt es in der Datei nicht (${n} Seiten)`);
    const kopien = await ziel.copyPages(quelle, seiten.map((nr) => nr - 1));
    for (const k of kopien) ziel.addPage(k);
  } else if (mediaType === 'image/tiff' || mediaType === 'image/png' || mediaType === 'image/jpeg') {
    const meta = await sharp(inhalt, { limitInputPixels: 200_000_000 }).metadata();
    const anzahl = meta.pages ?? 1;
    for (const nr of seiten) {
      if (nr < 1 || nr > anzahl) throw new Error(`Seite ${nr} gibt es in der Datei nicht (${anzahl} Seiten)`);
      const bild = sharp(inhalt, { page: nr - 1, limitInputPixels: 200_000_000 }).rotate();
      const m = await sharp(inhalt, { page: nr - 1, limitInputPixels: 200_000_000 }).metadata();
      const dpi = m.density && m.density >= 72 && m.density <= 1200 ? m.density : 200;
      let eingebettet;
      if (mediaType === 'image/jpeg' && (m.orientation ?? 1) === 1) {
        eingebettet = await ziel.embedJpg(inhalt);
      } else {
        eingebettet = await ziel.embedPng(await bild.png().toBuffer());
      }
      const breite = (eingebettet.width / dpi) * PT_PRO_ZOLL;
      const hoehe = (eingebettet.height / dpi) * PT_PRO_ZOLL;
      const seite = ziel.addPage([breite, hoehe]);
      seite.drawImage(eingebettet, { x: 0, y: 0, width: breite, height: hoehe });
    }
  } else {
    throw new Error(`Dateiformat ${mediaType} kann nicht abgelegt werden`);
  }
  // Fixed dates: the same pages give the same bytes (a repeated filing carries identical content).
  const fest = new Date('2000-01-01T00:00:00Z');
  ziel.setCreationDate(fest);
  ziel.setModificationDate(fest);
  ziel.setProducer('Aktenlauf');
  return Buffer.from(await ziel.save());
}
