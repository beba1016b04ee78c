/**
 * Tracer bullet through all parts: a file dropped into the scanner hot folder starts a
 * Posteingang workflow (id from the content hash), an activity records it, the file is read and
 * handed to its document workflows, visibility lists it. (The document steps: posteingang.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { eingangWorkflowId, type EingangRecord } from '../../domain/eingang';
import type { DateiErgebnis, DateiZustand } from '../../domain/posteingang';
import { PROZESS, STATUS } from '../../domain/search-attributes';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { IntakeWatcher } from '../../workers/intake-watcher';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { testConfig } from '../helpers/env';
import { pdfAus } from './posteingang-hilfen';
import { createHash } from 'node:crypto';

const log = createLogger('test-intake', 'silent');
let engine: TestEngine;
let world: TestWorld;

beforeAll(async () => {
  const cfg = testConfig({ SIMULATOR_HOUSEHOLDS: '10' });
  world = await startTestWorld(cfg);
  engine = await startTestEngine({ AKTENLAUF_DATA_DIR: cfg.dataDir }, { connectors: world.connectors });
});
afterAll(async () => {
  await engine?.stop();
  await world?.stop();
});

function watcher(stableMs = 0, now?: () => number, client: Client = engine.client): IntakeWatcher {
  return new IntakeWatcher({
    client,
    taskQueue: engine.cfg.temporal.taskQueue,
    dataDir: engine.cfg.dataDir,
    scannerDir: engine.cfg.intake.scannerDir,
    storeDir: engine.cfg.intake.storeDir,
    stableMs,
    log,
    now,
  });
}

const pdf = (text: string) => pdfAus([{ zeilen: ['Sehr geehrte Damen und Herren,', text, 'Mit freundlichen Grüßen'] }]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a dropped file starts one workflow, is recorded, listed, and leaves the hot folder', async () => {
  const w = watcher();
  await w.init();
  const content = await pdf(`Antrag ${Date.now()}`);
  fs.writeFileSync(path.join(engine.cfg.intake.scannerDir, 'scan-0001.pdf'), content);

  const outcomes = await w.sweep();
  const workflowId = eingangWorkflowId(sha(content));
  expect(outcomes).toEqual([{ file: 'scan-0001.pdf', result: 'gestartet', workflowId }]);
  expect(fs.readdirSync(engine.cfg.intake.scannerDir)).toEqual([]);

  const result = (await engine.client.workflow.getHandle(workflowId).result()) as DateiErgebnis;
  expect(result).toEqual({ status: 'zerlegt', seitenzahl: 1, dokumente: [`dok-${sha(content).slice(0, 40)}-0`] });
  const stored = path.join(engine.cfg.intake.storeDir, `${sha(content)}.pdf`);
  const record = JSON.parse(fs.readFileSync(`${stored}.eingang.json`, 'utf8')) as EingangRecord;
  expect(record.verified).toBe(true);
  expect(record.fileName).toBe('scan-0001.pdf');
  expect(record.quelle).toBe('scanner');
  expect(record.eingangsdatum).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  const listed = await eventually(async () => {
    for await (const wf of engine.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND AktenlaufStatus = 'zerlegt'` })) return wf;
    return undefined;
  }, 'workflow listed with status zerlegt');
  expect(listed.typedSearchAttributes.get(PROZESS)).toBe('posteingang');
  expect(listed.typedSearchAttributes.get(STATUS)).toBe('zerlegt');
});

test('a second drop of the same content starts nothing', async () => {
  const w = watcher();
  await w.init();
  const content = await pdf(`Doppelt ${Date.now()}`);
  fs.writeFileSync(path.join(engine.cfg.intake.scannerDir, 'a.pdf'), content);
  const [first] = await w.sweep();
  expect(first?.result).toBe('gestartet');
  await engine.client.workflow.getHandle(eingangWorkflowId(sha(content))).result();

  fs.writeFileSync(path.join(engine.cfg.intake.scannerDir, 'b-nochmal.pdf'), content);
  const [second] = await w.sweep();
  expect(second).toEqual({ file: 'b-nochmal.pdf', result: 'duplikat', workflowId: eingangWorkflowId(sha(content)) });
  expect(fs.readdirSync(engine.cfg.intake.scannerDir)).toEqual([]);

  let runs = 0;
  for await (const _ of engine.client.workflow.list({ query: `WorkflowId = '${eingangWorkflowId(sha(content))}'` })) runs += 1;
  expect(runs).toBe(1);
});

test('a file still being written is not taken until it has been stable', async () => {
  let t = 1_000_000;
  const w = watcher(2000, () => t);
  await w.init();
  const file = path.join(engine.cfg.intake.scannerDir, 'wird-geschrieben.pdf');
  fs.writeFileSync(file, await pdf('Teil 1'));
  expect(await w.sweep()).toEqual([]);
  t += 1000;
  fs.appendFileSync(file, 'weitere Seiten');
  expect(await w.sweep()).toEqual([]); // changed: the stability clock starts again
  t += 1500;
  expect(await w.sweep()).toEqual([]);
  t += 1000;
  const taken = await w.sweep();
  expect(taken.map((o) => o.result)).toEqual(['gestartet']);
  expect(fs.existsSync(file)).toBe(false);
});

test('when Temporal cannot be reached the file stays in the hot folder; the next sweep takes it', async () => {
  const deadConnection = await Connection.connect({ address: engine.cfg.temporal.address });
  const { codec } = codecFromConfig(engine.cfg, false);
  const deadClient = new Client({ connection: deadConnection, namespace: 'gibt-es-nicht-namespace' , dataConverter: { payloadCodecs: [codec] } });
  const failing = watcher(0, undefined, deadClient);
  await failing.init();
  const file = path.join(engine.cfg.intake.scannerDir, 'bleibt.pdf');
  fs.writeFileSync(file, await pdf(`bleibt ${Date.now()}`));
  expect(await failing.sweep()).toEqual([]);
  expect(fs.existsSync(file)).toBe(true);
  await deadConnection.close();

  const taken = await watcher().sweep();
  expect(taken.map((o) => o.result)).toEqual(['gestartet']);
  expect(fs.existsSync(file)).toBe(false);
});

test('an unsupported or empty file is set aside with a reason a person understands', async () => {
  const w = watcher();
  await w.init();
  fs.writeFileSync(path.join(engine.cfg.intake.scannerDir, 'notiz.docx'), 'x');
  fs.writeFileSync(path.join(engine.cfg.intake.scannerDir, 'leer.pdf'), '');
  const outcomes = await w.sweep();
  expect(outcomes.map((o) => o.result).sort()).toEqual(['abgelehnt', 'abgelehnt']);
  const reasons = fs.readdirSync(w.rejectDir).filter((f) => f.endsWith('.grund.txt')).map((f) => fs.readFileSync(path.join(w.rejectDir, f), 'utf8'));
  expect(reasons.sort()).toEqual(['Datei ist leer\n', 'Dateiformat wird nicht angenommen (erlaubt: PDF, TIFF, PNG, JPEG)\n']);
});

test('a document whose stored copy is missing waits in quarantine with a reason, not lost', async () => {
  const content = await pdf(`fehlt ${Date.now()}`);
  const hash = sha(content);
  const handle = await engine.client.workflow.start('posteingang', {
    taskQueue: engine.cfg.temporal.taskQueue,
    workflowId: eingangWorkflowId(hash),
    args: [{ contentHash: hash, quelle: 'scanner', eingangsdatum: '2026-11-26', fileName: 'x.pdf', mediaType: 'application/pdf', bytes: content.length, storedPath: 'store/eingang/fehlt.pdf' }],
  });
  const z = await eventually(async () => {
    const s = await handle.query<DateiZustand>('zustand');
    return s.status === 'quarantaene' ? s : undefined;
  }, 'file in quarantine');
  expect(z.quarantaeneGrund).toBe('Die abgelegte Kopie des Eingangs fehlt im Speicher');
  await handle.executeUpdate('quarantaene', { args: [{ wer: 'it.admin', aktion: 'verwerfen', grund: 'Kopie nicht wiederherstellbar' }] });
  expect((await handle.result()) as DateiErgebnis).toEqual({ status: 'verworfen', grund: 'Die abgelegte Kopie des Eingangs fehlt im Speicher' });
});
