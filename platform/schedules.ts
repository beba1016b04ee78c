/**
 * Create-or-update of a Temporal schedule: the engine's schedules are declared in code and
 * brought to that state at every start, idempotently (a second start updates, never duplicates).
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

export async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<{ scheduleId: string; angelegt: boolean }> {
  try {
    await client.schedule.create(options);
    return { scheduleId: options.scheduleId, angelegt: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule
    .getHandle(options.scheduleId)
    .update((vorher) => ({ ...vorher, spec: options.spec, action: options.action, policies: { ...vorher.policies, ...options.policies } }));
  return { scheduleId: options.scheduleId, angelegt: false };
}
