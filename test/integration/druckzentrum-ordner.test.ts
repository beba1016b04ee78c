/**
 * Drop-folder adapter against the drop-folder simulator, in real folders under the test's data
 * dir: the shared contract, then what only a folder interface has (manifest on disk, status
 * files for unknown batches, lost status files, a centre that stops collecting).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../platform/logger';
import { TechnicalError, isBusinessError } from '../../connectors/errors';
import { createDruckzentrum } from '../../connectors/druckzentrum';
import { OrdnerDruckzentrum } from '../../connectors/druckzentrum/dropfolder/adapter';
import { leseManifest } from '../../connectors/druckzentrum/dropfolder/format';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import { DRUCKZENTRUM_SIMULATOREN, startOrdnerSimulator, type OrdnerSimulator } from '../../connectors/druckzentrum/simulator';
import { testbrief } from '../../connectors/druckzentrum/testbriefe';
import { druckzentrumContract } from '../contract/druckzentrum.contract';
import { testConfig } from '../helpers/env';

const log = createLogger('test-druckzentrum-ordner', 'silent');

interface Umgebung {
  sim: OrdnerSimulator;
  adapter: OrdnerDruckzentrum;
  uhr: { jetzt: number };
  ohneAntwort: { naechste: boolean };
  dataDir: string;
}

async function umgebung(): Promise<Umgebung> {
  const cfg = testConfig();
  const uhr = { jetzt: Date.parse('2026-03-02T08:00:00Z') };
  const now = () => uhr.jetzt;
  const sim = await startOrdnerSimulator({
    dir: path.join(cfg.simulators.dir, 'druckzentrum-ordner'),
    log,
    now,
    // The loop timer stays idle: tests drive the centre with runde() after moving the clock.
    pollMs: 3_600_000,
    schritte: { verarbeitungMs: 2000, druckzentrumMs: 2000, postMs: 2000 },
  });
  const ohneAntwort = { naechste: false };
  const adapter = createDruckzentrum({ DRUCKZENTRUM_ADAPTER: 'ordner' }, { dataDir: cfg.dataDir, log, now }) as OrdnerDruckzentrum;
  // The seam of the "crash after the marker": same adapter, with the hook.
  const mitHaken = new OrdnerDruckzentrum({
    einlieferungDir: sim.folders.einlieferung,
    statusDir: sim.folders.status,
    journalDir: path.join(cfg.dataDir, 'druckzentrum', 'journal'),
    timeoutMs: 10000,
    log,
    now,
    nachMarker: () => {
      if (!ohneAntwort.naechste) return;
      ohneAntwort.naechste = false;
      throw new TechnicalError('ZEITUEBERSCHREITUNG', 'Freigabe antwortet nicht (Test)');
    },
  });
  expect(adapter).toBeInstanceOf(OrdnerDruckzentrum);
  return { sim, adapter: mitHaken, uhr, ohneAntwort, dataDir: cfg.dataDir };
}

druckzentrumContract('ordner', async () => {
  const u = await umgebung();
  return {
    port: u.adapter,
    sim: {
      briefEmpfaenge: (id) => u.sim.zentrum.empfangeneBriefe(id),
      gepostet: (id) => u.sim.zentrum.gepostet(id),
    },
    async zeitVergeht(ms) {
      u.uhr.jetzt += ms;
      await u.sim.runde();
    },
    naechsteEinlieferungOhneAntwort() {
      u.ohneAntwort.naechste = true;
    },
    async teardown() {
      await u.adapter.close();
      await u.sim.stop();
    },
  };
});

describe('Zentraldruck über Übergabeordner: Besonderheiten', () => {
  let u: Umgebung;
  beforeAll(async () => {
    u = await umgebung();
  });
  afterAll(async () => {
    await u?.sim.stop();
    await beendePdfLeser();
  });

  test('die Übergabe folgt dem dokumentierten Format: PDFs, Manifest mit Prüfsummen, Marker zuletzt', async () => {
    const pdf = await testbrief({ nr: 901, seiten: 2 });
    await u.adapter.submit({ batchId: 'format-1', briefe: [{ briefId: 'b-901', pdf, versandart: 'einschreiben' }] });
    const ordner = path.join(u.sim.folders.einlieferung, 'format-1');
    expect(fs.readdirSync(ordner).sort()).toEqual(['b-901.pdf', 'manifest.xml']);
    expect(fs.existsSync(path.join(u.sim.folders.einlieferung, 'format-1.ready'))).toBe(true);
    const m = leseManifest(fs.readFileSync(path.join(ordner, 'manifest.xml'), 'utf8'));
    expect(m).toMatchObject({ auftragsId: 'format-1', anzahlBriefe: 1, anzahlSeiten: 2 });
    expect(m.briefe[0]).toMatchObject({ briefId: 'b-901', datei: 'b-901.pdf', seiten: 2, versandart: 'einschreiben', bytes: pdf.length });
    expect(m.briefe[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    await u.sim.runde();
    // Picked up: acknowledged, out of the drop folder, into the archive.
    expect(fs.existsSync(ordner)).toBe(false);
    expect(fs.existsSync(path.join(u.sim.folders.einlieferung, 'format-1.ready'))).toBe(false);
    expect(fs.existsSync(path.join(u.sim.folders.archiv, 'format-1', 'manifest.xml'))).toBe(true);
    expect(fs.readFileSync(path.join(u.sim.folders.status, 'format-1.status.xml'), 'utf8')).toContain('<Status>ANGENOMMEN</Status>');
  });

  test('die Statusdateien zeigen den Verlauf Schritt für Schritt', async () => {
    await u.adapter.submit({ batchId: 'verlauf-1', briefe: [{ briefId: 'b-902', pdf: await testbrief({ nr: 902 }) }] });
    const gesehen: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      await u.sim.runde();
      gesehen.push((await u.adapter.status('verlauf-1')).status);
      u.uhr.jetzt += 2000;
    }
    expect(gesehen).toEqual(['angenommen', 'in_verarbeitung', 'im_druckzentrum', 'an_post_uebergeben', 'an_post_uebergeben']);
  });

  test('eine Statusdatei zu einem unbekannten Auftrag ist eine klare technische Auffälligkeit, kein Absturz', async () => {
    u.sim.schreibeFremdeStatusdatei('fremd-77');
    const h = await u.adapter.health();
    expect(h.ok).toBe(false);
    expect(h.detail).toMatch(/1 Statusdatei\(en\) zu unbekannten Aufträgen/);
    expect(fs.existsSync(path.join(u.sim.folders.status, 'unbekannt', 'fremd-77.status.xml'))).toBe(true);
    const err = await u.adapter.status('fremd-77').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TechnicalError);
    expect(err).toMatchObject({ code: 'STATUS_UNBEKANNTER_AUFTRAG' });
    // Known batches are unaffected.
    expect((await u.adapter.status('verlauf-1')).status).toBe('an_post_uebergeben');
    fs.rmSync(path.join(u.sim.folders.status, 'unbekannt'), { recursive: true });
    expect((await u.adapter.health()).ok).toBe(true);
  });

  test('eine verlorene Statusdatei: der Stand bleibt beim letzten bekannten, der nächste Schritt holt auf', async () => {
    await u.adapter.submit({ batchId: 'verlust-1', briefe: [{ briefId: 'b-903', pdf: await testbrief({ nr: 903 }) }] });
    await u.sim.runde();
    expect((await u.adapter.status('verlust-1')).status).toBe('angenommen');
    u.sim.fehler.statusdateienVerlieren = 1;
    u.uhr.jetzt += 2000;
    await u.sim.runde(); // in_verarbeitung: lost
    expect((await u.adapter.status('verlust-1')).status).toBe('angenommen');
    u.uhr.jetzt += 4000;
    await u.sim.runde();
    const s = await u.adapter.status('verlust-1');
    expect(s.status).toBe('an_post_uebergeben');
    expect(s.briefe[0]?.postausgangsdatum).toBe('2026-03-02');
  });

  test('eine defekte Statusdatei ist ein TechnicalError', async () => {
    await u.adapter.submit({ batchId: 'defekt-1', briefe: [{ briefId: 'b-904', pdf: await testbrief({ nr: 904 }) }] });
    await u.sim.runde();
    fs.writeFileSync(path.join(u.sim.folders.status, 'defekt-1.status.xml'), '<Druckstatus><AuftragsId>defekt-1</AuftragsId><Status>GELB</Status>');
    await expect(u.adapter.status('defekt-1')).rejects.toMatchObject({ name: 'TechnicalError', code: 'STATUSDATEI_DEFEKT' });
  });

  test('ein ungültiges Manifest lehnt das Druckzentrum für den ganzen Auftrag ab', async () => {
    await u.adapter.submit({ batchId: 'manifest-1', briefe: [{ briefId: 'b-905', pdf: await testbrief({ nr: 905 }) }] });
    const datei = path.join(u.sim.folders.einlieferung, 'manifest-1', 'manifest.xml');
    fs.writeFileSync(datei, fs.readFileSync(datei, 'utf8').replace('<AnzahlBriefe>1</AnzahlBriefe>', '<AnzahlBriefe>2</AnzahlBriefe>'));
    await u.sim.runde();
    u.uhr.jetzt += 2000;
    await u.sim.runde();
    const s = await u.adapter.status('manifest-1');
    expect(s.status).toBe('fehler');
    expect(s.briefe[0]).toMatchObject({ status: 'fehler', fehlercode: 'MANIFEST_UNGUELTIG' });
    expect(s.briefe[0]?.grund).toMatch(/Manifest/);
  });

  test('ein Auftrag mit gleicher Kennung, aber anderem Inhalt wird als BusinessError abgewiesen', async () => {
    await u.adapter.submit({ batchId: 'konflikt-1', briefe: [{ briefId: 'b-906', pdf: await testbrief({ nr: 906 }) }] });
    const err = await u.adapter.submit({ batchId: 'konflikt-1', briefe: [{ briefId: 'b-906', pdf: await testbrief({ nr: 907 }) }] }).then(() => undefined, (e: unknown) => e);
    expect(isBusinessError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'AUFTRAG_ABWEICHEND' });
  });

  test('holt das Druckzentrum nicht ab, meldet health das; eine fehlende Freigabe ist ein TechnicalError', async () => {
    u.sim.fehler.abholungAngehalten = true;
    const alt = new OrdnerDruckzentrum({
      einlieferungDir: u.sim.folders.einlieferung, statusDir: u.sim.folders.status, journalDir: path.join(u.dataDir, 'druckzentrum', 'journal'),
      timeoutMs: 10000, log, abholungWarnMs: 0,
    });
    await alt.submit({ batchId: 'liegt-1', briefe: [{ briefId: 'b-908', pdf: await testbrief({ nr: 908 }) }] });
    await u.sim.runde();
    const h = await alt.health();
    expect(h.ok).toBe(false);
    expect(h.detail).toMatch(/nicht abgeholt/);
    u.sim.fehler.abholungAngehalten = false;
    await u.sim.runde();
    expect((await alt.health()).ok).toBe(true);

    const weg = new OrdnerDruckzentrum({ einlieferungDir: path.join(u.dataDir, 'gibt-es-nicht'), statusDir: u.sim.folders.status, journalDir: path.join(u.dataDir, 'journal-2'), timeoutMs: 10000, log });
    await expect(weg.submit({ batchId: 'weg-1', briefe: [{ briefId: 'b-909', pdf: await testbrief({ nr: 909 }) }] })).rejects.toMatchObject({ name: 'TechnicalError', code: 'ORDNER_NICHT_ERREICHBAR' });
    expect((await weg.health()).ok).toBe(false);
  });
});

describe('Simulatoren des Zentraldrucks als SimulatorSpec', () => {
  test('druckzentrum-ordner meldet seine Ordner, druckzentrum-api seine URL; beide stoppen sauber', async () => {
    const cfg = testConfig();
    expect(DRUCKZENTRUM_SIMULATOREN.map((s) => [s.id, s.portOffset])).toEqual([['druckzentrum-ordner', 0], ['druckzentrum-api', 3]]);
    const laufend = [];
    for (const spec of DRUCKZENTRUM_SIMULATOREN) {
      laufend.push(await spec.start({ dir: path.join(cfg.simulators.dir, spec.id), port: 0, seed: 1, households: 10, log }));
    }
    try {
      const [ordner, api] = laufend;
      expect(ordner?.folders?.einlieferung).toBe(path.join(cfg.simulators.dir, 'druckzentrum-ordner', 'einlieferung'));
      expect(fs.existsSync(ordner?.folders?.status ?? '')).toBe(true);
      const res = await fetch(`${api?.url ?? ''}/api/Login/HealthCheck`);
      expect(await res.json()).toMatchObject({ level: 'Info', code: 'I501' });
      // The factory's defaults reach the folder simulator without any configuration.
      const port = createDruckzentrum({}, { dataDir: cfg.dataDir, log });
      expect(await port.health()).toMatchObject({ ok: true });
    } finally {
      for (const l of laufend.reverse()) await l.stop();
    }
  });
});
