/**
 * Health of every configured connector adapter, for `aktenlauf doctor` and the console's
 * status page. Each adapter says itself what is wrong; a check that hangs is cut off.
 */
import type { Config } from '../platform/config';
import type { Check } from '../scripts/stack/doctor';
import { createLogger } from '../platform/logger';
import { createDruckzentrum } from './druckzentrum';
import { createEAkte } from './eakte';

interface Closable {
  health(): Promise<Check>;
  close(): Promise<void>;
}

async function checkOne(id: string, label: string, make: () => Closable, timeoutMs: number): Promise<Check> {
  let adapter: Closable | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    adapter = make();
    const timeout = new Promise<Check>((resolve) => {
      timer = setTimeout(() => resolve({ id, label, required: true, ok: false, detail: `keine Antwort nach ${timeoutMs} ms` }), timeoutMs);
    });
    return await Promise.race([adapter.health(), timeout]);
  } catch (err) {
    return { id, label, required: true, ok: false, detail: (err as Error).message.split('\n')[0]! };
  } finally {
    clearTimeout(timer);
    await adapter?.close().catch(() => undefined);
  }
}

export async function connectorHealth(cfg: Config, timeoutMs = 3000, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const log = createLogger('health', 'silent');
  const connectorEnv = { ...env, AKTENLAUF_DATA_DIR: cfg.dataDir, SIMULATOR_PORT: String(cfg.simulators.port) };
  return Promise.all([
    checkOne('eakte', 'E-Akte', () => createEAkte(connectorEnv), timeoutMs),
    checkOne('druckzentrum', 'Zentraldruck', () => createDruckzentrum(connectorEnv, { dataDir: cfg.dataDir, log }), timeoutMs),
  ]);
}
