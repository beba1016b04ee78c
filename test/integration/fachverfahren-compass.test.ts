/**
 * The comp.ASS robot adapter against the comp.ASS simulator: real headless Chromium, real
 * Redis (BullMQ robot pool), the shared Fachverfahren contract, and the robot's own cases:
 * expired login, changed layout, HTTP 500, unknown household, and a robot process killed
 * mid-job whose job another robot finishes — with the Wiedervorlage recorded once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Job } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { createLogger } from '../../platform/logger';
import { AesGcmCodec, parseKeyRing } from '../../platform/codec';
import { BusinessError, TechnicalError } from '../../connectors/errors';
import { createCompassFachverfahren } from '../../connectors/fachverfahren/compass/adapter';
import { loadCompassConfig, type CompassConfig } from '../../connectors/fachverfahren/compass/config';
import { compassRobot } from '../../connectors/fachverfahren/compass/robot';
import { startCompassSimulator, type RunningCompassSim } from '../../connectors/fachverfahren/compass/simulator';
import { generiereLandkreis } from '../../connectors/fachverfahren/landkreis/generator';
import { FachverfahrenStore } from '../../connectors/fachverfahren/landkreis/store';
import type { Fachverfahren } from '../../connectors/fachverfahren/port';
import { openRobotQueue, robotJobId, runRobotJob, type RobotQueue } from '../../connectors/robot-pool/client';
import { codecSealer } from '../../connectors/robot-pool/sealing';
import { BrowserProvider, RobotWorker } from '../../connectors/robot-pool/worker';
import { TEST_CODEC_KEYS, testConfig, testStack, uniqueName } from '../helpers/env';
import { eventually } from '../helpers/engine';
import { fachverfahrenContract } from '../contract/fachverfahren.contract';
import { createFachverfahren } from '../../connectors/fachverfahren';

const codec = new AesGcmCodec(parseKeyRing(TEST_CODEC_KEYS));
const PASSWORD = 'compass-test-kennwort';
const robotEnv = (url: string): Record<string, string> => ({
  COMPASS_URL: url, COMPASS_PASSWORD: PASSWORD, ROBOT_SESSIONS: '2', ROBOT_RATE_PER_MIN: '100000', ROBOT_ATTEMPTS: '3',
  ROBOT_BACKOFF_MS: '150', ROBOT_ACTION_TIMEOUT_MS: '5000', ROBOT_JOB_TIMEOUT_MS: '30000',
});

interface Env {
  sim: RunningCompassSim;
  store: FachverfahrenStore;
  fv: Fachverfahren;
  cc: CompassConfig;
  robot: RobotWorker;
  browser: BrowserProvider;
  q: RobotQueue;
  prefix: string;
  dataDir: string;
  teardown(): Promise<void>;
}

async function setup(): Promise<Env> {
  const stack = testStack();
  const cfg = testConfig();
  const store = new FachverfahrenStore(generiereLandkreis({ seed: 4242, haushalte: 150, stichtag: '2026-03-02' }));
  const sim = await startCompassSimulator({ port: 0, store, faults: { delayMs: [0, 0] }, env: { COMPASS_PASSWORD: PASSWORD }, berichtZeilen: 40 });
  const cc = loadCompassConfig(robotEnv(sim.url));
  const prefix = uniqueName('bull');
  const browser = new BrowserProvider(stack.chromiumPath);
  const robot = new RobotWorker({
    def: compassRobot(cc), redisUrl: stack.redisUrl, target: cc.robot, process: { lockMs: 5000, stalledIntervalMs: 2000, maxStalled: 2 },
    dataDir: cfg.dataDir, browser, log: createLogger('test-robot', 'silent'), prefix, sealer: undefined,
  });
  await robot.start();
  const fv = await createCompassFachverfahren(cc, { redisUrl: stack.redisUrl, queuePrefix: prefix });
  const q = await openRobotQueue('compass', { redisUrl: stack.redisUrl, prefix, attempts: cc.robot.attempts, backoffMs: cc.robot.backoffMs });
  return {
    sim, store, fv, cc, robot, browser, q, prefix, dataDir: cfg.dataDir,
    async teardown() {
      await fv.close();
      await q.close();
      await robot.close();
      await browser.close();
      await sim.stop();
    },
  };
}

let shared: Promise<Env> | undefined;
const sharedEnv = () => (shared ??= setup());

fachverfahrenContract('comp.ASS-Roboter gegen Web-Simulator', async () => {
  const e = await sharedEnv();
  // Chosen by configuration alone, through the connector's factory.
  const fv = await createFachverfahren({ FACHVERFAHREN_ADAPTER: 'compass', ...robotEnv(e.sim.url) }, { redisUrl: testStack().redisUrl, queuePrefix: e.prefix });
  expect(fv.adapter).toBe('compass-robot');
  return { fv, store: e.store, teardown: () => fv.close() };
});

describe('comp.ASS robot specifics', () => {
  let e: Env;
  beforeAll(async () => {
    e = await sharedEnv();
  });
  afterAll(async () => {
    await e?.teardown();
  });

  const einHaushalt = () => e.store.alleHaushalte().find((h) => !h.aufgeloest && h.bewilligungszeitraeume.length > 0)!;

  test('reads a household exactly as the Fachverfahren holds it', async () => {
    const h = einHaushalt();
    await expect(e.fv.findeHaushalt({ bgNummer: h.bgNummer })).resolves.toEqual(h);
  });

  test('an expired login: the robot logs in again and succeeds', async () => {
    const h = e.store.alleHaushalte()[3]!;
    await e.fv.findeHaushalt({ bgNummer: h.bgNummer });
    const logins = e.sim.web.sessions.logins;
    e.sim.web.sessions.expireAll();
    await expect(e.fv.findeHaushalt({ bgNummer: h.bgNummer })).resolves.toEqual(h);
    expect(e.sim.web.sessions.logins).toBe(logins + 1);
  });

  test('HTTP 500 is retried, then the job succeeds', async () => {
    const h = e.store.alleHaushalte()[5]!;
    const jobId = uniqueName('test-500');
    const before = e.sim.web.stats.http500;
    e.sim.faults.fail500Next = 1;
    const got = await runRobotJob(e.q, 'findeHaushalt', { suche: { bgNummer: h.bgNummer } }, { jobId });
    expect(got).toEqual(h);
    expect(e.sim.web.stats.http500).toBe(before + 1);
    const job = await Job.fromId(e.q.queue, jobId);
    expect(job?.attemptsStarted).toBe(2);
  });

  test('a changed layout (selector gone): TechnicalError SELEKTOR_FEHLT after all attempts, screenshot and HTML stored', async () => {
    const h = e.store.alleHaushalte()[7]!;
    e.sim.faults.changedLayout = true;
    let err: unknown;
    try {
      err = await e.fv.findeHaushalt({ bgNummer: h.bgNummer }).then(() => undefined, (x: unknown) => x);
    } finally {
      e.sim.faults.changedLayout = false;
    }
    expect(err).toBeInstanceOf(TechnicalError);
    expect((err as TechnicalError).code).toBe('SELEKTOR_FEHLT');
    expect((err as Error).message).not.toContain(h.bgNummer);
    const artefakte = (err as { artefakte?: string }).artefakte!;
    expect(path.dirname(path.dirname(artefakte))).toBe(path.join(e.dataDir, 'robots', 'failures'));
    expect(fs.readFileSync(`${artefakte}.png`).subarray(1, 4).toString()).toBe('PNG');
    expect(fs.readFileSync(`${artefakte}.html`, 'utf8')).toContain('id="bgnr-eingabe"');
    expect(fs.statSync(`${artefakte}.html`).mode & 0o077).toBe(0);
    const job = await Job.fromId(e.q.queue, path.basename(path.dirname(artefakte)));
    expect(job?.attemptsMade).toBe(e.cc.robot.attempts);
  });

  test('an unknown household: BusinessError, not retried (one attempt)', async () => {
    const referenz = uniqueName('wv-unbekannt');
    const err = await e.fv
      .erstelleWiedervorlage({ referenz, bgNummer: '96201BG9999999', betreff: 'Prüfung', faelligAm: '2026-04-01', prioritaet: 'normal' })
      .then(() => undefined, (x: unknown) => x);
    expect(err).toBeInstanceOf(BusinessError);
    expect((err as BusinessError).code).toBe('HAUSHALT_NICHT_GEFUNDEN');
    const job = await Job.fromId(e.q.queue, robotJobId('erstelleWiedervorlage', referenz));
    expect(job?.attemptsMade).toBe(1);
    expect(job?.attemptsStarted).toBe(1);
    await expect(e.fv.findeHaushalt({ bgNummer: '96201BG9999999' })).resolves.toBeNull();
  });

  test('job data and results are sealed in Redis when the engine codec is configured', async () => {
    const h = einHaushalt();
    const prefix = `${e.prefix}-sealed`;
    const redisUrl = testStack().redisUrl;
    const sealedRobot = new RobotWorker({
      def: compassRobot(e.cc), redisUrl, target: { ...e.cc.robot, sessions: 1 }, process: { lockMs: 5000, stalledIntervalMs: 2000, maxStalled: 1 },
      dataDir: e.dataDir, browser: e.browser, log: createLogger('test-robot', 'silent'), prefix, sealer: codecSealer(codec),
    });
    await sealedRobot.start();
    const sealedQ = await openRobotQueue('compass', { redisUrl, prefix, codec, attempts: 1, backoffMs: 100 });
    const redis = new IORedis(redisUrl);
    try {
      const jobId = uniqueName('sealed');
      await expect(runRobotJob(sealedQ, 'findeHaushalt', { suche: { bgNummer: h.bgNummer } }, { jobId })).resolves.toEqual(h);
      const raw = JSON.stringify(await redis.hgetall(`${prefix}:robots-compass:${jobId}`));
      expect(raw).toContain('returnvalue');
      expect(raw).toContain('__versiegelt');
      expect(raw).not.toContain(h.bgNummer);
      expect(raw).not.toContain(h.personen[0]!.nachname);
    } finally {
      redis.disconnect();
      await sealedQ.close();
      await sealedRobot.close();
    }
  });

  test('a robot process killed mid-job: another robot takes the job, the Wiedervorlage exists once', async () => {
    const stack = testStack();
    const prefix = `${e.prefix}-kill`;
    const hook = path.join(e.dataDir, 'swc-register.js');
    fs.writeFileSync(hook, SWC_REGISTER);
    const h = einHaushalt();
    const referenz = uniqueName('wv-kill');
    const childEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME,
      ...robotEnv(e.sim.url), ROBOT_SESSIONS: '1', ROBOT_SYSTEMS: 'compass', ROBOT_QUEUE_PREFIX: prefix,
      ROBOT_LOCK_MS: '2000', ROBOT_STALLED_INTERVAL_MS: '1000', AKTENLAUF_DATA_DIR: e.dataDir, AKTENLAUF_LOG_LEVEL: 'warn',
      REDIS_URL: stack.redisUrl, CHROMIUM_PATH: stack.chromiumPath, AKTENLAUF_CODEC_KEYS: TEST_CODEC_KEYS,
    };
    const child: ChildProcess = fork(path.resolve(__dirname, '../../connectors/robot-pool/main.ts'), [], { execArgv: ['-r', hook], env: childEnv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let taker: RobotWorker | undefined;
    const fv = await createCompassFachverfahren(loadCompassConfig(robotEnv(e.sim.url)), { redisUrl: stack.redisUrl, queuePrefix: prefix, codec });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('message', (m: { type?: string }) => (m?.type === 'ready' ? resolve() : reject(new Error('unexpected message'))));
        child.once('exit', (code) => reject(new Error(`robot process exited (${code}): ${stderr}`)));
      });
      // The Fachverfahren stores the Wiedervorlage, then holds its answer: the robot is killed before it sees it.
      e.sim.faults.holdAfterWriteMs = 60000;
      const auftrag = { referenz, bgNummer: h.bgNummer, betreff: 'Weiterbewilligung prüfen', faelligAm: '2026-04-15', prioritaet: 'hoch' as const };
      const result = fv.erstelleWiedervorlage(auftrag);
      result.catch(() => undefined);
      await eventually(async () => e.store.wiedervorlagen(h.bgNummer).some((w) => w.referenz === referenz), 'Wiedervorlage stored by the first robot', 30000);
      child.kill('SIGKILL');
      await exited;
      e.sim.faults.holdAfterWriteMs = 0;

      taker = new RobotWorker({
        def: compassRobot(e.cc), redisUrl: stack.redisUrl, target: { ...e.cc.robot, sessions: 1 }, process: { lockMs: 2000, stalledIntervalMs: 1000, maxStalled: 2 },
        dataDir: e.dataDir, browser: e.browser, log: createLogger('test-robot', 'silent'), prefix, sealer: codecSealer(codec),
      });
      await taker.start();
      const { wiedervorlageId } = await result;
      const stored = e.store.wiedervorlagen(h.bgNummer).filter((w) => w.referenz === referenz);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ wiedervorlageId, betreff: auftrag.betreff, faelligAm: auftrag.faelligAm, prioritaet: 'hoch' });
      const q = await openRobotQueue('compass', { redisUrl: stack.redisUrl, prefix, attempts: 1, backoffMs: 100 });
      try {
        const job = await Job.fromId(q.queue, robotJobId('erstelleWiedervorlage', referenz));
        expect(job?.stalledCounter).toBe(1);
        expect(job?.attemptsStarted).toBe(2);
      } finally {
        await q.close();
      }
    } finally {
      e.sim.faults.holdAfterWriteMs = 0;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await fv.close();
      await taker?.close();
    }
  });
});

/** Lets a child Node process run the TypeScript sources (as Jest does, through SWC). */
const SWC_REGISTER = `
const fs = require('node:fs');
const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
require.extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, sourceMaps: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
`;
