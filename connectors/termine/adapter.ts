/**
 * Robot adapter of the Terminsystem port: every call is a job `listeBuchungen` on queue
 * `robots-termine`; a robot of the pool reads the admin UI's day view.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { Check } from '../../scripts/stack/doctor';
import { jobCaller, openRobotQueue, robotQueueHealth, runRobotJob, webHealth, type RobotQueue } from '../robot-pool/client';
import type { TermineConfig } from './config';
import type { Buchung, Tag, Terminsystem } from './port';
import { TERMINE_SYSTEM, type ListeBuchungenJob } from './robot';

export interface TermineDeps {
  redisUrl: string;
  codec?: PayloadCodec;
  /** BullMQ key prefix (tests). */
  queuePrefix?: string;
}

const TAG = /^\d{4}-\d{2}-\d{2}$/;

export async function createTerminRobotAdapter(cfg: TermineConfig, deps: TermineDeps): Promise<Terminsystem> {
  const q: RobotQueue = await openRobotQueue(TERMINE_SYSTEM, { redisUrl: deps.redisUrl, codec: deps.codec, prefix: deps.queuePrefix, attempts: cfg.robot.attempts, backoffMs: cfg.robot.backoffMs });
  return {
    adapter: 'robot',
    async listeBuchungen(tag: Tag, standort?: string): Promise<Buchung[]> {
      if (!TAG.test(tag)) throw new RangeError(`Tag im Format JJJJ-MM-TT erwartet`);
      const job: ListeBuchungenJob = { tag, ...(standort ? { standort } : {}) };
      return runRobotJob<Buchung[]>(q, 'listeBuchungen', job, { ...jobCaller('listeBuchungen'), timeoutMs: cfg.robot.jobTimeoutMs * (cfg.robot.attempts + 1) + 60000 });
    },
    async health(): Promise<Check> {
      const [robots, web] = await Promise.all([robotQueueHealth(q, 'Terminsystem'), webHealth(cfg.url)]);
      const ok = robots.ok && web.ok;
      return {
        id: 'termine', label: 'Terminsystem (Roboter)', required: false, ok,
        detail: `${web.detail}; ${robots.detail}`,
        ...(ok ? {} : { fix: web.ok ? robots.fix : `TERMINE_URL prüfen (${cfg.url}) bzw. Simulatoren starten.` }),
      };
    },
    async close() {
      await q.close();
    },
  };
}

/** Factory: the adapter chosen by configuration (today only the robot; the port stays when a site has an API). */
export async function createTerminsystem(cfg: TermineConfig, deps: TermineDeps): Promise<Terminsystem> {
  switch (cfg.adapter) {
    case 'robot':
      return createTerminRobotAdapter(cfg, deps);
  }
}
