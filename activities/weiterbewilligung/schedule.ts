/**
 * The daily schedule of the Weiterbewilligung sync, created or updated idempotently at every
 * engine start (ensureWeiterbewilligungSchedule). Calendar in Europe/Berlin, 05:30 by default
 * (never between 02:00 and 03:00, where DST makes times ambiguous or absent); an overlapping
 * run is skipped; a run missed while the engine was down is caught up within a day.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { upsertSchedule } from '../../platform/schedules';
import type { Config } from '../../platform/config';
import {
  WEITERBEWILLIGUNG_SCHEDULE_ID, WEITERBEWILLIGUNG_SYNC_WORKFLOW, WEITERBEWILLIGUNG_SYNC_WORKFLOW_ID, pruefePolicy,
  type SyncInput, type WeiterbewilligungPolicy,
} from '../../domain/weiterbewilligung';

export interface WeiterbewilligungScheduleOptions {
  /** Site policy (lead times); defaults from DEFAULT_WEITERBEWILLIGUNG_POLICY. */
  policy?: Partial<WeiterbewilligungPolicy>;
  stunde?: number;
  minute?: number;
  scheduleId?: string;
}

export async function ensureWeiterbewilligungSchedule(client: Client, cfg: Config, o: WeiterbewilligungScheduleOptions = {}): Promise<{ scheduleId: string; angelegt: boolean }> {
  const stunde = o.stunde ?? 5;
  const minute = o.minute ?? 30;
  if (!Number.isInteger(stunde) || stunde < 0 || stunde > 23 || stunde === 2) throw new RangeError('Stunde 0–23, nicht 2 (Zeitumstellung)');
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) throw new RangeError('Minute 0–59');
  const policy = pruefePolicy(o.policy);
  const scheduleId = o.scheduleId ?? WEITERBEWILLIGUNG_SCHEDULE_ID;
  const input: SyncInput = { policy };
  const options = {
    scheduleId,
    spec: { calendars: [{ hour: stunde, minute }], timezone: 'Europe/Berlin' },
    action: {
      type: 'startWorkflow' as const,
      workflowType: WEITERBEWILLIGUNG_SYNC_WORKFLOW,
      workflowId: WEITERBEWILLIGUNG_SYNC_WORKFLOW_ID,
      taskQueue: cfg.temporal.taskQueue,
      args: [input],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  } satisfies ScheduleOptions;
  return upsertSchedule(client, options);
}
