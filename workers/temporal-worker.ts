/**
 * The Temporal worker process: runs all workflows (from the prebuilt bundle) and activities
 * of the engine on one task queue. Any number of these may run; Temporal spreads the work.
 * The workflows carry the OpenTelemetry workflow interceptors only while tracing is on (their
 * own bundle, see platform/tracing.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createConnectors } from '../connectors';
import { embeddedRedisUrl } from '../scripts/stack/doctor';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runMain, signalReady } from '../platform/lifecycle';
import { codecFromConfig, connect, dataConverter, makeClient } from '../platform/temporal';
import { ensureEngineSchedules } from './schedules';
import type { AesGcmCodec } from '../platform/codec';
import {
  activeTracing,
  bundleMitTracingInterceptors,
  installTracing,
  noopWorkflowSinks,
  shutdownTracing,
  workflowInterceptorModules,
  type Tracing,
} from '../platform/tracing';
import { WORKFLOW_BUNDLE_DATEI, WORKFLOW_BUNDLE_TRACING_DATEI } from '../scripts/bundle-workflows';

/** Prebuilt workflow bundle without the OTel workflow interceptors (tracing off, the default). */
export const WORKFLOW_BUNDLE = path.resolve(__dirname, '..', WORKFLOW_BUNDLE_DATEI);
/** Prebuilt workflow bundle with the OTel workflow interceptors (tracing on). */
export const WORKFLOW_BUNDLE_TRACING = path.resolve(__dirname, '..', WORKFLOW_BUNDLE_TRACING_DATEI);

/** The prebuilt bundle for a worker with tracing on or off. */
export function workflowBundlePfad(tracing: boolean): string {
  return tracing ? WORKFLOW_BUNDLE_TRACING : WORKFLOW_BUNDLE;
}

export interface EngineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codec: AesGcmCodec;
  deps: ActivityDeps;
  /**
   * Prebuilt bundle code (WORKFLOW_BUNDLE, or WORKFLOW_BUNDLE_TRACING with tracing on: workflowBundlePfad);
   * if absent, the workflows are bundled from source (dev, tests). A bundle without the OTel workflow
   * interceptors while tracing is on would cut every trace at the workflow: then the workflows are
   * bundled from source with them instead (and a warning is logged).
   */
  workflowBundleCode?: string;
  maxCachedWorkflows?: number;
  /** Tests only: activities added to (or replacing) the engine's. */
  extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
  /** OpenTelemetry tracing; default: the process's installed tracing (platform/tracing.ts), if any. */
  tracing?: Tracing;
}

export async function createEngineWorker(o: EngineWorkerOptions): Promise<Worker> {
  const opts: WorkerOptions = {
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: { ...createActivities(o.deps), ...o.extraActivities },
    ...(o.maxCachedWorkflows ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
    dataConverter: dataConverter(o.codec),
  };
  // Tracing on: OTel workflow interceptors in the bundle, their spans to the `exporter` sink.
  // Tracing off: a bundle without them (no span work in the workflows); the no-op sink is only
  // called if a bundle with them is given anyway.
  const tracing = o.tracing ?? activeTracing();
  opts.sinks = tracing ? tracing.sinks() : noopWorkflowSinks();
  opts.interceptors = { ...(tracing ? { activity: tracing.activityInterceptors() } : {}) };
  const code = o.workflowBundleCode;
  if (code && tracing && !bundleMitTracingInterceptors(code)) {
    o.deps.log?.warn('tracing is on but the workflow bundle has no tracing interceptors: bundling the workflows from source');
  }
  if (code && (!tracing || bundleMitTracingInterceptors(code))) opts.workflowBundle = { code };
  else {
    opts.workflowsPath = require.resolve('../workflows');
    opts.interceptors.workflowModules = workflowInterceptorModules(Boolean(tracing));
  }
  return Worker.create(opts);
}

if (require.main === module) {
  const cfg = loadConfig();
  const log = createLogger('worker', cfg.logLevel);
  runMain(log, async (signal) => {
    const tracing = installTracing(cfg.tracing, { serviceName: 'aktenlauf-worker' });
    const { codec } = codecFromConfig(cfg, false);
    const connection = await NativeConnection.connect({ address: cfg.temporal.address });
    const bundlePfad = workflowBundlePfad(Boolean(tracing));
    const workflowBundleCode = fs.existsSync(bundlePfad) ? fs.readFileSync(bundlePfad, 'utf8') : undefined;
    const redisUrl = process.env.AKTENLAUF_REDIS_URL_EFFECTIVE ?? embeddedRedisUrl(cfg);
    const connectors = await createConnectors(cfg, { log, redisUrl, codec });
    const worker = await createEngineWorker({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      codec,
      deps: { dataDir: cfg.dataDir, connectors, log },
      workflowBundleCode,
      maxCachedWorkflows: cfg.temporal.maxCachedWorkflows,
    });
    const clientConnection = await connect(cfg.temporal.address);
    // A dev server that has just (re)started may answer schedule calls with an error for a moment:
    // retry with backoff; if it still fails, run anyway (the schedules exist from an earlier start or
    // are created at the next one) and say so, instead of stopping the worker.
    let schedules: Awaited<ReturnType<typeof ensureEngineSchedules>> | 'nicht-geprueft' = 'nicht-geprueft';
    for (let versuch = 1; versuch <= 6 && !signal.aborted; versuch++) {
      try {
        schedules = await ensureEngineSchedules(makeClient(clientConnection, cfg.temporal.namespace, codec), cfg, log);
        break;
      } catch (err) {
        const wartezeit = Math.min(8000, 500 * 2 ** versuch);
        log.warn({ err: (err as Error).message, versuch }, versuch < 6 ? 'schedules not ensured yet, retrying' : 'schedules not ensured; worker runs without checking them');
        if (versuch < 6) await new Promise((r) => setTimeout(r, wartezeit));
      }
    }
    await clientConnection.close();
    log.info({ taskQueue: cfg.temporal.taskQueue, prebuiltBundle: workflowBundleCode ? path.basename(bundlePfad) : false, tracing: Boolean(tracing), schedules }, 'worker running');
    signalReady();
    await worker.runUntil(new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    await connectors.close();
    await connection.close();
    await shutdownTracing();
  }, { umask: cfg.umask });
}
