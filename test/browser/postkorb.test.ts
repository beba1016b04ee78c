/**
 * The Postkorb in a real headless Chromium: a Postkorb user opens the queue, opens a document
 * from it with the keyboard, sees the box over the BG-Nummer on the page image, uses the
 * shortcuts (1–9, /, Esc, ?) and confirms with the keyboard only; the document is filed by
 * its workflow and leaves the queue.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PosteingangStatus, type DokumentZustand } from '../../domain/posteingang';
import { launchChromium } from '../../scripts/stack/chromium';
import { TEST_PASSWORD, testStack } from '../helpers/env';
import { BG_BEKANNT, BILD, briefWoerter, startPostkorbWelt, type PostkorbWelt } from '../integration/fixtures/postkorb-welt';

let welt: PostkorbWelt;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Runs in the page (a function, not a string: the console's CSP forbids eval). */
function bilderGeladen(): boolean {
  const bilder = Array.from((globalThis as unknown as { document: { images: ArrayLike<{ complete: boolean; naturalWidth: number }> } }).document.images);
  return bilder.length > 0 && bilder.every((i) => i.complete && i.naturalWidth > 0);
}

beforeAll(async () => {
  const stack = testStack();
  if (!stack.chromiumPath) throw new Error('Kein Chromium gefunden: CHROMIUM_PATH setzen oder chromium installieren.');
  welt = await startPostkorbWelt();
  browser = await launchChromium(stack.chromiumPath);
  context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await welt?.stop();
});

/** Reloads until the locator's count matches (visibility is eventually consistent). */
async function reloadUntil(locator: ReturnType<Page['locator']>, count: number): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    if ((await locator.count()) === count) return;
    await page.waitForTimeout(200);
    await page.reload();
  }
  throw new Error(`Erwartet ${count} Treffer für ${String(locator)}`);
}

test('Postkorb user reviews a document by keyboard: BG-Nummer box on the page, confirm, it leaves the queue', async () => {
  const handle = await welt.dokument({ eingangsdatum: '2020-01-02' }); // oldest: first in the queue
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The browser asks for /favicon.ico on its own; every other failed request is an error of the page.
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });

  await page.goto(`${welt.base}/login`);
  await page.getByLabel('Benutzername').fill('postkorb');
  await page.getByLabel('Passwort').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Postkorb' }).click();
  await page.getByRole('heading', { level: 1, name: 'Postkorb' }).waitFor();
  const row = page.locator(`tr[data-workflow-id="${handle.workflowId}"]`);
  await reloadUntil(row, 1);

  // Keyboard: j focuses the first (oldest) entry, Enter opens it.
  await page.locator('body').focus();
  await page.keyboard.press('j');
  expect(await page.evaluate<string | null>("document.activeElement && document.activeElement.getAttribute('href')")).toBe(`/postkorb/${handle.workflowId}`);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Dokument prüfen: Kontoauszug' }).waitFor();

  // The page image has loaded and the BG-Nummer box sits over the words "96201 BG 0012345".
  const img = page.getByRole('img', { name: /Seite 1 des Dokuments; markiert: BG-Nummer 96201BG0012345/ });
  await img.waitFor();
  await page.waitForFunction(bilderGeladen);
  const box = page.locator('.markierung[data-art="bg-nummer"]');
  expect(await box.isVisible()).toBe(true);
  const ib = (await img.boundingBox())!;
  const bb = (await box.boundingBox())!;
  const woerter = briefWoerter(BG_BEKANNT).filter((w) => ['96201', 'BG', '0012345'].includes(w.text));
  const scale = ib.width / BILD.breite;
  expect(Math.abs(bb.x - (ib.x + woerter[0]!.bbox.x0 * scale))).toBeLessThan(6);
  expect(Math.abs(bb.y - (ib.y + woerter[0]!.bbox.y0 * scale))).toBeLessThan(6);
  expect(Math.abs(bb.x + bb.width - (ib.x + woerter[2]!.bbox.x1 * scale))).toBeLessThan(6);

  // Shortcuts: 2 picks the second type, 1 the recognised one again; / focuses the BG-Nummer; Esc leaves; ? opens the help.
  const art = page.getByLabel('Dokumentart');
  await page.keyboard.press('2');
  expect(await art.inputValue()).toBe('EINKOMMENSNACHWEIS');
  await page.keyboard.press('1');
  expect(await art.inputValue()).toBe('KONTOAUSZUG');
  await page.keyboard.press('/');
  expect(await page.evaluate<string | undefined>('document.activeElement && document.activeElement.id')).toBe('bgNummer');
  expect(await page.getByLabel('BG-Nummer', { exact: true }).inputValue()).toBe(BG_BEKANNT);
  await page.keyboard.press('Escape');
  expect(await page.evaluate<string | undefined>('document.activeElement && document.activeElement.id')).not.toBe('bgNummer');
  await page.keyboard.press('?');
  expect(await page.locator('#tastatur-hilfe').getAttribute('open')).not.toBeNull();

  // b confirms as proposed.
  await Promise.all([page.waitForURL(/\?ok=(entschieden|weiter)$/), page.keyboard.press('b')]);
  await page.getByRole('status').filter({ hasText: /Entscheidung.*übernommen/ }).waitFor();
  const ergebnis: DokumentZustand = await handle.result();
  expect(ergebnis.status).toBe('abgelegt');
  expect(ergebnis.ablage).toMatchObject({ bgNummer: BG_BEKANNT, dokumentart: 'KONTOAUSZUG' });
  expect(ergebnis.entscheidungen[0]?.wer).toBe('postkorb');

  await page.goto(`${welt.base}/postkorb`);
  await reloadUntil(page.locator(`tr[data-workflow-id="${handle.workflowId}"]`), 0);
  expect(errors).toEqual([]);
  expect(welt.audit()).toEqual(expect.arrayContaining([
    expect.objectContaining({ actor: 'postkorb', action: 'dokument.ansehen', target: `posteingang ${handle.workflowId} seite 1`, outcome: 'erfolg' }),
    expect.objectContaining({ actor: 'postkorb', action: 'dokument.entscheiden', target: `posteingang ${handle.workflowId} (KONTOAUSZUG, Art bestätigt)`, outcome: 'erfolg' }),
  ]));
});

test('without JavaScript the plain form confirms too', async () => {
  const handle = await welt.dokument();
  const noJs = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
  try {
    const p = await noJs.newPage();
    await p.goto(`${welt.base}/login`);
    await p.getByLabel('Benutzername').fill('postkorb');
    await p.getByLabel('Passwort').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Anmelden' }).click();
    await p.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
    await p.goto(`${welt.base}/postkorb/${handle.workflowId}`);
    await p.getByLabel('Dokumentart').selectOption('VAEM');
    await p.getByRole('button', { name: 'Bestätigen' }).click();
    await p.waitForURL(/\?ok=(entschieden|weiter)$/);
    const ergebnis: DokumentZustand = await handle.result();
    expect(ergebnis.ablage?.dokumentart).toBe('VAEM');
  } finally {
    await noJs.close();
  }
});

test('Postkorb, document, split review and Quarantäne pages have no WCAG 2.1 AA violations (axe-core)', async () => {
  const dok = await welt.dokument({ zuordnung: { art: 'vorschlag', vorschlaege: [{ bgNummer: BG_BEKANNT, score: 0.82, treffer: ['Name', 'Geburtsdatum'] }] }, pruefGruende: ['vorschlag'] });
  const stapel = await welt.datei({ seiten: 3 });
  const quarantaene = await welt.datei({ status: PosteingangStatus.QUARANTAENE, quarantaeneGrund: 'Die Datei ist beschädigt.' });
  // bypassCSP only so the axe-core script can be injected; the pages' own script comes from the console.
  const ctx = await browser.newContext({ locale: 'de-DE', bypassCSP: true });
  try {
    const p = await ctx.newPage();
    const axe = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const pruefe = async (url: string): Promise<string[]> => {
      await p.goto(`${welt.base}${url}`);
      await p.evaluate(axe);
      return p.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))`);
    };
    const anmelden = async (username: string): Promise<void> => {
      await p.goto(`${welt.base}/login`);
      await p.getByLabel('Benutzername').fill(username);
      await p.getByLabel('Passwort').fill(TEST_PASSWORD);
      await p.getByRole('button', { name: 'Anmelden' }).click();
      await p.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
    };
    await anmelden('postkorb');
    for (let i = 0; i < 50; i += 1) {
      await p.goto(`${welt.base}/postkorb`);
      if ((await p.locator(`tr[data-workflow-id="${dok.workflowId}"], tr[data-workflow-id="${stapel.workflowId}"]`).count()) === 2) break;
      await p.waitForTimeout(200);
    }
    expect(await pruefe('/postkorb')).toEqual([]);
    expect(await pruefe(`/postkorb/${dok.workflowId}`)).toEqual([]);
    // A proposed household is not prefilled; its button (shown only with the script) fills it in.
    const bg = p.getByLabel('BG-Nummer', { exact: true });
    expect(await bg.inputValue()).toBe('');
    await p.getByRole('button', { name: `BG-Nummer ${BG_BEKANNT} ins Formular übernehmen` }).click();
    expect(await bg.inputValue()).toBe(BG_BEKANNT);
    expect(await pruefe(`/postkorb/${stapel.workflowId}`)).toEqual([]);
    expect(await pruefe('/posteingang')).toEqual([]);
    await p.getByRole('button', { name: 'Abmelden' }).click();
    await anmelden('it-admin');
    for (let i = 0; i < 50 && (await p.locator(`tr[data-workflow-id="${quarantaene.workflowId}"]`).count()) === 0; i += 1) {
      await p.waitForTimeout(200);
      await p.goto(`${welt.base}/quarantaene`);
    }
    expect(await pruefe('/quarantaene')).toEqual([]);
  } finally {
    await ctx.close();
  }
});
