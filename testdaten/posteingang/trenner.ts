/**
 * Separator sheets and barcodes of a scanning mail room, as page plans (satz.ts):
 *
 * - `patchT()`: the Kodak "Patch T" (transfer patch) sheet. A patch code is four parallel black
 *   bars separated by three narrow spaces; wide bars are 5.1 mm (0.20 in), narrow bars and all
 *   spaces 2.0 mm (0.08 in), total ≈ 20.2 mm (Kodak A-61599 "Patch Code Information"; zxing's
 *   PatchCodeReader encodes PATCH-T as 0b0010001 over bar/space/bar/space/bar/space/bar, i.e.
 *   bars narrow–wide–narrow–wide). We draw the bars parallel to the leading (top) edge, the
 *   sequence N W N W running from the top down, bars 80 mm long; one symbol near the top and
 *   one near the bottom (the same sheet fed either way round still carries an N W N W read
 *   from the top of its lower symbol, or W N W N = the upper one turned 180°).
 * - `barcodeTrennblatt(text)`: a Code 128 separator sheet (default "AKTENLAUF-TRENNBLATT").
 * - `leerseite()`: an empty page (the scanner adds its noise).
 * - `ersteSeiteMitBarcode(plan, inhalt, art)`: a Code 128 or QR code stamped in the top-right
 *   corner of a document's first page (`BG:96201BG0012345`, `DOK:WBA`).
 *
 * Barcodes come from zxing-wasm's writer with its .wasm loaded from node_modules (never a CDN).
 * Module size ≥ 0.35 mm (≥ 4 px at 300 dpi, ≥ 2.7 px at 200 dpi).
 */
import fs from 'node:fs';
import { A4, type Element, type SeitenPlan } from './satz';

const SCHWARZ = [0, 0, 0] as const;

type Writer = typeof import('zxing-wasm/writer');
let writer: Promise<Writer> | undefined;

function zxingWriter(): Promise<Writer> {
  writer ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const w = require('zxing-wasm/writer') as Writer;
    const wasm = await fs.promises.readFile(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
    const binary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
    await w.prepareZXingModule({ overrides: { wasmBinary: binary }, fireImmediately: true });
    return w;
  })();
  return writer;
}

export type BarcodeArt = 'Code128' | 'QRCode';

/** A barcode as a plan element at x/y (mm); linear codes get `hoehe` mm tall bars. */
export async function barcodeElement(inhalt: string, art: BarcodeArt, x: number, y: number, modul = 0.4, hoehe = 15): Promise<Extract<Element, { typ: 'matrix' }>> {
  const w = await zxingWriter();
  const r = await w.writeBarcode(inhalt, { format: art });
  if (r.error) throw new Error(`Barcode "${inhalt}": ${r.error}`);
  const sym = r.symbol;
  if (art === 'Code128') {
    // One row of modules is enough: 0 = black in zxing's symbol image.
    const schwarz = new Uint8Array(sym.width);
    for (let c = 0; c < sym.width; c++) schwarz[c] = sym.data[c] === 0 ? 1 : 0;
    return { typ: 'matrix', x, y, modul, modulHoehe: hoehe, spalten: sym.width, zeilen: 1, schwarz };
  }
  const schwarz = new Uint8Array(sym.width * sym.height);
  for (let i = 0; i < schwarz.length; i++) schwarz[i] = sym.data[i] === 0 ? 1 : 0;
  return { typ: 'matrix', x, y, modul, modulHoehe: modul, spalten: sym.width, zeilen: sym.height, schwarz };
}

function text(x: number, y: number, t: string, pt: number, fett = false): Element {
  return { typ: 'text', x, y, text: t, font: fett ? 'sans-fett' : 'sans', pt, farbe: SCHWARZ };
}

/** Bars of one Patch T symbol, from `oben` downwards: N W N W (mm). */
export const PATCH_T = { schmal: 2.0, breit: 5.1, luecke: 2.0, folge: ['N', 'W', 'N', 'W'] as const, laenge: 80 };

function patchSymbol(x: number, oben: number): Element[] {
  const out: Element[] = [];
  let y = oben;
  for (const b of PATCH_T.folge) {
    const h = b === 'W' ? PATCH_T.breit : PATCH_T.schmal;
    out.push({ typ: 'rechteck', x, y, b: PATCH_T.laenge, h, grau: 0 });
    y += h + PATCH_T.luecke;
  }
  return out;
}

/** The Patch T separator sheet. */
export function patchT(): SeitenPlan {
  const x = (A4.breite - PATCH_T.laenge) / 2;
  return {
    elemente: [
      ...patchSymbol(x, 20),
      text(x, 60, 'PATCH T', 28, true),
      text(x, 72, 'Trennblatt – Dokumentende / neues Dokument', 11),
      text(x, 80, 'Bitte nicht entfernen. Nicht knicken.', 9),
      ...patchSymbol(x, A4.hoehe - 20 - 20.2),
    ],
  };
}

/** A Code 128 separator sheet with the given text (default AKTENLAUF-TRENNBLATT). */
export async function barcodeTrennblatt(inhalt = 'AKTENLAUF-TRENNBLATT'): Promise<SeitenPlan> {
  const modul = 0.42;
  const code = await barcodeElement(inhalt, 'Code128', 0, 40, modul, 22);
  code.x = (A4.breite - code.spalten * modul) / 2;
  return {
    elemente: [
      text(25, 25, 'Jobcenter Landkreis Göttingen – Posteingang', 11, true),
      code,
      text(code.x, 72, inhalt, 12),
      text(25, 95, 'TRENNBLATT', 36, true),
      text(25, 110, 'Dieses Blatt trennt Dokumente im Scanstapel.', 11),
    ],
  };
}

/** An empty page (the degradation adds paper, specks and noise). */
export function leerseite(): SeitenPlan {
  return { elemente: [] };
}

/** The first page of a document with a barcode in the top-right corner (e.g. a Jobcenter Deckblatt sticker). */
export async function ersteSeiteMitBarcode(plan: SeitenPlan, inhalt: string, art: BarcodeArt = 'Code128'): Promise<SeitenPlan> {
  // Kept within the top 14 mm, above any letter text (letters start at ≥ 14 mm + one line).
  const modul = art === 'QRCode' ? 0.45 : 0.36;
  const code = await barcodeElement(inhalt, art, 0, 3, modul, 8);
  const breite = code.spalten * modul;
  const hoehe = art === 'QRCode' ? code.zeilen * modul : 8;
  code.x = A4.breite - 8 - breite;
  const weiss: Element = { typ: 'rechteck', x: code.x - 2, y: 1.5, b: breite + 4, h: 12.5, grau: 1 };
  const beschriftung = art === 'QRCode' ? text(code.x - 2 - inhalt.length * 1.3, 3 + hoehe / 2 + 1, inhalt, 6) : text(code.x, 13.2, inhalt, 5.5);
  return { elemente: [...plan.elemente, weiss, code, beschriftung] };
}

const MONATE_KURZ = ['Jan.', 'Feb.', 'März', 'Apr.', 'Mai', 'Juni', 'Juli', 'Aug.', 'Sep.', 'Okt.', 'Nov.', 'Dez.'];

/**
 * The mail room's received stamp ("Eingegangen 14. Okt. 2026 – Jobcenter Landkreis Göttingen"),
 * red, in the bottom margin (below any letter text, so it never hides words).
 */
export function mitEingangsstempel(plan: SeitenPlan, iso: string): SeitenPlan {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const rot = [0.78, 0.12, 0.12] as const;
  const x = 128;
  const oben = 273;
  const rahmen: Element[] = [
    { typ: 'linie', x1: x, y1: oben, x2: x + 62, y2: oben, dicke: 0.5, grau: 0.45 },
    { typ: 'linie', x1: x, y1: oben + 17, x2: x + 62, y2: oben + 17, dicke: 0.5, grau: 0.45 },
    { typ: 'linie', x1: x, y1: oben, x2: x, y2: oben + 17, dicke: 0.5, grau: 0.45 },
    { typ: 'linie', x1: x + 62, y1: oben, x2: x + 62, y2: oben + 17, dicke: 0.5, grau: 0.45 },
  ];
  return {
    elemente: [
      ...plan.elemente,
      ...rahmen,
      { typ: 'text', x: x + 3, y: oben + 5, text: 'Jobcenter Landkreis Göttingen', font: 'sans-fett', pt: 7, farbe: rot },
      { typ: 'text', x: x + 3, y: oben + 11, text: `Eingang ${d}. ${MONATE_KURZ[m - 1]} ${y}`, font: 'sans-fett', pt: 10, farbe: rot },
      { typ: 'text', x: x + 3, y: oben + 15.5, text: 'Posteingang', font: 'sans', pt: 6, farbe: rot },
    ],
  };
}
