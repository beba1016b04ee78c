/**
 * The console's building blocks without the stack: escaping of the template helper, the
 * Posteingang empty state, the status summary, the redirect target check, cookie parsing
 * and the audit chain across a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { html, raw } from '../../console/views/html';
import { posteingangPage } from '../../console/views/posteingang';
import { statusSummary } from '../../console/views/status';
import { layout } from '../../console/views/layout';
import { safeNext } from '../../console/server';
import { parseCookieHeader, serializeCookie } from '../../console/cookies';
import { AuditLog, verifyAuditChain } from '../../console/audit';
import pino from 'pino';
import { loadConfig } from '../../platform/config';
import { DEMO_USERS, UserStore, demoAccess, hashPassword, verifyPassword, type User } from '../../console/users';
import type { Check } from '../../scripts/stack/doctor';

const postkorb: User = { username: 'postkorb', displayName: 'Demo <Postkorb>', role: 'postkorb' };

test('html escapes every interpolation, also in attributes and arrays; raw() passes through', () => {
  const evil = `"><script>alert('x')</script>&`;
  const out = html`<p title="${evil}">${evil}${[evil, html`<b>${evil}</b>`]}${raw('<i>ok</i>')}${null}${undefined}${false}${0}</p>`.value;
  expect(out).not.toContain('<script>');
  expect(out).toBe(
    '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">'
      + '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;'.repeat(2)
      + '<b>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</b><i>ok</i>0</p>',
  );
});

test('the layout is German, has a skip link and main landmark, and escapes the user name', () => {
  const page = layout({ title: 'Test', body: html`<h1>Test</h1>`, user: postkorb, csrf: 'tok"en' });
  expect(page).toContain('<html lang="de">');
  expect(page).toContain('<a class="skip" href="#inhalt">Zum Inhalt springen</a>');
  expect(page).toContain('<main id="inhalt"');
  expect(page).toContain('Demo &lt;Postkorb&gt;');
  expect(page).toContain('name="_csrf" value="tok&quot;en"');
  expect(page).not.toContain('href="/status"');
  expect(page).not.toMatch(/<script|<link|src=/);
});

test('Posteingang: a clear German empty state, and rows otherwise', () => {
  const empty = posteingangPage({ user: postkorb, csrf: 't', rows: [], limit: 200, truncated: false });
  expect(empty).toContain('Der Posteingang ist leer');
  expect(empty).not.toContain('<table');
  const one = posteingangPage({
    user: postkorb, csrf: 't', limit: 200, truncated: true,
    rows: [{ workflowId: 'eingang-abc', status: 'registriert', ablauf: 'COMPLETED', quelle: 'mail', eingangsdatum: new Date('2026-12-31T00:00:00Z'), startTime: new Date('2026-07-01T22:30:00Z') }],
  });
  expect(one).toMatch(/<td><code>eingang-abc<\/code><\/td>\s*<td>Registriert<\/td>\s*<td>abgeschlossen<\/td>\s*<td>E-Mail<\/td>\s*<td>31\.12\.2026<\/td>\s*<td>02\.07\.2026, 00:30<\/td>/);
  expect(one).toContain('weitere sind vorhanden');
});

test('status summary counts failures and required ones', () => {
  const c = (ok: boolean, required = true): Check => ({ id: 'x', label: 'x', ok, required, detail: '' });
  expect(statusSummary([c(true), c(true)])).toBe('Alle 2 Prüfungen in Ordnung.');
  expect(statusSummary([c(true), c(false), c(false, false)])).toBe('2 von 3 Prüfungen mit Fehler, davon 1 für den Betrieb erforderlich.');
});

test('safeNext keeps local paths only', () => {
  expect(safeNext('/status?x=1')).toBe('/status?x=1');
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'status', '/login', '/logout', undefined, 42]) {
    expect(safeNext(bad)).toBe('/');
  }
});

test('cookies: parse the first value of a name, serialize with the security attributes', () => {
  expect(parseCookieHeader('a=1; aktenlauf_sid=abc-_; a=2; bad name=x').get('a')).toBe('1');
  expect(parseCookieHeader('aktenlauf_sid=abc-_').get('aktenlauf_sid')).toBe('abc-_');
  expect(serializeCookie('aktenlauf_sid', 'abc', { path: '/', httpOnly: true, sameSite: 'Strict', secure: true, maxAge: 60 }))
    .toBe('aktenlauf_sid=abc; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict');
  expect(() => serializeCookie('a', 'x;y', { path: '/', httpOnly: true, sameSite: 'Strict', secure: false, maxAge: 1 })).toThrow();
});

test('passwords: scrypt hash with its parameters and a random salt; only the right password verifies', async () => {
  const a = await hashPassword('Richtig-123');
  const b = await hashPassword('Richtig-123');
  expect(a).toMatchObject({ algo: 'scrypt', N: 32768, r: 8, p: 1 });
  expect(a.salt).not.toBe(b.salt);
  expect(a.hash).not.toBe(b.hash);
  expect(await verifyPassword('Richtig-123', a)).toBe(true);
  expect(await verifyPassword('richtig-123', a)).toBe(false);
});

test('audit chain continues across a restart and a missing file is an empty chain', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-audit-'));
  const file = path.join(dir, 'audit', 'audit.jsonl');
  expect(await verifyAuditChain(file)).toMatchObject({ ok: true, entries: 0 });
  const first = await AuditLog.open(file);
  const e1 = await first.append({ actor: 'a', role: 'leitung', action: 'x', target: 't', outcome: 'erfolg' });
  // Concurrent appends are serialized: each links to the one before.
  const [e2, e3] = await Promise.all([
    first.append({ actor: 'b', role: 'leitung', action: 'x', target: 't', outcome: 'erfolg' }),
    first.append({ actor: 'c', role: 'leitung', action: 'x', target: 't', outcome: 'erfolg' }),
  ]);
  expect(e2!.prev).toBe(e1.hash);
  expect(e3!.prev).toBe(e2!.hash);
  await first.close();
  const second = await AuditLog.open(file);
  const e4 = await second.append({ actor: 'd', role: 'revision', action: 'y', target: 't', outcome: 'abgelehnt' });
  await second.close();
  expect(e4.prev).toBe(e3!.hash);
  expect(await verifyAuditChain(file)).toEqual({ ok: true, entries: 4, lastHash: e4.hash });
  expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('without a demo password: a random one goes to demo-zugang.txt (0600), never into the log', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-users-'));
  const cfg = loadConfig({ AKTENLAUF_DATA_DIR: dir }, dir);
  const logged: string[] = [];
  const log = pino({ level: 'trace' }, { write: (s: string) => void logged.push(s) });
  const store = await UserStore.open(cfg, log);
  const access = demoAccess(cfg);
  expect(access).toMatchObject({ source: 'file', file: path.join(dir, 'demo-zugang.txt'), usernames: DEMO_USERS.map((u) => u.username) });
  expect(access!.password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
  expect((fs.statSync(access!.file!).mode & 0o777).toString(8)).toBe('600');
  expect((fs.statSync(cfg.console.usersFile).mode & 0o777).toString(8)).toBe('600');
  expect(logged.join('')).toContain('demo-zugang.txt');
  expect(logged.join('')).not.toContain(access!.password);
  expect(fs.readFileSync(cfg.console.usersFile, 'utf8')).not.toContain(access!.password);
  expect(store.list().map((u) => [u.username, u.role])).toEqual([
    ['postkorb', 'postkorb'], ['sb-leistung', 'sachbearbeitung'], ['sb-mi', 'sachbearbeitung'],
    ['leitung', 'leitung'], ['it-admin', 'it-admin'], ['revision', 'revision'],
  ]);
  expect(await store.authenticate(' SB-MI ', access!.password)).toEqual({ username: 'sb-mi', displayName: 'Demo Sachbearbeitung M&I', role: 'sachbearbeitung', bereich: 'markt-integration', team: 'MI-N' });
  expect(await store.authenticate('sb-mi', 'falsch')).toBeUndefined();
  expect(await store.authenticate('niemand', access!.password)).toBeUndefined();
  // A second start keeps the users and the password (no re-seeding).
  const again = await UserStore.open(cfg, log);
  expect(await again.authenticate('leitung', access!.password)).toMatchObject({ role: 'leitung' });
  expect(demoAccess(cfg)!.password).toBe(access!.password);
  fs.rmSync(dir, { recursive: true, force: true });
});
