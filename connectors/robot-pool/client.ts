/**
 * The engine's side of the robot pool: a Temporal activity (or any caller) hands a job to
 * the pool and waits until the job is finished, heartbeating meanwhile. Business state stays
 * in Temporal; the queue is machine state.
 *
 * The job id is deterministic (from the activity's workflowId + activityId, or from the
 * Auftrag's Referenz), so a retried activity finds its job again instead of adding a second:
 * a running job is waited for, a completed job's result is returned, a failed job is retried.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { PayloadCodec } from '@temporalio/common';
import type { Check } from '../../scripts/stack/doctor';
import { TechnicalError, type BusinessError } from '../errors';
import { failureToError } from './failure';
import { codecSealer, plainSealer, type JobSealer } from './sealing';
import { robotQueueName } from './worker';

export interface RobotQueue {
  readonly system: string;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly sealer: JobSealer;
  readonly attempts: number;
  readonly backoffMs: number;
  close(): Promise<void>;
}

export interface OpenRobotQueueOptions {
  redisUrl: string;
  /** The engine's payload codec: job data and results are sealed in Redis. */
  codec?: PayloadCodec;
  attempts: number;
  backoffMs: number;
  /** BullMQ key prefix (default 'bull'); tests use their own. */
  prefix?: string;
}

export async function openRobotQueue(system: string, o: OpenRobotQueueOptions): Promise<RobotQueue> {
  const connection = { url: o.redisUrl, maxRetriesPerRequest: null };
  const name = robotQueueName(system);
  const prefix = o.prefix ?? 'bull';
  const queue = new Queue(name, { connection, prefix });
  queue.setMaxListeners(0);
  const events = new QueueEvents(name, { connection, prefix });
  events.setMaxListeners(0);
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  } catch (err) {
    await Promise.allSettled([queue.close(), events.close()]);
    throw new TechnicalError('REDIS_NICHT_ERREICHBAR', 'Die Warteschlange der Roboter (Redis) ist nicht erreichbar.', { cause: err });
  }
  return {
    system,
    queue,
    events,
    sealer: o.codec ? codecSealer(o.codec) : plainSealer,
    attempts: o.attempts,
    backoffMs: o.backoffMs,
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

/** A BullMQ-safe, opaque job id from parts (no ':' and no personal data, whatever the parts are). */
export function robotJobId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

/** Job id for a call made inside a Temporal activity: workflowId + activityId (+ name, call no.). */
export function jobIdFromActivity(info: { workflowExecution?: { workflowId: string }; activityId: string }, name: string, call = 0): string {
  return robotJobId(name, info.workflowExecution?.workflowId ?? '', info.activityId, String(call));
}

export function randomJobId(name: string): string {
  return `${name}-${randomUUID()}`;
}

const callsPerActivity = new WeakMap<object, number>();

/**
 * Job id, heartbeat and cancellation for a port call. Inside a Temporal activity: the job id
 * comes from workflowId + activityId (+ job name and the call's number within the attempt),
 * so a retried activity finds the same job; the wait heartbeats and honours cancellation.
 * Writes pass `idempotencyKey` (the Auftrag's Referenz): their job id comes from it, inside
 * or outside an activity. Outside an activity, reads get a random id.
 */
export function jobCaller(name: string, idempotencyKey?: string): RunRobotJobOptions {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    ctx = undefined;
  }
  const fromKey = idempotencyKey !== undefined ? robotJobId(name, idempotencyKey) : undefined;
  if (!ctx) return { jobId: fromKey ?? randomJobId(name) };
  const n = callsPerActivity.get(ctx) ?? 0;
  callsPerActivity.set(ctx, n + 1);
  const c = ctx;
  return { jobId: fromKey ?? jobIdFromActivity(c.info, name, n), heartbeat: () => c.heartbeat(), signal: c.cancellationSignal };
}

export interface RunRobotJobOptions {
  jobId: string;
  heartbeat?: () => void;
  signal?: AbortSignal;
  heartbeatMs?: number;
  /** Upper bound of the wait (default 10 min); the job itself may still finish later. */
  timeoutMs?: number;
  /** How long a completed job (with its sealed result) stays for a retried caller; default 1 day. */
  keepCompletedSec?: number;
}

/**
 * Adds the job (deduplicated by jobId) and resolves with its result when a robot finished it.
 * Rejects with the BusinessError/TechnicalError of a failed job (after BullMQ's retries).
 */
export async function runRobotJob<T>(q: RobotQueue, name: string, data: unknown, o: RunRobotJobOptions): Promise<T> {
  if (o.signal?.aborted) throw o.signal.reason ?? new TechnicalError('ABGEBROCHEN', 'Abgebrochen.');
  let job: Job | undefined;
  try {
    job = await Job.fromId(q.queue, o.jobId);
    if (job) {
      if ((await job.getState()) === 'failed') {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
    } else {
      job = await q.queue.add(name, await q.sealer.seal(data), {
        jobId: o.jobId,
        attempts: q.attempts,
        backoff: { type: 'exponential', delay: q.backoffMs },
        removeOnComplete: { age: o.keepCompletedSec ?? 24 * 3600, count: 50000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
    }
  } catch (err) {
    throw new TechnicalError('REDIS_NICHT_ERREICHBAR', 'Der Roboterauftrag konnte nicht in die Warteschlange gestellt werden.', { cause: err });
  }

  const timer = o.heartbeat ? setInterval(() => o.heartbeat?.(), o.heartbeatMs ?? 5000) : undefined;
  try {
    o.heartbeat?.();
    let rv: unknown;
    try {
      rv = await waitForJob(q, job, o.timeoutMs ?? 600000, o.signal);
    } catch (err) {
      if (o.signal?.aborted) {
        // Nobody waits any more: a job not yet started is withdrawn; a running one finishes.
        if (['waiting', 'delayed', 'prioritized'].includes(await job.getState().catch(() => 'unknown'))) await job.remove().catch(() => undefined);
        throw err;
      }
      throw err instanceof WaitTimeout ? new TechnicalError('ZEITUEBERSCHREITUNG', 'Der Roboterauftrag wurde nicht rechtzeitig fertig.') : failureToError((err as Error).message);
    }
    try {
      return (await q.sealer.open(rv)) as T;
    } catch (err) {
      throw new TechnicalError('SCHLUESSEL_FEHLT', 'Das Ergebnis des Roboters lässt sich nicht entschlüsseln (AKTENLAUF_CODEC_KEYS von Engine und Roboter-Pool vergleichen).', { cause: err });
    }
  } finally {
    if (timer) clearInterval(timer);
  }
}

class WaitTimeout extends Error {}

/**
 * Resolves with the job's return value when it completes, rejects with its failedReason when it
 * failed for good (after all attempts). Listens on QueueEvents first, then looks at the job's
 * state, so a job finished meanwhile is not missed. Leaves no listener or timer behind.
 */
function waitForJob(q: RobotQueue, job: Job, ttlMs: number, signal?: AbortSignal): Promise<unknown> {
  const id = job.id!;
  const events = q.events as unknown as NodeJS.EventEmitter;
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      events.off(`completed:${id}`, onCompleted);
      events.off(`failed:${id}`, onFailed);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onCompleted = (args: { returnvalue: unknown }) => finish(() => resolve(args.returnvalue));
    const onFailed = (args: { failedReason: string }) => finish(() => reject(new Error(args.failedReason)));
    const onAbort = () => finish(() => reject(signal?.reason ?? new TechnicalError('ABGEBROCHEN', 'Abgebrochen.')));
    const timer = setTimeout(() => finish(() => reject(new WaitTimeout())), ttlMs);
    events.on(`completed:${id}`, onCompleted);
    events.on(`failed:${id}`, onFailed);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    void (async () => {
      try {
        await q.events.waitUntilReady();
        const current = await Job.fromId(q.queue, id);
        const state = current ? await current.getState() : 'unknown';
        if (state === 'completed') finish(() => resolve(current!.returnvalue));
        else if (state === 'failed') finish(() => reject(new Error(current!.failedReason)));
        else if (!current) finish(() => reject(new Error('TechnicalError[AUFTRAG_VERSCHWUNDEN]: Der Roboterauftrag ist nicht mehr in der Warteschlange.')));
      } catch (err) {
        finish(() => reject(err instanceof Error ? err : new Error(String(err))));
      }
    })();
  });
}

export type RobotJobError = BusinessError | TechnicalError;

/** Health of a robot queue: Redis answers and at least one robot is online. */
export async function robotQueueHealth(q: RobotQueue, label: string): Promise<Check> {
  const id = `robots-${q.system}`;
  try {
    const [workers, counts, sessions] = await Promise.all([q.queue.getWorkersCount(), q.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), q.queue.getGlobalConcurrency()]);
    const detail = `${workers} Roboter online, Sitzungen ${sessions ?? 'unbegrenzt'}, wartend ${counts.waiting ?? 0}, aktiv ${counts.active ?? 0}, verzögert ${counts.delayed ?? 0}, fehlgeschlagen ${counts.failed ?? 0}`;
    if (workers === 0) return { id, label: `Roboter ${label}`, ok: false, required: false, detail, fix: 'Roboter-Pool starten (node dist/connectors/robot-pool/main.js, Teil von `aktenlauf up`).' };
    return { id, label: `Roboter ${label}`, ok: true, required: false, detail };
  } catch (err) {
    return { id, label: `Roboter ${label}`, ok: false, required: false, detail: `Redis: ${(err as Error).message}`, fix: 'Redis prüfen (aktenlauf doctor).' };
  }
}

/** The target's login page answers (no login: health must not use a licence session). */
export async function webHealth(url: string, timeoutMs = 3000): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok ? { ok: true, detail: `Oberfläche antwortet (HTTP ${res.status})` } : { ok: false, detail: `Oberfläche antwortet mit HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, detail: `Oberfläche nicht erreichbar (${(err as Error).name})` };
  }
}
