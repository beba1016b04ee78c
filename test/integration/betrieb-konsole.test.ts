/**
 * The operations pages against the real test stack (Temporal dev server + Redis), over HTTP:
 * /revision (search, check, export — audited), /zeitplaene (create, Takt, pause, trigger,
 * backfill, refusals that change nothing), /warteschlangen (counts, failed job drill-down with
 * screenshot, retry/abandon with reason), /metrics (token or it-admin) and alerts on /status.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Client, Connection } from '@temporalio/client';
import { Secret } from '../../connectors/credentials';
import { formatFailure } from '../../connectors/robot-pool/failure';
import { buildConsole } from '../../console/server';
import { toCsv } from '../../console/betrieb-revision';
import { csvCell } from '../../console/betrieb-revision';
import { scheduleCommand } from '../../cli/schedule';
import { katalogEintrag, parseTakt } from '../../domain/zeitplaene';
import { ZeitplanDienst, katalogOptionen, upsertSchedule } from '../../platform/schedules';
import { ensureBescheidSchedule, ensureZentraldruckSchedule } from '../../activities/druck/schedule';
import { ensureWeiterbewilligungSchedule } from '../../activities/weiterbewilligung/schedule';
import { ensureKlassifikatorTrainingSchedule } from '../../activities/posteingang/schedule';
import { auditFile, readAuditEntries, verifyAuditTrail, type AuditEntry } from '../../console/audit';
import { createLogger } from '../../platform/logger';
import type { Config } from '../../platform/config';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { TEST_PASSWORD, testConfig, testStack, uniqueName } from '../helpers/env';
import { Agent, csrfOf } from '../helpers/http-agent';

let cfg: Config;
let app: FastifyInstance;
let base: string;
let connection: Connection;
let client: Client;
let redis: Redis;
const praefix = `${uniqueName('t').toLowerCase()}-`;
const queuePrefix = uniqueName('bq');
const qName = uniqueName('robots-test');
const METRICS_TOKEN = 'metrik-token-fuer-tests-0123456789';
const agents = new Map<string, Agent>();

async function als(username: string): Promise<Agent> {
  const cached = agents.get(username);
  if (cached) return cached;
  const agent = new Agent(base);
  const page = await agent.request('/login');
  const { res } = await agent.request('/login', { form: { _csrf: csrfOf(page.text), username, password: TEST_PASSWORD } });
  expect(res.status).toBe(303);
  agents.set(username, agent);
  return agent;
}

/** POST a form with the session's CSRF token (taken from a page the user may open). */
async function post(agent: Agent, url: string, form: Record<string, string>, from = '/'): Promise<{ res: Response; text: string }> {
  const page = await agent.request(from);
  return agent.request(url, { form: { _csrf: csrfOf(page.text), ...form } });
}

async function audit(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of readAuditEntries(auditFile(cfg))) out.push(e);
  return out;
}

const sid = (id: string) => `${praefix}${id}`;

beforeAll(async () => {
  cfg = testConfig();
  const stack = testStack();
  const { codec } = codecFromConfig(cfg);
  connection = await connect(stack.temporalAddress);
  client = makeClient(connection, cfg.temporal.namespace, codec);
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  app = await buildConsole({
    cfg, temporal: client, codec, redis, redisUrl: stack.redisUrl, log: createLogger('betrieb-test', 'silent'),
    betrieb: { zeitplanPraefix: praefix, queuePrefix, warteschlangen: [{ name: qName, label: 'Test-Roboter', art: 'roboter' }], metricsToken: new Secret(METRICS_TOKEN), lageCacheMs: 0 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for await (const s of client.schedule.list()) {
    if (s.scheduleId.startsWith(praefix)) await client.schedule.getHandle(s.scheduleId).delete().catch(() => undefined);
  }
  for await (const wf of client.workflow.list({ query: `ExecutionStatus = 'Running' AND TaskQueue = '${cfg.temporal.taskQueue}'` })) {
    await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('Testende').catch(() => undefined);
  }
  await app?.close();
  await redis?.quit();
  await connection?.close();
});

describe('Revision', () => {
  test('only Datenschutz/Revision opens /revision; others are refused and the refusal is audited', async () => {
    const admin = await als('it-admin');
    const r = await admin.request('/revision');
    expect(r.res.status).toBe(403);
    expect(r.text).toContain('Keine Berechtigung');
    expect((await audit()).some((e) => e.actor === 'it-admin' && e.action === 'zugriff.verweigert' && e.target === '/revision')).toBe(true);
    const rev = await als('revision');
    const ok = await rev.request('/revision');
    expect(ok.res.status).toBe(200);
    expect(ok.text).toContain('<h1>Revision: Audit-Protokoll</h1>');
    expect(ok.text).toContain('href="/revision"');
    expect(ok.text).not.toContain('href="/zeitplaene"');
  });

  test('search by actor, action, time range and target text; malformed dates refused in German', async () => {
    const rev = await als('revision');
    const r = await rev.request('/revision?actor=it-admin&action=anmeldung&text=Konsole');
    expect(r.res.status).toBe(200);
    expect(r.text).toMatch(/\d+ Einträge gefunden/);
    expect(r.text).toContain('<td>it-admin</td>');
    expect(r.text).not.toContain('<td>revision</td>');
    const leer = await rev.request('/revision?von=2001-01-01&bis=2001-01-02');
    expect(leer.text).toContain('Keine Einträge für diese Auswahl.');
    const bad = await rev.request('/revision?von=2026-13-45');
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain('„von“ ist kein gültiges Datum (erwartet JJJJ-MM-TT).');
    const inv = await rev.request('/revision?von=2026-11-20&bis=2026-11-01');
    expect(inv.res.status).toBe(400);
    expect(inv.text).toContain('Das Datum „bis“ liegt vor „von“.');
    const searches = (await audit()).filter((e) => e.actor === 'revision' && e.action === 'audit.suchen');
    expect(searches.some((e) => e.target.startsWith('actor=it-admin, action=anmeldung') && e.outcome === 'erfolg')).toBe(true);
    expect(searches.some((e) => e.outcome === 'abgelehnt')).toBe(true);
  });

  test('export as CSV and JSON is audited before it is sent; formula cells are neutralised', async () => {
    const rev = await als('revision');
    const csv = await rev.request('/revision/export?action=anmeldung&format=csv');
    expect(csv.res.status).toBe(200);
    expect(csv.res.headers.get('content-type')).toContain('text/csv');
    expect(csv.res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]!.replace(/^\uFEFF/, '')).toBe('zeit;ts;actor;role;action;target;outcome;prev;hash');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toMatch(/^"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}";"\d{4}-\d{2}-\d{2}T/); // local time for people, UTC for the chain
    expect(toCsv([]).startsWith('\uFEFFzeit;')).toBe(true); // byte order mark: spreadsheets read the umlauts as UTF-8
    expect(lines.slice(1).every((l) => l.includes('"anmeldung"'))).toBe(true);
    const json = await rev.request('/revision/export?actor=revision&format=json');
    const body = JSON.parse(json.text) as { anzahl: number; eintraege: AuditEntry[] };
    expect(body.anzahl).toBe(body.eintraege.length);
    expect(body.eintraege.every((e) => e.actor === 'revision')).toBe(true);
    const exports = (await audit()).filter((e) => e.action === 'audit.export');
    expect(exports.map((e) => e.target)).toEqual(expect.arrayContaining([expect.stringMatching(/^CSV: action=anmeldung \(\d+ Einträge\)$/), expect.stringMatching(/^JSON: actor=revision/)]));
    const bad = await rev.request('/revision/export?format=xlsx');
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain('Export nur als CSV oder JSON');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });

  test('checking the chain from the page: intact, and the check is audited', async () => {
    const rev = await als('revision');
    const r = await post(rev, '/revision/pruefen', {}, '/revision');
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('Hash-Kette unversehrt:');
    expect((await audit()).some((e) => e.action === 'audit.pruefen' && e.outcome === 'erfolg')).toBe(true);
    expect((await verifyAuditTrail(auditFile(cfg))).ok).toBe(true);
  });
});

describe('Zeitpläne', () => {
  test('list shows the catalogue; create from it in Europe/Berlin; changes are audited', async () => {
    const admin = await als('it-admin');
    const list = await admin.request('/zeitplaene');
    expect(list.res.status).toBe(200);
    for (const id of ['aufbewahrung-taeglich', 'betriebsbericht-taeglich', 'zentraldruck-annahmeschluss', 'weiterbewilligung-sync-taeglich', 'klassifikator-training-woechentlich']) {
      expect(list.text).toContain(`<code>${id}</code>`);
    }
    const r = await post(admin, '/zeitplaene/anlegen', { id: 'aufbewahrung-taeglich', takt: '' }, '/zeitplaene');
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('Zeitplan „Aufbewahrung“ angelegt (täglich 03:30).');
    const d = await client.schedule.getHandle(sid('aufbewahrung-taeglich')).describe();
    expect(d.spec.timezone).toBe('Europe/Berlin');
    expect(d.action.workflowType).toBe('aufbewahrung');
    expect(d.info.nextActionTimes.length).toBeGreaterThan(0);
    const again = await post(admin, '/zeitplaene/anlegen', { id: 'aufbewahrung-taeglich' }, '/zeitplaene');
    expect(again.res.status).toBe(409);
    expect(again.text).toContain('ist bereits angelegt');
    const unknown = await post(admin, '/zeitplaene/anlegen', { id: 'rmRfWorkflow' }, '/zeitplaene');
    expect(unknown.res.status).toBe(404);
    expect(unknown.text).toContain('gibt es keinen Eintrag im Zeitplan-Katalog: unbekannter Zeitplan oder Workflow-Typ');
    const entries = await audit();
    expect(entries.some((e) => e.action === 'zeitplan.anlegen' && e.outcome === 'erfolg' && e.target.startsWith('aufbewahrung-taeglich'))).toBe(true);
    expect(entries.some((e) => e.action === 'zeitplan.anlegen' && e.outcome === 'abgelehnt' && e.target.startsWith('rmRfWorkflow'))).toBe(true);
  });

  test('Takt: 02:30 and malformed specs are refused and change nothing; a valid one is kept', async () => {
    const admin = await als('it-admin');
    const h = client.schedule.getHandle(sid('aufbewahrung-taeglich'));
    const before = JSON.stringify((await h.describe()).spec);
    const dst = await post(admin, '/zeitplaene/aufbewahrung-taeglich/takt', { takt: 'täglich 02:30' }, '/zeitplaene');
    expect(dst.res.status).toBe(400);
    expect(dst.text).toContain('Die Uhrzeit 02:30 liegt zwischen 02:00 und 03:00 Uhr.');
    const bad = await post(admin, '/zeitplaene/aufbewahrung-taeglich/takt', { takt: '*/5 * * * *' }, '/zeitplaene');
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain('ist nicht verständlich');
    expect(JSON.stringify((await h.describe()).spec)).toBe(before);
    const ok = await post(admin, '/zeitplaene/aufbewahrung-taeglich/takt', { takt: 'Mo-Fr 04:15' }, '/zeitplaene');
    expect(ok.res.status).toBe(200);
    expect(ok.text).toContain('Takt geändert: täglich 03:30 → Mo-Fr 04:15.');
    const d = await h.describe();
    expect(d.action.memo).toMatchObject({ takt: 'Mo-Fr 04:15', taktAngepasst: true });
    expect(d.spec.calendars?.[0]?.hour).toEqual([{ start: 4, end: 4, step: 1 }]);
    // A restart of the engine (upsert with the code's default) keeps the admin's Takt.
    await upsertSchedule(client, katalogOptionen(katalogEintrag('aufbewahrung-taeglich')!, cfg, parseTakt('täglich 03:30'), praefix));
    expect((await h.describe()).spec.calendars?.[0]?.hour).toEqual([{ start: 4, end: 4, step: 1 }]);
    expect((await admin.request('/zeitplaene')).text).toMatch(/Mo-Fr 04:15<br><span class="hinweis">angepasst \(Standard: täglich 03:30\)/);
    // The same Takt again changes nothing: said so, not audited as a change (QA: "geändert: X → X").
    const gleich = await post(admin, '/zeitplaene/aufbewahrung-taeglich/takt', { takt: 'mo-fr 04:15' }, '/zeitplaene');
    expect(gleich.text).toContain('Takt unverändert: Mo-Fr 04:15.');
    const audits = (await audit()).filter((e) => e.action === 'zeitplan.takt');
    expect(audits.filter((e) => e.target.includes('Mo-Fr 04:15 → Mo-Fr 04:15'))).toEqual([]);
    expect(audits.filter((e) => e.outcome === 'abgelehnt')).toHaveLength(2);
    expect(audits.some((e) => e.outcome === 'erfolg' && e.target.includes('täglich 03:30 → Mo-Fr 04:15'))).toBe(true);
  });

  test('pause needs a note; pause, unpause and trigger reach Temporal', async () => {
    const admin = await als('it-admin');
    const h = client.schedule.getHandle(sid('aufbewahrung-taeglich'));
    const ohne = await post(admin, '/zeitplaene/aufbewahrung-taeglich/pausieren', { notiz: ' ' }, '/zeitplaene');
    expect(ohne.res.status).toBe(400);
    expect(ohne.text).toContain('Bitte beim Pausieren eine Notiz angeben');
    expect((await h.describe()).state.paused).toBe(false);
    const p = await post(admin, '/zeitplaene/aufbewahrung-taeglich/pausieren', { notiz: 'Wartung Speicher bis Freitag' }, '/zeitplaene');
    expect(p.res.status).toBe(200);
    expect((await h.describe()).state).toMatchObject({ paused: true, note: 'Wartung Speicher bis Freitag' });
    expect(p.text).toContain('Wartung Speicher bis Freitag');
    const u = await post(admin, '/zeitplaene/aufbewahrung-taeglich/fortsetzen', {}, '/zeitplaene');
    expect(u.res.status).toBe(200);
    expect((await h.describe()).state.paused).toBe(false);
    const t = await post(admin, '/zeitplaene/aufbewahrung-taeglich/ausloesen', {}, '/zeitplaene');
    expect(t.res.status).toBe(200);
    const deadline = Date.now() + 15000;
    let runs = 0;
    while (Date.now() < deadline && runs === 0) {
      runs = (await h.describe()).info.recentActions.length;
      if (runs === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(runs).toBe(1);
    const actions = (await audit()).filter((e) => e.action.startsWith('zeitplan.') && e.outcome === 'erfolg').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['zeitplan.pausieren', 'zeitplan.fortsetzen', 'zeitplan.ausloesen']));
  });

  test('backfill: years, future and inverted periods are refused; a short past period is accepted', async () => {
    const admin = await als('it-admin');
    const refuse = async (von: string, bis: string, msg: string) => {
      const r = await post(admin, '/zeitplaene/aufbewahrung-taeglich/nachholen', { von, bis }, '/zeitplaene');
      expect(r.res.status).toBe(400);
      expect(r.text).toContain(msg);
    };
    await refuse('2020-01-01T00:00', '2025-01-01T00:00', 'höchstens 31 Tage');
    await refuse('2020-01-02T00:00', '2020-01-01T00:00', 'rückwärts');
    await refuse('2099-01-01T00:00', '2099-01-02T00:00', 'in der Zukunft');
    await refuse('gestern', '2020-01-01T00:00', 'Bitte Beginn und Ende als Datum mit Uhrzeit angeben');
    const ok = await post(admin, '/zeitplaene/aufbewahrung-taeglich/nachholen', { von: '2026-01-05T00:00', bis: '2026-01-07T00:00' }, '/zeitplaene');
    expect(ok.res.status).toBe(200);
    expect(ok.text).toContain('Nachholen beauftragt');
    const n = (await audit()).filter((e) => e.action === 'zeitplan.nachholen');
    expect(n.filter((e) => e.outcome === 'abgelehnt')).toHaveLength(4);
    expect(n.filter((e) => e.outcome === 'erfolg')).toHaveLength(1);
  });

  test('a forged request (no CSRF token) and a session of another role change nothing', async () => {
    const admin = await als('it-admin');
    const forged = await admin.request('/zeitplaene/aufbewahrung-taeglich/pausieren', { form: { notiz: 'gefälscht!' } });
    expect(forged.res.status).toBe(403);
    expect(forged.text).toContain('Sicherheitsprüfung fehlgeschlagen');
    const foreign = await admin.request('/zeitplaene/aufbewahrung-taeglich/pausieren', { form: { notiz: 'fremde Seite', _csrf: 'x' }, headers: { origin: 'https://evil.example' } });
    expect(foreign.res.status).toBe(403);
    const leitung = await als('leitung');
    const other = await post(leitung, '/zeitplaene/aufbewahrung-taeglich/pausieren', { notiz: 'Leitung will pausieren' });
    expect(other.res.status).toBe(403);
    expect(other.text).toContain('Keine Berechtigung');
    expect((await client.schedule.getHandle(sid('aufbewahrung-taeglich')).describe()).state.paused).toBe(false);
  });

  test('the CLI runs the same operations and audits them as cli:<user>', async () => {
    const sink = () => {
      const s = { text: '', write(c: string) { s.text += c; return true; } };
      return s;
    };
    const run = async (...args: string[]) => {
      const out = sink();
      const err = sink();
      const code = await scheduleCommand(args, cfg, { client, praefix, out: out as never, err: err as never });
      return { code, out: out.text, err: err.text };
    };
    expect((await run('create', 'betriebsbericht', '--takt', 'täglich 02:15')).err).toContain('zwischen 02:00 und 03:00');
    const c = await run('create', 'betriebsbericht');
    expect(c.code).toBe(0);
    expect(c.out).toContain('Angelegt: betriebsbericht-taeglich (täglich 06:45)');
    expect((await run('create', 'unbekannterWorkflow')).code).toBe(1);
    expect((await run('pause', 'betriebsbericht-taeglich')).err).toContain('Notiz angeben');
    expect((await run('pause', 'betriebsbericht-taeglich', '--notiz', 'Test der CLI')).code).toBe(0);
    expect((await client.schedule.getHandle(sid('betriebsbericht-taeglich')).describe()).state.paused).toBe(true);
    expect((await run('unpause', 'betriebsbericht-taeglich')).code).toBe(0);
    expect((await run('backfill', 'betriebsbericht-taeglich', '--von', '2023-01-01', '--bis', '2026-01-01')).err).toContain('höchstens 31 Tage');
    expect((await run('backfill', 'betriebsbericht-taeglich', '--von', '2026-01-01', '--bis', '2026-01-03')).code).toBe(0);
    const list = await run('list');
    expect(list.out).toMatch(/betriebsbericht-taeglich\s+täglich 06:45\s+aktiv/);
    expect(list.out).toMatch(/weiterbewilligung-sync-taeglich\s+nicht angelegt/);
    expect((await run('frobnicate')).code).toBe(2);
    const cli = (await audit()).filter((e) => e.actor.startsWith('cli:') && e.action.startsWith('zeitplan.'));
    expect(cli.filter((e) => e.outcome === 'erfolg').map((e) => e.action)).toEqual(['zeitplan.anlegen', 'zeitplan.pausieren', 'zeitplan.fortsetzen', 'zeitplan.nachholen']);
    expect(cli.filter((e) => e.outcome === 'abgelehnt').length).toBe(4);
    expect((await verifyAuditTrail(auditFile(cfg))).ok).toBe(true);
  });
  test('schedules created in code at engine start show their Takt; an admin change survives the next start', async () => {
    await ensureZentraldruckSchedule(client, cfg, { scheduleId: sid('zentraldruck-annahmeschluss') });
    await ensureBescheidSchedule(client, cfg, { scheduleId: sid('zentraldruck-bescheide') });
    await ensureWeiterbewilligungSchedule(client, cfg, { scheduleId: sid('weiterbewilligung-sync-taeglich') });
    await ensureKlassifikatorTrainingSchedule(client, cfg, sid('klassifikator-training-woechentlich'));
    // The Terminsystem sync has a fixed id: created for this test under the prefix by hand.
    const termin = katalogOptionen(katalogEintrag('termine-sync-taeglich')!, cfg, parseTakt('täglich 06:15'), praefix);
    await upsertSchedule(client, termin);
    const dienst = new ZeitplanDienst(client, cfg, { praefix });
    const takte = Object.fromEntries((await dienst.liste()).map((z) => [z.id, z.takt]));
    expect(takte).toMatchObject({
      'zentraldruck-annahmeschluss': 'Mo-Fr 14:00', 'zentraldruck-bescheide': 'alle 5 Minuten',
      'weiterbewilligung-sync-taeglich': 'täglich 05:30', 'klassifikator-training-woechentlich': 'So 04:00', 'termine-sync-taeglich': 'täglich 06:15',
    });
    await dienst.taktAendern('zentraldruck-annahmeschluss', 'Mo-Fr 13:30');
    await ensureZentraldruckSchedule(client, cfg, { scheduleId: sid('zentraldruck-annahmeschluss') });
    expect((await dienst.zeigen('zentraldruck-annahmeschluss')).takt).toBe('Mo-Fr 13:30');
    await ensureBescheidSchedule(client, cfg, { scheduleId: sid('zentraldruck-bescheide'), minuten: 10 });
    expect((await dienst.zeigen('zentraldruck-bescheide')).takt).toBe('alle 10 Minuten');
  });
});

describe('Warteschlangen und Metriken', () => {
  let queue: Queue;
  let worker: Worker;
  let events: QueueEvents;
  let shotJobId: string;

  beforeAll(async () => {
    const connection = { url: testStack().redisUrl, maxRetriesPerRequest: null };
    queue = new Queue(qName, { connection, prefix: queuePrefix });
    events = new QueueEvents(qName, { connection, prefix: queuePrefix });
    await events.waitUntilReady();
    const shots = path.join(cfg.dataDir, 'robots', 'failures');
    worker = new Worker(qName, async (job) => {
      if (job.name === 'findeHaushalt') throw new UnrecoverableError(formatFailure({ art: 'BusinessError', code: 'HAUSHALT_NICHT_GEFUNDEN', meldung: 'Keine Bedarfsgemeinschaft mit dieser BG-Nummer gefunden.' }));
      const dir = path.join(shots, String(job.id));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `versuch-${job.attemptsMade + 1}.png`), Buffer.from('89504e470d0a1a0a', 'hex'));
      await job.log('Seite „Suche“ geöffnet');
      throw new Error(formatFailure({ art: 'TechnicalError', code: 'SELEKTOR_FEHLT', meldung: 'Element „Suchfeld“ fehlt.', artefakte: path.join(dir, `versuch-${job.attemptsMade + 1}`) }));
    }, { connection, prefix: queuePrefix, autorun: true });
    const a = await queue.add('findeHaushalt', {}, { jobId: 'fachlich-1', attempts: 5 });
    const b = await queue.add('erstelleWiedervorlage', {}, { jobId: 'technisch-1', attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    shotJobId = String(b.id);
    await expect(a.waitUntilFinished(events, 10000)).rejects.toThrow(/BusinessError/);
    await expect(b.waitUntilFinished(events, 10000)).rejects.toThrow(/TechnicalError/);
    await worker.close();
  });

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
  });

  test('the page shows processes, queue counts and the failed jobs with business vs. technical', async () => {
    const admin = await als('it-admin');
    const r = await admin.request('/warteschlangen');
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('<h1>Warteschlangen</h1>');
    expect(r.text).toContain('<th scope="row">Posteingang</th>');
    expect(r.text).not.toContain('Review-Warteschlange');
    expect(r.text).toContain(`<code>${qName}</code>`);
    expect(r.text).toContain('<span class="status-fehler">2</span>');
    expect(r.text).toContain('fachlich (keine automatische Wiederholung)');
    expect(r.text).toContain('<code>SELEKTOR_FEHLT</code>');
    // The business error ran once; the technical one used its attempts.
    expect(r.text).toMatch(/HAUSHALT_NICHT_GEFUNDEN<\/code> Keine Bedarfsgemeinschaft mit dieser BG-Nummer gefunden\.<\/td>\s*<td>1 von 5<\/td>/);
    expect(r.text).toMatch(/SELEKTOR_FEHLT<\/code> Element „Suchfeld“ fehlt\.<\/td>\s*<td>2 von 2<\/td>/);
    expect((await (await als('postkorb')).request('/warteschlangen')).res.status).toBe(403);
  });

  test('drill into a failed job: error, attempts, log, screenshot (audited); retry and abandon need a reason', async () => {
    const admin = await als('it-admin');
    const url = `/warteschlangen/${encodeURIComponent(qName)}/${shotJobId}`;
    const d = await admin.request(url);
    expect(d.res.status).toBe(200);
    expect(d.text).toContain('technisch – wurde mit Wartezeit wiederholt');
    expect(d.text).toContain('<dt>Versuche</dt><dd>2 von 2</dd>');
    expect(d.text).toContain('Seite „Suche“ geöffnet');
    const shot = await admin.request(`${url}/bildschirmfoto`);
    expect(shot.res.status).toBe(200);
    expect(shot.res.headers.get('content-type')).toBe('image/png');
    const noShot = await admin.request(`/warteschlangen/${encodeURIComponent(qName)}/fachlich-1/bildschirmfoto`);
    expect(noShot.res.status).toBe(404);
    expect((await admin.request(`/warteschlangen/${encodeURIComponent(qName)}/gibtsnicht`)).res.status).toBe(404);
    expect((await admin.request('/warteschlangen/unbekannt/1')).res.status).toBe(404);

    const ohne = await post(admin, `${url}/wiederholen`, { grund: 'kurz' }, url);
    expect(ohne.res.status).toBe(400);
    expect(ohne.text).toContain('Bitte einen Grund angeben');
    expect(await queue.getJobState(shotJobId)).toBe('failed');
    const retry = await post(admin, `${url}/wiederholen`, { grund: 'Oberfläche wurde angepasst' }, url);
    expect(retry.res.status).toBe(200);
    expect(retry.text).toContain(`Auftrag ${shotJobId} wird erneut versucht.`);
    expect(['waiting', 'prioritized', 'wait']).toContain(await queue.getJobState(shotJobId));
    const again = await post(admin, `${url}/aufgeben`, { grund: 'nicht mehr fehlgeschlagen' }, url);
    expect(again.res.status).toBe(409);

    const fUrl = `/warteschlangen/${encodeURIComponent(qName)}/fachlich-1`;
    const ab = await post(admin, `${fUrl}/aufgeben`, { grund: 'Haushalt existiert nicht, Vorgang erledigt' }, fUrl);
    expect(ab.res.status).toBe(200);
    expect(await queue.getJob('fachlich-1')).toBeUndefined();
    const a = await audit();
    expect(a.some((e) => e.action === 'auftrag.bildschirmfoto' && e.outcome === 'erfolg')).toBe(true);
    expect(a.some((e) => e.action === 'auftrag.wiederholen' && e.outcome === 'erfolg' && e.target.includes('Grund: Oberfläche wurde angepasst'))).toBe(true);
    expect(a.some((e) => e.action === 'auftrag.wiederholen' && e.outcome === 'abgelehnt')).toBe(true);
    expect(a.some((e) => e.action === 'auftrag.aufgeben' && e.outcome === 'erfolg')).toBe(true);
  });

  test('incidents: a workflow that timed out is listed with a link to its history', async () => {
    const h = await client.workflow.start('betriebsbericht', { taskQueue: uniqueName('kein-worker'), workflowId: uniqueName('vorfall'), args: [], workflowExecutionTimeout: '1 second' });
    const deadline = Date.now() + 20000;
    while ((await h.describe()).status.name !== 'TIMED_OUT') {
      if (Date.now() > deadline) throw new Error('workflow did not time out');
      await new Promise((r) => setTimeout(r, 250));
    }
    const admin = await als('it-admin');
    let text = '';
    while (Date.now() < deadline + 10000) {
      text = (await admin.request('/warteschlangen')).text;
      if (text.includes(h.workflowId)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toContain(`/temporal/namespaces/default/workflows/${h.workflowId}/`);
    expect(text).toMatch(new RegExp(`${h.workflowId}</code></a></td><td><code>betriebsbericht</code></td><td>Zeit überschritten</td>`));
  });

  test('/metrics: 401 without credentials, token or it-admin session works, other roles 403', async () => {
    const anon = await fetch(`${base}/metrics`);
    expect(anon.status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer falsch' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('# TYPE aktenlauf_queue_jobs gauge');
    expect(text).toMatch(new RegExp(`aktenlauf_queue_jobs\\{queue="${qName}",zustand="(failed|waiting)"\\} \\d`));
    // The count depends on other test files on the shared dev server (betrieb-alarme.test.ts checks the
    // counting itself); here: the gauge is exported.
    expect(text).toMatch(/^aktenlauf_pruefung_dokumente \d+$/m);
    expect(text).toContain('aktenlauf_druck_batches_nicht_angenommen');
    expect(text).toContain('aktenlauf_roboter_fehlerquote');
    expect(text).not.toMatch(/BG\d{7}/);
    expect((await (await als('it-admin')).request('/metrics')).res.status).toBe(200);
    expect((await (await als('leitung')).request('/metrics')).res.status).toBe(403);
  });

  test('alerts appear on /status and the overview for it-admin and Leitung, not for Postkorb', async () => {
    const admin = await als('it-admin');
    const s = await admin.request('/status');
    expect(s.text).toContain('<h2>Alarme</h2>');
    expect(s.text).toContain('id="alarme"');
    expect((await (await als('leitung')).request('/')).text).toContain('id="alarme"');
    expect((await (await als('postkorb')).request('/')).text).not.toContain('id="alarme"');
  });
});
