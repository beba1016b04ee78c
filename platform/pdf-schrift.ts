/**
 * Fonts for the PDFs the engine writes itself (letters, the record of a personal application, an
 * e-mail rendered as a document): DejaVu Sans (covers what names and e-mails bring: ğ, ş, ł, ő, €…),
 * embedded as a subset through @pdf-lib/fontkit.
 *
 * pdf-lib asks fontkit to parse the whole font file for every document; `fontkitMitCache` parses each
 * file once per process (measured: ~40 ms CPU per e-mail rendered, most of it parsing two TTFs).
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import type { PDFFont } from 'pdf-lib';

const geparst = new Map<Uint8Array, unknown>();
export const fontkitMitCache = {
  create(buf: Uint8Array, name?: string): unknown {
    if (name !== undefined) return (fontkit.create as (b: Uint8Array, n?: string) => unknown)(buf, name);
    let f = geparst.get(buf);
    if (!f) geparst.set(buf, (f = fontkit.create(buf)));
    return f;
  },
} as unknown as typeof fontkit;

function dejavuDatei(name: string): string {
  return path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', name);
}

let dejavu: { regular: Buffer; bold: Buffer } | undefined;
/** The font files, read once (the same Buffer each time: the parse cache is keyed by it). */
export function dejavuBytes(): { regular: Buffer; bold: Buffer } {
  dejavu ??= { regular: fs.readFileSync(dejavuDatei('DejaVuSans.ttf')), bold: fs.readFileSync(dejavuDatei('DejaVuSans-Bold.ttf')) };
  return dejavu;
}

/** Words of `text` in lines no wider than `breitePt` at `size` (a longer single word keeps its own line). */
export function umbrechen(text: string, font: PDFFont, size: number, breitePt: number): string[] {
  const woerter = text.split(/\s+/).filter(Boolean);
  const zeilen: string[] = [];
  let z = '';
  for (const w of woerter) {
    const kandidat = z ? `${z} ${w}` : w;
    if (font.widthOfTextAtSize(kandidat, size) <= breitePt || !z) z = kandidat;
    else {
      zeilen.push(z);
      z = w;
    }
  }
  if (z) zeilen.push(z);
  return zeilen;
}
