/**
 * weiterbewilligung: the daily sync at the size of a large Landkreis (30,000 households) on a real
 * Temporal. TEMPORAL_ADDRESS set = that server; else a private dev server (headless, its own
 * SQLite under a temp dir) and an own Redis. The OPEN/PROSOZ simulator (seeded Landkreis) and
 * one worker run in this process. The window covers every running BWZ of the Landkreis (ends
 * from today + 3 days on), so every household gets its workflow; the bench policy keeps all
 * reminder timers in the future (leads of 2/1/0 days), so no letter is requested.
 * Measures: the initial sync (all workflows started), the unchanged re-sync, duplicates
 * (workflows listed by type vs distinct BWZ), RSS of the Temporal server and of this process.
 * Options: --households=30000 --parallel=50. With TEMPORAL_ADDRESS, TEMPORAL_PID (optional) names the
 * server process for its RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { Connectors } from '../connectors';
import { loadFachverfahrenConfig } from '../connectors/fachverfahren/config';
import { createOpenProsozFachverfahren } from '../connectors/fachverfahren/open-prosoz/adapter';
import { starteOpenProsozSimulator } from '../connectors/fachverfahren/open-prosoz/simulator';
import { WEITERBEWILLIGUNG_SYNC_WORKFLOW, WEITERBEWILLIGUNG_WORKFLOW, plusTage, type SyncErgebnis, type SyncInput } from '../domain/weiterbewilligung';
import { berlinDate } from '../domain/zeit';
import { loadConfig } from '../platform/config';
import { codecFromConfig, connect, ensureNamespace, makeClient } from '../platform/temporal';
import { ensureRedis } from '../scripts/stack/redis';
import { ensureTemporalCli, startDevServer, type DevServer } from '../scripts/stack/temporal';
import { stopManaged } from '../scripts/stack/process';
import { createEngineWorker, WORKFLOW_BUNDLE } from '../workers/temporal-worker';
import { option, freiePort } from './_optionen';


function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}


export async function run(args: string[]): Promise<void> {
  const haushalte = option(args, 'households', Number(process.env.SIMULATOR_HOUSEHOLDS ?? 30000));
  const parallel = option(args, 'parallel', 50);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-bench-wb-'));
  const runDir = path.join(dir, 'run');
  const logDir = path.join(dir, 'logs');
  const log = (m: string) => out(`  ${m}`);
  const aufraeumen: Array<() => Promise<unknown>> = [];
  try {
    let server: DevServer | undefined;
    let address = process.env.TEMPORAL_ADDRESS;
    if (!address) {
      const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, log);
      server = await startDevServer({
        cliPath: cli.path, dbFile: path.join(dir, 'temporal.db'), port: await freiePort(), uiPort: 0, headless: true,
        namespace: 'default', retentionDays: 30, runDir, logDir, name: 'temporal-bench',
      });
      aufraeumen.push(() => stopManaged(server!.process, 10000));
      address = server.address;
    }
    const redis = await ensureRedis({ explicit: Boolean(process.env.REDIS_URL), url: process.env.REDIS_URL ?? '', port: await freiePort(), dir: path.join(dir, 'redis'), runDir, logDir, log });
    if (redis.embedded) aufraeumen.push(() => redis.embedded!.stop());
    out(`  Temporal ${address}${server ? ' (eigener Dev-Server)' : ''}, Redis ${redis.embedded ? 'eigener redis-server' : 'REDIS_URL'}`);

    const cfg = loadConfig({
      AKTENLAUF_DATA_DIR: path.join(dir, 'data'),
      AKTENLAUF_LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: `bench-wb-${randomBytes(3).toString('hex')}`,
      REDIS_URL: redis.url,
      AKTENLAUF_CODEC_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    });
    fs.mkdirSync(cfg.dataDir, { recursive: true });

    let t0 = performance.now();
    const sim = await starteOpenProsozSimulator({ dir: path.join(dir, 'open-prosoz'), seed: 20261126, haushalte, importPollMs: 50, exportVerzoegerungMs: 0, persistieren: false });
    aufraeumen.push(() => sim.stop());
    const fv = createOpenProsozFachverfahren(loadFachverfahrenConfig({ OPEN_PROSOZ_EXCHANGE_DIR: path.join(dir, 'open-prosoz') }).openProsoz);
    out(`  Landkreis mit ${haushalte} Haushalten erzeugt und exportiert in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Only the Fachverfahren is needed by the sync; the other ports are not touched here.
    const connectors = { fachverfahren: fv, close: () => fv.close() } as unknown as Connectors;

    const { codec } = codecFromConfig(cfg, false);
    const native = await NativeConnection.connect({ address });
    const worker = await createEngineWorker({
      connection: native, namespace: cfg.temporal.namespace, taskQueue: cfg.temporal.taskQueue, codec,
      deps: { dataDir: cfg.dataDir, connectors },
      workflowBundleCode: fs.existsSync(WORKFLOW_BUNDLE) ? fs.readFileSync(WORKFLOW_BUNDLE, 'utf8') : undefined,
    });
    const laeuft = worker.run();
    aufraeumen.unshift(async () => {
      worker.shutdown();
      await laeuft;
      await native.close();
    });
    const connection = await connect(address);
    aufraeumen.unshift(() => connection.close());
    const client = makeClient(connection, cfg.temporal.namespace, codec);
    if (!server) await ensureNamespace(connection, cfg.temporal.namespace, 30); // search attributes (idempotent)

    const heute = berlinDate(new Date());
    const input: SyncInput = {
      von: plusTage(heute, 3), bis: '2099-12-31', parallel,
      policy: { erinnerungVorlaufTage: 2, zweiteErinnerungVorlaufTage: 1, eskalationVorlaufTage: 0, nachlaufTage: 0 },
    };
    const erwartet = sim.store.listeBewilligungszeitraeume(input.von!, input.bis!).filter((e) => !e.aufgeloest).length;
    out(`  ${erwartet} laufende BWZ im Fenster ${input.von} … ${input.bis} (aufgelöste Haushalte ohne Workflow)`);

    const sync = async (name: string): Promise<{ s: number; r: SyncErgebnis }> => {
      const t = performance.now();
      const r = (await client.workflow.execute(WEITERBEWILLIGUNG_SYNC_WORKFLOW, { taskQueue: cfg.temporal.taskQueue, workflowId: `bench-${name}-${Date.now()}`, args: [input] })) as SyncErgebnis;
      return { s: (performance.now() - t) / 1000, r };
    };

    const initial = await sync('initial');
    out(`  initial: ${initial.s.toFixed(1)} s, ${JSON.stringify(initial.r)}`);
    // The worker runs the first task of every new workflow after its start: wait until none is left.
    t0 = performance.now();
    const query = `WorkflowType = '${WEITERBEWILLIGUNG_WORKFLOW}' AND TaskQueue = '${cfg.temporal.taskQueue}'`;
    for (let leer = 0; leer < 2 && performance.now() - t0 < 900_000; ) {
      const d = await connection.workflowService.describeTaskQueue({
        namespace: cfg.temporal.namespace, taskQueue: { name: cfg.temporal.taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, reportStats: true,
      });
      const backlog = Number(d.stats?.approximateBacklogCount ?? 0);
      leer = backlog === 0 ? leer + 1 : 0;
      if (leer < 2) await new Promise((r) => setTimeout(r, 1000));
    }
    out(`  erste Workflow-Tasks abgearbeitet ${((performance.now() - t0) / 1000).toFixed(1)} s nach dem Sync`);

    const resync = await sync('resync');
    out(`  re-sync: ${resync.s.toFixed(1)} s, ${JSON.stringify(resync.r)}`);

    const { count } = await client.workflow.count(query);
    const duplicates = count - erwartet;
    // An external server: its RSS only if TEMPORAL_PID names its process (e.g. a dev server started by hand).
    const temporalPid = server?.process.child.pid ?? (process.env.TEMPORAL_PID ? Number(process.env.TEMPORAL_PID) : undefined);
    const temporalRss = temporalPid ? rssMb(temporalPid) : NaN;
    const workerRss = Math.round(process.memoryUsage().rss / 1024 / 1024);
    out(`  Workflows gelistet: ${count}, verschiedene BWZ: ${erwartet}`);
    out(
      `weiterbewilligung: households=${haushalte} initial_s=${initial.s.toFixed(1)} resync_s=${resync.s.toFixed(1)} duplicates=${duplicates} ` +
        `temporal_rss_mb=${Number.isNaN(temporalRss) ? 'n/a' : temporalRss} worker_rss_mb=${workerRss}`,
    );
  } finally {
    for (const f of aufraeumen) {
      try {
        await f();
      } catch {
        /* best effort */
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
