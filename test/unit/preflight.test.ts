/**
 * Preflight of incoming files: every hostile or broken case is refused with its code and a German
 * reason for a person, nothing throws, nothing hangs. Hostile files are built here by hand.
 */
import zlib from 'node:zlib';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { erkenneTyp, pruefeDatei, pruefeDateiname, type PreflightErgebnis } from '../../activities/posteingang/preflight';
import { parseNachricht } from '../../connectors/buerger-app/nachricht';
import { textSeitenGenuegen } from '../../activities/erkennung/lesen';
import { textlayerSeiten } from '../../activities/erkennung/seiten';

async function pdf(seiten = 1, opts: { objectStreams?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < seiten; i++) doc.addPage([595, 842]).drawText(`Seite ${i + 1}`, { x: 50, y: 780, size: 12, font });
  return Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? true }));
}

const als = (mediaType: string, fileName = 'datei') => ({ mediaType, fileName });

function abgelehnt(r: PreflightErgebnis): { code: string; grund: string } {
  if (r.ok) throw new Error(`expected refusal, got ok with ${r.seiten} pages`);
  return { code: r.code, grund: r.grund };
}

describe('PDF', () => {
  test('a good PDF passes with its page count', async () => {
    await expect(pruefeDatei(await pdf(3), als('application/pdf', 'antrag.pdf'))).resolves.toEqual({ ok: true, seiten: 3, mediaType: 'application/pdf', hinweise: [] });
  });

  test('empty file, too many bytes, too many pages', async () => {
    expect(abgelehnt(await pruefeDatei(Buffer.alloc(0), als('application/pdf')))).toEqual({ code: 'leer', grund: 'Die Datei ist leer (0 Byte).' });
    const gross = abgelehnt(await pruefeDatei(await pdf(1), { ...als('application/pdf'), maxBytes: 100 }));
    expect(gross.code).toBe('zu-gross');
    expect(gross.grund).toMatch(/größer als erlaubt/);
    const viele = abgelehnt(await pruefeDatei(await pdf(3), { ...als('application/pdf'), maxSeiten: 2 }));
    expect(viele).toEqual({ code: 'zu-viele-seiten', grund: 'Das PDF hat 3 Seiten (höchstens 2 erlaubt).' });
  });

  test('a PDF without pages', async () => {
    const doc = await PDFDocument.create();
    expect(abgelehnt(await pruefeDatei(Buffer.from(await doc.save({ addDefaultPage: false })), als('application/pdf'))).code).toBe('keine-seiten');
  });

  test('corrupt PDFs: truncated, garbage after the header', async () => {
    const gut = await pdf(2);
    for (const kaputt of [gut.subarray(0, 200), Buffer.from('%PDF-1.7\n' + 'x'.repeat(5000))]) {
      expect(abgelehnt(await pruefeDatei(kaputt, als('application/pdf')))).toEqual({ code: 'beschaedigt', grund: 'Das PDF ist beschädigt und lässt sich nicht öffnen.' });
    }
  });

  test('an encrypted PDF (standard security handler in the trailer) is refused', async () => {
    const klar = (await pdf(1, { objectStreams: false })).toString('latin1');
    expect(klar).toContain('trailer');
    const verschluesselt = Buffer.from(
      klar.replace('trailer\n<<', 'trailer\n<<\n/Encrypt << /Filter /Standard /V 1 /R 2 /O <6f776e6572> /U <75736572> /P -3904 >>\n/ID [<0123456789abcdef> <0123456789abcdef>]'),
      'latin1',
    );
    const r = abgelehnt(await pruefeDatei(verschluesselt, als('application/pdf')));
    expect(r.code).toBe('verschluesselt');
    expect(r.grund).toMatch(/verschlüsselt \(Kennwortschutz\)/);
  });

  test('decompression bombs: a Flate stream that inflates beyond the cap, an image with a huge declared size', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.context.register(doc.context.stream(zlib.deflateSync(Buffer.alloc(80 * 1024 * 1024)), { Filter: 'FlateDecode' }));
    const bombe = Buffer.from(await doc.save());
    expect(bombe.length).toBeLessThan(1024 * 1024);
    const r1 = abgelehnt(await pruefeDatei(bombe, als('application/pdf')));
    expect(r1.code).toBe('dekompressionsbombe');
    expect(r1.grund).toMatch(/Dekompressionsbombe/);

    const doc2 = await PDFDocument.create();
    const page = doc2.addPage();
    const bild = doc2.context.register(
      doc2.context.stream(zlib.deflateSync(Buffer.alloc(1000)), { Type: 'XObject', Subtype: 'Image', Width: 60000, Height: 60000, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode' }),
    );
    page.node.setXObject(PDFName.of('Im0'), bild);
    const r2 = abgelehnt(await pruefeDatei(Buffer.from(await doc2.save()), als('application/pdf')));
    expect(r2.code).toBe('dekompressionsbombe');
  });

  test('a born-digital PDF hands its text layer to reading: the same texts reading would extract itself', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([595, 842]).drawText('Weiterbewilligungsantrag fuer die Bedarfsgemeinschaft 96201BG0012345', { x: 50, y: 780, size: 11, font });
    doc.addPage([595, 842]).drawText('Zweite Seite mit Kontoauszug und weiterem Text zum Lesen', { x: 50, y: 780, size: 11, font });
    const inhalt = Buffer.from(await doc.save());
    const r = await pruefeDatei(inhalt, { ...als('application/pdf'), textlayerMelden: true, texteMelden: true });
    expect(r.ok && r.textlayer).toBe(true);
    const texte = r.ok ? r.texte : undefined;
    expect(texte).toEqual(await textlayerSeiten(inhalt));
    expect(texte![0]).toContain('96201BG0012345');
    expect(textSeitenGenuegen(texte!)).toBe(true);
    // Without asking, no texts (they must never reach a workflow history by accident).
    const ohne = await pruefeDatei(inhalt, { ...als('application/pdf'), textlayerMelden: true });
    expect(ohne.ok && 'texte' in ohne).toBe(false);
  });

  test('a page that may be a searchable scan (one image) sends no texts: reading decodes its image', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const png = await doc.embedPng(await sharp({ create: { width: 40, height: 40, channels: 3, background: '#ffffff' } }).png().toBuffer());
    const page = doc.addPage([595, 842]);
    page.drawImage(png, { x: 0, y: 0, width: 595, height: 842 });
    page.drawText('Unsichtbarer Text über einem Scan, lang genug für die Textschicht', { x: 50, y: 780, size: 11, font });
    const r = await pruefeDatei(Buffer.from(await doc.save()), { ...als('application/pdf'), textlayerMelden: true, texteMelden: true });
    expect(r.ok && r.textlayer).toBe(true);
    expect(r.ok && r.texte).toBeUndefined();
  });

  test('parsing has a time limit (the worker is stopped)', async () => {
    // 400 pages cannot be parsed within 1 ms (a warm thread parsed a one-page file in time under CI).
    const r = abgelehnt(await pruefeDatei(await pdf(400), { ...als('application/pdf'), timeoutMs: 1 }));
    expect(r.code).toBe('zeitueberschreitung');
    expect(r.grund).toMatch(/abgebrochen/);
  });
});

describe('images', () => {
  test('PNG, JPEG and a multi-page TIFF pass', async () => {
    const png = await sharp({ create: { width: 200, height: 280, channels: 3, background: '#fff' } }).png().toBuffer();
    const jpeg = await sharp(png).jpeg().toBuffer();
    const raw = Buffer.alloc(200 * 280 * 3, 255);
    const tiff = await sharp(raw, { raw: { width: 200, height: 280 * 3, channels: 1, pageHeight: 280 } }).tiff().toBuffer();
    expect(await pruefeDatei(png, als('image/png'))).toMatchObject({ ok: true, seiten: 1 });
    expect(await pruefeDatei(jpeg, als('image/jpg'))).toMatchObject({ ok: true, seiten: 1, mediaType: 'image/jpeg' });
    expect(await pruefeDatei(tiff, als('image/tiff'))).toMatchObject({ ok: true, seiten: 3 });
    expect(abgelehnt(await pruefeDatei(tiff, { ...als('image/tiff'), maxSeiten: 2 })).code).toBe('zu-viele-seiten');
  });

  test('a 1-gigapixel PNG is refused from its header, before any decoding', async () => {
    // A real PNG signature + IHDR (40000 × 25000, 8-bit grey) + a short IDAT: nothing but the header is needed to refuse it.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(40000, 0);
    ihdr.writeUInt32BE(25000, 4);
    ihdr[8] = 8;
    const chunk = (typ: string, daten: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(daten.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(typ, 'latin1'), daten])) >>> 0);
      return Buffer.concat([len, Buffer.from(typ, 'latin1'), daten, crc]);
    };
    const bombe = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(40001 * 10)))]);
    const r = abgelehnt(await pruefeDatei(bombe, als('image/png', 'foto.png')));
    expect(r.code).toBe('dekompressionsbombe');
    expect(r.grund).toBe('Das Bild ist mit 40000 × 25000 Pixeln (1.000 Megapixel) zu groß zum Öffnen (höchstens 100 Megapixel).');
  });

  test('a JPEG whose header claims 60000 × 60000 pixels is refused', async () => {
    const klein = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } }).jpeg({ mozjpeg: false }).toBuffer();
    const sof = klein.findIndex((b, i) => b === 0xff && (klein[i + 1] === 0xc0 || klein[i + 1] === 0xc2));
    expect(sof).toBeGreaterThan(0);
    const bombe = Buffer.from(klein);
    bombe.writeUInt16BE(60000, sof + 5); // height
    bombe.writeUInt16BE(60000, sof + 7); // width
    expect(abgelehnt(await pruefeDatei(bombe, als('image/jpeg'))).code).toBe('dekompressionsbombe');
  });

  test('a PNG with a broken image stream is corrupt', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123' } }).png().toBuffer();
    const kaputt = Buffer.from(png);
    kaputt.fill(0x42, 60, png.length - 20);
    expect(abgelehnt(await pruefeDatei(kaputt, als('image/png'))).code).toBe('beschaedigt');
  });
});

describe('type from magic bytes', () => {
  test('a file that claims one type but is another', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]);
    expect(abgelehnt(await pruefeDatei(zip, als('application/pdf', 'bescheid.pdf')))).toEqual({
      code: 'typ-falsch',
      grund: 'Die Datei gibt sich als PDF aus, ist aber ein ZIP-Archiv (auch Word/Excel).',
    });
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(abgelehnt(await pruefeDatei(png, als('application/pdf'))).grund).toBe('Die Datei gibt sich als PDF aus, ist aber ein PNG-Bild.');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
    expect(abgelehnt(await pruefeDatei(exe, als('image/png'))).code).toBe('typ-falsch');
    expect(abgelehnt(await pruefeDatei(Buffer.from('<html><body>hallo</body></html>'), als('text/html')))).toEqual({
      code: 'typ-unbekannt',
      grund: 'Die Datei ist eine HTML-Seite; angenommen werden nur PDF, TIFF, PNG und JPEG.',
    });
    expect(abgelehnt(await pruefeDatei(Buffer.from('irgendwas'), als('application/octet-stream'))).code).toBe('typ-unbekannt');
  });

  test('a generic claim (application/octet-stream) takes the real type', async () => {
    expect(await pruefeDatei(await pdf(1), als('application/octet-stream'))).toMatchObject({ ok: true, mediaType: 'application/pdf' });
    expect(erkenneTyp(Buffer.from('junk before header %PDF-1.4\n'))).toBe('application/pdf');
  });
});

describe('file names', () => {
  test('hostile names are reported, never used, and do not stop a good file', async () => {
    const r = await pruefeDatei(await pdf(1), als('application/pdf', '../../etc/passwd\u0000\u202Efdp.exe'));
    expect(r.ok).toBe(true);
    expect(r.hinweise).toEqual([
      'Der Dateiname enthält Pfadangaben („/“, „\\“ oder „..“); er wird nicht als Pfad verwendet.',
      'Der Dateiname enthält Steuerzeichen.',
      'Der Dateiname enthält Zeichen, die die Schreibrichtung umkehren (können die Dateiendung verschleiern).',
      'Der Dateiname enthält die Endung eines ausführbaren Programms.',
    ]);
    expect(pruefeDateiname('a'.repeat(300) + '.pdf')).toEqual(['Der Dateiname ist ungewöhnlich lang (304 Byte).']);
    expect(pruefeDateiname('CON.pdf')).toEqual(['Der Dateiname ist ein unter Windows reservierter Gerätename.']);
    expect(pruefeDateiname('..\\..\\boot.ini')).toHaveLength(1);
    expect(pruefeDateiname('Lohnabrechnung März 2026.pdf')).toEqual([]);
  });
});

describe('citizen app message (XML) is refused before parsing when hostile', () => {
  const anhang = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');
  const nachricht = (vorspann: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n${vorspann}<Nachricht><Absender><Nachname>&xxe;</Nachname></Absender><Eingang>2026-11-26T09:00:00+01:00</Eingang><Anhang dateiname="a.pdf" mimeType="application/pdf">${anhang}</Anhang></Nachricht>`;

  test('XXE (external entity) and billion laughs are refused', () => {
    const xxe = parseNachricht(nachricht('<!DOCTYPE Nachricht [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'), {}, new Date('2026-11-27T00:00:00Z'));
    expect(xxe).toEqual({ ok: false, grund: 'Die Nachricht enthält eine DOCTYPE- oder ENTITY-Deklaration; das ist aus Sicherheitsgründen nicht erlaubt.' });
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY xxe "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n';
    expect(parseNachricht(nachricht(lol), {}, new Date('2026-11-27T00:00:00Z')).ok).toBe(false);
    expect(parseNachricht(Buffer.from(nachricht('<!doctype x>')), {}, new Date('2026-11-27T00:00:00Z')).ok).toBe(false);
  });
});
