/**
 * Tamper-evident audit trail of the console (Eingabekontrolle, Art. 32 DSGVO; BSI OPS.1.1.5):
 * append-only JSON lines in <dataDir>/audit/audit.jsonl. Each entry carries the hash of the
 * one before (`prev`) and its own `hash = sha256(prev + canonical entry)`, so changing,
 * removing or reordering a line breaks the chain at that line. Appends are serialized within
 * the process and fsync'd before the caller continues.
 *
 * Entries name staff (user names) and routes, never citizens: no names, numbers or
 * document contents. Truncating the tail or deleting the whole file is not detectable from
 * the chain alone; ship the file to a write-once store for that.
 *
 * Segments and retention: at the first append of a new calendar month (UTC) the active file is
 * closed and moved to `audit/segmente/audit-<nnnnnn>.jsonl`; the chain runs on across segments.
 * Retention (`pruneAuditSegments`) deletes whole old segments only, after writing `audit/anker.json`
 * with the last hash of the newest deleted segment: verification then starts from that anchor.
 *
 * Crash safety: a line is fsync'd before `append` resolves (the console answers only after
 * that). A process killed mid-write can leave an incomplete last line; `AuditLog.open` moves
 * those bytes to `audit/defekt-<zeit>.txt`, cuts the file back to the last complete line and
 * records an `audit.reparatur` entry — an action whose entry was incomplete was never answered.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Config } from '../platform/config';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'erfolg' | 'abgelehnt' | 'fehler';

export interface AuditEvent {
  /** Staff user name, or "(unbekannt)" / "(anonym)"; never a citizen. */
  actor: string;
  /** Role of the actor, "-" when none. */
  role: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
}

export interface AuditEntry extends AuditEvent {
  ts: string;
  prev: string;
  hash: string;
}

const ENTRY_KEYS = ['action', 'actor', 'hash', 'outcome', 'prev', 'role', 'target', 'ts'];

export class AuditError extends Error {
  override name = 'AuditError';
}

export function auditFile(cfg: Config): string {
  return path.join(cfg.dataDir, 'audit', 'audit.jsonl');
}

/** Folder of the closed segments of an audit file. */
export function segmentDir(file: string): string {
  return path.join(path.dirname(file), 'segmente');
}

export function anchorFile(file: string): string {
  return path.join(path.dirname(file), 'anker.json');
}

const SEGMENT_NAME = /^audit-(\d{6})\.jsonl$/;

export interface AuditSegment {
  seq: number;
  file: string;
}

/** Closed segments, oldest first. */
export function listSegments(file: string): AuditSegment[] {
  const dir = segmentDir(file);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => ({ m: SEGMENT_NAME.exec(name), name }))
    .filter((x): x is { m: RegExpExecArray; name: string } => x.m !== null)
    .map((x) => ({ seq: Number(x.m[1]), file: path.join(dir, x.name) }))
    .sort((a, b) => a.seq - b.seq);
}

/** Where verification starts after retention deleted old segments. */
export interface AuditAnchor {
  version: 1;
  /** Hash of the last entry of the newest deleted segment. */
  prev: string;
  /** Sequence number of the newest deleted segment. */
  segment: number;
  /** Time stamp of that last entry. */
  bis: string;
  /** Entries deleted by retention so far (all runs). */
  entfernt: number;
}

export function readAnchor(file: string): AuditAnchor | undefined {
  const f = anchorFile(file);
  if (!fs.existsSync(f)) return undefined;
  const a = JSON.parse(fs.readFileSync(f, 'utf8')) as AuditAnchor;
  if (a.version !== 1 || typeof a.prev !== 'string' || !/^[0-9a-f]{64}$/.test(a.prev) || !Number.isInteger(a.segment)) {
    throw new AuditError(`Anker ${f} ist unlesbar.`);
  }
  return a;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The hashed content of an entry: its fields in a fixed (sorted) order, without prev and hash. */
function canonical(e: Omit<AuditEntry, 'prev' | 'hash'>): string {
  return JSON.stringify([e.action, e.actor, e.outcome, e.role, e.target, e.ts]);
}

export function entryHash(prev: string, e: Omit<AuditEntry, 'prev' | 'hash'>): string {
  return createHash('sha256').update(prev).update(canonical(e)).digest('hex');
}

/** Lines of a file; the stream is closed also when the caller stops early. */
async function* fileLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file, 'utf8');
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    input.destroy();
  }
}

/** Hash of the last complete entry of a file, or undefined when it has none. */
async function lastHashOf(file: string): Promise<string | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return undefined;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    const last = lines[lines.length - 1];
    let hash: unknown;
    try {
      hash = (JSON.parse(last ?? '') as { hash?: unknown }).hash;
    } catch {
      /* handled below */
    }
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new AuditError(`Audit-Protokoll ${file}: letzte Zeile ist unlesbar; mit „aktenlauf audit verify“ prüfen und sichern, bevor weitergeschrieben wird.`);
    }
    return hash;
  } finally {
    await fh.close();
  }
}

export interface AuditRepair {
  /** Bytes of the incomplete last line that were cut off. */
  bytes: number;
  /** Where they were saved. */
  savedTo: string;
}

/**
 * Cuts an incomplete last line (no newline at the end: the writer died mid-write) off the
 * file, saving the bytes next to it. Returns undefined when the file ends cleanly.
 */
export async function repairTruncatedTail(file: string): Promise<AuditRepair | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return undefined;
    // Find the last newline, reading backwards in chunks.
    let cut = 0;
    const chunk = 64 * 1024;
    for (let end = size; end > 0 && cut === 0; end -= chunk) {
      const start = Math.max(0, end - chunk);
      const buf = Buffer.alloc(end - start);
      await fh.read(buf, 0, buf.length, start);
      const idx = buf.lastIndexOf(0x0a);
      if (idx >= 0) cut = start + idx + 1;
      if (start === 0) break;
    }
    const tail = Buffer.alloc(size - cut);
    await fh.read(tail, 0, tail.length, cut);
    const savedTo = path.join(path.dirname(file), `defekt-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`);
    await fsp.writeFile(savedTo, tail, { mode: 0o600, flush: true });
    await fh.truncate(cut);
    await fh.sync();
    return { bytes: tail.length, savedTo };
  } finally {
    await fh.close();
  }
}

/** The hash the next entry must chain to: last entry of the active file, else of the newest segment, else the anchor. */
async function chainHead(file: string): Promise<string> {
  const active = await lastHashOf(file);
  if (active) return active;
  const anchor = readAnchor(file);
  const segments = listSegments(file).filter((s) => !anchor || s.seq > anchor.segment);
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const h = await lastHashOf(segments[i]!.file);
    if (h) return h;
  }
  return anchor?.prev ?? GENESIS_HASH;
}

async function firstTs(file: string): Promise<string | undefined> {
  if (!fs.existsSync(file)) return undefined;
  for await (const line of fileLines(file)) {
    if (line.trim() === '') continue;
    try {
      const ts = (JSON.parse(line) as { ts?: unknown }).ts;
      return typeof ts === 'string' ? ts : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const LOCK_STALE_MS = 10_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
const LOCK_WAIT_MS = 15_000;

/**
 * Cross-process lock of the trail (console, CLI and retention activity may append): an
 * exclusively created lock file; a lock older than 10 s belongs to a dead process and is broken.
 */
async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await fsp.open(lockFile, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await fsp.rm(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const st = await fsp.stat(lockFile).catch(() => undefined);
    const owner = Number(await fsp.readFile(lockFile, 'utf8').catch(() => ''));
    if (st && (Date.now() - st.mtimeMs > LOCK_STALE_MS || (owner > 0 && !processAlive(owner)))) {
      await fsp.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new AuditError(`Audit-Protokoll ist gesperrt (${lockFile}); ein anderer Prozess schreibt gerade.`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Size of the active file after our last write: a different size means another process wrote. */
  private size = -1;
  private pending: { event: AuditEvent; resolve: (e: AuditEntry) => void; reject: (err: unknown) => void }[] = [];
  private flushScheduled = false;

  private constructor(
    readonly file: string,
    private fh: fsp.FileHandle,
    private lastHash: string,
    /** Month (YYYY-MM, UTC) of the first entry of the active file; undefined while it is empty. */
    private month: string | undefined,
    /** Set when open() cut an incomplete last line off. */
    readonly repaired?: AuditRepair,
  ) {}

  static async open(file: string): Promise<AuditLog> {
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const release = await acquireLock(`${file}.lock`);
    let log: AuditLog;
    try {
      const repaired = await repairTruncatedTail(file);
      const fh = await fsp.open(file, 'a', 0o600);
      log = new AuditLog(file, fh, GENESIS_HASH, undefined, repaired);
    } finally {
      await release();
    }
    if (log.repaired) {
      await log.append({
        actor: '(system)', role: '-', action: 'audit.reparatur',
        target: `unvollständige letzte Zeile (${log.repaired.bytes} Bytes) abgeschnitten, gesichert in ${path.basename(log.repaired.savedTo)}`,
        outcome: 'erfolg',
      });
    }
    return log;
  }

  /** Appends one entry; resolves after the line is on disk (fsync). Appends run one at a time. */
  append(event: AuditEvent): Promise<AuditEntry> {
    // Group commit: appends that arrive while a write is under way share the next write + fsync.
    return new Promise<AuditEntry>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      this.locked(async () => {
        this.flushScheduled = false;
        const batch = this.pending.splice(0);
        try {
          const entries = await this.writeBatch(batch.map((b) => b.event));
          batch.forEach((b, i) => b.resolve(entries[i]!));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }).catch((err: unknown) => {
        // The lock or the file could not be taken: every waiting append fails.
        this.flushScheduled = false;
        for (const b of this.pending.splice(0)) b.reject(err);
      });
    });
  }

  /** Closes the active file as the next segment; the chain continues in a new active file. */
  rotate(): Promise<void> {
    return this.locked(() => this.doRotate());
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      if (this.closed) throw new AuditError('Audit-Protokoll ist geschlossen');
      const release = await acquireLock(`${this.file}.lock`);
      try {
        await this.refresh();
        return await fn();
      } finally {
        await release();
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Follows what other processes did: a rotated (renamed) file is reopened, a grown one re-read. */
  private async refresh(): Promise<void> {
    const onDisk = await fsp.stat(this.file).catch(() => undefined);
    const ours = await this.fh.stat();
    if (!onDisk || onDisk.ino !== ours.ino) {
      await this.fh.close();
      this.fh = await fsp.open(this.file, 'a', 0o600);
      this.size = -1;
    }
    const { size } = await this.fh.stat();
    if (size !== this.size) {
      this.lastHash = await chainHead(this.file);
      this.month = (await firstTs(this.file))?.slice(0, 7);
      this.size = size;
    }
  }

  private async doRotate(): Promise<void> {
    const { size } = await this.fh.stat();
    if (size === 0) return;
    const dir = segmentDir(this.file);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const anchor = readAnchor(this.file);
    const seq = Math.max(0, anchor?.segment ?? 0, ...listSegments(this.file).map((x) => x.seq)) + 1;
    await this.fh.sync();
    await this.fh.close();
    await fsp.rename(this.file, path.join(dir, `audit-${String(seq).padStart(6, '0')}.jsonl`));
    await fsyncDir(dir);
    await fsyncDir(path.dirname(this.file));
    this.fh = await fsp.open(this.file, 'a', 0o600);
    this.month = undefined;
    this.size = 0;
  }

  /** Writes entries in order, one fsync per batch (and before a monthly rotation inside it). */
  private async writeBatch(events: AuditEvent[]): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let chunk: Buffer[] = [];
    let lastHash = this.lastHash;
    const flush = async () => {
      if (chunk.length === 0) return;
      const buf = Buffer.concat(chunk);
      await this.fh.write(buf);
      await this.fh.sync();
      this.size += buf.length;
      this.lastHash = lastHash;
      chunk = [];
    };
    for (const event of events) {
      const ts = new Date().toISOString();
      if (this.month !== undefined && this.month !== ts.slice(0, 7)) {
        await flush();
        await this.doRotate();
      }
      const body = { ts, actor: event.actor, role: event.role, action: event.action, target: event.target, outcome: event.outcome };
      const entry: AuditEntry = { ...body, prev: lastHash, hash: entryHash(lastHash, body) };
      chunk.push(Buffer.from(JSON.stringify(entry) + '\n', 'utf8'));
      lastHash = entry.hash;
      this.month ??= ts.slice(0, 7);
      entries.push(entry);
    }
    await flush();
    return entries;
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

/** Appends one entry from a short-lived process (CLI, activity): open, append, close. */
export async function appendAudit(file: string, event: AuditEvent): Promise<AuditEntry> {
  const log = await AuditLog.open(file);
  try {
    return await log.append(event);
  } finally {
    await log.close();
  }
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** 1-based line number of the first line that does not fit the chain. */
  brokenAt?: number;
  reason?: string;
  lastHash: string;
}

/** Re-computes the chain of one file, starting from `start`. A missing file is an empty, intact chain. */
export async function verifyAuditChain(file: string, start: string = GENESIS_HASH): Promise<AuditVerification> {
  if (!fs.existsSync(file)) return { ok: true, entries: 0, lastHash: start };
  const input = fs.createReadStream(file, 'utf8');
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let prev = start;
  let entries = 0;
  let lineNo = 0;
  let firstEmpty: number | undefined;
  const broken = (at: number, reason: string): AuditVerification => ({ ok: false, entries, brokenAt: at, reason, lastHash: prev });
  try {
    for await (const line of rl) {
      lineNo += 1;
      if (line === '') {
        firstEmpty ??= lineNo;
        continue;
      }
      if (firstEmpty !== undefined) return broken(firstEmpty, 'leere Zeile mitten im Protokoll');
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        return broken(lineNo, 'Zeile ist kein JSON');
      }
      if (!isEntryShape(e)) return broken(lineNo, 'Zeile hat nicht die Felder eines Protokolleintrags');
      if (e.prev !== prev) return broken(lineNo, 'Verkettung unterbrochen (prev passt nicht zum Vorgänger)');
      if (entryHash(prev, e) !== e.hash) return broken(lineNo, 'Prüfsumme passt nicht zum Inhalt');
      prev = e.hash;
      entries += 1;
    }
  } finally {
    rl.close();
    input.destroy();
  }
  return { ok: true, entries, lastHash: prev };
}

function isEntryShape(e: unknown): e is AuditEntry {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const rec = e as Record<string, unknown>;
  return Object.keys(rec).sort().join(',') === ENTRY_KEYS.join(',') && ENTRY_KEYS.every((k) => typeof rec[k] === 'string');
}

export interface AuditTrailVerification {
  ok: boolean;
  /** Verified entries over all files. */
  entries: number;
  files: number;
  lastHash: string;
  /** Start of the chain: the anchor after retention, else genesis. */
  anchor?: AuditAnchor;
  /** First broken place: file, 1-based line, reason, and the line itself (shortened). */
  broken?: { file: string; line: number; reason: string; text?: string };
}

async function lineAt(file: string, lineNo: number): Promise<string | undefined> {
  let n = 0;
  for await (const line of fileLines(file)) {
    n += 1;
    if (n === lineNo) return line.length > 500 ? `${line.slice(0, 500)}…` : line;
  }
  return undefined;
}

/** The files of the trail in chain order: live segments (after the anchor), then the active file. */
export function trailFiles(file: string): string[] {
  const anchor = readAnchor(file);
  return [...listSegments(file).filter((x) => !anchor || x.seq > anchor.segment).map((x) => x.file), file];
}

/**
 * Verifies the whole trail: from the anchor (or genesis) through every segment into the active
 * file. A missing segment in the sequence breaks the chain (its successor's prev does not fit).
 */
export async function verifyAuditTrail(file: string): Promise<AuditTrailVerification> {
  const anchor = readAnchor(file);
  let prev = anchor?.prev ?? GENESIS_HASH;
  let entries = 0;
  const files = trailFiles(file);
  for (const f of files) {
    const v = await verifyAuditChain(f, prev);
    entries += v.entries;
    if (!v.ok) {
      return { ok: false, entries, files: files.length, lastHash: v.lastHash, anchor, broken: { file: f, line: v.brokenAt!, reason: v.reason!, text: await lineAt(f, v.brokenAt!) } };
    }
    prev = v.lastHash;
  }
  return { ok: true, entries, files: files.length, lastHash: prev, anchor };
}

/** All entries of the trail, oldest first (lines that are not entries are skipped: verify reports them). */
export async function* readAuditEntries(file: string): AsyncGenerator<AuditEntry> {
  for (const f of trailFiles(file)) {
    if (!fs.existsSync(f)) continue;
    for await (const line of fileLines(f)) {
      if (line.trim() === '') continue;
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        continue;
      }
      if (isEntryShape(e)) yield e;
    }
  }
}

export interface AuditFilter {
  actor?: string;
  /** Prefix of the action, e.g. "zeitplan." or "anmeldung". */
  action?: string;
  von?: Date;
  bis?: Date;
  /** Case-insensitive substring of the target. */
  text?: string;
  outcome?: AuditOutcome;
}

export function matchesFilter(e: AuditEntry, f: AuditFilter): boolean {
  if (f.actor && e.actor !== f.actor) return false;
  if (f.action && !e.action.startsWith(f.action)) return false;
  if (f.outcome && e.outcome !== f.outcome) return false;
  const t = Date.parse(e.ts);
  if (f.von && t < f.von.getTime()) return false;
  if (f.bis && t > f.bis.getTime()) return false;
  if (f.text && !e.target.toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}

/** Entries matching the filter, newest first, at most `limit` (truncated tells whether more matched). */
export async function searchAudit(file: string, f: AuditFilter, limit: number): Promise<{ entries: AuditEntry[]; total: number; truncated: boolean }> {
  const hits: AuditEntry[] = [];
  let total = 0;
  for await (const e of readAuditEntries(file)) {
    if (!matchesFilter(e, f)) continue;
    total += 1;
    hits.push(e);
    if (hits.length > limit) hits.shift();
  }
  return { entries: hits.reverse(), total, truncated: total > limit };
}

export interface AuditPruneResult {
  deletedSegments: number;
  deletedEntries: number;
  bytes: number;
  anchor?: AuditAnchor;
}

/**
 * Retention of the audit trail: deletes closed segments whose newest entry is older than
 * `before`, oldest first, never the active file and never a segment after one that must stay.
 * The anchor is written (atomically, fsync'd) before anything is deleted, so a crash in between
 * leaves segments that verification skips and the next run deletes.
 */
export async function pruneAuditSegments(file: string, before: Date, o: { dryRun?: boolean } = {}): Promise<AuditPruneResult> {
  const anchor = readAnchor(file);
  const all = listSegments(file);
  // Segments already covered by the anchor (a run died after writing it): delete them.
  const stale = all.filter((x) => anchor && x.seq <= anchor.segment);
  const live = all.filter((x) => !anchor || x.seq > anchor.segment);
  const doomed: { seg: AuditSegment; last: AuditEntry; count: number; bytes: number }[] = [];
  for (const seg of live) {
    let last: AuditEntry | undefined;
    let count = 0;
    for await (const line of fileLines(seg.file)) {
      if (line.trim() === '') continue;
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        e = undefined;
      }
      if (!isEntryShape(e)) throw new AuditError(`Segment ${seg.file} enthält eine ungültige Zeile; erst prüfen („aktenlauf audit verify“).`);
      last = e;
      count += 1;
    }
    if (!last || Date.parse(last.ts) >= before.getTime()) break;
    doomed.push({ seg, last, count, bytes: fs.statSync(seg.file).size });
  }
  const bytes = doomed.reduce((n, d) => n + d.bytes, 0) + stale.reduce((n, x) => n + fs.statSync(x.file).size, 0);
  const deletedEntries = doomed.reduce((n, d) => n + d.count, 0);
  if (o.dryRun) return { deletedSegments: doomed.length + stale.length, deletedEntries, bytes, anchor };
  let next = anchor;
  if (doomed.length > 0) {
    const newest = doomed[doomed.length - 1]!;
    next = { version: 1, prev: newest.last.hash, segment: newest.seg.seq, bis: newest.last.ts, entfernt: (anchor?.entfernt ?? 0) + deletedEntries };
    const tmp = `${anchorFile(file)}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600, flush: true });
    await fsp.rename(tmp, anchorFile(file));
    await fsyncDir(path.dirname(file));
  }
  for (const x of [...stale, ...doomed.map((d) => d.seg)]) await fsp.rm(x.file, { force: true });
  if (doomed.length + stale.length > 0) await fsyncDir(segmentDir(file));
  return { deletedSegments: doomed.length + stale.length, deletedEntries, bytes, anchor: next };
}
