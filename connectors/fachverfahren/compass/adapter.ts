/**
 * comp.ASS adapter of the Fachverfahren port: every port call becomes a job on queue
 * `robots-compass`; a robot of the pool (connectors/robot-pool) runs the page script of
 * robot.ts in a warm, logged-in browser session and the call completes when the job does.
 * Writes get their job id from the Referenz, reads from the calling activity (or a random id),
 * so a retried activity reuses its job.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { Check } from '../../../scripts/stack/doctor';
import { jobCaller, openRobotQueue, robotQueueHealth, runRobotJob, webHealth, type RobotQueue } from '../../robot-pool/client';
import type {
  AntragseingangAuftrag, Bewilligungszeitraum, Fachverfahren, Haushalt, HaushaltsSuche, HaushaltsVorschlag, NeuantragAuftrag, Tag, VorschlagsSuche, WiedervorlageAuftrag,
} from '../port';
import type { CompassConfig } from './config';
import { COMPASS_SYSTEM, type BerichtSeite } from './robot';

export interface CompassDeps {
  redisUrl: string;
  /** The engine's payload codec: job data and results are sealed in Redis. */
  codec?: PayloadCodec;
  /** BullMQ key prefix (tests). */
  queuePrefix?: string;
}

const TAG = /^\d{4}-\d{2}-\d{2}$/;

export async function createCompassFachverfahren(cfg: CompassConfig, deps: CompassDeps): Promise<Fachverfahren> {
  const q: RobotQueue = await openRobotQueue(COMPASS_SYSTEM, { redisUrl: deps.redisUrl, codec: deps.codec, prefix: deps.queuePrefix, attempts: cfg.robot.attempts, backoffMs: cfg.robot.backoffMs });
  // Waiting covers every attempt with its backoff, and time in the queue.
  const waitMs = cfg.robot.jobTimeoutMs * cfg.robot.attempts + cfg.robot.backoffMs * 2 ** cfg.robot.attempts + 10 * 60000;
  const run = <T>(name: string, data: unknown, referenz?: string) => runRobotJob<T>(q, name, data, { ...jobCaller(name, referenz), timeoutMs: waitMs, keepCompletedSec: referenz ? 7 * 24 * 3600 : 24 * 3600 });

  return {
    adapter: 'compass-robot',
    findeHaushalt(suche: HaushaltsSuche): Promise<Haushalt | null> {
      return run('findeHaushalt', { suche });
    },
    schlageHaushalteVor(suche: VorschlagsSuche): Promise<HaushaltsVorschlag[]> {
      return run('schlageHaushalteVor', { suche });
    },
    erstelleWiedervorlage(auftrag: WiedervorlageAuftrag): Promise<{ wiedervorlageId: string }> {
      return run('erstelleWiedervorlage', { auftrag }, auftrag.referenz);
    },
    erfasseAntragseingang(auftrag: AntragseingangAuftrag): Promise<{ eingangId: string }> {
      return run('erfasseAntragseingang', { auftrag }, auftrag.referenz);
    },
    legeNeuantragAn(auftrag: NeuantragAuftrag): Promise<{ bgNummer: string; kundennummer: string }> {
      return run('legeNeuantragAn', { auftrag }, auftrag.referenz);
    },
    async *listeBewilligungszeitraeume(von: Tag, bis: Tag): AsyncIterable<{ bgNummer: string; teamId: string; aufgeloest: boolean; bwz: Bewilligungszeitraum }> {
      if (!TAG.test(von) || !TAG.test(bis)) throw new RangeError('Tage im Format JJJJ-MM-TT erwartet');
      if (von > bis) return;
      for (let seite = 1; ; seite += 1) {
        const r = await run<BerichtSeite>('berichtBwzEnde', { von, bis, seite });
        yield* r.zeilen;
        if (r.seite >= r.seiten) return;
      }
    },
    async health(): Promise<Check> {
      const [robots, web] = await Promise.all([robotQueueHealth(q, 'comp.ASS'), webHealth(cfg.url)]);
      const ok = robots.ok && web.ok;
      return {
        id: 'fachverfahren-compass', label: 'Fachverfahren comp.ASS (Roboter)', required: false, ok,
        detail: `${web.detail}; ${robots.detail}`,
        ...(ok ? {} : { fix: web.ok ? robots.fix : `COMPASS_URL prüfen (${cfg.url}) bzw. Simulatoren starten.` }),
      };
    },
    async close() {
      await q.close();
    },
  };
}
