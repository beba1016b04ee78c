/**
 * Eskalationen, Weiterbewilligung and Postausgang in a real headless Chromium: a case worker
 * of Leistung takes an Aufgabe and completes it with a note using the keyboard, and sees it
 * leave the open list; Leitung opens the other two pages over seeded workflows.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeZustand } from '../../domain/aufgabe';
import { FAELLIG, PROZESS, STATUS, STICHTAG, TEAM, ART } from '../../domain/search-attributes';
import { berlinDate } from '../../domain/zeit';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { launchChromium } from '../../scripts/stack/chromium';
import { buildConsole } from '../../console/server';
import type { AufgabeStart } from '../../workflows/aufgaben/aufgabe';
import { TEST_PASSWORD, testStack, uniqueName } from '../helpers/env';
import { startTestEngine, type TestEngine } from '../helpers/engine';

let engine: TestEngine;
let app: FastifyInstance;
let base: string;
let redis: Redis;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const handles: WorkflowHandle[] = [];

beforeAll(async () => {
  const stack = testStack();
  if (!stack.chromiumPath) throw new Error('Kein Chromium gefunden: CHROMIUM_PATH setzen oder chromium installieren.');
  engine = await startTestEngine();
  const { codec } = codecFromConfig(engine.cfg);
  redis = new Redis(stack.redisUrl);
  const log = createLogger('console-eskalationen-test', 'silent');
  app = await buildConsole({ cfg: engine.cfg, temporal: engine.client, codec, redis, redisUrl: stack.redisUrl, log });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium(stack.chromiumPath);
});

beforeEach(async () => {
  context = await browser.newContext({ locale: 'de-DE' });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.terminate('Testende').catch(() => undefined)));
  await browser?.close();
  await app?.close();
  await redis?.quit();
  await engine?.stop();
});

async function loginAs(username: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Benutzername').fill(username);
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
}

/** Reloads until the locator's count matches (visibility is eventually consistent). */
async function reloadUntil(locator: ReturnType<Page['locator']>, count: number): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    if ((await locator.count()) === count) return;
    await page.waitForTimeout(200);
    await page.reload();
  }
  throw new Error(`Erwartet ${count} Treffer für ${String(locator)}`);
}

function tag(offsetDays: number): Date {
  return new Date(new Date(`${berlinDate(new Date())}T00:00:00Z`).getTime() + offsetDays * 86_400_000);
}

test('Sachbearbeitung Leistung takes and completes an Aufgabe with a note, by keyboard; it leaves the open list', async () => {
  const input: AufgabeStart = {
    art: 'WBA_FEHLT_ESKALATION',
    titel: 'Weiterbewilligungsantrag fehlt (Browsertest)',
    beschreibung: 'Der Bewilligungszeitraum endet bald; es ist kein WBA eingegangen.',
    teamId: 'LE-S-AD',
    bereich: 'leistung',
    prioritaet: 'hoch',
    faelligAm: '2099-01-31',
    bezug: { prozess: 'weiterbewilligung', workflowId: uniqueName('wb') },
  };
  const handle = await engine.client.workflow.start(AUFGABE_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue,
    workflowId: aufgabeWorkflowId(input.bezug.workflowId, input.art),
    args: [input],
  });
  handles.push(handle);

  await loginAs('sb-leistung');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Eskalationen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Eskalationen' }).waitFor();
  const row = page.locator(`tr[data-workflow-id="${handle.workflowId}"]`);
  await reloadUntil(row, 1);
  expect(await row.getByRole('cell').first().textContent()).toBe('Hoch');

  await row.getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: 'Weiterbewilligungsantrag fehlt (Browsertest)' }).waitFor();

  // Keyboard only: focus "Übernehmen", Enter.
  await page.getByRole('button', { name: 'Übernehmen' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Sie haben die Aufgabe übernommen.' }).waitFor();
  expect(await page.locator('#aufgabe-status').textContent()).toBe('in Bearbeitung bei sb-leistung');

  // The note field by its label; type, Tab to "Erledigen", Enter.
  await page.getByLabel(/Notiz zur Erledigung/).focus();
  await page.keyboard.type('Kundin angerufen, WBA-Vordruck erneut zugeschickt.');
  await page.keyboard.press('Tab');
  expect(await page.locator(':focus').textContent()).toBe('Erledigen');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Die Aufgabe ist erledigt.' }).waitFor();
  expect(await page.locator('#aufgabe-notiz').textContent()).toBe('Kundin angerufen, WBA-Vordruck erneut zugeschickt.');
  const result: AufgabeZustand = await handle.result();
  expect(result).toMatchObject({ status: 'erledigt', erledigtVon: 'sb-leistung', notiz: 'Kundin angerufen, WBA-Vordruck erneut zugeschickt.' });

  await page.getByRole('link', { name: 'Zurück zur Liste der Eskalationen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Eskalationen' }).waitFor();
  await reloadUntil(page.locator(`tr[data-workflow-id="${handle.workflowId}"]`), 0);

  // Filter "Erledigt" by the labelled select: there it is.
  await page.getByLabel('Status').selectOption('erledigt');
  await page.getByRole('button', { name: 'Filtern' }).click();
  await reloadUntil(page.locator(`tr[data-workflow-id="${handle.workflowId}"]`), 1);
});

test('Leitung opens Weiterbewilligung and Postausgang over seeded workflows', async () => {
  const run = uniqueName('browser');
  const queue = uniqueName('ohne-worker');
  const seed = async (id: string, attrs: SearchAttributePair[]): Promise<WorkflowHandle> => {
    const h = await engine.client.workflow.start('aufgabe', { taskQueue: queue, workflowId: `${run}-${id}`, args: [], typedSearchAttributes: attrs });
    handles.push(h);
    return h;
  };
  const wb = await seed('wb', [
    { key: PROZESS, value: 'weiterbewilligung' }, { key: TEAM, value: 'LE-N-HP' }, { key: STATUS, value: 'zweite_erinnerung' },
    { key: STICHTAG, value: tag(21) }, { key: FAELLIG, value: tag(7) },
  ] as SearchAttributePair[]);
  await seed('brief', [
    { key: PROZESS, value: 'zentraldruck' }, { key: STATUS, value: 'versendet' }, { key: ART, value: 'WBA_ERINNERUNG' }, { key: STICHTAG, value: tag(-1) },
  ] as SearchAttributePair[]);

  await loginAs('leitung');
  const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
  await nav.getByRole('link', { name: 'Weiterbewilligung' }).click();
  await page.getByRole('heading', { level: 1, name: 'Weiterbewilligung' }).waitFor();
  const wbRow = page.locator(`tr[data-workflow-id="${wb.workflowId}"]`);
  await reloadUntil(wbRow, 1);
  const cells = await wbRow.getByRole('cell').allTextContents();
  expect(cells.slice(1, 3)).toEqual(['Team H–P Nord (LE-N-HP)', 'Zweite Erinnerung versandt']);
  expect(await page.getByRole('table', { name: /Enden je Team/ }).getByRole('row', { name: /Team H–P Nord/ }).count()).toBe(1);

  await nav.getByRole('link', { name: 'Postausgang' }).click();
  await page.getByRole('heading', { level: 1, name: 'Postausgang' }).waitFor();
  const dayRow = page.locator(`tr[data-tag="${tag(-1).toISOString().slice(0, 10)}"]`);
  await reloadUntil(dayRow, 1);
  expect(await dayRow.textContent()).toContain('WBA-Erinnerung');
  expect(await page.getByRole('table', { name: /Sendungen je Tag/ }).getByRole('columnheader', { name: 'An die Post übergeben' }).count()).toBe(1);
});
