/**
 * Intake: the scanner hot folder, the citizen app's drop folder and the citizen app's HTTP endpoint.
 * Nothing is lost:
 *  1. a file is taken only when its size and mtime have been stable for INTAKE_STABLE_MS
 *     (a scanner still writing it is left alone; `.part`/`.tmp` names are ignored);
 *  2. its content is copied durably into the engine's store (write, fsync, rename);
 *  3. the Posteingang workflow is started with an id from the content hash (a second file
 *     with the same content starts nothing);
 *  4. only then is the file removed from the folder (or the HTTP request answered 202).
 * A crash at any moment leaves the file either still in the folder or in a started workflow;
 * the next sweep (or the app's retry) finishes what was begun.
 *
 * Citizen app messages (connectors/buerger-app, XML with base64 attachments) arrive by HTTP
 * `POST /api/eingang/nachricht` (bearer token BUERGER_APP_TOKEN) or as `*.xml` in the app drop folder
 * or the scanner hot folder: each attachment becomes one `posteingang` workflow with quelle 'upload',
 * Eingangsdatum = the Berlin day of the message's <Eingang>, hints from the message. A bad message
 * starts nothing (HTTP 400 with the German reason; a dropped file goes to `abgelehnt/` with `.grund.txt`).
 *
 * Eingangsdatum of hot-folder files: EINGANGSDATUM_QUELLE=mtime (default: when the scanner wrote the
 * file) or heute (the day the file is taken).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { eingangWorkflowId, mediaTypeOf, stapelWorkflowId, type EingangInput, type EingangsQuelle } from '../domain/eingang';
import { STAPEL_WORKFLOW } from '../domain/posteingang';
import { berlinDate } from '../domain/zeit';
import type { Logger } from '../platform/logger';
import { parseNachricht } from '../connectors/buerger-app/nachricht';
import { STANDARD_GRENZEN, type NachrichtGrenzen } from '../connectors/buerger-app/port';
import { readCredential, type CredentialSpec, type Secret } from '../connectors/credentials';
import { leseMail } from '../connectors/mail/eingang';

export interface IntakeOptions {
  client: Client;
  taskQueue: string;
  dataDir: string;
  scannerDir: string;
  storeDir: string;
  stableMs: number;
  quelle?: EingangsQuelle;
  log: Logger;
  /** Drop folder for citizen app messages (XML); not swept when absent. */
  appDir?: string;
  /** Eingangsdatum of hot-folder files: file mtime (default) or the day of taking. */
  eingangsdatumQuelle?: 'mtime' | 'heute';
  /** Limits of citizen app messages. */
  grenzen?: Partial<NachrichtGrenzen>;
  /** Largest file taken from a folder (bytes, default 50 MB; an app message: its own limit). Larger files are set aside unread. */
  maxBytes?: number;
  /**
   * Files of one sweep taken together as a Stapel (one `posteingangStapel` workflow instead of one
   * per file) when at least `min` are ready, at most `max` per Stapel. Absent or min < 2: every file alone.
   */
  stapel?: { min: number; max: number };
  /** For tests: the clock. */
  now?: () => number;
  /** For tests: how an e-mail is read (default connectors/mail/eingang.ts leseMail). */
  mailLeser?: typeof leseMail;
}

/** One outcome per file taken; a citizen app message gives one outcome per attachment (same `file`). */
export type IntakeOutcome = { file: string; result: 'gestartet' | 'duplikat'; workflowId: string } | { file: string; result: 'abgelehnt'; grund: string };

export interface NachrichtEingang {
  /** 1-based number of the attachment in the message. */
  anhang: number;
  workflowId: string;
  result: 'gestartet' | 'duplikat';
}

export type NachrichtAntwort = { ok: true; eingangsdatum: string; eingaenge: NachrichtEingang[] } | { ok: false; grund: string };

interface Seen {
  size: number;
  mtimeMs: number;
  stableSince: number;
}

const IGNORED = /(^\.|\.(tmp|part|crdownload|partial)$|~$)/i;

const ENDUNG: Record<string, string> = { 'application/pdf': '.pdf', 'image/tiff': '.tif', 'image/png': '.png', 'image/jpeg': '.jpg' };

export const BUERGER_APP_TOKEN: CredentialSpec = {
  env: 'BUERGER_APP_TOKEN',
  description: 'Bearer-Token, mit dem die Bürger-App Nachrichten an POST /api/eingang/nachricht einliefert',
  simulatorDefault: 'buerger-app-simulator-token',
};

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
    if (this.o.appDir) await fs.mkdir(this.o.appDir, { recursive: true });
  }

  get rejectDir(): string {
    return path.join(path.dirname(this.o.scannerDir), 'abgelehnt');
  }

  /** One pass over the hot folder (and the app drop folder). Returns what was taken in this pass. */
  async sweep(): Promise<IntakeOutcome[]> {
    const outcomes: IntakeOutcome[] = [];
    const ordner = [{ dir: this.o.scannerDir, nurXml: false }];
    if (this.o.appDir) ordner.push({ dir: this.o.appDir, nurXml: true });
    const present = new Set<string>();
    const kandidaten: { name: string; full: string; nurXml: boolean }[] = [];
    for (const { dir, nurXml } of ordner) {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const d of entries) {
        if (!d.isFile() || IGNORED.test(d.name)) continue;
        const full = path.join(dir, d.name);
        present.add(full);
        kandidaten.push({ name: d.name, full, nurXml });
      }
    }
    for (const key of this.seen.keys()) if (!present.has(key)) this.seen.delete(key);
    const bereit: { name: string; full: string; mtime: Date; nurXml: boolean }[] = [];
    for (const { name, full, nurXml } of kandidaten) {
      let st;
      try {
        st = await fs.stat(full);
      } catch {
        continue; // vanished between readdir and stat
      }
      const prev = this.seen.get(full);
      const t = this.now();
      if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
        this.seen.set(full, { size: st.size, mtimeMs: st.mtimeMs, stableSince: t });
        if (this.o.stableMs > 0) continue;
      } else if (t - prev.stableSince < this.o.stableMs) {
        continue;
      }
      bereit.push({ name, full, mtime: st.mtime, nurXml });
    }
    // Several scanner files ready at once: taken as Stapel (messages of the citizen app stay single).
    const min = this.o.stapel?.min ?? 0;
    const stapelbar = min >= 2 ? bereit.filter((b) => !b.nurXml && mediaTypeOf(b.name) !== undefined && mediaTypeOf(b.name) !== 'application/xml') : [];
    const einzeln = stapelbar.length >= min ? bereit.filter((b) => !stapelbar.includes(b)) : bereit;
    if (stapelbar.length >= min) {
      const max = Math.max(2, this.o.stapel?.max ?? 50);
      for (let i = 0; i < stapelbar.length; i += max) {
        const teil = stapelbar.slice(i, i + max);
        try {
          outcomes.push(...(await this.nimmStapel(teil)));
          for (const b of teil) this.seen.delete(b.full);
        } catch (err) {
          this.o.log.warn({ err: (err as Error).message, dateien: teil.length }, 'intake: Stapel left in hot folder, will retry');
        }
      }
    }
    for (const { name, full, mtime, nurXml } of einzeln) {
      try {
        outcomes.push(...(await this.take(name, full, mtime, nurXml)));
        this.seen.delete(full);
      } catch (err) {
        // Technical failure (Temporal unreachable, disk full): the file stays, next sweep retries.
        this.o.log.warn({ err: (err as Error).message }, 'intake: file left in hot folder, will retry');
      }
    }
    return outcomes;
  }

  private async reject(name: string, full: string, grund: string): Promise<IntakeOutcome> {
    const target = path.join(this.rejectDir, `${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}_${name}`);
    await fs.rename(full, target);
    await fs.writeFile(`${target}.grund.txt`, `${grund}\n`);
    this.o.log.warn({ grund }, 'intake: file rejected to abgelehnt/');
    return { file: name, result: 'abgelehnt', grund };
  }

  /** Reads a ready file; a file too large, empty or of a refused type is set aside (the outcome). */
  private async lies(name: string, full: string, nurXml: boolean): Promise<{ content: Buffer; mediaType: string } | IntakeOutcome> {
    const mediaType = mediaTypeOf(name);
    const grenze = mediaType === 'application/xml' ? (this.o.grenzen?.maxNachrichtBytes ?? STANDARD_GRENZEN.maxNachrichtBytes) : (this.o.maxBytes ?? 50 * 1024 * 1024);
    const groesse = (await fs.stat(full)).size;
    if (groesse > grenze) return this.reject(name, full, `Datei ist mit ${lesbar(groesse)} zu groß (höchstens ${lesbar(grenze)})`);
    const content = await fs.readFile(full);
    if (content.length === 0) return this.reject(name, full, 'Datei ist leer');
    if (!mediaType || (nurXml && mediaType !== 'application/xml')) {
      return this.reject(name, full, nurXml ? 'Im Ordner der Bürger-App werden nur Nachrichten (XML) angenommen' : 'Dateiformat wird nicht angenommen (erlaubt: PDF, TIFF, PNG, JPEG)');
    }
    return { content, mediaType };
  }

  private eingangsdatum(mtime: Date): string {
    return this.o.eingangsdatumQuelle === 'heute' ? berlinDate(new Date(this.now())) : berlinDate(mtime);
  }

  private async take(name: string, full: string, mtime: Date, nurXml: boolean): Promise<IntakeOutcome[]> {
    const gelesen = await this.lies(name, full, nurXml);
    if ('result' in gelesen) return [gelesen];
    const { content, mediaType } = gelesen;
    if (mediaType === 'application/xml') {
      const antwort = await this.nimmNachricht(content);
      if (!antwort.ok) return [await this.reject(name, full, `Nachricht der Bürger-App abgelehnt: ${antwort.grund}`)];
      await fs.unlink(full);
      return antwort.eingaenge.map((e) => ({ file: name, result: e.result, workflowId: e.workflowId }));
    }
    const { workflowId, result } = await this.starte(content, {
      quelle: this.o.quelle ?? 'scanner',
      eingangsdatum: this.eingangsdatum(mtime),
      fileName: name,
      mediaType,
      endung: path.extname(name).toLowerCase(),
    });
    await fs.unlink(full);
    this.o.log.info({ workflowId, result }, 'intake: taken from hot folder');
    return [{ file: name, result, workflowId }];
  }

  /**
   * Several ready files: each stored durably, then one Stapel workflow started for all of them (id
   * from their content hashes: the same files again start nothing), then the files removed. A single
   * file left after the checks goes the single way. Throws on technical failure: the files stay.
   */
  private async nimmStapel(dateien: { name: string; full: string; mtime: Date }[]): Promise<IntakeOutcome[]> {
    const outcomes: IntakeOutcome[] = [];
    const genommen: { name: string; full: string; input: EingangInput }[] = [];
    for (const d of dateien) {
      let gelesen;
      try {
        gelesen = await this.lies(d.name, d.full, false);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // taken away meanwhile
        throw err;
      }
      if ('result' in gelesen) {
        outcomes.push(gelesen);
        continue;
      }
      const input = await this.speichere(gelesen.content, {
        quelle: this.o.quelle ?? 'scanner', eingangsdatum: this.eingangsdatum(d.mtime), fileName: d.name, mediaType: gelesen.mediaType,
        endung: path.extname(d.name).toLowerCase(),
      });
      genommen.push({ name: d.name, full: d.full, input });
    }
    const eindeutig = [...new Map(genommen.map((g) => [g.input.contentHash, g.input])).values()];
    if (eindeutig.length === 1) {
      const r = await this.starteEinzeln(eindeutig[0]!);
      for (const [i, g] of genommen.entries()) {
        await fs.unlink(g.full);
        outcomes.push({ file: g.name, workflowId: r.workflowId, result: i === 0 ? r.result : 'duplikat' });
      }
      return outcomes;
    }
    if (eindeutig.length === 0) return outcomes;
    const workflowId = stapelWorkflowId(eindeutig.map((e) => e.contentHash), (x) => createHash('sha256').update(x).digest('hex'));
    let result: 'gestartet' | 'duplikat' = 'gestartet';
    try {
      await this.o.client.workflow.start(STAPEL_WORKFLOW, {
        taskQueue: this.o.taskQueue, workflowId, args: [{ eingaenge: eindeutig }], memo: { dateien: eindeutig.length }, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      result = 'duplikat';
    }
    const schonGesehen = new Set<string>();
    for (const g of genommen) {
      await fs.unlink(g.full);
      outcomes.push({ file: g.name, result: schonGesehen.has(g.input.contentHash) ? 'duplikat' : result, workflowId });
      schonGesehen.add(g.input.contentHash);
    }
    this.o.log.info({ workflowId, result, dateien: genommen.length }, 'intake: Stapel taken from hot folder');
    return outcomes;
  }

  /** Stores the content durably in the engine's store; the workflow input for it. */
  private async speichere(
    content: Buffer,
    m: { quelle: EingangsQuelle; eingangsdatum: string; fileName: string; mediaType: string; endung: string; hinweise?: EingangInput['hinweise'] },
  ): Promise<EingangInput> {
    const contentHash = createHash('sha256').update(content).digest('hex');
    const storedAbs = path.join(this.o.storeDir, `${contentHash}${m.endung}`);
    await writeDurably(storedAbs, content);
    const input: EingangInput = {
      contentHash,
      quelle: m.quelle,
      eingangsdatum: m.eingangsdatum,
      fileName: m.fileName,
      mediaType: m.mediaType,
      bytes: content.length,
      storedPath: path.relative(this.o.dataDir, storedAbs),
    };
    if (m.hinweise && Object.keys(m.hinweise).length > 0) input.hinweise = m.hinweise;
    return input;
  }

  /** Starts the file's own workflow (idempotent by content hash). */
  private async starteEinzeln(input: EingangInput): Promise<{ workflowId: string; result: 'gestartet' | 'duplikat' }> {
    const workflowId = eingangWorkflowId(input.contentHash);
    try {
      await this.o.client.workflow.start('posteingang', {
        taskQueue: this.o.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return { workflowId, result: 'gestartet' };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return { workflowId, result: 'duplikat' };
    }
  }

  /** Stores the content durably and starts its workflow (idempotent by content hash). */
  private async starte(
    content: Buffer,
    m: { quelle: EingangsQuelle; eingangsdatum: string; fileName: string; mediaType: string; endung: string; hinweise?: EingangInput['hinweise'] },
  ): Promise<{ workflowId: string; result: 'gestartet' | 'duplikat' }> {
    return this.starteEinzeln(await this.speichere(content, m));
  }

  /**
   * The parts of one message (citizen app, e-mail), each stored and started in order with the message's
   * day and hints (BG-Nummer, subject). Throws on technical failure: the sender delivers again (idempotent).
   */
  private async starteTeile(
    teile: readonly { inhalt: Buffer; dateiname: string; mediaType: string }[],
    m: { quelle: EingangsQuelle; eingangsdatum: string; bgNummer?: string; betreff?: string },
  ): Promise<{ workflowId: string; result: 'gestartet' | 'duplikat' }[]> {
    const hinweise: NonNullable<EingangInput['hinweise']> = {};
    if (m.bgNummer) hinweise.bgNummer = m.bgNummer;
    if (m.betreff) hinweise.betreff = m.betreff;
    const ergebnisse: { workflowId: string; result: 'gestartet' | 'duplikat' }[] = [];
    for (const t of teile) {
      ergebnisse.push(await this.starte(t.inhalt, {
        quelle: m.quelle, eingangsdatum: m.eingangsdatum, fileName: t.dateiname, mediaType: t.mediaType,
        endung: ENDUNG[t.mediaType] ?? sichereEndung(t.dateiname), hinweise,
      }));
    }
    return ergebnisse;
  }

  /**
   * A message of the citizen app: validated completely first (a bad message starts nothing), then every
   * attachment stored and started. Throws only on technical failure (the sender retries; starting is idempotent).
   */
  async nimmNachricht(roh: Buffer | string): Promise<NachrichtAntwort> {
    const p = parseNachricht(roh, { ...STANDARD_GRENZEN, ...this.o.grenzen }, new Date(this.now()));
    if (!p.ok) {
      this.o.log.warn({ grund: p.grund }, 'intake: citizen app message refused');
      return { ok: false, grund: p.grund };
    }
    const n = p.nachricht;
    const eingaenge: NachrichtEingang[] = (await this.starteTeile(n.anhaenge, { quelle: 'upload', ...n })).map((r, i) => ({ anhang: i + 1, ...r }));
    this.o.log.info({ anhaenge: eingaenge.length, workflowIds: eingaenge.map((e) => e.workflowId) }, 'intake: citizen app message taken');
    return { ok: true, eingangsdatum: n.eingangsdatum, eingaenge };
  }

  /**
   * An e-mail as the relay delivered it: stored as delivered (`store/mail/<sha256>.eml`), then each of
   * its documents (connectors/mail/eingang.ts) stored and started with quelle 'mail'. Throws only on
   * technical failure: the relay keeps the message and delivers it again (starting is idempotent).
   */
  async nimmMail(roh: Buffer): Promise<{ eingangsdatum: string; eingaenge: MailEingang[]; ausgelassen: number }> {
    const mailHash = createHash('sha256').update(roh).digest('hex');
    const mailDir = path.join(path.dirname(this.o.storeDir), 'mail');
    await fs.mkdir(mailDir, { recursive: true });
    await writeDurably(path.join(mailDir, `${mailHash}.eml`), roh);
    let m: Awaited<ReturnType<typeof leseMail>>;
    try {
      m = await (this.o.mailLeser ?? leseMail)(roh, new Date(this.now()));
    } catch (err) {
      // Not readable as an e-mail: taken as it is, so it waits in the Quarantäne for a person
      // (refusing it with 451 would make the gateway deliver it again forever).
      this.o.log.warn({ mail: mailHash.slice(0, 12), err: (err as Error).message }, 'intake: e-mail not readable, taken as one file for the quarantine');
      m = { eingangsdatum: berlinDate(new Date(this.now())), dokumente: [{ dateiname: 'E-Mail.eml', mediaType: 'message/rfc822', inhalt: roh }], ausgelassen: 0 };
    }
    const eingaenge: MailEingang[] = (await this.starteTeile(m.dokumente, { quelle: 'mail', ...m })).map((r, i) => ({ ...r, mailText: m.dokumente[i]!.mailText !== undefined }));
    this.o.log.info({ mail: mailHash.slice(0, 12), dokumente: eingaenge.length, ausgelassen: m.ausgelassen, workflowIds: eingaenge.map((e) => e.workflowId) }, 'intake: e-mail taken');
    return { eingangsdatum: m.eingangsdatum, eingaenge, ausgelassen: m.ausgelassen };
  }
}

export interface MailEingang {
  workflowId: string;
  result: 'gestartet' | 'duplikat';
  /** The e-mail's own text, rendered as a document. */
  mailText: boolean;
}

/** The extension of a delivered file name when it is a plain one (.docx, .zip); else none. */
function sichereEndung(name: string): string {
  const e = path.extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(e) ? e : '';
}

export interface NachrichtenServerOptionen {
  watcher: IntakeWatcher;
  token: Secret;
  log: Logger;
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  maxNachrichtBytes?: number;
}

function tokenPasst(header: string | undefined, token: Secret): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!.trim()).digest();
  const b = createHash('sha256').update(token.reveal()).digest();
  return timingSafeEqual(a, b);
}

/** The citizen app's HTTP intake: POST /api/eingang/nachricht (application/xml, bearer token). */
export async function starteNachrichtenServer(o: NachrichtenServerOptionen): Promise<{ app: FastifyInstance; url: string }> {
  const bodyLimit = o.maxNachrichtBytes ?? STANDARD_GRENZEN.maxNachrichtBytes;
  const app = Fastify({ logger: false, bodyLimit });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return reply.code(413).send({ fehler: `Die Nachricht ist zu groß (höchstens ${Math.round(bodyLimit / 1024 / 1024)} MB).` });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) {
      return reply.code(415).send({ fehler: 'Nachrichten müssen als application/xml gesendet werden.' });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ fehler: 'Ungültige Anfrage.' });
    o.log.warn({ err: err.message }, 'intake: citizen app request failed');
    return reply.code(503).send({ fehler: 'Die Nachricht konnte gerade nicht angenommen werden. Bitte später erneut senden.' });
  });
  app.get('/health', async () => ({ ok: true }));
  app.post('/api/eingang/nachricht', async (req, reply) => {
    if (!tokenPasst(req.headers.authorization, o.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ fehler: 'Nicht angemeldet: gültiges Bearer-Token erforderlich.' });
    }
    const ct = String(req.headers['content-type'] ?? '');
    if (!/^(application|text)\/xml\b/i.test(ct) || !Buffer.isBuffer(req.body)) {
      return reply.code(415).send({ fehler: 'Nachrichten müssen als application/xml gesendet werden.' });
    }
    const antwort = await o.watcher.nimmNachricht(req.body);
    if (!antwort.ok) return reply.code(400).send({ fehler: antwort.grund });
    // 202 only now: every attachment is stored durably and its workflow started.
    return reply.code(202).send({ eingangsdatum: antwort.eingangsdatum, eingaenge: antwort.eingaenge });
  });
  const url = await app.listen({ host: o.host, port: o.port });
  return { app, url };
}

function lesbar(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.ceil(bytes / 1024)} KB`;
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
  const { starteMailEingang } = require('./mail-eingang') as typeof import('./mail-eingang');
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
      appDir: cfg.intake.appDir,
      eingangsdatumQuelle: cfg.intake.eingangsdatumQuelle,
      stapel: cfg.intake.stapel,
      log,
    });
    await watcher.init();
    // The hot folders keep working even when the HTTP intake cannot start (port taken, token missing): said loudly.
    let server: Awaited<ReturnType<typeof starteNachrichtenServer>> | undefined;
    try {
      server = await starteNachrichtenServer({ watcher, token: readCredential(BUERGER_APP_TOKEN), log, host: cfg.intake.host, port: cfg.intake.port });
    } catch (err) {
      log.error({ err: (err as Error).message, port: cfg.intake.port }, 'intake: HTTP intake of the citizen app NOT running');
    }
    let mail: Awaited<ReturnType<typeof starteMailEingang>> | undefined;
    if (cfg.intake.mail.port > 0) {
      try {
        mail = await starteMailEingang({ watcher, log, host: cfg.intake.mail.host, port: cfg.intake.mail.port, maxBytes: cfg.intake.mail.maxBytes, erlaubt: cfg.intake.mail.erlaubt });
      } catch (err) {
        log.error({ err: (err as Error).message, port: cfg.intake.mail.port }, 'intake: e-mail intake (SMTP) NOT running');
      }
    }
    log.info({ pollMs: cfg.intake.pollMs, url: server?.url, mail: mail?.url }, 'intake watcher running');
    signalReady();
    while (!signal.aborted) {
      try {
        await watcher.sweep();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'intake sweep failed');
      }
      await new Promise((r) => setTimeout(r, cfg.intake.pollMs));
    }
    await server?.app.close();
    await mail?.stop();
    await connection.close();
  }, { umask: cfg.umask });
}
