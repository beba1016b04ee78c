/**
 * Item 4 of the Terminvergabe: the Landratsamt's Terminsystem (simulated admin UI, read by the
 * robot of the robot pool in real Chromium) feeds the same `terminvergabe` workflows. Every
 * Neuantrag booking of a day becomes one workflow (id = HMAC of the booking number, no names),
 * a second sync changes nothing, a moved booking updates its workflow.
 */
import path from 'node:path';
import { createLogger } from '../../platform/logger';
import { loadTermineConfig } from '../../connectors/termine/config';
import { termineRobot } from '../../connectors/termine/robot';
import { berlinToday, startTermineSimulator, type RunningTermineSim } from '../../connectors/termine/simulator';
import type { Buchung } from '../../connectors/termine/port';
import { RobotWorker } from '../../connectors/robot-pool/worker';
import { startMailSink, type RunningMailSink } from '../../connectors/mail/simulator';
import { schliesseTermineLaufzeit } from '../../activities/termine';
import { pseudonymizerFuer, TerminSchluessel } from '../../activities/termine/schluessel';
import { TERMIN_SYNC_WORKFLOW, TERMIN_ZUSTAND_QUERY, type TerminZustand } from '../../domain/termine-vorgang';
import { plusTage } from '../../domain/termine';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { testStack } from '../helpers/env';

let sim: RunningTermineSim;
let robot: RobotWorker;
let engine: TestEngine;
let sink: RunningMailSink;

/** A weekday 3–9 days ahead (seeded bookings exist up to 14 days ahead; no reminder or no-show fires). */
function werktag(): string {
  let t = plusTage(berlinToday(), 3);
  while ([0, 6].includes(new Date(`${t}T12:00:00Z`).getUTCDay())) t = plusTage(t, 1);
  return t;
}

beforeAll(async () => {
  const stack = testStack();
  const env = { TERMINE_PASSWORD: 'test-kennwort', TERMINE_ROBOT_ATTEMPTS: '3', TERMINE_ROBOT_BACKOFF_MS: '100', TERMINE_ROBOT_ACTION_TIMEOUT_MS: '5000', TERMINE_ROBOT_JOB_TIMEOUT_MS: '20000' };
  sim = await startTermineSimulator({ port: 0, seed: 4711, faults: { delayMs: [0, 0] }, env });
  Object.assign(process.env, env, { TERMINE_URL: sim.url, REDIS_URL: stack.redisUrl });
  engine = await startTestEngine();
  sink = await startMailSink({ port: 0, dir: path.join(engine.cfg.dataDir, 'mail') });
  process.env.MAIL_SMTP_URL = sink.url;
  const tc = loadTermineConfig({ ...env, TERMINE_URL: sim.url });
  robot = new RobotWorker({
    def: termineRobot(tc), redisUrl: stack.redisUrl, target: tc.robot, process: { lockMs: 5000, stalledIntervalMs: 2000, maxStalled: 1 },
    dataDir: engine.cfg.dataDir, chromiumPath: stack.chromiumPath, log: createLogger('test-robot', 'silent'),
  });
  await robot.start();
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await schliesseTermineLaufzeit();
  await robot?.close();
  await sim?.stop();
  await sink?.stop();
});

async function sync(tag: string): Promise<{ tage: Array<{ tag: string; neuantraege: number; verarbeitet: number; fehler?: string }>; geloescht: number | null }> {
  return engine.client.workflow.execute(TERMIN_SYNC_WORKFLOW, { taskQueue: engine.cfg.temporal.taskQueue, workflowId: `termine-sync-test-${Date.now()}`, args: [{ ab: tag, tage: 1 }] });
}

async function zustand(id: string): Promise<TerminZustand> {
  return engine.client.workflow.getHandle(id).query<TerminZustand>(TERMIN_ZUSTAND_QUERY);
}

test('Neuantrag-Buchungen des Terminsystems werden zu Terminvergabe-Workflows; zweiter Abgleich ändert nichts; verschobene Buchung wird nachgeführt, gelöschte abgesagt und bei Wiederkehr reaktiviert', async () => {
  const tag = werktag();
  const extra: Buchung = {
    buchungsnummer: `B-TEST-${Date.now()}`, standort: 'jc-nord', tag, uhrzeit: '08:15', dauerMinuten: 60, anliegen: 'Neuantrag Bürgergeld',
    name: 'Yılmaz, Elif', kontakt: { telefon: '0151 1234567' },
  };
  sim.daten.hinzufuegen(extra);
  const erwartet = sim.daten.buchungen(tag).filter((b) => /Neuantrag/.test(b.anliegen));
  expect(erwartet.length).toBeGreaterThan(1);

  const erster = await sync(tag);
  expect(erster.tage).toEqual([{ tag, neuantraege: erwartet.length, verarbeitet: erwartet.length }]);
  expect(erster.geloescht).toBe(0);

  const schluessel = new TerminSchluessel(pseudonymizerFuer(engine.cfg.dataDir));
  const id = schluessel.terminsystemId(extra.buchungsnummer);
  expect(id).toMatch(/^termin-ts-[0-9a-f]{24}$/);
  const z = await zustand(id);
  expect(z).toMatchObject({ status: 'bestaetigt', quelle: 'terminsystem', name: 'Elif Yılmaz', kontakt: 'keiner' });
  expect(z.slot).toMatchObject({ standortId: 'jc-nord', tag, uhrzeit: '08:15' });
  expect(z.slot.endeMs - z.slot.beginnMs).toBe(60 * 60_000);

  const query = `TaskQueue = '${engine.cfg.temporal.taskQueue}' AND WorkflowType = 'terminvergabe' AND ExecutionStatus = 'Running'`;
  const zaehle = async () => (await engine.client.workflow.count(query)).count;
  const zweiter = await sync(tag);
  expect(zweiter.tage[0]?.verarbeitet).toBe(erwartet.length);
  expect(zweiter.geloescht).toBe(0);
  // visibility is eventually consistent: wait until it shows all workflows, then compare
  for (let i = 0; i < 50 && (await zaehle()) < erwartet.length; i += 1) await new Promise((r) => setTimeout(r, 200));
  expect(await zaehle()).toBe(erwartet.length);

  extra.uhrzeit = '10:30';
  await sync(tag);
  expect((await zustand(id)).slot.uhrzeit).toBe('10:30');
  expect(await zaehle()).toBe(erwartet.length);

  // moved to the next day, beyond this sync's window: cancelled, but it waits …
  extra.tag = plusTage(tag, 1);
  const dritter = await sync(tag);
  expect(dritter.geloescht).toBe(1);
  expect(await zustand(id)).toMatchObject({ status: 'abgesagt', grund: 'im Terminsystem gelöscht' });
  const beschreibung = await engine.client.workflow.getHandle(id).describe();
  expect(beschreibung.status.name).toBe('RUNNING');
  // … and comes back when the sync reads the new day
  await sync(extra.tag);
  const z2 = await zustand(id);
  expect(z2.status).toBe('bestaetigt');
  expect(z2.slot.tag).toBe(extra.tag);
}, 120_000);
