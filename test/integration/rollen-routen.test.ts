/**
 * Roles × routes: every route the console registers (collected by its onRoute hook, so routes
 * added later by anyone are covered automatically) is tried by every role and anonymously, and
 * the answer is checked against the roles in PAGES (console/roles.ts). A route outside PAGES must
 * be declared below as public or special, else this test fails and names it.
 * Also: a forged POST (no CSRF token) and a POST of a role without the right are refused.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '@temporalio/client';
import { routesOf } from '../../console/betrieb';
import { buildConsole } from '../../console/server';
import { CODEC_ROLES, PAGES, ROLES, type PageDef, type Role } from '../../console/roles';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { TEST_PASSWORD, testConfig, testStack, uniqueName } from '../helpers/env';
import { Agent, csrfOf } from '../helpers/http-agent';

/** Demo user of each role. */
const USER: Record<Role, string> = { postkorb: 'postkorb', sachbearbeitung: 'sb-leistung', leitung: 'leitung', 'it-admin': 'it-admin', revision: 'revision' };

/** Routes outside PAGES, with who may use them. */
const BESONDERE: { match: (url: string) => boolean; roles: readonly Role[] | 'oeffentlich' | 'angemeldet'; api?: boolean }[] = [
  { match: (u) => u === '/healthz' || u === '/login' || u === '/favicon.ico', roles: 'oeffentlich' },
  // The citizens' appointment booking (Online-Terminvergabe): public by design.
  { match: (u) => u === '/termin' || u.startsWith('/termin/'), roles: 'oeffentlich' },
  { match: (u) => u === '/logout', roles: 'angemeldet' },
  { match: (u) => u.startsWith('/api/codec/'), roles: CODEC_ROLES, api: true },
  // Prometheus: it-admin session or bearer token; 401 (not a login redirect) for a scraper.
  { match: (u) => u === '/metrics', roles: ['it-admin'], api: true },
];

function pageOf(url: string): PageDef | undefined {
  if (url === '/') return PAGES.uebersicht;
  const candidates = Object.values(PAGES as Record<string, PageDef>).filter((p) => p.path !== '/' && (url === p.path || url === p.path.replace(/\/$/, '') || url.startsWith(p.path.endsWith('/') ? p.path : `${p.path}/`)));
  return candidates.sort((a, b) => b.path.length - a.path.length)[0];
}

function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, 'test-unbekannt-1').replace(/\*/g, 'x');
}

let app: FastifyInstance;
let base: string;
let redis: Redis;
let connection: Connection;
const agents = new Map<Role, Agent>();

async function login(role: Role): Promise<Agent> {
  const agent = new Agent(base);
  const page = await agent.request('/login');
  const { res } = await agent.request('/login', { form: { _csrf: csrfOf(page.text), username: USER[role], password: TEST_PASSWORD } });
  expect(res.status).toBe(303);
  return agent;
}

beforeAll(async () => {
  const cfg = testConfig();
  const stack = testStack();
  const { codec } = codecFromConfig(cfg);
  connection = await connect(stack.temporalAddress);
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  app = await buildConsole({
    cfg, temporal: makeClient(connection, cfg.temporal.namespace, codec), codec, redis, redisUrl: stack.redisUrl, log: createLogger('rollen-test', 'silent'),
    betrieb: { zeitplanPraefix: `${uniqueName('r').toLowerCase()}-`, queuePrefix: uniqueName('bq'), warteschlangen: [], metricsToken: null },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  for (const r of ROLES) agents.set(r, await login(r));
});

afterAll(async () => {
  await app?.close();
  await redis?.quit();
  await connection?.close();
});

function routes(): { method: string; url: string }[] {
  const seen = new Set<string>();
  return routesOf(app)
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
    .filter((r) => {
      const k = `${r.method} ${r.url}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

test('the route table is collected and includes the pages of every part', () => {
  const urls = routes().map((r) => `${r.method} ${r.url}`);
  expect(urls.length).toBeGreaterThan(20);
  for (const p of [PAGES.status.path, PAGES.zeitplaene.path, PAGES.warteschlangen.path, PAGES.revision.path, PAGES.aufgaben.path]) expect(urls).toContain(`GET ${p}`);
  expect(urls).toContain('GET /metrics');
});

test('every route has a role assignment (PAGES or declared here)', () => {
  const ohne = routes().filter((r) => !pageOf(r.url) && !BESONDERE.some((b) => b.match(r.url)));
  expect(ohne.map((r) => `${r.method} ${r.url}`)).toEqual([]);
});

test('every GET route × every role and anonymous: allowed roles pass the guard, others get 403, anonymous must log in', async () => {
  const fehler: string[] = [];
  for (const r of routes().filter((x) => x.method === 'GET')) {
    const url = concrete(r.url);
    const besonders = BESONDERE.find((b) => b.match(r.url));
    const page = pageOf(r.url);
    const allowed: readonly Role[] | 'oeffentlich' | 'angemeldet' = page && !besonders ? page.roles : besonders!.roles;
    const api = besonders?.api === true;
    // Anonymous.
    const anon = await new Agent(base).request(url);
    if (allowed === 'oeffentlich') {
      if (anon.res.status === 302 && anon.res.headers.get('location')?.startsWith('/login')) fehler.push(`${url}: öffentlich, aber Anmeldung verlangt`);
    } else if (api ? anon.res.status !== 401 : !(anon.res.status === 302 && anon.res.headers.get('location')?.startsWith('/login'))) {
      fehler.push(`${url} anonym: ${anon.res.status} statt ${api ? 401 : 'Weiterleitung zur Anmeldung'}`);
    }
    for (const role of ROLES) {
      const { res, text } = await agents.get(role)!.request(url);
      const darf = allowed === 'oeffentlich' || allowed === 'angemeldet' || allowed.includes(role);
      if (darf) {
        if (res.status === 403 || res.status === 401 || (res.status === 302 && res.headers.get('location')?.startsWith('/login'))) fehler.push(`${url} als ${role}: ${res.status}, erwartet Zugang`);
        if (res.status >= 500 && res.status !== 503) fehler.push(`${url} als ${role}: Serverfehler ${res.status}`);
      } else if (res.status !== 403 || !(api || text.includes('Keine Berechtigung'))) {
        fehler.push(`${url} als ${role}: ${res.status}, erwartet 403 „Keine Berechtigung“`);
      }
    }
  }
  expect(fehler).toEqual([]);
});

test('every POST route: anonymous is sent to login, a role without the right gets 403, a forged request (no token) gets 403', async () => {
  const fehler: string[] = [];
  for (const r of routes().filter((x) => x.method === 'POST')) {
    const besonders = BESONDERE.find((b) => b.match(r.url));
    if (besonders?.roles === 'oeffentlich' || r.url === '/logout' || besonders?.api) continue; // public forms, logout and the codec API have their own tests
    const page = pageOf(r.url)!;
    const url = concrete(r.url);
    const anon = await new Agent(base).request(url, { form: { x: '1' } });
    if (!(anon.res.status === 302 && anon.res.headers.get('location')?.startsWith('/login'))) fehler.push(`POST ${url} anonym: ${anon.res.status}`);
    for (const role of ROLES) {
      const agent = agents.get(role)!;
      const forged = await agent.request(url, { form: { grund: 'gefälscht', notiz: 'gefälscht' } });
      if (forged.res.status !== 403 || !forged.text.includes('Sicherheitsprüfung fehlgeschlagen')) fehler.push(`POST ${url} als ${role} ohne Token: ${forged.res.status}`);
      if (page.roles.includes(role)) continue; // allowed POSTs are tested with real data by each page's own tests
      const token = csrfOf((await agent.request('/')).text);
      const denied = await agent.request(url, { form: { _csrf: token, grund: 'nicht erlaubt', notiz: 'nicht erlaubt' } });
      if (denied.res.status !== 403 || !denied.text.includes('Keine Berechtigung')) fehler.push(`POST ${url} als ${role}: ${denied.res.status}, erwartet 403`);
    }
  }
  expect(fehler).toEqual([]);
});

test('navigation shows each role exactly its pages', async () => {
  for (const role of ROLES) {
    const { text } = await agents.get(role)!.request('/');
    const nav = /<nav aria-label="Hauptnavigation"><ul>(.*?)<\/ul><\/nav>/s.exec(text)?.[1] ?? '';
    const links = [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    const expected = Object.values(PAGES as Record<string, PageDef>).filter((p) => p.roles.includes(role)).map((p) => p.path);
    expect(links.sort()).toEqual(expected.sort());
  }
});
