/**
 * E-Akte formats: safe XML reading, index/result files, XDOMEA 0401/0402, safe ZIP reading.
 */
import { zipSync } from 'fflate';
import { parseUntrustedXml, text, XmlAblehnung } from '../../connectors/eakte/shared/xml';
import { leseZipSicher, schreibeZip, ZipAblehnung } from '../../connectors/eakte/shared/zip';
import { istSichererDateiname, uuidV5 } from '../../connectors/eakte/shared/files';
import { ergebnisXml, indexXml, leseErgebnis, leseIndex } from '../../connectors/eakte/hotfolder/format';
import { abgabe0401Xml, importBestaetigung0402Xml, lese0401, lese0402, prozessIdFuer } from '../../connectors/eakte/xdomea/message';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

function ablehnungsCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof XmlAblehnung || err instanceof ZipAblehnung) return err.code;
    throw err;
  }
  throw new Error('keine Ablehnung');
}

describe('parseUntrustedXml', () => {
  it('refuses DOCTYPE / external entities (XXE) and entity bombs', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>';
    const lol = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><l>&b;</l>';
    expect(ablehnungsCode(() => parseUntrustedXml(utf8(xxe), 10_000))).toBe('XML_DOCTYPE_VERBOTEN');
    expect(ablehnungsCode(() => parseUntrustedXml(utf8(lol), 10_000))).toBe('XML_DOCTYPE_VERBOTEN');
  });

  it('refuses other encodings, invalid UTF-8, malformed XML, undefined entities and oversize input', () => {
    expect(ablehnungsCode(() => parseUntrustedXml(utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'), 1000))).toBe('XML_KODIERUNG');
    expect(ablehnungsCode(() => parseUntrustedXml(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]), 1000))).toBe('XML_KODIERUNG');
    expect(ablehnungsCode(() => parseUntrustedXml(Buffer.from('\ufeff<a/>', 'utf16le'), 1000))).toBe('XML_KODIERUNG');
    expect(ablehnungsCode(() => parseUntrustedXml(utf8('<a><b></a>'), 1000))).toBe('XML_UNGUELTIG');
    expect(ablehnungsCode(() => parseUntrustedXml(utf8('<a>&nbsp;</a>'), 1000))).toBe('XML_UNGUELTIG');
    expect(ablehnungsCode(() => parseUntrustedXml(utf8('<a>xxxxxxxx</a>'), 5))).toBe('XML_ZU_GROSS');
  });

  it('decodes the predefined entities and character references, and finds the root namespace', () => {
    const x = parseUntrustedXml(utf8('<?xml version="1.0" encoding="utf-8"?><p:r xmlns:p="urn:x"><p:t>A &amp; B &lt;&#228;&#xF6;&gt;</p:t></p:r>'), 1000);
    expect(x.rootName).toBe('r');
    expect(x.rootNamespace).toBe('urn:x');
    expect(text(x.root, 't')).toBe('A & B <äö>');
  });
});

describe('hot folder index and result files', () => {
  it('round-trips metadata with umlauts and markup characters', () => {
    const xml = indexXml({
      dokumentId: '0b6f3c1e-2a4d-4c8e-9f1a-3b5d7e9f1a2c',
      datei: { name: '0b6f3c1e-2a4d-4c8e-9f1a-3b5d7e9f1a2c.pdf', originalname: 'Kontoauszug März <Kopie>.pdf', mimeType: 'application/pdf', groesse: 12, sha256: 'ab'.repeat(32) },
      metadaten: { bgNummer: '96201BG0012345', betreff: 'Änderung & "Umzug" \'ab\' 1.5.', dokumentart: 'VAEM', posteingangsdatum: '2026-03-02', vorgang: 'Weiterbewilligung 2026' },
    });
    const r = leseIndex(utf8(xml));
    expect(r.dokumentId).toBe('0b6f3c1e-2a4d-4c8e-9f1a-3b5d7e9f1a2c');
    expect(r.datei.originalname).toBe('Kontoauszug März <Kopie>.pdf');
    expect(r.metadaten.betreff).toBe('Änderung & "Umzug" \'ab\' 1.5.');
    expect(r.metadaten.postausgangsdatum).toBeUndefined();
    expect(r.metadaten.vorgang).toBe('Weiterbewilligung 2026');
  });

  it('reads both kinds of result', () => {
    const ok = leseErgebnis(utf8(ergebnisXml({ status: 'OK', dokumentId: 'x', objektId: 'DMS-1', ablageort: 'dms:/a', bereitsVorhanden: true, zeitpunkt: '2026-01-01T00:00:00Z' })));
    expect(ok).toMatchObject({ status: 'OK', objektId: 'DMS-1', bereitsVorhanden: true });
    const f = leseErgebnis(utf8(ergebnisXml({ status: 'FEHLER', dokumentId: 'x', art: 'technisch', code: 'DMS_INTERN', grund: 'Interner Fehler', zeitpunkt: '2026-01-01T00:00:00Z' })));
    expect(f).toMatchObject({ status: 'FEHLER', art: 'technisch', code: 'DMS_INTERN', grund: 'Interner Fehler' });
  });
});

describe('XDOMEA 0401 / 0402', () => {
  const dokumentId = '5f2b8c1d-7e3a-4b9c-8d1e-2f3a4b5c6d7e';
  const prozessId = prozessIdFuer(dokumentId);

  it('writes an Abgabe.Abgabe.0401 in the xdomea 3.x namespace that reads back to the same metadata', () => {
    const inhalt = Buffer.from('%PDF-1.7\n...');
    const xml = abgabe0401Xml({
      version: '3.1.0',
      prozessId,
      erstellt: new Date('2026-03-02T10:00:00Z'),
      absender: 'Jobcenter Landkreis',
      empfaenger: 'E-Akte',
      dokument: { dokumentId, originalname: 'WBA Müller.pdf', primaerDateiname: `${dokumentId}.pdf`, endung: 'pdf', mimeType: 'application/pdf', inhalt, sha256: 'cd'.repeat(32) },
      metadaten: { bgNummer: '96201BG0012345', aktenzeichen: 'AZ-4711', betreff: 'Weiterbewilligungsantrag', dokumentart: 'WBA', kennzeichen: '50.10.02', posteingangsdatum: '2026-03-01', vorgang: 'Weiterbewilligung 2026' },
      belegdatum: '2026-03-01',
    });
    expect(xml).toContain('<xdomea:Abgabe.Abgabe.0401 xmlns:xdomea="urn:xoev-de:xdomea:schema:3.1.0">');
    expect(xml).toMatch(/<xdomea:Nachrichtentyp listURI="urn:xoev-de:xdomea:codeliste:nachrichtentyp" listVersionID="2.0">\s*<code>0401<\/code>/);
    expect(xml).toContain('<xdomea:Importbestaetigung>1</xdomea:Importbestaetigung>');
    expect(xml).toContain('<xdomea:Version>1.7</xdomea:Version>');
    const a = lese0401(utf8(xml));
    expect(a.prozessId).toBe(prozessId);
    expect(a.nachrichtentyp).toBe('0401');
    expect(a.ohneAkte).toBe(0);
    expect(a.dokumente).toHaveLength(1);
    expect(a.dokumente[0]).toMatchObject({
      id: dokumentId,
      betreff: 'Weiterbewilligungsantrag',
      typ: 'WBA',
      kennzeichen: '50.10.02',
      posteingangsdatum: '2026-03-01',
      primaerDateiname: `${dokumentId}.pdf`,
      originalname: 'WBA Müller.pdf',
      mimeType: 'application/pdf',
      akte: { bgNummer: '96201BG0012345', aktenzeichen: 'AZ-4711' },
      vorgang: { betreff: 'Weiterbewilligung 2026' },
    });
  });

  it('derives the same ProzessID for every attempt of a document', () => {
    expect(prozessIdFuer(dokumentId)).toBe(prozessIdFuer(dokumentId.toUpperCase()));
    expect(prozessIdFuer(dokumentId)).not.toBe(prozessIdFuer('5f2b8c1d-7e3a-4b9c-8d1e-2f3a4b5c6d7f'));
  });

  it('reads a 0402 receipt with success and refusal', () => {
    const xml = importBestaetigung0402Xml({
      version: '3.1.0', prozessId, erstellt: new Date(), absender: 'E-Akte', empfaenger: 'Jobcenter',
      objekte: [{ idsgo: dokumentId, erfolgreich: false, fehlermeldung: 'Die BG-Nummer hat kein gültiges Format.', fehlercode: 'BG_NUMMER_UNGUELTIG' }],
    });
    const q = lese0402(utf8(xml));
    expect(q.prozessId).toBe(prozessId);
    expect(q.objekte).toEqual([{ idsgo: dokumentId, erfolgreich: false, fehlermeldung: 'Die BG-Nummer hat kein gültiges Format.', fehlercode: 'BG_NUMMER_UNGUELTIG' }]);
  });
});

describe('leseZipSicher', () => {
  it('reads what schreibeZip wrote', () => {
    const z = schreibeZip([{ name: 'a.xml', daten: utf8('<a/>') }, { name: 'b.pdf', daten: utf8('%PDF-1.4') }]);
    const m = leseZipSicher(z);
    expect(m.get('a.xml')?.toString()).toBe('<a/>');
    expect(m.get('b.pdf')?.toString()).toBe('%PDF-1.4');
  });

  it.each(['../evil.txt', 'sub/dir.txt', '/abs.txt', 'C:evil.txt', '..', 'a\\b.txt'])('refuses the entry name %p (zip slip)', (name) => {
    const z = zipSync({ [name]: new Uint8Array([1, 2, 3]) });
    expect(ablehnungsCode(() => leseZipSicher(z))).toBe('ZIP_PFAD_UNZULAESSIG');
  });

  it('refuses decompression bombs by total size and by ratio', () => {
    const nullen = new Uint8Array(8 * 1024 * 1024);
    const z = zipSync({ 'x.bin': [nullen, { level: 9 }] });
    expect(ablehnungsCode(() => leseZipSicher(z, { maxEintraege: 10, maxGesamtBytes: 4 * 1024 * 1024, maxVerhaeltnis: 10_000 }))).toBe('ZIP_ZU_GROSS');
    expect(ablehnungsCode(() => leseZipSicher(z, { maxEintraege: 10, maxGesamtBytes: 100 * 1024 * 1024, maxVerhaeltnis: 100 }))).toBe('ZIP_ZU_GROSS');
    expect(ablehnungsCode(() => leseZipSicher(zipSync({ a: new Uint8Array(1), b: new Uint8Array(1), c: new Uint8Array(1) }), { maxEintraege: 2, maxGesamtBytes: 100, maxVerhaeltnis: 10 }))).toBe('ZIP_ZU_GROSS');
  });

  it('refuses an entry whose header lies about its size (CRC/size check)', () => {
    const z = zipSync({ 'x.bin': [new Uint8Array(100_000).fill(7), { level: 9 }] });
    const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
    for (let i = z.length - 22; i >= 0; i--) {
      if (dv.getUint32(i, true) === 0x02014b50) {
        dv.setUint32(i + 24, 1000, true); // central directory: uncompressed size
        break;
      }
    }
    expect(ablehnungsCode(() => leseZipSicher(z))).toBe('ZIP_UNGUELTIG');
  });

  it('refuses garbage', () => {
    expect(ablehnungsCode(() => leseZipSicher(utf8('das ist kein zip, aber lang genug für den test')))).toBe('ZIP_UNGUELTIG');
  });
});

describe('helpers', () => {
  it('uuidV5 matches the RFC 4122 reference value', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('accepts plain file names only', () => {
    expect(istSichererDateiname('0b6f3c1e.pdf')).toBe(true);
    expect(istSichererDateiname('Kontoauszug März.pdf')).toBe(true);
    for (const n of ['../x', 'a/b', 'a\\b', '.hidden', '', 'x\u0000y', 'C:x', '..']) expect(istSichererDateiname(n)).toBe(false);
  });
});
