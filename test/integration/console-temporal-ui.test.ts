/**
 * The Temporal Web UI is served through the console under /temporal, behind its login and
 * roles, on the same origin as the codec endpoint. The upstream here is a small HTTP server
 * standing in for the UI server (the test dev server runs headless).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '@temporalio/client';
import { buildConsole } from '../../console/server';
import { auditFile, readAuditEntries, type AuditEntry } from '../../console/audit';
import type { Config } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { TEST_PASSWORD, testConfig, testStack } from '../helpers/env';
import { Agent, angemeldet } from '../helpers/http-agent';
import { eventually } from '../helpers/engine';

let upstream: http.Server;
const seen: Array<{ method: string; url: string }> = [];
let app: FastifyInstance;
let base: string;
let redis: Redis;
let connection: Connection;
let cfg: Config;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    if ((req.url ?? '').includes('gibt-es-nicht')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 5, message: 'workflow not found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'self' 'unsafe-inline'" });
    res.end(`<html><body>Temporal UI ${req.method} ${req.url}</body></html>`);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  cfg = testConfig({ TEMPORAL_UI_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  const { codec } = codecFromConfig(cfg, false);
  connection = await connect(cfg.temporal.address);
  redis = new Redis(testStack().redisUrl);
  app = await buildConsole({ cfg, temporal: makeClient(connection, cfg.temporal.namespace, codec), codec, redis, redisUrl: testStack().redisUrl, log: createLogger('test-console', 'silent') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await new Promise<void>((r) => upstream.close(() => r()));
  redis.disconnect();
  await connection.close();
});

const loggedIn = (username: string): Promise<Agent> => angemeldet(base, username, TEST_PASSWORD);

test('not logged in: redirected to the login, nothing reaches the UI', async () => {
  const before = seen.length;
  const { res } = await new Agent(base).request('/temporal/namespaces/default/workflows');
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/login?next=%2Ftemporal%2Fnamespaces%2Fdefault%2Fworkflows');
  expect(seen.length).toBe(before);
});

test('Postkorb may not open the Temporal UI', async () => {
  const before = seen.length;
  const { res, text } = await (await loggedIn('postkorb')).request('/temporal/');
  expect(res.status).toBe(403);
  expect(text).toContain('Keine Berechtigung');
  expect(seen.length).toBe(before);
});

test('IT-Administration gets the UI through the console, with the UI’s own CSP', async () => {
  const agent = await loggedIn('it-admin');
  const { res, text } = await agent.request('/temporal/namespaces/default/workflows');
  expect(res.status).toBe(200);
  expect(text).toContain('Temporal UI GET /temporal/namespaces/default/workflows');
  expect(res.headers.get('content-security-policy')).toBe("script-src 'self' 'unsafe-inline'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
});

test('writes through the UI need the console’s own origin', async () => {
  const agent = await loggedIn('it-admin');
  const before = seen.length;
  const foreign = await agent.request('/temporal/api/v1/namespaces/default/workflows/x/terminate', { method: 'POST', json: {}, headers: { origin: 'http://evil.example' } });
  expect(foreign.res.status).toBe(403);
  const none = await agent.request('/temporal/api/v1/namespaces/default/workflows/x/terminate', { method: 'POST', json: {} });
  expect(none.res.status).toBe(403);
  expect(seen.length).toBe(before);
  const own = await agent.request('/temporal/api/v1/namespaces/default/workflows/x/terminate', { method: 'POST', json: {}, headers: { origin: base } });
  expect(own.res.status).toBe(200);
  expect(seen.at(-1)).toEqual({ method: 'POST', url: '/temporal/api/v1/namespaces/default/workflows/x/terminate' });
});

test('Datenschutz/Revision reads in the UI (pages, API, queries) but changes nothing; IT-Administration\'s writes are audited', async () => {
  const revision = await loggedIn('revision');
  const before = seen.length;
  expect((await revision.request('/temporal/api/v1/namespaces/default/workflows?query=')).res.status).toBe(200);
  const query = await revision.request('/temporal/api/v1/namespaces/default/workflows/wf-1/query/__stack_trace', { method: 'POST', json: {}, headers: { origin: base } });
  expect(query.res.status).toBe(200);
  for (const aktion of ['terminate', 'signal/irgendwas', 'cancel', 'reset']) {
    const r = await revision.request(`/temporal/api/v1/namespaces/default/workflows/wf-1/${aktion}`, { method: 'POST', json: {}, headers: { origin: base } });
    expect(r.res.status).toBe(403);
    // As the Temporal API answers errors: the UI shows this message instead of "An unknown error occurred".
    expect(JSON.parse(r.text)).toEqual({ code: 7, message: expect.stringContaining('Ihre Rolle darf nur lesen'), details: [] });
  }
  const schedule = await revision.request('/temporal/api/v1/namespaces/default/schedules/s-1', { method: 'DELETE', headers: { origin: base } });
  expect(schedule.res.status).toBe(403);
  expect(seen.slice(before).map((x) => x.method)).toEqual(['GET', 'POST']); // only the reads reached the UI

  const admin = await loggedIn('it-admin');
  expect((await admin.request('/temporal/api/v1/namespaces/default/workflows/wf-2/signal/weiter?x=1', { method: 'POST', json: {}, headers: { origin: base } })).res.status).toBe(200);
  expect((await admin.request('/temporal/api/v1/namespaces/default/workflows/wf-gibt-es-nicht/terminate', { method: 'POST', json: {}, headers: { origin: base } })).res.status).toBe(404);

  // Audited with Temporal's answer, written once the answer went out.
  const eintraege = await eventually(async () => {
    const alle: AuditEntry[] = [];
    for await (const e of readAuditEntries(auditFile(cfg))) if (e.action === 'temporal-ui.schreiben' && /wf-|s-1/.test(e.target)) alle.push(e);
    return alle.length === 7 ? alle : undefined;
  }, 'audit entries of the UI writes');
  expect(eintraege.map((e) => [e.actor, e.outcome, e.target])).toEqual([
    ['revision', 'abgelehnt', 'Temporal-UI POST /api/v1/namespaces/default/workflows/wf-1/terminate'],
    ['revision', 'abgelehnt', 'Temporal-UI POST /api/v1/namespaces/default/workflows/wf-1/signal/irgendwas'],
    ['revision', 'abgelehnt', 'Temporal-UI POST /api/v1/namespaces/default/workflows/wf-1/cancel'],
    ['revision', 'abgelehnt', 'Temporal-UI POST /api/v1/namespaces/default/workflows/wf-1/reset'],
    ['revision', 'abgelehnt', 'Temporal-UI DELETE /api/v1/namespaces/default/schedules/s-1'],
    ['it-admin', 'erfolg', 'Temporal-UI POST /api/v1/namespaces/default/workflows/wf-2/signal/weiter'],
    ['it-admin', 'fehler', 'Temporal-UI POST /api/v1/namespaces/default/workflows/wf-gibt-es-nicht/terminate'],
  ]);
});
