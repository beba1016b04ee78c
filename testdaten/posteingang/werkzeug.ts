/**
 * Small seeded helpers for the test letters: choices, dates in German formats, money,
 * IBANs with a computed checksum, and BG-Nummern / Kundennummern as people write them.
 * Everything draws from one `rng` (mulberry32 from domain/zufall.ts), so the same seed
 * always gives the same letter.
 */

export class Wuerfel {
  constructor(readonly rng: () => number) {}

  zahl(min: number, max: number): number {
    return min + Math.floor(this.rng() * (max - min + 1));
  }

  /** A float in [min, max) rounded to cents. */
  betrag(min: number, max: number): number {
    return Math.round((min + this.rng() * (max - min)) * 100) / 100;
  }

  ja(p: number): boolean {
    return this.rng() < p;
  }

  element<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('element() aus leerer Liste');
    return items[Math.floor(this.rng() * items.length)]!;
  }

  gewichtet<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.rng() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![0];
  }

  /** `n` distinct elements (or all if fewer), in random order. */
  einige<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(this.rng() * pool.length), 1)[0]!);
    return out;
  }

  ziffern(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.rng() * 10));
    return s;
  }
}

// ---------------------------------------------------------------- dates (calendar days, no time zone)

const MONATE = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];

function zuUtc(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

function ausUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function plusTage(iso: string, tage: number): string {
  const d = zuUtc(iso);
  d.setUTCDate(d.getUTCDate() + tage);
  return ausUtc(d);
}

export function plusMonate(iso: string, monate: number): string {
  const d = zuUtc(iso);
  const tag = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + monate);
  const letzter = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(tag, letzter));
  return ausUtc(d);
}

export function monatsanfang(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

export function monatsende(iso: string): string {
  const d = zuUtc(monatsanfang(iso));
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return ausUtc(d);
}

/** Saturday/Sunday → the Friday before (letters and bookings are dated on working days). */
export function werktag(iso: string): string {
  const wd = zuUtc(iso).getUTCDay();
  return wd === 0 ? plusTage(iso, -2) : wd === 6 ? plusTage(iso, -1) : iso;
}

/** 12.10.2026 */
export function datumKurz(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** 12.10.26 */
export function datumZweistellig(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y!.slice(2)}`;
}

/** 12. Oktober 2026 */
export function datumLang(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${d}. ${MONATE[m - 1]} ${y}`;
}

/** 2.10.2026 (no leading zeros, as people write by hand) */
export function datumFrei(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${d}.${m}.${y}`;
}

export function monatJahr(iso: string): string {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  return `${MONATE[m - 1]} ${y}`;
}

/** A date in one of the ways Germans write it. */
export function datumIrgendwie(w: Wuerfel, iso: string): string {
  return w.gewichtet([[datumKurz(iso), 6], [datumLang(iso), 3], [datumFrei(iso), 2], [datumZweistellig(iso), 1]] as const);
}

// ---------------------------------------------------------------- money

/** 1234.5 → "1.234,50" */
export function geld(betrag: number): string {
  const neg = betrag < 0;
  const [ganz, cent] = Math.abs(betrag).toFixed(2).split('.') as [string, string];
  const mitPunkten = ganz.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${neg ? '-' : ''}${mitPunkten},${cent}`;
}

export function euro(betrag: number): string {
  return `${geld(betrag)} €`;
}

// ---------------------------------------------------------------- IBAN (ISO 13616, mod 97-10)

function mod97(ziffern: string): number {
  let rest = 0;
  for (let i = 0; i < ziffern.length; i += 7) rest = Number(String(rest) + ziffern.slice(i, i + 7)) % 97;
  return rest;
}

function alsZiffern(s: string): string {
  return s.toUpperCase().replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
}

/** true when the IBAN's checksum is right (spaces ignored). */
export function ibanGueltig(iban: string): boolean {
  const s = iban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  return mod97(alsZiffern(s.slice(4) + s.slice(0, 4))) === 1;
}

/** A German IBAN with a correct checksum for the given Bankleitzahl and account number. */
export function deutscheIban(blz: string, konto: string): string {
  const bban = blz.padStart(8, '0') + konto.padStart(10, '0');
  const pruef = 98 - mod97(alsZiffern(`${bban}DE00`));
  return `DE${String(pruef).padStart(2, '0')}${bban}`;
}

/** The same IBAN with one digit of the account changed: the checksum no longer fits (mod 97 catches every single substitution). */
export function falscheIban(w: Wuerfel, iban: string): string {
  const pos = w.zahl(12, iban.length - 1);
  const alt = Number(iban[pos]);
  const neu = (alt + w.zahl(1, 9)) % 10;
  return iban.slice(0, pos) + String(neu) + iban.slice(pos + 1);
}

/** "DE12 3456 7890 1234 5678 90" */
export function ibanGruppiert(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

// ---------------------------------------------------------------- identifiers as written

/** The number part of a BG-Nummer as people print or write it (without label). */
export function bgNummerSchreibweise(w: Wuerfel, bg: string): string {
  const amt = bg.slice(0, 5);
  const lfd = bg.slice(7);
  return w.gewichtet([
    [`${amt}BG${lfd}`, 5],
    [`${amt} BG ${lfd}`, 4],
    [`${amt}/BG/${lfd}`, 3],
    [`${amt}-BG-${lfd}`, 1],
    [`${amt} BG${lfd}`, 1],
    [`${amt}bg${lfd}`, 1],
    [`${amt} / BG / ${lfd}`, 1],
  ] as const);
}

/** A label in front of a BG-Nummer as found in the wild. */
export function bgNummerEtikett(w: Wuerfel): string {
  return w.gewichtet([
    ['BG-Nr.', 6],
    ['BG-Nr.:', 4],
    ['Nummer der Bedarfsgemeinschaft:', 4],
    ['BG-Nummer:', 3],
    ['Bedarfsgemeinschaft:', 2],
    ['Ihr Zeichen:', 1],
    ['Az.:', 1],
    ['BG', 1],
  ] as const);
}

export function kundennummerSchreibweise(w: Wuerfel, k: string): string {
  return w.gewichtet([
    [k, 5],
    [`${k.slice(0, 3)} ${k[3]} ${k.slice(4)}`, 2],
    [`${k.slice(0, 3)}${k[3]}-${k.slice(4)}`, 1],
    [`${k.slice(0, 4).toLowerCase()}${k.slice(4)}`, 1],
  ] as const);
}

export function kundennummerEtikett(w: Wuerfel): string {
  return w.element(['Kundennummer:', 'Kd.-Nr.', 'Kunden-Nr.:', 'Kundennr.']);
}

/** Einzelne Satzteile ohne doppelte Leerzeichen zusammenfügen. */
export function satz(...teile: Array<string | false | undefined>): string {
  return teile.filter((t): t is string => typeof t === 'string' && t.length > 0).join(' ').replace(/\s+/g, ' ').trim();
}

/** Breaks a paragraph into lines of at most `breite` characters (word wrap). */
export function umbrechen(absatz: string, breite: number): string[] {
  // Identifiers are never broken across lines (grouped IBANs, "96201 BG 0012345", "962 D 123456").
  const geschuetzt = absatz
    .replace(/\b[A-Z]{2}\d{2}(?: [0-9A-Z]{4}){3,7}(?: [0-9A-Z]{1,4})?\b/g, (m) => m.replace(/ /g, '\uE000'))
    .replace(/\b\d{5}(?: ?[/-]? ?)BG(?: ?[/-]? ?)\d{7}\b/gi, (m) => m.replace(/ /g, '\uE000'))
    .replace(/\b\d{3} [A-Z] \d{6}\b/g, (m) => m.replace(/ /g, '\uE000'));
  return umbrechenRoh(geschuetzt, breite).map((z) => z.replace(/\uE000/g, ' '));
}

function umbrechenRoh(absatz: string, breite: number): string[] {
  const worte = absatz.split(/\s+/).filter(Boolean);
  const zeilen: string[] = [];
  let z = '';
  for (const wort of worte) {
    if (z.length > 0 && z.length + 1 + wort.length > breite) {
      zeilen.push(z);
      z = wort;
    } else z = z ? `${z} ${wort}` : wort;
  }
  if (z) zeilen.push(z);
  return zeilen;
}
