/**
 * Identifiers of SGB II: BG-Nummer (Bedarfsgemeinschaft) and Kundennummer (person, §51a SGB II).
 * Written in the wild with spaces, slashes, dashes and prefixes; normalised before matching.
 */

/** BG-Nummer: 5-digit office code + "BG" + 7 digits, e.g. 96201BG0012345. */
export const BG_NUMMER = /^(\d{5})BG(\d{7})$/;
/** Kundennummer: 3 digits + 1 letter + 6 digits, e.g. 962D123456. */
export const KUNDENNUMMER = /^(\d{3})([A-Z])(\d{6})$/;

/** Normalises a BG-Nummer as written ("BG-Nr. 96201 BG 0012345", "96201/BG/0012345"); null if it is none. */
export function normalizeBgNummer(raw: string): string | null {
  const cleaned = raw
    .toUpperCase()
    .replace(/^\s*(BG[-\s]?NR\.?|NUMMER DER BEDARFSGEMEINSCHAFT:?|BEDARFSGEMEINSCHAFT:?)\s*/, '')
    .replace(/[\s/.\-_]/g, '');
  return BG_NUMMER.test(cleaned) ? cleaned : null;
}

/** Normalises a Kundennummer ("962 D 123456", "962-d-123456"); null if it is none. */
export function normalizeKundennummer(raw: string): string | null {
  const cleaned = raw.toUpperCase().replace(/[\s/.\-_]/g, '');
  return KUNDENNUMMER.test(cleaned) ? cleaned : null;
}

/**
 * Characters OCR reads instead of digits inside a digit group (O/o→0, I/l/|→1, S→5, B→8, Z→2).
 * Only applied inside the digit groups of a number-shaped match, never to free text.
 */
const OCR_ZIFFERN: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', '|': '1', S: '5', B: '8', Z: '2' };
const ZIFFER_ODER_VERWECHSLUNG = '[0-9OoIl|SBZ]';

function ziffernAusOcr(group: string): { ziffern: string; ersetzt: number } {
  let ersetzt = 0;
  let ziffern = '';
  for (const ch of group) {
    if (ch >= '0' && ch <= '9') ziffern += ch;
    else {
      ersetzt++;
      ziffern += OCR_ZIFFERN[ch] ?? '?';
    }
  }
  return { ziffern, ersetzt };
}

/**
 * A BG-Nummer anywhere in a text: office code (5), "BG" (also read as "8G"/"B6"/"B G"), 7 digits;
 * parts separated by nothing, spaces, slashes, dots, dashes or underscores (at most 3 such
 * characters); OCR may have split a digit group by one space ("96 201", "0012 345") or glued
 * a label to it ("BG-Nr96201…"). OCR confusions inside the digit groups are repaired, but only
 * a few (at most 2 per number, and each group must keep most of its real digits): precision
 * matters more than recall, a wrong household is worse than none.
 */
const Z = ZIFFER_ODER_VERWECHSLUNG;
const BG_IM_TEXT = new RegExp(
  `(?<![0-9])(${Z}(?: ?${Z}){4})[\\s/.\\-_]{0,3}(BG|bg|Bg|8G|B6|B G)[\\s/.\\-_]{0,3}(${Z}(?: ?${Z}){6})(?![0-9])`,
  'g',
);

export interface Fundstelle {
  /** Normalised value. */
  wert: string;
  /** As written. */
  roh: string;
  index: number;
  /** Number of characters repaired (OCR confusions). */
  korrigiert: number;
}

/** All BG-Nummern in a text (normalised, in order of appearance, with duplicates). */
export function findeBgNummernMitStelle(text: string): Fundstelle[] {
  const out: Fundstelle[] = [];
  for (const m of text.matchAll(BG_IM_TEXT)) {
    const [roh, a0, bg, b0] = m as unknown as [string, string, string, string];
    // at most one space inside each digit group, between real digits, with at least two characters on each side
    if (![a0, b0].every((g) => /^[^ ]*$|^[^ ]{1,}[0-9] [0-9][^ ]{1,}$/.test(g) && !/^[^ ] | [^ ]$/.test(g))) continue;
    const x = ziffernAusOcr(a0.replace(/ /g, ''));
    const y = ziffernAusOcr(b0.replace(/ /g, ''));
    const bgFix = bg.toUpperCase() === 'BG' ? 0 : 1;
    const ersetzt = x.ersetzt + y.ersetzt + bgFix;
    // A group that is mostly letters is a word, not a misread number.
    if (x.ersetzt > 1 || y.ersetzt > 2 || ersetzt > 2) continue;
    const wert = `${x.ziffern}BG${y.ziffern}`;
    if (!BG_NUMMER.test(wert)) continue;
    out.push({ wert, roh, index: m.index ?? 0, korrigiert: ersetzt });
  }
  return out;
}

/** Distinct BG-Nummern in a text, most frequent first (ties: exact before repaired, then first seen). */
export function findeBgNummern(text: string): string[] {
  return rangiere(findeBgNummernMitStelle(text));
}

function rangiere(funde: Fundstelle[]): string[] {
  const stat = new Map<string, { n: number; exakt: boolean; erst: number }>();
  funde.forEach((f, i) => {
    const s = stat.get(f.wert) ?? { n: 0, exakt: false, erst: i };
    s.n++;
    s.exakt ||= f.korrigiert === 0;
    stat.set(f.wert, s);
  });
  return [...stat.entries()]
    .sort(([, a], [, b]) => b.n - a.n || Number(b.exakt) - Number(a.exakt) || a.erst - b.erst)
    .map(([w]) => w);
}

const KUNDENNUMMER_IM_TEXT = new RegExp(
  `(?<![0-9A-Za-zÄÖÜäöüß])(${ZIFFER_ODER_VERWECHSLUNG}{3})[\\s/\\-]{0,2}([A-Za-z])[\\s/\\-]{0,2}(${ZIFFER_ODER_VERWECHSLUNG}{6})(?![0-9A-Za-zÄÖÜäöüß])`,
  'g',
);

/** Kundennummern in a text (normalised, distinct, best first). At most one repaired character. */
export function findeKundennummern(text: string): string[] {
  const funde: Fundstelle[] = [];
  for (const m of text.matchAll(KUNDENNUMMER_IM_TEXT)) {
    const [roh, a, buchstabe, b] = m as unknown as [string, string, string, string];
    const x = ziffernAusOcr(a);
    const y = ziffernAusOcr(b);
    if (x.ersetzt + y.ersetzt > 1) continue;
    // A letter that looks like a digit in a repaired number is more likely a misread phone or account number.
    if (x.ersetzt + y.ersetzt > 0 && /[OIlSBZ]/.test(buchstabe)) continue;
    // The customer number of another institution (Agentur für Arbeit, Familienkasse, a health insurer), or a
    // phone or account number, on the same line before it, is not ours (also as OCR misreads these words).
    const davor = text.slice(Math.max(0, (m.index ?? 0) - 60), m.index).split('\n').pop() ?? '';
    if (/(agen.?ur|familienkasse|kindergeld|kasse|versicherung|bank|konto|iban|\btel\b|telefon|\bfax\b|mobil|handy)/i.test(davor)) continue;
    const wert = `${x.ziffern}${buchstabe.toUpperCase()}${y.ziffern}`;
    if (!KUNDENNUMMER.test(wert)) continue;
    funde.push({ wert, roh, index: m.index ?? 0, korrigiert: x.ersetzt + y.ersetzt });
  }
  return rangiere(funde);
}

/** IBAN lengths per country (SEPA countries and neighbours); others: 15–34. */
const IBAN_LAENGE: Record<string, number> = {
  DE: 22, AT: 20, CH: 21, LI: 21, NL: 18, BE: 16, LU: 20, FR: 27, IT: 27, ES: 24, PL: 28, CZ: 24, DK: 18, SE: 24, NO: 15,
  FI: 18, IE: 22, PT: 25, GR: 27, HU: 28, RO: 24, BG: 22, HR: 21, SI: 19, SK: 24, LT: 20, LV: 21, EE: 20, GB: 22, TR: 26,
  MT: 31, CY: 28, IS: 26, MC: 27, SM: 27, UA: 29,
};

/** Normalises an IBAN as written ("DE89 3704 0044 0532 0130 00"): upper case, no spaces; null unless its mod-97 checksum holds. */
export function normalizeIban(raw: string): string | null {
  const iban = raw.toUpperCase().replace(/[\s-]/g, '');
  return istGueltigeIban(iban) ? iban : null;
}

/** ISO 13616 check: country, length, mod 97 = 1. */
export function istGueltigeIban(raw: string): boolean {
  const iban = raw.toUpperCase().replace(/\s/g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const laenge = IBAN_LAENGE[iban.slice(0, 2)];
  if (laenge !== undefined ? iban.length !== laenge : iban.length < 15 || iban.length > 34) return false;
  const umgestellt = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of umgestellt) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** Valid IBANs in a text (normalised, distinct, in order). Written with or without spaces in groups of four. */
export function findeIbans(text: string): string[] {
  const out: string[] = [];
  const re = /(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g;
  for (const m of text.toUpperCase().matchAll(re)) {
    const kandidat = m[1]!.replace(/ /g, '');
    // A longer match may have swallowed a following word group: try shorter prefixes too.
    for (let len = Math.min(34, kandidat.length); len >= 15; len--) {
      const iban = kandidat.slice(0, len);
      if (istGueltigeIban(iban)) {
        if (!out.includes(iban)) out.push(iban);
        break;
      }
    }
  }
  return out;
}
