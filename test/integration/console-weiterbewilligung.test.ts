/**
 * Weiterbewilligung and Postausgang pages over real HTTP. Both pages read visibility only
 * (and, for rejected letters, the letter workflow's `zustand` query), so the test seeds
 * workflows with the search attributes those processes set, on a task queue no worker
 * polls: the pages' logic is proven independent of the process workflows themselves.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Config } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { berlinDate } from '../../domain/zeit';
import { ART, FAELLIG, PROZESS, STATUS, STICHTAG, TEAM } from '../../domain/search-attributes';
import { buildConsole } from '../../console/server';
import { UserStore } from '../../console/users';
import { auditFile, type AuditEntry } from '../../console/audit';
import { postausgangPage } from '../../console/views/postausgang';
import { TEST_PASSWORD, testConfig, testStack, uniqueName } from '../helpers/env';
import { eventually } from '../helpers/engine';
import { Agent, angemeldet } from '../helpers/http-agent';

let cfg: Config;
let app: FastifyInstance;
let base: string;
let connection: Connection;
let client: Client;
let redis: Redis;
const handles: WorkflowHandle[] = [];
const noWorkerQueue = uniqueName('ohne-worker');
const run = uniqueName('seite');

function tag(offsetDays: number): Date {
  const today = new Date(`${berlinDate(new Date())}T00:00:00Z`);
  return new Date(today.getTime() + offsetDays * 86_400_000);
}

async function seed(id: string, attrs: SearchAttributePair[]): Promise<WorkflowHandle> {
  const h = await client.workflow.start('aufgabe', { taskQueue: noWorkerQueue, workflowId: `${run}-${id}`, args: [], typedSearchAttributes: attrs });
  handles.push(h);
  return h;
}

const loggedIn = (username: string): Promise<Agent> => angemeldet(base, username, TEST_PASSWORD);

async function pageUntil(agent: Agent, url: string, until: (t: string) => boolean): Promise<string> {
  return eventually(async () => {
    const { res, text } = await agent.request(url);
    expect(res.status).toBe(200);
    return until(text) ? text : undefined;
  }, `${url} aktuell`);
}

/** The cells of the table row that starts with the given header text. */
function rowCells(html: string, tableId: string, rowHeader: string): string[] {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const row = table.split('<tr').find((r) => r.includes(`<th scope="row">${rowHeader}</th>`)) ?? '';
  return [...row.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

const wb = (team: string, status: string, endeInTagen: number, faelligInTagen: number): SearchAttributePair[] => [
  { key: PROZESS, value: 'weiterbewilligung' },
  { key: TEAM, value: team },
  { key: STATUS, value: status },
  { key: STICHTAG, value: tag(endeInTagen) },
  { key: FAELLIG, value: tag(faelligInTagen) },
] as SearchAttributePair[];

beforeAll(async () => {
  cfg = testConfig();
  const stack = testStack();
  const { codec } = codecFromConfig(cfg);
  connection = await connect(stack.temporalAddress);
  client = makeClient(connection, cfg.temporal.namespace, codec);
  redis = new Redis(stack.redisUrl);
  const log = createLogger('console-wb-test', 'silent');
  const store = await UserStore.open(cfg, log);
  // A team used by no process test, so the counts on its page are exactly the seeded ones.
  await store.upsert({ username: 'sb-reha', displayName: 'Test Reha', role: 'sachbearbeitung', bereich: 'markt-integration', team: 'MI-REHA', password: TEST_PASSWORD });
  app = await buildConsole({ cfg, temporal: client, codec, redis, redisUrl: stack.redisUrl, log });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.terminate('Testende').catch(() => undefined)));
  await app?.close();
  await redis?.quit();
  await connection?.close();
});

describe('Weiterbewilligung', () => {
  test('upcoming BWZ ends of the own team with counts by state; other teams and later ends hidden', async () => {
    const [erinnert, eingegangen, eskaliert, spaeter, fremd] = await Promise.all([
      seed('wb-erinnert', wb('MI-REHA', 'erinnert', 30, 2)),
      seed('wb-eingegangen', wb('MI-REHA', 'wba_eingegangen', 20, 20)),
      seed('wb-eskaliert', wb('MI-REHA', 'eskaliert', 10, 10)),
      seed('wb-spaeter', wb('MI-REHA', 'wartet', 100, 44)),
      seed('wb-fremd', wb('LE-S-AD', 'erinnert', 25, 3)),
    ]);
    const sb = await loggedIn('sb-reha');
    const text = await pageUntil(sb, '/weiterbewilligung', (t) => [erinnert, eingegangen, eskaliert].every((h) => t.includes(h.workflowId)));
    expect(text).toContain('<h1>Weiterbewilligung</h1>');
    expect(text).toContain('Markt &amp; Integration Reha/SB (MI-REHA)');
    expect(text).not.toContain(spaeter.workflowId);
    expect(text).not.toContain(fremd.workflowId);
    expect(text).toContain('<li><strong>3</strong> enden im Zeitraum</li>');
    expect(text).toContain('<li><strong>2</strong> Erinnerungen versandt, noch kein WBA</li>');
    expect(text).toContain('<li><strong>1</strong> WBA eingegangen</li>');
    expect(text).toContain('<li><strong>1</strong> eskaliert</li>');
    // Per team: one row for MI-REHA with 1 reminded, 1 escalated, 1 received, 3 in total.
    expect(rowCells(text, 'wb-teams', 'Markt &amp; Integration Reha/SB (MI-REHA)')).toEqual(['1', '1', '1', '3']);
    // The instance table: opaque id, state, BWZ end and next step, sorted by end.
    const pos = [eskaliert, eingegangen, erinnert].map((h) => text.indexOf(h.workflowId));
    expect([...pos].sort((a, b) => a - b)).toEqual(pos);
    const fmt = (d: Date) => d.toISOString().slice(0, 10).split('-').reverse().join('.');
    expect(text).toContain(`<td>Erinnerung versandt</td><td>${fmt(tag(30))}</td><td>${fmt(tag(2))}</td>`);

    const later = await pageUntil(sb, '/weiterbewilligung?wochen=20', (t) => t.includes(spaeter.workflowId));
    expect(later).toContain('<li><strong>4</strong> enden im Zeitraum</li>');

    // Sachbearbeitung Leistung (LE-S-AD) sees its own, not the Reha team's.
    const le = await loggedIn('sb-leistung');
    const leText = await pageUntil(le, '/weiterbewilligung', (t) => t.includes(fremd.workflowId));
    expect(leText).not.toContain(erinnert.workflowId);

    // Leitung sees all teams.
    const leitung = await loggedIn('leitung');
    await pageUntil(leitung, '/weiterbewilligung', (t) => t.includes(fremd.workflowId) && t.includes(erinnert.workflowId));

    const entries = fs.readFileSync(auditFile(cfg), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'sb-reha', action: 'weiterbewilligung.ansehen', outcome: 'erfolg' }));
  });

  test('Postkorb may not open it', async () => {
    const pk = await loggedIn('postkorb');
    expect((await pk.request('/weiterbewilligung')).res.status).toBe(403);
  });
});

describe('Postausgang', () => {
  test('letters by batch day, status and kind; a reject whose workflow does not answer shows a German note', async () => {
    const druck = (status: string, art: string, tagOffset?: number): SearchAttributePair[] => [
      { key: PROZESS, value: 'zentraldruck' },
      { key: STATUS, value: status },
      { key: ART, value: art },
      ...(tagOffset === undefined ? [] : [{ key: STICHTAG, value: tag(tagOffset) }]),
    ] as SearchAttributePair[];
    // A day far enough back (within the 90-day window) that no other test uses it.
    const tagOffset = -(40 + (process.pid % 40));
    const dayKey = tag(tagOffset).toISOString().slice(0, 10);
    const [a, b, c, abgelehnt, , vorbereitet] = await Promise.all([
      seed('brief-erster', druck('versendet', 'WBA_ERINNERUNG', tagOffset)),
      seed('brief-zweiter', druck('versendet', 'WBA_ERINNERUNG', tagOffset)),
      seed('brief-dritter', druck('uebergeben', 'EINGANGSBESTAETIGUNG', tagOffset)),
      seed('brief-abgelehnt', druck('abgelehnt', 'WBA_ERINNERUNG', tagOffset)),
      seed('batch', druck('abgeschlossen', 'TAGESBATCH', tagOffset)),
      seed('brief-vorbereitet', druck('geprueft', 'TERMIN_BESTAETIGUNG')),
    ]);
    for (const role of ['postkorb', 'it-admin', 'leitung']) {
      const agent = await loggedIn(role);
      const text = await pageUntil(agent, '/postausgang?tage=90', (t) => t.includes(abgelehnt.workflowId) && t.includes(`data-tag="${dayKey}"`) && t.includes('Terminbestätigung'));
      expect(text).toContain('<h1>Postausgang</h1>');
      const day = new RegExp(`<tr data-tag="${dayKey}">[\\s\\S]*?</tr>`).exec(text)?.[0] ?? '';
      // The day's batch phase, 4 letters (the batch itself is not a letter) and their kinds.
      expect(day).toContain('<td>Abgeschlossen</td>');
      expect(day).toContain('<td>4</td><td>Eingangsbestätigung: 1, WBA-Erinnerung: 3</td>');
      const rejects = /<table id="ablehnungen">[\s\S]*?<\/table>/.exec(text)?.[0] ?? '';
      expect(rejects).toContain(abgelehnt.workflowId);
      expect(rejects).toContain('Grund nicht abrufbar');
      for (const h of [a, b, c, vorbereitet]) expect(rejects).not.toContain(h.workflowId);
      expect(/<ul class="zahlen" id="ohne-tag"[\s\S]*?<\/ul>/.exec(text)?.[0]).toContain('Geprüft');
    }
    // The default window (7 days) does not reach that day; the reject still waits for a person.
    const pk = await loggedIn('postkorb');
    const kurz = (await pk.request('/postausgang')).text;
    expect(kurz).not.toContain(`data-tag="${dayKey}"`);
    expect(kurz).toContain(abgelehnt.workflowId);
    // Sachbearbeitung has no access.
    expect((await (await loggedIn('sb-leistung')).request('/postausgang')).res.status).toBe(403);
    const entries = fs.readFileSync(auditFile(cfg), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'postkorb', action: 'postausgang.ansehen', outcome: 'erfolg' }));
  }, 120_000);

  test('the reason of a reject is shown (escaped) when the letter workflow answers', () => {
    const page = postausgangPage({
      user: { username: 'postkorb', displayName: 'Demo Postkorb', role: 'postkorb' },
      csrf: 'x',
      tage: 7,
      von: tag(-6),
      rows: [{ workflowId: 'brief-1', stichtag: tag(0), status: 'abgelehnt', art: 'BESCHEID' }],
      ohneTag: [],
      ablehnungen: [{ workflowId: 'brief-1', stichtag: tag(0), art: 'BESCHEID', grund: 'Anschrift außerhalb des Fensters <E-201>', fehlercode: 'E-201' }],
      limit: 1000,
      truncated: false,
    });
    expect(page).toContain('<td>Anschrift außerhalb des Fensters &lt;E-201&gt; (Fehlercode <code>E-201</code>)</td>');
  });
});
