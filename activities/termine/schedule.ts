/**
 * The daily import of the Landratsamt's Terminsystem (workflow terminSync), created or updated
 * idempotently at every engine start. 06:15 Europe/Berlin (outside 02:00–03:00), today and the
 * next two days. Only sites that run such a Terminsystem need it: the schedule is created
 * paused unless TERMINE_SYNC=1; an admin can unpause it in the console (Zeitpläne).
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { upsertSchedule } from '../../platform/schedules';
import type { Config } from '../../platform/config';
import { TERMIN_SYNC_WORKFLOW } from '../../domain/termine-vorgang';

export const TERMIN_SYNC_SCHEDULE_ID = 'termine-sync-taeglich';
export const TERMIN_SYNC_WORKFLOW_ID = 'termine-sync';

export async function ensureTerminSyncSchedule(client: Client, cfg: Config, env: NodeJS.ProcessEnv = process.env): Promise<{ scheduleId: string; angelegt: boolean }> {
  const aktiv = env.TERMINE_SYNC === '1';
  const options = {
    scheduleId: TERMIN_SYNC_SCHEDULE_ID,
    spec: { calendars: [{ hour: 6, minute: 15 }], timezone: 'Europe/Berlin' },
    action: { type: 'startWorkflow' as const, workflowType: TERMIN_SYNC_WORKFLOW, workflowId: TERMIN_SYNC_WORKFLOW_ID, taskQueue: cfg.temporal.taskQueue, args: [{ tage: 3 }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
    state: { paused: !aktiv, note: aktiv ? 'Terminsystem-Abgleich aktiv (TERMINE_SYNC=1)' : 'Nur für Standorte mit dem Terminsystem des Landratsamts: TERMINE_SYNC=1 setzen oder hier fortsetzen.' },
  } satisfies ScheduleOptions;
  return upsertSchedule(client, options);
}
