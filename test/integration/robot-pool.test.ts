/**
 * The robot pool as a Temporal activity uses it: the activity hands a job to the pool and
 * completes when the job does, heartbeating; a retried activity (same workflowId + activityId)
 * finds its job again instead of running the robot twice; a job that failed technically runs
 * again on the next attempt; cancellation withdraws a waiting job. Real Redis, real Chromium,
 * the Terminsystem simulator as a light target.
 */
import { Job } from 'bullmq';
import { MockActivityEnvironment, defaultActivityInfo } from '@temporalio/testing';
import { createLogger } from '../../platform/logger';
import { TechnicalError } from '../../connectors/errors';
import { jobCaller, jobIdFromActivity, openRobotQueue, runRobotJob, type RobotQueue } from '../../connectors/robot-pool/client';
import { RobotWorker } from '../../connectors/robot-pool/worker';
import { loadTermineConfig } from '../../connectors/termine/config';
import type { Buchung } from '../../connectors/termine/port';
import { termineRobot } from '../../connectors/termine/robot';
import { startTermineSimulator, type RunningTermineSim } from '../../connectors/termine/simulator';
import { testConfig, testStack, uniqueName } from '../helpers/env';

const env = { TERMINE_PASSWORD: 'pool-test', TERMINE_ROBOT_SESSIONS: '2', TERMINE_ROBOT_ATTEMPTS: '2', TERMINE_ROBOT_BACKOFF_MS: '100', TERMINE_ROBOT_ACTION_TIMEOUT_MS: '5000', TERMINE_ROBOT_JOB_TIMEOUT_MS: '20000' };
const TAG = '2026-05-12';

describe('robot pool behind a Temporal activity', () => {
  let sim: RunningTermineSim;
  let robot: RobotWorker;
  let q: RobotQueue;
  let prefix: string;

  beforeAll(async () => {
    const stack = testStack();
    sim = await startTermineSimulator({ port: 0, seed: 99, heute: () => '2026-05-11', faults: { delayMs: [0, 0] }, env });
    const tc = loadTermineConfig({ ...env, TERMINE_URL: sim.url });
    prefix = uniqueName('bull');
    robot = new RobotWorker({
      def: termineRobot(tc), redisUrl: stack.redisUrl, target: tc.robot, process: { lockMs: 5000, stalledIntervalMs: 2000, maxStalled: 1 },
      dataDir: testConfig().dataDir, chromiumPath: stack.chromiumPath, log: createLogger('test-robot', 'silent'), prefix,
    });
    await robot.start();
    q = await openRobotQueue('termine', { redisUrl: stack.redisUrl, prefix, attempts: tc.robot.attempts, backoffMs: tc.robot.backoffMs });
  });
  afterAll(async () => {
    await q?.close();
    await robot?.close();
    await sim?.stop();
  });

  const activity = (tag: string) => () => runRobotJob<Buchung[]>(q, 'listeBuchungen', { tag }, { ...jobCaller('listeBuchungen'), heartbeatMs: 20 });
  const activityEnv = (workflowId: string) => new MockActivityEnvironment({ ...defaultActivityInfo, workflowExecution: { workflowId, runId: 'r1' }, activityId: '3' });

  test('the licence is the queue’s global concurrency', async () => {
    expect(await q.queue.getGlobalConcurrency()).toBe(2);
  });

  test('the activity completes with the job, heartbeating; a retried activity reuses the job', async () => {
    const workflowId = uniqueName('wf');
    const first = activityEnv(workflowId);
    let heartbeats = 0;
    first.on('heartbeat', () => (heartbeats += 1));
    sim.faults.delayMs = [150, 150];
    let got: Buchung[];
    try {
      got = await first.run(activity(TAG));
    } finally {
      sim.faults.delayMs = [0, 0];
    }
    expect(got).toEqual(sim.daten.buchungen(TAG));
    expect(heartbeats).toBeGreaterThan(1);

    // Same workflowId + activityId (a retry after the worker died): no second robot run.
    const requests = sim.web.stats.requests;
    await expect(activityEnv(workflowId).run(activity(TAG))).resolves.toEqual(got);
    expect(sim.web.stats.requests).toBe(requests);
  });

  test('a job that failed technically runs again when the activity is retried', async () => {
    const workflowId = uniqueName('wf');
    sim.faults.changedLayout = true;
    let err: unknown;
    try {
      err = await activityEnv(workflowId).run(activity(TAG)).then(() => undefined, (x: unknown) => x);
    } finally {
      sim.faults.changedLayout = false;
    }
    expect(err).toBeInstanceOf(TechnicalError);
    const jobId = jobIdFromActivity({ workflowExecution: { workflowId }, activityId: '3' }, 'listeBuchungen');
    expect(await (await Job.fromId(q.queue, jobId))!.getState()).toBe('failed');
    await expect(activityEnv(workflowId).run(activity(TAG))).resolves.toEqual(sim.daten.buchungen(TAG));
    expect(await (await Job.fromId(q.queue, jobId))!.getState()).toBe('completed');
  });

  test('cancelling the activity withdraws a job that has not started', async () => {
    const stack = testStack();
    // A queue without robots: the job waits until the activity is cancelled.
    const idle = await openRobotQueue('termine', { redisUrl: stack.redisUrl, prefix: `${prefix}-ohne-roboter`, attempts: 1, backoffMs: 100 });
    try {
      const ae = new MockActivityEnvironment({ ...defaultActivityInfo, workflowExecution: { workflowId: uniqueName('wf'), runId: 'r1' }, activityId: '1' });
      let jobId = '';
      const running = ae.run(async () => {
        const o = jobCaller('listeBuchungen');
        jobId = o.jobId;
        return runRobotJob(idle, 'listeBuchungen', { tag: TAG }, o);
      });
      const outcome = running.then(() => 'erledigt', () => 'abgebrochen');
      for (let i = 0; i < 50 && !(jobId && (await Job.fromId(idle.queue, jobId))); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await Job.fromId(idle.queue, jobId)).toBeDefined();
      ae.cancel();
      expect(await outcome).toBe('abgebrochen');
      expect(await Job.fromId(idle.queue, jobId)).toBeUndefined();
    } finally {
      await idle.close();
    }
  });
});
