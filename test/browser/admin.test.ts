/**
 * The operations pages in a real headless Chromium: Zeitpläne (create, refused DST Takt, pause
 * with a note), Warteschlangen, Revision (search, chain check), accessibility (axe-core, WCAG 2.1
 * AA) of the admin pages, and for every role a navigation with exactly its pages.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Client, Connection } from '@temporalio/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { launchChromium } from '../../scripts/stack/chromium';
import { buildConsole } from '../../console/server';
import { PAGES, ROLES, type PageDef, type Role } from '../../console/roles';
import { TEST_PASSWORD, testConfig, testStack, uniqueName } from '../helpers/env';

const USER: Record<Role, string> = { postkorb: 'postkorb', sachbearbeitung: 'sb-leistung', leitung: 'leitung', 'it-admin': 'it-admin', revision: 'revision' };
const praefix = `${uniqueName('b').toLowerCase()}-`;

let app: FastifyInstance;
let base: string;
let connection: Connection;
let client: Client;
let redis: Redis;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const cfg = testConfig();
  const stack = testStack();
  if (!stack.chromiumPath) throw new Error('Kein Chromium gefunden: CHROMIUM_PATH setzen oder chromium installieren.');
  const { codec } = codecFromConfig(cfg);
  connection = await connect(stack.temporalAddress);
  client = makeClient(connection, cfg.temporal.namespace, codec);
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  app = await buildConsole({
    cfg, temporal: client, codec, redis, redisUrl: stack.redisUrl, log: createLogger('admin-browser-test', 'silent'),
    betrieb: { zeitplanPraefix: praefix, queuePrefix: uniqueName('bq'), warteschlangen: [{ name: uniqueName('robots-b'), label: 'Test-Roboter', art: 'roboter' }], metricsToken: null, lageCacheMs: 0 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium(stack.chromiumPath);
});

beforeEach(async () => {
  // bypassCSP only so the axe-core script can be injected; the pages themselves run no script.
  context = await browser.newContext({ locale: 'de-DE', bypassCSP: true });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  for await (const s of client.schedule.list()) {
    if (s.scheduleId.startsWith(praefix)) await client.schedule.getHandle(s.scheduleId).delete().catch(() => undefined);
  }
  await browser?.close();
  await app?.close();
  await redis?.quit();
  await connection?.close();
});

async function loginAs(role: Role): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Benutzername').fill(USER[role]);
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
}

async function axeViolations(): Promise<string[]> {
  const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(src);
  const result = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))`);
  return result as string[];
}

test('IT-Administration creates a schedule, is refused a DST Takt, pauses with a note', async () => {
  await loginAs('it-admin');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Zeitpläne' }).click();
  await page.getByRole('heading', { level: 1, name: 'Zeitpläne' }).waitFor();
  const row = page.locator('#zeitplan-betriebsbericht-taeglich');
  expect(await row.getByRole('rowheader').textContent()).toContain('Täglicher Betriebsbericht');
  await row.getByLabel('Takt').fill('täglich 06:50');
  await row.getByRole('button', { name: 'Anlegen' }).click();
  expect(await page.getByRole('status').first().textContent()).toContain('Zeitplan „Täglicher Betriebsbericht“ angelegt (täglich 06:50).');

  const row2 = page.locator('#zeitplan-betriebsbericht-taeglich');
  await row2.getByText('Ändern', { exact: true }).click();
  await row2.getByLabel('Neuer Takt').fill('täglich 02:30');
  await row2.getByRole('button', { name: 'Takt ändern' }).click();
  expect(await page.getByRole('alert').textContent()).toContain('Die Uhrzeit 02:30 liegt zwischen 02:00 und 03:00 Uhr.');
  expect(await page.locator('#zeitplan-betriebsbericht-taeglich td').nth(1).textContent()).toContain('täglich 06:50');

  const row3 = page.locator('#zeitplan-betriebsbericht-taeglich');
  await row3.getByText('Ändern', { exact: true }).click();
  await row3.getByLabel('Notiz (Pflicht: warum, bis wann)').fill('Speicherumzug bis Montag');
  await row3.getByRole('button', { name: 'Pausieren' }).click();
  expect(await page.locator('#zeitplan-betriebsbericht-taeglich td').nth(2).textContent()).toContain('pausiert');
  expect(await page.locator('#zeitplan-betriebsbericht-taeglich td').nth(2).textContent()).toContain('Speicherumzug bis Montag');
  expect((await client.schedule.getHandle(`${praefix}betriebsbericht-taeglich`).describe()).state.paused).toBe(true);
  expect(await axeViolations()).toEqual([]);
});

test('IT-Administration sees the queues page with processes, queues and alerts; it is accessible', async () => {
  await loginAs('it-admin');
  await page.goto(`${base}/warteschlangen`);
  await page.getByRole('heading', { level: 1, name: 'Warteschlangen' }).waitFor();
  // The two tables always there (others, e.g. failed workflows of other tests on the shared server, may follow).
  expect(await page.getByRole('table', { name: /Workflows nach Ablaufzustand/ }).count()).toBe(1);
  expect(await page.getByRole('table', { name: 'Roboter und OCR (BullMQ)' }).count()).toBe(1);
  expect(await page.getByRole('rowheader', { name: 'Posteingang', exact: true }).count()).toBe(1);
  expect(await page.getByText('Test-Roboter').count()).toBe(1);
  expect(await page.locator('#alarme').count()).toBe(1);
  expect(await axeViolations()).toEqual([]);
  // At 1024 px the wide tables scroll inside their region; the page keeps the window's width (QA).
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1024);
  await page.goto(`${base}/status`);
  expect(await page.getByRole('heading', { level: 2, name: 'Alarme' }).count()).toBe(1);
});

test('Datenschutz/Revision searches the audit trail and checks the chain', async () => {
  await loginAs('revision');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Revision' }).click();
  await page.getByRole('heading', { level: 1, name: 'Revision: Audit-Protokoll' }).waitFor();
  await page.getByLabel('Benutzer').fill('it-admin');
  await page.getByLabel('Aktion (Anfang)').fill('zeitplan.');
  await page.getByRole('button', { name: 'Suchen' }).click();
  const rows = page.getByRole('table').getByRole('row');
  expect(await rows.count()).toBeGreaterThan(2);
  const actions = await page.locator('tbody tr td:nth-child(4)').allTextContents();
  expect(actions).toEqual(expect.arrayContaining(['zeitplan.anlegen', 'zeitplan.takt', 'zeitplan.pausieren']));
  expect(await page.getByRole('link', { name: 'CSV' }).getAttribute('href')).toContain('format=csv');
  expect(await axeViolations()).toEqual([]);
  await page.getByRole('button', { name: 'Hash-Kette jetzt prüfen' }).click();
  expect(await page.locator('#pruefung').textContent()).toContain('Hash-Kette unversehrt');
});

for (const role of ROLES) {
  test(`${role}: the navigation shows exactly its pages; an operations page of another role is refused`, async () => {
    await loginAs(role);
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    const labels = (await nav.getByRole('link').allTextContents()).sort();
    const expected = Object.values(PAGES as Record<string, PageDef>).filter((p) => p.roles.includes(role)).map((p) => p.label).sort();
    expect(labels).toEqual(expected);
    const fremd = [PAGES.zeitplaene, PAGES.warteschlangen, PAGES.revision].find((p) => !(p.roles as readonly Role[]).includes(role))!;
    await page.goto(`${base}${fremd.path}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Keine Berechtigung');
    expect(await page.getByRole('alert').textContent()).toContain('Ihre Rolle darf diese Seite nicht öffnen.');
  });
}
