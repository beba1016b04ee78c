/**
 * Eskalationen in the console over real HTTP, against `aufgabe` workflows on a real worker:
 * team scoping on the server (own team only; Leistung never sees Markt & Integration),
 * 403 for another team's Aufgabe, take → complete with a note through the page updates the
 * workflow, the validator's German message on refusal, CSRF, and the audit trail.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { WorkflowHandle } from '@temporalio/client';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeZustand } from '../../domain/aufgabe';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { buildConsole } from '../../console/server';
import { UserStore } from '../../console/users';
import { auditFile, verifyAuditChain, type AuditEntry } from '../../console/audit';
import { zustandQuery, type AufgabeStart } from '../../workflows/aufgaben/aufgabe';
import { TEST_PASSWORD, uniqueName } from '../helpers/env';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, angemeldet, csrfOf } from '../helpers/http-agent';

let engine: TestEngine;
let app: FastifyInstance;
let base: string;
let redis: Redis;
const handles: WorkflowHandle[] = [];

const loggedIn = (username: string): Promise<Agent> => angemeldet(base, username, TEST_PASSWORD);

async function startAufgabe(over: Partial<AufgabeStart>): Promise<WorkflowHandle> {
  const input: AufgabeStart = {
    art: 'WBA_FEHLT_ESKALATION',
    titel: 'Weiterbewilligungsantrag fehlt',
    beschreibung: 'Kein WBA eingegangen; bitte Kontakt aufnehmen.',
    teamId: 'LE-S-AD',
    bereich: 'leistung',
    prioritaet: 'normal',
    faelligAm: '2099-06-30',
    bezug: { prozess: 'weiterbewilligung', workflowId: uniqueName('wb') },
    ...over,
  };
  const h = await engine.client.workflow.start(AUFGABE_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue,
    workflowId: aufgabeWorkflowId(input.bezug.workflowId, input.art),
    args: [input],
  });
  handles.push(h);
  return h;
}

function auditEntries(): AuditEntry[] {
  return fs.readFileSync(auditFile(engine.cfg), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
}

/** The list page once visibility has caught up with `until`. */
async function listPage(agent: Agent, until: (text: string) => boolean, query = ''): Promise<string> {
  return eventually(async () => {
    const { res, text } = await agent.request(`/aufgaben${query}`);
    expect(res.status).toBe(200);
    return until(text) ? text : undefined;
  }, 'Aufgabenliste aktuell');
}

let eigene: WorkflowHandle;
let eigeneHoch: WorkflowHandle;
let fremdLeistung: WorkflowHandle;
let fremdMi: WorkflowHandle;

beforeAll(async () => {
  engine = await startTestEngine();
  const { codec } = codecFromConfig(engine.cfg);
  redis = new Redis(engine.cfg.redis.url);
  const log = createLogger('console-aufgaben-test', 'silent');
  const store = await UserStore.open(engine.cfg, log);
  await store.upsert({ username: 'sb-kollegin', displayName: 'Test Kollegin', role: 'sachbearbeitung', bereich: 'leistung', team: 'LE-S-AD', password: TEST_PASSWORD });
  await store.upsert({ username: 'sb-alt', displayName: 'Test Altes Team', role: 'sachbearbeitung', bereich: 'leistung', team: 'Team A-K', password: TEST_PASSWORD });
  app = await buildConsole({ cfg: engine.cfg, temporal: engine.client, codec, redis, redisUrl: engine.cfg.redis.url, log });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  [eigene, eigeneHoch, fremdLeistung, fremdMi] = await Promise.all([
    startAufgabe({ faelligAm: '2099-06-30' }),
    startAufgabe({ art: 'LEISTUNGSENDE', titel: 'Leistungen enden', prioritaet: 'hoch', faelligAm: '2099-07-15' }),
    startAufgabe({ teamId: 'LE-S-EH' }),
    startAufgabe({ teamId: 'MI-N', bereich: 'markt-integration', art: 'SONSTIGE', titel: 'Eingliederung prüfen' }),
  ]);
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.terminate('Testende').catch(() => undefined)));
  await app?.close();
  await redis?.quit();
  await engine?.stop();
});

test('Sachbearbeitung Leistung sees only its own team, high priority first; M&I sees only M&I; Leitung sees all', async () => {
  const sb = await loggedIn('sb-leistung');
  const text = await listPage(sb, (t) => t.includes(eigene.workflowId) && t.includes(eigeneHoch.workflowId));
  expect(text).toContain('Team A–D Süd (LE-S-AD)');
  expect(text).not.toContain(fremdLeistung.workflowId);
  expect(text).not.toContain(fremdMi.workflowId);
  // Sorted by priority, then due date: the 'hoch' Aufgabe (due later) comes first.
  expect(text.indexOf(eigeneHoch.workflowId)).toBeLessThan(text.indexOf(eigene.workflowId));
  expect(text).toMatch(/<strong>\d+<\/strong> offen/);

  // Filters: by kind.
  const gefiltert = await listPage(sb, (t) => t.includes(eigeneHoch.workflowId), '?art=LEISTUNGSENDE&status=offen');
  expect(gefiltert).not.toContain(eigene.workflowId);
  // A team in the query string changes nothing: the team comes from the user record.
  const versuch = await listPage(sb, (t) => t.includes(eigene.workflowId), '?team=MI-N&teamId=MI-N');
  expect(versuch).not.toContain(fremdMi.workflowId);

  const mi = await loggedIn('sb-mi');
  const miText = await listPage(mi, (t) => t.includes(fremdMi.workflowId));
  expect(miText).not.toContain(eigene.workflowId);
  expect(miText).not.toContain(fremdLeistung.workflowId);

  const leitung = await loggedIn('leitung');
  const alle = await listPage(leitung, (t) => [eigene, eigeneHoch, fremdLeistung, fremdMi].every((h) => t.includes(h.workflowId)));
  expect(alle).toContain('alle Teams');
});

test('another team\'s Aufgabe: 403 for the detail page and for actions, nothing changes, refusal audited', async () => {
  const sb = await loggedIn('sb-leistung');
  for (const h of [fremdLeistung, fremdMi]) {
    const { res, text } = await sb.request(`/aufgaben/${h.workflowId}`);
    expect(res.status).toBe(403);
    expect(text).toContain('Diese Aufgabe gehört nicht zu Ihrem Team.');
    expect(text).not.toContain('Eingliederung prüfen');
  }
  const mi = await loggedIn('sb-mi');
  const page = await mi.request(`/aufgaben/${fremdMi.workflowId}`);
  expect(page.res.status).toBe(200);
  const post = await mi.request(`/aufgaben/${eigene.workflowId}/uebernehmen`, { form: { _csrf: csrfOf(page.text) } });
  expect(post.res.status).toBe(403);
  expect((await eigene.query(zustandQuery)).status).toBe('offen');
  expect((await sb.request('/aufgaben/gibt-es-nicht')).res.status).toBe(404);
  const refused = auditEntries().filter((e) => e.action === 'aufgabe.ansehen' && e.outcome === 'abgelehnt' && e.actor === 'sb-leistung');
  expect(refused.map((e) => e.target)).toEqual(expect.arrayContaining([`aufgabe ${fremdLeistung.workflowId} (fremdes Team)`, `aufgabe ${fremdMi.workflowId} (fremdes Team)`]));
  expect(auditEntries()).toContainEqual(expect.objectContaining({ actor: 'sb-mi', action: 'aufgabe.uebernehmen', outcome: 'abgelehnt' }));
});

test('take → complete with a note through the page; validator messages shown; CSRF missing → 403; all audited', async () => {
  const sb = await loggedIn('sb-leistung');
  const detail = await sb.request(`/aufgaben/${eigene.workflowId}`);
  expect(detail.res.status).toBe(200);
  expect(detail.text).toContain('<h1>Weiterbewilligungsantrag fehlt</h1>');
  expect(detail.text).toContain('Kein WBA eingegangen; bitte Kontakt aufnehmen.');
  expect(detail.text).toContain('>Übernehmen</button>');
  const csrf = csrfOf(detail.text);

  // Without the CSRF token: refused, the workflow unchanged.
  const ohne = await sb.request(`/aufgaben/${eigene.workflowId}/uebernehmen`, { form: {} });
  expect(ohne.res.status).toBe(403);
  expect(ohne.text).toContain('Sicherheitsprüfung fehlgeschlagen');
  expect((await eigene.query(zustandQuery)).status).toBe('offen');

  // Leitung may comment but not take.
  const leitung = await loggedIn('leitung');
  const lp = await leitung.request(`/aufgaben/${eigene.workflowId}`);
  expect(lp.text).not.toContain('>Übernehmen</button>');
  expect((await leitung.request(`/aufgaben/${eigene.workflowId}/uebernehmen`, { form: { _csrf: csrfOf(lp.text) } })).res.status).toBe(403);

  const take = await sb.request(`/aufgaben/${eigene.workflowId}/uebernehmen`, { form: { _csrf: csrf } });
  expect(take.res.status).toBe(303);
  expect(take.res.headers.get('location')).toBe(`/aufgaben/${eigene.workflowId}?ok=uebernehmen`);
  expect(await eigene.query(zustandQuery)).toMatchObject({ status: 'in_bearbeitung', bearbeiter: 'sb-leistung' });
  const after = await sb.request(`/aufgaben/${eigene.workflowId}?ok=uebernehmen`);
  expect(after.text).toContain('Sie haben die Aufgabe übernommen.');
  expect(after.text).toContain('in Bearbeitung bei sb-leistung');
  expect(after.text).toContain('>Erledigen</button>');

  // A colleague of the same team cannot take it again: the validator's message on the page.
  const kollegin = await loggedIn('sb-kollegin');
  const kp = await kollegin.request(`/aufgaben/${eigene.workflowId}`);
  const again = await kollegin.request(`/aufgaben/${eigene.workflowId}/uebernehmen`, { form: { _csrf: csrfOf(kp.text) } });
  expect(again.res.status).toBe(409);
  expect(again.text).toContain('Die Aufgabe wurde bereits von sb-leistung übernommen.');

  const comment = await sb.request(`/aufgaben/${eigene.workflowId}/kommentieren`, { form: { _csrf: csrf, text: 'Rückruf <morgen> vereinbart.' } });
  expect(comment.res.status).toBe(303);
  const withComment = await sb.request(`/aufgaben/${eigene.workflowId}`);
  expect(withComment.text).toContain('Rückruf &lt;morgen&gt; vereinbart.');

  const leer = await sb.request(`/aufgaben/${eigene.workflowId}/erledigen`, { form: { _csrf: csrf, notiz: '  ' } });
  expect(leer.res.status).toBe(409);
  expect(leer.text).toContain('Bitte geben Sie eine Notiz ein: Was wurde veranlasst?');

  const done = await sb.request(`/aufgaben/${eigene.workflowId}/erledigen`, { form: { _csrf: csrf, notiz: 'WBA-Vordruck persönlich übergeben.' } });
  expect(done.res.status).toBe(303);
  const result: AufgabeZustand = await eigene.result();
  expect(result).toMatchObject({ status: 'erledigt', erledigtVon: 'sb-leistung', notiz: 'WBA-Vordruck persönlich übergeben.' });
  const finished = await sb.request(`/aufgaben/${eigene.workflowId}?ok=erledigen`);
  expect(finished.text).toContain('Die Aufgabe ist erledigt.');
  expect(finished.text).not.toContain('>Übernehmen</button>');

  // Gone from the open list, listed under "Erledigt".
  await listPage(sb, (t) => !t.includes(eigene.workflowId));
  await listPage(sb, (t) => t.includes(eigene.workflowId), '?status=erledigt');

  // A late action on the finished Aufgabe is refused in German.
  const late = await sb.request(`/aufgaben/${eigene.workflowId}/kommentieren`, { form: { _csrf: csrf, text: 'noch etwas' } });
  expect(late.res.status).toBe(409);
  expect(late.text).toMatch(/bereits (abgeschlossen|erledigt)/);

  const entries = auditEntries();
  const mine = entries.filter((e) => e.actor === 'sb-leistung' && e.target === `aufgabe ${eigene.workflowId}`).map((e) => `${e.action}:${e.outcome}`);
  expect(mine).toEqual(expect.arrayContaining([
    'aufgabe.ansehen:erfolg', 'aufgabe.uebernehmen:erfolg', 'aufgabe.kommentieren:erfolg', 'aufgabe.erledigen:abgelehnt', 'aufgabe.erledigen:erfolg', 'aufgabe.kommentieren:abgelehnt',
  ]));
  expect(entries).toContainEqual(expect.objectContaining({ actor: 'sb-kollegin', action: 'aufgabe.uebernehmen', outcome: 'abgelehnt' }));
  expect(entries).toContainEqual(expect.objectContaining({ actor: 'sb-leistung', action: 'aufgaben.ansehen', outcome: 'erfolg' }));
  // The audit trail names staff and opaque ids only; the note text never lands there.
  expect(JSON.stringify(entries)).not.toContain('persönlich übergeben');
  expect((await verifyAuditChain(auditFile(engine.cfg))).ok).toBe(true);
});

test('a user whose team is not a known team id sees nothing and is told why', async () => {
  const alt = await loggedIn('sb-alt');
  const { res, text } = await alt.request('/aufgaben');
  expect(res.status).toBe(200);
  expect(text).toContain('keine bekannte Team-Kennung');
  expect(text).not.toContain(eigeneHoch.workflowId);
  expect((await alt.request(`/aufgaben/${eigeneHoch.workflowId}`)).res.status).toBe(403);
});

test('roles: Postkorb may not open Eskalationen', async () => {
  const pk = await loggedIn('postkorb');
  const { res, text } = await pk.request('/aufgaben');
  expect(res.status).toBe(403);
  expect(text).toContain('Keine Berechtigung');
  const home = await pk.request('/');
  expect(home.text).not.toContain('href="/aufgaben"');
  expect(home.text).toContain('href="/postausgang"');
});
