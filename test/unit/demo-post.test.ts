/** Demo post of the embedded default: once per data dir, into the hot folder, for known households. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../platform/config';
import { demoPostAnzahl, legeDemoPostAb, sendeDemoMail } from '../../cli/demo-post';
import { leseMail } from '../../connectors/mail/eingang';
import { createLogger } from '../../platform/logger';
import { starteMailEingang } from '../../workers/mail-eingang';
import { haushalteAusLandkreis, korpusDateien } from '../../testdaten/posteingang';

function cfgIn(dir: string): Config {
  return { dataDir: dir, intake: { scannerDir: path.join(dir, 'intake', 'scanner') }, simulators: { seed: 7, households: 50 } } as unknown as Config;
}

test('drops the letters once, whole files only, for households of the simulated Landkreis', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-post-'));
  const cfg = cfgIn(dir);
  expect(await legeDemoPostAb(cfg, 4)).toBe(4);
  const files = fs.readdirSync(cfg.intake.scannerDir).sort();
  expect(files).toHaveLength(4);
  expect(files.every((f) => /^demo-0\d\.(pdf|png|jpe?g|tiff?)$/.test(f))).toBe(true);
  const known = new Set(haushalteAusLandkreis(7, 50).map((h) => h.bgNummer));
  for await (const d of korpusDateien({ seed: 2026, anzahl: 4, mix: { bornDigital: 50, scan: 25, fax: 0, foto: 0, stapel: 25 }, haushalte: haushalteAusLandkreis(7, 50) })) {
    for (const dok of d.wahrheit.dokumente) if (dok.bgNummer) expect(known.has(dok.bgNummer)).toBe(true);
  }
  // Second start of the same data dir: nothing new.
  expect(await legeDemoPostAb(cfg, 4)).toBe(0);
  expect(fs.readdirSync(cfg.intake.scannerDir)).toHaveLength(4);
  fs.rmSync(dir, { recursive: true, force: true });
}, 240_000);

test('AKTENLAUF_DEMO_POST: default 8, 0 turns it off, nonsense is refused with a clear message', async () => {
  expect(demoPostAnzahl({})).toBe(8);
  expect(demoPostAnzahl({ AKTENLAUF_DEMO_POST: '0' })).toBe(0);
  expect(() => demoPostAnzahl({ AKTENLAUF_DEMO_POST: 'viele' })).toThrow('AKTENLAUF_DEMO_POST muss eine ganze Zahl');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-post-'));
  expect(await legeDemoPostAb(cfgIn(dir), 0)).toBe(0);
  expect(fs.existsSync(path.join(dir, 'intake', 'scanner'))).toBe(false);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the demo e-mail: a WBA of a known household, in the text, delivered over SMTP to the e-mail intake', async () => {
  const geliefert: Buffer[] = [];
  const log = createLogger('test-demo-mail', 'silent');
  const smtp = await starteMailEingang({
    watcher: { nimmMail: async (roh) => (geliefert.push(roh), { eingangsdatum: '2026-11-27', eingaenge: [], ausgelassen: 0 }) },
    log, host: '127.0.0.1', port: 0, maxBytes: 1024 * 1024, erlaubt: ['127.0.0.1'],
  });
  try {
    const cfg = { simulators: { seed: 7, households: 50 }, intake: { mail: { host: '127.0.0.1', port: smtp.port } } } as unknown as Config;
    expect(await sendeDemoMail(cfg)).toMatch(/^250 /);
  } finally {
    await smtp.stop();
  }
  expect(geliefert).toHaveLength(1);
  const mail = await leseMail(geliefert[0]!);
  const known = new Set(haushalteAusLandkreis(7, 50).map((h) => h.bgNummer));
  expect(known.has(mail.bgNummer!)).toBe(true);
  expect(mail.dokumente).toEqual([expect.objectContaining({ mailText: expect.stringContaining('hiermit beantrage ich die Weiterbewilligung'), mediaType: 'application/pdf' })]);
  expect(mail.betreff).toBe(`Weiterbewilligungsantrag ${mail.bgNummer}`);
});
