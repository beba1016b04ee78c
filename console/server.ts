/**
 * The web console: server-rendered pages for the people who work with the engine, and the
 * remote codec endpoint for the Temporal Web UI. Roles are enforced here on the server;
 * the navigation only mirrors them. Every state-changing request needs a CSRF token (or,
 * for the codec endpoint, an allowed origin); every view of Sozialdaten-bearing lists,
 * every decryption and every refusal lands in the audit trail (console/audit.ts).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type preHandlerAsyncHookHandler } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifyHttpProxy from '@fastify/http-proxy';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AesGcmCodec } from '../platform/codec';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { checkStack } from '../scripts/stack/doctor';
import { AuditLog, auditFile, type AuditEvent } from './audit';
import { clearCookie, requestCookie, setCookie, type CookieOptions } from './cookies';
import { codecRequestSchema, payloadFromJson, payloadToJson } from './codec-api';
import { registerPostkorb } from './postkorb';
import { registerProzessSeiten } from './prozess-seiten';
import { collectRoutes, registerBetrieb, type BetriebOptionen } from './betrieb';
import { registerTerminePublic } from './termine-public';
import { registerTermineSeiten } from './termine';
import { CODEC_ROLES, PAGES, ROLES, type Role } from './roles';
import { LoginLimiter, SESSION_COOKIE, SessionStore, randomToken, tokensEqual, type Session } from './sessions';
import { UserStore, normalizeUsername, type User } from './users';
import { fehlerPage } from './views/fehler';
import { loginPage } from './views/login';
import { statusPage } from './views/status';
import { uebersichtPage } from './views/uebersicht';

export interface ConsoleDeps {
  cfg: Config;
  temporal: Client;
  codec: AesGcmCodec;
  redis: Redis;
  /** Redis URL actually in use (for the status page). */
  redisUrl: string;
  /** Options of the operations pages (console/betrieb.ts); tests isolate schedules and queues with them. */
  betrieb?: BetriebOptionen;
  log: Logger;
}

export interface Auth {
  session: Session;
  user: User;
}

/** How a state-changing route is protected against cross-site requests. */
export type CsrfMode = 'session' | 'login' | 'codec' | 'proxy' | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    csrf?: CsrfMode;
  }
}

export const LOGIN_CSRF_COOKIE = 'aktenlauf_login_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const CODEC_BASE_PATH = '/api/codec';
/** The Temporal Web UI, served through the console behind its login (same origin as the codec endpoint). */
export const TEMPORAL_UI_PATH = '/temporal';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const MSG = {
  loginFalsch: 'Benutzername oder Passwort ist falsch.',
  loginLeer: 'Bitte Benutzername und Passwort eingeben.',
  loginGesperrt: 'Zu viele fehlgeschlagene Anmeldeversuche für diesen Benutzernamen. Bitte warten Sie 5 Minuten und versuchen Sie es dann erneut.',
  loginAbgelaufen: 'Die Anmeldeseite ist abgelaufen oder Cookies sind blockiert. Bitte melden Sie sich erneut an.',
  csrf: 'Sicherheitsprüfung fehlgeschlagen: Das Formular-Token fehlt oder ist ungültig. Bitte laden Sie die Seite neu und versuchen Sie es erneut.',
  herkunft: 'Anfrage abgelehnt: Sie stammt nicht von dieser Konsole.',
  keineBerechtigung: 'Keine Berechtigung: Ihre Rolle darf diese Seite nicht öffnen.',
  nichtAngemeldet: 'Nicht angemeldet. Bitte melden Sie sich an.',
  temporalNurLesen: 'Keine Berechtigung: In der Temporal-Oberfläche dürfen nur IT-Administratoren etwas ändern (Signal, Abbruch, Zurücksetzen, Zeitpläne); Ihre Rolle darf nur lesen.',
};

/**
 * Whether a request through the Temporal UI changes something. Reads are GET/HEAD/OPTIONS and the
 * POST of a workflow query (queries cannot change a workflow); everything else writes.
 */
export function temporalUiSchreibt(method: string, url: string): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(method)) return false;
  const pfad = url.split('?')[0]!;
  return !(method === 'POST' && /\/workflows\/[^/]+\/query\/[^/]+$/.test(pfad));
}

const loginBodySchema = z.object({
  username: z.string().max(200).default(''),
  password: z.string().max(1024).default(''),
  next: z.string().max(2000).optional(),
  [CSRF_FIELD]: z.string().max(200).optional(),
});

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A local path to return to after login; anything else (other hosts, //evil) becomes "/". */
export function safeNext(input: unknown): string {
  if (typeof input !== 'string' || !input.startsWith('/') || input.startsWith('//') || input.includes('\\')) return '/';
  try {
    const u = new URL(input, 'http://konsole.invalid');
    if (u.origin !== 'http://konsole.invalid' || u.pathname === '/login' || u.pathname === '/logout') return '/';
    return u.pathname + u.search;
  } catch {
    return '/';
  }
}

function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/');
}

function sendHtml(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

export async function buildConsole(deps: ConsoleDeps): Promise<FastifyInstance> {
  const { cfg, log } = deps;
  const users = await UserStore.open(cfg, log);
  const audit = await AuditLog.open(auditFile(cfg));
  const sessions = new SessionStore(deps.redis, cfg.console.sessionHours * 3600);
  const limiter = new LoginLimiter(deps.redis);
  const publicUrl = new URL(cfg.console.publicUrl);
  const secureCookies = publicUrl.protocol === 'https:';
  const uiOrigins = new Set([`http://127.0.0.1:${cfg.temporal.uiPort}`, `http://localhost:${cfg.temporal.uiPort}`]);
  const codecEndpoint = new URL(CODEC_BASE_PATH, publicUrl).toString();

  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  });
  collectRoutes(app);
  app.addHook('onClose', async () => audit.close());
  await app.register(fastifyFormbody);
  app.decorateRequest('auth', null);

  /** The console's own origins: the public URL, and the Host of a direct loopback request. */
  function ownOrigins(req: FastifyRequest): Set<string> {
    const origins = new Set([publicUrl.origin]);
    const host = req.headers.host;
    if (host) {
      try {
        const u = new URL(`http://${host}`);
        if (LOOPBACK_HOSTNAMES.has(u.hostname)) origins.add(u.origin);
      } catch {
        /* malformed Host: only the public URL counts */
      }
    }
    return origins;
  }

  async function record(event: AuditEvent): Promise<void> {
    await audit.append(event);
  }

  function actorOf(req: FastifyRequest): Pick<AuditEvent, 'actor' | 'role'> {
    return req.auth ? { actor: req.auth.user.username, role: req.auth.user.role } : { actor: '(anonym)', role: '-' };
  }

  function refuse(req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
    if (isApi(req)) return reply.code(status).send({ error: message });
    return sendHtml(reply, status, fehlerPage({ title: status === 403 ? 'Keine Berechtigung' : 'Fehler', message, user: req.auth?.user, csrf: req.auth?.session.csrf }));
  }

  function requireLogin(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (isApi(req)) return reply.code(401).send({ error: MSG.nichtAngemeldet });
    const next = req.method === 'GET' ? safeNext(req.url) : '/';
    return reply.redirect(next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`, 302);
  }

  /** Route guard: a logged-in user with one of the roles, else login redirect / 401 / 403. */
  function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
    return async function roleGuard(req, reply) {
      if (!req.auth) return requireLogin(req, reply);
      if (!roles.includes(req.auth.user.role)) {
        await record({ ...actorOf(req), action: 'zugriff.verweigert', target: req.routeOptions.url ?? '-', outcome: 'abgelehnt' });
        return refuse(req, reply, 403, MSG.keineBerechtigung);
      }
    };
  }

  const sessionCookie: Omit<CookieOptions, 'maxAge'> = { path: '/', httpOnly: true, sameSite: 'Strict', secure: secureCookies };
  const loginCookie: Omit<CookieOptions, 'maxAge'> = { path: '/login', httpOnly: true, sameSite: 'Strict', secure: secureCookies };

  function renderLogin(reply: FastifyReply, status: number, v: { next: string; error?: string; username?: string }): FastifyReply {
    const token = randomToken();
    setCookie(reply, LOGIN_CSRF_COOKIE, token, { ...loginCookie, maxAge: 3600 });
    return sendHtml(reply, status, loginPage({ csrf: token, ...v }));
  }

  // Security headers on every answer (also errors); CORS for the codec endpoint's allowed origins.
  app.addHook('onRequest', async (req, reply) => {
    // The proxied Temporal UI brings its own scripts; it gets the other headers, not our CSP.
    if (req.url === TEMPORAL_UI_PATH || req.url.startsWith(`${TEMPORAL_UI_PATH}/`)) {
      const { 'content-security-policy': _csp, ...rest } = SECURITY_HEADERS;
      reply.headers(rest);
      return;
    }
    reply.headers(SECURITY_HEADERS);
    if (req.url.startsWith(`${CODEC_BASE_PATH}/`)) {
      const origin = req.headers.origin;
      reply.header('vary', 'Origin');
      if (origin && uiOrigins.has(origin)) {
        reply.header('access-control-allow-origin', origin);
        reply.header('access-control-allow-credentials', 'true');
      }
    }
  });

  // Session from the cookie; origin check of every state-changing request (before its body is read).
  app.addHook('onRequest', async (req, reply) => {
    const session = await sessions.get(requestCookie(req, SESSION_COOKIE));
    const user = session ? users.get(session.username) : undefined;
    req.auth = session && user ? { session, user } : null;
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return;
    const origin = req.headers.origin;
    const mode = req.routeOptions.config?.csrf ?? 'session';
    // The proxied Temporal UI has no token of ours: its writes must come from our own origin.
    if (origin === undefined && mode !== 'proxy') return;
    const allowed = ownOrigins(req);
    if (mode === 'proxy') {
      if (origin !== undefined && allowed.has(origin)) return;
      req.log.warn({ route: req.routeOptions.url }, 'console: Temporal UI write without own origin refused');
      return refuse(req, reply, 403, MSG.herkunft);
    }
    if (origin === undefined || allowed.has(origin) || (mode === 'codec' && uiOrigins.has(origin))) return;
    req.log.warn({ origin, route: req.routeOptions.url }, 'console: foreign origin refused');
    return refuse(req, reply, 403, MSG.herkunft);
  });

  // CSRF tokens: the session's synchronizer token for logged-in requests, double-submit for the login.
  app.addHook('preHandler', async (req, reply) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return;
    const mode = req.routeOptions.config?.csrf ?? 'session';
    if (mode === 'codec' || mode === 'proxy' || mode === 'public') return; // public: /termin checks its own form tokens and link keys
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const fromBody = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined;
    const fromHeader = typeof req.headers[CSRF_HEADER] === 'string' ? (req.headers[CSRF_HEADER] as string) : undefined;
    const token = fromBody ?? fromHeader;
    if (mode === 'login') {
      if (tokensEqual(token, requestCookie(req, LOGIN_CSRF_COOKIE))) return;
      req.log.warn('console: login without valid CSRF token');
      return renderLogin(reply, 403, { next: safeNext(body.next), error: MSG.loginAbgelaufen });
    }
    if (!req.auth) return requireLogin(req, reply);
    if (tokensEqual(token, req.auth.session.csrf)) return;
    req.log.warn({ route: req.routeOptions.url, user: req.auth.user.username }, 'console: CSRF token missing or wrong');
    return refuse(req, reply, 403, MSG.csrf);
  });

  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, route: req.routeOptions.url ?? '(unbekannt)', status: reply.statusCode }, 'console request');
  });

  app.setNotFoundHandler(async (req, reply) => refuse(req, reply, 404, 'Diese Seite gibt es nicht.'));

  app.setErrorHandler(async (err: { statusCode?: number; message?: string }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err: err.message, route: req.routeOptions.url }, 'console: request failed');
    const message = status === 413 ? 'Die Anfrage ist zu groß.'
      : status === 415 ? 'Dieses Datenformat wird nicht unterstützt.'
        : status < 500 ? 'Die Anfrage ist ungültig.'
          : 'Interner Fehler. Der Vorgang wurde protokolliert; bitte später erneut versuchen.';
    return refuse(req, reply, status, message);
  });

  // --- Routes -------------------------------------------------------------------------------

  app.get('/healthz', async () => ({ ok: true }));
  // Browsers ask for it on every page; no icon, but no 404 in the logs either.
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());

  app.get('/login', async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next);
    if (req.auth) return reply.redirect(next, 302);
    return renderLogin(reply, 200, { next });
  });

  app.post('/login', { config: { csrf: 'login' } }, async (req, reply) => {
    const parsed = loginBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderLogin(reply, 400, { next: '/', error: MSG.loginLeer });
    const { password } = parsed.data;
    const username = normalizeUsername(parsed.data.username);
    const next = safeNext(parsed.data.next);
    if (!username || !password) return renderLogin(reply, 400, { next, error: MSG.loginLeer, username });
    // Only names of staff go into the audit trail: an unknown name may be a mistyped password.
    const actor = users.get(username) ? username : '(unbekannt)';
    if (await limiter.isBlocked(username)) {
      await record({ actor, role: '-', action: 'anmeldung', target: 'gesperrt (zu viele Fehlversuche)', outcome: 'abgelehnt' });
      return renderLogin(reply, 429, { next, error: MSG.loginGesperrt, username });
    }
    const user = await users.authenticate(username, password);
    if (!user) {
      await limiter.recordFailure(username);
      await record({ actor, role: '-', action: 'anmeldung', target: 'falsche Zugangsdaten', outcome: 'abgelehnt' });
      return renderLogin(reply, 401, { next, error: MSG.loginFalsch, username });
    }
    await limiter.reset(username);
    // A new session id at every login (no session fixation); an older session of this browser ends.
    await sessions.destroy(requestCookie(req, SESSION_COOKIE));
    const session = await sessions.create(user.username);
    setCookie(reply, SESSION_COOKIE, session.id, { ...sessionCookie, maxAge: sessions.ttlSeconds });
    clearCookie(reply, LOGIN_CSRF_COOKIE, loginCookie);
    await record({ actor: user.username, role: user.role, action: 'anmeldung', target: 'Konsole', outcome: 'erfolg' });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.auth) {
      await sessions.destroy(req.auth.session.id);
      await record({ ...actorOf(req), action: 'abmeldung', target: 'Konsole', outcome: 'erfolg' });
    }
    clearCookie(reply, SESSION_COOKIE, sessionCookie);
    return reply.redirect('/login', 303);
  });

  app.get('/', { preHandler: requireRole(...ROLES) }, async (req, reply) => {
    const { user, session } = req.auth!;
    return sendHtml(reply, 200, uebersichtPage({ user, csrf: session.csrf, codecEndpoint, alarme: await betrieb.alarmeFuer(user.role) }));
  });

  app.get(PAGES.status.path, { preHandler: requireRole(...PAGES.status.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const checks = await checkStack(cfg, { redisUrl: deps.redisUrl });
    return sendHtml(reply, 200, statusPage({ user, csrf: session.csrf, checks, checkedAt: new Date(), alarme: await betrieb.alarmeFuer(user.role) }));
  });

  registerProzessSeiten(app, { temporal: deps.temporal, record, requireRole, refuse, sendHtml });
  const betrieb = registerBetrieb(app, { cfg, temporal: deps.temporal, redis: deps.redis, auditFile: audit.file, record, requireRole, refuse, sendHtml }, deps.betrieb);
  const termine = registerTerminePublic(app, { temporal: deps.temporal, redis: deps.redis, dataDir: cfg.dataDir, taskQueue: cfg.temporal.taskQueue, publicUrl: cfg.console.publicUrl, log });
  registerTermineSeiten(app, { dienst: termine.dienst, dataDir: cfg.dataDir, record, requireRole, refuse, sendHtml });
  registerPostkorb(app, { temporal: deps.temporal, record, requireRole, refuse, sendHtml, dataDir: cfg.dataDir, storeDir: cfg.intake.storeDir });

  // Remote codec for the Temporal Web UI (and CLI): preflight, then encode/decode.
  for (const op of ['encode', 'decode'] as const) {
    const url = `${CODEC_BASE_PATH}/${op}`;
    app.options(url, async (req, reply) => {
      const origin = req.headers.origin;
      if (!origin || !uiOrigins.has(origin)) return reply.code(403).send({ error: MSG.herkunft });
      return reply
        .code(204)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
        .header('access-control-max-age', '600')
        .send();
    });

    app.post(url, { config: { csrf: 'codec' }, bodyLimit: 16 * 1024 * 1024, preHandler: requireRole(...CODEC_ROLES) }, async (req, reply) => {
      const { user } = req.auth!;
      const nsHeader = req.headers['x-namespace'];
      const namespace = typeof nsHeader === 'string' && nsHeader !== '' ? nsHeader : cfg.temporal.namespace;
      if (namespace !== cfg.temporal.namespace) {
        return reply.code(400).send({ error: `Namespace ${namespace} wird von dieser Konsole nicht verarbeitet (nur ${cfg.temporal.namespace}).` });
      }
      const parsed = codecRequestSchema.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send({ error: 'Erwartet: {"payloads": [{"metadata": {…}, "data": "…"}]} mit Base64-Werten.' });
      const payloads = parsed.data.payloads.map(payloadFromJson);
      const target = `namespace:${namespace} payloads:${payloads.length}`;
      try {
        const out = op === 'decode' ? await deps.codec.decode(payloads) : await deps.codec.encode(payloads);
        await record({ actor: user.username, role: user.role, action: `codec.${op}`, target, outcome: 'erfolg' });
        return reply.code(200).send({ payloads: out.map(payloadToJson) });
      } catch (err) {
        await record({ actor: user.username, role: user.role, action: `codec.${op}`, target, outcome: 'fehler' });
        req.log.warn({ err: (err as Error).message, op }, 'console: codec request failed');
        return reply.code(400).send({ error: op === 'decode' ? 'Nutzlast konnte nicht entschlüsselt werden (Schlüssel fehlt oder Daten beschädigt).' : 'Nutzlast konnte nicht verschlüsselt werden.' });
      }
    });
  }

  if (cfg.temporal.uiUrl) {
    const uiGuard = requireRole(...PAGES.temporal.roles);
    const uiSchreibvorgaenge = new WeakMap<FastifyRequest, Pick<AuditEvent, 'actor' | 'role' | 'target'>>();
    app.addHook('onResponse', async (req, reply) => {
      const w = uiSchreibvorgaenge.get(req);
      if (!w) return;
      await record({ ...w, action: 'temporal-ui.schreiben', outcome: reply.statusCode < 400 ? 'erfolg' : 'fehler' });
    });
    await app.register(fastifyHttpProxy, {
      upstream: cfg.temporal.uiUrl,
      prefix: TEMPORAL_UI_PATH,
      rewritePrefix: TEMPORAL_UI_PATH,
      config: { csrf: 'proxy' },
      // Fastify awaits async route hooks; the plugin's option type only names the callback form.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      preHandler: async (req: FastifyRequest, reply: FastifyReply) => {
        await uiGuard.call(app, req, reply);
        if (reply.sent || !req.auth || !temporalUiSchreibt(req.method, req.url)) return;
        // Writes through the UI (signal, terminate, cancel, reset, schedules…): IT-Administration only, each one audited.
        const { user } = req.auth;
        const target = `Temporal-UI ${req.method} ${req.url.split('?')[0]!.slice(TEMPORAL_UI_PATH.length)}`.slice(0, 300);
        if (user.role !== 'it-admin') {
          await record({ actor: user.username, role: user.role, action: 'temporal-ui.schreiben', target, outcome: 'abgelehnt' });
          // In the shape of the Temporal API's own errors (gRPC PERMISSION_DENIED): the UI shows the message.
          return reply.code(403).type('application/json; charset=utf-8').send({ code: 7, message: MSG.temporalNurLesen, details: [] });
        }
        uiSchreibvorgaenge.set(req, { actor: user.username, role: user.role, target }); // audited with Temporal's answer (onResponse)
      },
    });
  }

  return app;
}

if (require.main === module) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfig } = require('../platform/config') as typeof import('../platform/config');
  const { createLogger } = require('../platform/logger') as typeof import('../platform/logger');
  const { runMain, signalReady } = require('../platform/lifecycle') as typeof import('../platform/lifecycle');
  const { codecFromConfig, connect, makeClient } = require('../platform/temporal') as typeof import('../platform/temporal');
  const { embeddedRedisUrl } = require('../scripts/stack/doctor') as typeof import('../scripts/stack/doctor');
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cfg = loadConfig();
  const log = createLogger('console', cfg.logLevel);
  runMain(log, async (signal) => {
    const { codec } = codecFromConfig(cfg, false);
    const connection = await connect(cfg.temporal.address);
    const temporal = makeClient(connection, cfg.temporal.namespace, codec);
    const redisUrl = process.env.AKTENLAUF_REDIS_URL_EFFECTIVE ?? embeddedRedisUrl(cfg);
    const redis = new RedisClient(redisUrl, { maxRetriesPerRequest: 3 });
    redis.on('error', (err: Error) => log.warn({ err: err.message }, 'console: Redis error'));
    try {
      const app = await buildConsole({ cfg, temporal, codec, redis, redisUrl, log });
      await app.listen({ host: cfg.console.host, port: cfg.console.port });
      log.info({ url: cfg.console.publicUrl }, 'console listening');
      signalReady({ url: cfg.console.publicUrl });
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await app.close();
    } finally {
      await redis.quit().catch(() => redis.disconnect());
      await connection.close();
    }
  }, { umask: cfg.umask });
}
