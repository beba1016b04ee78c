/**
 * Alerts from the operational picture against real Temporal visibility and BullMQ: a document
 * waiting in review longer than its SLA, a print batch not accepted by cut-off + 1 h, a robot
 * technical failure rate over the threshold (business errors do not count).
 */
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { ART, PROZESS, STATUS, STICHTAG } from '../../domain/search-attributes';
import { formatFailure } from '../../connectors/robot-pool/failure';
import { BetriebslageLeser, loadBetriebConfig } from '../../platform/metrics';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { testConfig, testStack, uniqueName } from '../helpers/env';

let connection: Connection;
let client: Client;
let redis: Redis;
const started: WorkflowHandle[] = [];
const tq = uniqueName('kein-worker');

beforeAll(async () => {
  const cfg = testConfig();
  const { codec } = codecFromConfig(cfg);
  connection = await connect(testStack().temporalAddress);
  client = makeClient(connection, cfg.temporal.namespace, codec);
  redis = new Redis(testStack().redisUrl, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  await Promise.all(started.map((h) => h.terminate('Testende').catch(() => undefined)));
  await redis?.quit();
  await connection?.close();
});

async function sichtbar(query: string, n: number): Promise<void> {
  const deadline = Date.now() + 15000;
  while ((await client.workflow.count(query)).count < n) {
    if (Date.now() > deadline) throw new Error(`not visible: ${query}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('review SLA breach and a print batch not accepted after cut-off + 1 h raise critical alerts', async () => {
  // Running workflows on a task queue without worker, with the search attributes the processes set.
  const doc = await client.workflow.start('posteingangDokument', {
    taskQueue: tq, workflowId: uniqueName('dok-alarm'), args: [],
    typedSearchAttributes: [{ key: PROZESS, value: 'posteingang' }, { key: STATUS, value: 'pruefung' }],
  });
  // Fixed times of today's Berlin date, so the test does not depend on the hour it runs at.
  const berlinHeute = DateTime.now().setZone('Europe/Berlin').startOf('day');
  const heute = new Date(`${berlinHeute.toISODate()}T00:00:00Z`);
  const batch = await client.workflow.start('zentraldruckTagesbatch', {
    taskQueue: tq, workflowId: uniqueName('batch-alarm'), args: [],
    typedSearchAttributes: [{ key: PROZESS, value: 'zentraldruck' }, { key: ART, value: 'TAGESBATCH' }, { key: STATUS, value: 'sammelt' }, { key: STICHTAG, value: heute }],
  });
  started.push(doc, batch);
  await sichtbar(`WorkflowId = '${doc.workflowId}' AND AktenlaufStatus = 'pruefung'`, 1);
  await sichtbar(`WorkflowId = '${batch.workflowId}' AND AktenlaufStatus = 'sammelt'`, 1);

  // SLA of ~0 hours, cut-off 00:00; read at the later of now and 12:00 Berlin today, so "now" is
  // after the review SLA and after cut-off + 1 h whatever the hour the test runs at.
  const cfg = { ...loadBetriebConfig({}), pruefungSlaStunden: 0.000001, annahmeschluss: '00:00' };
  const leser = new BetriebslageLeser({ temporal: client, redis, warteschlangen: [], config: cfg });
  const jetzt = new Date(Math.max(Date.now() + 5000, berlinHeute.set({ hour: 12 }).toMillis()));
  const lage = await leser.lesen(jetzt);
  expect(lage.pruefung.anzahl).toBeGreaterThanOrEqual(1);
  expect(lage.pruefung.ueberSla).toBeGreaterThanOrEqual(1);
  expect(lage.alarme.find((a) => a.art === 'pruefung-sla')).toMatchObject({ schwere: 'kritisch' });
  expect(lage.alarme.find((a) => a.art === 'pruefung-sla')!.text).toMatch(/Dokument\(e\) warten länger als/);
  expect(lage.fehler).toEqual([]);
  expect(lage.druck.nichtAngenommen).toBeGreaterThanOrEqual(1);
  expect(lage.alarme.find((a) => a.art === 'druck-annahme')!.text).toContain('noch nicht vom Druckzentrum angenommen');
  expect(lage.prozesse.find((p) => p.prozess === 'posteingang')!.laufendNachStatus.pruefung).toBeGreaterThanOrEqual(1);

  // With a generous SLA, read at 05:00 Berlin before a 14:00 cut-off, there is no alert of either kind.
  const ruhig = new BetriebslageLeser({ temporal: client, redis, warteschlangen: [], config: { ...cfg, pruefungSlaStunden: 1000, annahmeschluss: '14:00' } });
  const l2 = await ruhig.lesen(berlinHeute.set({ hour: 5 }).toJSDate());
  expect(l2.alarme.filter((a) => a.art === 'pruefung-sla' || a.art === 'druck-annahme')).toEqual([]);
});

test('robot failure rate counts technical failures only, with a minimum of jobs', async () => {
  const name = uniqueName('robots-alarm');
  const prefix = uniqueName('bq');
  const connection = { url: testStack().redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  await events.waitUntilReady();
  const worker = new Worker(name, async (job) => {
    if (job.name === 'ok') return 1;
    if (job.name === 'fachlich') throw new UnrecoverableError(formatFailure({ art: 'BusinessError', code: 'HAUSHALT_NICHT_GEFUNDEN', meldung: 'nicht gefunden' }));
    throw new UnrecoverableError(formatFailure({ art: 'TechnicalError', code: 'ZEITUEBERSCHREITUNG', meldung: 'zu langsam' }));
  }, { connection, prefix });
  try {
    const jobs = [
      ...await Promise.all(['ok', 'ok', 'fachlich', 'fachlich', 'fachlich'].map((n) => queue.add(n, {}))),
    ];
    for (const j of jobs) await j.waitUntilFinished(events, 10000).catch(() => undefined);
    const def = [{ name, label: 'Test', art: 'roboter' as const }];
    const cfg = { ...loadBetriebConfig({}), roboterFehlerquote: 0.2, roboterMinAuftraege: 5 };
    const nurFachlich = await new BetriebslageLeser({ temporal: client, redis, warteschlangen: def, config: cfg, queuePrefix: prefix }).lesen();
    expect(nurFachlich.roboter).toMatchObject({ auftraege: 5, fehlerquote: 0 });
    expect(nurFachlich.alarme.filter((a) => a.art === 'roboter-fehlerquote')).toEqual([]);
    for (const j of await Promise.all(['technisch', 'technisch'].map((n) => queue.add(n, {})))) await j.waitUntilFinished(events, 10000).catch(() => undefined);
    const leser = new BetriebslageLeser({ temporal: client, redis, warteschlangen: def, config: cfg, queuePrefix: prefix });
    const lage = await leser.lesen();
    await leser.close();
    expect(lage.roboter.auftraege).toBe(7);
    expect(lage.roboter.fehlerquote).toBeCloseTo(2 / 7);
    expect(lage.warteschlangen[0]!.stunde).toEqual({ fehlgeschlagen: 5, fachlich: 3, technisch: 2, erledigt: 2 });
    expect(lage.alarme.find((a) => a.art === 'roboter-fehlerquote')!.text).toBe('Roboter: 29 % der Aufträge der letzten Stunde technisch fehlgeschlagen (Schwelle 20 %, 7 Aufträge).');
    const streng = await new BetriebslageLeser({ temporal: client, redis, warteschlangen: def, config: { ...cfg, roboterMinAuftraege: 8 }, queuePrefix: prefix }).lesen();
    expect(streng.alarme.filter((a) => a.art === 'roboter-fehlerquote')).toEqual([]);
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
});
