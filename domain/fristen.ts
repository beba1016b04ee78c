/**
 * Legal dates of a posted letter (pure functions on calendar days YYYY-MM-DD, no I/O; usable in
 * workflows).
 *
 * - Bekanntgabe (§37 Abs. 2 Satz 1 SGB X as amended by the Postrechtsmodernisierungsgesetz, in
 *   force since 1 January 2025): a written administrative act sent by post within Germany counts
 *   as made known "am vierten Tag nach der Aufgabe zur Post". The fiction is not shifted when that
 *   day is a Saturday, Sunday or holiday: §26 Abs. 3 SGB X (and §64 Abs. 3 SGG) shift the END of a
 *   period, not the day of Bekanntgabe (BSG line on the former three-day fiction). So:
 *   Bekanntgabe = Postausgang + 4 calendar days.
 * - Widerspruchsfrist (§84 Abs. 1 SGG): one month after Bekanntgabe. Computed by §64 SGG: the
 *   period starts the day after Bekanntgabe (Abs. 1), a month period ends on the day of the next
 *   month with the same number as the Bekanntgabe day, or that month's last day when it has no
 *   such day (Abs. 2); if that day is a Saturday, Sunday or a holiday at the authority's seat, the
 *   period ends with the next working day (Abs. 3).
 */

/** Calendar day YYYY-MM-DD. */
export type Tag = string;

const TAG = /^(\d{4})-(\d{2})-(\d{2})$/;

function teile(tag: Tag): { j: number; m: number; t: number } {
  const m = TAG.exec(tag);
  if (!m) throw new Error(`Ungültiges Datum (erwartet JJJJ-MM-TT): ${tag}`);
  const j = Number(m[1]);
  const mo = Number(m[2]);
  const t = Number(m[3]);
  if (mo < 1 || mo > 12 || t < 1 || t > tageImMonat(j, mo)) throw new Error(`Ungültiges Datum: ${tag}`);
  return { j, m: mo, t };
}

function format(j: number, m: number, t: number): Tag {
  return `${String(j).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(t).padStart(2, '0')}`;
}

export function tageImMonat(jahr: number, monat: number): number {
  return new Date(Date.UTC(jahr, monat, 0)).getUTCDate();
}

/** true for a valid calendar day YYYY-MM-DD. */
export function istTag(s: string): boolean {
  try {
    teile(s);
    return true;
  } catch {
    return false;
  }
}

/** The day `n` calendar days after (n < 0: before) `tag`. */
export function plusTage(tag: Tag, n: number): Tag {
  const { j, m, t } = teile(tag);
  const d = new Date(Date.UTC(j, m - 1, t + n));
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function wochentag(tag: Tag): number {
  const { j, m, t } = teile(tag);
  return new Date(Date.UTC(j, m - 1, t)).getUTCDay();
}

export function istWochenende(tag: Tag): boolean {
  const w = wochentag(tag);
  return w === 0 || w === 6;
}

/** A holiday calendar: true when the day is a public holiday at the authority's seat. */
export type Feiertage = (tag: Tag) => boolean;

/** No holidays (weekends only). */
export const KEINE_FEIERTAGE: Feiertage = () => false;

export type Bundesland = 'BW' | 'BY' | 'BE' | 'BB' | 'HB' | 'HE' | 'HH' | 'MV' | 'NI' | 'NW' | 'RP' | 'SL' | 'SN' | 'ST' | 'SH' | 'TH';
export const BUNDESLAENDER: readonly Bundesland[] = ['BW', 'BY', 'BE', 'BB', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'];

/** Public holidays of a Land (feiertagejs; pure computation, cached per year). */
export function feiertageVon(land: Bundesland): Feiertage {
  // Loaded on first use (feiertagejs is an ES module package with a CommonJS build; pure code).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getHolidays } = require('feiertagejs') as { getHolidays(year: number, region: string): Array<{ dateString: string }> };
  const cache = new Map<number, Set<string>>();
  return (tag) => {
    const { j } = teile(tag);
    let jahr = cache.get(j);
    if (!jahr) {
      jahr = new Set(getHolidays(j, land).map((h) => h.dateString));
      cache.set(j, jahr);
    }
    return jahr.has(tag);
  };
}

export function istArbeitstag(tag: Tag, feiertage: Feiertage): boolean {
  return !istWochenende(tag) && !feiertage(tag);
}

/** The first working day on or after `tag`. */
export function naechsterArbeitstagAbHeute(tag: Tag, feiertage: Feiertage): Tag {
  let d = tag;
  while (!istArbeitstag(d, feiertage)) d = plusTage(d, 1);
  return d;
}

/** The first working day strictly after `tag`. */
export function naechsterArbeitstag(tag: Tag, feiertage: Feiertage): Tag {
  return naechsterArbeitstagAbHeute(plusTage(tag, 1), feiertage);
}

/** Same day number `n` months later; the month's last day if it has no such day (§64 Abs. 2 SGG, §188 Abs. 3 BGB). */
export function plusMonate(tag: Tag, n: number): Tag {
  const { j, m, t } = teile(tag);
  const index = j * 12 + (m - 1) + n;
  const zj = Math.floor(index / 12);
  const zm = (index % 12) + 1;
  return format(zj, zm, Math.min(t, tageImMonat(zj, zm)));
}

/**
 * Day of Bekanntgabe of a letter posted on `postausgangsdatum`: the 4th day after posting
 * (§37 Abs. 2 SGB X since 2025), not shifted for weekends or holidays.
 */
export function bekanntgabedatum(postausgangsdatum: Tag): Tag {
  return plusTage(postausgangsdatum, 4);
}

/**
 * Last day of the Widerspruchsfrist (§84 Abs. 1, §64 SGG): one month after Bekanntgabe, moved to
 * the next working day when it ends on a Saturday, Sunday or holiday.
 */
export function widerspruchsfristEnde(bekanntgabe: Tag, feiertage: Feiertage): Tag {
  return naechsterArbeitstagAbHeute(plusMonate(bekanntgabe, 1), feiertage);
}

/** Formats YYYY-MM-DD as the German TT.MM.JJJJ. */
export function deutschesDatum(tag: Tag): string {
  const { j, m, t } = teile(tag);
  return `${String(t).padStart(2, '0')}.${String(m).padStart(2, '0')}.${j}`;
}
