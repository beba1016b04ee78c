/**
 * Health of every configured connector adapter, for `aktenlauf doctor` and the console's
 * status page. Each adapter says itself what is wrong; a check that hangs is cut off.
 */
import type { Config } from '../platform/config';
import type { Check } from '../scripts/stack/doctor';
import { createLogger } from '../platform/logger';
import { codecFromConfig } from '../platform/temporal';
import { createDruckzentrum } from './druckzentrum';
import { createEAkte } from './eakte';
import { createFachverfahren } from './fachverfahren';
import { createTerminsystem } from './termine/adapter';
import { loadTermineConfig } from './termine/config';

interface Closable {
  health(): Promise<Check>;
  close(): Promise<void>;
}

async function checkOne(id: string, label: string, make: () => Closable | Promise<Closable>, timeoutMs: number): Promise<Check> {
  let adapter: Closable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Check>((resolve) => {
    timer = setTimeout(() => resolve({ id, label, required: true, ok: false, detail: `keine Antwort nach ${timeoutMs} ms` }), timeoutMs);
  });
  const attempt = (async (): Promise<Check> => {
    adapter = await make();
    return adapter.health();
  })().catch((err: unknown): Check => ({ id, label, required: true, ok: false, detail: (err as Error).message.split('\n')[0]! }));
  try {
    // Creating the adapter may hang too (e.g. a queue waiting for a stopped Redis): both are cut off.
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
    // Closing must not hold the answer up either; a late adapter is closed when it arrives.
    void attempt.then(() => adapter?.close().catch(() => undefined));
  }
}

export async function connectorHealth(cfg: Config, timeoutMs = 3000, env: NodeJS.ProcessEnv = process.env, redisUrl?: string, redisOk = true): Promise<Check[]> {
  const log = createLogger('health', 'silent');
  const connectorEnv = { ...env, AKTENLAUF_DATA_DIR: cfg.dataDir, SIMULATOR_PORT: String(cfg.simulators.port) };
  const robotDeps = () => ({ redisUrl: redisUrl ?? cfg.redis.url, codec: codecFromConfig(cfg, false).codec });
  // Robot adapters work through Redis queues: with Redis down they would only wait for it.
  const viaRobots = (id: string, label: string, make: () => Promise<Closable>, robot: boolean): Promise<Check> =>
    robot && !redisOk
      ? Promise.resolve({ id, label, required: true, ok: false, detail: 'nicht prüfbar: Redis (Roboter-Warteschlangen) antwortet nicht', fix: 'Zuerst Redis in Ordnung bringen.' })
      : checkOne(id, label, make, timeoutMs);
  const fachverfahrenViaRobot = (env.FACHVERFAHREN_ADAPTER ?? 'open-prosoz') === 'compass';
  return Promise.all([
    viaRobots('fachverfahren', 'Fachverfahren', () => createFachverfahren(connectorEnv, { log, ...robotDeps() }), fachverfahrenViaRobot),
    viaRobots('termine', 'Terminsystem', () => createTerminsystem(loadTermineConfig(connectorEnv), robotDeps()), true),
    checkOne('eakte', 'E-Akte', () => createEAkte(connectorEnv), timeoutMs),
    checkOne('druckzentrum', 'Zentraldruck', () => createDruckzentrum(connectorEnv, { dataDir: cfg.dataDir, log }), timeoutMs),
  ]);
}
