/**
 * The public booking page in a real headless Chromium, served by the real console (CSP, origin
 * checks) against the real Temporal dev server, Redis and the SMTP sink: book, cancel through the
 * link from the e-mail, rebook, keyboard-only booking, booking without JavaScript, and axe-core
 * (WCAG 2.1 A/AA) on every public page: no serious or critical violations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { launchChromium } from '../../scripts/stack/chromium';
import { buildConsole } from '../../console/server';
import { startTestEngine, eventually, type TestEngine } from '../helpers/engine';
import { TEST_PASSWORD, testStack } from '../helpers/env';
import { freePort } from '../helpers/ports';
import { KapazitaetStore } from '../../activities/termine/kapazitaet';
import { schliesseTermineLaufzeit } from '../../activities/termine';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import { STANDARD_KAPAZITAET } from '../../domain/termine';
import { startMailSink, type RunningMailSink } from '../../connectors/mail/simulator';

let engine: TestEngine;
let app: FastifyInstance;
let redis: Redis;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sink: RunningMailSink;
let base: string;
const gepruefteSeiten: string[] = [];

const ALLE_TAGE = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [{ von: '06:00', bis: '21:00' }]]));

beforeAll(async () => {
  const stack = testStack();
  if (!stack.chromiumPath) throw new Error('Kein Chromium gefunden: CHROMIUM_PATH setzen oder chromium installieren.');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The Empfang checks in an appointment booked ahead: its window opened wide.
  Object.assign(process.env, { REDIS_URL: stack.redisUrl, TERMIN_POW_BITS: '10', TERMIN_BEDENKZEIT_S: '1', TERMIN_EINCHECKEN_VORHER_MIN: String(400 * 1440) });
  engine = await startTestEngine({ CONSOLE_PORT: String(port), CONSOLE_PUBLIC_URL: base }, {
    // the Fachverfahren side of the check-in is proven in termine-vergabe.test.ts
    activities: { terminLegeNeuantragAn: async () => ({ bgNummer: '96201BG0088888', kundennummer: '962A088888' }), terminLegeVorspracheAb: async () => ({ dokumentId: 'test' }) },
  });
  sink = await startMailSink({ port: 0, dir: path.join(engine.cfg.dataDir, 'mail') });
  process.env.MAIL_SMTP_URL = sink.url;
  KapazitaetStore.fuer(engine.cfg.dataDir).schreibe({
    ...STANDARD_KAPAZITAET, mindestvorlaufMinuten: 0,
    standorte: [
      { id: 'jc-hauptstelle', name: 'Jobcenter Hauptstelle Kreisstadt', anschrift: 'Am Markt 1, 37073 Musterstadt', land: 'NI', slotMinuten: 30, personal: 2, oeffnungszeiten: ALLE_TAGE, schliesstage: [], teamId: 'LE-S-AD' },
      { id: 'jc-nord', name: 'Jobcenter Außenstelle Nord', anschrift: 'Bahnhofstraße 5, 37520 Osterode am Harz', land: 'NI', slotMinuten: 30, personal: 1, oeffnungszeiten: ALLE_TAGE, schliesstage: [], teamId: 'LE-N-AG' },
    ],
  });
  redis = new Redis(stack.redisUrl);
  const { codec } = codecFromConfig(engine.cfg);
  app = await buildConsole({ cfg: engine.cfg, temporal: engine.client, codec, redis, redisUrl: stack.redisUrl, log: createLogger('buchung-test', 'silent') });
  await app.listen({ host: '127.0.0.1', port });
  browser = await launchChromium(stack.chromiumPath);
}, 120_000);

beforeEach(async () => {
  // bypassCSP only so the axe-core script can be injected; the page's own script is same-origin.
  context = await browser.newContext({ locale: 'de-DE', bypassCSP: true });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await engine?.stop();
  await schliesseTermineLaufzeit();
  await redis?.quit();
  await sink?.stop();
  await beendePdfLeser(); // the letter's preflight reads PDFs in a worker thread
});

/** axe-core on the current page: serious/critical violations (id: count). */
async function axe(): Promise<string[]> {
  const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(src);
  const r = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`,
  )) as string[];
  gepruefteSeiten.push(new URL(page.url()).pathname.replace(/termin-[0-9a-f]{24}/, 'termin-…'));
  return r;
}

async function ohneVerstoesse(): Promise<void> {
  expect(await axe()).toEqual([]);
}

function mailLink(adresse: string): Promise<string> {
  return eventually(async () => {
    const m = sink.nachrichten().filter((x) => x.an.includes(adresse)).at(-1);
    if (!m) return undefined;
    const flach = m.roh.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    return /(http:\/\/127\.0\.0\.1:\d+\/termin\/vorgang\/termin-[0-9a-f]{24}\?k=[a-z2-9]{10})/.exec(flach)?.[1];
  }, 'link in the confirmation mail');
}

async function bucheMitMaus(email: string, standort = 'Jobcenter Hauptstelle Kreisstadt'): Promise<{ uhrzeit: string }> {
  await page.goto(`${base}/termin`);
  await page.getByRole('heading', { level: 1, name: 'Termin für den Antrag auf Bürgergeld' }).waitFor();
  await ohneVerstoesse();
  await page.getByLabel(standort, { exact: false }).check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tag wählen' }).waitFor();
  await ohneVerstoesse();
  await page.getByRole('group', { name: 'An welchem Tag möchten Sie kommen?' }).getByRole('radio').nth(1).check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Uhrzeit wählen' }).waitFor();
  await ohneVerstoesse();
  const zeit = page.getByRole('group', { name: 'Um wie viel Uhr möchten Sie kommen?' }).getByRole('radio').first();
  const uhrzeit = (await zeit.getAttribute('value')) as string;
  await zeit.check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ihre Angaben' }).waitFor();
  await ohneVerstoesse();
  // first without the consent: the error is listed and tied to the field
  await page.getByLabel('Vor- und Nachname').fill('Erika Mustermann');
  await page.getByLabel('E-Mail-Adresse (freiwillig)').fill(email);
  await page.getByRole('button', { name: 'Termin reservieren' }).click();
  await page.getByRole('heading', { name: 'Bitte korrigieren Sie diese Angabe' }).waitFor();
  expect(await page.locator('#einwilligung').getAttribute('aria-describedby')).toBe('einwilligung-fehler');
  expect(await page.title()).toMatch(/^Fehler: /);
  await ohneVerstoesse();
  await page.getByLabel('Ich habe die Hinweise zum Datenschutz gelesen.').check();
  await page.getByRole('button', { name: 'Termin reservieren' }).click();
  await page.getByRole('heading', { level: 1, name: 'Termin verbindlich buchen' }).waitFor();
  await ohneVerstoesse();
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ihr Termin' }).waitFor();
  expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist gebucht');
  expect(await page.locator('#status').textContent()).toBe('bestätigt');
  await ohneVerstoesse();
  return { uhrzeit };
}

test('Buchen, über den Link aus der E-Mail absagen', async () => {
  await bucheMitMaus('absage@example.org');
  const link = await mailLink('absage@example.org');
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'Ihr Termin' }).waitFor();
  await page.getByRole('button', { name: 'Termin absagen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Termin wirklich absagen?' }).waitFor();
  await ohneVerstoesse();
  await page.getByRole('button', { name: 'Ja, Termin absagen' }).click();
  expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist abgesagt');
  expect(await page.locator('#status').textContent()).toBe('abgesagt');
  await ohneVerstoesse();
  // a guessed key shows the uniform refusal
  await page.goto(link.replace(/k=[a-z2-9]{10}/, 'k=aaaaaaaaaa'));
  await page.getByRole('heading', { level: 1, name: 'Link ungültig' }).waitFor();
  await ohneVerstoesse();
});

test('Buchen und über den Link umbuchen', async () => {
  await bucheMitMaus('umbuchen@example.org', 'Jobcenter Außenstelle Nord');
  const link = await mailLink('umbuchen@example.org');
  await page.goto(link);
  await page.getByRole('link', { name: 'Termin verschieben' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tag wählen' }).waitFor();
  await ohneVerstoesse();
  await page.getByRole('group', { name: 'An welchem Tag möchten Sie kommen?' }).getByRole('radio').nth(2).check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Uhrzeit wählen' }).waitFor();
  await ohneVerstoesse();
  const neu = page.getByRole('group', { name: 'Um wie viel Uhr möchten Sie kommen?' }).getByRole('radio').nth(3);
  const neueZeit = (await neu.getAttribute('value')) as string;
  await neu.check();
  await page.getByRole('button', { name: 'Termin verschieben' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ihr Termin' }).waitFor();
  expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist verschoben');
  expect(await page.locator('dl.daten').textContent()).toContain(`${neueZeit} Uhr`);
  await eventually(async () => sink.nachrichten().filter((m) => m.an.includes('umbuchen@example.org')).length >= 2, 'second confirmation');
});

/** Presses Tab until the focused element matches the selector (keyboard only). */
async function tabZu(selector: string): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement ? document.activeElement.matches(${JSON.stringify(selector)}) : false`)) {
      const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
      expect(outline).not.toBe('none'); // visible focus
      return;
    }
  }
  throw new Error(`not reachable by Tab: ${selector}`);
}

test('Buchen nur mit der Tastatur', async () => {
  await page.goto(`${base}/termin`);
  await tabZu('input[name="standort"]');
  await page.keyboard.press('Space');
  await tabZu('button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Tag wählen' }).waitFor();
  await tabZu('input[name="tag"]');
  await page.keyboard.press('ArrowDown'); // second day
  await tabZu('button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Uhrzeit wählen' }).waitFor();
  await tabZu('input[name="uhrzeit"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await tabZu('button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Ihre Angaben' }).waitFor();
  await tabZu('#name');
  await page.keyboard.type('Jan Tastatur');
  await tabZu('#email');
  await page.keyboard.type('tastatur@example.org');
  await tabZu('#einwilligung-ja');
  await page.keyboard.press('Space');
  await tabZu('button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Termin verbindlich buchen' }).waitFor();
  await tabZu('form[data-pow-challenge] button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Ihr Termin' }).waitFor();
  expect(await page.locator('#status').textContent()).toBe('bestätigt');
});

test('Buchen ohne JavaScript (mit kurzer Bedenkzeit statt Rechenaufgabe)', async () => {
  await context.close();
  context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
  page = await context.newPage();
  await page.goto(`${base}/termin`);
  await page.getByLabel('Jobcenter Hauptstelle Kreisstadt', { exact: false }).check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('group', { name: 'An welchem Tag möchten Sie kommen?' }).getByRole('radio').nth(3).check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('group', { name: 'Um wie viel Uhr möchten Sie kommen?' }).getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByLabel('Vor- und Nachname').fill('Nora Ohnejs');
  // no e-mail: the letter needs the address; a missing PLZ is reported at its field
  await page.getByLabel('Straße und Hausnummer (nötig ohne E-Mail-Adresse)').fill('Am Markt 3');
  await page.getByLabel('Ort (nötig ohne E-Mail-Adresse)').fill('Göttingen');
  await page.getByLabel('Ich habe die Hinweise zum Datenschutz gelesen.').check();
  await page.getByRole('button', { name: 'Termin reservieren' }).click();
  expect(await page.locator('#plz-fehler').textContent()).toContain('fünf Ziffern');
  expect(await page.locator('#plz').getAttribute('aria-invalid')).toBe('true');
  await page.getByLabel('Postleitzahl (nötig ohne E-Mail-Adresse)').fill('37073');
  await page.getByRole('button', { name: 'Termin reservieren' }).click();
  await page.getByRole('heading', { level: 1, name: 'Termin verbindlich buchen' }).waitFor();
  await new Promise((r) => setTimeout(r, 1100)); // the reading time the server expects without JavaScript
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ihr Termin' }).waitFor();
  expect(await page.getByRole('status').textContent()).toContain('per Brief');
});

test('Empfang (Konsole): Tagesansicht, Einchecken, Kapazität – ohne schwere Verstöße, Einchecken per Formular', async () => {
  const anmelden = async (user: string) => {
    await page.goto(`${base}/login`);
    await page.getByLabel('Benutzername').fill(user);
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
  };
  await anmelden('postkorb');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Termine' }).click();
  await page.getByRole('heading', { level: 1, name: 'Termine am Empfang' }).waitFor();
  // the day of the keyboard booking (second bookable day at the Hauptstelle)
  const tag = await eventually(async () => {
    for (let i = 0; i < 4; i += 1) {
      const t = new Date(Date.now() + i * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
      await page.goto(`${base}/termine?standort=jc-hauptstelle&tag=${t}`);
      if ((await page.getByRole('link', { name: /Einchecken/ }).count()) > 0) return t;
    }
    return undefined;
  }, 'a day with bookings in the day view');
  expect(tag).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await ohneVerstoesse();
  await page.getByRole('link', { name: /Einchecken/ }).first().click();
  await page.getByRole('heading', { level: 1, name: /Einchecken/ }).waitFor();
  await ohneVerstoesse();
  await page.getByLabel('Geburtsdatum').fill('01.02.1990');
  await page.getByLabel('Straße').fill('Lange Straße');
  await page.getByLabel('Hausnummer').fill('5');
  await page.getByLabel('Postleitzahl').fill('37073');
  await page.getByLabel('Ort').fill('Göttingen');
  await page.getByRole('button', { name: 'Einchecken und Neuantrag anlegen' }).click();
  expect(await page.getByRole('status').textContent()).toContain('Eingecheckt');
  await page.goto(`${base}/login`);
  await context.clearCookies();
  await anmelden('it-admin');
  await page.goto(`${base}/termine/kapazitaet`);
  await page.getByRole('heading', { level: 1, name: 'Kapazität der Online-Terminvergabe' }).waitFor();
  await ohneVerstoesse();
});

test('axe-core hat alle öffentlichen Seiten geprüft', () => {
  const seiten = new Set(gepruefteSeiten);
  for (const p of ['/termin', '/termin/tag', '/termin/zeit', '/termin/angaben', '/termin/reservieren', '/termin/bestaetigen/termin-…', '/termin/vorgang/termin-…', '/termin/vorgang/termin-…/umbuchen']) expect(seiten).toContain(p);
});
