/**
 * Finds the identifiers recognition reported (BG-Nummer, Kundennummer, IBAN, letter date)
 * among the OCR words of a page, so the Postkorb can draw a box around each over the page
 * image. Identifiers are often split over several words ("96201 BG 0012345", "DE89 3704 …")
 * or glued to a prefix ("BG-Nr.:96201BG0012345"): words are compared without spaces and
 * punctuation, and the shortest run of neighbouring words that contains the value wins.
 */
import type { Merkmale, Wort } from '../domain/posteingang';

export type MarkierungsArt = 'bg-nummer' | 'kundennummer' | 'iban' | 'datum';

export const MARKIERUNG_LABELS: Record<MarkierungsArt, string> = {
  'bg-nummer': 'BG-Nummer',
  kundennummer: 'Kundennummer',
  iban: 'IBAN',
  datum: 'Datum des Schreibens',
};

export interface Markierung {
  art: MarkierungsArt;
  /** The value as recognition normalised it. */
  wert: string;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** At most this many neighbouring words form one identifier (an IBAN has 6 groups). */
const MAX_WOERTER = 8;

function norm(s: string): string {
  return s.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** Spellings of a date YYYY-MM-DD as found in letters, normalised like the words. */
function datumsVarianten(iso: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const dd = [d, String(Number(d))];
  const mm = [mo, String(Number(mo))];
  const yy = [y, y.slice(2)];
  const out = new Set<string>();
  for (const a of dd) for (const b of mm) for (const c of yy) out.add(`${a}${b}${c}`);
  // Only unambiguous spellings: short ones like "1126" would match many numbers.
  return [...out].filter((v) => v.length >= 6);
}

function ziele(m: Merkmale): { art: MarkierungsArt; wert: string; formen: string[] }[] {
  const out: { art: MarkierungsArt; wert: string; formen: string[] }[] = [];
  for (const bg of m.bgNummern) out.push({ art: 'bg-nummer', wert: bg, formen: [norm(bg)] });
  for (const k of m.kundennummern) out.push({ art: 'kundennummer', wert: k, formen: [norm(k)] });
  for (const iban of m.ibans) out.push({ art: 'iban', wert: iban, formen: [norm(iban)] });
  if (m.briefdatum) out.push({ art: 'datum', wert: m.briefdatum, formen: datumsVarianten(m.briefdatum) });
  return out.filter((z) => z.formen.some((f) => f.length > 0));
}

function vereinige(woerter: readonly Wort[]): Markierung['bbox'] {
  return {
    x0: Math.min(...woerter.map((w) => w.bbox.x0)),
    y0: Math.min(...woerter.map((w) => w.bbox.y0)),
    x1: Math.max(...woerter.map((w) => w.bbox.x1)),
    y1: Math.max(...woerter.map((w) => w.bbox.y1)),
  };
}

/** Boxes of the recognised identifiers on one page (words in reading order). */
export function markierungen(woerter: readonly Wort[] | undefined, merkmale: Merkmale | undefined): Markierung[] {
  if (!woerter || woerter.length === 0 || !merkmale) return [];
  const normiert = woerter.map((w) => norm(w.text));
  const out: Markierung[] = [];
  for (const ziel of ziele(merkmale)) {
    let i = 0;
    while (i < woerter.length) {
      let treffer: number | undefined;
      let kette = '';
      for (let j = i; j < Math.min(woerter.length, i + MAX_WOERTER); j += 1) {
        kette += normiert[j];
        if (ziel.formen.some((f) => kette.includes(f))) {
          treffer = j;
          break;
        }
      }
      if (treffer === undefined) {
        i += 1;
        continue;
      }
      // Shortest run: drop leading words while the rest still contains the value.
      let start = i;
      const enthaelt = (a: number, b: number): boolean => {
        const k = normiert.slice(a, b + 1).join('');
        return ziel.formen.some((f) => k.includes(f));
      };
      while (start < treffer && enthaelt(start + 1, treffer)) start += 1;
      out.push({ art: ziel.art, wert: ziel.wert, bbox: vereinige(woerter.slice(start, treffer + 1)) });
      i = treffer + 1;
    }
  }
  return out;
}
