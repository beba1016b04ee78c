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
