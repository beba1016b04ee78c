/**
 * Intake from the scanner hot folder. Nothing is lost:
 *  1. a file is taken only when its size and mtime have been stable for INTAKE_STABLE_MS
 *     (a scanner still writing it is left alone);
 *  2. its content is copied durably into the engine's store (write, fsync, rename);
 *  3. the Posteingang workflow is started with an id from the content hash (a second file
 *     with the same content starts nothing);
 *  4. only then is the file removed from the hot folder.
 * A crash at any moment leaves the file either still in the folder or in a started workflow;
 * the next sweep finishes what was begun.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { eingangWorkflowId, mediaTypeOf, type EingangInput, type EingangsQuelle } from '../domain/eingang';
import { berlinDate } from '../domain/zeit';
import type { Logger } from '../platform/logger';

export interface IntakeOptions {
  client: Client;
  taskQueue: string;
  dataDir: string;
  scannerDir: string;
  storeDir: string;
  stableMs: number;
  quelle?: EingangsQuelle;
  log: Logger;
  /** For tests: the clock. */
  now?: () => number;
}

export type IntakeOutcome = { file: string; result: 'gestartet' | 'duplikat'; workflowId: string } | { file: string; result: 'abgelehnt'; grund: string };

interface Seen {
  size: number;
  mtimeMs: number;
  stableSince: number;
}

const IGNORED = /(^\.|\.(tmp|part|crdownload|partial)$|~$)/i;

export class IntakeWatcher {
  private readonly seen = new Map<string, Seen>();
  private readonly now: () => number;

  constructor(private readonly o: IntakeOptions) {
    this.now = o.now ?? Date.now;
  }

  async init(): Promise<void> {
    await fs.mkdir(this.o.scannerDir, { recursive: true });
    await fs.mkdir(this.o.storeDir, { recursive: true });
    await fs.mkdir(this.rejectDir, { recursive: true });
  }

  get rejectDir(): string {
    return path.join(path.dirname(this.o.scannerDir), 'abgelehnt');
  }

  /** One pass over the hot folder. Returns what was taken in this pass. */
  async sweep(): Promise<IntakeOutcome[]> {
    const outcomes: IntakeOutcome[] = [];
    const names = (await fs.readdir(this.o.scannerDir, { withFileTypes: true })).filter((d) => d.isFile() && !IGNORED.test(d.name)).map((d) => d.name);
    const present = new Set(names);
    for (const key of this.seen.keys()) if (!present.has(key)) this.seen.delete(key);
    for (const name of names) {
      const full = path.join(this.o.scannerDir, name);
      let st;
      try {
        st = await fs.stat(full);
      } catch {
        continue; // vanished between readdir and stat
      }
      const prev = this.seen.get(name);
      const t = this.now();
      if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
        this.seen.set(name, { size: st.size, mtimeMs: st.mtimeMs, stableSince: t });
        if (this.o.stableMs > 0) continue;
      } else if (t - prev.stableSince < this.o.stableMs) {
        continue;
      }
      try {
        outcomes.push(await this.take(name, full, st.mtime));
        this.seen.delete(name);
      } catch (err) {
        // Technical failure (Temporal unreachable, disk full): the file stays, next sweep retries.
        this.o.log.warn({ err: (err as Error).message }, 'intake: file left in hot folder, will retry');
      }
    }
    return outcomes;
  }

  private async take(name: string, full: string, mtime: Date): Promise<IntakeOutcome> {
    const mediaType = mediaTypeOf(name);
    const content = await fs.readFile(full);
    if (!mediaType || content.length === 0) {
      const grund = content.length === 0 ? 'Datei ist leer' : 'Dateiformat wird nicht angenommen (erlaubt: PDF, TIFF, PNG, JPEG)';
      const target = path.join(this.rejectDir, `${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}_${name}`);
      await fs.rename(full, target);
      await fs.writeFile(`${target}.grund.txt`, `${grund}\n`);
      this.o.log.warn({ grund }, 'intake: file rejected to abgelehnt/');
      return { file: name, result: 'abgelehnt', grund };
    }
    const contentHash = createHash('sha256').update(content).digest('hex');
    const ext = path.extname(name).toLowerCase();
    const storedAbs = path.join(this.o.storeDir, `${contentHash}${ext}`);
    await writeDurably(storedAbs, content);
    const input: EingangInput = {
      contentHash,
      quelle: this.o.quelle ?? 'scanner',
      eingangsdatum: berlinDate(mtime),
      fileName: name,
      mediaType,
      bytes: content.length,
      storedPath: path.relative(this.o.dataDir, storedAbs),
    };
    const workflowId = eingangWorkflowId(contentHash);
    let result: 'gestartet' | 'duplikat' = 'gestartet';
    try {
      await this.o.client.workflow.start('posteingang', {
        taskQueue: this.o.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      result = 'duplikat';
    }
    await fs.unlink(full);
    this.o.log.info({ workflowId, result }, 'intake: taken from hot folder');
    return { file: name, result, workflowId };
  }
}

async function writeDurably(target: string, content: Buffer): Promise<void> {
  try {
    const existing = await fs.stat(target);
    if (existing.size === content.length) return; // same hash, same content already stored
  } catch {
    /* not stored yet */
  }
  const tmp = `${target}.${process.pid}.tmp`;
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, target);
  const dir = await fs.open(path.dirname(target), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

if (require.main === module) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfig } = require('../platform/config') as typeof import('../platform/config');
  const { createLogger } = require('../platform/logger') as typeof import('../platform/logger');
  const { runMain, signalReady } = require('../platform/lifecycle') as typeof import('../platform/lifecycle');
  const { codecFromConfig, connect, makeClient } = require('../platform/temporal') as typeof import('../platform/temporal');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cfg = loadConfig();
  const log = createLogger('intake', cfg.logLevel);
  runMain(log, async (signal) => {
    const { codec } = codecFromConfig(cfg, false);
    const connection = await connect(cfg.temporal.address);
    const client = makeClient(connection, cfg.temporal.namespace, codec);
    const watcher = new IntakeWatcher({
      client,
      taskQueue: cfg.temporal.taskQueue,
      dataDir: cfg.dataDir,
      scannerDir: cfg.intake.scannerDir,
      storeDir: cfg.intake.storeDir,
      stableMs: cfg.intake.stableMs,
      log,
    });
    await watcher.init();
    log.info({ pollMs: cfg.intake.pollMs }, 'intake watcher running');
    signalReady();
    while (!signal.aborted) {
      try {
        await watcher.sweep();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'intake sweep failed');
      }
      await new Promise((r) => setTimeout(r, cfg.intake.pollMs));
    }
    await connection.close();
  });
}
