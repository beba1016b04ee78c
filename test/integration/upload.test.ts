/**
 * Citizen app upload on the real Temporal dev server: a message posted to the intake watcher's HTTP
 * endpoint (or dropped into the app folder) starts one `posteingang` workflow per attachment with
 * quelle 'upload', the message's receipt day (Berlin) as Eingangsdatum and its hints — only then 202.
 * A bad message is answered 400 with a German reason and starts nothing. Also: Eingangsdatum of
 * hot-folder files from mtime or today (EINGANGSDATUM_QUELLE).
 *
 * No worker polls the test's task queue: the workflows stay as started, and their start input is read
 * back from history (decrypted with the test codec).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError, type Client, type Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { eingangWorkflowId, type EingangInput } from '../../domain/eingang';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import type { Config } from '../../platform/config';
import { Secret } from '../../connectors/credentials';
import { baueNachricht, einfachesPdf, legeNachrichtAb, sendeNachricht, simuliereNachricht } from '../../connectors/buerger-app/simulator';
import { IntakeWatcher, starteNachrichtenServer } from '../../workers/intake-watcher';
import { testConfig } from '../helpers/env';

const log = createLogger('test-upload', 'silent');
const TOKEN = 'test-token-buerger-app';
let cfg: Config;
let connection: Connection;
let client: Client;
let watcher: IntakeWatcher;
let server: { app: FastifyInstance; url: string };
let endpoint: string;
const gestartet = new Set<string>();
const codec = () => codecFromConfig(cfg, false).codec;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  cfg = testConfig();
  connection = await connect(cfg.temporal.address);
  client = makeClient(connection, cfg.temporal.namespace, codec());
  watcher = new IntakeWatcher({
    client,
    taskQueue: cfg.temporal.taskQueue,
    dataDir: cfg.dataDir,
    scannerDir: cfg.intake.scannerDir,
    storeDir: cfg.intake.storeDir,
    appDir: cfg.intake.appDir,
    stableMs: 0,
    log,
  });
  await watcher.init();
  server = await starteNachrichtenServer({ watcher, token: new Secret(TOKEN), log, host: '127.0.0.1', port: 0 });
  endpoint = `${server.url}/api/eingang/nachricht`;
});

afterAll(async () => {
  await server.app.close();
  for (const id of gestartet) await client.workflow.getHandle(id).terminate('Testende').catch(() => undefined);
  await connection.close();
});

async function startInput(workflowId: string): Promise<EingangInput> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const attrs = history.events![0]!.workflowExecutionStartedEventAttributes!;
  expect(attrs.workflowType?.name).toBe('posteingang');
  const [payload] = await codec().decode(attrs.input!.payloads!);
  return defaultPayloadConverter.fromPayload<EingangInput>(payload!);
}

async function existiert(workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

test('a message with two attachments starts two workflows: quelle upload, Eingangsdatum of the receipt day in Berlin, hints', async () => {
  const sim = await simuliereNachricht(4711, { anhaenge: 2, bgNummer: '96201 BG 0012345', eingang: new Date('2026-11-25T23:30:00Z') });
  const xml = baueNachricht(sim);
  const res = await sendeNachricht(endpoint, TOKEN, xml);
  expect(res.status).toBe(202);
  const body = res.body as { eingangsdatum: string; eingaenge: { anhang: number; workflowId: string; result: string }[] };
  // 23:30 UTC on the 25th is 00:30 on the 26th in Berlin: the legal day of receipt.
  expect(body.eingangsdatum).toBe('2026-11-26');
  expect(body.eingaenge.map((e) => [e.anhang, e.result])).toEqual([
    [1, 'gestartet'],
    [2, 'gestartet'],
  ]);
  for (const [i, e] of body.eingaenge.entries()) {
    gestartet.add(e.workflowId);
    const anhang = sim.anhaenge[i]!;
    expect(e.workflowId).toBe(eingangWorkflowId(sha(anhang.inhalt)));
    const input = await startInput(e.workflowId);
    expect(input).toEqual({
      contentHash: sha(anhang.inhalt),
      quelle: 'upload',
      eingangsdatum: '2026-11-26',
      fileName: anhang.dateiname,
      mediaType: 'application/pdf',
      bytes: anhang.inhalt.length,
      storedPath: path.join('store', 'eingang', `${sha(anhang.inhalt)}.pdf`),
      hinweise: { bgNummer: '96201BG0012345', betreff: sim.betreff },
    });
    // stored durably before the answer
    expect(fs.readFileSync(path.join(cfg.dataDir, input.storedPath)).equals(anhang.inhalt)).toBe(true);
  }

  // The app retries (e.g. it lost our 202): nothing new is started.
  const nochmal = await sendeNachricht(endpoint, TOKEN, xml);
  expect(nochmal.status).toBe(202);
  expect((nochmal.body as typeof body).eingaenge.map((e) => e.result)).toEqual(['duplikat', 'duplikat']);
});

test('bad messages: 400 with a German reason, nothing started (also not the good attachment before the bad one)', async () => {
  const gut = await einfachesPdf(['Kontoauszug', `Nummer ${Date.now()}`]);
  const basis = { absender: { nachname: 'Muster' }, eingang: '2026-11-26T09:15:00+01:00' };
  const faelle: [string, string, RegExp][] = [
    [
      'xxe',
      baueNachricht({ ...basis, absender: { nachname: 'XXE' }, anhaenge: [{ dateiname: 'a.pdf', mediaType: 'application/pdf', inhalt: gut }] }).replace(
        '<Nachricht',
        '<!DOCTYPE Nachricht [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Nachricht',
      ),
      /DOCTYPE- oder ENTITY-Deklaration/,
    ],
    [
      'zweiter Anhang ist kein PDF',
      baueNachricht({
        ...basis,
        anhaenge: [
          { dateiname: 'a.pdf', mediaType: 'application/pdf', inhalt: gut },
          { dateiname: 'b.pdf', mediaType: 'application/pdf', inhalt: Buffer.from('MZ kein pdf') },
        ],
      }),
      /Anhang 2: die Datei ist als application\/pdf angegeben/,
    ],
    ['base64 kaputt', baueNachricht({ ...basis, anhaenge: [{ dateiname: 'a.pdf', mediaType: 'application/pdf', inhalt: gut }] }).replace(/<Anhang([^>]*)>\n/, '<Anhang$1>\n!!!!'), /kein gültiges Base64/],
    ['ohne Eingang', baueNachricht({ ...basis, anhaenge: [{ dateiname: 'a.pdf', mediaType: 'application/pdf', inhalt: gut }] }).replace(/<Eingang>.*<\/Eingang>/, ''), /<Eingang>.*fehlt/],
    ['Eingang ohne Zeitzone', baueNachricht({ ...basis, eingang: '2026-11-26T09:15:00', anhaenge: [{ dateiname: 'a.pdf', mediaType: 'application/pdf', inhalt: gut }] }), /mit Zeitzone/],
    ['kein XML', 'das ist kein xml', /kein wohlgeformtes XML|Wurzelelement/],
    ['ohne Anhang', baueNachricht({ ...basis, anhaenge: [] }), /keinen Anhang/],
    ['Typ nicht erlaubt', baueNachricht({ ...basis, anhaenge: [{ dateiname: 'a.docx', mediaType: 'application/msword', inhalt: gut }] }), /wird nicht angenommen/],
  ];
  for (const [name, xml, grund] of faelle) {
    const res = await sendeNachricht(endpoint, TOKEN, xml);
    expect([name, res.status]).toEqual([name, 400]);
    expect([name, (res.body as { fehler: string }).fehler]).toEqual([name, expect.stringMatching(grund)]);
  }
  expect(await existiert(eingangWorkflowId(sha(gut)))).toBe(false);
  expect(fs.existsSync(path.join(cfg.intake.storeDir, `${sha(gut)}.pdf`))).toBe(false);
});

test('no token or a wrong one: 401; not XML: 415; nothing started', async () => {
  const inhalt = await einfachesPdf([`Token-Test ${Date.now()}`]);
  const xml = baueNachricht({ absender: {}, eingang: '2026-11-26T09:15:00+01:00', anhaenge: [{ dateiname: 'a.pdf', mediaType: 'application/pdf', inhalt }] });
  expect((await sendeNachricht(endpoint, 'falsch', xml)).status).toBe(401);
  const ohne = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
  expect(ohne.status).toBe(401);
  const json = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{}' });
  expect(json.status).toBe(415);
  expect(await existiert(eingangWorkflowId(sha(inhalt)))).toBe(false);
});

test('drop folder: a message file starts its workflows and leaves; a bad one goes to abgelehnt/ with its reason', async () => {
  const sim = await simuliereNachricht(815, { anhaenge: 1, eingang: new Date('2026-03-29T00:30:00Z') });
  await legeNachrichtAb(cfg.intake.appDir, 'eingang-1.xml', baueNachricht(sim));
  await legeNachrichtAb(cfg.intake.appDir, 'kaputt.xml', '<Nachricht><Absender/></Nachricht>');
  fs.writeFileSync(path.join(cfg.intake.appDir, 'brief.pdf'), await einfachesPdf(['kein XML im App-Ordner']));
  const outcomes = await watcher.sweep();
  const id = eingangWorkflowId(sha(sim.anhaenge[0]!.inhalt));
  gestartet.add(id);
  expect(outcomes).toEqual(
    expect.arrayContaining([
      { file: 'eingang-1.xml', result: 'gestartet', workflowId: id },
      { file: 'kaputt.xml', result: 'abgelehnt', grund: expect.stringMatching(/^Nachricht der Bürger-App abgelehnt: Das Element <Eingang>/) },
      { file: 'brief.pdf', result: 'abgelehnt', grund: 'Im Ordner der Bürger-App werden nur Nachrichten (XML) angenommen' },
    ]),
  );
  expect(fs.readdirSync(cfg.intake.appDir)).toEqual([]);
  // 00:30 UTC on 29 March 2026 (DST starts that night) is 01:30 CET: still the 29th in Berlin
  expect((await startInput(id)).eingangsdatum).toBe('2026-03-29');
  expect((await startInput(id)).quelle).toBe('upload');
  const gruende = fs.readdirSync(watcher.rejectDir).filter((f) => f.endsWith('.grund.txt'));
  expect(gruende.some((f) => f.endsWith('_kaputt.xml.grund.txt'))).toBe(true);
});

test('Eingangsdatum of hot-folder files: the file mtime (default) or the day it is taken (heute)', async () => {
  const alt = await einfachesPdf([`mtime ${Date.now()}`]);
  const neu = await einfachesPdf([`heute ${Date.now()}`]);
  const datei = (name: string, inhalt: Buffer) => {
    const p = path.join(cfg.intake.scannerDir, name);
    fs.writeFileSync(p, inhalt);
    fs.utimesSync(p, new Date('2026-01-15T10:00:00Z'), new Date('2026-01-15T10:00:00Z'));
  };
  datei('alt.pdf', alt);
  const [o1] = await watcher.sweep();
  expect(o1).toMatchObject({ file: 'alt.pdf', result: 'gestartet' });
  gestartet.add(eingangWorkflowId(sha(alt)));
  expect((await startInput(eingangWorkflowId(sha(alt)))).eingangsdatum).toBe('2026-01-15');

  const heute = new IntakeWatcher({
    client,
    taskQueue: cfg.temporal.taskQueue,
    dataDir: cfg.dataDir,
    scannerDir: cfg.intake.scannerDir,
    storeDir: cfg.intake.storeDir,
    stableMs: 0,
    eingangsdatumQuelle: 'heute',
    now: () => Date.parse('2026-02-02T23:30:00Z'), // 00:30 on 3 February in Berlin
    log,
  });
  datei('neu.pdf', neu);
  const [o2] = await heute.sweep();
  expect(o2).toMatchObject({ file: 'neu.pdf', result: 'gestartet' });
  gestartet.add(eingangWorkflowId(sha(neu)));
  const input = await startInput(eingangWorkflowId(sha(neu)));
  expect(input.eingangsdatum).toBe('2026-02-03');
  expect(input.quelle).toBe('scanner');
});

test('a file over the size limit is set aside unread, with its reason', async () => {
  const klein = new IntakeWatcher({ client, taskQueue: cfg.temporal.taskQueue, dataDir: cfg.dataDir, scannerDir: cfg.intake.scannerDir, storeDir: cfg.intake.storeDir, stableMs: 0, maxBytes: 1000, log });
  fs.writeFileSync(path.join(cfg.intake.scannerDir, 'riesig.pdf'), Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024)]));
  const [o] = await klein.sweep();
  expect(o).toEqual({ file: 'riesig.pdf', result: 'abgelehnt', grund: 'Datei ist mit 3 MB zu groß (höchstens 1 KB)' });
  expect(fs.readdirSync(cfg.intake.scannerDir)).toEqual([]);
});
