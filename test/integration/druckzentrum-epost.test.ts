/**
 * E-POST adapter against the E-POSTBUSINESS-style API simulator over real HTTP: the shared
 * contract, then what only the API has (token login and expiry, HTTP 500, Retry-After, the
 * 5-second polling limit, uploads in several requests). Adapter and simulator share a fake
 * clock, so 24 h and 5 s pass without waiting; the simulator counts every request.
 */
import path from 'node:path';
import { createLogger } from '../../platform/logger';
import { TechnicalError } from '../../connectors/errors';
import { createDruckzentrum } from '../../connectors/druckzentrum';
import { EPOST_SIMULATOR_ZUGANG } from '../../connectors/druckzentrum/config';
import { EpostTechnischerFehler } from '../../connectors/druckzentrum/epost/adapter';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import type { Druckzentrum } from '../../connectors/druckzentrum/port';
import { startEpostSimulator, type EpostSimulator } from '../../connectors/druckzentrum/simulator';
import { testbrief } from '../../connectors/druckzentrum/testbriefe';
import { druckzentrumContract } from '../contract/druckzentrum.contract';
import { testConfig } from '../helpers/env';

const log = createLogger('test-druckzentrum-epost', 'silent');

interface Umgebung {
  sim: EpostSimulator;
  port: Druckzentrum;
  uhr: { jetzt: number };
}

async function umgebung(env: Record<string, string> = {}): Promise<Umgebung> {
  const cfg = testConfig();
  const uhr = { jetzt: Date.parse('2026-03-02T08:00:00Z') };
  const now = () => uhr.jetzt;
  const sim = await startEpostSimulator({
    port: 0,
    dir: path.join(cfg.simulators.dir, 'druckzentrum-api'),
    log,
    now,
    schritte: { verarbeitungMs: 2000, druckzentrumMs: 2000, postMs: 2000 },
    zugang: { ...EPOST_SIMULATOR_ZUGANG },
  });
  const simPort = Number(new URL(sim.url).port);
  // No EPOST_URL: the factory points at the simulator (SIMULATOR_PORT + 3) with its demo access.
  const port = createDruckzentrum(
    { DRUCKZENTRUM_ADAPTER: 'epost', SIMULATOR_PORT: String(simPort - 3), EPOST_TIMEOUT_MS: '1000', ...env },
    { dataDir: cfg.dataDir, log, now },
  );
  return { sim, port, uhr };
}

druckzentrumContract('epost', async () => {
  const u = await umgebung();
  return {
    port: u.port,
    sim: {
      briefEmpfaenge: (id) => u.sim.zentrum.empfangeneBriefe(id),
      gepostet: (id) => u.sim.zentrum.gepostet(id),
    },
    async zeitVergeht(ms) {
      u.uhr.jetzt += ms;
    },
    naechsteEinlieferungOhneAntwort() {
      u.sim.antwortNachAnnahmeVerzoegern(1, 2500);
    },
    async teardown() {
      await u.port.close();
      await u.sim.stop();
    },
  };
});

describe('Zentraldruck über E-POST-API: Besonderheiten', () => {
  let u: Umgebung;
  let n = 950;
  const brief = async () => {
    n += 1;
    return { briefId: `api-${n}`, pdf: await testbrief({ nr: n }) };
  };

  beforeAll(async () => {
    u = await umgebung({ EPOST_MAX_BRIEFE_PRO_ANFRAGE: '2' });
  });
  afterAll(async () => {
    await u?.port.close();
    await u?.sim.stop();
    await beendePdfLeser();
  });

  test('Status öfter als alle 5 s: die Antwort kommt aus dem Zwischenspeicher, der Server wird nicht gefragt', async () => {
    const r = await u.port.submit({ batchId: 'poll-1', briefe: [await brief()] });
    const route = 'GET /api/Letter/Custom1';
    const vorher = u.sim.anfragen(route);
    const a = await u.port.status(r.auftragsId);
    u.uhr.jetzt += 4000;
    const b = await u.port.status(r.auftragsId);
    expect(u.sim.anfragen(route)).toBe(vorher);
    expect(b).toEqual(a);
    u.uhr.jetzt += 1000;
    const c = await u.port.status(r.auftragsId);
    expect(u.sim.anfragen(route)).toBe(vorher + 1);
    expect(c.status).toBe('im_druckzentrum');
  });

  test('Token abgelaufen: erneute Anmeldung ohne dass der Aufrufer etwas merkt', async () => {
    const r = await u.port.submit({ batchId: 'token-1', briefe: [await brief()] });
    const logins = u.sim.anfragen('POST /api/Login');
    // 24 h later the token has run out: the adapter logs in again before it asks.
    u.uhr.jetzt += 24 * 60 * 60 * 1000 + 60_000;
    expect((await u.port.status(r.auftragsId)).status).toBe('an_post_uebergeben');
    expect(u.sim.anfragen('POST /api/Login')).toBe(logins + 1);
    // Revoked by the API before its time: 401 E101, log in again, the request repeated once.
    u.sim.tokensAblaufen();
    u.uhr.jetzt += 5000;
    const statusAnfragen = u.sim.anfragen('GET /api/Letter/Custom1');
    expect((await u.port.status(r.auftragsId)).status).toBe('an_post_uebergeben');
    expect(u.sim.anfragen('POST /api/Login')).toBe(logins + 2);
    expect(u.sim.anfragen('GET /api/Letter/Custom1')).toBe(statusAnfragen + 2);
  });

  test('HTTP 500 wird zum TechnicalError; der nächste Versuch gelingt', async () => {
    const r = await u.port.submit({ batchId: 'fuenfhundert-1', briefe: [await brief()] });
    u.uhr.jetzt += 5000;
    u.sim.planeFehler({ status: 500, route: 'GET /api/Letter/Custom1' });
    const err = await u.port.status(r.auftragsId).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TechnicalError);
    expect(err).toMatchObject({ code: 'HTTP_500' });
    u.uhr.jetzt += 5000;
    expect((await u.port.status(r.auftragsId)).auftragsId).toBe(r.auftragsId);
  });

  test('eine hängende Anfrage wird nach dem Timeout zum TechnicalError', async () => {
    const r = await u.port.submit({ batchId: 'haengt-1', briefe: [await brief()] });
    u.uhr.jetzt += 5000;
    u.sim.anfrageHaengt(1, 2500, 'GET /api/Letter/Custom1');
    await expect(u.port.status(r.auftragsId)).rejects.toMatchObject({ name: 'TechnicalError', code: 'ZEITUEBERSCHREITUNG' });
  });

  test('429 mit Retry-After: TechnicalError mit Wartezeit, bis dahin keine Anfrage an den Server', async () => {
    const r = await u.port.submit({ batchId: 'drossel-1', briefe: [await brief()] });
    u.uhr.jetzt += 5000;
    u.sim.planeFehler({ status: 429, retryAfterS: 30 });
    const err = await u.port.status(r.auftragsId).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EpostTechnischerFehler);
    expect(err).toMatchObject({ name: 'TechnicalError', code: 'RATE_LIMIT', retryAfterMs: 30000 });
    const gesamt = u.sim.anfragen();
    u.uhr.jetzt += 10000;
    await expect(u.port.status(r.auftragsId)).rejects.toMatchObject({ code: 'RATE_LIMIT', retryAfterMs: 20000 });
    expect(u.sim.anfragen()).toBe(gesamt);
    u.uhr.jetzt += 20000;
    expect((await u.port.status(r.auftragsId)).status).toBe('an_post_uebergeben');
  });

  test('Hochladen in mehreren Anfragen, zweite scheitert: die Wiederholung lädt nur den Rest, jeder Brief einmal', async () => {
    const briefe = [await brief(), await brief(), await brief(), await brief(), await brief()];
    const uploads = u.sim.anfragen('POST /api/Letter');
    u.sim.planeFehler({ status: 503, route: 'POST /api/Letter', retryAfterS: 5 });
    // First request (letters 1–2) fails with 503; nothing was accepted.
    await expect(u.port.submit({ batchId: 'teile-1', briefe })).rejects.toMatchObject({ name: 'TechnicalError', code: 'HTTP_503', retryAfterMs: 5000 });
    u.uhr.jetzt += 5000;
    const erst = await u.port.submit({ batchId: 'teile-1', briefe });
    expect(erst.neu).toBe(true);
    expect(u.sim.anfragen('POST /api/Letter')).toBe(uploads + 1 + 3);
    // Now letters 1–2 arrive, 3–4 fail: the batch is half there.
    const teile2 = [await brief(), await brief(), await brief(), await brief()];
    u.sim.planeFehler({ status: 500, route: 'POST /api/Letter', ueberspringen: 1 });
    u.uhr.jetzt += 5000;
    await expect(u.port.submit({ batchId: 'teile-2', briefe: teile2 })).rejects.toMatchObject({ name: 'TechnicalError', code: 'HTTP_500' });
    expect(teile2.map((b) => u.sim.zentrum.empfangeneBriefe(b.briefId))).toEqual([1, 1, 0, 0]);
    u.uhr.jetzt += 5000;
    const wieder = await u.port.submit({ batchId: 'teile-2', briefe: teile2 });
    expect(wieder.neu).toBe(false);
    u.uhr.jetzt += 5000;
    const s = await u.port.status('teile-2');
    expect(s.briefe.map((b) => b.briefId).sort()).toEqual(teile2.map((b) => b.briefId).sort());
    for (const b of [...briefe, ...teile2]) expect(u.sim.zentrum.empfangeneBriefe(b.briefId)).toBe(1);
  });

  test('falsches Passwort: health meldet es, submit ist ein TechnicalError (wiederholbar nach Korrektur)', async () => {
    const cfg = testConfig();
    const falsch = createDruckzentrum(
      { DRUCKZENTRUM_ADAPTER: 'epost', EPOST_URL: u.sim.url, EPOST_VENDOR_ID: EPOST_SIMULATOR_ZUGANG.vendorId, EPOST_EKP: EPOST_SIMULATOR_ZUGANG.ekp, EPOST_PASSWORD: 'Tippfehler-Kennwort-4711', EPOST_SECRET: EPOST_SIMULATOR_ZUGANG.secret },
      { dataDir: cfg.dataDir, log },
    );
    const h = await falsch.health();
    expect(h.ok).toBe(false);
    expect(h.detail).toMatch(/Anmeldung abgelehnt/);
    expect(JSON.stringify(h)).not.toContain('Tippfehler-Kennwort-4711');
    await expect(falsch.submit({ batchId: 'pw-1', briefe: [await brief()] })).rejects.toMatchObject({ name: 'TechnicalError', code: 'ANMELDUNG_FEHLGESCHLAGEN' });
    await falsch.close();
  });

  test('health: API erreichbar und angemeldet', async () => {
    expect(await u.port.health()).toMatchObject({ ok: true, required: true, label: 'Zentraldruck (E-POST-API)' });
  });
});
