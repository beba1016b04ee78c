/**
 * A real worker and client on the shared test stack: each test gets its own task queue
 * and data dir, the prebuilt workflow bundle of the run, and the test codec key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../../platform/config';
import type { Connectors } from '../../connectors';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { createEngineWorker } from '../../workers/temporal-worker';
import { buildWorkflowBundle } from '../../scripts/bundle-workflows';
import { testConfig, testStack } from './env';

/**
 * The run's workflow bundle with the OTel workflow interceptors (what a worker with tracing on
 * runs), next to the run's default bundle (testStack().bundlePath, without them, as with tracing
 * off); built by the first test file that needs it, then shared.
 */
export async function tracingBundlePath(): Promise<string> {
  const file = path.join(path.dirname(testStack().bundlePath), 'workflow-bundle-tracing.js');
  if (!fs.existsSync(file)) {
    const code = await buildWorkflowBundle({ tracing: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file); // atomic: a parallel test file reads a whole bundle or builds its own
  }
  return file;
}

export interface TestEngine {
  cfg: Config;
  client: Client;
  connection: Connection;
  worker: Worker;
  stop(): Promise<void>;
}

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed in this process */
  }
}

export interface TestEngineOptions {
  /** Outside systems for the activities (e.g. adapters on simulators started by the test). */
  connectors?: Connectors;
  /** Extra activities (e.g. test doubles registered under the engine's names). */
  activities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

export async function startTestEngine(extraEnv: Record<string, string> = {}, opts: TestEngineOptions = {}): Promise<TestEngine> {
  quietRuntime();
  const cfg = testConfig(extraEnv);
  const { codec } = codecFromConfig(cfg, false);
  const nativeConnection = await NativeConnection.connect({ address: cfg.temporal.address });
  const worker = await createEngineWorker({
    connection: nativeConnection,
    namespace: cfg.temporal.namespace,
    taskQueue: cfg.temporal.taskQueue,
    codec,
    deps: { dataDir: cfg.dataDir, connectors: opts.connectors },
    workflowBundleCode: fs.readFileSync(testStack().bundlePath, 'utf8'),
    extraActivities: opts.activities,
  });
  const running = worker.run();
  const connection = await connect(cfg.temporal.address);
  const client = makeClient(connection, cfg.temporal.namespace, codec);
  return {
    cfg,
    client,
    connection,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Polls until the predicate holds (visibility is eventually consistent). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
