/**
 * The engine's side of the OCR pool (workers/ocr-pool.ts): implements `OcrEngine` by writing the
 * page image into the data dir and adding a BullMQ job on queue `ocr` that carries only the
 * image's path (content-addressed) and the options, then waiting for the job. The job id is
 * derived from the image's content hash and the options, so a retried activity finds its job
 * (running: waited for; completed: its result returned) instead of OCRing twice.
 *
 * Results carry the text of letters (Sozialdaten): the pool seals them with the engine's
 * payload codec, this client opens them (pass the same codec on both sides). The hand-over
 * copy of the image is removed once the job is finished for good.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { PayloadCodec } from '@temporalio/common';
import { Job, Queue, QueueEvents } from 'bullmq';
import { TechnicalError } from '../../connectors/errors';
import { codecSealer, plainSealer, type JobSealer } from '../../connectors/robot-pool/sealing';
import type { Check } from '../../scripts/stack/doctor';
import { deutschesModell, OcrBildFehler, type OcrEngine, type OcrErgebnis, type OcrOptionen } from './ocr';

export const OCR_QUEUE = 'ocr';

/** Marks a failedReason of a job that failed for good because its image cannot be read. */
export const UNLESBAR_PREFIX = 'UNLESBAR: ';

/** What a job on queue `ocr` carries: no image bytes, no personal data. */
export interface OcrJobDaten {
  /** Path of the PNG relative to the data dir. */
  pfad: string;
  optionen: OcrOptionen;
}

export interface OcrPoolClientOptionen {
  redisUrl: string;
  /** The engine's data dir; page images go to <dataDir>/ocr/<sha256[0..2]>/<sha256>.png. */
  dataDir: string;
  /** The engine's payload codec (results are sealed by the pool); omit only when the pool has none either. */
  codec?: PayloadCodec;
  /** How long to wait for one page (default 120 000 ms): then a TechnicalError 'OCR-Pool antwortet nicht …'. */
  timeoutMs?: number;
  /** BullMQ key prefix (default 'bull'); tests use their own. */
  prefix?: string;
  /** Attempts of a job on technical errors (default 3), with exponential backoff from `backoffMs` (default 2000). */
  attempts?: number;
  backoffMs?: number;
}

export interface OcrPoolClient extends OcrEngine {
  /** Read an image already stored in the data dir (path relative to dataDir). */
  erkenneDatei(relPfad: string, opts?: OcrOptionen): Promise<OcrErgebnis>;
}

/** sha256 (hex) of a page image: the one hash its hand-over path and its job id are made from. */
export function ocrBildHash(png: Buffer): string {
  return createHash('sha256').update(png).digest('hex');
}

/** Where a page image with this content lives, relative to the data dir (`hash`: its ocrBildHash, when known). */
export function ocrBildPfad(png: Buffer, hash = ocrBildHash(png)): string {
  return path.posix.join('ocr', hash.slice(0, 2), `${hash}.png`);
}

/** Opaque, idempotent job id: content hash of the image + options (`hash`: its ocrBildHash, when known). */
export function ocrJobId(png: Buffer, opts: OcrOptionen = {}, hash = ocrBildHash(png)): string {
  return `ocr-${hash.slice(0, 40)}-${opts.region ?? 'ganz'}-${opts.rotation ?? 'auto'}`;
}

/** Resolve a data-dir relative path, refusing anything outside the data dir. */
export function imDatenverzeichnis(dataDir: string, relPfad: string): string {
  const basis = path.resolve(dataDir);
  const voll = path.resolve(basis, relPfad);
  if (voll !== basis && !voll.startsWith(basis + path.sep)) throw new Error(`Pfad außerhalb des Datenverzeichnisses: ${relPfad}`);
  return voll;
}

/** Writes the hand-over copy (temp file + rename) off the event loop: the worker's main thread also runs workflow activations. */
async function schreibeAtomar(ziel: string, inhalt: Buffer): Promise<void> {
  if (fs.existsSync(ziel)) return;
  await fs.promises.mkdir(path.dirname(ziel), { recursive: true });
  const tmp = `${ziel}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  await fs.promises.writeFile(tmp, inhalt);
  await fs.promises.rename(tmp, ziel);
}

function aktivitaet(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export async function createOcrPoolClient(o: OcrPoolClientOptionen): Promise<OcrPoolClient> {
  const connection = { url: o.redisUrl, maxRetriesPerRequest: null };
  const prefix = o.prefix ?? 'bull';
  const queue = new Queue<OcrJobDaten>(OCR_QUEUE, { connection, prefix });
  const events = new QueueEvents(OCR_QUEUE, { connection, prefix });
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  } catch (err) {
    await Promise.allSettled([events.close(), queue.close()]);
    throw new TechnicalError('REDIS_NICHT_ERREICHBAR', 'Die Warteschlange des OCR-Pools (Redis) ist nicht erreichbar.', { cause: err });
  }
  const sealer: JobSealer = o.codec ? codecSealer(o.codec) : plainSealer;
  const timeoutMs = o.timeoutMs ?? 120_000;

  async function fuehreAus(png: Buffer, pfad: string, opts: OcrOptionen, hash: string): Promise<OcrErgebnis> {
    const jobId = ocrJobId(png, opts, hash);
    let job: Job<OcrJobDaten> | undefined;
    try {
      job = await Job.fromId<OcrJobDaten>(queue, jobId);
      if (job && (await job.getState()) === 'failed') {
        // Failed before (e.g. pool down): a new attempt, unless the image itself is unreadable.
        if (job.failedReason?.startsWith(UNLESBAR_PREFIX)) throw new OcrBildFehler(job.failedReason.slice(UNLESBAR_PREFIX.length));
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
      job ??= await queue.add('seite', { pfad, optionen: opts }, {
        jobId,
        attempts: o.attempts ?? 3,
        backoff: { type: 'exponential', delay: o.backoffMs ?? 2000 },
        removeOnComplete: { age: 3600, count: 10000 },
        removeOnFail: { age: 24 * 3600 },
      });
    } catch (err) {
      if (err instanceof OcrBildFehler) throw err;
      throw new TechnicalError('REDIS_NICHT_ERREICHBAR', 'Die Seite konnte nicht an den OCR-Pool übergeben werden.', { cause: err });
    }
    const ctx = aktivitaet();
    const timer = ctx ? setInterval(() => ctx.heartbeat(), 5000) : undefined;
    let rv: unknown;
    try {
      rv = await job.waitUntilFinished(events, timeoutMs);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg.startsWith(UNLESBAR_PREFIX)) throw new OcrBildFehler(msg.slice(UNLESBAR_PREFIX.length));
      if (/timed out before finishing/i.test(msg)) {
        throw new TechnicalError('OCR_ZEITUEBERSCHREITUNG', `OCR-Pool antwortet nicht: Seite nach ${Math.round(timeoutMs / 1000)} s nicht gelesen. Läuft der OCR-Pool (aktenlauf up)?`, { cause: err });
      }
      throw new TechnicalError('OCR_FEHLER', `Texterkennung im OCR-Pool fehlgeschlagen: ${msg}`, { cause: err });
    } finally {
      if (timer) clearInterval(timer);
    }
    try {
      return (await sealer.open(rv)) as OcrErgebnis;
    } catch (err) {
      throw new TechnicalError('SCHLUESSEL_FEHLT', 'Das Ergebnis des OCR-Pools lässt sich nicht entschlüsseln (AKTENLAUF_CODEC_KEYS von Engine und OCR-Pool vergleichen).', { cause: err });
    }
  }

  return {
    async erkenne(png, opts = {}) {
      // One hash of the page (≈ 0.5–2 MB PNG) for both its path and its job id.
      const hash = ocrBildHash(png);
      const pfad = ocrBildPfad(png, hash);
      const datei = imDatenverzeichnis(o.dataDir, pfad);
      await schreibeAtomar(datei, png);
      try {
        const ergebnis = await fuehreAus(png, pfad, opts, hash);
        fs.rmSync(datei, { force: true });
        return ergebnis;
      } catch (err) {
        // The copy is only the hand-over to the pool (it shows Sozialdaten): gone once the job
        // is finished for good; kept while the job may still run (timeout, Redis trouble).
        if (err instanceof OcrBildFehler) fs.rmSync(datei, { force: true });
        throw err;
      }
    },
    async erkenneDatei(relPfad, opts = {}) {
      const png = fs.readFileSync(imDatenverzeichnis(o.dataDir, relPfad));
      return fuehreAus(png, relPfad, opts, ocrBildHash(png));
    },
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

/**
 * Health of OCR for `aktenlauf doctor`: the German model is installed, and how many OCR pool
 * processes listen on queue `ocr` (BullMQ worker registry; cheap, no OCR is run).
 */
export async function ocrCheck(redisUrl: string | undefined, timeoutMs: number, prefix = 'bull'): Promise<Check> {
  const base = { id: 'ocr', label: 'OCR (Texterkennung)', required: false };
  let modell: string;
  try {
    modell = path.basename(deutschesModell().langPath);
  } catch (err) {
    return { ...base, ok: false, detail: (err as Error).message, fix: 'npm-Paket @tesseract.js-data/deu installieren.' };
  }
  if (!redisUrl) return { ...base, ok: false, detail: `Modell deu (${modell}); Redis nicht erreichbar, OCR-Pool nicht prüfbar` };
  const queue = new Queue(OCR_QUEUE, { connection: { url: redisUrl, maxRetriesPerRequest: 1, connectTimeout: timeoutMs, lazyConnect: true }, prefix });
  queue.on('error', () => undefined);
  try {
    const [workers, wartend] = await Promise.race([
      Promise.all([queue.getWorkersCount(), queue.getWaitingCount()]),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`keine Antwort nach ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return {
      ...base,
      ok: workers > 0,
      detail: `Modell deu (${modell}), ${workers} OCR-Pool-Prozess(e), ${wartend} Seite(n) wartend`,
      fix: '`npm start` startet den OCR-Pool (workers/ocr-pool.js); OCR_WORKERS = Kerne je Prozess.',
    };
  } catch (err) {
    return { ...base, ok: false, detail: `OCR-Pool nicht prüfbar: ${(err as Error).message}` };
  } finally {
    await queue.close().catch(() => undefined);
  }
}
