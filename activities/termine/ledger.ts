/**
 * The allocation ledger of the Online-Terminvergabe in Redis: one key per slot unit and staff
 * member (`termine:einheit:<standort>:<tag>:<HH:MM>:<platz>`), value = owner (the appointment's
 * workflow id + version). Reserving, confirming and freeing are Lua scripts, so two requests for
 * the last slot cannot both win: Redis runs one script at a time.
 *
 * A reservation is a key with a TTL (the reservation time); confirming moves its expiry to the
 * day after the appointment; freeing deletes only keys that still belong to the owner. The
 * business record is the Temporal workflow; this ledger only decides who gets a unit.
 */
import type { Redis } from 'ioredis';
import type { TerminSlot } from '../../domain/termine-vorgang';

export const LEDGER_PREFIX = 'termine:einheit';

/** KEYS: personal × n unit keys (platz-major). ARGV: owner, n, personal, pxMs (relative TTL) or 0, pxAtMs or 0. Returns the platz or -1. */
const RESERVIERE = `
local owner = ARGV[1]
local n = tonumber(ARGV[2])
local p = tonumber(ARGV[3])
local px = tonumber(ARGV[4])
local pxat = tonumber(ARGV[5])
local function setze(u)
  for k = 1, n do
    if px > 0 then redis.call('SET', KEYS[u * n + k], owner, 'PX', px)
    else redis.call('SET', KEYS[u * n + k], owner, 'PXAT', pxat) end
  end
end
for u = 0, p - 1 do
  local alle = true
  for k = 1, n do
    if redis.call('GET', KEYS[u * n + k]) ~= owner then alle = false break end
  end
  if alle then setze(u) return u end
end
for u = 0, p - 1 do
  local frei = true
  for k = 1, n do
    if redis.call('EXISTS', KEYS[u * n + k]) == 1 then frei = false break end
  end
  if frei then setze(u) return u end
end
return -1
`;

/** KEYS as above. ARGV: owner, n, personal, pxAtMs. Returns the platz whose units the owner holds (now persistent until pxAt) or -1. */
const BESTAETIGE = `
local owner = ARGV[1]
local n = tonumber(ARGV[2])
local p = tonumber(ARGV[3])
for u = 0, p - 1 do
  local alle = true
  for k = 1, n do
    if redis.call('GET', KEYS[u * n + k]) ~= owner then alle = false break end
  end
  if alle then
    for k = 1, n do redis.call('PEXPIREAT', KEYS[u * n + k], ARGV[4]) end
    return u
  end
end
return -1
`;

/** KEYS: any unit keys. ARGV: owner. Deletes those still owned; returns how many. */
const GIB_FREI = `
local c = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) c = c + 1 end
end
return c
`;

type LedgerRedis = Redis & {
  terminReserviere(...args: Array<string | number>): Promise<number>;
  terminBestaetige(...args: Array<string | number>): Promise<number>;
  terminGibFrei(...args: Array<string | number>): Promise<number>;
};

export function einheitKey(standortId: string, tag: string, einheit: string, platz: number): string {
  return `${LEDGER_PREFIX}:${standortId}:${tag}:${einheit}:${platz}`;
}

export function owner(terminId: string, version: number): string {
  return `${terminId}#${version}`;
}

export class Belegung {
  private readonly r: LedgerRedis;
  constructor(redis: Redis) {
    const r = redis as LedgerRedis;
    if (typeof r.terminReserviere !== 'function') {
      redis.defineCommand('terminReserviere', { lua: RESERVIERE });
      redis.defineCommand('terminBestaetige', { lua: BESTAETIGE });
      redis.defineCommand('terminGibFrei', { lua: GIB_FREI });
    }
    this.r = r;
  }

  private keys(slot: TerminSlot, personal: number): string[] {
    const out: string[] = [];
    for (let u = 0; u < personal; u += 1) for (const e of slot.einheiten) out.push(einheitKey(slot.standortId, slot.tag, e, u));
    return out;
  }

  /** Reserves one staff member for all units of the slot: for ttlMs, or (persistent) until bisMs. Returns the platz or null when full. */
  async reserviere(slot: TerminSlot, personal: number, ownerId: string, dauer: { ttlMs: number } | { bisMs: number }): Promise<number | null> {
    const keys = this.keys(slot, personal);
    const px = 'ttlMs' in dauer ? Math.max(1, Math.round(dauer.ttlMs)) : 0;
    const pxat = 'bisMs' in dauer ? Math.round(dauer.bisMs) : 0;
    const u = await this.r.terminReserviere(keys.length, ...keys, ownerId, slot.einheiten.length, personal, px, pxat);
    return u >= 0 ? u : null;
  }

  /** Makes the owner's reservation persistent until bisMs; null when it expired (or was never held). */
  async bestaetige(slot: TerminSlot, personal: number, ownerId: string, bisMs: number): Promise<number | null> {
    const keys = this.keys(slot, personal);
    const u = await this.r.terminBestaetige(keys.length, ...keys, ownerId, slot.einheiten.length, personal, Math.round(bisMs));
    return u >= 0 ? u : null;
  }

  /** Frees the owner's units of the slot (any platz). */
  async gibFrei(slot: TerminSlot, personal: number, ownerId: string): Promise<number> {
    const keys = this.keys(slot, personal);
    return this.r.terminGibFrei(keys.length, ...keys, ownerId);
  }

  /** Which of the candidate slots of one day still have a free staff member for all their units. */
  async frei(standortId: string, tag: string, personal: number, kandidaten: TerminSlot[]): Promise<TerminSlot[]> {
    if (!kandidaten.length || personal < 1) return [];
    const einheiten = [...new Set(kandidaten.flatMap((k) => k.einheiten))].sort();
    const keys = einheiten.flatMap((e) => Array.from({ length: personal }, (_, u) => einheitKey(standortId, tag, e, u)));
    const werte = await this.r.mget(...keys);
    const belegt = new Set<string>();
    keys.forEach((k, i) => {
      if (werte[i] !== null) belegt.add(k);
    });
    return kandidaten.filter((k) => Array.from({ length: personal }, (_, u) => u).some((u) => k.einheiten.every((e) => !belegt.has(einheitKey(standortId, tag, e, u)))));
  }

  /** All owners holding units of a day (tests, benchmark: double bookings). */
  async belegungen(standortId: string, tag: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.r.scan(cursor, 'MATCH', `${LEDGER_PREFIX}:${standortId}:${tag}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) {
        const werte = await this.r.mget(...keys);
        keys.forEach((k, i) => {
          if (werte[i] !== null) out.set(k, werte[i] as string);
        });
      }
    } while (cursor !== '0');
    return out;
  }
}
