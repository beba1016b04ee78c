/**
 * Reading files of the exchange interface defensively: checks the encoding before decoding
 * (a UTF-8 file where Windows-1252 is expected, undefined bytes, binary data), parses
 * semicolon CSV, checks the header and the column count of every row. Every problem is a
 * TechnicalError naming the file and the line, never the content (it may hold Sozialdaten).
 */
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { CsvError } from 'csv-parse';
import { TechnicalError } from '../../errors';
import type { Kodierung } from './format';

export function dateiFehler(datei: string, zeile: number | null, was: string): TechnicalError {
  return new TechnicalError('DATEI_FEHLERHAFT', `Datei ${datei}${zeile !== null ? `, Zeile ${zeile}` : ''}: ${was}`);
}

/** Length of a valid UTF-8 multi-byte sequence at i, or 0. */
function utf8Folge(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > buf.length) return 0;
  for (let k = 1; k < n; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

/**
 * Decodes a file in the agreed encoding. A single-byte file that is in fact UTF-8 (BOM, or
 * multi-byte sequences such as "Ã¼" would show), bytes undefined in the encoding, or binary
 * data give a clear TechnicalError instead of silently garbled names.
 */
export function dekodiere(buf: Buffer, kodierung: Kodierung, datei: string): string {
  if (buf.includes(0)) throw new TechnicalError('KODIERUNG_UNGUELTIG', `Datei ${datei}: enthält Nullbytes (Binärdatei oder UTF-16?), erwartet ${kodierung}.`);
  if (kodierung === 'utf-8') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
    } catch {
      throw new TechnicalError('KODIERUNG_UNGUELTIG', `Datei ${datei}: kein gültiges UTF-8 (erwartet utf-8; vielleicht Windows-1252?).`);
    }
  }
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    throw new TechnicalError('KODIERUNG_FALSCH', `Datei ${datei}: UTF-8 mit BOM, erwartet ${kodierung}.`);
  }
  let zeile = 1;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0x0a) zeile++;
    if (b < 0x80) continue;
    if (utf8Folge(buf, i) > 0) {
      throw new TechnicalError('KODIERUNG_FALSCH', `Datei ${datei}, Zeile ${zeile}: Zeichen in UTF-8-Kodierung gefunden, erwartet ${kodierung}.`);
    }
  }
  const text = iconv.decode(buf, kodierung);
  const kaputt = text.indexOf('\uFFFD');
  if (kaputt >= 0) {
    const z = text.slice(0, kaputt).split('\n').length;
    throw new TechnicalError('KODIERUNG_UNGUELTIG', `Datei ${datei}, Zeile ${z}: Byte ist in ${kodierung} nicht definiert.`);
  }
  return text;
}

export interface CsvInhalt {
  /** Column name → index. */
  spalte: Map<string, number>;
  /** Data rows (without the header), each as wide as the header. */
  zeilen: string[][];
  /** Line number in the file (1 = header) of data row i; computed only when an error needs it. */
  zeileVon(i: number): number;
}

const CSV_OPTIONEN = { delimiter: ';', relax_column_count: true, skip_empty_lines: true, bom: true } as const;

/**
 * Parses semicolon CSV with a header; all `pflicht` columns must be present, every row as
 * wide as the header, no line breaks inside fields. Parsed without per-record line info
 * (it costs much at 150,000 rows); exact line numbers are worked out only for an error.
 */
export function leseCsv(text: string, datei: string, pflicht: readonly string[]): CsvInhalt {
  let records: string[][];
  try {
    records = parse(text, CSV_OPTIONEN) as string[][];
  } catch (err) {
    if (err instanceof CsvError) {
      const m = /line (\d+)/.exec(err.message);
      throw dateiFehler(datei, m ? Number(m[1]) : null, `ungültiges CSV (${err.code}).`);
    }
    throw dateiFehler(datei, null, `ungültiges CSV (${(err as Error).message}).`);
  }
  const kopf = records[0];
  if (!kopf) throw dateiFehler(datei, null, 'leer (keine Kopfzeile).');
  let zeilenNummern: number[] | null = null;
  const zeileVon = (i: number): number => {
    if (!zeilenNummern) {
      const mitInfo = parse(text, { ...CSV_OPTIONEN, info: true }) as unknown as Array<{ info: { lines: number } }>;
      zeilenNummern = mitInfo.slice(1).map((r) => r.info.lines);
    }
    return zeilenNummern[i] ?? i + 2;
  };
  const spalte = new Map(kopf.map((name, i) => [name.trim(), i]));
  const fehlend = pflicht.filter((p) => !spalte.has(p));
  if (fehlend.length > 0) throw dateiFehler(datei, 1, `Kopfzeile ohne Spalte(n) ${fehlend.join(', ')}.`);
  const breite = kopf.length;
  const zeilen = records.slice(1);
  for (let i = 0; i < zeilen.length; i++) {
    const r = zeilen[i]!;
    if (r.length !== breite) throw dateiFehler(datei, zeileVon(i), `${r.length} statt ${breite} Spalten.`);
    for (const v of r) if (v.includes('\n') || v.includes('\r')) throw dateiFehler(datei, zeileVon(i), 'Zeilenumbruch in einem Feld.');
  }
  return { spalte, zeilen, zeileVon };
}
