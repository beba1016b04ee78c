/**
 * The console in a real headless Chromium: login by the visible labels, navigation by role,
 * the refusal page, logout through the CSRF-protected form, and the keyboard-only path.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '@temporalio/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { launchChromium } from '../../scripts/stack/chromium';
import { buildConsole } from '../../console/server';
import { TEST_PASSWORD, testConfig, testStack } from '../helpers/env';

let app: FastifyInstance;
let base: string;
let connection: Connection;
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
  redis = new Redis(stack.redisUrl);
  const log = createLogger('console-browser-test', 'silent');
  app = await buildConsole({ cfg, temporal: makeClient(connection, cfg.temporal.namespace, codec), codec, redis, redisUrl: stack.redisUrl, log });
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
  await browser?.close();
  await app?.close();
  await redis?.quit();
  await connection?.close();
});

async function loginAs(username: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Benutzername').fill(username);
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
}

test('IT-Administration logs in by the labels, lands on Übersicht and opens Systemstatus', async () => {
  await loginAs('it-admin');
  expect(new URL(page.url()).pathname).toBe('/');
  await expectText(page.getByRole('main'), 'IT-Administration');

  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Systemstatus' }).click();
  await page.getByRole('heading', { level: 1, name: 'Systemstatus' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/status');
  const row = page.getByRole('row', { name: /Temporal-Server/ });
  expect(await row.getByRole('rowheader').textContent()).toBe('Temporal-Server');
  expect(await row.getByRole('cell').first().textContent()).toBe('ok');
  expect(await page.getByRole('row', { name: /Redis/ }).getByRole('cell').first().textContent()).toBe('ok');
});

test('Postkorb sees no Systemstatus link and is refused at /status', async () => {
  await loginAs('postkorb');
  const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
  expect(await nav.getByRole('link', { name: 'Posteingang' }).count()).toBe(1);
  expect(await nav.getByRole('link', { name: 'Systemstatus' }).count()).toBe(0);

  const res = await page.goto(`${base}/status`);
  expect(res?.status()).toBe(403);
  await expectText(page.getByRole('alert'), 'Keine Berechtigung');
  expect(await page.getByRole('table').count()).toBe(0);
});

test('a deep link survives the login, and Abmelden ends the session', async () => {
  await page.goto(`${base}/status`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Benutzername').fill('leitung');
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Systemstatus' }).waitFor();

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/login');
});

test('the login form works with the keyboard only (Tab, Enter)', async () => {
  await page.goto(`${base}/login`);
  const focused = async () => {
    const el = page.locator(':focus');
    return (await el.getAttribute('id')) || ((await el.textContent()) ?? '').trim();
  };
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('Zum Inhalt springen');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('benutzername');
  await page.keyboard.type('sb-mi');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('passwort');
  await page.keyboard.type(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
  await expectText(page.getByRole('main'), 'Markt & Integration Nord');
});

async function expectText(locator: ReturnType<Page['getByRole']>, text: string): Promise<void> {
  await locator.first().waitFor();
  expect(await locator.first().textContent()).toContain(text);
}
