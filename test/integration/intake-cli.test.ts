/**
 * `aktenlauf intake PATH...` against a running intake watcher (real Temporal dev server): files are
 * copied atomically into the scanner hot folder, the command waits until each is taken and prints
 * the workflow id, or the reason a file was refused.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { eingangWorkflowId } from '../../domain/eingang';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import type { Config } from '../../platform/config';
import { baueNachricht, einfachesPdf } from '../../connectors/buerger-app/simulator';
import { IntakeWatcher } from '../../workers/intake-watcher';
import { intakeBefehl } from '../../cli/intake';
import { testConfig } from '../helpers/env';

const log = createLogger('test-intake-cli', 'silent');
let cfg: Config;
let connection: Connection;
let client: Client;
let watcher: IntakeWatcher;
let laufend = false;
let schleife: Promise<void>;
const ids: string[] = [];
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  cfg = testConfig();
  connection = await connect(cfg.temporal.address);
  client = makeClient(connection, cfg.temporal.namespace, codecFromConfig(cfg, false).codec);
  watcher = new IntakeWatcher({ client, taskQueue: cfg.temporal.taskQueue, dataDir: cfg.dataDir, scannerDir: cfg.intake.scannerDir, storeDir: cfg.intake.storeDir, stableMs: 0, log });
  await watcher.init();
});

afterAll(async () => {
  laufend = false;
  await schleife;
  for (const id of ids) await client.workflow.getHandle(id).terminate('Testende').catch(() => undefined);
  await connection.close();
});

function starteWatcher(): void {
  laufend = true;
  schleife = (async () => {
    while (laufend) {
      await watcher.sweep();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

test('--no-wait only hands over; the files sit atomically (no .part left) in the hot folder', async () => {
  const quelle = fs.mkdtempSync(path.join(cfg.dataDir, 'quelle-'));
  const inhalt = await einfachesPdf([`ohne warten ${Date.now()}`]);
  fs.writeFileSync(path.join(quelle, 'scan.pdf'), inhalt);
  fs.writeFileSync(path.join(cfg.intake.scannerDir, 'scan.pdf'), 'schon da');
  const zeilen: string[] = [];
  const r = await intakeBefehl(cfg, [path.join(quelle, 'scan.pdf'), '--no-wait'], { out: (z) => zeilen.push(z) });
  expect(r.code).toBe(0);
  expect(r.ergebnisse).toEqual([{ datei: path.join(quelle, 'scan.pdf'), status: 'uebergeben', workflowIds: [eingangWorkflowId(sha(inhalt))] }]);
  // the name was taken: the copy got a free one, the other file is untouched
  expect(fs.readdirSync(cfg.intake.scannerDir).sort()).toEqual(['scan-2.pdf', 'scan.pdf']);
  expect(fs.readFileSync(path.join(cfg.intake.scannerDir, 'scan-2.pdf')).equals(inhalt)).toBe(true);
  expect(fs.readFileSync(path.join(cfg.intake.scannerDir, 'scan.pdf'), 'utf8')).toBe('schon da');
  fs.unlinkSync(path.join(cfg.intake.scannerDir, 'scan.pdf'));
  fs.unlinkSync(path.join(cfg.intake.scannerDir, 'scan-2.pdf'));
});

test('a folder: waits until each file is taken and prints workflow ids or the reason', async () => {
  const quelle = fs.mkdtempSync(path.join(cfg.dataDir, 'stapel-'));
  const a = await einfachesPdf([`Brief A ${Date.now()}`]);
  const b = await einfachesPdf([`Anhang B ${Date.now()}`]);
  fs.writeFileSync(path.join(quelle, 'a.pdf'), a);
  fs.writeFileSync(path.join(quelle, 'notiz.txt'), 'kein Dokument');
  fs.writeFileSync(path.join(quelle, 'app.xml'), baueNachricht({ absender: { nachname: 'Muster' }, eingang: '2026-11-26T08:00:00+01:00', anhaenge: [{ dateiname: 'b.pdf', mediaType: 'application/pdf', inhalt: b }] }));
  ids.push(eingangWorkflowId(sha(a)), eingangWorkflowId(sha(b)));
  starteWatcher();
  const zeilen: string[] = [];
  const r = await intakeBefehl(cfg, [quelle, path.join(quelle, 'fehlt.pdf'), '--timeout', '30'], { out: (z) => zeilen.push(z), pollMs: 50 });
  laufend = false;
  await schleife;
  expect(r.code).toBe(1);
  const nach = Object.fromEntries(r.ergebnisse.map((e) => [path.basename(e.datei), e]));
  expect(nach['a.pdf']).toEqual({ datei: path.join(quelle, 'a.pdf'), status: 'uebernommen', workflowIds: [eingangWorkflowId(sha(a))] });
  expect(nach['app.xml']).toMatchObject({ status: 'uebernommen', workflowIds: [eingangWorkflowId(sha(b))] });
  expect(nach['notiz.txt']).toMatchObject({ status: 'abgelehnt', grund: 'Dateiformat wird nicht angenommen (erlaubt: PDF, TIFF, PNG, JPEG)' });
  expect(nach['fehlt.pdf']).toMatchObject({ status: 'fehler', grund: 'Datei oder Ordner nicht gefunden' });
  expect(zeilen).toContain(`${path.join(quelle, 'a.pdf')}: übernommen → ${eingangWorkflowId(sha(a))}`);
  // really started
  for (const id of [eingangWorkflowId(sha(a)), eingangWorkflowId(sha(b))]) {
    expect((await client.workflow.getHandle(id).describe()).type).toBe('posteingang');
  }
  expect(fs.readdirSync(cfg.intake.scannerDir)).toEqual([]);
});

test('nobody takes the file: a clear message after the timeout, exit code 1', async () => {
  const quelle = fs.mkdtempSync(path.join(cfg.dataDir, 'liegen-'));
  fs.writeFileSync(path.join(quelle, 'c.pdf'), await einfachesPdf([`liegt ${Date.now()}`]));
  const r = await intakeBefehl(cfg, [path.join(quelle, 'c.pdf'), '--timeout', '1'], { out: () => undefined, pollMs: 50 });
  expect(r.code).toBe(1);
  expect(r.ergebnisse[0]).toMatchObject({ status: 'nicht-uebernommen', grund: expect.stringMatching(/noch nicht übernommen – läuft die Posteingang-Überwachung/) });
  fs.rmSync(path.join(cfg.intake.scannerDir, 'c.pdf'));
});
