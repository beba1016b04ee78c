/**
 * One real Temporal dev server (headless, SQLite under .tmp/) and one real Redis for the
 * whole test run, and the workflow bundle built once. Their coordinates go to the test
 * workers through environment variables and .tmp/test-env.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildWorkflowBundle } from '../scripts/bundle-workflows';
import { ensureRedis } from '../scripts/stack/redis';
import { ensureTemporalCli, startDevServer } from '../scripts/stack/temporal';
import { locateChromium } from '../scripts/stack/chromium';
import { stopManaged } from '../scripts/stack/process';
import { freePort } from './helpers/ports';
import { ENV_FILE, TMP_ROOT, type TestStackEnv } from './helpers/env';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const root = path.join(TMP_ROOT, `run-${process.pid}`);
  removeStaleRuns();
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const log = (m: string) => process.stdout.write(`[test-stack] ${m}\n`);
  const runDir = path.join(root, 'run');
  const logDir = path.join(root, 'logs');

  const explicitRedis = Boolean(process.env.REDIS_URL);
  // Redis first: a stopped Redis is reported within a second, before anything slow starts.
  const redis = await ensureRedis({ explicit: explicitRedis, url: process.env.REDIS_URL ?? '', port: await freePort(), dir: path.join(root, 'redis'), runDir, logDir, log });
  let cli: Awaited<ReturnType<typeof ensureTemporalCli>>;
  let server: Awaited<ReturnType<typeof startDevServer>>;
  let bundle: string;
  try {
    cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, log);
    const port = await freePort();
    [server, bundle] = await Promise.all([
      startDevServer({
        cliPath: cli.path, dbFile: path.join(root, 'temporal.db'), port, uiPort: 0, headless: true,
        namespace: 'default', retentionDays: 30, runDir, logDir, name: 'temporal-test',
      }),
      buildWorkflowBundle(),
    ]);
  } catch (err) {
    await redis.embedded?.stop(); // no orphan when the setup fails half-way
    throw err;
  }
  const bundlePath = path.join(root, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle);

  const env: TestStackEnv = {
    root,
    temporalAddress: server.address,
    temporalCli: cli.path,
    redisUrl: redis.url,
    bundlePath,
    chromiumPath: locateChromium(process.env.CHROMIUM_PATH) ?? '',
  };
  fs.writeFileSync(ENV_FILE, JSON.stringify(env, null, 2));
  process.env.AKTENLAUF_TEST_ENV = JSON.stringify(env);
  (globalThis as Record<string, unknown>).__AKTENLAUF_STACK__ = { server, redis };
  log(`Temporal ${server.address}, Redis ${redis.url}${redis.embedded ? ' (eigener redis-server)' : ''}, bereit in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Removes the directories of earlier test runs whose Jest process is gone. */
function removeStaleRuns(): void {
  if (!fs.existsSync(TMP_ROOT)) return;
  for (const name of fs.readdirSync(TMP_ROOT)) {
    const m = /^run-(\d+)$/.exec(name);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      fs.rmSync(path.join(TMP_ROOT, name), { recursive: true, force: true });
    }
  }
}

export async function stopTestStack(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__AKTENLAUF_STACK__ as
    | { server: Awaited<ReturnType<typeof startDevServer>>; redis: Awaited<ReturnType<typeof ensureRedis>> }
    | undefined;
  if (!stack) return;
  await Promise.all([stopManaged(stack.server.process, 5000), stack.redis.embedded?.stop()]);
}
