/**
 * The OCR pool process (`node dist/workers/ocr-pool.js`, part of `aktenlauf up`): BullMQ rations
 * the CPU. One BullMQ worker on queue `ocr` with one slot per core (OCR_WORKERS, default
 * os.availableParallelism()), each slot backed by one tesseract.js worker thread.
 *
 * A job carries the path of a page image in the data dir (see activities/erkennung/ocr-pool-client.ts).
 * Technical errors are retried by BullMQ (attempts and backoff set by the client); an image that
 * cannot be read fails for good (UnrecoverableError, reason prefixed `UNLESBAR: `). A job whose
 * process died is taken over by another pool process when its lock expires (stalled job).
 * Results are sealed with the engine's payload codec: Redis never holds the text in clear.
 *
 * Speed: the pool adds ~0.02 s CPU per page to tesseract (file hand-over, BullMQ, sealing); the
 * rest is tesseract.js itself (see activities/erkennung/ocr.ts). The process needs no Node or V8
 * flags: relaxed SIMD, Liftoff off, eager wasm compilation and wasm inlining were measured and
 * read no faster on Node 20.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { loadConfig } from '../platform/config';
import { createLogger, type Logger } from '../platform/logger';
import { runMain, signalReady } from '../platform/lifecycle';
import { codecFromConfig } from '../platform/temporal';
import { embeddedRedisUrl } from '../scripts/stack/doctor';
import { codecSealer, plainSealer, type JobSealer } from '../connectors/robot-pool/sealing';
import { createLokaleOcr, OcrBildFehler, type OcrEngine } from '../activities/erkennung/ocr';
import { imDatenverzeichnis, OCR_QUEUE, UNLESBAR_PREFIX, type OcrJobDaten } from '../activities/erkennung/ocr-pool-client';

export interface OcrPoolOptionen {
  redisUrl: string;
  dataDir: string;
  /** Parallel pages = tesseract workers (default os.availableParallelism()). */
  workers?: number;
  sealer?: JobSealer;
  log?: Logger;
  /** BullMQ key prefix (default 'bull'); tests use their own. */
  prefix?: string;
  /** Lock of a running job; a dead process's job is taken over after it expires (default 60 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Tests only: another engine instead of in-process tesseract.js. */
  engine?: OcrEngine;
}

export interface OcrPool {
  worker: Worker<OcrJobDaten>;
  workers: number;
  /** Graceful stop: running pages finish. `sofort`: stop without waiting (simulates a crash in tests). */
  close(sofort?: boolean): Promise<void>;
}

export async function startOcrPool(o: OcrPoolOptionen): Promise<OcrPool> {
  const anzahl = Math.max(1, Math.floor(o.workers ?? os.availableParallelism()));
  const engine = o.engine ?? (await createLokaleOcr({ workers: anzahl }));
  const sealer = o.sealer ?? plainSealer;
  const log = o.log;
  const connection = { url: o.redisUrl, maxRetriesPerRequest: null };

  const verarbeite = async (job: Job<OcrJobDaten>): Promise<unknown> => {
    const { pfad, optionen } = job.data;
    let png: Buffer;
    try {
      png = await fs.readFile(imDatenverzeichnis(o.dataDir, pfad));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || /außerhalb/.test((err as Error).message)) {
        throw new UnrecoverableError(`${UNLESBAR_PREFIX}Das Seitenbild fehlt im Datenverzeichnis.`);
      }
      throw err;
    }
    try {
      const ergebnis = await engine.erkenne(png, optionen);
      return await sealer.seal(ergebnis);
    } catch (err) {
      if (err instanceof OcrBildFehler) throw new UnrecoverableError(`${UNLESBAR_PREFIX}${err.message}`);
      throw err;
    }
  };

  const worker = new Worker<OcrJobDaten>(OCR_QUEUE, verarbeite, {
    connection,
    prefix: o.prefix ?? 'bull',
    name: `ocr-${process.pid}`,
    concurrency: anzahl,
    lockDuration: o.lockDurationMs ?? 60_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
    autorun: false,
  });
  // Job ids are content hashes: no personal data in these log lines.
  worker.on('error', (err) => log?.warn({ queue: OCR_QUEUE, err: err.message }, 'ocr worker error'));
  worker.on('failed', (job, err) => {
    if (job) log?.warn({ queue: OCR_QUEUE, jobId: job.id, attempt: job.attemptsMade, reason: err.message.slice(0, 200) }, 'ocr job failed');
  });
  worker.on('stalled', (jobId) => log?.warn({ queue: OCR_QUEUE, jobId }, 'ocr job stalled, taken over'));
  try {
    await worker.waitUntilReady();
  } catch (err) {
    await worker.close(true).catch(() => undefined);
    await engine.close();
    throw err;
  }
  void worker.run().catch((err: unknown) => log?.error({ queue: OCR_QUEUE, err: (err as Error).message }, 'ocr worker stopped'));
  log?.info({ queue: OCR_QUEUE, concurrency: anzahl }, 'ocr pool started');
  return {
    worker,
    workers: anzahl,
    async close(sofort = false) {
      await worker.close(sofort);
      await engine.close();
    },
  };
}

const envSchema = z.object({
  OCR_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** BullMQ key prefix; only tests change it. */
  OCR_QUEUE_PREFIX: z.string().min(1).default('bull'),
});

if (require.main === module) {
  const cfg = loadConfig();
  const log = createLogger('ocr-pool', cfg.logLevel);
  runMain(log, async (signal) => {
    const env = envSchema.parse(process.env);
    const { codec } = codecFromConfig(cfg, false);
    const redisUrl = process.env.AKTENLAUF_REDIS_URL_EFFECTIVE ?? embeddedRedisUrl(cfg);
    const pool = await startOcrPool({
      redisUrl,
      dataDir: cfg.dataDir,
      workers: env.OCR_WORKERS,
      sealer: codecSealer(codec),
      log,
      prefix: env.OCR_QUEUE_PREFIX,
    });
    signalReady({ queue: OCR_QUEUE, workers: pool.workers });
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    await pool.close();
  }, { umask: cfg.umask });
}
