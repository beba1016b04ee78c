/**
 * A robot process's worker for one target system: a BullMQ worker on queue `robots-<system>`
 * whose slots are warm, logged-in browser contexts of one shared Chromium.
 *
 * - Global concurrency of the queue = licensed sessions (`queue.setGlobalConcurrency`), over
 *   all robot processes; the BullMQ limiter caps actions per minute over all of them.
 * - Each concurrent slot keeps its context and page between jobs (created on first use, so a
 *   process holds no more sessions than it has run at once).
 * - Business errors fail the job at once (UnrecoverableError); technical errors are retried
 *   by BullMQ with exponential backoff. On a technical failure the page's screenshot and HTML
 *   go to `<dataDir>/robots/failures/<jobId>/versuch-<n>.{png,html}` (mode 0600) and the path
 *   is part of the job's failedReason; the slot's context is then replaced.
 * - A robot killed mid-job loses its lock; another robot's stalled check puts the job back
 *   and runs it again. The page scripts are idempotent against the target (Referenz), so the
 *   business result is recorded once.
 */
import { mitFrist } from '../../platform/frist';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { errors as pwErrors, type Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/stack/chromium';
import { BusinessError, TechnicalError, isBusinessError } from '../errors';
import type { Logger } from '../../platform/logger';
import type { RobotProcessSettings, RobotTargetSettings } from './config';
import { formatFailure, type RobotFailure } from './failure';
import { plainSealer, type JobSealer } from './sealing';
import { PageSession, type RobotDefinition } from './session';

export function robotQueueName(system: string): string {
  return `robots-${system}`;
}

export interface RobotWorkerOptions {
  def: RobotDefinition;
  redisUrl: string;
  target: RobotTargetSettings;
  process: RobotProcessSettings;
  dataDir: string;
  log: Logger;
  /** Chromium binary (required unless `browser` is given). */
  chromiumPath?: string;
  /** A browser shared with other workers of this process (not closed by this worker). */
  browser?: BrowserProvider;
  sealer?: JobSealer;
  /** Worker concurrency in this process; default = target.sessions. */
  concurrency?: number;
  /** Name of this robot (shown as the job's processing worker). */
  name?: string;
  /** BullMQ key prefix (default 'bull'); tests use their own. */
  prefix?: string;
  /** Failure artefacts older than this are removed at start (default 30 days). */
  failuresKeepDays?: number;
}

/** One Chromium per robot process, launched again if it crashed. */
export class BrowserProvider {
  private browser?: Browser;
  private launching?: Promise<Browser>;
  constructor(private readonly chromiumPath: string) {}

  async get(): Promise<Browser> {
    if (this.browser?.isConnected()) return this.browser;
    this.launching ??= launchChromium(this.chromiumPath).finally(() => {
      this.launching = undefined;
    });
    this.browser = await this.launching;
    return this.browser;
  }

  async close(): Promise<void> {
    const b = this.browser ?? (await this.launching?.catch(() => undefined));
    this.browser = undefined;
    await b?.close().catch(() => undefined);
  }
}

interface Slot {
  session?: PageSession;
  busy: boolean;
}

export class RobotWorker {
  private worker?: Worker;
  private queue?: Queue;
  private readonly browser: BrowserProvider;
  private readonly ownBrowser: boolean;
  private readonly slots: Slot[] = [];
  private closing = false;
  readonly failuresDir: string;

  constructor(private readonly o: RobotWorkerOptions) {
    this.failuresDir = path.join(o.dataDir, 'robots', 'failures');
    this.ownBrowser = !o.browser;
    if (o.browser) this.browser = o.browser;
    else if (o.chromiumPath) this.browser = new BrowserProvider(o.chromiumPath);
    else throw new TechnicalError('CHROMIUM_FEHLT', 'Kein Chromium für die Roboter konfiguriert (CHROMIUM_PATH).');
  }

  get queueName(): string {
    return robotQueueName(this.o.def.system);
  }

  /** Logins done by all slots so far (for health and tests). */
  get logins(): number {
    return this.slots.reduce((n, s) => n + (s.session?.logins ?? 0), 0);
  }

  /** Removes failure artefacts older than `keepDays` (they show Sozialdaten). */
  async pruneFailures(keepDays = 30): Promise<number> {
    const limit = Date.now() - keepDays * 86400000;
    let removed = 0;
    const entries = await fs.readdir(this.failuresDir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const dir = path.join(this.failuresDir, e.name);
      const st = await fs.stat(dir).catch(() => undefined);
      if (e.isDirectory() && st && st.mtimeMs < limit) {
        await fs.rm(dir, { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }

  async start(): Promise<void> {
    await this.pruneFailures(this.o.failuresKeepDays);
    const connection = { url: this.o.redisUrl, maxRetriesPerRequest: null };
    const prefix = this.o.prefix ?? 'bull';
    this.queue = new Queue(this.queueName, { connection, prefix });
    await this.queue.setGlobalConcurrency(this.o.target.sessions);
    const concurrency = this.o.concurrency ?? this.o.target.sessions;
    this.worker = new Worker(this.queueName, (job) => this.process(job), {
      connection,
      prefix,
      name: this.o.name ?? `roboter-${this.o.def.system}-${process.pid}`,
      concurrency,
      limiter: { max: this.o.target.ratePerMin, duration: 60000 },
      lockDuration: this.o.process.lockMs,
      stalledInterval: this.o.process.stalledIntervalMs,
      maxStalledCount: this.o.process.maxStalled,
      autorun: false,
    });
    this.worker.on('error', (err) => this.o.log.warn({ queue: this.queueName, err: err.message }, 'robot worker error'));
    this.worker.on('failed', (job, err) => {
      if (job) this.o.log.warn({ queue: this.queueName, jobId: job.id, job: job.name, attempt: job.attemptsMade, reason: err.message }, 'robot job failed');
    });
    this.worker.on('stalled', (jobId) => this.o.log.warn({ queue: this.queueName, jobId }, 'robot job stalled, taken over'));
    await this.worker.waitUntilReady();
    void this.worker.run().catch((err: unknown) => this.o.log.error({ queue: this.queueName, err: (err as Error).message }, 'robot worker stopped'));
    this.o.log.info({ queue: this.queueName, concurrency, sessions: this.o.target.sessions, ratePerMin: this.o.target.ratePerMin }, 'robot worker started');
  }

  /** Graceful stop: running jobs finish, then contexts and (own) browser close. */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker?.close();
    await this.queue?.close();
    for (const slot of this.slots) await slot.session?.context.close().catch(() => undefined);
    this.slots.length = 0;
    if (this.ownBrowser) await this.browser.close();
  }

  private async acquire(): Promise<Slot> {
    let slot = this.slots.find((s) => !s.busy);
    if (!slot) {
      slot = { busy: false };
      this.slots.push(slot);
    }
    slot.busy = true;
    try {
      if (!slot.session || slot.session.page.isClosed()) {
        const browser = await this.browser.get();
        const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin', viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        slot.session = new PageSession(this.o.def, context, page, this.o.target.actionTimeoutMs);
      }
      return slot;
    } catch (err) {
      slot.busy = false;
      throw err;
    }
  }

  private async reset(slot: Slot): Promise<void> {
    const s = slot.session;
    slot.session = undefined;
    await s?.context.close().catch(() => undefined);
  }

  private async process(job: Job): Promise<unknown> {
    const sealer = this.o.sealer ?? plainSealer;
    const action = this.o.def.actions[job.name];
    if (!action) {
      throw new UnrecoverableError(formatFailure({ art: 'TechnicalError', code: 'AKTION_UNBEKANNT', meldung: `Der Roboter kennt die Aktion ${job.name} nicht.` }));
    }
    let data: unknown;
    try {
      data = await sealer.open(job.data);
    } catch {
      throw new UnrecoverableError(formatFailure({ art: 'TechnicalError', code: 'SCHLUESSEL_FEHLT', meldung: 'Die Auftragsdaten lassen sich nicht entschlüsseln (AKTENLAUF_CODEC_KEYS von Engine und Roboter-Pool vergleichen).' }));
    }
    let slot: Slot | undefined;
    try {
      slot = await this.acquire();
      const session = slot.session!;
      await session.ensureLoggedIn();
      const result = await withTimeout(action(session, data as never), this.o.target.jobTimeoutMs);
      return await sealer.seal(result);
    } catch (err) {
      const failure = classify(err);
      const retryable = failure.art === 'TechnicalError' && (err as { retryable?: boolean }).retryable !== false;
      if (failure.art === 'TechnicalError' && slot?.session && !this.closing) {
        failure.artefakte = await this.saveArtifacts(slot.session, job);
      }
      if (failure.art === 'TechnicalError' && slot) await this.reset(slot);
      const line = formatFailure(failure);
      await job.log(line).catch(() => undefined);
      if (!retryable) throw new UnrecoverableError(line);
      throw new Error(line, { cause: err });
    } finally {
      if (slot) slot.busy = false;
    }
  }

  private async saveArtifacts(session: PageSession, job: Job): Promise<string | undefined> {
    const dir = path.join(this.failuresDir, safeName(job.id ?? 'ohne-id'));
    const base = path.join(dir, `versuch-${job.attemptsMade + 1}`);
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const [png, html] = await Promise.all([
        session.page.screenshot({ fullPage: true, timeout: 5000 }).catch(() => undefined),
        session.page.content().catch(() => undefined),
      ]);
      if (png) await fs.writeFile(`${base}.png`, png, { mode: 0o600 });
      if (html !== undefined) await fs.writeFile(`${base}.html`, html, { mode: 0o600 });
      if (!png && html === undefined) return undefined;
      return base;
    } catch (err) {
      this.o.log.warn({ jobId: job.id, err: (err as Error).message }, 'could not store robot failure artefacts');
      return undefined;
    }
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
}

class JobTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return mitFrist(p, ms, () => new JobTimeout(`nach ${ms} ms`));
}

/** Every error of a page script becomes a business or technical failure, never a crash. */
export function classify(err: unknown): RobotFailure {
  if (isBusinessError(err)) return { art: 'BusinessError', code: (err as BusinessError).code, meldung: (err as Error).message };
  if (err instanceof TechnicalError) return { art: 'TechnicalError', code: err.code, meldung: err.message };
  if (err instanceof JobTimeout) return { art: 'TechnicalError', code: 'ZEITUEBERSCHREITUNG', meldung: `Der Roboterauftrag wurde nicht rechtzeitig fertig (${err.message}).` };
  if (err instanceof pwErrors.TimeoutError) return { art: 'TechnicalError', code: 'ZEITUEBERSCHREITUNG', meldung: 'Das Zielsystem antwortete nicht rechtzeitig.' };
  // Page text and URLs may carry Sozialdaten: keep neither in the failure line.
  const msg = (err instanceof Error ? err.message : String(err)).replace(/https?:\/\/\S+/g, '<URL>');
  if (/net::ERR_|ECONNREFUSED|ECONNRESET/.test(msg)) return { art: 'TechnicalError', code: 'NICHT_ERREICHBAR', meldung: 'Das Zielsystem ist nicht erreichbar.' };
  if (/Target (page, context or browser )?closed|browser has been closed|Browser closed/i.test(msg)) return { art: 'TechnicalError', code: 'BROWSER_BEENDET', meldung: 'Der Browser des Roboters wurde beendet.' };
  // Unknown errors: the first line only (Playwright messages may quote page text).
  return { art: 'TechnicalError', code: 'ROBOTER_FEHLER', meldung: `Unerwarteter Fehler im Roboter: ${msg.split('\n')[0]!.slice(0, 200)}` };
}
