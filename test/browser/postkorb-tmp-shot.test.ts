import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/stack/chromium';
import { TEST_PASSWORD, testStack } from '../helpers/env';
import { BG_BEKANNT, startPostkorbWelt, type PostkorbWelt } from '../integration/fixtures/postkorb-welt';

let welt: PostkorbWelt;
let browser: Browser;
beforeAll(async () => { welt = await startPostkorbWelt(); browser = await launchChromium(testStack().chromiumPath); });
afterAll(async () => { await browser?.close(); await welt?.stop(); });

test('shot', async () => {
  const d = await welt.dokument({ pruefGruende: ['konfidenz', 'vorschlag'], zuordnung: { art: 'vorschlag', vorschlaege: [{ bgNummer: BG_BEKANNT, score: 0.82, treffer: ['Name', 'Geburtsdatum'] }] } });
  await welt.dokument({ status: 'pruefung-ueberfaellig', dokumentart: 'WIDERSPRUCH', eingangsdatum: '2026-11-02', pruefFrist: '2026-11-03T12:00:00Z' });
  const s = await welt.datei({ seiten: 4 });
  const ctx = await browser.newContext({ locale: 'de-DE', viewport: { width: 1400, height: 1000 } });
  const p = await ctx.newPage();
  await p.goto(`${welt.base}/login`);
  await p.getByLabel('Benutzername').fill('postkorb');
  await p.getByLabel('Passwort').fill(TEST_PASSWORD);
  await p.getByRole('button', { name: 'Anmelden' }).click();
  await p.waitForTimeout(1500);
  await p.goto(`${welt.base}/postkorb`);
  await p.screenshot({ path: '/tmp/h6/liste.png', fullPage: true });
  await p.goto(`${welt.base}/postkorb/${d.workflowId}`);
  await p.waitForTimeout(500);
  await p.screenshot({ path: '/tmp/h6/detail.png', fullPage: true });
  await p.goto(`${welt.base}/postkorb/${s.workflowId}`);
  await p.waitForTimeout(500);
  await p.screenshot({ path: '/tmp/h6/zerlegung.png', fullPage: true });
  await p.goto(`${welt.base}/posteingang`);
  await p.screenshot({ path: '/tmp/h6/posteingang.png', fullPage: true });
  await ctx.close();
});
