/**
 * ZIP transport of XDOMEA messages. Writing uses fflate. Reading untrusted archives goes through
 * our own reader of the central directory, so every entry is checked before anything is
 * decompressed:
 * - names: flat file names only (no directories, no "..", no absolute paths, no backslashes,
 *   no drive letters, no duplicates) — no zip slip, whatever a later step does with the name;
 * - no encrypted entries, no symlinks, no ZIP64, only "stored" and "deflate";
 * - limits: number of entries, total uncompressed size, and compression ratio per entry
 *   (decompression bombs); output buffers are sized by the declared size, and the CRC-32 is
 *   verified, so a header that lies about sizes cannot inflate more than declared.
 */
import zlib from 'node:zlib';
import { inflateSync, zipSync } from 'fflate';
import { istSichererDateiname } from './files';

export type ZipAblehnungCode = 'ZIP_UNGUELTIG' | 'ZIP_PFAD_UNZULAESSIG' | 'ZIP_ZU_GROSS';

export class ZipAblehnung extends Error {
  override name = 'ZipAblehnung';
  constructor(public readonly code: ZipAblehnungCode, message: string) {
    super(message);
  }
}

export interface ZipGrenzen {
  maxEintraege: number;
  /** Sum of the uncompressed sizes of all entries. */
  maxGesamtBytes: number;
  /** Max uncompressed/compressed ratio of an entry larger than 1 MiB. */
  maxVerhaeltnis: number;
}

export const STANDARD_ZIP_GRENZEN: ZipGrenzen = { maxEintraege: 200, maxGesamtBytes: 200 * 1024 * 1024, maxVerhaeltnis: 200 };

interface CdEintrag {
  name: string;
  methode: number;
  crc: number;
  komprimiert: number;
  original: number;
  lokalerOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_CD = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

function leseVerzeichnis(buf: Uint8Array, grenzen: ZipGrenzen): CdEintrag[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const ungueltig = (why: string) => new ZipAblehnung('ZIP_UNGUELTIG', `Die ZIP-Datei ist beschädigt oder kein ZIP (${why}).`);
  if (buf.length < 22) throw ungueltig('zu kurz');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw ungueltig('kein Inhaltsverzeichnis');
  const anzahl = dv.getUint16(eocd + 10, true);
  const cdGroesse = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (anzahl === 0xffff || cdOffset === 0xffffffff || cdGroesse === 0xffffffff) {
    throw new ZipAblehnung('ZIP_UNGUELTIG', 'ZIP64-Archive werden nicht angenommen.');
  }
  if (dv.getUint16(eocd + 4, true) !== 0 || dv.getUint16(eocd + 6, true) !== 0) throw ungueltig('mehrteiliges Archiv');
  if (anzahl > grenzen.maxEintraege) {
    throw new ZipAblehnung('ZIP_ZU_GROSS', `Die ZIP-Datei enthält mehr als ${grenzen.maxEintraege} Einträge.`);
  }
  if (cdOffset + cdGroesse > eocd) throw ungueltig('Inhaltsverzeichnis außerhalb der Datei');
  const eintraege: CdEintrag[] = [];
  const namen = new Set<string>();
  let p = cdOffset;
  let gesamt = 0;
  for (let i = 0; i < anzahl; i++) {
    if (p + 46 > eocd || dv.getUint32(p, true) !== SIG_CD) throw ungueltig('Eintrag im Inhaltsverzeichnis');
    const erstellt = dv.getUint16(p + 4, true);
    const flags = dv.getUint16(p + 8, true);
    const methode = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    const komprimiert = dv.getUint32(p + 20, true);
    const original = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const kommentarLen = dv.getUint16(p + 32, true);
    const extAttr = dv.getUint32(p + 38, true);
    const lokalerOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen > eocd) throw ungueltig('Name außerhalb der Datei');
    const nameBytes = buf.subarray(p + 46, p + 46 + nameLen);
    const name = flags & 0x800 ? Buffer.from(nameBytes).toString('utf8') : Buffer.from(nameBytes).toString('latin1');
    p += 46 + nameLen + extraLen + kommentarLen;

    if (!istSichererDateiname(name)) {
      throw new ZipAblehnung('ZIP_PFAD_UNZULAESSIG', 'Die ZIP-Datei enthält einen unzulässigen Eintragsnamen (Verzeichnis, Pfadangabe oder „..“).');
    }
    if (namen.has(name.toLowerCase())) throw new ZipAblehnung('ZIP_PFAD_UNZULAESSIG', 'Die ZIP-Datei enthält einen Eintragsnamen doppelt.');
    namen.add(name.toLowerCase());
    if (flags & 0x1) throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei enthält verschlüsselte Einträge.');
    const host = erstellt >> 8;
    if (host === 3 && ((extAttr >>> 16) & 0o170000) === 0o120000) {
      throw new ZipAblehnung('ZIP_PFAD_UNZULAESSIG', 'Die ZIP-Datei enthält einen symbolischen Link.');
    }
    if (methode !== 0 && methode !== 8) throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei verwendet ein nicht unterstütztes Kompressionsverfahren.');
    if (komprimiert === 0xffffffff || original === 0xffffffff || lokalerOffset === 0xffffffff) {
      throw new ZipAblehnung('ZIP_UNGUELTIG', 'ZIP64-Archive werden nicht angenommen.');
    }
    gesamt += original;
    if (gesamt > grenzen.maxGesamtBytes) {
      throw new ZipAblehnung('ZIP_ZU_GROSS', `Der entpackte Inhalt der ZIP-Datei wäre größer als erlaubt (${grenzen.maxGesamtBytes} Bytes).`);
    }
    if (original > 1024 * 1024 && original / Math.max(1, komprimiert) > grenzen.maxVerhaeltnis) {
      throw new ZipAblehnung('ZIP_ZU_GROSS', `Ein Eintrag der ZIP-Datei ist ungewöhnlich stark komprimiert (mehr als 1:${grenzen.maxVerhaeltnis}); mögliche ZIP-Bombe.`);
    }
    eintraege.push({ name, methode, crc, komprimiert, original, lokalerOffset });
  }
  return eintraege;
}

/** Reads an untrusted ZIP archive (see module comment). Throws ZipAblehnung. */
export function leseZipSicher(buf: Uint8Array, grenzen: ZipGrenzen = STANDARD_ZIP_GRENZEN): Map<string, Buffer> {
  const eintraege = leseVerzeichnis(buf, grenzen);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Map<string, Buffer>();
  for (const e of eintraege) {
    const o = e.lokalerOffset;
    if (o + 30 > buf.length || dv.getUint32(o, true) !== SIG_LOCAL) {
      throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei ist beschädigt (lokaler Eintragskopf fehlt).');
    }
    const start = o + 30 + dv.getUint16(o + 26, true) + dv.getUint16(o + 28, true);
    const ende = start + e.komprimiert;
    if (ende > buf.length) throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei ist beschädigt (Eintrag abgeschnitten).');
    const roh = buf.subarray(start, ende);
    let daten: Uint8Array;
    if (e.methode === 0) {
      if (e.komprimiert !== e.original) throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei ist beschädigt (Größenangaben widersprüchlich).');
      daten = roh;
    } else {
      try {
        // The output buffer has the declared size: a lying header cannot make us inflate more.
        daten = inflateSync(roh, { out: new Uint8Array(e.original) });
      } catch {
        throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei ist beschädigt (Eintrag lässt sich nicht entpacken).');
      }
    }
    if (daten.length !== e.original || zlib.crc32(daten) >>> 0 !== e.crc >>> 0) {
      throw new ZipAblehnung('ZIP_UNGUELTIG', 'Die ZIP-Datei ist beschädigt (Prüfsumme oder Größe eines Eintrags stimmt nicht).');
    }
    out.set(e.name, Buffer.from(daten));
  }
  return out;
}

/** Writes a flat ZIP archive (deflate; already compressed formats are stored). */
export function schreibeZip(eintraege: Array<{ name: string; daten: Uint8Array }>): Buffer {
  const obj: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const e of eintraege) {
    const schonKomprimiert = /\.(pdf|jpe?g|png|zip|docx|xlsx|odt)$/i.test(e.name);
    obj[e.name] = [e.daten, { level: schonKomprimiert ? 0 : 6 }];
  }
  return Buffer.from(zipSync(obj));
}
