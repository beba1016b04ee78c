/**
 * The Terminsystem robot adapter against the simulated admin UI: real headless Chromium,
 * real Redis (BullMQ), the shared Terminsystem contract, plus session expiry and a changed page.
 */
import fs from 'node:fs';
import { createLogger } from '../../platform/logger';
import { TechnicalError } from '../../connectors/errors';
import { createTerminRobotAdapter } from '../../connectors/termine/adapter';
import { loadTermineConfig } from '../../connectors/termine/config';
import { termineRobot } from '../../connectors/termine/robot';
import { STANDORTE, startTermineSimulator, type RunningTermineSim } from '../../connectors/termine/simulator';
import type { Terminsystem } from '../../connectors/termine/port';
import { RobotWorker } from '../../connectors/robot-pool/worker';
import { testConfig, testStack, uniqueName } from '../helpers/env';
import { termineContract } from '../contract/termine.contract';

const HEUTE = '2026-05-11'; // a Monday

interface Env {
  sim: RunningTermineSim;
  port: Terminsystem;
  robot: RobotWorker;
  dataDir: string;
  teardown(): Promise<void>;
}

async function setup(): Promise<Env> {
  const stack = testStack();
  const cfg = testConfig();
  const env = { TERMINE_PASSWORD: 'test-kennwort', TERMINE_ROBOT_ATTEMPTS: '3', TERMINE_ROBOT_BACKOFF_MS: '100', TERMINE_ROBOT_ACTION_TIMEOUT_MS: '5000', TERMINE_ROBOT_JOB_TIMEOUT_MS: '20000' };
  const sim = await startTermineSimulator({ port: 0, seed: 4711, heute: () => HEUTE, faults: { delayMs: [0, 0] }, env });
  const tc = loadTermineConfig({ ...env, TERMINE_URL: sim.url });
  const prefix = uniqueName('bull');
  const robot = new RobotWorker({
    def: termineRobot(tc),
    redisUrl: stack.redisUrl,
    target: tc.robot,
    process: { lockMs: 5000, stalledIntervalMs: 2000, maxStalled: 1 },
    dataDir: cfg.dataDir,
    chromiumPath: stack.chromiumPath,
    log: createLogger('test-robot', 'silent'),
    prefix,
  });
  await robot.start();
  const port = await createTerminRobotAdapter(tc, { redisUrl: stack.redisUrl, queuePrefix: prefix });
  return {
    sim, port, robot, dataDir: cfg.dataDir,
    async teardown() {
      await port.close();
      await robot.close();
      await sim.stop();
    },
  };
}

let shared: Promise<Env> | undefined;
const sharedEnv = () => (shared ??= setup());

termineContract('Roboter gegen Simulator', async () => {
  const e = await sharedEnv();
  return {
    port: e.port,
    truth: { buchungen: (t, s) => e.sim.daten.buchungen(t, s), hinzufuegen: (b) => e.sim.daten.hinzufuegen(b), standorte: STANDORTE.map((s) => s.id) },
    arbeitstag: '2026-05-12',
    freierTag: '2026-05-17',
    teardown: async () => undefined,
  };
});

describe('Terminsystem robot specifics', () => {
  let e: Env;
  beforeAll(async () => {
    e = await sharedEnv();
  });
  afterAll(async () => {
    await e?.teardown();
  });

  test('an expired session: the robot logs in again and reads the day', async () => {
    await e.port.listeBuchungen('2026-05-13');
    const logins = e.sim.web.sessions.logins;
    e.sim.web.sessions.expireAll();
    const got = await e.port.listeBuchungen('2026-05-14', 'jc-nord');
    expect(got).toEqual(e.sim.daten.buchungen('2026-05-14', 'jc-nord'));
    expect(e.sim.web.sessions.logins).toBe(logins + 1);
  });

  test('a changed page (table id renamed): TechnicalError SELEKTOR_FEHLT with screenshot and HTML', async () => {
    e.sim.faults.changedLayout = true;
    try {
      const err = await e.port.listeBuchungen('2026-05-12').then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(err).toBeInstanceOf(TechnicalError);
      expect((err as TechnicalError).code).toBe('SELEKTOR_FEHLT');
      const artefakte = (err as { artefakte?: string }).artefakte!;
      expect(artefakte.startsWith(e.dataDir)).toBe(true);
      expect(fs.readFileSync(`${artefakte}.png`).subarray(1, 4).toString()).toBe('PNG');
      expect(fs.readFileSync(`${artefakte}.html`, 'utf8')).toContain('id="terminliste"');
    } finally {
      e.sim.faults.changedLayout = false;
    }
  });
});
