/**
 * The daily sync against the simulated Fachverfahren: each BWZ in the window gets one workflow;
 * a re-sync starts nothing new; a shortened BWZ and a dissolved household reach their running
 * workflows; the schedule is created once and updated idempotently.
 */
import { STICHTAG } from '../../domain/search-attributes';
import {
  WB_ZUSTAND_QUERY, WEITERBEWILLIGUNG_SYNC_WORKFLOW, plusTage, weiterbewilligungWorkflowId,
  type SyncErgebnis, type WbErgebnis, type WbZustand,
} from '../../domain/weiterbewilligung';
import { berlinDate } from '../../domain/zeit';
import type { LaufenderOpenProsozSimulator } from '../../connectors/fachverfahren/open-prosoz/simulator';
import { ensureWeiterbewilligungSchedule } from '../../activities/weiterbewilligung/schedule';
import { loadPseudonymizer } from '../../platform/pseudonym';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { testConfig, uniqueName } from '../helpers/env';

let world: TestWorld;
let engine: TestEngine;
let sim: LaufenderOpenProsozSimulator;
// A window in the future beyond the first reminder: the workflows only wait (no letters).
const heute = berlinDate(new Date());
const von = plusTage(heute, 60);
const bis = plusTage(heute, 75);

beforeAll(async () => {
  world = await startTestWorld(testConfig({ SIMULATOR_HOUSEHOLDS: '400' }));
  engine = await startTestEngine({}, { connectors: world.connectors });
  sim = world.simulators.running.find((r) => r.spec.id === 'open-prosoz')!.sim as LaufenderOpenProsozSimulator;
});
afterAll(async () => {
  await engine?.stop();
  await world?.stop();
});

const sync = () =>
  engine.client.workflow.execute(WEITERBEWILLIGUNG_SYNC_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('wb-sync'), args: [{ von, bis, parallel: 8 }],
  }) as Promise<SyncErgebnis>;

async function gestartete(): Promise<string[]> {
  const ids: string[] = [];
  const q = `WorkflowType = 'weiterbewilligung' AND TaskQueue = '${engine.cfg.temporal.taskQueue}'`;
  for await (const wf of engine.client.workflow.list({ query: q })) ids.push(wf.workflowId);
  return ids;
}

test('each BWZ once; a re-sync starts nothing; changes reach the running workflows', async () => {
  const imFenster = sim.store.listeBewilligungszeitraeume(von, bis).filter((e) => !e.aufgeloest);
  expect(imFenster.length).toBeGreaterThan(3);

  const erster = await sync();
  expect(erster).toMatchObject({ von, bis, gestartet: imFenster.length, fehler: 0 });
  const pseudo = loadPseudonymizer({ dataDir: engine.cfg.dataDir, generate: false });
  const erwartet = imFenster.map((e) => weiterbewilligungWorkflowId(pseudo.key24('bwz', e.bgNummer, e.bwz.id))).sort();
  await eventually(async () => ((await gestartete()).length === erwartet.length ? true : undefined), 'alle gelistet');
  expect((await gestartete()).sort()).toEqual(erwartet);
  // No personal data in ids: only the opaque pseudonym.
  for (const e of imFenster) expect(erwartet.join(' ')).not.toContain(e.bgNummer);

  const zweiter = await sync();
  expect(zweiter).toMatchObject({ gestartet: 0, unveraendert: imFenster.length, geaendert: 0, fehler: 0 });
  expect((await gestartete()).length).toBe(erwartet.length);

  // The Sachbearbeitung shortens one BWZ and dissolves another household.
  const [a, b] = imFenster;
  const kuerzer = plusTage(a!.bwz.ende, -3);
  sim.store.aendereBwz(a!.bgNummer, a!.bwz.id, kuerzer);
  sim.store.loeseAuf(b!.bgNummer);
  sim.exportiereAenderungen();
  const idA = weiterbewilligungWorkflowId(pseudo.key24('bwz', a!.bgNummer, a!.bwz.id));
  const idB = weiterbewilligungWorkflowId(pseudo.key24('bwz', b!.bgNummer, b!.bwz.id));
  const dritter = await eventually(async () => {
    const r = await sync();
    return r.geaendert === 2 ? r : undefined;
  }, 'Änderungen gesehen');
  expect(dritter).toMatchObject({ gestartet: 0, geaendert: 2, fehler: 0 });
  const zustandA = await engine.client.workflow.getHandle(idA).query<WbZustand>(WB_ZUSTAND_QUERY);
  expect(zustandA.bwzEnde).toBe(kuerzer);
  const ergebnisB = (await engine.client.workflow.getHandle(idB).result()) as WbErgebnis;
  expect(ergebnisB.status).toBe('aufgeloest');
  expect(ergebnisB.briefe).toEqual([]);
  await eventually(async () => {
    for await (const wf of engine.client.workflow.list({ query: `WorkflowId = '${idA}'` })) {
      if (wf.typedSearchAttributes.get(STICHTAG)?.toISOString().slice(0, 10) === kuerzer) return true;
    }
    return undefined;
  }, 'STICHTAG nachgeführt');

  // Once visibility shows the new end, the next sync finds nothing to change; nothing is started twice.
  const vierter = await sync();
  expect(vierter).toMatchObject({ gestartet: 0, geaendert: 0, fehler: 0 });
  expect(vierter.abgeschlossen).toBeGreaterThanOrEqual(1);
  expect((await gestartete()).length).toBe(erwartet.length);
});

test('the daily schedule is created once, at 05:30 Europe/Berlin, and updated idempotently', async () => {
  const scheduleId = uniqueName('wb-schedule');
  try {
    expect(await ensureWeiterbewilligungSchedule(engine.client, engine.cfg, { scheduleId })).toEqual({ scheduleId, angelegt: true });
    expect(await ensureWeiterbewilligungSchedule(engine.client, engine.cfg, { scheduleId, stunde: 6, minute: 15 })).toEqual({ scheduleId, angelegt: false });
    const d = await engine.client.schedule.getHandle(scheduleId).describe();
    expect(d.spec.timezone).toBe('Europe/Berlin');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: WEITERBEWILLIGUNG_SYNC_WORKFLOW, taskQueue: engine.cfg.temporal.taskQueue });
    await expect(ensureWeiterbewilligungSchedule(engine.client, engine.cfg, { scheduleId, stunde: 2 })).rejects.toThrow(RangeError);
  } finally {
    await engine.client.schedule.getHandle(scheduleId).delete();
  }
});
