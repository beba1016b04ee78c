/**
 * Server-side sessions in Redis and the per-user limit on failed logins.
 * The cookie holds a random 32-byte id; Redis keys hold only its SHA-256, so someone who can
 * read Redis cannot take over a session.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { normalizeUsername } from './users';

export const SESSION_PREFIX = 'aktenlauf:session:';
export const SESSION_COOKIE = 'aktenlauf_sid';
export const LOGIN_FAIL_PREFIX = 'aktenlauf:login-fail:';

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  id: string;
  username: string;
  /** Synchronizer token for every state-changing request of this session. */
  csrf: string;
  createdAt: string;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two tokens (false for different lengths or missing values). */
export function tokensEqual(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    readonly ttlSeconds: number,
  ) {}

  private key(id: string): string {
    return SESSION_PREFIX + sha256(id);
  }

  async create(username: string): Promise<Session> {
    const session: Session = { id: randomToken(), username, csrf: randomToken(), createdAt: new Date().toISOString() };
    const { id: _id, ...stored } = session;
    await this.redis.set(this.key(session.id), JSON.stringify(stored), 'EX', this.ttlSeconds);
    return session;
  }

  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id || !ID_PATTERN.test(id)) return undefined;
    const raw = await this.redis.get(this.key(id));
    if (!raw) return undefined;
    try {
      const data = JSON.parse(raw) as Partial<Session>;
      if (typeof data.username !== 'string' || typeof data.csrf !== 'string' || typeof data.createdAt !== 'string') return undefined;
      return { id, username: data.username, csrf: data.csrf, createdAt: data.createdAt };
    } catch {
      return undefined;
    }
  }

  async destroy(id: string | undefined): Promise<void> {
    if (!id || !ID_PATTERN.test(id)) return;
    await this.redis.del(this.key(id));
  }
}

/** Fixed window per user name: after `max` failures no password is checked until the window ends. */
export class LoginLimiter {
  constructor(
    private readonly redis: Redis,
    readonly max = 5,
    readonly windowSeconds = 300,
  ) {}

  private key(username: string): string {
    return LOGIN_FAIL_PREFIX + sha256(normalizeUsername(username));
  }

  async isBlocked(username: string): Promise<boolean> {
    const n = Number((await this.redis.get(this.key(username))) ?? 0);
    return n >= this.max;
  }

  async recordFailure(username: string): Promise<void> {
    const k = this.key(username);
    // SET NX EX + INCR in one transaction: the counter never exists without its expiry.
    await this.redis.multi().set(k, '0', 'EX', this.windowSeconds, 'NX').incr(k).exec();
  }

  async reset(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}
