/**
 * The retention workflow `aufbewahrung` on a real worker: old page images, OCR texts, originals,
 * intake refusals and audit segments are deleted by their rule; nothing of an open case (running
 * file workflow or running document workflow) and nothing young; a report is written and the
 * run is audited; the audit trail still verifies; a dry run deletes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { AuditLog, auditFile, entryHash, listSegments, readAuditEntries, verifyAuditTrail, type AuditEntry } from '../../console/audit';
import type { AufbewahrungsBericht } from '../../activities/betrieb/aufbewahrung';
import { eingangWorkflowId, stapelWorkflowId, type EingangInput } from '../../domain/eingang';
import { dokumentWorkflowId } from '../../domain/posteingang';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { uniqueName } from '../helpers/env';

let engine: TestEngine;
const offen: WorkflowHandle[] = [];
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const ALT = (Date.now() - 400 * 86_400_000) / 1000;

function datei(rel: string, alt = true, inhalt = 'x'.repeat(100)): string {
  const f = path.join(engine.cfg.dataDir, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, inhalt);
  if (alt) fs.utimesSync(f, ALT, ALT);
  return f;
}

function fallDateien(h: string, alt = true): string[] {
  return [datei(`posteingang/${h}/seite-1.png`, alt), datei(`posteingang/${h}/seite-2.png`, alt), datei(`posteingang/${h}/lesung.json`, alt), datei(`store/eingang/${h}.pdf`, alt)];
}

/** With BETRIEB_HISTORIEN=schreiben: saves the real history for replay.test.ts. */
async function speichereHistorie(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.BETRIEB_HISTORIEN !== 'schreiben') return;
  const History = temporal.api.history.v1.History;
  const obj = { workflowId: handle.workflowId, ...History.toObject(History.fromObject(await handle.fetchHistory()), { longs: String, enums: String, bytes: String }) };
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), JSON.stringify(obj, null, 1));
}

/** Waits until visibility counts one workflow for the query. */
async function sichtbar(query: string): Promise<void> {
  const deadline = Date.now() + 15000;
  while ((await engine.client.workflow.count(query)).count !== 1) {
    if (Date.now() > deadline) throw new Error(`not visible: ${query}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await Promise.all(offen.map((h) => h.terminate('Testende').catch(() => undefined)));
  await engine?.stop();
});

test('retention deletes old files of closed cases only, prunes old audit segments, reports and audits the run', async () => {
  const geschlossen = hash(uniqueName('geschlossen'));
  const offenDatei = hash(uniqueName('offen-datei'));
  const offenDokument = hash(uniqueName('offen-dok'));
  const jung = hash(uniqueName('jung'));
  const weg = fallDateien(geschlossen);
  const bleibtDatei = fallDateien(offenDatei);
  const bleibtDok = fallDateien(offenDokument);
  const bleibtJung = fallDateien(jung, false);
  const qAlt = datei('intake/abgelehnt/2025-01-01_scan.pdf');
  const qNeu = datei('intake/abgelehnt/heute_scan.pdf', false);
  const mailAlt = datei(`store/mail/${hash(uniqueName('mail-alt'))}.eml`);
  const mailNeu = datei(`store/mail/${hash(uniqueName('mail-neu'))}.eml`, false);
  // Open cases: workflows on a task queue no worker polls stay running.
  const nirgends = uniqueName('kein-worker');
  offen.push(await engine.client.workflow.start('posteingang', { taskQueue: nirgends, workflowId: eingangWorkflowId(offenDatei), args: [] }));
  offen.push(await engine.client.workflow.start('posteingangDokument', { taskQueue: nirgends, workflowId: dokumentWorkflowId(offenDokument, 0), args: [] }));
  // Visibility must know the running document before the run.
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const n = (await engine.client.workflow.count(`WorkflowId = '${dokumentWorkflowId(offenDokument, 0)}' AND ExecutionStatus = 'Running'`)).count;
    if (n === 1) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  // Audit: one old closed segment (2020), one young one, and the active file.
  const file = auditFile(engine.cfg);
  const log = await AuditLog.open(file);
  await log.append({ actor: 'alt', role: 'it-admin', action: 'x', target: 't', outcome: 'erfolg' });
  await log.rotate();
  await log.close();
  const seg = listSegments(file)[0]!.file;
  const e = JSON.parse(fs.readFileSync(seg, 'utf8').trim()) as AuditEntry;
  const body = { ts: '2020-03-01T10:00:00.000Z', actor: e.actor, role: e.role, action: e.action, target: e.target, outcome: e.outcome };
  const alt = { ...body, prev: e.prev, hash: entryHash(e.prev, body) };
  fs.writeFileSync(seg, JSON.stringify(alt) + '\n');
  const log2 = await AuditLog.open(file);
  await log2.append({ actor: 'neu', role: 'it-admin', action: 'x', target: 't', outcome: 'erfolg' });
  await log2.rotate();
  await log2.append({ actor: 'aktiv', role: 'it-admin', action: 'x', target: 't', outcome: 'erfolg' });
  await log2.close();
  expect((await verifyAuditTrail(file)).ok).toBe(true);

  const trocken = await engine.client.workflow.execute('aufbewahrung', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('aufbewahrung-trocken'), args: [{ trockenlauf: true }] }) as AufbewahrungsBericht;
  expect(trocken.summe.geloescht).toBe(7);
  for (const f of [...weg, qAlt, mailAlt, seg]) expect(fs.existsSync(f)).toBe(true);

  const laufHandle = await engine.client.workflow.start('aufbewahrung', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('aufbewahrung'), args: [{}] });
  const bericht = await laufHandle.result() as AufbewahrungsBericht;
  await speichereHistorie(laufHandle, 'betrieb-aufbewahrung');
  const r = Object.fromEntries(bericht.regeln.map((x) => [x.regel, x]));
  expect(r.seitenbilder).toMatchObject({ tage: 90, geloescht: 2, behaltenOffen: 4, bytes: 200, fehler: 0 });
  expect(r['ocr-text']).toMatchObject({ tage: 180, geloescht: 1, behaltenOffen: 2 });
  expect(r.eingangsdateien).toMatchObject({ geloescht: 1, behaltenOffen: 2 });
  expect(r.quarantaene).toMatchObject({ geloescht: 1, behaltenOffen: 0 });
  expect(r.audit).toMatchObject({ tage: 730, geloescht: 1 });
  expect(r.emails).toMatchObject({ tage: 90, geloescht: 1, behaltenOffen: 0 });
  expect(bericht.summe).toMatchObject({ geloescht: 7, behaltenOffen: 8, fehler: 0 });

  for (const f of [...weg, qAlt, mailAlt, seg]) expect(fs.existsSync(f)).toBe(false);
  expect(fs.existsSync(path.join(engine.cfg.dataDir, 'posteingang', geschlossen))).toBe(false);
  for (const f of [...bleibtDatei, ...bleibtDok, ...bleibtJung, qNeu, mailNeu]) expect(fs.existsSync(f)).toBe(true);

  const gespeichert = JSON.parse(fs.readFileSync(bericht.berichtDatei!, 'utf8')) as AufbewahrungsBericht;
  expect(gespeichert.summe.geloescht).toBe(7);
  const v = await verifyAuditTrail(file);
  expect(v.ok).toBe(true);
  expect(v.anchor?.entfernt).toBe(1);
  const entries: AuditEntry[] = [];
  for await (const x of readAuditEntries(file)) entries.push(x);
  const lauf = entries.filter((x) => x.action === 'aufbewahrung.lauf');
  expect(lauf).toHaveLength(1);
  expect(lauf[0]!.target).toContain('seitenbilder: 2 gelöscht (200 B), 4 offen behalten');
  expect(entries.some((x) => x.action === 'aufbewahrung.trockenlauf')).toBe(true);
  // Nothing in the report names a file or a hash.
  expect(JSON.stringify(bericht)).not.toContain(geschlossen.slice(0, 16));

  const nochmal = await engine.client.workflow.execute('aufbewahrung', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('aufbewahrung-2'), args: [{}] }) as AufbewahrungsBericht;
  expect(nochmal.summe.geloescht).toBe(0);
});

test('retention keeps the files of a running Stapel (hashes from its encrypted input), deletes those of a closed case', async () => {
  const imStapel = [hash(uniqueName('stapel-a')), hash(uniqueName('stapel-b'))];
  const geschlossen = hash(uniqueName('geschlossen-2'));
  const bleibt = imStapel.flatMap((h) => fallDateien(h));
  const weg = fallDateien(geschlossen);
  const eingang = (h: string): EingangInput => ({
    contentHash: h, quelle: 'scanner', eingangsdatum: '2026-11-20', fileName: `${h.slice(0, 8)}.pdf`, mediaType: 'application/pdf', bytes: 100, storedPath: `store/eingang/${h}.pdf`,
  });
  // A running Stapel no worker picks up: only its input (encrypted in the history) names its files.
  const stapelId = stapelWorkflowId(imStapel, hash);
  const stapel = await engine.client.workflow.start('posteingangStapel', { taskQueue: uniqueName('kein-worker'), workflowId: stapelId, args: [{ eingaenge: imStapel.map(eingang) }] });
  offen.push(stapel);
  const start = (await stapel.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
  expect(Buffer.from(start.input!.payloads![0]!.data!).toString('utf8')).not.toContain(imStapel[0]!);
  await sichtbar(`WorkflowId = '${stapelId}' AND ExecutionStatus = 'Running'`);

  const bericht = await engine.client.workflow.execute('aufbewahrung', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('aufbewahrung-stapel'), args: [{}] }) as AufbewahrungsBericht;
  expect(bericht.summe.fehler).toBe(0);
  for (const f of bleibt) expect(fs.existsSync(f)).toBe(true);
  for (const f of weg) expect(fs.existsSync(f)).toBe(false);
  const r = Object.fromEntries(bericht.regeln.map((x) => [x.regel, x]));
  expect(r.eingangsdateien).toMatchObject({ geloescht: 1 });
  expect(r.eingangsdateien!.behaltenOffen).toBeGreaterThanOrEqual(2);

  // Once the Stapel is closed, its files go like any other.
  await stapel.terminate('Testende');
  await sichtbar(`WorkflowId = '${stapelId}' AND ExecutionStatus = 'Terminated'`);
  const danach = await engine.client.workflow.execute('aufbewahrung', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('aufbewahrung-stapel-2'), args: [{}] }) as AufbewahrungsBericht;
  expect(danach.summe.fehler).toBe(0);
  for (const f of bleibt) expect(fs.existsSync(f)).toBe(false);
});

test('the daily health report is written as JSON and German text', async () => {
  const h = await engine.client.workflow.start('betriebsbericht', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: uniqueName('bericht'), args: [] });
  const r = await h.result() as { datei: string; alarme: string[] };
  await speichereHistorie(h, 'betrieb-bericht');
  expect(fs.existsSync(r.datei)).toBe(true);
  const text = fs.readFileSync(r.datei.replace(/\.json$/, '.txt'), 'utf8');
  expect(text).toMatch(/^Betriebsbericht Aktenlauf – \d{4}-\d{2}-\d{2}/);
  expect(text).toContain('Vorgänge je Prozess');
  expect(text).toContain('posteingang');
});
