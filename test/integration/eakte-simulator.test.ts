/**
 * The DMS simulator under bad and hostile input: every case is refused with a clear reason
 * (result file or 0402 receipt), nothing is read or written outside its folders, and the
 * simulator keeps serving. Also: read UI, and holdings survive a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { zipSync } from 'fflate';
import { createEAkte } from '../../connectors/eakte';
import { leseErgebnis, indexXml } from '../../connectors/eakte/hotfolder/format';
import { eakteSimulator, startEAkteSimulator, type EAkteSimulator, type EAkteSimulatorOptionen } from '../../connectors/eakte/simulator';
import { abgabe0401Xml, lese0402, prozessIdFuer } from '../../connectors/eakte/xdomea/message';
import type { Ablagemetadaten } from '../../connectors/eakte/port';
import { createLogger } from '../../platform/logger';
import { testConfig } from '../helpers/env';
import { freePort } from '../helpers/ports';
import { eventually } from '../helpers/engine';

const TOKEN = 'sim-test-token';
const log = createLogger('eakte-sim-test', 'silent');


async function warteAuf(datei: string, timeoutMs = 10_000): Promise<Buffer> {
  const ende = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fs.promises.readFile(datei);
    } catch {
      if (Date.now() > ende) throw new Error(`nicht erschienen: ${path.basename(datei)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('E-Akte-Simulator', () => {
  let dir: string;
  let sim: EAkteSimulator;
  const optionen: Partial<EAkteSimulatorOptionen> = {
    pollMs: 20,
    importVerzoegerungMs: 0,
    apiVerzoegerungMs: 0,
    karenzMs: 1000,
    apiToken: TOKEN,
    zipGrenzen: { maxEintraege: 20, maxGesamtBytes: 2 * 1024 * 1024, maxVerhaeltnis: 50 },
  };

  beforeAll(async () => {
    dir = path.join(testConfig().dataDir, 'sim', 'eakte');
    sim = await startEAkteSimulator({ dir, port: 0, seed: 1, households: 10, log }, optionen);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const eingang = () => sim.folders['hotfolder-eingang'];
  const fehlerErgebnis = async (basis: string) => leseErgebnis(await warteAuf(path.join(sim.folders['hotfolder-ergebnis'], `${basis}.fehler.xml`)));

  function index(id: string, dateiName: string, m: Partial<Ablagemetadaten> = {}): string {
    return indexXml({
      dokumentId: id,
      datei: { name: dateiName, originalname: 'Scan.pdf', mimeType: 'application/pdf' },
      metadaten: { bgNummer: '96201BG0099001', betreff: 'Test', dokumentart: 'SONSTIGES', ...m },
    });
  }

  describe('hot folder', () => {
    it('refuses an index file with an external entity (XXE)', async () => {
      const id = randomUUID();
      const xxe = `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Ablageauftrag><DokumentId>${id}</DokumentId><Datei><Name>${id}.pdf</Name></Datei><Metadaten><BGNummer>96201BG0099001</BGNummer><Betreff>&x;</Betreff><Dokumentart>SONSTIGES</Dokumentart></Metadaten></Ablageauftrag>`;
      await fs.promises.writeFile(path.join(eingang(), `${id}.pdf`), '%PDF-1.4');
      await fs.promises.writeFile(path.join(eingang(), `${id}.index.xml`), xxe);
      const e = await fehlerErgebnis(id);
      expect(e).toMatchObject({ status: 'FEHLER', code: 'XML_DOCTYPE_VERBOTEN', art: 'fachlich' });
      expect(e.status === 'FEHLER' && e.grund).toMatch(/DOCTYPE.*Sicherheitsgründen/);
      // The DMS writes its result first, then moves the refused pair away (see README).
      await eventually(async () => fs.readdirSync(eingang()).filter((n) => n.startsWith(id)).length === 0, 'refused pair moved away', 10_000);
    });

    it('refuses an entity expansion bomb', async () => {
      const b = 'lol-bomb';
      const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Ablageauftrag>&c;</Ablageauftrag>`;
      await fs.promises.writeFile(path.join(eingang(), `${b}.index.xml`), bomb);
      expect(await fehlerErgebnis(b)).toMatchObject({ code: 'XML_DOCTYPE_VERBOTEN' });
    });

    it('refuses malformed XML', async () => {
      const id = randomUUID();
      await fs.promises.writeFile(path.join(eingang(), `${id}.index.xml`), '<Ablageauftrag><DokumentId>');
      expect(await fehlerErgebnis(id)).toMatchObject({ code: 'XML_UNGUELTIG', art: 'fachlich' });
    });

    it.each(['../../geheim.txt', '/etc/hostname', 'sub/datei.pdf'])('refuses the path trick %p and reads nothing outside the folder', async (name) => {
      const id = randomUUID();
      const geheim = path.join(dir, 'geheim.txt');
      await fs.promises.writeFile(geheim, 'nicht lesen');
      await fs.promises.writeFile(path.join(eingang(), `${id}.index.xml`), index(id, name));
      expect(await fehlerErgebnis(id)).toMatchObject({ code: 'DATEINAME_UNZULAESSIG', grund: expect.stringMatching(/unzulässige Zeichen oder Pfadangaben/) });
      expect(fs.readFileSync(geheim, 'utf8')).toBe('nicht lesen');
      expect(sim.protokoll().some((p) => p.dokumentId === id && p.ergebnis === 'abgelegt')).toBe(false);
    });

    it('refuses a document file that is a symbolic link', async () => {
      const id = randomUUID();
      await fs.promises.symlink('/etc/hostname', path.join(eingang(), `${id}.pdf`));
      await fs.promises.writeFile(path.join(eingang(), `${id}.index.xml`), index(id, `${id}.pdf`));
      expect(await fehlerErgebnis(id)).toMatchObject({ code: 'DATEINAME_UNZULAESSIG' });
    });

    it('refuses an index without its file after the grace time (technical: a retry sends both again)', async () => {
      const id = randomUUID();
      await fs.promises.writeFile(path.join(eingang(), `${id}.index.xml`), index(id, `${id}.pdf`));
      expect(await fehlerErgebnis(id)).toMatchObject({ code: 'DATEI_FEHLT', art: 'technisch', grund: 'Zur Indexdatei fehlt die Dokumentdatei.' });
    });

    it('refuses a file without index after the grace time', async () => {
      const id = randomUUID();
      await fs.promises.writeFile(path.join(eingang(), `${id}.pdf`), '%PDF-1.4');
      expect(await fehlerErgebnis(id)).toMatchObject({ code: 'INDEX_FEHLT', art: 'technisch' });
      expect(fs.existsSync(path.join(eingang(), `${id}.pdf`))).toBe(false);
    });

    it('refuses an unknown BG-Nummer format and a wrong checksum with a German reason', async () => {
      const id = randomUUID();
      await fs.promises.writeFile(path.join(eingang(), `${id}.pdf`), '%PDF-1.4');
      await fs.promises.writeFile(path.join(eingang(), `${id}.index.xml`), index(id, `${id}.pdf`, { bgNummer: 'BG 12-34' }));
      expect(await fehlerErgebnis(id)).toMatchObject({ code: 'BG_NUMMER_UNGUELTIG', art: 'fachlich', grund: 'Die BG-Nummer hat kein gültiges Format (5 Ziffern, „BG“, 7 Ziffern).' });

      const id2 = randomUUID();
      await fs.promises.writeFile(path.join(eingang(), `${id2}.pdf`), '%PDF-1.4');
      const mitPruefsumme = indexXml({ dokumentId: id2, datei: { name: `${id2}.pdf`, originalname: 'x.pdf', mimeType: 'application/pdf', groesse: 8, sha256: '0'.repeat(64) }, metadaten: { bgNummer: '96201BG0099001', betreff: 'x', dokumentart: 'SONSTIGES' } });
      await fs.promises.writeFile(path.join(eingang(), `${id2}.index.xml`), mitPruefsumme);
      expect(await fehlerErgebnis(id2)).toMatchObject({ code: 'DATEI_BESCHAEDIGT', art: 'technisch' });
    });
  });

  describe('XDOMEA import', () => {
    const imp = () => sim.folders['xdomea-import'];
    const quittung = async (prozessId: string) => lese0402(await warteAuf(path.join(sim.folders['xdomea-quittung'], `${prozessId}_Abgabe.ImportBestaetigen.0402.xml`)));

    function nachricht(dokumentId: string, prozessId: string, primaer = `${dokumentId}.pdf`): string {
      return abgabe0401Xml({
        version: '3.1.0', prozessId, erstellt: new Date(), absender: 'Jobcenter', empfaenger: 'E-Akte',
        dokument: { dokumentId, originalname: 'a.pdf', primaerDateiname: primaer, endung: 'pdf', mimeType: 'application/pdf', inhalt: Buffer.from('%PDF-1.4'), sha256: 'a'.repeat(64) },
        metadaten: { bgNummer: '96201BG0099002', betreff: 'Test', dokumentart: 'SONSTIGES' },
        belegdatum: '2026-01-01',
      }).replace(/<xdomea:Feld>\s*<xdomea:Name>SHA256<\/xdomea:Name>\s*<xdomea:Wert>a+<\/xdomea:Wert>\s*<\/xdomea:Feld>/, '');
    }

    it('refuses zip slip: an entry "../../evil.txt" is never written anywhere', async () => {
      const id = randomUUID();
      const p = prozessIdFuer(id);
      const zip = zipSync({ [`${p}_Abgabe.Abgabe.0401.xml`]: Buffer.from(nachricht(id, p)), [`${id}.pdf`]: Buffer.from('%PDF-1.4'), '../../evil.txt': Buffer.from('böse') });
      await fs.promises.writeFile(path.join(imp(), `${p}_Abgabe.Abgabe.0401.zip`), zip);
      const q = await quittung(p);
      expect(q.objekte[0]).toMatchObject({ erfolgreich: false, fehlercode: 'ZIP_PFAD_UNZULAESSIG', fehlermeldung: expect.stringMatching(/unzulässigen Eintragsnamen/) });
      for (const d of [dir, path.dirname(dir), imp(), path.dirname(imp())]) expect(fs.existsSync(path.join(d, 'evil.txt'))).toBe(false);
    });

    it('refuses a decompression bomb', async () => {
      const id = randomUUID();
      const p = prozessIdFuer(id);
      const zip = zipSync({ [`${p}_Abgabe.Abgabe.0401.xml`]: Buffer.from(nachricht(id, p)), [`${id}.pdf`]: [new Uint8Array(4 * 1024 * 1024), { level: 6 }] });
      expect(zip.length).toBeLessThan(64 * 1024);
      await fs.promises.writeFile(path.join(imp(), `${p}_0401.zip`), zip);
      expect((await quittung(p)).objekte[0]).toMatchObject({ erfolgreich: false, fehlercode: 'ZIP_ZU_GROSS' });
    });

    it('refuses XXE in the 0401 message and a path trick in Primaerdokument/Dateiname', async () => {
      const id = randomUUID();
      const p = prozessIdFuer(id);
      const xxe = nachricht(id, p).replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>');
      await fs.promises.writeFile(path.join(imp(), `${p}_Abgabe.Abgabe.0401.zip`), zipSync({ [`${p}_Abgabe.Abgabe.0401.xml`]: Buffer.from(xxe), [`${id}.pdf`]: Buffer.from('%PDF-1.4') }));
      expect((await quittung(p)).objekte[0]).toMatchObject({ erfolgreich: false, fehlercode: 'XML_DOCTYPE_VERBOTEN' });

      const id2 = randomUUID();
      const p2 = prozessIdFuer(id2);
      await fs.promises.writeFile(path.join(imp(), `${p2}_Abgabe.Abgabe.0401.zip`), zipSync({ [`${p2}_Abgabe.Abgabe.0401.xml`]: Buffer.from(nachricht(id2, p2, '../../etc/passwd')), [`${id2}.pdf`]: Buffer.from('%PDF-1.4') }));
      expect((await quittung(p2)).objekte[0]).toMatchObject({ idsgo: id2, erfolgreich: false, fehlercode: 'DATEINAME_UNZULAESSIG' });
    });

    it('refuses a file that is no ZIP, and a message whose ProzessID does not match its name', async () => {
      const p = randomUUID();
      await fs.promises.writeFile(path.join(imp(), `${p}_Abgabe.Abgabe.0401.zip`), 'kein ZIP, nur Text, aber lang genug');
      expect((await quittung(p)).objekte[0]).toMatchObject({ erfolgreich: false, fehlercode: 'ZIP_UNGUELTIG' });

      const id = randomUUID();
      const p2 = prozessIdFuer(id);
      const fremd = randomUUID();
      await fs.promises.writeFile(path.join(imp(), `${p2}_Abgabe.Abgabe.0401.zip`), zipSync({ [`${p2}_Abgabe.Abgabe.0401.xml`]: Buffer.from(nachricht(id, fremd)), [`${id}.pdf`]: Buffer.from('%PDF-1.4') }));
      expect((await quittung(p2)).objekte[0]).toMatchObject({ erfolgreich: false, fehlercode: 'NACHRICHT_UNGUELTIG', fehlermeldung: expect.stringMatching(/ProzessID/) });
    });
  });

  it('keeps running after all that: files a valid document, serves the read UI, and keeps its holdings across a restart', async () => {
    const eakte = createEAkte({ EAKTE_ADAPTER: 'hotfolder', EAKTE_HOTFOLDER_DIR: sim.folders.hotfolder, EAKTE_API_URL: sim.url, EAKTE_API_TOKEN: TOKEN, EAKTE_POLL_MS: '20', EAKTE_ERGEBNIS_TIMEOUT_MS: '10000' });
    const id = randomUUID();
    const inhalt = Buffer.from('%PDF-1.7 gültig');
    const r = await eakte.file({ dokumentId: id, inhalt, dateiname: 'Widerspruch Ä.pdf', mimeType: 'application/pdf' }, { bgNummer: '96201BG0099003', betreff: 'Widerspruch gegen den Bescheid vom 1.2.', dokumentart: 'WIDERSPRUCH', posteingangsdatum: '2026-02-10' });
    expect(r.neu).toBe(true);

    const status = await fetch(`${sim.url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(status.status).toBe(200);
    expect((await fetch(`${sim.url}/api/status`)).status).toBe(401);
    const start = await (await fetch(`${sim.url}/`)).text();
    expect(start).toContain('<html lang="de">');
    expect(start).toContain('96201BG0099003');
    const akte = await (await fetch(`${sim.url}/akten/96201BG0099003`)).text();
    expect(akte).toContain('Vorgang: Posteingang');
    expect(akte).toContain('Widerspruch gegen den Bescheid vom 1.2.');
    const download = await fetch(`${sim.url}/dokumente/${id}/inhalt`);
    expect(Buffer.from(await download.arrayBuffer()).equals(inhalt)).toBe(true);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    const protokoll = await (await fetch(`${sim.url}/protokoll`)).text();
    expect(protokoll).toContain('XML_DOCTYPE_VERBOTEN');
    expect(protokoll).toContain('ZIP_PFAD_UNZULAESSIG');

    await eakte.close();
    await sim.stop();
    sim = await startEAkteSimulator({ dir, port: 0, seed: 1, households: 10, log }, optionen);
    const wieder = createEAkte({ EAKTE_ADAPTER: 'xdomea', EAKTE_XDOMEA_DIR: sim.folders.xdomea, EAKTE_API_URL: sim.url, EAKTE_API_TOKEN: TOKEN });
    expect((await wieder.get(id))?.inhalt.equals(inhalt)).toBe(true);
    await wieder.close();
  });

  it("as registered (SimulatorSpec, port offset 2) meets the connector's default configuration", async () => {
    const cfg = testConfig();
    const port = await freePort();
    expect(eakteSimulator).toMatchObject({ id: 'eakte', portOffset: 2 });
    const laufend = await eakteSimulator.start({ dir: path.join(cfg.dataDir, 'sim', 'eakte'), port, seed: 1, households: 10, log });
    try {
      for (const adapter of ['hotfolder', 'xdomea']) {
        const eakte = createEAkte({ EAKTE_ADAPTER: adapter, AKTENLAUF_DATA_DIR: cfg.dataDir, SIMULATOR_PORT: String(port - 2) });
        const h = await eakte.health();
        expect(h).toMatchObject({ ok: true });
        expect(h.detail).toContain(laufend.folders?.[adapter === 'hotfolder' ? 'hotfolder-eingang' : 'xdomea-import'] ?? 'fehlt');
        await eakte.close();
      }
    } finally {
      await laufend.stop();
    }
  });
});
