/**
 * The Postkorb in a real headless Chromium against the engine's real Posteingang: a scanned
 * letter (PNG, read by OCR in-process) below the threshold waits for review; the Postkorb user
 * opens it from the queue, sees the box the console draws over the BG-Nummer the OCR found on
 * the stored page image, confirms with the keyboard only, and the document is filed and leaves
 * the queue.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createLokaleOcr, type OcrEngine } from '../../activities/erkennung/ocr';
import { createPosteingangActivities } from '../../activities/posteingang';
import type { LaufenderOpenProsozSimulator } from '../../connectors/fachverfahren/open-prosoz/simulator';
import { dokumentWorkflowId, type DokumentErgebnis, type DokumentZustand } from '../../domain/posteingang';
import { mulberry32 } from '../../domain/zufall';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { launchChromium } from '../../scripts/stack/chromium';
import { buildConsole } from '../../console/server';
import { alsScan, erzeugeBrief } from '../../testdaten/posteingang';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { TEST_PASSWORD, testConfig, testStack } from '../helpers/env';
import { speichereEingang, starteEingang } from '../integration/posteingang-hilfen';

let world: TestWorld;
let engine: TestEngine;
let app: FastifyInstance;
let redis: Redis;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Runs in the page (a function, not a string: the console's CSP forbids eval). */
function bilderGeladen(): boolean {
  const bilder = Array.from((globalThis as unknown as { document: { images: ArrayLike<{ complete: boolean; naturalWidth: number }> } }).document.images);
  return bilder.length > 0 && bilder.every((i) => i.complete && i.naturalWidth > 0);
}
let ocr: OcrEngine | undefined;

beforeAll(async () => {
  const stack = testStack();
  if (!stack.chromiumPath) throw new Error('Kein Chromium gefunden: CHROMIUM_PATH setzen oder chromium installieren.');
  const cfg = testConfig({ SIMULATOR_HOUSEHOLDS: '10' });
  world = await startTestWorld(cfg);
  // The Posteingang activities with an in-process OCR engine this test owns and closes.
  const engineOcr = await createLokaleOcr({ workers: 1 });
  ocr = engineOcr;
  const posteingang = createPosteingangActivities({ dataDir: cfg.dataDir, connectors: world.connectors, posteingang: { ocr: async () => engineOcr } });
  engine = await startTestEngine({ AKTENLAUF_DATA_DIR: cfg.dataDir }, {
    connectors: world.connectors,
    activities: posteingang as unknown as Record<string, (...args: never[]) => Promise<unknown>>,
  });
  const { codec } = codecFromConfig(engine.cfg);
  redis = new Redis(engine.cfg.redis.url);
  app = await buildConsole({ cfg: engine.cfg, temporal: engine.client, codec, redis, redisUrl: engine.cfg.redis.url, log: createLogger('postkorb-echt', 'silent') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium(stack.chromiumPath);
  context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
  await redis?.quit();
  await engine?.stop();
  await world?.stop();
  await ocr?.close();
});

test('a scanned letter in review: BG-Nummer box from the OCR words, keyboard confirmation files it, it leaves the queue', async () => {
  const store = (world.simulators.running.find((r) => r.spec.id === 'open-prosoz')!.sim as LaufenderOpenProsozSimulator).store;
  const h = store.alleHaushalte().find((x) => !x.aufgeloest && x.bewilligungszeitraeume.length > 0 && x.personen.length > 0)!;
  const brief = erzeugeBrief(mulberry32(4711), 'KONTOAUSZUG', { verwechsler: false, haushalt: { bgNummer: h.bgNummer, personen: h.personen, anschrift: h.anschrift }, bgQuote: 1 });
  const scan = await alsScan(brief, { stil: 'scan', format: 'png', seed: 1 });
  const input = speichereEingang(engine.cfg, scan.seiten[0]!, { fileName: 'scan.png', mediaType: 'image/png' });
  await starteEingang(engine.client, engine.cfg, input, { schwelle: 1.01 });
  const dok = engine.client.workflow.getHandle(dokumentWorkflowId(input.contentHash, 0));
  const z = await eventually(async () => {
    try {
      const s = await dok.query<DokumentZustand>('zustand');
      return s.status === 'pruefung' ? s : undefined;
    } catch {
      return undefined;
    }
  }, 'document in review', 120_000);
  expect(z.erkennung?.merkmale.bgNummern).toContain(h.bgNummer);

  await page.goto(`${base}/login`);
  await page.getByLabel('Benutzername').fill('postkorb');
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
  await page.goto(`${base}/postkorb`);
  const link = page.locator(`tr[data-workflow-id="${dok.workflowId}"] a`);
  for (let i = 0; i < 50 && (await link.count()) === 0; i += 1) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /^Dokument prüfen/ }).waitFor();

  await page.waitForFunction(bilderGeladen);
  const box = page.locator('.markierung[data-art="bg-nummer"]').first();
  expect(await box.isVisible()).toBe(true);
  const bb = (await box.boundingBox())!;
  const ib = (await page.locator('.seite img').first().boundingBox())!;
  // Inside the page image, a line of text: wide and flat.
  expect(bb.x).toBeGreaterThanOrEqual(ib.x);
  expect(bb.x + bb.width).toBeLessThanOrEqual(ib.x + ib.width + 1);
  expect(bb.width).toBeGreaterThan(bb.height * 3);
  expect(await page.getByLabel('BG-Nummer', { exact: true }).inputValue()).toBe(h.bgNummer);

  // Keyboard only: the recognised type is the first alternative; "1" keeps it, "b" confirms.
  await page.keyboard.press('1');
  await Promise.all([page.waitForURL(/\?ok=(entschieden|weiter)$/), page.keyboard.press('b')]);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', bgNummer: h.bgNummer, dokumentart: z.erkennung!.dokumentart });

  await page.goto(`${base}/postkorb`);
  for (let i = 0; i < 50 && (await page.locator(`tr[data-workflow-id="${dok.workflowId}"]`).count()) > 0; i += 1) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  expect(await page.locator(`tr[data-workflow-id="${dok.workflowId}"]`).count()).toBe(0);
}, 180_000);
