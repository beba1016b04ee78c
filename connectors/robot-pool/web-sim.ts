/**
 * Building blocks for the simulators of web applications that robots drive (comp.ASS,
 * Terminsystem): cookie sessions that expire after idle minutes, a login form, configurable
 * page delays, and injectable faults (HTTP 500 rate, scripted 500s, slow responses, a
 * "changed layout" switch, forced session expiry). Faults can be changed at run time in
 * process (`faults` object) or over HTTP (`POST /_sim/stoerungen`, JSON, loopback only).
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import { z } from 'zod';

export interface WebFaults {
  /** Delay of every page, uniformly in [min, max] ms. */
  delayMs: [number, number];
  /** Share of requests answered with HTTP 500 (0–1). */
  http500Rate: number;
  /** The next n requests (after login) are answered with HTTP 500. */
  fail500Next: number;
  /** Share of requests delayed by slowMs in addition. */
  slowRate: number;
  slowMs: number;
  /** The page shows a changed layout: some ids are renamed (see the simulator's README). */
  changedLayout: boolean;
  /** A session ends after this many idle minutes. */
  sessionIdleMinutes: number;
}

export const faultsSchema = z.object({
  delayMs: z.tuple([z.number().min(0), z.number().min(0)]).optional(),
  http500Rate: z.number().min(0).max(1).optional(),
  fail500Next: z.number().int().min(0).optional(),
  slowRate: z.number().min(0).max(1).optional(),
  slowMs: z.number().int().min(0).optional(),
  changedLayout: z.boolean().optional(),
  sessionIdleMinutes: z.number().positive().optional(),
  /** Ends every session now. */
  expireSessions: z.boolean().optional(),
});

/** `150-300` or `200` → [min, max]. */
export function parseDelay(s: string | undefined, fallback: [number, number]): [number, number] {
  if (!s) return fallback;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(s);
  if (!m) return fallback;
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  return [Math.min(a, b), Math.max(a, b)];
}

/** Faults from the environment: `<PREFIX>DELAY_MS`, `<PREFIX>HTTP500_RATE`, `<PREFIX>SESSION_IDLE_MIN`. */
export function faultsFromEnv(prefix: string, env: NodeJS.ProcessEnv = process.env, defaults: Partial<WebFaults> = {}): WebFaults {
  const num = (k: string, d: number) => {
    const v = env[`${prefix}${k}`];
    const n = v === undefined || v === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : d;
  };
  return {
    delayMs: parseDelay(env[`${prefix}DELAY_MS`], defaults.delayMs ?? [0, 0]),
    http500Rate: num('HTTP500_RATE', defaults.http500Rate ?? 0),
    fail500Next: 0,
    slowRate: num('SLOW_RATE', defaults.slowRate ?? 0),
    slowMs: num('SLOW_MS', defaults.slowMs ?? 5000),
    changedLayout: env[`${prefix}CHANGED_LAYOUT`] === '1' || (defaults.changedLayout ?? false),
    sessionIdleMinutes: num('SESSION_IDLE_MIN', defaults.sessionIdleMinutes ?? 20),
  };
}

export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface SimSession {
  user: string;
  lastSeen: number;
}

export class SimSessions {
  private readonly map = new Map<string, SimSession>();
  logins = 0;
  constructor(private readonly idleMinutes: () => number) {}

  create(user: string): string {
    const id = randomBytes(18).toString('base64url');
    this.map.set(id, { user, lastSeen: Date.now() });
    this.logins += 1;
    return id;
  }

  /** The session's user if it is alive (and marks it as used), else undefined. */
  touch(id: string | undefined): string | undefined {
    if (!id) return undefined;
    const s = this.map.get(id);
    if (!s) return undefined;
    if (Date.now() - s.lastSeen > this.idleMinutes() * 60000) {
      this.map.delete(id);
      return undefined;
    }
    s.lastSeen = Date.now();
    return s.user;
  }

  end(id: string | undefined): void {
    if (id) this.map.delete(id);
  }

  expireAll(): void {
    this.map.clear();
  }

  get count(): number {
    return this.map.size;
  }
}

export interface WebSimOptions {
  /** Cookie name of the session, e.g. JSESSIONID. */
  cookie: string;
  faults: WebFaults;
  /** Seeded random source for fault decisions. */
  random?: () => number;
  /** Paths that need no session (login page, assets). */
  publicPaths: RegExp;
  /** Where to send a request without a valid session (gets `?ziel=<original path>`). */
  loginPath: string;
  errorPage(status: number): string;
}

export interface WebSim {
  app: FastifyInstance;
  sessions: SimSessions;
  faults: WebFaults;
  /** Counters of requests per route pattern (for tests and benchmarks). */
  stats: { requests: number; http500: number };
  userOf(req: FastifyRequest): string | undefined;
  startSession(reply: FastifyReply, user: string): void;
  endSession(req: FastifyRequest, reply: FastifyReply): void;
  listen(port: number): Promise<string>;
}

/** The value of one cookie of the request (@fastify/cookie loads lazily, which Jest's VM refuses). */
export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createWebSim(o: WebSimOptions): Promise<WebSim> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  await app.register(fastifyFormbody);
  const random = o.random ?? Math.random;
  const faults = o.faults;
  const sessions = new SimSessions(() => faults.sessionIdleMinutes);
  const stats = { requests: 0, http500: 0 };
  const userSym = Symbol('user');

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/_sim/')) return;
    stats.requests += 1;
    const [min, max] = faults.delayMs;
    let wait = min + (max - min) * random();
    if (faults.slowRate > 0 && random() < faults.slowRate) wait += faults.slowMs;
    if (wait > 0) await sleep(wait);
    const isPublic = o.publicPaths.test(req.url.split('?')[0]!);
    if (!isPublic && (faults.fail500Next > 0 || (faults.http500Rate > 0 && random() < faults.http500Rate))) {
      if (faults.fail500Next > 0) faults.fail500Next -= 1;
      stats.http500 += 1;
      return reply.code(500).type('text/html; charset=utf-8').send(o.errorPage(500));
    }
    const user = sessions.touch(cookieOf(req, o.cookie));
    (req as unknown as Record<symbol, string | undefined>)[userSym] = user;
    if (!user && !isPublic) {
      const ziel = encodeURIComponent(req.method === 'GET' ? req.url : '/');
      return reply.redirect(`${o.loginPath}?ziel=${ziel}&grund=sitzung`, 303);
    }
    return undefined;
  });

  app.post('/_sim/stoerungen', async (req, reply) => {
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.ip)) return reply.code(403).send({ error: 'nur lokal' });
    const parsed = faultsSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.message });
    const { expireSessions, ...rest } = parsed.data;
    Object.assign(faults, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (expireSessions) sessions.expireAll();
    return { faults, sessions: sessions.count };
  });
  app.get('/_sim/status', async () => ({ faults, sessions: sessions.count, logins: sessions.logins, stats }));

  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/html; charset=utf-8').send(o.errorPage(404)));
  app.setErrorHandler((_err, _req, reply) => reply.code(500).type('text/html; charset=utf-8').send(o.errorPage(500)));

  return {
    app,
    sessions,
    faults,
    stats,
    userOf: (req) => (req as unknown as Record<symbol, string | undefined>)[userSym],
    startSession(reply, user) {
      reply.header('set-cookie', `${o.cookie}=${sessions.create(user)}; Path=/; HttpOnly; SameSite=Lax`);
    },
    endSession(req, reply) {
      sessions.end(cookieOf(req, o.cookie));
      reply.header('set-cookie', `${o.cookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    },
    async listen(port) {
      await app.listen({ port, host: '127.0.0.1' });
      const addr = app.server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      return `http://127.0.0.1:${p}`;
    },
  };
}

/** Safe redirect target after login: a local path only. */
export function localTarget(ziel: unknown, fallback: string): string {
  return typeof ziel === 'string' && ziel.startsWith('/') && !ziel.startsWith('//') ? ziel : fallback;
}
