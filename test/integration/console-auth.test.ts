/**
 * The console against the real test stack (Temporal dev server + Redis), over real HTTP:
 * login, sessions, roles, CSRF and origin checks, the codec endpoint, the Posteingang list
 * and the audit trail.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Config } from '../../platform/config';
import type { AesGcmCodec } from '../../platform/codec';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { EINGANGSDATUM, PROZESS, QUELLE, STATUS } from '../../domain/search-attributes';
import { buildConsole } from '../../console/server';
import { UserStore } from '../../console/users';
import { auditFile, verifyAuditChain, type AuditEntry } from '../../console/audit';
import { TEST_PASSWORD, testConfig, testStack, uniqueName } from '../helpers/env';
import { Agent, csrfOf } from '../helpers/http-agent';

let cfg: Config;
let app: FastifyInstance;
let base: string;
let connection: Connection;
let client: Client;
let codec: AesGcmCodec;
let redis: Redis;
let uiOrigin: string;
const rateLimitedUser = `rl-${uniqueName('u').toLowerCase()}`.slice(0, 60);
const started: WorkflowHandle[] = [];

async function login(username: string, password = TEST_PASSWORD, next?: string): Promise<{ agent: Agent; res: Response; text: string }> {
  const agent = new Agent(base);
  const page = await agent.request('/login');
  expect(page.res.status).toBe(200);
  const form: Record<string, string> = { _csrf: csrfOf(page.text), username, password };
  if (next) form.next = next;
  const { res, text } = await agent.request('/login', { form });
  return { agent, res, text };
}

async function loggedIn(username: string): Promise<Agent> {
  const { agent, res } = await login(username);
  expect(res.status).toBe(303);
  return agent;
}

beforeAll(async () => {
  cfg = testConfig();
  const stack = testStack();
  ({ codec } = codecFromConfig(cfg));
  connection = await connect(stack.temporalAddress);
  client = makeClient(connection, cfg.temporal.namespace, codec);
  redis = new Redis(stack.redisUrl);
  const log = createLogger('console-test', 'silent');
  // The demo users are seeded on first open; one extra user for the login limit test.
  const store = await UserStore.open(cfg, log);
  await store.upsert({ username: rateLimitedUser, displayName: 'Test Sperre', role: 'postkorb', password: TEST_PASSWORD });
  app = await buildConsole({ cfg, temporal: client, codec, redis, redisUrl: stack.redisUrl, log });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  uiOrigin = `http://127.0.0.1:${cfg.temporal.uiPort}`;
});

afterAll(async () => {
  await Promise.all(started.map((h) => h.terminate('Testende').catch(() => undefined)));
  await app?.close();
  await redis?.quit();
  await connection?.close();
});

describe('Anmeldung', () => {
  test('wrong password: refused in German, no session cookie, still logged out', async () => {
    const { agent, res, text } = await login('it-admin', 'falsches-passwort');
    expect(res.status).toBe(401);
    expect(text).toContain('Benutzername oder Passwort ist falsch.');
    expect(agent.setCookieHeader('aktenlauf_sid')).toBeUndefined();
    expect(agent.cookies.has('aktenlauf_sid')).toBe(false);
    const home = await agent.request('/');
    expect(home.res.status).toBe(302);
  });

  test('unknown user: refused with the identical answer', async () => {
    const wrong = await login('leitung', 'falsch-1');
    const unknown = await login('niemand', 'falsch-2');
    expect(unknown.res.status).toBe(wrong.res.status);
    expect(unknown.agent.setCookieHeader('aktenlauf_sid')).toBeUndefined();
    const normalize = (html: string, username: string) => html.replace(csrfOf(html), 'TOKEN').replace(`value="${username}"`, 'value="NAME"');
    expect(normalize(unknown.text, 'niemand')).toBe(normalize(wrong.text, 'leitung'));
  });

  test('correct login: session cookie HttpOnly, SameSite=Strict, Path=/; the overview greets the role', async () => {
    const { agent, res } = await login('it-admin');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = agent.setCookieHeader('aktenlauf_sid');
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i); // http public URL in tests
    const home = await agent.request('/');
    expect(home.res.status).toBe(200);
    expect(home.text).toContain('<html lang="de">');
    expect(home.text).toContain('<h1>Übersicht</h1>');
    expect(home.text).toContain('IT-Administration');
    expect(home.text).toContain('href="/status"');
    expect(home.res.headers.get('content-security-policy')).toBe("default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    expect(home.res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(home.res.headers.get('referrer-policy')).toBe('same-origin');
    expect(home.res.headers.get('cache-control')).toBe('no-store');
  });

  test('a session id planted before login is replaced and dies (no session fixation)', async () => {
    const victim = await loggedIn('postkorb');
    const planted = victim.cookies.get('aktenlauf_sid')!;
    const agent = new Agent(base);
    const page = await agent.request('/login');
    agent.cookies.set('aktenlauf_sid', planted);
    const { res } = await agent.request('/login', { form: { _csrf: csrfOf(page.text), username: 'leitung', password: TEST_PASSWORD } });
    expect(res.status).toBe(303);
    expect(agent.cookies.get('aktenlauf_sid')).not.toBe(planted);
    expect((await agent.request('/status')).res.status).toBe(200);
    expect((await victim.request('/')).res.status).toBe(302);
  });

  test('the login form needs its double-submit token', async () => {
    const other = new Agent(base);
    const page = await other.request('/login');
    const agent = new Agent(base); // has no login token cookie
    const { res, text } = await agent.request('/login', { form: { _csrf: csrfOf(page.text), username: 'it-admin', password: TEST_PASSWORD } });
    expect(res.status).toBe(403);
    expect(text).toContain('Die Anmeldeseite ist abgelaufen');
    expect(agent.cookies.has('aktenlauf_sid')).toBe(false);
  });

  test('after 5 failed logins the user name is locked, even for the right password', async () => {
    for (let i = 0; i < 5; i += 1) {
      const { res } = await login(rateLimitedUser, `falsch-${i}`);
      expect(res.status).toBe(401);
    }
    const { agent, res, text } = await login(rateLimitedUser);
    expect(res.status).toBe(429);
    expect(text).toContain('Zu viele fehlgeschlagene Anmeldeversuche');
    expect(agent.cookies.has('aktenlauf_sid')).toBe(false);
  });

  test('unauthenticated: pages redirect to /login with next, the API answers 401', async () => {
    const agent = new Agent(base);
    const status = await agent.request('/status');
    expect(status.res.status).toBe(302);
    expect(status.res.headers.get('location')).toBe('/login?next=%2Fstatus');
    const api = await agent.request('/api/codec/decode', { json: { payloads: [] } });
    expect(api.res.status).toBe(401);
    expect(JSON.parse(api.text)).toEqual({ error: expect.stringContaining('Nicht angemeldet') });
    const health = await agent.request('/healthz');
    expect(health.res.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ ok: true });
    expect((await agent.request('/favicon.ico')).res.status).toBe(204); // asked by every browser: no 404 noise
  });

  test('login with next returns to that page; a foreign next does not leave the console', async () => {
    const back = await login('leitung', TEST_PASSWORD, '/status');
    expect(back.res.headers.get('location')).toBe('/status');
    const evil = await login('leitung', TEST_PASSWORD, '//evil.example/x');
    expect(evil.res.headers.get('location')).toBe('/');
  });
});

describe('Rollen', () => {
  test('Postkorb may not open Systemstatus: 403 in German', async () => {
    const agent = await loggedIn('postkorb');
    const { res, text } = await agent.request('/status');
    expect(res.status).toBe(403);
    expect(text).toContain('Keine Berechtigung');
    expect(text).not.toContain('Temporal-Server');
    // Navigation is filtered: no link to the status page for this role.
    const home = await agent.request('/');
    expect(home.text).not.toContain('href="/status"');
    expect(home.text).toContain('href="/posteingang"');
  });

  test('IT-Administration sees the status table with a working Temporal-Server and Redis', async () => {
    const agent = await loggedIn('it-admin');
    const { res, text } = await agent.request('/status');
    expect(res.status).toBe(200);
    expect(text).toMatch(/<th scope="row">Temporal-Server<\/th>\s*<td><span class="status-ok">ok<\/span>/);
    expect(text).toMatch(/<th scope="row">Redis<\/th>\s*<td><span class="status-ok">ok<\/span>/);
    expect(text).toMatch(/Prüfungen (in Ordnung|mit Fehler)/);
  });

  test('Sachbearbeitung may not open the Posteingang list', async () => {
    const agent = await loggedIn('sb-leistung');
    const { res, text } = await agent.request('/posteingang');
    expect(res.status).toBe(403);
    expect(text).toContain('Keine Berechtigung');
  });
});

describe('CSRF und Herkunft', () => {
  test('POST without or with a wrong token: 403 in German, the session lives on', async () => {
    const agent = await loggedIn('it-admin');
    const home = await agent.request('/');
    const token = csrfOf(home.text);
    const none = await agent.request('/logout', { form: {} });
    expect(none.res.status).toBe(403);
    expect(none.text).toContain('Sicherheitsprüfung fehlgeschlagen');
    const wrong = await agent.request('/logout', { form: { _csrf: `${token.slice(0, -2)}xx` } });
    expect(wrong.res.status).toBe(403);
    const wrongHeader = await agent.request('/logout', { method: 'POST', headers: { 'x-csrf-token': 'falsch' } });
    expect(wrongHeader.res.status).toBe(403);
    expect((await agent.request('/')).res.status).toBe(200);
  });

  test('a valid token from a foreign Origin is refused', async () => {
    const agent = await loggedIn('it-admin');
    const token = csrfOf((await agent.request('/')).text);
    const { res, text } = await agent.request('/logout', { form: { _csrf: token }, headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(text).toContain('nicht von dieser Konsole');
    expect((await agent.request('/')).res.status).toBe(200);
  });

  test('logout with the token (header variant) ends the session on the server', async () => {
    const agent = await loggedIn('revision');
    const oldSid = agent.cookies.get('aktenlauf_sid')!;
    const token = csrfOf((await agent.request('/')).text);
    const out = await agent.request('/logout', { method: 'POST', headers: { 'x-csrf-token': token, origin: base } });
    expect(out.res.status).toBe(303);
    expect(out.res.headers.get('location')).toBe('/login');
    const replay = new Agent(base);
    replay.cookies.set('aktenlauf_sid', oldSid);
    const after = await replay.request('/');
    expect(after.res.status).toBe(302);
    expect(after.res.headers.get('location')).toBe('/login');
  });
});

describe('Codec-Endpunkt', () => {
  const original = defaultPayloadConverter.toPayload({ hinweis: 'Testnutzlast', betrag: 42 });

  function toJson(p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) {
    return {
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    };
  }

  test('Postkorb may not decode', async () => {
    const agent = await loggedIn('postkorb');
    const [encoded] = await codec.encode([original]);
    const { res, text } = await agent.request('/api/codec/decode', { json: { payloads: [toJson(encoded!)] } });
    expect(res.status).toBe(403);
    expect(JSON.parse(text)).toEqual({ error: expect.stringContaining('Keine Berechtigung') });
  });

  test('IT-Administration decodes what the codec encoded; encode round-trips too', async () => {
    const agent = await loggedIn('it-admin');
    const [encoded] = await codec.encode([original]);
    const dec = await agent.request('/api/codec/decode', { json: { payloads: [toJson(encoded!)] }, headers: { 'x-namespace': cfg.temporal.namespace } });
    expect(dec.res.status).toBe(200);
    const body = JSON.parse(dec.text) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(body.payloads).toEqual([toJson(original)]);
    expect(JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8'))).toEqual({ hinweis: 'Testnutzlast', betrag: 42 });

    const enc = await agent.request('/api/codec/encode', { json: { payloads: [toJson(original)] } });
    expect(enc.res.status).toBe(200);
    const encBody = JSON.parse(enc.text) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encBody.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const [back] = await codec.decode([
      {
        metadata: Object.fromEntries(Object.entries(encBody.payloads[0]!.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
        data: new Uint8Array(Buffer.from(encBody.payloads[0]!.data, 'base64')),
      },
    ]);
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual({ hinweis: 'Testnutzlast', betrag: 42 });
  });

  test('requests from the Temporal UI origin carry CORS headers; foreign origins are refused', async () => {
    const agent = await loggedIn('revision');
    const [encoded] = await codec.encode([original]);
    const fromUi = await agent.request('/api/codec/decode', { json: { payloads: [toJson(encoded!)] }, headers: { origin: uiOrigin } });
    expect(fromUi.res.status).toBe(200);
    expect(fromUi.res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(fromUi.res.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await agent.request('/api/codec/decode', { json: { payloads: [toJson(encoded!)] }, headers: { origin: 'http://evil.example' } });
    expect(foreign.res.status).toBe(403);
    expect(foreign.res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('preflight: the UI origins get CORS headers, a foreign origin does not', async () => {
    for (const origin of [uiOrigin, `http://localhost:${cfg.temporal.uiPort}`]) {
      const res = await fetch(`${base}/api/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe('POST');
      expect(res.headers.get('access-control-allow-headers')).toContain('x-namespace');
    }
    const foreign = await fetch(`${base}/api/codec/encode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('Posteingang', () => {
  test('lists posteingang workflows with status, source and dates from search attributes', async () => {
    const workflowId = uniqueName('eingang-konsole');
    const handle = await client.workflow.start('posteingang', {
      taskQueue: uniqueName('tq-ohne-worker'),
      workflowId,
      args: [{ contentHash: 'a'.repeat(64), quelle: 'scanner', eingangsdatum: '2026-03-05', fileName: 'x.pdf', mediaType: 'application/pdf', bytes: 1, storedPath: 'x' }],
      typedSearchAttributes: [
        { key: PROZESS, value: 'posteingang' },
        { key: STATUS, value: 'quarantaene' },
        { key: QUELLE, value: 'scanner' },
        { key: EINGANGSDATUM, value: new Date('2026-03-05T00:00:00Z') },
      ],
    });
    started.push(handle);
    const agent = await loggedIn('postkorb');
    // Visibility is eventually consistent: ask again until the new workflow is listed.
    let page = await agent.request('/posteingang');
    for (let i = 0; i < 50 && !page.text.includes(workflowId); i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      page = await agent.request('/posteingang');
    }
    expect(page.res.status).toBe(200);
    const row = new RegExp(`<tr>\\s*<td><code>${workflowId}</code></td>\\s*<td>Quarantäne</td>\\s*<td>läuft</td>\\s*<td>Scanner</td>\\s*<td>05\\.03\\.2026</td>\\s*<td>\\d\\d\\.\\d\\d\\.\\d{4}, \\d\\d:\\d\\d</td>`);
    expect(page.text).toMatch(row);
  });
});

describe('Audit-Protokoll', () => {
  test('the chain verifies, records the events, holds no passwords; tampering is found', async () => {
    // Produce one entry of each kind in this test, so it does not depend on test order.
    await login('leitung', 'Geheim-Falsch-123');
    await login('vertippt-passwort-im-namensfeld', 'egal');
    const admin = await loggedIn('it-admin');
    await admin.request('/posteingang');
    const postkorb = await loggedIn('postkorb');
    await postkorb.request('/status');

    const file = auditFile(cfg);
    const result = await verifyAuditChain(file);
    expect(result).toMatchObject({ ok: true });
    const text = fs.readFileSync(file, 'utf8');
    const entries = text.trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(result.entries).toBe(entries.length);
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'leitung', action: 'anmeldung', outcome: 'abgelehnt' }),
      expect.objectContaining({ actor: 'it-admin', role: 'it-admin', action: 'anmeldung', outcome: 'erfolg' }),
      expect.objectContaining({ actor: 'it-admin', action: 'posteingang.ansehen' }),
      expect.objectContaining({ actor: 'postkorb', action: 'zugriff.verweigert', target: '/status', outcome: 'abgelehnt' }),
    ]));
    expect(text).not.toContain('Geheim-Falsch-123');
    expect(text).not.toContain(TEST_PASSWORD);
    // An unknown name may be a password typed into the wrong field: it is not recorded.
    expect(text).not.toContain('vertippt-passwort-im-namensfeld');
    expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ actor: '(unbekannt)', action: 'anmeldung', outcome: 'abgelehnt' })]));

    const copy = path.join(cfg.dataDir, 'audit-manipuliert.jsonl');
    const lines = text.split('\n');
    const tampered = JSON.parse(lines[2]!) as AuditEntry;
    tampered.outcome = tampered.outcome === 'erfolg' ? 'abgelehnt' : 'erfolg';
    lines[2] = JSON.stringify(tampered);
    fs.writeFileSync(copy, lines.join('\n'));
    expect(await verifyAuditChain(copy)).toMatchObject({ ok: false, brokenAt: 3, entries: 2 });

    const removed = text.split('\n');
    removed.splice(1, 1);
    fs.writeFileSync(copy, removed.join('\n'));
    expect(await verifyAuditChain(copy)).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
