/**
 * Rate limits of the public booking page per client, without tracking: a fixed window counter
 * in Redis under an HMAC of the address (never the address itself), expiring with the window.
 */
import type { Redis } from 'ioredis';

export class Ratenbegrenzung {
  constructor(private readonly redis: Redis, private readonly fensterS: number) {}

  /** Counts one request; true while the client stays within `grenze` in the current window. */
  async zaehle(art: string, client: string, grenze: number): Promise<boolean> {
    if (grenze <= 0) return true;
    const fenster = Math.floor(Date.now() / 1000 / this.fensterS);
    const key = `termine:rate:${art}:${client}:${fenster}`;
    const [[, n]] = (await this.redis.multi().incr(key).expire(key, this.fensterS + 5).exec()) as [[null, number], [null, number]];
    return n <= grenze;
  }
}
