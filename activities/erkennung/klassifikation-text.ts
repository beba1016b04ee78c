/**
 * Text normalisation and features for document classification. German and OCR tolerant:
 * lower case, umlauts folded (ä→ae, ß→ss), words hyphenated at line ends joined, digits read
 * inside words mapped back to letters (Kont0auszug → kontoauszug), "rn" folded into "m" (the
 * commonest OCR confusion), long numbers reduced to their shape. Used the same way in training
 * and recognition, so the folding needs not be linguistically right, only consistent.
 */

const ZIFFER_ALS_BUCHSTABE: Record<string, string> = { '0': 'o', '1': 'l', '5': 's', '8': 'b', '|': 'l' };

/** Normalised text: lower case, folded, single spaces. Also what the rules match against. */
export function normalisiere(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/(\p{L})-\s*\r?\n\s*(\p{Ll})/gu, '$1$2')
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[éèê]/g, 'e')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words of a normalised text, OCR-repaired. */
export function woerter(normalisiert: string): string[] {
  const out: string[] = [];
  for (const roh of normalisiert.match(/[a-z0-9|§]+/g) ?? []) {
    let w = roh;
    const buchstaben = (w.match(/[a-z]/g) ?? []).length;
    if (buchstaben > 0 && buchstaben < w.length && buchstaben / w.length >= 0.6) {
      w = w.replace(/[0158|]/g, (c) => ZIFFER_ALS_BUCHSTABE[c] ?? c);
    }
    w = w.replace(/\|/g, 'l').replace(/rn/g, 'm');
    if (/^\d+$/.test(w)) {
      if (w.length >= 3) w = `#${Math.min(w.length, 8)}`;
    } else if (/\d/.test(w)) {
      w = w.replace(/\d/g, '#');
    }
    if (w.length < 2 && w !== '§') continue;
    out.push(w);
  }
  return out;
}

/**
 * Feature terms of a text: words ("w:"), word pairs ("b:") and, for long words, character
 * 5-grams ("c:") so that a word OCR misread in one letter still shares most of its features
 * with the right word.
 */
export function terme(text: string): string[] {
  const ws = woerter(normalisiere(text));
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out.push(`w:${w}`);
    if (i > 0) out.push(`b:${ws[i - 1]}_${w}`);
    if (w.length >= 7 && !w.startsWith('#')) {
      const g = `<${w}>`;
      for (let j = 0; j + 5 <= g.length; j++) out.push(`c:${g.slice(j, j + 5)}`);
    }
  }
  return out;
}

/** Character confusions of OCR on scans and faxes (read → misread). */
const VERWECHSLUNGEN: [string, string][] = [
  ['e', 'c'], ['c', 'e'], ['m', 'rn'], ['rn', 'm'], ['l', '1'], ['i', 'l'], ['l', 'i'], ['o', '0'], ['O', '0'], ['a', 'o'],
  ['u', 'n'], ['n', 'u'], ['h', 'b'], ['ä', 'a'], ['ö', 'o'], ['ü', 'u'], ['ü', 'ii'], ['ß', 'B'], ['f', 't'], ['t', 'f'],
  ['S', '5'], ['B', '8'], ['I', 'l'], ['g', 'q'], ['.', ','], [',', '.'], ['d', 'cl'], ['w', 'vv'],
  ['0', 'O'], ['1', 'l'], ['5', 'S'], ['8', 'B'],
];

/**
 * A text as OCR might read it from a poor scan: characters misread (rate `staerke`), a few
 * characters lost, words run together or split, lines lost, and sometimes only the upper part
 * of the page. For training and calibration (augmentation), so that the model and its
 * confidence are fit for OCR text and not only for clean born-digital text.
 */
export function verrausche(text: string, rng: () => number, staerke: number): string {
  const zeilen = text.split('\n');
  const behalten = rng() < 0.25 ? Math.max(3, Math.ceil(zeilen.length * (0.3 + rng() * 0.4))) : zeilen.length;
  const out: string[] = [];
  for (const zeile of zeilen.slice(0, behalten)) {
    if (rng() < staerke) continue;
    let z = '';
    for (let i = 0; i < zeile.length; i++) {
      const ch = zeile[i]!;
      const r = rng();
      if (r < staerke) {
        const passend = VERWECHSLUNGEN.filter(([a]) => zeile.startsWith(a, i));
        if (passend.length > 0) {
          const [a, b] = passend[Math.floor(rng() * passend.length)]!;
          z += b;
          i += a.length - 1;
          continue;
        }
      }
      if (r < staerke * 1.3 && r >= staerke) continue; // lost character
      if (ch === ' ' && rng() < staerke * 0.5) continue; // words run together
      z += ch;
      if (ch !== ' ' && rng() < staerke * 0.1) z += ' '; // word split
    }
    out.push(z);
  }
  return out.join('\n');
}
