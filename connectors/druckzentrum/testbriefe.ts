/**
 * Test letters for the print centre: valid DIN 5008 Form B letters rendered with pdf-lib
 * (A4 portrait, address in the window, pdf-lib's standard font Helvetica) and the broken
 * variants a print centre rejects.
 *
 * The output is deterministic (fixed dates, no random ids): the same options give the same
 * bytes, so tests can reason about checksums. Recipients are fictitious (a fixed list, not
 * faker: @faker-js/faker 10 is ESM-only and does not load under Jest's CommonJS runtime).
 *
 * Encryption: pdf-lib cannot encrypt. `verschluesselt` therefore applies the PDF standard
 * security handler itself (ISO 32000-1 §7.6.3, revision 3, 128-bit RC4: algorithms 2, 3 and 5,
 * every string and stream encrypted with its per-object key) to a valid letter, with user
 * password `geheim`. The result opens in any PDF reader with that password (the unit test
 * decrypts it with pdf.js) and is refused without it — exactly what a centre gets from a
 * letter "protected" by an office suite.
 */
import { createHash } from 'node:crypto';
import {
  PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString,
  StandardFonts, rgb, type PDFFont, type PDFObject, type PDFPage,
} from 'pdf-lib';

export type TestbriefVariante =
  | 'gueltig'
  /** No text in the window at all: the address block sits at the right margin. */
  | 'adresseAusserhalb'
  /** Address starts in the window but its longest line runs past the window's right edge. */
  | 'ragtHinaus'
  | 'verschluesselt'
  /** A4 landscape. */
  | 'quer'
  /** Not a PDF: the bytes of an office document (ZIP container). */
  | 'keinPdf'
  /** A TrueType font referenced but not embedded. */
  | 'schriftNichtEingebettet';

export interface TestbriefOptionen {
  /** Picks the recipient and the reference; different numbers give different files. */
  nr?: number;
  variante?: TestbriefVariante;
  seiten?: number;
}

export const TESTBRIEF_KENNWORT = 'geheim';

const A4: [number, number] = [595.28, 841.89];
const PT = 72 / 25.4;

const EMPFAENGER = [
  { anrede: 'Frau', name: 'Erika Mustermann', strasse: 'Lindenallee 12', ort: '35390 Gießen' },
  { anrede: 'Herrn', name: 'Jürgen Beispiel', strasse: 'Am Mühlbach 3a', ort: '35578 Wetzlar' },
  { anrede: 'Frau', name: 'Aylin Probst', strasse: 'Bahnhofstraße 27', ort: '35037 Marburg' },
  { anrede: 'Herrn', name: 'Konstantin Weißgerber', strasse: 'Goethering 5', ort: '35423 Lich' },
  { anrede: 'Frau', name: 'Sabine Östreicher', strasse: 'Schulgasse 1', ort: '35305 Grünberg' },
  { anrede: 'Herrn', name: 'Mehmet Demir', strasse: 'Hauptstraße 140', ort: '35440 Linden' },
  { anrede: 'Frau', name: 'Ingrid Klöppel', strasse: 'Wiesenweg 9', ort: '35415 Pohlheim' },
  { anrede: 'Herrn', name: 'Tobias Lämmerhirt', strasse: 'Kirchplatz 4', ort: '35460 Staufenberg' },
];

const RUECKSENDEANGABE = 'Jobcenter Musterkreis · Postfach 10 01 23 · 35001 Musterstadt';
const FIXED_DATE = new Date('2026-01-05T08:00:00Z');

function pdfY(page: PDFPage, mmFromTop: number): number {
  return page.getHeight() - mmFromTop * PT;
}

function text(page: PDFPage, s: string, xMm: number, yMmFromTop: number, size: number, font: PDFFont): void {
  page.drawText(s, { x: xMm * PT, y: pdfY(page, yMmFromTop), size, font, color: rgb(0, 0, 0) });
}

async function render(o: Required<Pick<TestbriefOptionen, 'nr' | 'seiten'>> & { variante: TestbriefVariante }): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Testbrief ${o.nr}`);
  doc.setProducer('Aktenlauf Testbriefe');
  doc.setCreator('Aktenlauf');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const e = EMPFAENGER[(o.nr - 1 + EMPFAENGER.length * 1000) % EMPFAENGER.length] ?? EMPFAENGER[0]!;
  const size: [number, number] = o.variante === 'quer' ? [A4[1], A4[0]] : A4;

  for (let s = 1; s <= o.seiten; s += 1) {
    const page = doc.addPage(size);
    if (s === 1) {
      text(page, 'Jobcenter Musterkreis', 25, 20, 14, bold);
      text(page, 'Leistungsabteilung · Team 3', 25, 26, 9, font);
      // Window: Rücksendeangabe in the Vermerkzone, the address below it (Form B).
      const x = o.variante === 'adresseAusserhalb' ? 125 : 25;
      const y0 = o.variante === 'adresseAusserhalb' ? 100 : 45;
      let rsSize = 7;
      while (font.widthOfTextAtSize(RUECKSENDEANGABE, rsSize) > 78 * PT) rsSize -= 0.25;
      text(page, RUECKSENDEANGABE, x, y0 + 4.5, rsSize, font);
      const zeilen = [e.anrede, e.name, e.strasse, e.ort];
      if (o.variante === 'ragtHinaus') zeilen[1] = `${e.name} und weitere Mitglieder der Bedarfsgemeinschaft`;
      zeilen.forEach((z, i) => text(page, z, x, y0 + 17.7 + 4.5 + i * 4.23, 10, font));
      // Information block right of the window.
      const info = [['Ihr Zeichen', '—'], ['Unser Zeichen', `TB-${String(o.nr).padStart(5, '0')}`], ['Datum', '05.01.2026']];
      info.forEach(([k, v], i) => {
        text(page, `${k}:`, 125, 50 + i * 5, 8, font);
        text(page, v ?? '', 152, 50 + i * 5, 8, font);
      });
      text(page, `Bescheid über Leistungen nach dem SGB II (Testbrief ${o.nr})`, 25, 103.4, 11, bold);
      const body = [
        'Sehr geehrte Damen und Herren,',
        '',
        'dies ist ein Testbrief des Zentraldruck-Simulators. Er folgt DIN 5008 Form B:',
        'die Anschrift steht im Sichtfenster, die Seite ist DIN A4 hochkant.',
        '',
        'Mit freundlichen Grüßen',
        'Ihr Jobcenter Musterkreis',
      ];
      body.forEach((z, i) => text(page, z, 25, 115 + i * 5, 10, font));
    } else {
      text(page, `Fortsetzung (Testbrief ${o.nr})`, 25, 30, 10, bold);
      text(page, 'Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann Widerspruch erhoben werden.', 25, 40, 10, font);
    }
    text(page, `Seite ${s} von ${o.seiten}`, 170, 285, 8, font);
  }

  return doc;
}

/** Re-declares Helvetica as a TrueType font whose program is not in the file. */
async function ohneEingebetteteSchrift(plain: Buffer): Promise<Buffer> {
  const doc = await PDFDocument.load(plain, { updateMetadata: false });
  const ctx = doc.context;
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict)) continue;
    if (obj.lookupMaybe(PDFName.of('Type'), PDFName)?.decodeText() !== 'Font') continue;
    if (obj.lookupMaybe(PDFName.of('BaseFont'), PDFName)?.decodeText() !== 'Helvetica') continue;
    const descriptor = ctx.obj({ Type: 'FontDescriptor', FontName: 'ArialMT', Flags: 32, FontBBox: [-665, -325, 2000, 1040], ItalicAngle: 0, Ascent: 905, Descent: -212, CapHeight: 716, StemV: 80 });
    obj.set(PDFName.of('Subtype'), PDFName.of('TrueType'));
    obj.set(PDFName.of('BaseFont'), PDFName.of('ArialMT'));
    obj.set(PDFName.of('FontDescriptor'), ctx.register(descriptor));
    ctx.assign(ref, obj);
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A test letter as PDF bytes (or, for `keinPdf`, the bytes of something else). */
export async function testbrief(o: TestbriefOptionen = {}): Promise<Buffer> {
  const nr = o.nr ?? 1;
  const variante = o.variante ?? 'gueltig';
  const seiten = Math.max(1, o.seiten ?? 1);
  if (variante === 'keinPdf') {
    // The start of a .docx (ZIP local file header), as when a Word file is sent instead of its PDF.
    return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from(`[Content_Types].xml Testbrief ${nr}`, 'latin1')]);
  }
  const doc = await render({ nr, seiten, variante });
  const plain = Buffer.from(await doc.save({ useObjectStreams: false }));
  if (variante === 'schriftNichtEingebettet') return ohneEingebetteteSchrift(plain);
  if (variante !== 'verschluesselt') return plain;
  return verschluessele(plain, TESTBRIEF_KENNWORT, `eigentuemer-${nr}`, `aktenlauf-testbrief-${nr}`);
}

// ---------------------------------------------------------------------------------------------
// PDF standard security handler, revision 3 (RC4, 128 bit), ISO 32000-1 §7.6.3.

const PADDING = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i += 1) s[i] = i;
  let j = 0;
  for (let i = 0; i < 256; i += 1) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n += 1) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

function padPassword(pw: string): Buffer {
  return Buffer.concat([Buffer.from(pw, 'latin1'), PADDING]).subarray(0, 32);
}

function rc4Rounds(key: Buffer, data: Buffer): Buffer {
  let out = rc4(key, data);
  for (let i = 1; i <= 19; i += 1) out = rc4(Buffer.from(key.map((b) => b ^ i)), out);
  return out;
}

function encryptObject(obj: PDFObject, key: Buffer): PDFObject {
  if (obj instanceof PDFString || obj instanceof PDFHexString) {
    return PDFHexString.of(rc4(key, Buffer.from(obj.asBytes())).toString('hex'));
  }
  if (obj instanceof PDFDict) {
    for (const [k, v] of obj.entries()) obj.set(k, encryptObject(v, key));
    return obj;
  }
  if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i += 1) obj.set(i, encryptObject(obj.get(i), key));
    return obj;
  }
  return obj;
}

async function verschluessele(plain: Buffer, userPw: string, ownerPw: string, idSeed: string): Promise<Buffer> {
  const doc = await PDFDocument.load(plain, { updateMetadata: false });
  const ctx = doc.context;
  const id = md5(Buffer.from(idSeed, 'utf8'));
  const permissions = -3904; // print and copy allowed, editing not (bits 3, 5 set; 7, 8 reserved 1s)
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(permissions);

  // Algorithm 3: O entry.
  let h = md5(padPassword(ownerPw));
  for (let i = 0; i < 50; i += 1) h = md5(h.subarray(0, 16));
  const o = rc4Rounds(h.subarray(0, 16), padPassword(userPw));
  // Algorithm 2: file key.
  let k = md5(padPassword(userPw), o, pBytes, id);
  for (let i = 0; i < 50; i += 1) k = md5(k.subarray(0, 16));
  const fileKey = k.subarray(0, 16);
  // Algorithm 5: U entry.
  const u = Buffer.concat([rc4Rounds(fileKey, md5(PADDING, id)), Buffer.alloc(16)]);

  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    const num = Buffer.alloc(5);
    num.writeUIntLE(ref.objectNumber, 0, 3);
    num.writeUIntLE(ref.generationNumber, 3, 2);
    const objKey = md5(fileKey, num).subarray(0, 16);
    if (obj instanceof PDFRawStream) {
      encryptObject(obj.dict, objKey);
      ctx.assign(ref, PDFRawStream.of(obj.dict, rc4(objKey, Buffer.from(obj.contents))));
    } else {
      ctx.assign(ref, encryptObject(obj, objKey));
    }
  }
  const encrypt = ctx.obj({ Filter: 'Standard', V: 2, R: 3, Length: 128, P: permissions });
  encrypt.set(PDFName.of('O'), PDFHexString.of(o.toString('hex')));
  encrypt.set(PDFName.of('U'), PDFHexString.of(u.toString('hex')));
  ctx.trailerInfo.Encrypt = ctx.register(encrypt);
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of(id.toString('hex')), PDFHexString.of(id.toString('hex'))]);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
