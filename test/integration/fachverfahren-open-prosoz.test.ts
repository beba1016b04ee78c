/**
 * The OPEN/PROSOZ-like file interface: the shared Fachverfahren contract against the folder
 * simulator, plus what only a file interface has: malformed, truncated and wrongly encoded
 * exports, Windows-1252 umlauts, missing acknowledgements, change files.
 */
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { fachverfahrenContract } from '../contract/fachverfahren.contract';
import { testConfig } from '../helpers/env';
import { createFachverfahren } from '../../connectors/fachverfahren';
import { loadFachverfahrenConfig, FachverfahrenConfigError } from '../../connectors/fachverfahren/config';
import { generiereLandkreis } from '../../connectors/fachverfahren/landkreis/generator';
import { FachverfahrenStore } from '../../connectors/fachverfahren/landkreis/store';
import { createOpenProsozFachverfahren, type OpenProsozFachverfahren } from '../../connectors/fachverfahren/open-prosoz/adapter';
import { importDateiname } from '../../connectors/fachverfahren/open-prosoz/format';
import { starteOpenProsozSimulator, type LaufenderOpenProsozSimulator, type OpenProsozSimulatorOptionen } from '../../connectors/fachverfahren/open-prosoz/simulator';
import type { Haushalt, WiedervorlageAuftrag } from '../../connectors/fachverfahren/port';

const STICHTAG = '2026-03-15';
const landkreis = generiereLandkreis({ seed: 11, haushalte: 200, stichtag: STICHTAG });

fachverfahrenContract('OPEN/PROSOZ-Dateischnittstelle', async () => {
  const cfg = testConfig();
  const store = new FachverfahrenStore(landkreis);
  // The adapter finds the simulator's folders by the default of OPEN_PROSOZ_EXCHANGE_DIR.
  const sim = await starteOpenProsozSimulator({ dir: path.join(cfg.dataDir, 'sim', 'open-prosoz'), store, importPollMs: 20, exportVerzoegerungMs: 0 });
  const fv = await createFachverfahren({ AKTENLAUF_DATA_DIR: cfg.dataDir, OPEN_PROSOZ_ACK_TIMEOUT_MS: '10000', OPEN_PROSOZ_ACK_POLL_MS: '10', OPEN_PROSOZ_REFRESH_MS: '0' });
  expect(fv.adapter).toBe('open-prosoz');
  return {
    fv,
    store,
    async teardown() {
      await fv.close();
      await sim.stop();
    },
  };
});

describe('OPEN/PROSOZ-Dateischnittstelle: Dateien', () => {
  let sim: LaufenderOpenProsozSimulator;
  let fv: OpenProsozFachverfahren;
  let dir: string;
  let store: FachverfahrenStore;

  async function starte(o: Partial<OpenProsozSimulatorOptionen> = {}, ackTimeoutMs = 10000): Promise<void> {
    dir = path.join(testConfig().dataDir, 'open-prosoz');
    store = new FachverfahrenStore(landkreis);
    sim = await starteOpenProsozSimulator({ dir, store, importPollMs: 20, exportVerzoegerungMs: 0, ...o });
    fv = createOpenProsozFachverfahren({ exchangeDir: dir, kodierung: 'windows-1252', ackTimeoutMs, ackPollMs: 10, refreshMs: 0, exportMaxAgeMs: 3600_000 });
  }
  afterEach(async () => {
    await fv?.close();
    await sim?.stop();
  });

  const irgendeiner = (): Haushalt => landkreis.haushalte.find((h) => !h.aufgeloest && h.personen.length >= 2)!;
  const wv = (h: Haushalt, referenz: string): WiedervorlageAuftrag => ({ referenz, bgNummer: h.bgNummer, betreff: 'Unterlagen prüfen', faelligAm: '2026-04-10', prioritaet: 'normal' });

  it('lays out the exchange folders and writes a full export in Windows-1252 with German dates', async () => {
    await starte();
    expect(fs.readdirSync(dir).sort()).toEqual(['export', 'import', 'quittung']);
    const [gesamt] = fs.readdirSync(sim.folders.export);
    expect(gesamt).toMatch(/^GESAMT_\d{8}_\d{6}_\d{6}\.csv$/);
    const bytes = fs.readFileSync(path.join(sim.folders.export, gesamt!));
    const text = iconv.decode(bytes, 'windows-1252');
    expect(text.split('\r\n')[0]).toBe('Satzart;BG-Nummer;Status;Kundennummer;Rolle;Nachname;Vorname;Geburtsdatum;Strasse;Hausnummer;PLZ;Ort;Team-Nr;Teambezeichnung;Bereich;Standort;BWZ-Nr;BWZ-Beginn;BWZ-Ende;BWZ-Art;Satzanzahl');
    expect(bytes.includes(iconv.encode('Team A–D Süd', 'windows-1252'))).toBe(true);
    expect(bytes.includes(Buffer.from('Süd', 'utf8'))).toBe(false);
    const h = irgendeiner();
    const p = h.personen[0]!;
    const [y, m, d] = p.geburtsdatum.split('-');
    expect(text).toContain(`PERSON;${h.bgNummer};;${p.kundennummer};AS;`);
    expect(text).toContain(`;${d}.${m}.${y};`);
    expect(text.trimEnd().split('\r\n').at(-1)).toMatch(/^ENDE;(;){19}\d+$/);
  });

  it('decodes umlauts of a Windows-1252 change file and writes imports in Windows-1252', async () => {
    await starte();
    const h = irgendeiner();
    const anschrift = { strasse: 'Bürgermeister-Müller-Straße', hausnummer: '12', plz: '37073', ort: 'Göttingen' };
    store.aendereAnschrift(h.bgNummer, anschrift);
    const datei = sim.exportiereAenderungen()!;
    expect(datei).toMatch(/^AENDERUNG_\d{8}_\d{6}_\d{6}\.csv$/);
    const bytes = fs.readFileSync(path.join(sim.folders.export, datei));
    expect(bytes.includes(Buffer.from([0x42, 0xfc, 0x72, 0x67]))).toBe(true); // "Bürg" with ü = 0xFC
    expect((await fv.findeHaushalt({ bgNummer: h.bgNummer }))?.anschrift).toEqual(anschrift);

    const n = await fv.legeNeuantragAn({
      referenz: 'umlaut-1',
      antragsteller: { vorname: 'Łukasz', nachname: 'Größer', geburtsdatum: '1990-02-03' },
      anschrift: { strasse: 'Weender Straße', hausnummer: '1', plz: '37073', ort: 'Göttingen' },
      antragsdatum: '2026-03-01',
    });
    const [importDatei] = fs.readdirSync(sim.folders.verarbeitet);
    const roh = fs.readFileSync(path.join(sim.folders.verarbeitet, importDatei!));
    expect(roh.includes(Buffer.from([0x47, 0x72, 0xf6, 0xdf, 0x65, 0x72]))).toBe(true); // "Größer" in Windows-1252
    // Not representable in Windows-1252: stored without the diacritic, as the legacy system would.
    expect((await fv.findeHaushalt({ bgNummer: n.bgNummer }))?.personen[0]).toMatchObject({ vorname: 'Lukasz', nachname: 'Größer' });
  });

  it('picks up change files in order', async () => {
    await starte();
    const h = irgendeiner();
    const bwz = h.bewilligungszeitraeume.at(-1)!;
    expect((await fv.findeHaushalt({ bgNummer: h.bgNummer }))?.bewilligungszeitraeume.at(-1)?.ende).toBe(bwz.ende);
    store.aendereBwz(h.bgNummer, bwz.id, '2026-04-30');
    const erste = sim.exportiereAenderungen()!;
    store.aendereBwz(h.bgNummer, bwz.id, '2026-05-31');
    const zweite = sim.exportiereAenderungen()!;
    expect(Number(zweite.slice(-10, -4))).toBeGreaterThan(Number(erste.slice(-10, -4)));
    expect((await fv.findeHaushalt({ bgNummer: h.bgNummer }))?.bewilligungszeitraeume.at(-1)?.ende).toBe('2026-05-31');
    expect(fv.indexStand().letzteDatei).toBe(zweite);
  });

  it('rejects a malformed row with a TechnicalError naming file and line, serves no data until a good export', async () => {
    await starte();
    const h = irgendeiner();
    expect(await fv.findeHaushalt({ bgNummer: h.bgNummer })).not.toBeNull();
    sim.stoereNaechstenExport('fehlerhafte-zeile');
    store.aendereAnschrift(h.bgNummer, { ...h.anschrift, hausnummer: '99' });
    sim.exportiereAenderungen();
    const stoerung = sim.letzteStoerung()!;
    expect(stoerung.zeile).toBeGreaterThan(1);
    const erwartet = { name: 'TechnicalError', code: 'DATEI_FEHLERHAFT', message: expect.stringContaining(`${stoerung.datei}, Zeile ${stoerung.zeile}:`) };
    await expect(fv.findeHaushalt({ bgNummer: h.bgNummer })).rejects.toMatchObject(erwartet);
    // No household is answered from a possibly stale index.
    await expect(fv.findeHaushalt({ bgNummer: landkreis.haushalte[0]!.bgNummer })).rejects.toMatchObject(erwartet);
    const c = await fv.health();
    expect(c.ok).toBe(false);
    expect(c.detail).toContain(stoerung.datei);
    // The system writes a new full export: all is well again, with the change.
    sim.vollexport();
    expect((await fv.findeHaushalt({ bgNummer: h.bgNummer }))?.anschrift.hausnummer).toBe('99');
    expect((await fv.health()).ok).toBe(true);
  });

  it('rejects a truncated export and one in the wrong encoding with clear TechnicalErrors', async () => {
    await starte();
    sim.stoereNaechstenExport('abgeschnitten');
    sim.vollexport();
    const abgeschnitten = sim.letzteStoerung()!.datei;
    await expect(fv.findeHaushalt({ bgNummer: irgendeiner().bgNummer })).rejects.toMatchObject({ name: 'TechnicalError', code: 'EXPORT_UNVOLLSTAENDIG', message: expect.stringContaining(abgeschnitten) });

    sim.stoereNaechstenExport('utf-8');
    sim.vollexport();
    const utf8 = sim.letzteStoerung()!.datei;
    await expect(fv.findeHaushalt({ bgNummer: irgendeiner().bgNummer })).rejects.toMatchObject({ name: 'TechnicalError', code: 'KODIERUNG_FALSCH', message: expect.stringMatching(new RegExp(`^Datei ${utf8}, Zeile \\d+: .*UTF-8.*windows-1252`)) });

    fs.writeFileSync(path.join(sim.folders.export, 'GESAMT_20991231_235959_999999.csv'), Buffer.from([0x53, 0x61, 0x74, 0x81, 0x0d, 0x0a]));
    await expect(fv.findeHaushalt({ bgNummer: irgendeiner().bgNummer })).rejects.toMatchObject({ code: 'KODIERUNG_UNGUELTIG', message: expect.stringContaining('GESAMT_20991231_235959_999999.csv, Zeile 1') });
  });

  it('times out without an acknowledgement (retryable), and a retry after the system is back records once', async () => {
    await starte({ persistieren: true }, 300);
    store.herkunft = { seed: 11, haushalte: 200 };
    const h = irgendeiner();
    await sim.stop();
    const auftrag = wv(h, 'timeout-1');
    await expect(fv.erstelleWiedervorlage(auftrag)).rejects.toMatchObject({ name: 'TechnicalError', code: 'QUITTUNG_TIMEOUT' });
    await expect(fv.erstelleWiedervorlage(auftrag)).rejects.toMatchObject({ code: 'QUITTUNG_TIMEOUT' });
    expect(fs.readdirSync(sim.folders.import).filter((n) => n.endsWith('.csv'))).toHaveLength(1);
    expect((await fv.health()).detail).toMatch(/Importdatei\(en\) seit über/);

    // The system comes back (with its saved database) and works off the import folder.
    sim = await starteOpenProsozSimulator({ dir, seed: 11, haushalte: 200, importPollMs: 20, exportVerzoegerungMs: 0 });
    expect(sim.store).not.toBe(store);
    const fv2 = createOpenProsozFachverfahren({ exchangeDir: dir, kodierung: 'windows-1252', ackTimeoutMs: 10000, ackPollMs: 10, refreshMs: 0, exportMaxAgeMs: 3600_000 });
    try {
      const a = await fv2.erstelleWiedervorlage(auftrag);
      const b = await fv2.erstelleWiedervorlage(auftrag);
      expect(b).toEqual(a);
      expect(sim.store.wiedervorlagen(h.bgNummer).filter((w) => w.referenz === 'timeout-1')).toHaveLength(1);
      expect(fs.readdirSync(sim.folders.verarbeitet)).toHaveLength(1);
    } finally {
      await fv2.close();
    }
  });

  it('maps a system failure in the acknowledgement to a TechnicalError and submits again on retry', async () => {
    await starte({ fehlerquote: 1 });
    const h = irgendeiner();
    const auftrag = wv(h, 'systemfehler-1');
    await expect(fv.erstelleWiedervorlage(auftrag)).rejects.toMatchObject({ name: 'TechnicalError', code: 'FACHVERFAHREN_SYSTEMFEHLER' });
    expect(store.wiedervorlagen(h.bgNummer)).toEqual([]);
    sim.setzeFehlerquote(0);
    const r = await fv.erstelleWiedervorlage(auftrag);
    expect(store.wiedervorlagen(h.bgNummer)).toEqual([expect.objectContaining({ referenz: 'systemfehler-1', wiedervorlageId: r.wiedervorlageId })]);
    const quittung = iconv.decode(fs.readFileSync(path.join(sim.folders.quittung, fs.readdirSync(sim.folders.quittung)[0]!)), 'windows-1252');
    expect(quittung.split('\r\n')[0]).toBe('Zeile;Referenz;Status;Fehlercode;Meldung;Vorgangs-Nr;BG-Nummer;Kundennummer');
    expect(quittung).toContain(`2;systemfehler-1;OK;;Verarbeitet.;${r.wiedervorlageId};${h.bgNummer};`);
    expect(fs.readdirSync(sim.folders.import).filter((n) => !fs.statSync(path.join(sim.folders.import, n)).isDirectory())).toEqual([]);
  });

  it('replaces an unreadable old acknowledgement by submitting again', async () => {
    await starte();
    const h = irgendeiner();
    fs.writeFileSync(path.join(sim.folders.quittung, `${importDateiname('WV', 'kaputt-1')}.quittung`), 'Zeile;Referenz\r\n"offen');
    const r = await fv.erstelleWiedervorlage(wv(h, 'kaputt-1'));
    expect(store.wiedervorlagen(h.bgNummer)).toEqual([expect.objectContaining({ referenz: 'kaputt-1', wiedervorlageId: r.wiedervorlageId })]);
  });

  it('gets a technical rejection when engine and system disagree on the encoding', async () => {
    await starte();
    const h = irgendeiner();
    const utf8 = createOpenProsozFachverfahren({ exchangeDir: dir, kodierung: 'utf-8', ackTimeoutMs: 10000, ackPollMs: 10, refreshMs: 0, exportMaxAgeMs: 3600_000 });
    try {
      await expect(utf8.erstelleWiedervorlage({ ...wv(h, 'kodierung-1'), betreff: 'Bescheid prüfen' })).rejects.toMatchObject({
        name: 'TechnicalError',
        code: 'IMPORT_ABGELEHNT',
        message: expect.stringMatching(/UTF-8.*windows-1252/),
      });
      expect(store.wiedervorlagen(h.bgNummer)).toEqual([]);
      // Reading the system's Windows-1252 export as UTF-8 fails clearly, too.
      await expect(utf8.findeHaushalt({ bgNummer: h.bgNummer })).rejects.toMatchObject({ name: 'TechnicalError', code: 'KODIERUNG_UNGUELTIG' });
    } finally {
      await utf8.close();
    }
  });

  it('reports missing folders in health and lookups', async () => {
    const leer = path.join(testConfig().dataDir, 'nirgends');
    const ohne = createOpenProsozFachverfahren({ exchangeDir: leer, kodierung: 'windows-1252', ackTimeoutMs: 1000, ackPollMs: 10, refreshMs: 0, exportMaxAgeMs: 3600_000 });
    const c = await ohne.health();
    expect(c).toMatchObject({ id: 'fachverfahren-open-prosoz', ok: false, required: true });
    expect(c.detail).toContain('Exportordner fehlt');
    await expect(ohne.findeHaushalt({ bgNummer: '96201BG0000001' })).rejects.toMatchObject({ name: 'TechnicalError', code: 'EXPORTORDNER_FEHLT' });
    await ohne.close();
  });

  it('validates its configuration', () => {
    const c = loadFachverfahrenConfig({ AKTENLAUF_DATA_DIR: '/srv/aktenlauf' }, '/');
    expect(c).toMatchObject({ adapter: 'open-prosoz', openProsoz: { exchangeDir: '/srv/aktenlauf/sim/open-prosoz', kodierung: 'windows-1252', ackTimeoutMs: 120000 } });
    expect(() => loadFachverfahrenConfig({ OPEN_PROSOZ_ENCODING: 'latin-9' })).toThrow(FachverfahrenConfigError);
    expect(() => loadFachverfahrenConfig({ FACHVERFAHREN_ADAPTER: 'sap' })).toThrow(/FACHVERFAHREN_ADAPTER/);
  });
});
