/**
 * The daily cut-off of the Zentraldruck: a Temporal schedule (Mon–Fri at ZENTRALDRUCK_ANNAHMESCHLUSS,
 * default 14:00 Europe/Berlin) that starts `zentraldruckAnnahmeschluss`, which signals today's
 * batch "cut-off now" — on holidays of the configured Land it does nothing (the letters wait for
 * the next working day's batch). Created or updated idempotently at every engine start
 * (ensureZentraldruckSchedule). Never between 02:00 and 03:00 (DST). A cut-off missed while the
 * engine was down is caught up within 2 hours; after that the batch's own timer has fired anyway.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { upsertSchedule } from '../../platform/schedules';
import type { Config } from '../../platform/config';
import {
  ANNAHMESCHLUSS_SCHEDULE_ID, ANNAHMESCHLUSS_WORKFLOW, BESCHEIDE_SCHEDULE_ID, BESCHEIDE_WORKFLOW, STANDARD_POLICY, type ZentraldruckPolicy,
} from '../../domain/briefdruck';
import { loadDruckConfig } from './config';

export interface ZentraldruckScheduleOptions {
  /** Cut-off HH:MM (default: ZENTRALDRUCK_ANNAHMESCHLUSS or 14:00). */
  annahmeschluss?: string;
  land?: ZentraldruckPolicy['land'];
  batchPraefix?: string;
  scheduleId?: string;
  env?: NodeJS.ProcessEnv;
}

export async function ensureZentraldruckSchedule(client: Client, cfg: Config, o: ZentraldruckScheduleOptions = {}): Promise<{ scheduleId: string; angelegt: boolean }> {
  const basis = loadDruckConfig(o.env ?? process.env).policy;
  const zeit = o.annahmeschluss ?? basis.annahmeschluss;
  const m = /^(\d{2}):(\d{2})$/.exec(zeit);
  const stunde = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || stunde > 23 || minute > 59 || stunde === 2) throw new RangeError('Annahmeschluss HH:MM, nicht zwischen 02:00 und 03:00 (Zeitumstellung)');
  const scheduleId = o.scheduleId ?? ANNAHMESCHLUSS_SCHEDULE_ID;
  const args = [{ land: o.land ?? basis.land, batchPraefix: o.batchPraefix ?? STANDARD_POLICY.batchPraefix }];
  const options = {
    scheduleId,
    spec: { calendars: [{ dayOfWeek: [{ start: 'MONDAY' as const, end: 'FRIDAY' as const }], hour: stunde, minute }], timezone: 'Europe/Berlin' },
    action: {
      type: 'startWorkflow' as const,
      workflowType: ANNAHMESCHLUSS_WORKFLOW,
      workflowId: `${scheduleId}-lauf`,
      taskQueue: cfg.temporal.taskQueue,
      args,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '2 hours' },
  } satisfies ScheduleOptions;
  return upsertSchedule(client, options);
}

/**
 * Every few minutes: take the Bescheide from the Fachverfahren's output folder
 * (workflow zentraldruckBescheide). Overlapping runs are skipped.
 */
export async function ensureBescheidSchedule(client: Client, cfg: Config, o: { minuten?: number; scheduleId?: string } = {}): Promise<{ scheduleId: string; angelegt: boolean }> {
  const minuten = o.minuten ?? 5;
  if (!Number.isInteger(minuten) || minuten < 1 || minuten > 60) throw new RangeError('Intervall 1–60 Minuten');
  const scheduleId = o.scheduleId ?? BESCHEIDE_SCHEDULE_ID;
  const options = {
    scheduleId,
    spec: { intervals: [{ every: `${minuten} minutes` }] },
    action: { type: 'startWorkflow' as const, workflowType: BESCHEIDE_WORKFLOW, workflowId: `${scheduleId}-lauf`, taskQueue: cfg.temporal.taskQueue, args: [{}] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
  } satisfies ScheduleOptions;
  return upsertSchedule(client, options);
}
