/**
 * Settings of the robot pool. The per-target licence settings (sessions, rate) are read with
 * a prefix, so every target system has its own: comp.ASS uses `ROBOT_…`, the Terminsystem
 * `TERMINE_ROBOT_…`. The process-wide settings (lock, stall detection) have no prefix.
 * Every variable is documented in connectors/robot-pool/README.md.
 */
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** Licence and retry settings of one target system. */
export interface RobotTargetSettings {
  /** Licensed concurrent sessions = BullMQ global concurrency of the queue. */
  sessions: number;
  /** Actions (jobs) per minute over all robots of the target = BullMQ limiter. */
  ratePerMin: number;
  /** Attempts per job (technical errors are retried with exponential backoff). */
  attempts: number;
  backoffMs: number;
  /** Timeout of one page step (navigation, click, fill). */
  actionTimeoutMs: number;
  /** Upper bound of a whole job (all steps). */
  jobTimeoutMs: number;
}

export function robotTargetSchema(prefix: string, defaults: Partial<RobotTargetSettings> = {}) {
  return z
    .object({
      [`${prefix}SESSIONS`]: positiveInt.max(50).default(defaults.sessions ?? 3),
      [`${prefix}RATE_PER_MIN`]: positiveInt.max(100000).default(defaults.ratePerMin ?? 30),
      [`${prefix}ATTEMPTS`]: positiveInt.max(20).default(defaults.attempts ?? 5),
      [`${prefix}BACKOFF_MS`]: positiveInt.default(defaults.backoffMs ?? 2000),
      [`${prefix}ACTION_TIMEOUT_MS`]: positiveInt.default(defaults.actionTimeoutMs ?? 15000),
      [`${prefix}JOB_TIMEOUT_MS`]: positiveInt.default(defaults.jobTimeoutMs ?? 120000),
    })
    .transform(
      (e): RobotTargetSettings => ({
        sessions: e[`${prefix}SESSIONS`] as number,
        ratePerMin: e[`${prefix}RATE_PER_MIN`] as number,
        attempts: e[`${prefix}ATTEMPTS`] as number,
        backoffMs: e[`${prefix}BACKOFF_MS`] as number,
        actionTimeoutMs: e[`${prefix}ACTION_TIMEOUT_MS`] as number,
        jobTimeoutMs: e[`${prefix}JOB_TIMEOUT_MS`] as number,
      }),
    );
}

/** Process-wide robot settings (crash detection). */
export interface RobotProcessSettings {
  /** BullMQ lock of an active job; renewed every half. A killed robot's job is free after it. */
  lockMs: number;
  /** How often every robot looks for jobs whose robot died (stalled jobs). */
  stalledIntervalMs: number;
  /** How often a job may be taken over after a robot died before it fails. */
  maxStalled: number;
}

export const robotProcessSchema = z
  .object({
    ROBOT_LOCK_MS: positiveInt.min(500).default(30000),
    ROBOT_STALLED_INTERVAL_MS: positiveInt.min(200).default(15000),
    ROBOT_MAX_STALLED: z.coerce.number().int().min(0).max(20).default(2),
  })
  .transform((e): RobotProcessSettings => ({ lockMs: e.ROBOT_LOCK_MS, stalledIntervalMs: e.ROBOT_STALLED_INTERVAL_MS, maxStalled: e.ROBOT_MAX_STALLED }));

export class RobotConfigError extends Error {
  override name = 'RobotConfigError';
}

export function parseEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const r = schema.safeParse(env);
  if (!r.success) throw new RobotConfigError(`Ungültige Roboter-Konfiguration:\n${r.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return r.data;
}

export function loadRobotProcessSettings(env: NodeJS.ProcessEnv = process.env): RobotProcessSettings {
  return parseEnv(robotProcessSchema, env);
}
