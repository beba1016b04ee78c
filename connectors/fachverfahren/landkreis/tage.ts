/**
 * Calendar-day arithmetic on `Tag` (YYYY-MM-DD) and the German date form TT.MM.JJJJ used
 * by the file interfaces. Pure functions on UTC dates: a Tag has no time of day.
 */
import type { Tag } from '../port';

const TAG = /^(\d{4})-(\d{2})-(\d{2})$/;
const DEUTSCH = /^(\d{2})\.(\d{2})\.(\d{4})$/;

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil); no Date objects, fast in loops. */
function tageSeitEpoche(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function zivil(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function teile(tag: Tag): [number, number, number] {
  const m = TAG.exec(tag);
  if (!m) throw new RangeError(`Kein gültiges Datum (JJJJ-MM-TT): ${JSON.stringify(tag)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(y: number, m: number, d: number): Tag {
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function tageImMonat(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Year and month `monate` months after (y, m). */
function verschiebe(y: number, m: number, monate: number): [number, number] {
  const idx = y * 12 + (m - 1) + monate;
  return [Math.floor(idx / 12), (idx % 12 + 12) % 12 + 1];
}

/** true for a real calendar day in YYYY-MM-DD form (rejects 2025-02-30). */
export function istTag(value: unknown): value is Tag {
  if (typeof value !== 'string' || !TAG.test(value)) return false;
  const [y, m, d] = teile(value);
  return m >= 1 && m <= 12 && d >= 1 && d <= tageImMonat(y, m);
}

export function plusTage(tag: Tag, tage: number): Tag {
  const [y, m, d] = teile(tag);
  return format(...zivil(tageSeitEpoche(y, m, d) + tage));
}

/** First day of the month `monate` months after the month of `tag`. */
export function monatsanfang(tag: Tag, monate = 0): Tag {
  const [y, m] = teile(tag);
  const [ny, nm] = verschiebe(y, m, monate);
  return format(ny, nm, 1);
}

/** Last day of the month `monate` months after the month of `tag`. */
export function monatsende(tag: Tag, monate = 0): Tag {
  const [y, m] = teile(tag);
  const [ny, nm] = verschiebe(y, m, monate);
  return format(ny, nm, tageImMonat(ny, nm));
}

/** Days from `von` to `bis` (negative if `bis` is earlier). */
export function tageZwischen(von: Tag, bis: Tag): number {
  return tageSeitEpoche(...teile(bis)) - tageSeitEpoche(...teile(von));
}

/** Whole years between `geburtsdatum` and `stichtag` (age on that day). */
export function alterAm(geburtsdatum: Tag, stichtag: Tag): number {
  const [gy, gm, gd] = geburtsdatum.split('-').map(Number) as [number, number, number];
  const [sy, sm, sd] = stichtag.split('-').map(Number) as [number, number, number];
  return sy - gy - (sm < gm || (sm === gm && sd < gd) ? 1 : 0);
}

/** 2026-03-01 → 01.03.2026 */
export function zuDeutsch(tag: Tag): string {
  const m = TAG.exec(tag);
  if (!m) throw new RangeError(`Kein gültiges Datum (JJJJ-MM-TT): ${JSON.stringify(tag)}`);
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** 01.03.2026 → 2026-03-01; null if it is no valid date. */
export function ausDeutsch(text: string): Tag | null {
  const m = DEUTSCH.exec(text.trim());
  if (!m) return null;
  const tag = `${m[3]}-${m[2]}-${m[1]}`;
  return istTag(tag) ? tag : null;
}
