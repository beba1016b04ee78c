/**
 * Word boxes of a born-digital PDF page, from its text layer (pdf.js through pdf-parse), so the
 * Postkorb can mark identifiers on pages the engine read without OCR (the Lesung has no words
 * for them). Boxes are in PDF points of the displayed page (/Rotate applied), origin top left;
 * the console draws them in % of the page, which fits the page rendered at any resolution.
 * A text item is split into words with widths proportional to their characters (pdf.js gives
 * one width per item): good enough to frame a number.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import type { Wort } from '../domain/posteingang';

export interface TextlageSeite {
  breite: number;
  hoehe: number;
  woerter: Wort[];
}

interface PdfTextItem { str: string; transform: number[]; width: number }
interface PdfViewport { width: number; height: number; convertToViewportPoint(x: number, y: number): [number, number] }
interface PdfPage { getViewport(o: { scale: number }): PdfViewport; getTextContent(): Promise<{ items: (PdfTextItem | object)[] }> }
interface PdfDoc { numPages: number; getPage(nr: number): Promise<PdfPage> }

/** pdf.js runs its worker on the main thread; provide it without a dynamic import (as activities/erkennung/seiten.ts does). */
function pdfjsWorker(): void {
  const g = globalThis as { pdfjsWorker?: unknown };
  if (g.pdfjsWorker) return;
  const datei = path.join(path.dirname(require.resolve('pdf-parse')), '..', '..', 'worker', 'pdf.worker.mjs');
  const quelle = fs.readFileSync(datei, 'utf8')
    .replace(/import\.meta\.url/g, '"file:///pdf.worker.mjs"')
    .replace(/export\s*\{\s*WorkerMessageHandler\s*\}\s*;?\s*$/, '');
  new Function(quelle)();
}

/** Words with boxes of page `nr` (1-based) of a PDF; undefined when the page has no text layer. */
export async function textlageWoerter(inhalt: Buffer, nr: number): Promise<TextlageSeite | undefined> {
  pdfjsWorker();
  const parser = new PDFParse({ data: new Uint8Array(inhalt), verbosity: 0, isEvalSupported: false });
  try {
    // `load` is pdf-parse's own (TypeScript-private) accessor of the pdf.js document.
    const doc = await (parser as unknown as { load(): Promise<PdfDoc> }).load();
    if (nr < 1 || nr > doc.numPages) return undefined;
    const page = await doc.getPage(nr);
    const vp = page.getViewport({ scale: 1 });
    const { items } = await page.getTextContent();
    const woerter: Wort[] = [];
    for (const item of items) {
      if (!('str' in item) || typeof (item as PdfTextItem).str !== 'string') continue;
      const { str, transform: t, width } = item as PdfTextItem;
      if (str.trim() === '' || !Array.isArray(t) || t.length < 6) continue;
      const groesse = Math.hypot(t[2]!, t[3]!) || Math.hypot(t[0]!, t[1]!);
      const [x0, grundlinie] = vp.convertToViewportPoint(t[4]!, t[5]!);
      const [x1] = vp.convertToViewportPoint(t[4]! + width, t[5]!);
      const zeichenBreite = (x1 - x0) / Math.max(1, str.length);
      for (const m of str.matchAll(/\S+/g)) {
        const start = x0 + m.index * zeichenBreite;
        woerter.push({
          text: m[0],
          confidence: 100,
          bbox: { x0: start, y0: grundlinie - groesse * 0.85, x1: start + m[0].length * zeichenBreite, y1: grundlinie + groesse * 0.2 },
        });
      }
    }
    return woerter.length > 0 ? { breite: vp.width, hoehe: vp.height, woerter } : undefined;
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
