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

/** The hashed content of an entry: its fields in a fixed (sorted) order, without prev and hash. */
function canonical(e: Omit<AuditEntry, 'prev' | 'hash'>): string {
  return JSON.stringify([e.action, e.actor, e.outcome, e.role, e.target, e.ts]);
}

export function entryHash(prev: string, e: Omit<AuditEntry, 'prev' | 'hash'>): string {
  return createHash('sha256').update(prev).update(canonical(e)).digest('hex');
}

async function readLastHash(file: string): Promise<string> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return GENESIS_HASH;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return GENESIS_HASH;
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
      throw new AuditError(`Audit-Protokoll ${file}: letzte Zeile ist unlesbar; mit verifyAuditChain prüfen und sichern, bevor weitergeschrieben wird.`);
    }
    return hash;
  } finally {
    await fh.close();
  }
}

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fh: fsp.FileHandle,
    private lastHash: string,
  ) {}

  static async open(file: string): Promise<AuditLog> {
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const lastHash = await readLastHash(file);
    const fh = await fsp.open(file, 'a', 0o600);
    return new AuditLog(file, fh, lastHash);
  }

  /** Appends one entry; resolves after the line is on disk (fsync). Appends run one at a time. */
  append(event: AuditEvent): Promise<AuditEntry> {
    const run = this.tail.then(() => this.write(event));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async write(event: AuditEvent): Promise<AuditEntry> {
    if (this.closed) throw new AuditError('Audit-Protokoll ist geschlossen');
    const body = { ts: new Date().toISOString(), actor: event.actor, role: event.role, action: event.action, target: event.target, outcome: event.outcome };
    const prev = this.lastHash;
    const entry: AuditEntry = { ...body, prev, hash: entryHash(prev, body) };
    await this.fh.write(JSON.stringify(entry) + '\n');
    await this.fh.sync();
    this.lastHash = entry.hash;
    return entry;
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
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

/** Re-computes the whole chain. A missing file is an empty, intact chain. */
export async function verifyAuditChain(file: string): Promise<AuditVerification> {
  if (!fs.existsSync(file)) return { ok: true, entries: 0, lastHash: GENESIS_HASH };
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let prev = GENESIS_HASH;
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
  }
  return { ok: true, entries, lastHash: prev };
}

function isEntryShape(e: unknown): e is AuditEntry {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const rec = e as Record<string, unknown>;
  return Object.keys(rec).sort().join(',') === ENTRY_KEYS.join(',') && ENTRY_KEYS.every((k) => typeof rec[k] === 'string');
}
