/**
 * The Posteingang overview and the Stapel page against a real `posteingangStapel` workflow (worker
 * with the prebuilt bundle, test world with the Fachverfahren and E-Akte simulators): a Stapel of two
 * born-digital letters, one filed by the Stapel itself, one handed to its own document workflow (unknown
 * household: review). The overview lists it as a Stapel (not as a file); its page shows each file's
 * outcome in German with a link to the other workflow; the same content coming again alone ends as
 * 'doppelt' and is counted and filtered as such. File names only for the roles of the Postkorb; every
 * view and refusal audited. The Stapel page's rendering of all outcomes and its escaping: pure.
 */
import fs from 'node:fs';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { WorkflowHandle } from '@temporalio/client';
import type { Haushalt } from '../../connectors/fachverfahren/port';
import { auditFile, type AuditEntry } from '../../console/audit';
import type { User } from '../../console/users';
import { posteingangPage, stapelPage } from '../../console/views/posteingang';
import { stapelWorkflowId, type EingangInput } from '../../domain/eingang';
import { STAPEL_WORKFLOW, dokumentWorkflowId, type DateiErgebnis, type PosteingangPolicy, type StapelErgebnis, type StapelZustand } from '../../domain/posteingang';
import { mulberry32 } from '../../domain/zufall';
import { erzeugeBrief } from '../../testdaten/posteingang';
import { eventually, type TestEngine } from '../helpers/engine';
import type { TestWorld } from '../helpers/connectors';
import { TEST_PASSWORD, uniqueName } from '../helpers/env';
import { Agent, angemeldet, csrfOf } from '../helpers/http-agent';
import { einmalig, pdfAus, sha256Hex, speichereEingang, starteEingang, startePosteingangWelt, starteKonsole } from './posteingang-hilfen';

let world: TestWorld;
let engine: TestEngine;
let app: FastifyInstance;
let redis: Redis;
let base: string;
let haushalte: Haushalt[];
const aufraeumen: WorkflowHandle[] = [];

const AUTO: Partial<PosteingangPolicy> = { schwelle: 0.5 };

/** A letter as PDF with a subject of its own: other bytes (content hash, workflow ids) than any other test file's letters. */
const brief = async (zeilen: string[]): Promise<Buffer> => einmalig(await pdfAus([{ zeilen }]), uniqueName('console-stapel'));

beforeAll(async () => {
  ({ world, engine, haushalte } = await startePosteingangWelt({ haushalte: 20 }));
  ({ app, redis, base } = await starteKonsole(engine, 'console-posteingang-stapel'));
}, 120_000);

afterAll(async () => {
  await Promise.all(aufraeumen.map((h) => h.terminate('Testende').catch(() => undefined)));
  await app?.close();
  await redis?.quit();
  await engine?.stop();
  await world?.stop();
});

const loggedIn = (username: string): Promise<Agent> => angemeldet(base, username, TEST_PASSWORD);

function audit(): AuditEntry[] {
  return fs.readFileSync(auditFile(engine.cfg), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
}

/** The overview's row of one workflow. */
function zeile(text: string, workflowId: string): string | undefined {
  return new RegExp(`<tr>\\s*<td><code>${workflowId}</code></td>[\\s\\S]*?</tr>`).exec(text)?.[0];
}

/** The overview once visibility shows the workflow with this status. */
async function uebersichtMit(agent: Agent, url: string, workflowId: string, status: string): Promise<{ text: string; row: string }> {
  return eventually(async () => {
    const { res, text } = await agent.request(url);
    expect(res.status).toBe(200);
    const row = zeile(text, workflowId);
    return row?.includes(`<td>${status}</td>`) ? { text, row } : undefined;
  }, `${workflowId} ${status} in ${url}`);
}

test('a real Stapel: listed as Stapel, its page shows each file\'s outcome with links; the same file again is "doppelt"; roles and audit as for other details', async () => {
  const sicher = haushalte[0]!;
  const a = erzeugeBrief(mulberry32(7101), 'MIETVERTRAG', { verwechsler: false, haushalt: { bgNummer: sicher.bgNummer, personen: sicher.personen, anschrift: sicher.anschrift }, bgQuote: 1 });
  // A well-formed BG-Nummer the Fachverfahren does not know: nothing to file without a person.
  const fremd = '96201BG9999973';
  expect(haushalte.some((h) => h.bgNummer === fremd)).toBe(false);
  const andere = haushalte[1]!;
  const b = erzeugeBrief(mulberry32(7303), 'EINKOMMENSNACHWEIS', { verwechsler: false, haushalt: { bgNummer: fremd, personen: andere.personen, anschrift: andere.anschrift }, bgQuote: 1 });
  const eingaenge: EingangInput[] = [
    speichereEingang(engine.cfg, await brief(a.zeilen), { fileName: 'Mietvertrag Müller.pdf' }),
    speichereEingang(engine.cfg, await brief(b.zeilen), { fileName: 'Lohnabrechnung Schmidt.pdf' }),
  ];
  const [ea, eb] = eingaenge as [EingangInput, EingangInput];
  const stapelId = stapelWorkflowId(eingaenge.map((e) => e.contentHash), sha256Hex);
  const stapel = await engine.client.workflow.start(STAPEL_WORKFLOW, { taskQueue: engine.cfg.temporal.taskQueue, workflowId: stapelId, args: [{ eingaenge, policy: AUTO }] });
  const dokB = dokumentWorkflowId(eb.contentHash, 0);
  aufraeumen.push(engine.client.workflow.getHandle(dokB));
  const ergebnis = (await stapel.result()) as StapelErgebnis;
  expect(ergebnis.dateien.find((d) => d.contentHash === ea.contentHash)?.ausgang).toMatchObject({ art: 'abgelegt', dokumentart: 'MIETVERTRAG', bgNummer: sicher.bgNummer });
  expect(ergebnis.dateien.find((d) => d.contentHash === eb.contentHash)?.ausgang).toEqual({ art: 'workflow', workflowId: dokB, grund: 'pruefung' });
  // The same content coming again alone: taken by the Stapel, nothing done twice.
  const nochmal = await starteEingang(engine.client, engine.cfg, ea, AUTO);
  expect((await nochmal.result()) as DateiErgebnis).toEqual({ status: 'doppelt', von: stapelId });

  const postkorb = await loggedIn('postkorb');
  const { text: uebersicht, row } = await uebersichtMit(postkorb, '/posteingang', stapelId, 'Abgelegt');
  expect(row).toContain('<td>Stapel</td>');
  expect(row).not.toContain('<td>Datei</td>');
  expect(row).toContain(`<a href="/postkorb/${stapelId}">Dateien ansehen</a>`);
  // The overview names no file.
  expect(uebersicht).not.toContain('Müller');
  // The single file that came again: its own kind of status, counted and filtered.
  const { text: doppelt, row: doppeltZeile } = await uebersichtMit(postkorb, '/posteingang?status=doppelt', nochmal.workflowId, 'Doppelt (schon eingegangen)');
  expect(doppeltZeile).toContain('<td>Datei</td>');
  expect(doppelt).toContain('<p id="status-filter">Angezeigt: nur Status „Doppelt (schon eingegangen)“.');
  expect(doppelt).toMatch(/<li data-status="doppelt"><a href="\/posteingang\?status=doppelt" aria-current="true"><strong>[1-9]\d*<\/strong> Doppelt \(schon eingegangen\)<\/a><\/li>/);
  expect(zeile(doppelt, stapelId)).toBeUndefined();

  const detail = await postkorb.request(`/postkorb/${stapelId}`);
  expect(detail.res.status).toBe(200);
  expect(detail.text).toContain('<h1>Stapel im Posteingang</h1>');
  expect(detail.text).toContain('<dd id="stapel-status">Erledigt: jede Datei ist abgelegt oder weitergegeben</dd>');
  expect(detail.text).toContain('<dd id="stapel-zahlen">2: 1 abgelegt, 1 als eigener Vorgang, 0 doppelt</dd>');
  expect(detail.text).toContain('<td>Mietvertrag Müller.pdf</td><td>abgelegt (E-Akte, Mietvertrag)</td>');
  expect(detail.text).toContain(`<td>Lohnabrechnung Schmidt.pdf</td><td>eigener Vorgang: Prüfung im Postkorb (<a href="/postkorb/${dokB}"><code>${dokB}</code></a>)</td>`);
  // The link leads to the document's own page (in review).
  const kind = await postkorb.request(`/postkorb/${dokB}`);
  expect(kind.res.status).toBe(200);
  expect(kind.text).toContain('<h1>Dokument prüfen');
  // A Stapel has no page images and takes no decisions.
  expect((await postkorb.request(`/postkorb/${stapelId}/seite/1`)).res.status).toBe(404);
  const entscheiden = await postkorb.request(`/postkorb/${stapelId}/entscheiden`, { form: { _csrf: csrfOf(detail.text), dokumentart: 'MIETVERTRAG', bgNummer: sicher.bgNummer } });
  expect(entscheiden.res.status).toBe(404);

  // IT sees the overview row but no link, and is refused the page; Sachbearbeitung is refused both.
  const it = await loggedIn('it-admin');
  const { row: itZeile } = await uebersichtMit(it, '/posteingang', stapelId, 'Abgelegt');
  expect(itZeile).toContain('<td>Stapel</td>');
  expect(itZeile).not.toContain('href="/postkorb');
  const itDetail = await it.request(`/postkorb/${stapelId}`);
  expect(itDetail.res.status).toBe(403);
  expect(itDetail.text).toContain('Keine Berechtigung');
  expect(itDetail.text).not.toContain('Müller');
  const sb = await loggedIn('sb-leistung');
  for (const url of ['/posteingang', `/postkorb/${stapelId}`]) expect((await sb.request(url)).res.status).toBe(403);

  const eintraege = audit();
  expect(eintraege).toEqual(expect.arrayContaining([
    expect.objectContaining({ actor: 'postkorb', action: 'dokument.ansehen', target: `posteingang ${stapelId}`, outcome: 'erfolg' }),
    expect.objectContaining({ actor: 'postkorb', action: 'dokument.ansehen', target: `posteingang ${stapelId} seite 1 (gehört nicht zum Vorgang)`, outcome: 'abgelehnt' }),
    expect.objectContaining({ actor: 'it-admin', action: 'zugriff.verweigert', target: '/postkorb/:workflowId', outcome: 'abgelehnt' }),
    expect.objectContaining({ actor: 'sb-leistung', action: 'zugriff.verweigert', target: '/postkorb/:workflowId', outcome: 'abgelehnt' }),
  ]));
  // File names are personal data: never in the audit trail.
  expect(JSON.stringify(eintraege)).not.toContain('Müller');
});

const user: User = { username: 'postkorb', displayName: 'Demo Postkorb', role: 'postkorb' };

test('overview rows: a Stapel is its own kind (with its number of files when known), a file stays "Datei"', () => {
  const zeit = { ablauf: 'COMPLETED', status: 'abgelegt', startTime: new Date('2026-11-20T08:00:00Z') };
  const page = posteingangPage({
    user, csrf: 't', limit: 200, truncated: false,
    rows: [
      { workflowId: 'stapel-mit', typ: STAPEL_WORKFLOW, dateien: 2, ...zeit },
      { workflowId: 'stapel-ohne', typ: STAPEL_WORKFLOW, ...zeit },
      { workflowId: 'eingang-x', typ: 'posteingang', ...zeit, status: 'doppelt' },
    ],
  });
  expect(zeile(page, 'stapel-mit')).toContain('<td>Stapel (2 Dateien)</td>');
  expect(zeile(page, 'stapel-ohne')).toContain('<td>Stapel</td>');
  expect(zeile(page, 'eingang-x')).toMatch(/<td>Doppelt \(schon eingegangen\)<\/td>[\s\S]*<td>Datei<\/td>/);
  const it = posteingangPage({ user: { ...user, role: 'it-admin' }, csrf: 't', limit: 200, truncated: false, rows: [{ workflowId: 'stapel-mit', typ: STAPEL_WORKFLOW, ...zeit }] });
  expect(it).not.toContain('href="/postkorb');
});

test('the Stapel page renders every outcome in German and escapes file names and ids', () => {
  const zustand: StapelZustand = {
    status: 'gelesen', quelle: 'scanner', eingangsdatum: '2026-11-20',
    dateien: [
      { contentHash: 'a'.repeat(64), dateiname: '<script>alert(1)</script>.pdf', ausgang: { art: 'abgelegt', dokumentId: 'd1', dokumentart: 'KONTOAUSZUG', bgNummer: '96201BG0012345' } },
      { contentHash: 'b'.repeat(64), dateiname: 'scan "2".pdf', ausgang: { art: 'workflow', workflowId: `eingang-${'b'.repeat(40)}`, grund: 'mehrere-dokumente' } },
      { contentHash: 'c'.repeat(64), dateiname: 'c.pdf', ausgang: { art: 'doppelt', von: 'stapel-x"><b>' } },
      { contentHash: 'd'.repeat(64), dateiname: 'd.pdf' },
    ],
  };
  const page = stapelPage({ user, csrf: 't', workflowId: 'stapel-abc', zustand });
  expect(page).not.toContain('<script>alert');
  expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;.pdf</td><td>abgelegt (E-Akte, Kontoauszug)</td>');
  expect(page).toContain(`<td>scan &quot;2&quot;.pdf</td><td>eigener Vorgang: mehrere Dokumente (<a href="/postkorb/eingang-${'b'.repeat(40)}">`);
  expect(page).toContain('<td>c.pdf</td><td>doppelt (schon eingegangen, zuerst in <a href="/postkorb/stapel-x%22%3E%3Cb%3E"><code>stapel-x&quot;&gt;&lt;b&gt;</code></a>)</td>');
  expect(page).toContain('<td>d.pdf</td><td>in Bearbeitung</td>');
  expect(page).toContain('<dd id="stapel-status">In Arbeit (Dateien werden gelesen und abgelegt)</dd>');
  expect(page).toContain('<dd id="stapel-zahlen">4: 1 abgelegt, 1 als eigener Vorgang, 1 doppelt</dd>');
  // No BG-Nummer, no content hash on the page: the file's own workflow shows its details.
  expect(page).not.toContain('96201BG0012345');
  expect(page).not.toContain('a'.repeat(64));
});
