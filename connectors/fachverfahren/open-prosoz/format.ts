/**
 * The file formats of the OPEN/PROSOZ-like exchange interface (documented in
 * connectors/fachverfahren/README.md): folder layout, file names, column lists and codes.
 * Both sides use these definitions: the simulator writes exports and acknowledgements,
 * the adapter writes imports. Dates are TT.MM.JJJJ; files are semicolon CSV with a header
 * line, CRLF line ends, Windows-1252 by default.
 */
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import type { AntragseingangAuftrag, Bewilligungszeitraum, Person, Team } from '../port';

export const ORDNER = {
  export: 'export',
  import: 'import',
  verarbeitet: 'import/verarbeitet',
  quittung: 'quittung',
} as const;

export type Kodierung = 'windows-1252' | 'iso-8859-15' | 'utf-8';

/** GESAMT_20260315_020000_000001.csv, AENDERUNG_20260315_101502_000002.csv */
export const EXPORT_DATEI = /^(GESAMT|AENDERUNG)_(\d{8}_\d{6})_(\d{6,})\.csv$/;

export const EXPORT_SPALTEN = [
  'Satzart', 'BG-Nummer', 'Status', 'Kundennummer', 'Rolle', 'Nachname', 'Vorname', 'Geburtsdatum',
  'Strasse', 'Hausnummer', 'PLZ', 'Ort', 'Team-Nr', 'Teambezeichnung', 'Bereich', 'Standort',
  'BWZ-Nr', 'BWZ-Beginn', 'BWZ-Ende', 'BWZ-Art', 'Satzanzahl',
] as const;
export type ExportSpalte = (typeof EXPORT_SPALTEN)[number];

export type Satzart = 'TEAM' | 'BG' | 'PERSON' | 'BWZ' | 'ENDE';

export const ROLLE_CODE: Record<Person['rolle'], string> = { antragsteller: 'AS', partner: 'PA', kind: 'KI', sonstige: 'SO' };
export const BEREICH_CODE: Record<Team['bereich'], string> = { leistung: 'LEI', 'markt-integration': 'MI' };
export const BWZ_ART_CODE: Record<Bewilligungszeitraum['art'], string> = { regulaer: 'R', vorlaeufig: 'V' };
export const STATUS_CODE = { aktiv: 'AKTIV', aufgeloest: 'AUFGELOEST' } as const;

export function umkehren<K extends string>(m: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as string, k as K]));
}

/** Import kinds: file prefix and columns. */
export const IMPORT_ARTEN = {
  WV: ['Referenz', 'BG-Nummer', 'Betreff', 'Faellig am', 'Prioritaet', 'Team-Nr'],
  EINGANG: ['Referenz', 'BG-Nummer', 'Antragsart', 'Eingangsdatum'],
  NEUANTRAG: ['Referenz', 'Nachname', 'Vorname', 'Geburtsdatum', 'Strasse', 'Hausnummer', 'PLZ', 'Ort', 'Antragsdatum'],
} as const;
export type ImportArt = keyof typeof IMPORT_ARTEN;
export const IMPORT_DATEI = /^(WV|EINGANG|NEUANTRAG)_([A-Za-z0-9-]+)\.csv$/;

export const ANTRAGSARTEN: ReadonlyArray<AntragseingangAuftrag['art']> = ['WBA', 'HAUPTANTRAG', 'VAEM', 'UEBERPRUEFUNGSANTRAG', 'WIDERSPRUCH'];

export const QUITTUNG_SPALTEN = ['Zeile', 'Referenz', 'Status', 'Fehlercode', 'Meldung', 'Vorgangs-Nr', 'BG-Nummer', 'Kundennummer'] as const;
export const QUITTUNG_ENDUNG = '.quittung';

/** Error codes of acknowledgement lines that mean "try again later" (all others are business answers). */
export const TECHNISCHE_FEHLERCODES = new Set(['SYSTEMFEHLER', 'DATEI_UNLESBAR']);

/** Name of the import file of one Auftrag: derived from its referenz, so a retry replaces, never duplicates. */
export function importDateiname(art: ImportArt, referenz: string): string {
  return `${art}_${createHash('sha256').update(referenz, 'utf8').digest('hex').slice(0, 24)}.csv`;
}

/** yyyyMMdd_HHmmss in Europe/Berlin. */
export function zeitstempel(d: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}${get('month')}${get('day')}_${get('hour')}${get('minute')}${get('second')}`;
}

const darstellbar = new Map<string, boolean>();

function ersatz(ch: string, kodierung: Exclude<Kodierung, 'utf-8'>): string {
  const key = `${kodierung}:${ch}`;
  let ok = darstellbar.get(key);
  if (ok === undefined) {
    const b = iconv.encode(ch, kodierung);
    ok = b.length === 1 && b[0] !== 0x3f;
    darstellbar.set(key, ok);
  }
  if (ok) return ch;
  return ch === 'ł' ? 'l' : ch === 'Ł' ? 'L' : ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Encodes text for a file in the agreed encoding. In a single-byte encoding, characters it
 * lacks lose their diacritics ("Łukasz" → "Lukasz"), as German legacy systems store them;
 * what still does not fit becomes '?'.
 */
export function kodiereDatei(text: string, kodierung: Kodierung): Buffer {
  if (kodierung === 'utf-8') return Buffer.from(text, 'utf8');
  return iconv.encode(text.replace(/[^\u0020-\u007e\r\n\t]/gu, (ch) => ersatz(ch, kodierung)), kodierung);
}

const MUSS_QUOTIERT = /[;"\r\n]/;

function feld(v: string): string {
  return MUSS_QUOTIERT.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Semicolon CSV with header and CRLF (RFC 4180 quoting: fields with ; " or line breaks in double quotes). */
export function csv(kopf: readonly string[], zeilen: ReadonlyArray<ReadonlyArray<string>>): string {
  const teile: string[] = [kopf.map(feld).join(';')];
  for (const z of zeilen) teile.push(z.map(feld).join(';'));
  return `${teile.join('\r\n')}\r\n`;
}
