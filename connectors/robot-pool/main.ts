/**
 * The robot pool process (`node dist/connectors/robot-pool/main.js`, part of `aktenlauf up`):
 * one Chromium, and one BullMQ worker per target system (ROBOT_SYSTEMS, default
 * `compass,termine`) whose slots are warm, logged-in browser contexts.
 */
import { z } from 'zod';
import { loadConfig, type Config } from '../../platform/config';
import { createLogger, type Logger } from '../../platform/logger';
import { runMain, signalReady } from '../../platform/lifecycle';
import { codecFromConfig } from '../../platform/temporal';
import { locateChromium } from '../../scripts/stack/chromium';
import { embeddedRedisUrl } from '../../scripts/stack/doctor';
import { loadCompassConfig } from '../fachverfahren/compass/config';
import { compassRobot } from '../fachverfahren/compass/robot';
import { loadTermineConfig } from '../termine/config';
import { termineRobot } from '../termine/robot';
import { loadRobotProcessSettings, parseEnv } from './config';
import { codecSealer } from './sealing';
import { BrowserProvider, RobotWorker } from './worker';

const poolSchema = z.object({
  ROBOT_SYSTEMS: z.string().default('compass,termine'),
  /** BullMQ key prefix; only tests change it. */
  ROBOT_QUEUE_PREFIX: z.string().min(1).default('bull'),
});

export interface RobotPool {
  workers: RobotWorker[];
  close(): Promise<void>;
}

export const ROBOT_SYSTEMS = ['compass', 'termine'] as const;

export async function startRobotPool(cfg: Config, env: NodeJS.ProcessEnv, log: Logger): Promise<RobotPool> {
  const e = parseEnv(poolSchema, env);
  const systems = e.ROBOT_SYSTEMS.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = systems.filter((s) => !(ROBOT_SYSTEMS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`ROBOT_SYSTEMS: unbekannte Zielsysteme ${unknown.join(', ')} (bekannt: ${ROBOT_SYSTEMS.join(', ')})`);
  const processSettings = loadRobotProcessSettings(env);
  const chromiumPath = locateChromium(cfg.chromiumPath);
  if (!chromiumPath) throw new Error('Chromium nicht gefunden: CHROMIUM_PATH setzen oder `sudo apt-get install chromium`.');
  const { codec } = codecFromConfig(cfg, false);
  const sealer = codecSealer(codec);
  const redisUrl = process.env.AKTENLAUF_REDIS_URL_EFFECTIVE ?? embeddedRedisUrl(cfg);
  const browser = new BrowserProvider(chromiumPath);
  await browser.get();
  const workers: RobotWorker[] = [];
  try {
    for (const system of systems) {
      const c = system === 'compass' ? loadCompassConfig(env) : loadTermineConfig(env);
      const def = system === 'compass' ? compassRobot(c) : termineRobot(c);
      const w = new RobotWorker({ def, redisUrl, target: c.robot, process: processSettings, dataDir: cfg.dataDir, browser, sealer, log: log.child({ robot: system }), prefix: e.ROBOT_QUEUE_PREFIX });
      await w.start();
      workers.push(w);
    }
  } catch (err) {
    for (const w of workers) await w.close();
    await browser.close();
    throw err;
  }
  return {
    workers,
    async close() {
      for (const w of workers) await w.close();
      await browser.close();
    },
  };
}

if (require.main === module) {
  const cfg = loadConfig();
  const log = createLogger('robot-pool', cfg.logLevel);
  runMain(log, async (signal) => {
    const pool = await startRobotPool(cfg, process.env, log);
    log.info({ queues: pool.workers.map((w) => w.queueName) }, 'robot pool running');
    signalReady({ queues: pool.workers.map((w) => w.queueName) });
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    await pool.close();
  }, { umask: cfg.umask });
}
