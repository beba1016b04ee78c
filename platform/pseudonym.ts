/**
 * Opaque, stable keys for people and households in workflow ids, search attributes and job ids.
 * A plain hash of a BG-Nummer could be reversed by trying all numbers of an office, so the key
 * is an HMAC with a secret of the Jobcenter (AKTENLAUF_PSEUDONYM_KEY, or a key generated into
 * data/pseudonym-key for the local default). Same input, same key; no way back without the secret.
 * Not for workflow code (needs node:crypto): compute it in activities, clients or the console.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class Pseudonymizer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('Pseudonymisierungsschlüssel muss mindestens 32 Bytes haben');
  }

  /** 24 hex characters (96 bits) of HMAC-SHA256 over the parts, e.g. ('bg', '96201BG0012345'). */
  key24(...parts: string[]): string {
    return createHmac('sha256', this.key).update(parts.join('\u001f')).digest('hex').slice(0, 24);
  }
}

export function loadPseudonymizer(opts: { keyFromEnv?: string; dataDir: string; generate: boolean }): Pseudonymizer {
  if (opts.keyFromEnv) return new Pseudonymizer(Buffer.from(opts.keyFromEnv, 'base64'));
  const file = path.join(opts.dataDir, 'pseudonym-key');
  if (fs.existsSync(file)) return new Pseudonymizer(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  if (!opts.generate) throw new Error(`Kein Pseudonymisierungsschlüssel: AKTENLAUF_PSEUDONYM_KEY setzen oder ${file} anlegen`);
  const key = randomBytes(32);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return new Pseudonymizer(key);
}
