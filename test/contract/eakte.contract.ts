/**
 * Contract of the E-Akte port: every adapter passes the same suite against its simulator.
 * Called from test/integration/eakte-<adapter>.test.ts.
 */
import fs from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { BusinessError, TechnicalError } from '../../connectors/errors';
import { createEAkte } from '../../connectors/eakte';
import type { AblageDokument, Ablagemetadaten, EAkte } from '../../connectors/eakte/port';
import { startEAkteSimulator, type EAkteSimulator } from '../../connectors/eakte/simulator';
import { createLogger } from '../../platform/logger';
import { testConfig } from '../helpers/env';

export interface EAkteUmgebung {
  eakte: EAkte;
  /** An adapter with the same configuration but a shorter wait for the DMS's answer. */
  eakteMitTimeout(ms: number): EAkte;
  sim: EAkteSimulator;
  /** Transfers still waiting in the DMS's import folder (index files or 0401 ZIPs). */
  ausstehend(): Promise<number>;
  teardown(): Promise<void>;
}

const TOKEN = 'contract-test-token';

/** A simulator in the test's own data dir and an adapter of the given kind pointed at it. */
export async function eakteUmgebung(adapter: 'hotfolder' | 'xdomea'): Promise<EAkteUmgebung> {
  const cfg = testConfig();
  const log = createLogger('eakte-test', 'silent');
  const sim = await startEAkteSimulator(
    { dir: `${cfg.dataDir}/sim/eakte`, port: 0, seed: 7, households: 10, log },
    { pollMs: 25, importVerzoegerungMs: 0, apiVerzoegerungMs: 0, karenzMs: 5000, apiToken: TOKEN },
  );
  const env = (timeoutMs: number): NodeJS.ProcessEnv => ({
    EAKTE_ADAPTER: adapter,
    EAKTE_HOTFOLDER_DIR: sim.folders.hotfolder,
    EAKTE_XDOMEA_DIR: sim.folders.xdomea,
    EAKTE_API_URL: sim.url,
    EAKTE_API_TOKEN: TOKEN,
    EAKTE_API_TIMEOUT_MS: '5000',
    EAKTE_ERGEBNIS_TIMEOUT_MS: String(timeoutMs),
    EAKTE_POLL_MS: '25',
  });
  const adapters: EAkte[] = [];
  const neu = (timeoutMs: number) => {
    const a = createEAkte(env(timeoutMs), { log });
    adapters.push(a);
    return a;
  };
  const eakte = neu(15_000);
  return {
    eakte,
    eakteMitTimeout: neu,
    sim,
    async ausstehend() {
      const dir = adapter === 'hotfolder' ? sim.folders['hotfolder-eingang'] : sim.folders['xdomea-import'];
      const namen = await fs.promises.readdir(dir);
      return namen.filter((n) => !n.startsWith('.') && (n.endsWith('.index.xml') || n.endsWith('.zip'))).length;
    },
    async teardown() {
      for (const a of adapters) await a.close();
      await sim.stop();
    },
  };
}

let laufendeNr = 0;
/** A BG-Nummer of its own for every test (the suite shares one DMS). */
function neueBg(): string {
  laufendeNr += 1;
  return `96201BG${String(process.pid % 1000).padStart(3, '0')}${String(laufendeNr).padStart(4, '0')}`;
}

function dokument(text = 'Inhalt'): AblageDokument {
  // Binary bytes after a PDF header: the content must arrive byte for byte.
  const inhalt = Buffer.concat([Buffer.from(`%PDF-1.7\n% ${text}\n`), randomBytes(2048), Buffer.from([0, 255, 13, 10, 26])]);
  return { dokumentId: randomUUID(), inhalt, dateiname: `${text} – März.pdf`, mimeType: 'application/pdf' };
}

async function fehlerVon(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('erwartet: Fehler, erhalten: Erfolg');
}

export function eakteContract(name: string, setup: () => Promise<EAkteUmgebung>): void {
  describe(`E-Akte-Vertrag: ${name}`, () => {
    let u: EAkteUmgebung;

    beforeAll(async () => {
      u = await setup();
    });
    afterAll(async () => {
      await u?.teardown();
    });
    /** How often the DMS received this document (whether it filed it or found it already filed). */
    const importe = (dokumentId: string) => u.sim.protokoll().filter((e) => e.dokumentId === dokumentId && e.ergebnis !== 'abgelehnt').length;

    afterEach(() => {
      Object.assign(u.sim.fehler, { apiFehler: false, apiFehlerrate: 0, importVerzoegerungMs: null, importFehler: 0 });
    });

    it('files a document; get() returns the same bytes and metadata', async () => {
      const d = dokument('Weiterbewilligungsantrag');
      const m: Ablagemetadaten = {
        bgNummer: neueBg(),
        aktenzeichen: 'AZ 50-4711/26',
        betreff: 'Weiterbewilligungsantrag – Änderung & <Miete> "neu"',
        dokumentart: 'WBA',
        kennzeichen: '50.10.02',
        posteingangsdatum: '2026-03-02',
        vorgang: 'Weiterbewilligung 2026',
      };
      const r = await u.eakte.file(d, m);
      expect(r).toEqual({ dokumentId: d.dokumentId, ablageort: expect.any(String), neu: true });

      const g = await u.eakte.get(d.dokumentId);
      expect(g).not.toBeNull();
      expect(g?.inhalt.equals(d.inhalt)).toBe(true);
      expect(g?.metadaten).toEqual(m);
      expect(g).toMatchObject({ dokumentId: d.dokumentId, ablageort: r.ablageort, dateiname: d.dateiname, mimeType: 'application/pdf', groesse: d.inhalt.length });
    });

    it('normalises a BG-Nummer as written in the wild', async () => {
      const bg = neueBg();
      const d = dokument('Kontoauszug');
      await u.eakte.file(d, { bgNummer: `BG-Nr. ${bg.slice(0, 5)} BG ${bg.slice(7)}`, betreff: 'Kontoauszug', dokumentart: 'KONTOAUSZUG' });
      expect((await u.eakte.get(d.dokumentId))?.metadaten.bgNummer).toBe(bg);
      expect((await u.eakte.find({ bgNummer: `${bg.slice(0, 5)}/BG/${bg.slice(7)}` })).map((x) => x.dokumentId)).toEqual([d.dokumentId]);
    });

    it('filing the same dokumentId twice leaves one document; the second call says neu=false', async () => {
      const bg = neueBg();
      const d = dokument('Mietvertrag');
      const m = { bgNummer: bg, betreff: 'Mietvertrag', dokumentart: 'MIETVERTRAG', posteingangsdatum: '2026-02-01' };
      const r1 = await u.eakte.file(d, m);
      const r2 = await u.eakte.file(d, { ...m, betreff: 'Mietvertrag (zweiter Versuch)' });
      expect(r1.neu).toBe(true);
      expect(r2).toEqual({ dokumentId: d.dokumentId, ablageort: r1.ablageort, neu: false });
      // The adapter found the document through the read API and did not hand it over again.
      expect(importe(d.dokumentId)).toBe(1);
      const treffer = await u.eakte.find({ bgNummer: bg });
      expect(treffer.map((x) => x.dokumentId)).toEqual([d.dokumentId]);
      expect(treffer[0]?.metadaten.betreff).toBe('Mietvertrag');
    });

    it('finds by bgNummer, dokumentart and date range (Belegdatum)', async () => {
      const bgA = neueBg();
      const bgB = neueBg();
      const a1 = dokument('a1');
      const a2 = dokument('a2');
      const a3 = dokument('a3');
      const b1 = dokument('b1');
      await u.eakte.file(a1, { bgNummer: bgA, betreff: 'WBA', dokumentart: 'WBA', posteingangsdatum: '2031-01-10' });
      await u.eakte.file(a2, { bgNummer: bgA, betreff: 'Kontoauszug', dokumentart: 'KONTOAUSZUG', posteingangsdatum: '2031-02-15' });
      await u.eakte.file(a3, { bgNummer: bgA, betreff: 'Bescheid', dokumentart: 'BESCHEID', postausgangsdatum: '2031-03-01' });
      await u.eakte.file(b1, { bgNummer: bgB, betreff: 'WBA', dokumentart: 'WBA', posteingangsdatum: '2031-01-12' });

      const ids = async (q: Parameters<EAkte['find']>[0]) => (await u.eakte.find(q)).map((x) => x.dokumentId);
      expect(await ids({ bgNummer: bgA })).toEqual([a1.dokumentId, a2.dokumentId, a3.dokumentId]);
      expect(await ids({ bgNummer: bgA, dokumentart: 'WBA' })).toEqual([a1.dokumentId]);
      expect(await ids({ bgNummer: bgA, von: '2031-02-01', bis: '2031-03-01' })).toEqual([a2.dokumentId, a3.dokumentId]);
      expect(await ids({ dokumentart: 'WBA', von: '2031-01-01', bis: '2031-01-31' })).toEqual([a1.dokumentId, b1.dokumentId]);
      expect(await ids({ bgNummer: neueBg() })).toEqual([]);
      const fehler = await fehlerVon(u.eakte.find({ von: '2031-02-01', bis: '2031-01-01' }));
      expect(fehler).toBeInstanceOf(BusinessError);
    });

    it('get() of an unknown id is null', async () => {
      expect(await u.eakte.get(randomUUID())).toBeNull();
      expect(await u.eakte.get('keine-uuid')).toBeNull();
    });

    it('a document the DMS refuses (bad BG-Nummer, unknown Dokumentart) → BusinessError with a German reason; nothing filed', async () => {
      const d = dokument('abgelehnt');
      const e = await fehlerVon(u.eakte.file(d, { bgNummer: '1234XY99', betreff: 'Antrag', dokumentart: 'HAUPTANTRAG' }));
      expect(e).toBeInstanceOf(BusinessError);
      expect((e as BusinessError).code).toBe('BG_NUMMER_UNGUELTIG');
      expect(e.message).toMatch(/E-Akte hat das Dokument abgelehnt: Die BG-Nummer hat kein gültiges Format/);
      expect(e.message).not.toContain('1234XY99');
      expect(await u.eakte.get(d.dokumentId)).toBeNull();

      const d2 = dokument('unbekannt');
      const e2 = await fehlerVon(u.eakte.file(d2, { bgNummer: neueBg(), betreff: 'Irgendwas', dokumentart: 'KEINE_ART' }));
      expect(e2).toBeInstanceOf(BusinessError);
      expect((e2 as BusinessError).code).toBe('DOKUMENTART_UNBEKANNT');
      expect(e2.message).toMatch(/Dokumentart/);
    });

    it('DMS API down (HTTP 500) → TechnicalError for file, find and get; nothing is written; works again afterwards', async () => {
      const d = dokument('api');
      const m = { bgNummer: neueBg(), betreff: 'VÄM', dokumentart: 'VAEM', posteingangsdatum: '2026-04-01' };
      u.sim.fehler.apiFehler = true;
      for (const p of [u.eakte.file(d, m), u.eakte.find({ bgNummer: m.bgNummer }), u.eakte.get(d.dokumentId)]) {
        const e = await fehlerVon(p);
        expect(e).toBeInstanceOf(TechnicalError);
        expect((e as TechnicalError).code).toBe('EAKTE_API_FEHLER');
      }
      const h = await u.eakte.health();
      expect(h.ok).toBe(false);
      expect(await u.ausstehend()).toBe(0);

      u.sim.fehler.apiFehler = false;
      expect(await u.eakte.get(d.dokumentId)).toBeNull();
      expect((await u.eakte.file(d, m)).neu).toBe(true);
      expect((await u.eakte.health()).ok).toBe(true);
    });

    it("first filing's outcome unknown (import delayed beyond the timeout); retries leave one document", async () => {
      const d = dokument('verzoegert');
      const m = { bgNummer: neueBg(), betreff: 'Einkommensnachweis', dokumentart: 'EINKOMMENSNACHWEIS', posteingangsdatum: '2026-05-04' };
      u.sim.fehler.importVerzoegerungMs = 3_600_000;
      const kurz = u.eakteMitTimeout(300);
      for (let versuch = 0; versuch < 2; versuch++) {
        const e = await fehlerVon(kurz.file(d, m));
        expect(e).toBeInstanceOf(TechnicalError);
        expect((e as TechnicalError).code).toBe('EAKTE_ZEITUEBERSCHREITUNG');
      }
      // The second attempt found the first transfer still waiting and did not write another.
      expect(await u.ausstehend()).toBe(1);

      u.sim.fehler.importVerzoegerungMs = null;
      const r = await u.eakte.file(d, m);
      expect(r.dokumentId).toBe(d.dokumentId);
      expect((await u.eakte.find({ bgNummer: m.bgNummer })).map((x) => x.dokumentId)).toEqual([d.dokumentId]);
      expect((await u.eakte.get(d.dokumentId))?.inhalt.equals(d.inhalt)).toBe(true);
      expect((await u.eakte.file(d, m)).neu).toBe(false);
      expect(await u.ausstehend()).toBe(0);
      expect(importe(d.dokumentId)).toBe(1);
    });

    it('a technical refusal by the DMS → TechnicalError; the retry files the document once', async () => {
      const d = dokument('intern');
      const m = { bgNummer: neueBg(), betreff: 'AU-Bescheinigung', dokumentart: 'AU_BESCHEINIGUNG', posteingangsdatum: '2026-06-01' };
      u.sim.fehler.importFehler = 1;
      const e = await fehlerVon(u.eakte.file(d, m));
      expect(e).toBeInstanceOf(TechnicalError);
      expect((e as TechnicalError).code).toBe('DMS_INTERN');
      expect((await u.eakte.file(d, m)).neu).toBe(true);
      expect(await u.eakte.find({ bgNummer: m.bgNummer })).toHaveLength(1);
      expect(importe(d.dokumentId)).toBe(1);
    });

    it('health() is ok against the running DMS', async () => {
      const h = await u.eakte.health();
      expect(h).toMatchObject({ id: 'eakte', ok: true, required: true });
    });
  });
}
