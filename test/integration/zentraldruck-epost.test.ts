/**
 * Zentraldruck over the E-POST-style API (simulator with its real protocol):
 * - exactly once when the submission times out with unknown result: the simulator accepts the
 *   letters but answers too late; the submit activity fails (technical, retried) and its retry
 *   with the SAME batch id finds the letters at the centre: one upload, one posting, one E-Akte
 *   document;
 * - a long status follow-up continues as new (the adapter answers status queries within 5 s
 *   from its cache, so the first polls deterministically see the batch unfinished).
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDruckzentrum } from '../../connectors/druckzentrum';
import { EPOST_SIMULATOR_ZUGANG } from '../../connectors/druckzentrum/config';
import { startEpostSimulator, type EpostSimulator } from '../../connectors/druckzentrum/simulator';
import type { Druckzentrum } from '../../connectors/druckzentrum/port';
import { ANNAHMESCHLUSS_SIGNAL, BRIEF_ZUSTAND_QUERY, type BatchZustand, type BriefZustand, type TagesbatchInput } from '../../domain/briefdruck';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefAuftrag, type BriefErgebnis } from '../../domain/zentraldruck';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import { createLogger } from '../../platform/logger';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { testConfig } from '../helpers/env';

const log = createLogger('test-zentraldruck-epost', 'silent');
let world: TestWorld;
let engine: TestEngine;
let sim: EpostSimulator;
let epost: Druckzentrum;

beforeAll(async () => {
  const cfg = testConfig();
  world = await startTestWorld(cfg);
  sim = await startEpostSimulator({
    port: 0, dir: path.join(cfg.dataDir, 'epost-sim'), log, schritte: { verarbeitungMs: 50, druckzentrumMs: 50, postMs: 50 },
    zugang: { ...EPOST_SIMULATOR_ZUGANG }, statusMinIntervallMs: 1000,
  });
  const simPort = Number(new URL(sim.url).port);
  epost = createDruckzentrum({ DRUCKZENTRUM_ADAPTER: 'epost', SIMULATOR_PORT: String(simPort - 3), EPOST_TIMEOUT_MS: '1000' }, { dataDir: cfg.dataDir, log });
  engine = await startTestEngine({}, { connectors: { ...world.connectors, druckzentrum: epost } });
});
afterAll(async () => {
  await engine?.stop();
  await epost?.close();
  await sim?.stop();
  await world?.stop();
  await beendePdfLeser();
});

test('a submission whose answer never comes is retried with the same batch id: the letter is posted once', async () => {
  const batchPraefix = `zdz${randomBytes(4).toString('hex')}`;
  const a: BriefAuftrag = {
    briefId: `zd-${randomBytes(6).toString('hex')}`,
    art: 'TERMIN_BESTAETIGUNG',
    empfaenger: { name: 'Frau Sabine Östreicher', strasse: 'Schulgasse 1', plz: '35305', ort: 'Grünberg' },
    bgNummer: '35101BG0077001',
    teamId: 'LE-GR-02',
    daten: { termin: '2026-12-07', uhrzeit: '10:00', ort: 'Dienststelle Grünberg', unterlagen: 'Personalausweis' },
    bezug: { prozess: 'test', workflowId: 'test-zeitueberschreitung' },
  };
  const h = await engine.client.workflow.start(BRIEF_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue, workflowId: briefWorkflowId(a.briefId), args: [a, { policy: { batchPraefix, statusPollMs: 500 } }],
  });
  const z = await eventually(async () => {
    const s = await h.query<BriefZustand>(BRIEF_ZUSTAND_QUERY);
    return s.status === 'wartet_auf_batch' ? s : undefined;
  }, 'letter in its batch', 45000);

  sim.antwortNachAnnahmeVerzoegern(1, 3000); // accepted, but the answer comes after the client's 1 s timeout
  const batch = engine.client.workflow.getHandle(z.batchWorkflowId!);
  await batch.signal(ANNAHMESCHLUSS_SIGNAL);
  const r = (await h.result()) as BriefErgebnis;
  expect(r.status).toBe('versendet');

  expect(sim.anfragen('POST /api/Letter')).toBe(1);
  expect(sim.zentrum.empfangeneBriefe(a.briefId)).toBe(1);
  expect(sim.zentrum.gepostet(a.briefId)).toBe(1);
  expect(await world.connectors.eakte.find({ bgNummer: a.bgNummer })).toHaveLength(1);

  const b = (await batch.result()) as BatchZustand;
  expect(b.auftraege).toEqual([expect.objectContaining({ batchId: `${batchPraefix}-${z.stichtag}-1`, briefe: 1, offen: 0 })]);
  // The first attempt of the submit activity failed (timeout), the second found the letters.
  const events = (await batch.fetchHistory()).events!;
  const submit = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'reicheBatchEin')!;
  const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(submit.eventId))!;
  expect(started.activityTaskStartedEventAttributes!.attempt).toBeGreaterThanOrEqual(2);
  expect(started.activityTaskStartedEventAttributes!.lastFailure?.message).toMatch(/\S/); // the timeout of the first attempt
});

test('a long status follow-up continues as new with its state; a batch late past the warning time is marked verzoegert', async () => {
  const p = { batchPraefix: `zdc${randomBytes(4).toString('hex')}`, maxAbfragenProLauf: 1, statusPollMs: 200, statusWarnungMs: 1 };
  const a: BriefAuftrag = {
    briefId: `zd-${randomBytes(6).toString('hex')}`, art: 'WBA_ZWEITE_ERINNERUNG',
    empfaenger: { name: 'Herrn Tobias Lämmerhirt', strasse: 'Kirchplatz 4', plz: '35460', ort: 'Staufenberg' },
    bgNummer: '35101BG0077002', teamId: 'LE-ST-01', daten: { bwzEnde: '2027-02-28' }, bezug: { prozess: 'test', workflowId: 'test-can' },
  };
  const h = await engine.client.workflow.start(BRIEF_WORKFLOW, { taskQueue: engine.cfg.temporal.taskQueue, workflowId: briefWorkflowId(a.briefId), args: [a, { policy: p }] });
  const z = await eventually(async () => {
    const s = await h.query<BriefZustand>(BRIEF_ZUSTAND_QUERY);
    return s.status === 'wartet_auf_batch' ? s : undefined;
  }, 'letter in its batch', 45000);
  const batch = engine.client.workflow.getHandle(z.batchWorkflowId!);
  await batch.signal(ANNAHMESCHLUSS_SIGNAL);
  expect(((await h.result()) as BriefErgebnis).status).toBe('versendet');
  const b = (await batch.result()) as BatchZustand;
  expect(b).toMatchObject({ phase: 'abgeschlossen', anzahl: 1, ergebnisse: { [a.briefId]: 'an_post_uebergeben' } });
  // The last run was continued from an earlier one and carried the follow-up state.
  const start = (await batch.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
  expect(start.continuedExecutionRunId).toBeTruthy();
  const [input] = (await engine.client.options.loadedDataConverter.payloadCodecs[0]!.decode(start.input!.payloads!)).map((pl) => JSON.parse(Buffer.from(pl.data!).toString('utf8')) as TagesbatchInput);
  expect(input!.verfolgung).toMatchObject({ gewarnt: true, anzahl: 1 });
  expect(input!.verfolgung!.offen.map((o) => o.batchId)).toEqual([`${p.batchPraefix}-${z.stichtag}-1`]);
});
