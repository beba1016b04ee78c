/**
 * Opaque ids and short keys of the Online-Terminvergabe:
 * - appointment id `termin-<24 hex>` (random: no way to enumerate),
 * - auth key of the cancel/rebook link: HMAC of the id with the Jobcenter's pseudonym secret,
 *   10 characters base32 (50 bits), compared in constant time,
 * - proof-of-work challenge of the final step (HMAC of the id), solved in the browser.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadPseudonymizer, type Pseudonymizer } from '../../platform/pseudonym';
import { TERMIN_PREFIX } from '../../domain/termine-vorgang';

const B32 = 'abcdefghjkmnpqrstuvwxyz23456789'; // no i, l, o, 0, 1: readable when typed from a letter

export const TERMIN_ID = /^termin-(?:ts-)?[0-9a-f]{24}$/;

export function neueTerminId(): string {
  return `${TERMIN_PREFIX}${randomBytes(12).toString('hex')}`;
}

/** Loads (or, on first use, creates) the pseudonym secret; tolerant of two processes creating it at once. */
export function pseudonymizerFuer(dataDir: string): Pseudonymizer {
  try {
    return loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir, generate: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir, generate: false });
    throw err;
  }
}

export class TerminSchluessel {
  constructor(private readonly p: Pseudonymizer) {}

  authKey(terminId: string): string {
    const h = Buffer.from(this.p.key24('termin-link', terminId), 'hex');
    let out = '';
    for (let i = 0; i < 10; i += 1) out += B32[(h[i] as number) % B32.length];
    return out;
  }

  /** Constant-time check of a key from a link (any input; never throws). */
  pruefe(terminId: unknown, key: unknown): boolean {
    if (typeof terminId !== 'string' || typeof key !== 'string' || !TERMIN_ID.test(terminId)) return false;
    const soll = Buffer.from(this.authKey(terminId));
    const ist = Buffer.alloc(soll.length);
    ist.write(key.slice(0, soll.length).toLowerCase());
    return timingSafeEqual(soll, ist) && key.length === soll.length;
  }

  /** Workflow id of a booking of the Landratsamt's Terminsystem (stable per booking number). */
  terminsystemId(buchungsnummer: string): string {
    return `${TERMIN_PREFIX}ts-${this.p.key24('terminsystem', buchungsnummer)}`;
  }

  /** Bucket of a client for rate limits (the address itself is never stored). */
  ratenSchluessel(ip: string): string {
    return this.p.key24('termin-rate', ip);
  }

  powChallenge(terminId: string): string {
    return this.p.key24('termin-pow', terminId);
  }
}

/** Leading zero bits of sha256(`${challenge}:${nonce}`) ≥ bits. */
export function pruefePow(challenge: string, nonce: unknown, bits: number): boolean {
  if (typeof nonce !== 'string' || !/^[0-9]{1,12}$/.test(nonce)) return false;
  const h = createHash('sha256').update(`${challenge}:${nonce}`).digest();
  let rest = bits;
  for (const byte of h) {
    if (rest <= 0) return true;
    if (rest >= 8) {
      if (byte !== 0) return false;
      rest -= 8;
    } else return byte >> (8 - rest) === 0;
  }
  return rest <= 0;
}

/** Solves a challenge (tests, benchmark; the browser runs the same in console/public/pow.js). */
export function loesePow(challenge: string, bits: number): string {
  for (let n = 0; ; n += 1) if (pruefePow(challenge, String(n), bits)) return String(n);
}

