/**
 * Page layout of a test letter, independent of the output: positions of text lines, rules and
 * boxes in millimetres on A4, split into pages. The born-digital PDF (pdf-lib) and the page
 * images for scans (@napi-rs/canvas) draw the same plan, so a scan shows what the PDF shows.
 *
 * Widths are measured with the DejaVu fonts' advance widths (fontkit), so lines never run
 * past the right margin: a letter whose longest line does not fit is set smaller.
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { mulberry32 } from '../../domain/zufall';
import type { Brief } from './texte';
import { Wuerfel } from './werkzeug';

export const A4 = { breite: 210, hoehe: 297 } as const;
export const PT_MM = 25.4 / 72;

export type FontArt = 'sans' | 'sans-fett' | 'serif' | 'serif-fett' | 'mono' | 'mono-fett' | 'hand';

const FONT_DATEIEN: Record<FontArt, string> = {
  'sans': 'DejaVuSans.ttf',
  'sans-fett': 'DejaVuSans-Bold.ttf',
  'serif': 'DejaVuSerif.ttf',
  'serif-fett': 'DejaVuSerif-Bold.ttf',
  'mono': 'DejaVuSansMono.ttf',
  'mono-fett': 'DejaVuSansMono-Bold.ttf',
  'hand': 'DejaVuSerif-Italic.ttf',
};

export function fontPfad(art: FontArt): string {
  return path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', FONT_DATEIEN[art]);
}

const fontBytesCache = new Map<FontArt, Buffer>();
export function fontBytes(art: FontArt): Buffer {
  let b = fontBytesCache.get(art);
  if (!b) fontBytesCache.set(art, (b = fs.readFileSync(fontPfad(art))));
  return b;
}

interface Metrik {
  em: number;
  breiten: Map<number, number>;
  glyph(cp: number): number;
}
const metriken = new Map<FontArt, Metrik>();
function metrik(art: FontArt): Metrik {
  let m = metriken.get(art);
  if (!m) {
    const font = fontkit.create(fontBytes(art)) as unknown as { unitsPerEm: number; glyphForCodePoint(cp: number): { advanceWidth: number } };
    const breiten = new Map<number, number>();
    m = {
      em: font.unitsPerEm,
      breiten,
      glyph(cp: number): number {
        let b = breiten.get(cp);
        if (b === undefined) breiten.set(cp, (b = font.glyphForCodePoint(cp).advanceWidth));
        return b;
      },
    };
    metriken.set(art, m);
  }
  return m;
}

/** Width of a text in mm at a size in pt. */
export function textBreite(text: string, art: FontArt, pt: number): number {
  const m = metrik(art);
  let units = 0;
  for (const ch of text) units += m.glyph(ch.codePointAt(0)!);
  return (units / m.em) * pt * PT_MM;
}

export type Element =
  | { typ: 'text'; x: number; y: number; text: string; font: FontArt; pt: number; farbe: readonly [number, number, number] }
  | { typ: 'linie'; x1: number; y1: number; x2: number; y2: number; dicke: number; grau: number }
  | { typ: 'rechteck'; x: number; y: number; b: number; h: number; grau: number }
  /** A barcode as a module grid (1 = black), top-left at x/y, each module `modul` mm wide and `modulHoehe` mm high. */
  | { typ: 'matrix'; x: number; y: number; modul: number; modulHoehe: number; spalten: number; zeilen: number; schwarz: Uint8Array };

export interface SeitenPlan {
  elemente: Element[];
}

/** FNV-1a over the letter's text: the seed of its layout and degradation (no clock, no global state). */
export function briefHash(brief: Brief): number {
  let h = 0x811c9dc5;
  const s = brief.wahrheit.vorlage + '\n' + brief.zeilen.join('\n');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const SCHWARZ = [0, 0, 0] as const;
const TINTE = [0.08, 0.12, 0.45] as const;
const ZAHL = /^[-+]?[\d.]+,\d\d( €| EUR)?$/;

/** Lays the letter out on A4 pages. `variante` changes margins/spacing within the letter's style. */
export function setze(brief: Brief, variante = 0): SeitenPlan[] {
  const w = new Wuerfel(mulberry32(briefHash(brief) ^ variante));
  const L = brief.layout;
  const familie = L.schrift === 'hand' ? 'hand' : L.schrift;
  const normal: FontArt = familie;
  const fett: FontArt = familie === 'hand' ? 'hand' : (`${familie}-fett` as FontArt);
  const links = L.randLinks + w.zahl(-3, 3);
  const rechtsRand = A4.breite - w.zahl(15, 22);
  const nutzbar = rechtsRand - links;
  const oben = w.zahl(14, 28);
  const unten = A4.hoehe - w.zahl(18, 26);
  const zeilenFaktor = L.stil === 'handschrift' ? w.element([1.5, 1.6, 1.7]) : w.element([1.22, 1.3, 1.38, 1.45]);

  // Font size: the body size, smaller if the widest plain line would not fit.
  let pt = L.groesse;
  const istTabelle = (z: string) => z.includes('\t');
  const fontVon = (i: number): FontArt => (L.handschriftlich.includes(i) ? 'hand' : L.fett.includes(i) || L.ueberschriften.includes(i) ? fett : normal);
  const ptVon = (i: number, basis: number) => (L.ueberschriften.includes(i) ? basis + 3 : L.handschriftlich.includes(i) ? basis + 1.5 : basis);
  for (let guard = 0; guard < 12; guard++) {
    let zuBreit = false;
    for (let i = 0; i < brief.zeilen.length && !zuBreit; i++) {
      const z = brief.zeilen[i]!;
      if (istTabelle(z)) continue;
      if (textBreite(z, fontVon(i), ptVon(i, pt)) > nutzbar) zuBreit = true;
    }
    if (!zuBreit) break;
    pt = Math.max(6.5, pt - 0.5);
  }

  // Table blocks: column widths per block of consecutive rows.
  const spalten = new Map<number, { x: number[]; breite: number[]; pt: number }>();
  for (let i = 0; i < brief.zeilen.length; ) {
    if (!istTabelle(brief.zeilen[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < brief.zeilen.length && istTabelle(brief.zeilen[j]!)) j++;
    let tpt = pt;
    let layout: { x: number[]; breite: number[]; pt: number } | undefined;
    for (let guard = 0; guard < 16; guard++) {
      const breite: number[] = [];
      for (let k = i; k < j; k++) {
        const zellen = brief.zeilen[k]!.split('\t');
        zellen.forEach((zelle, c) => {
          // A cell followed by an empty cell runs into it (e.g. "Alter Kontostand vom …" over three columns).
          const spannt = c + 1 < zellen.length && zellen[c + 1] === '';
          breite[c] = Math.max(breite[c] ?? 0, spannt ? 0 : textBreite(zelle, fontVon(k), ptVon(k, tpt)));
        });
      }
      const luecke = 4;
      const gesamt = breite.reduce((s, b) => s + b, 0) + luecke * (breite.length - 1);
      if (gesamt <= nutzbar || tpt <= 6) {
        // Spread spare room: the first column keeps its width, others move right a little.
        const extra = Math.max(0, Math.min(25, (nutzbar - gesamt) / Math.max(1, breite.length)));
        const x: number[] = [];
        let pos = links;
        for (let c = 0; c < breite.length; c++) {
          x.push(pos);
          pos += (breite[c] ?? 0) + luecke + extra;
        }
        layout = { x, breite, pt: tpt };
        break;
      }
      tpt -= 0.5;
    }
    for (let k = i; k < j; k++) spalten.set(k, layout!);
    i = j;
  }

  const seiten: SeitenPlan[] = [{ elemente: [] }];
  let y = oben;
  const dekor = L.stil === 'geschaeftsbrief' || L.stil === 'bescheid' || L.stil === 'tabelle';
  if (dekor && w.ja(0.6)) {
    // A logo block at the top right and a rule under the letterhead.
    seiten[0]!.elemente.push({ typ: 'rechteck', x: rechtsRand - 22, y: oben - 8, b: 22, h: 10, grau: w.element([0.35, 0.5, 0.2]) });
  }
  let kopfLinie = dekor;
  let vorherTabelle = false;
  for (let i = 0; i < brief.zeilen.length; i++) {
    const z = brief.zeilen[i]!;
    const sp = spalten.get(i);
    const zpt = ptVon(i, sp ? sp.pt : pt);
    const hoehe = zpt * zeilenFaktor * PT_MM;
    if (z === '') {
      y += hoehe * 0.7;
      if (kopfLinie && i > 2) {
        seiten[seiten.length - 1]!.elemente.push({ typ: 'linie', x1: links, y1: y - hoehe * 0.35, x2: rechtsRand, y2: y - hoehe * 0.35, dicke: 0.3, grau: 0.3 });
        kopfLinie = false;
      }
      vorherTabelle = false;
      continue;
    }
    if (y + hoehe > unten) {
      seiten.push({ elemente: [] });
      y = oben;
    }
    y += hoehe;
    const seite = seiten[seiten.length - 1]!;
    const font = fontVon(i);
    const farbe = font === 'hand' && L.schrift !== 'hand' ? TINTE : SCHWARZ;
    if (sp) {
      const zellen = z.split('\t');
      zellen.forEach((zelle, c) => {
        if (!zelle) return;
        const x0 = sp.x[c] ?? links;
        const rechtsbuendig = ZAHL.test(zelle) && c > 0;
        const x = rechtsbuendig ? x0 + (sp.breite[c] ?? 0) - textBreite(zelle, font, zpt) : x0;
        seite.elemente.push({ typ: 'text', x, y, text: zelle, font, pt: zpt, farbe });
      });
      if (!vorherTabelle && L.stil === 'tabelle' && L.fett.includes(i)) {
        seite.elemente.push({ typ: 'linie', x1: links, y1: y + hoehe * 0.25, x2: rechtsRand, y2: y + hoehe * 0.25, dicke: 0.25, grau: 0.2 });
      }
      vorherTabelle = true;
      continue;
    }
    vorherTabelle = false;
    const breite = textBreite(z, font, zpt);
    const hand = L.handschriftlich.includes(i) && L.schrift !== 'hand';
    const x = L.rechts.includes(i) ? rechtsRand - breite : hand ? links + w.zahl(0, 30) : links;
    seite.elemente.push({ typ: 'text', x: Math.max(8, Math.min(x, A4.breite - 8 - breite)), y, text: z, font, pt: zpt, farbe });
  }
  if (seiten.length > 1 && L.stil !== 'handschrift') {
    seiten.forEach((s, n) => {
      const t = `Seite ${n + 1} von ${seiten.length}`;
      s.elemente.push({ typ: 'text', x: rechtsRand - textBreite(t, normal, 8), y: A4.hoehe - 10, text: t, font: normal, pt: 8, farbe: SCHWARZ });
    });
  }
  return seiten;
}
