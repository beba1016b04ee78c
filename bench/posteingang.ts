/**
 * posteingang: incoming post end to end on a real Temporal (own dev server unless TEMPORAL_ADDRESS)
 * with an own Redis and the E-Akte and Fachverfahren simulators in this process; the engine worker and the
 * OCR pool (2 tesseract.js workers) as own processes as in production (`--prozesse=0`: in this process).
 * CPU is reported per process (engine, this process, dev server), so the engine's own cost is visible.
 *
 * 1. Scanned run: letters of H1's generator (testdaten/posteingang, `alsScan`, scanned PDFs without a
 *    text layer, --dpi, default 200) up to --seiten pages (default 500), handed over as the intake does
 *    when they arrive together (Stapel of --stapel files; 0 = one workflow per file); wall time until every document is filed or waits for a person. Then the same pages
 *    (rendered the same way) through a bare in-process tesseract.js with 2 workers: pure OCR time on
 *    the same cores, before and after the end-to-end run (`--basis=1`: only after), as the machine's speed
 *    drifts by 10 % and more over a run. e2e_ratio = end-to-end wall time / mean pure OCR time (1.0 = the
 *    engine adds nothing).
 * 2. Born-digital run: --dokumente letters (default 200) as PDFs with a text layer (no OCR), handed over
 *    in Stapel of --stapel files (default 50, as the intake takes files that arrive together; 0 = one
 *    workflow per file): documents/s.
 * lost = documents neither filed nor waiting (review/quarantine); duplicates = E-Akte documents beyond
 * one per filed document (counted in the simulator by Posteingangsdatum of the run).
 * Options: --seiten=500 --dokumente=200 --stapel=50 --dpi=200|300 --haushalte=300 --prozesse=1 --basis=2.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { schliessePosteingangDienste } from '../activities/posteingang';
import { rendereAlleSeiten } from '../activities/erkennung/seiten';
import { createLokaleOcr } from '../activities/erkennung/ocr';
import { createConnectors, type Connectors } from '../connectors';
import type { Haushalt } from '../connectors/fachverfahren/port';
import type { LaufenderOpenProsozSimulator } from '../connectors/fachverfahren/open-prosoz/simulator';
import { codecSealer } from '../connectors/robot-pool/sealing';
import { eingangWorkflowId, stapelWorkflowId, type EingangInput } from '../domain/eingang';
import { DOKUMENT_WORKFLOW, EINGANGSARTEN, STAPEL_WORKFLOW, dokumentWorkflowId, type DokumentErgebnis, type PosteingangPolicy, type StapelErgebnis } from '../domain/posteingang';
import { STATUS } from '../domain/search-attributes';
import { mulberry32 } from '../domain/zufall';
import { loadConfig, type Config } from '../platform/config';
import { createLogger } from '../platform/logger';
import { codecFromConfig, connect, ensureNamespace, makeClient } from '../platform/temporal';
import { startEmbeddedRedis, type EmbeddedRedis } from '../scripts/stack/redis';
import { spawnManaged, stopManaged, type ManagedProcess } from '../scripts/stack/process';
import { ensureTemporalCli, startDevServer, type DevServer } from '../scripts/stack/temporal';
import { alsPdf, alsScan, erzeugeBrief } from '../testdaten/posteingang';
import { startOcrPool } from '../workers/ocr-pool';
import { startSimulators, type StartedSimulators } from '../workers/simulators';
import { createEngineWorker, WORKFLOW_BUNDLE } from '../workers/temporal-worker';
import { option, freiePort } from './_optionen';

export const out = (s: string) => process.stdout.write(`${s}\n`);



/** Simulator timings near zero (as in the tests). */
const SCHNELLE_SIMULATOREN: Record<string, string> = {
  OPEN_PROSOZ_SIM_IMPORT_POLL_MS: '200', OPEN_PROSOZ_SIM_EXPORT_DELAY_MS: '0', OPEN_PROSOZ_ACK_POLL_MS: '50', OPEN_PROSOZ_REFRESH_MS: '100',
  EAKTE_SIM_POLL_MS: '25', EAKTE_SIM_IMPORT_DELAY_MS: '0', EAKTE_SIM_API_DELAY_MS: '0', EAKTE_POLL_MS: '25',
};
const BENCH_KEY = `bench-k1:${Buffer.alloc(32, 11).toString('base64')}`;

/** Temporal, Redis, simulators, connectors and a client: the outside of the engine for a bench. */
export interface BenchWelt {
  dir: string;
  cfg: Config;
  address: string;
  redis: EmbeddedRedis;
  redisPort: number;
  client: Client;
  connectors: Connectors;
  simulators: StartedSimulators;
  haushalte: Haushalt[];
  /** Environment for engine processes (child processes in the chaos bench). */
  env: NodeJS.ProcessEnv;
  codec: ReturnType<typeof codecFromConfig>['codec'];
  /** Process id of the own Temporal dev server (undefined with TEMPORAL_ADDRESS). */
  serverPid?: number;
  aufraeumen(): Promise<void>;
}

export async function starteWelt(name: string, haushalte: number): Promise<BenchWelt> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed */
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aktenlauf-bench-${name}-`));
  const runDir = path.join(dir, 'run');
  const logDir = path.join(dir, 'logs');
  const log = (m: string) => out(`  ${m}`);
  const stopper: Array<() => Promise<unknown>> = [];
  let server: DevServer | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, log);
    server = await startDevServer({
      cliPath: cli.path, dbFile: path.join(dir, 'temporal.db'), port: await freiePort(), uiPort: 0, headless: true,
      namespace: 'default', retentionDays: 30, runDir, logDir, name: `temporal-${name}`,
    });
    stopper.push(() => stopManaged(server!.process, 10000));
    address = server.address;
  }
  const redisPort = await freiePort();
  const redis = await startEmbeddedRedis({ port: redisPort, dir: path.join(dir, 'redis'), runDir, logDir, log, name: `redis-${name}` });
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...SCHNELLE_SIMULATOREN,
    AKTENLAUF_DATA_DIR: path.join(dir, 'data'), AKTENLAUF_LOG_LEVEL: 'warn', TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: `bench-${name}`,
    REDIS_URL: redis.url, AKTENLAUF_REDIS_URL_EFFECTIVE: redis.url, AKTENLAUF_CODEC_KEYS: BENCH_KEY, SIMULATOR_HOUSEHOLDS: String(haushalte),
    AKTENLAUF_OCR: 'pool',
  };
  Object.assign(process.env, SCHNELLE_SIMULATOREN, { AKTENLAUF_CODEC_KEYS: BENCH_KEY, AKTENLAUF_REDIS_URL_EFFECTIVE: redis.url, REDIS_URL: redis.url, AKTENLAUF_OCR: 'pool' });
  const cfg = loadConfig(env);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const blog = createLogger('bench', 'warn');
  const simulators = await startSimulators(cfg, blog, { anyPort: true });
  const url = (id: string) => simulators.running.find((r) => r.spec.id === id)?.sim.url;
  if (url('eakte')) env.EAKTE_API_URL = url('eakte');
  if (url('compass')) env.COMPASS_URL = url('compass');
  if (url('druckzentrum-api')) env.EPOST_URL = url('druckzentrum-api');
  const { codec } = codecFromConfig(cfg, false);
  const connectors = await createConnectors(cfg, { log: blog, redisUrl: redis.url, codec, env });
  const connection = await connect(address);
  await ensureNamespace(connection, 'default', 30);
  const client = makeClient(connection, 'default', codec);
  const store = (simulators.running.find((r) => r.spec.id === 'open-prosoz')!.sim as LaufenderOpenProsozSimulator).store;
  const hh = store.alleHaushalte().filter((h) => !h.aufgeloest && h.personen.length > 0);
  out(`  Temporal ${address}${server ? ' (eigener Dev-Server)' : ''}, Redis ${redis.url}, ${hh.length} Haushalte, Daten ${dir}`);
  const welt: BenchWelt = {
    dir, cfg, address, redis, redisPort, client, connectors, simulators, haushalte: hh, env, codec,
    ...(server?.process.child.pid ? { serverPid: server.process.child.pid } : {}),
    async aufraeumen() {
      await connection.close().catch(() => undefined);
      await connectors.close().catch(() => undefined);
      await simulators.stop().catch(() => undefined);
      await welt.redis.stop().catch(() => undefined);
      for (const s of stopper.reverse()) await s().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return welt;
}

export interface Datei {
  name: string;
  inhalt: Buffer;
  mediaType: string;
  seiten: number;
}

/** Letters of all types for households of the simulated Landkreis (BG-Nummer as the generator writes it, ~80 %). */
export async function erzeugeDateien(w: BenchWelt, o: { anzahl?: number; seiten?: number; scan: boolean; dpi?: 200 | 300; seed: number }): Promise<Datei[]> {
  const dateien: Datei[] = [];
  let seiten = 0;
  for (let i = 0; (o.anzahl === undefined || dateien.length < o.anzahl) && (o.seiten === undefined || seiten < o.seiten); i++) {
    const h = w.haushalte[i % w.haushalte.length]!;
    const art = EINGANGSARTEN[i % EINGANGSARTEN.length]!;
    const brief = erzeugeBrief(mulberry32(o.seed + i), art, { haushalt: { bgNummer: h.bgNummer, personen: h.personen, anschrift: h.anschrift } });
    if (o.scan) {
      const s = await alsScan(brief, { stil: 'scan', format: 'pdf', dpi: o.dpi ?? 200, seed: i });
      dateien.push({ name: `scan-${i}.pdf`, inhalt: s.datei ?? s.seiten[0]!, mediaType: 'application/pdf', seiten: s.seiten.length });
      seiten += s.seiten.length;
    } else {
      dateien.push({ name: `brief-${i}.pdf`, inhalt: await alsPdf(brief), mediaType: 'application/pdf', seiten: 1 });
      seiten += 1;
    }
  }
  return dateien;
}

/**
 * Stores the files like the intake and starts their workflows (idempotent by content hash): one
 * workflow per file, or with `stapel` ≥ 2 one Stapel workflow per that many files (as the intake
 * does with files that arrive together).
 */
export async function starteDateien(w: BenchWelt, dateien: Datei[], eingangsdatum: string, policy: Partial<PosteingangPolicy> = {}, stapel = 0): Promise<string[]> {
  const store = w.cfg.intake.storeDir;
  fs.mkdirSync(store, { recursive: true });
  const inputs = dateien.map((d) => {
    const contentHash = createHash('sha256').update(d.inhalt).digest('hex');
    const abs = path.join(store, `${contentHash}.pdf`);
    fs.writeFileSync(abs, d.inhalt);
    const input: EingangInput = { contentHash, quelle: 'scanner', eingangsdatum, fileName: d.name, mediaType: d.mediaType, bytes: d.inhalt.length, storedPath: path.relative(w.cfg.dataDir, abs) };
    return input;
  });
  const starts: { type: string; workflowId: string; args: unknown[]; memo?: Record<string, unknown> }[] = stapel >= 2
    ? Array.from({ length: Math.ceil(inputs.length / stapel) }, (_, k) => {
      const eingaenge = inputs.slice(k * stapel, (k + 1) * stapel);
      const workflowId = stapelWorkflowId(eingaenge.map((e) => e.contentHash), (x) => createHash('sha256').update(x).digest('hex'));
      return { type: STAPEL_WORKFLOW, workflowId, args: [{ eingaenge, policy }], memo: { dateien: eingaenge.length } };
    })
    : inputs.map((input) => ({ type: 'posteingang', workflowId: eingangWorkflowId(input.contentHash), args: [input, { policy }] }));
  let i = 0;
  const arbeiter = async () => {
    while (i < starts.length) {
      const s = starts[i++]!;
      for (;;) {
        try {
          await w.client.workflow.start(s.type, { taskQueue: w.cfg.temporal.taskQueue, workflowId: s.workflowId, args: s.args, ...(s.memo ? { memo: s.memo } : {}), workflowIdReusePolicy: 'REJECT_DUPLICATE' });
          break;
        } catch (err) {
          if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') break;
          await new Promise((r) => setTimeout(r, 1000)); // engine side restarting (chaos): try again
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, arbeiter));
  return inputs.map((e) => e.contentHash);
}

export interface Endstand {
  abgelegt: number;
  pruefung: number;
  quarantaene: number;
  lost: number;
  duplicates: number;
  /** Reasons of the quarantined files/documents, counted. */
  quarantaeneGruende: Record<string, number>;
}

/**
 * Waits until every file's first document is filed or waits for a person; counts lost and duplicates.
 * Polls Temporal's visibility (two list calls a round) rather than describing or querying every
 * workflow: hundreds of describes and queries a second would be load the bench adds, not the engine.
 * A completed document's result is fetched once; a quarantine reason is asked once per workflow.
 */
export async function warteAufEnde(w: BenchWelt, hashes: string[], eingangsdatum: string, timeoutMs: number, melde?: (fertig: number) => void): Promise<Endstand> {
  const offen = new Set(hashes.map((h) => dokumentWorkflowId(h, 0)));
  const dateiZuDok = new Map(hashes.map((h) => [eingangWorkflowId(h), dokumentWorkflowId(h, 0)]));
  const stand = { abgelegt: 0, pruefung: 0, quarantaene: 0 };
  const bg = new Map<string, number>();
  const gruende: Record<string, number> = {};
  const gezaehlteStapel = new Set<string>();
  const merke = async (id: string) => {
    const h = w.client.workflow.getHandle(id);
    const g = (await h.query<{ quarantaeneGrund?: string }>('zustand').catch(() => ({ quarantaeneGrund: '?' }))).quarantaeneGrund ?? '?';
    const k = g.slice(0, 120);
    gruende[k] = (gruende[k] ?? 0) + 1;
  };
  const liste = async (query: string) => {
    const r: { id: string; status: string; sa: string | undefined }[] = [];
    for await (const wf of w.client.workflow.list({ query })) r.push({ id: wf.workflowId, status: wf.status.name, sa: wf.typedSearchAttributes.get(STATUS) });
    return r;
  };
  const anfang = Date.now();
  const ende = anfang + timeoutMs;
  while (offen.size > 0 && Date.now() < ende) {
    try {
      for (const d of await liste(`WorkflowType = '${DOKUMENT_WORKFLOW}'`)) {
        if (!offen.has(d.id)) continue;
        if (d.status === 'COMPLETED') {
          const r = (await w.client.workflow.getHandle(d.id).result()) as DokumentErgebnis;
          if (r.status === 'abgelegt') {
            stand.abgelegt++;
            bg.set(r.bgNummer, (bg.get(r.bgNummer) ?? 0) + 1);
          }
          offen.delete(d.id);
        } else if (d.sa === 'pruefung' || d.sa === 'pruefung-ueberfaellig') {
          stand.pruefung++;
          offen.delete(d.id);
        } else if (d.sa === 'quarantaene') {
          stand.quarantaene++;
          await merke(d.id);
          offen.delete(d.id);
        }
      }
      // Documents a Stapel filed itself have no workflow of their own: counted from the Stapel's result.
      for (const st of await liste(`WorkflowType = '${STAPEL_WORKFLOW}' AND ExecutionStatus = 'Completed'`)) {
        if (gezaehlteStapel.has(st.id)) continue;
        gezaehlteStapel.add(st.id);
        const r = (await w.client.workflow.getHandle(st.id).result()) as StapelErgebnis;
        for (const d of r.dateien) {
          const dok = dokumentWorkflowId(d.contentHash, 0);
          if (d.ausgang.art !== 'abgelegt' || !offen.has(dok)) continue;
          stand.abgelegt++;
          bg.set(d.ausgang.bgNummer, (bg.get(d.ausgang.bgNummer) ?? 0) + 1);
          offen.delete(dok);
        }
      }
      // A file in quarantine (or with its split in review) never starts its document: count it at file level.
      for (const f of await liste(`WorkflowType = 'posteingang' AND ExecutionStatus = 'Running' AND ${STATUS.name} IN ('quarantaene', 'pruefung')`)) {
        const dok = dateiZuDok.get(f.id);
        if (!dok || !offen.has(dok)) continue;
        if (f.sa === 'quarantaene') {
          stand.quarantaene++;
          await merke(f.id);
        } else stand.pruefung++;
        offen.delete(dok);
      }
    } catch {
      /* the server is restarting (chaos): next round */
    }
    melde?.(hashes.length - offen.size);
    // Every 250 ms at first, then a hundredth of the time so far (at most 2 s): a long run is not slowed by
    // the bench's own list calls, and the end is seen within 1 % of the run's time.
    if (offen.size > 0) await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(250, (Date.now() - anfang) / 100))));
  }
  // Duplicates: documents in the E-Akte with the run's Posteingangsdatum beyond one per filed document.
  let imArchiv = 0;
  for (const b of bg.keys()) imArchiv += (await w.connectors.eakte.find({ bgNummer: b, von: eingangsdatum, bis: eingangsdatum })).filter((d) => d.metadaten.posteingangsdatum === eingangsdatum).length;
  return { ...stand, lost: offen.size, duplicates: Math.max(0, imArchiv - stand.abgelegt), quarantaeneGruende: gruende };
}

export async function starteEngine(w: BenchWelt): Promise<{ worker: Worker; laeuft: Promise<void>; native: NativeConnection }> {
  const native = await NativeConnection.connect({ address: w.address });
  const worker = await createEngineWorker({
    connection: native, namespace: 'default', taskQueue: w.cfg.temporal.taskQueue, codec: w.codec,
    deps: { dataDir: w.cfg.dataDir, connectors: w.connectors },
    ...(fs.existsSync(WORKFLOW_BUNDLE) ? { workflowBundleCode: fs.readFileSync(WORKFLOW_BUNDLE, 'utf8') } : {}),
  });
  return { worker, laeuft: worker.run(), native };
}

const DIST = path.resolve(__dirname, '..');

/** An engine process of dist/ (worker, OCR pool) as a child with the world's environment; resolves when it reports ready. */
export function starteDienst(w: BenchWelt, name: string, script: string, env: NodeJS.ProcessEnv = {}): Promise<ManagedProcess> {
  // BENCH_KIND_NODE_ARGS: node options for the engine processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const nodeArgs = (process.env.BENCH_KIND_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const p = spawnManaged(name, process.execPath, [...nodeArgs, path.join(DIST, script)], {
    runDir: path.join(w.dir, 'run'), logDir: path.join(w.dir, 'logs'), env: { ...w.env, ...env }, ipc: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} meldet sich nicht bereit (Log: ${p.logFile})`)), 90_000);
    p.child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(p);
      }
    });
    void p.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} beendet (${code}) bevor bereit (Log: ${p.logFile})`));
    });
  });
}

function cpuSekunden(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds (user + system, children not included) of another process from /proc; undefined if unknown. */
export function cpuSekundenVon(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const felder = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the ')' of the command name
    return (Number(felder[11]) + Number(felder[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU seconds of this process's threads by thread name (/proc/self/task; Linux only, else empty). */
function cpuJeThread(): Map<string, number> {
  const m = new Map<string, number>();
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const key = `${name}#${tid}`;
        m.set(key, (Number(f[11]) + Number(f[12])) / 100);
      } catch {
        /* thread ended */
      }
    }
  } catch {
    /* not Linux */
  }
  return m;
}

function threadBericht(vorher: Map<string, number>, nachher: Map<string, number>): string {
  const diff = [...nachher].map(([k, v]) => [k, v - (vorher.get(k) ?? 0)] as const).filter(([, v]) => v >= 0.1);
  return diff.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, v]) => `${n} ${v.toFixed(1)} s`).join(', ');
}

/**
 * The engine for a run: as own processes (dist/workers/temporal-worker.js and, with `ocr`, dist/workers/ocr-pool.js
 * with 2 tesseract.js workers), as in production, or in this process (`--prozesse=0`). `cpu()` gives the
 * CPU seconds of the engine processes (undefined in this process: then they are in this process's figure).
 */
interface BenchEngine {
  cpu(): number | undefined;
  stop(): Promise<void>;
}

async function starteBenchEngine(w: BenchWelt, prozesse: boolean, ocr: boolean): Promise<BenchEngine> {
  if (prozesse) {
    const dienste: ManagedProcess[] = [await starteDienst(w, 'worker', 'workers/temporal-worker.js')];
    if (ocr) dienste.push(await starteDienst(w, 'ocr-pool', 'workers/ocr-pool.js', { OCR_WORKERS: '2' }));
    return {
      cpu: () => dienste.reduce((a, d) => a + (cpuSekundenVon(d.child.pid) ?? 0), 0),
      async stop() {
        for (const d of dienste.reverse()) await stopManaged(d, 10_000).catch(() => undefined);
      },
    };
  }
  const pool = ocr ? await startOcrPool({ redisUrl: w.redis.url, dataDir: w.cfg.dataDir, workers: 2, sealer: codecSealer(w.codec) }) : undefined;
  const engine = await starteEngine(w);
  return {
    cpu: () => undefined,
    async stop() {
      await pool?.close().catch(() => undefined);
      engine.worker.shutdown();
      await engine.laeuft.catch(() => undefined);
      await engine.native.close().catch(() => undefined);
      await schliessePosteingangDienste();
    },
  };
}

/** CPU seconds: this process, the engine processes (undefined when the engine runs in this process) and the dev server (undefined for a foreign one). */
interface CpuStand {
  bench: number;
  engine: number | undefined;
  server: number | undefined;
}

function cpuStand(w: BenchWelt, engine: BenchEngine): CpuStand {
  return { bench: cpuSekunden(), engine: engine.cpu(), server: cpuSekundenVon(w.serverPid) };
}

/** CPU used since `vorher`. */
function cpuSeit(w: BenchWelt, engine: BenchEngine, vorher: CpuStand): CpuStand {
  const jetzt = cpuStand(w, engine);
  const diff = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? b - a : undefined);
  return { bench: jetzt.bench - vorher.bench, engine: diff(vorher.engine, jetzt.engine), server: diff(vorher.server, jetzt.server) };
}

/**
 * Waits until the engine processes and the dev server have been (nearly) idle for 2 s (at most 5 min): a
 * worker process that starts for the first time creates the engine's schedules and runs the Weiterbewilligung
 * sync once (a workflow per household of the Landkreis), which is not the Posteingang's work.
 */
async function warteAufRuhe(w: BenchWelt, engine: BenchEngine): Promise<void> {
  const summe = () => (engine.cpu() ?? 0) + (cpuSekundenVon(w.serverPid) ?? 0);
  const anfang = Date.now();
  let ruhig = 0;
  let vorher = summe();
  while (ruhig < 2 && Date.now() - anfang < 300_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const jetzt = summe();
    ruhig = jetzt - vorher < 0.05 ? ruhig + 1 : 0;
    vorher = jetzt;
  }
  out(`  Engine bereit und ruhig nach ${((Date.now() - anfang) / 1000).toFixed(0)} s (Zeitpläne angelegt, Weiterbewilligung-Abgleich gelaufen)`);
}

/** Pure OCR of the pages on 2 in-process tesseract.js workers: wall seconds. */
async function reineOcr(bilder: Buffer[]): Promise<number> {
  const ocr = await createLokaleOcr({ workers: 2 });
  try {
    const t = Date.now();
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < bilder.length) await ocr.erkenne(bilder[next++]!, { region: 'ganz', rotation: 'auto' });
    }));
    return (Date.now() - t) / 1000;
  } finally {
    await ocr.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const zielSeiten = option(args, 'seiten', 500, true);
  const dokumente = option(args, 'dokumente', 200);
  const dpi = option(args, 'dpi', 200) === 300 ? 300 : 200;
  // Born-digital letters arrive together (a sweep of the hot folder, a message with attachments): Stapel of 50 as the intake forms them; --stapel=0 one workflow per file.
  const stapelGroesse = option(args, 'stapel', 50, true);
  // The engine as own processes (1, as in production) or in this process (0).
  const prozesse = option(args, 'prozesse', 1, true) > 0;
  // Pure OCR before and after the end-to-end run (2; their mean is the baseline: the machine's speed drifts) or only after (1).
  const basisLaeufe = option(args, 'basis', 2) >= 2 ? 2 : 1;
  const w = await starteWelt('posteingang', option(args, 'haushalte', 300));
  let engine: BenchEngine | undefined;
  try {
    out(`posteingang: ${os.availableParallelism()} Kerne, Scan-Lauf ${zielSeiten > 0 ? `${zielSeiten} Seiten (${dpi} dpi, gescannte PDFs ohne Textlayer)` : 'übersprungen (--seiten=0)'}, digital ${dokumente} Briefe; Engine ${prozesse ? 'als eigene Prozesse (Worker, OCR-Pool)' : 'in diesem Prozess'}`);
    let t = Date.now();
    let seiten = 0;
    let ratioText = 'n/a';
    let scanLost = 0;
    let scanDuplicates = 0;
    if (zielSeiten > 0) {
      const scans = await erzeugeDateien(w, { seiten: zielSeiten, scan: true, dpi, seed: 90_000 });
      seiten = scans.reduce((a, d) => a + d.seiten, 0);
      out(`  Korpus: ${scans.length} gescannte Dateien, ${seiten} Seiten, erzeugt in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      // The same pages, rendered as reading renders them, for the pure OCR on the same 2 workers.
      const bilder: Buffer[] = [];
      for (const d of scans) for (const s of await rendereAlleSeiten(d.inhalt, 'application/pdf')) bilder.push(s.png);
      const basis: number[] = [];
      if (basisLaeufe === 2) {
        basis.push(await reineOcr(bilder));
        out(`  Reine OCR vorher (tesseract.js, 2 Worker): ${basis[0]!.toFixed(1)} s = ${(bilder.length / basis[0]!).toFixed(2)} Seiten/s`);
      }

      engine = await starteBenchEngine(w, prozesse, true);
      await warteAufRuhe(w, engine);
      const scanTag = '2026-11-24';
      t = Date.now();
      const cpu0 = cpuStand(w, engine);
      const hashes = await starteDateien(w, scans, scanTag, {}, stapelGroesse);
      let letzte = 0;
      const e2e = await warteAufEnde(w, hashes, scanTag, 6 * 3600_000, (n) => {
        if (n - letzte >= Math.max(1, Math.floor(hashes.length / 10))) {
          letzte = n;
          out(`  … ${n}/${hashes.length} Dokumente fertig (${((Date.now() - t) / 1000).toFixed(0)} s)`);
        }
      });
      const e2eS = (Date.now() - t) / 1000;
      const cpu = cpuSeit(w, engine, cpu0);
      out(`  Ende-zu-Ende: ${e2eS.toFixed(1)} s für ${seiten} Seiten = ${(seiten / e2eS).toFixed(2)} Seiten/s; abgelegt ${e2e.abgelegt}, Prüfung ${e2e.pruefung}, Quarantäne ${e2e.quarantaene}, verloren ${e2e.lost}, doppelt ${e2e.duplicates}`);
      out(`  CPU: ${cpu.engine !== undefined ? `Engine-Prozesse (Worker, OCR-Pool) ${cpu.engine.toFixed(0)} s, ` : ''}dieser Prozess (${prozesse ? '' : 'Engine, '}Simulatoren, Bench) ${cpu.bench.toFixed(0)} s, Temporal-Dev-Server ${cpu.server !== undefined ? `${cpu.server.toFixed(0)} s` : 'unbekannt (fremder Server)'}`);
      await engine.stop();
      engine = undefined;

      basis.push(await reineOcr(bilder));
      const ocrS = basis.reduce((a, b) => a + b, 0) / basis.length;
      const ratio = e2eS / ocrS;
      ratioText = ratio.toFixed(2);
      scanLost = e2e.lost;
      scanDuplicates = e2e.duplicates;
      out(`  Reine OCR ${basis.length === 2 ? 'nachher' : 'derselben Seiten'} (tesseract.js, 2 Worker): ${basis[basis.length - 1]!.toFixed(1)} s = ${(bilder.length / basis[basis.length - 1]!).toFixed(2)} Seiten/s`);
      out(`  Verhältnis Ende-zu-Ende / reine OCR${basis.length === 2 ? ` (Mittel ${ocrS.toFixed(1)} s; gegen vorher ${(e2eS / basis[0]!).toFixed(2)}, gegen nachher ${(e2eS / basis[1]!).toFixed(2)})` : ''}: ${ratio.toFixed(2)}`);
    }

    // Born-digital: no OCR; documents per second through the whole process.
    const digital = await erzeugeDateien(w, { anzahl: dokumente, scan: false, seed: 70_000 });
    engine = await starteBenchEngine(w, prozesse, false);
    await warteAufRuhe(w, engine);
    const digitalTag = '2026-11-23';
    t = Date.now();
    const cpu0 = cpuStand(w, engine);
    const cpuRedis0 = cpuSekundenVon(w.redis.process.child.pid);
    const threads0 = cpuJeThread();
    const dh = await starteDateien(w, digital, digitalTag, {}, stapelGroesse);
    const dz = await warteAufEnde(w, dh, digitalTag, 3600_000);
    const digitalS = (Date.now() - t) / 1000;
    const cpu = cpuSeit(w, engine, cpu0);
    const cpuRedis = (cpuSekundenVon(w.redis.process.child.pid) ?? 0) - (cpuRedis0 ?? 0);
    const ms = (s: number) => `${((s / dokumente) * 1000).toFixed(1)} ms/Dokument`;
    out(`  Digital: ${dokumente} Briefe in ${digitalS.toFixed(1)} s = ${(dokumente / digitalS).toFixed(2)} Dokumente/s; abgelegt ${dz.abgelegt}, Prüfung ${dz.pruefung}, Quarantäne ${dz.quarantaene}, verloren ${dz.lost}, doppelt ${dz.duplicates}`);
    out(`  Digital CPU: ${cpu.engine !== undefined ? `Engine-Prozess (Worker) ${cpu.engine.toFixed(1)} s = ${ms(cpu.engine)}; ` : ''}dieser Prozess (${prozesse ? '' : 'Worker, '}Simulatoren, Bench) ${cpu.bench.toFixed(1)} s = ${ms(cpu.bench)}; Temporal-Dev-Server ${cpu.server !== undefined ? `${cpu.server.toFixed(1)} s = ${ms(cpu.server)}` : 'unbekannt (fremder Server)'}; Redis ${cpuRedis.toFixed(1)} s`);
    if (cpu.engine !== undefined) out(`  Digital: die Engine allein bräuchte ${ms(cpu.engine)} CPU, auf 2 eigenen Kernen ≈ ${((2 * dokumente) / cpu.engine).toFixed(0)} Dokumente/s (Temporal, E-Akte und Fachverfahren auf eigenen Maschinen, wie im Betrieb)`);
    else out(`  Digital CPU je Thread dieses Prozesses (noch laufende Threads): ${threadBericht(threads0, cpuJeThread())}`);
    out(`posteingang: pages=${seiten} e2e_ratio=${ratioText} lost=${scanLost + dz.lost} duplicates=${scanDuplicates + dz.duplicates} digital_docs_per_s=${(dokumente / digitalS).toFixed(2)}`);
  } finally {
    await engine?.stop();
    await w.aufraeumen();
  }
}
