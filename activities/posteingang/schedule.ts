/**
 * The weekly retraining of the recognition model as a Temporal schedule, created or updated
 * idempotently at every worker start: Sunday 04:00 Europe/Berlin (outside 02:00–03:00, DST),
 * overlapping runs skipped, a run missed while the engine was down caught up within a day.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { KLASSIFIKATOR_TRAINING_SCHEDULE_ID, KLASSIFIKATOR_TRAINING_WORKFLOW } from '../../domain/posteingang';
import type { Config } from '../../platform/config';
import { upsertSchedule } from '../../platform/schedules';

export async function ensureKlassifikatorTrainingSchedule(client: Client, cfg: Config, scheduleId = KLASSIFIKATOR_TRAINING_SCHEDULE_ID): Promise<{ scheduleId: string; angelegt: boolean }> {
  const options = {
    scheduleId,
    spec: { calendars: [{ dayOfWeek: 'SUNDAY' as const, hour: 4, minute: 0 }], timezone: 'Europe/Berlin' },
    action: {
      type: 'startWorkflow' as const,
      workflowType: KLASSIFIKATOR_TRAINING_WORKFLOW,
      workflowId: 'klassifikator-training',
      taskQueue: cfg.temporal.taskQueue,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  } satisfies ScheduleOptions;
  return upsertSchedule(client, options);
}
