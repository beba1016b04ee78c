/**
 * Test-side view of the shared stack started by test/global-setup.ts, and a Config for
 * each test with its own data directory, fixed codec key and demo password.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../platform/config';

export const TMP_ROOT = path.resolve(__dirname, '..', '..', '.tmp');
export const ENV_FILE = path.join(TMP_ROOT, 'test-env.json');

export interface TestStackEnv {
  root: string;
  temporalAddress: string;
  temporalCli: string;
  redisUrl: string;
  bundlePath: string;
  chromiumPath: string;
}

export function testStack(): TestStackEnv {
  const raw = process.env.AKTENLAUF_TEST_ENV ?? fs.readFileSync(ENV_FILE, 'utf8');
  return JSON.parse(raw) as TestStackEnv;
}

export const TEST_PASSWORD = 'Test-Passwort-2026';
/** A fixed test key (not a secret: only for tests). */
export const TEST_CODEC_KEYS = `test-k1:${Buffer.alloc(32, 7).toString('base64')}`;

let counter = 0;

/** A unique name for task queues, data dirs etc. of one test. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A Config pointing at the shared test stack, with its own data dir and task queue. */
export function testConfig(extraEnv: Record<string, string> = {}): Config {
  const stack = testStack();
  const dataDir = path.join(stack.root, uniqueName('data'));
  fs.mkdirSync(dataDir, { recursive: true });
  return loadConfig({
    AKTENLAUF_DATA_DIR: dataDir,
    AKTENLAUF_LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: uniqueName('tq'),
    REDIS_URL: stack.redisUrl,
    AKTENLAUF_CODEC_KEYS: TEST_CODEC_KEYS,
    AKTENLAUF_DEMO_PASSWORD: TEST_PASSWORD,
    CHROMIUM_PATH: stack.chromiumPath || '',
    CONSOLE_PORT: '3999',
    INTAKE_STABLE_MS: '0',
    ...extraEnv,
  });
}
