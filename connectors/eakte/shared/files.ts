/**
 * File-system helpers for the exchange folders: atomic writes (temp name + rename, so a DMS
 * importer never sees a half-written file), safe file names, UUIDs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function istUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** Name-based UUID (RFC 4122 version 5, SHA-1): the same name gives the same UUID on every retry. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Namespace of all name-based UUIDs of Aktenlauf's E-Akte connector. */
export const AKTENLAUF_EAKTE_NS = '3f0d7a52-9c1e-5b7a-8d44-6a2f1e0c9b31';

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A file name that is a plain name inside a folder: no path separators, no "..", no control
 * characters, no leading dot, not too long. Used for names that come from outside.
 */
export function istSichererDateiname(name: string): boolean {
  if (name.length === 0 || name.length > 200) return false;
  if (name === '.' || name === '..' || name.startsWith('.')) return false;
  if (/[/\\:]/.test(name)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  if (name.includes('..')) return false;
  return true;
}

const EXT_BY_MIME: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/tiff': 'tif',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'text/plain': 'txt',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

/** File extension for the exchange folder: from the MIME type, else from the original name. */
export function endungFuer(mimeType: string, dateiname: string): string {
  const byMime = EXT_BY_MIME[mimeType.toLowerCase().split(';')[0]?.trim() ?? ''];
  if (byMime) return byMime;
  const ext = path.extname(dateiname).slice(1).toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(ext) ? ext : 'bin';
}

/** Writes via a temp name in the same folder and renames; the temp file starts with a dot. */
export async function schreibeAtomar(ziel: string, data: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(ziel), `.${path.basename(ziel)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, ziel);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export async function existiert(p: string): Promise<boolean> {
  try {
    await fs.promises.access(p);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A check that a folder exists and is writable (for health()). */
export async function ordnerBeschreibbar(dir: string): Promise<string | null> {
  try {
    const st = await fs.promises.stat(dir);
    if (!st.isDirectory()) return `${dir} ist kein Verzeichnis.`;
    await fs.promises.access(dir, fs.constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${dir} existiert nicht.` : `${dir} ist nicht beschreibbar (${code ?? 'Fehler'}).`;
  }
}

/** Serialises work per key inside one process (two filings of the same document id). */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.#tails.set(key, next);
    try {
      return await next;
    } finally {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    }
  }
}
