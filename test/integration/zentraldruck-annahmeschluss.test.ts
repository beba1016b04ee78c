/**
 * The daily cut-off: the schedule is created/updated idempotently (Mon–Fri, Europe/Berlin), and
 * the workflow it starts cuts off today's batch — or does nothing on a weekend or holiday.
 */
import { randomBytes } from 'node:crypto';
import { ensureZentraldruckSchedule } from '../../activities/druck/schedule';
import { ANNAHMESCHLUSS_WORKFLOW, BRIEF_ZUSTAND_QUERY, type BriefZustand } from '../../domain/briefdruck';
import { feiertageVon, istArbeitstag } from '../../domain/fristen';
import { berlinDate } from '../../domain/zeit';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefAuftrag, type BriefErgebnis } from '../../domain/zentraldruck';
import type { TestWorld } from '../helpers/connectors';
import { eventually, type TestEngine } from '../helpers/engine';
import { startZentraldruckTestbed, stopZentraldruckTestbed } from '../helpers/zentraldruck';

let world: TestWorld;
let engine: TestEngine;

beforeAll(async () => {
  ({ world, engine } = await startZentraldruckTestbed());
});
afterAll(() => stopZentraldruckTestbed(world, engine));

test('the cut-off schedule is created once and updated afterwards; never at 02:xx', async () => {
  const scheduleId = `zd-annahmeschluss-${randomBytes(4).toString('hex')}`;
  try {
    expect(await ensureZentraldruckSchedule(engine.client, engine.cfg, { scheduleId, env: {} })).toEqual({ scheduleId, angelegt: true });
    expect(await ensureZentraldruckSchedule(engine.client, engine.cfg, { scheduleId, annahmeschluss: '13:30', land: 'BY', env: {} })).toEqual({ scheduleId, angelegt: false });
    const d = await engine.client.schedule.getHandle(scheduleId).describe();
    expect(d.spec.timezone).toBe('Europe/Berlin');
    const cal = d.spec.calendars![0]!;
    expect(cal.hour).toEqual([{ start: 13, end: 13, step: 1 }]);
    expect(cal.minute).toEqual([{ start: 30, end: 30, step: 1 }]);
    expect(cal.dayOfWeek).toEqual([{ start: 'MONDAY', end: 'FRIDAY', step: 1 }]);
    expect(d.action.type).toBe('startWorkflow');
    if (d.action.type === 'startWorkflow') {
      expect(d.action.workflowType).toBe(ANNAHMESCHLUSS_WORKFLOW);
      expect(d.action.args).toEqual([{ land: 'BY', batchPraefix: 'druckbatch' }]);
    }
    await expect(ensureZentraldruckSchedule(engine.client, engine.cfg, { scheduleId, annahmeschluss: '02:30', env: {} })).rejects.toThrow(RangeError);
  } finally {
    await engine.client.schedule.getHandle(scheduleId).delete();
  }
});

test('the scheduled run cuts off today\'s batch (on working days) and finds no batch when none was opened', async () => {
  const batchPraefix = `zda${randomBytes(4).toString('hex')}`;
  const heute = berlinDate(new Date());
  const arbeitstag = istArbeitstag(heute, feiertageVon('NI'));
  const lauf = (praefix: string) => engine.client.workflow.execute(ANNAHMESCHLUSS_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue, workflowId: `${praefix}-lauf`, args: [{ batchPraefix: praefix, land: 'NI' }],
  });
  expect(await lauf(`${batchPraefix}x`)).toBe(arbeitstag ? 'kein_batch' : 'feiertag');
  if (!arbeitstag) return; // weekend or holiday: nothing is cut off (asserted above)

  const a: BriefAuftrag = {
    briefId: `zd-${randomBytes(6).toString('hex')}`, art: 'EINGANGSBESTAETIGUNG',
    empfaenger: { name: 'Herrn Mehmet Demir', strasse: 'Hauptstraße 140', plz: '35440', ort: 'Linden' },
    bgNummer: '35101BG0088001', teamId: 'LE-LI-01', daten: { eingangsdatum: heute, dokument: 'Ihre Veränderungsmitteilung' },
    bezug: { prozess: 'test', workflowId: 'test-annahmeschluss' },
  };
  // Cut-off time late in the evening: the letter joins today's batch; the scheduled run closes it now.
  const h = await engine.client.workflow.start(BRIEF_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue, workflowId: briefWorkflowId(a.briefId), args: [a, { policy: { batchPraefix, annahmeschluss: '23:59', statusPollMs: 300 } }],
  });
  const z = await eventually(async () => {
    const s = await h.query<BriefZustand>(BRIEF_ZUSTAND_QUERY);
    return s.status === 'wartet_auf_batch' ? s : undefined;
  }, 'letter in today\'s batch');
  expect(z.stichtag).toBe(heute);
  expect(await lauf(batchPraefix)).toBe('gesendet');
  expect(((await h.result()) as BriefErgebnis).status).toBe('versendet');
});
