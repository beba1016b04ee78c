/**
 * The engine's recurring jobs as Temporal schedules, created or updated idempotently at every
 * worker start: the daily Weiterbewilligung sync, the Zentraldruck cut-off, the Bescheid intake,
 * the classifier retraining, retention and the daily health report (catalogue: domain/zeitplaene.ts).
 * A schedule created for the first time is triggered once, so a new installation (and the demo)
 * has its Bewilligungszeiträume synced at once instead of at the next 05:30.
 */
import type { Client } from '@temporalio/client';
import { ensureBescheidSchedule, ensureZentraldruckSchedule } from '../activities/druck/schedule';
import { ensureWeiterbewilligungSchedule } from '../activities/weiterbewilligung/schedule';
import { ensureTerminSyncSchedule } from '../activities/termine/schedule';
import { ensureKlassifikatorTrainingSchedule } from '../activities/posteingang/schedule';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { AUFBEWAHRUNG_SCHEDULE_ID, BETRIEBSBERICHT_SCHEDULE_ID, katalogEintrag, parseTakt } from '../domain/zeitplaene';
import { katalogOptionen, upsertSchedule } from '../platform/schedules';

/** A catalogue schedule with its default Takt (an admin's changed Takt is kept by upsertSchedule). */
async function ensureKatalogSchedule(client: Client, cfg: Config, id: string): Promise<{ scheduleId: string; angelegt: boolean }> {
  const e = katalogEintrag(id)!;
  return upsertSchedule(client, katalogOptionen(e, cfg, parseTakt(e.standardTakt)));
}

export async function ensureEngineSchedules(client: Client, cfg: Config, log: Logger): Promise<string[]> {
  const results = [
    { ...(await ensureWeiterbewilligungSchedule(client, cfg)), initial: true },
    { ...(await ensureZentraldruckSchedule(client, cfg)), initial: false },
    { ...(await ensureBescheidSchedule(client, cfg)), initial: false },
    { ...(await ensureTerminSyncSchedule(client, cfg)), initial: false },
    { ...(await ensureKlassifikatorTrainingSchedule(client, cfg)), initial: false },
    { ...(await ensureKatalogSchedule(client, cfg, AUFBEWAHRUNG_SCHEDULE_ID)), initial: false },
    { ...(await ensureKatalogSchedule(client, cfg, BETRIEBSBERICHT_SCHEDULE_ID)), initial: false },
  ];
  for (const r of results) {
    if (r.angelegt && r.initial) {
      await client.schedule.getHandle(r.scheduleId).trigger();
      log.info({ scheduleId: r.scheduleId }, 'schedule created and triggered once');
    }
  }
  return results.map((r) => r.scheduleId);
}
