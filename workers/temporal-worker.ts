/**
 * The Temporal worker process: runs all workflows (from the prebuilt bundle) and activities
 * of the engine on one task queue. Any number of these may run; Temporal spreads the work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runMain, signalReady } from '../platform/lifecycle';
import { codecFromConfig, dataConverter } from '../platform/temporal';
import type { AesGcmCodec } from '../platform/codec';

export const WORKFLOW_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

export interface EngineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codec: AesGcmCodec;
  deps: ActivityDeps;
  /** Prebuilt bundle code; if absent, the workflows are bundled from source (dev, tests). */
  workflowBundleCode?: string;
}

export async function createEngineWorker(o: EngineWorkerOptions): Promise<Worker> {
  const opts: WorkerOptions = {
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: createActivities(o.deps),
    dataConverter: dataConverter(o.codec),
  };
  if (o.workflowBundleCode) opts.workflowBundle = { code: o.workflowBundleCode };
  else opts.workflowsPath = require.resolve('../workflows');
  return Worker.create(opts);
}

if (require.main === module) {
  const cfg = loadConfig();
  const log = createLogger('worker', cfg.logLevel);
  runMain(log, async (signal) => {
    const { codec } = codecFromConfig(cfg, false);
    const connection = await NativeConnection.connect({ address: cfg.temporal.address });
    const workflowBundleCode = fs.existsSync(WORKFLOW_BUNDLE) ? fs.readFileSync(WORKFLOW_BUNDLE, 'utf8') : undefined;
    const worker = await createEngineWorker({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      codec,
      deps: { dataDir: cfg.dataDir },
      workflowBundleCode,
    });
    log.info({ taskQueue: cfg.temporal.taskQueue, prebuiltBundle: Boolean(workflowBundleCode) }, 'worker running');
    signalReady();
    await worker.runUntil(new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    await connection.close();
  });
}
