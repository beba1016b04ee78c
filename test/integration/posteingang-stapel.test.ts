/**
 * The Posteingang Stapel path end to end on the real dev server with the test world: a Stapel files
 * the born-digital letters it is sure about itself (no document workflow for them) and hands the rest
 * to their own workflows (OCR, quarantine, review, WBA); every content is taken exactly once, across
 * Stapel and single-file workflows (the claim); the intake takes the files of one sweep as a Stapel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { dokumentIdFuer, schliessePosteingangDienste } from '../../activities/posteingang';
import { findeMerkmale } from '../../activities/erkennung/merkmale';
import type { LaufenderOpenProsozSimulator } from '../../connectors/fachverfahren/open-prosoz/simulator';
import type { Haushalt } from '../../connectors/fachverfahren/port';
import { eingangWorkflowId, stapelWorkflowId, type EingangInput } from '../../domain/eingang';
import {
  DOKUMENT_WORKFLOW, POSTEINGANG_WORKFLOW, STAPEL_WORKFLOW, dokumentWorkflowId,
  type DateiZustand, type DokumentErgebnis, type DokumentZustand, type Eingangsart, type PosteingangPolicy,
  type StapelAusgang, type StapelErgebnis, type StapelZustand, lesungPfad, type Lesung,
} from '../../domain/posteingang';
import { STATUS } from '../../domain/search-attributes';
import { mulberry32 } from '../../domain/zufall';
import { createLogger } from '../../platform/logger';
import { erzeugeBrief, type Brief, type BriefOptionen } from '../../testdaten/posteingang';
import { IntakeWatcher } from '../../workers/intake-watcher';
import { eventually, type TestEngine } from '../helpers/engine';
import type { TestWorld } from '../helpers/connectors';
import { uniqueName } from '../helpers/env';
import { einmalig, pdfAus, sha256Hex, speichereEingang, starteEingang, startePosteingangWelt, starteStapel } from './posteingang-hilfen';

let world: TestWorld;
let engine: TestEngine;
let store: LaufenderOpenProsozSimulator['store'];
let haushalte: Haushalt[];
/** Makes every file of this run unique on the shared dev server (workflow ids come from content hashes). */
const lauf = uniqueName('stapel-test');
const log = createLogger('test-intake', 'silent');

beforeAll(async () => {
  ({ world, engine, store, haushalte } = await startePosteingangWelt({ haushalte: 20, lokaleOcr: true }));
}, 120_000);
afterAll(async () => {
  await engine?.stop();
  await schliessePosteingangDienste();
  await world?.stop();
});

/** Sure enough for these clean letters; a review SLA nothing reaches during the test. */
const POLICY: Partial<PosteingangPolicy> = { schwelle: 0.5, pruefFristMs: 3_600_000 };

function brief(seed: number, art: Eingangsart, opts: BriefOptionen = {}): Brief {
  return erzeugeBrief(mulberry32(seed), art, { verwechsler: false, ...opts });
}
const vorgabe = (h: Haushalt) => ({ bgNummer: h.bgNummer, personen: h.personen, anschrift: h.anschrift });

/** A born-digital letter, stored like the intake does. */
async function datei(seiten: Parameters<typeof pdfAus>[0], name: string): Promise<EingangInput> {
  return speichereEingang(engine.cfg, await einmalig(await pdfAus(seiten), `${lauf}:${name}`), { fileName: `${name}.pdf` });
}
const briefDatei = (b: Brief, name: string) => datei([{ zeilen: b.zeilen }], name);

const ausgangVon = (r: StapelErgebnis, hash: string): StapelAusgang | undefined => r.dateien.find((d) => d.contentHash === hash)?.ausgang;
const dokId = (hash: string) => dokumentWorkflowId(hash, 0);
const handle = (workflowId: string): WorkflowHandle => engine.client.workflow.getHandle(workflowId);
const imArchiv = async (bgNummer: string, dokumentId: string) => (await world.connectors.eakte.find({ bgNummer })).filter((d) => d.dokumentId === dokumentId);
const wiedervorlagen = (bgNummer: string, referenz: string) => store.wiedervorlagen(bgNummer).filter((w) => w.referenz === referenz);

/** With STAPEL_HISTORIEN=schreiben: saves the real history for replay.test.ts. */
async function speichereHistorie(h: WorkflowHandle, name: string): Promise<void> {
  if (process.env.STAPEL_HISTORIEN !== 'schreiben') return;
  const History = temporal.api.history.v1.History;
  const obj = { workflowId: h.workflowId, ...History.toObject(History.fromObject(await h.fetchHistory()), { longs: String, enums: String, bytes: String }) };
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), JSON.stringify(obj, null, 1));
}

/** Types of the local activities a workflow ran so far (from its markers; core writes their data as plain JSON). */
async function lokaleAktivitaeten(h: WorkflowHandle): Promise<string[]> {
  const history = await h.fetchHistory();
  const typen: string[] = [];
  for (const e of history.events ?? []) {
    for (const p of Object.values(e.markerRecordedEventAttributes?.details ?? {})) {
      for (const pl of p.payloads ?? []) {
        const m = /"activity_type"\s*:\s*"([^"]+)"/.exec(Buffer.from(pl.data ?? new Uint8Array()).toString('utf8'));
        if (m) typen.push(m[1]!);
      }
    }
  }
  return typen;
}

async function existiertNicht(workflowId: string): Promise<void> {
  await expect(handle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}
async function laeufe(workflowId: string): Promise<number> {
  let n = 0;
  for await (const _ of engine.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) n++;
  return n;
}

/** A letter for a household, filed by the Stapel; the household's BG-Nummer is printed. */
async function abgelegterBrief(seed: number, art: Eingangsart, h: Haushalt, name: string) {
  return { h, input: await briefDatei(brief(seed, art, { haushalt: vorgabe(h), bgQuote: 1 }), name) };
}

/** Checks that the Stapel filed the file itself, exactly once, with the document workflow's ids and no workflow of its own. */
async function pruefeAbgelegt(r: StapelErgebnis, input: EingangInput, h: Haushalt, art: Eingangsart): Promise<string> {
  const referenz = dokId(input.contentHash);
  const dokumentId = dokumentIdFuer(referenz);
  const a = ausgangVon(r, input.contentHash);
  expect(a).toMatchObject({ art: 'abgelegt', dokumentId, bgNummer: h.bgNummer, dokumentart: art });
  const akte = await imArchiv(h.bgNummer, dokumentId);
  expect(akte).toHaveLength(1);
  expect(akte[0]!.metadaten).toMatchObject({ dokumentart: art, posteingangsdatum: input.eingangsdatum });
  const wv = wiedervorlagen(h.bgNummer, referenz);
  expect(wv).toHaveLength(1);
  expect(a).toMatchObject({ wiedervorlageId: wv[0]!.wiedervorlageId });
  await existiertNicht(referenz);
  await existiertNicht(eingangWorkflowId(input.contentHash));
  return dokumentId;
}

test('a Stapel files the sure born-digital letter itself and reads scans with OCR itself and hands quarantine, review and WBA to their own workflows', async () => {
  const filed = await abgelegterBrief(101, 'MIETVERTRAG', haushalte[0]!, 'mietvertrag');

  // A letter of someone the Fachverfahren does not know, without BG-Nummer or Kundennummer: a person decides.
  let ohneNummer: Brief | undefined;
  for (let seed = 200; seed < 260 && !ohneNummer; seed++) {
    const b = brief(seed, 'KONTOAUSZUG', { bgQuote: 0 });
    const m = findeMerkmale(b.zeilen.join('\n'), { eingangsdatum: '2026-11-20' });
    if (!b.wahrheit.bgNummer && !b.wahrheit.kundennummer && m.bgNummern.length === 0 && m.kundennummern.length === 0) ohneNummer = b;
  }
  expect(ohneNummer).toBeDefined();
  const pruefung = await briefDatei(ohneNummer!, 'kontoauszug');
  // A page that is only an image (as a scanner without OCR writes it): no text layer.
  const scan = await datei([{ barcode: `SCAN-${lauf}` }], 'scan-ohne-text');
  const kaputtInhalt = Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n${'x'.repeat(200)} ${lauf}`);
  const kaputt = speichereEingang(engine.cfg, kaputtInhalt, { fileName: 'kaputt.pdf' });
  const wbaHaushalt = haushalte[1]!;
  const wba = await briefDatei(brief(601, 'WBA', { haushalt: vorgabe(wbaHaushalt), bgQuote: 1 }), 'wba');

  const eingaenge = [filed.input, pruefung, scan, kaputt, wba];
  const stapel = await starteStapel(engine.client, engine.cfg, eingaenge, POLICY);
  expect(stapel.workflowId).toBe(stapelWorkflowId(eingaenge.map((e) => e.contentHash), sha256Hex));
  expect(stapel.workflowId).toMatch(/^stapel-[0-9a-f]{40}$/);
  const r = (await stapel.result()) as StapelErgebnis;
  await speichereHistorie(stapel, 'posteingang-stapel');
  expect(r.status).toBe('abgelegt');
  expect(r.dateien.map((d) => d.contentHash)).toEqual(eingaenge.map((e) => e.contentHash));
  const z = await stapel.query<StapelZustand>('zustand');
  expect(z.status).toBe('abgelegt');
  expect((await stapel.describe()).typedSearchAttributes.get(STATUS)).toBe('abgelegt');

  // 1. filed by the Stapel itself
  await pruefeAbgelegt(r, filed.input, filed.h, 'MIETVERTRAG');

  // 2. review: the document workflow waits for a person
  expect(ausgangVon(r, pruefung.contentHash)).toEqual({ art: 'workflow', workflowId: dokId(pruefung.contentHash), grund: 'pruefung' });
  const dok = handle(dokId(pruefung.contentHash));
  expect((await dok.describe()).type).toBe(DOKUMENT_WORKFLOW);
  const dz = await eventually(async () => {
    const s = await dok.query<DokumentZustand>('zustand');
    return s.status === 'pruefung' ? s : undefined;
  }, 'document waiting in review', 60_000);
  expect(dz.pruefGruende.length).toBeGreaterThan(0);
  // The Stapel's recognition and household lookup went with the document: its workflow repeats neither.
  expect(dz.erkennung?.dokumentart).toBeTruthy();
  expect(dz.zuordnung).toBeDefined();
  const schritte = await lokaleAktivitaeten(dok);
  expect(schritte).not.toContain('erkenneDokument');
  expect(schritte).not.toContain('ordneDokumentZu');
  await eventually(async () => (await dok.describe()).typedSearchAttributes.get(STATUS) === 'pruefung', 'STATUS pruefung');
  await existiertNicht(eingangWorkflowId(pruefung.contentHash));

  // 3. no text layer: the Stapel reads it with OCR itself (no file workflow); the page holds no letter, so a person decides
  expect(ausgangVon(r, scan.contentHash)).toEqual({ art: 'workflow', workflowId: dokId(scan.contentHash), grund: 'pruefung' });
  const lesung = JSON.parse(fs.readFileSync(path.join(engine.cfg.dataDir, lesungPfad(scan.contentHash)), 'utf8')) as Lesung;
  expect(lesung.seiten.map((s) => s.quelle)).toEqual(['ocr']);
  await existiertNicht(eingangWorkflowId(scan.contentHash));
  expect((await handle(dokId(scan.contentHash)).describe()).type).toBe(DOKUMENT_WORKFLOW);

  // 4. preflight failed: the file's own workflow waits in quarantine
  expect(ausgangVon(r, kaputt.contentHash)).toEqual({ art: 'workflow', workflowId: eingangWorkflowId(kaputt.contentHash), grund: 'vorpruefung' });
  const kaputtWf = handle(eingangWorkflowId(kaputt.contentHash));
  expect((await kaputtWf.describe()).type).toBe(POSTEINGANG_WORKFLOW);
  const qz = await eventually(async () => {
    const s = await kaputtWf.query<DateiZustand>('zustand');
    return s.status === 'quarantaene' ? s : undefined;
  }, 'file in quarantine', 60_000);
  expect(qz.quarantaeneGrund).toBeTruthy();
  await kaputtWf.executeUpdate('quarantaene', { args: [{ wer: 'it.admin', aktion: 'verwerfen', grund: 'Testdatei beschädigt' }] });
  expect(await kaputtWf.result()).toEqual({ status: 'verworfen', grund: qz.quarantaeneGrund });

  // 5. WBA: its document workflow (the Weiterbewilligung's domain event), which files it under the same dokumentId
  expect(ausgangVon(r, wba.contentHash)).toEqual({ art: 'workflow', workflowId: dokId(wba.contentHash), grund: 'wba' });
  const wbaDok = handle(dokId(wba.contentHash));
  expect((await wbaDok.describe()).type).toBe(DOKUMENT_WORKFLOW);
  const wbaErgebnis = (await wbaDok.result()) as DokumentErgebnis;
  expect(wbaErgebnis).toMatchObject({ status: 'abgelegt', dokumentart: 'WBA', bgNummer: wbaHaushalt.bgNummer, dokumentId: dokumentIdFuer(dokId(wba.contentHash)) });
  expect(await imArchiv(wbaHaushalt.bgNummer, dokumentIdFuer(dokId(wba.contentHash)))).toHaveLength(1);
  // Recognised in the Stapel (not again); matched and filed by its workflow.
  const wbaSchritte = await lokaleAktivitaeten(wbaDok);
  expect(wbaSchritte).toEqual(expect.arrayContaining(['ordneDokumentZu', 'legeDokumentAb']));
  expect(wbaSchritte).not.toContain('erkenneDokument');
  await existiertNicht(eingangWorkflowId(wba.contentHash));

  await dok.terminate('test done');
}, 180_000);

test('exactly once: the same Stapel starts nothing again, a re-run files nothing twice, another Stapel reports the file as doppelt', async () => {
  const a = await abgelegterBrief(111, 'KONTOAUSZUG', haushalte[2]!, 'kontoauszug-a');
  const b = await abgelegterBrief(112, 'MIETVERTRAG', haushalte[3]!, 'mietvertrag-b');
  const s1 = await starteStapel(engine.client, engine.cfg, [a.input, b.input], POLICY);
  const r1 = (await s1.result()) as StapelErgebnis;
  const dokumentIdA = await pruefeAbgelegt(r1, a.input, a.h, 'KONTOAUSZUG');
  await pruefeAbgelegt(r1, b.input, b.h, 'MIETVERTRAG');
  const akteA = (await world.connectors.eakte.find({ bgNummer: a.h.bgNummer })).length;

  // The same Stapel again (as the intake starts it): refused, nothing runs.
  await expect(starteStapel(engine.client, engine.cfg, [a.input, b.input], POLICY, { workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }))
    .rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  expect(await laeufe(s1.workflowId)).toBe(1);

  // Run again anyway (an operator re-runs it): the claim is its own, filing and Wiedervorlage are idempotent.
  const nochmal = await starteStapel(engine.client, engine.cfg, [b.input, a.input], POLICY, { workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE });
  expect(nochmal.workflowId).toBe(s1.workflowId); // the id does not depend on the order
  const r1b = (await nochmal.result()) as StapelErgebnis;
  expect(ausgangVon(r1b, a.input.contentHash)).toMatchObject({ art: 'abgelegt', dokumentId: dokumentIdA });
  await pruefeAbgelegt(r1b, a.input, a.h, 'KONTOAUSZUG');
  await pruefeAbgelegt(r1b, b.input, b.h, 'MIETVERTRAG');

  // Another Stapel with the filed file and a new one: the filed file is 'doppelt', the new one is filed.
  const n = await abgelegterBrief(113, 'AU_BESCHEINIGUNG', haushalte[4]!, 'au-n');
  const s2 = await starteStapel(engine.client, engine.cfg, [a.input, n.input], POLICY);
  expect(s2.workflowId).not.toBe(s1.workflowId);
  const r2 = (await s2.result()) as StapelErgebnis;
  expect(ausgangVon(r2, a.input.contentHash)).toEqual({ art: 'doppelt', von: s1.workflowId });
  await pruefeAbgelegt(r2, n.input, n.h, 'AU_BESCHEINIGUNG');
  expect(await imArchiv(a.h.bgNummer, dokumentIdA)).toHaveLength(1);
  expect((await world.connectors.eakte.find({ bgNummer: a.h.bgNummer })).length).toBe(akteA);
  expect(wiedervorlagen(a.h.bgNummer, dokId(a.input.contentHash))).toHaveLength(1);
  await existiertNicht(dokId(a.input.contentHash));
}, 120_000);

test('claim across paths: the single-file workflow of a content a Stapel took ends as doppelt and does nothing', async () => {
  const a = await abgelegterBrief(121, 'EINKOMMENSNACHWEIS', haushalte[5]!, 'einkommen-a');
  const b = await abgelegterBrief(122, 'KONTOAUSZUG', haushalte[6]!, 'kontoauszug-b');
  const s = await starteStapel(engine.client, engine.cfg, [a.input, b.input], POLICY);
  const r = (await s.result()) as StapelErgebnis;
  const dokumentId = await pruefeAbgelegt(r, a.input, a.h, 'EINKOMMENSNACHWEIS');
  const akte = (await world.connectors.eakte.find({ bgNummer: a.h.bgNummer })).length;

  const einzeln = await starteEingang(engine.client, engine.cfg, a.input, POLICY);
  expect(einzeln.workflowId).toBe(eingangWorkflowId(a.input.contentHash));
  expect(await einzeln.result()).toEqual({ status: 'doppelt', von: s.workflowId });
  expect((await einzeln.describe()).typedSearchAttributes.get(STATUS)).toBe('doppelt');
  await existiertNicht(dokId(a.input.contentHash));
  expect(await imArchiv(a.h.bgNummer, dokumentId)).toHaveLength(1);
  expect((await world.connectors.eakte.find({ bgNummer: a.h.bgNummer })).length).toBe(akte);
  expect(wiedervorlagen(a.h.bgNummer, dokId(a.input.contentHash))).toHaveLength(1);
});

test('claim across paths: a Stapel with a content its single-file workflow took first reports it as doppelt and starts nothing for it', async () => {
  // Taken alone first, reviewed and filed by a person.
  const nieSicher: Partial<PosteingangPolicy> = { ...POLICY, schwelle: 1.01 };
  const a = await abgelegterBrief(131, 'MIETVERTRAG', haushalte[7]!, 'mietvertrag-einzeln');
  const einzeln = await starteEingang(engine.client, engine.cfg, a.input, nieSicher);
  expect(await einzeln.result()).toEqual({ status: 'zerlegt', seitenzahl: 1, dokumente: [dokId(a.input.contentHash)] });
  const dok = handle(dokId(a.input.contentHash));
  await eventually(async () => (await dok.query<DokumentZustand>('zustand')).status === 'pruefung', 'document in review');
  await dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'MIETVERTRAG', bgNummer: a.h.bgNummer }] });
  expect(await dok.result()).toMatchObject({ status: 'abgelegt', dokumentId: dokumentIdFuer(dok.workflowId) });
  const ersterLauf = (await dok.describe()).runId;
  const einzelnLauf = (await einzeln.describe()).runId;

  // The same content again, in a Stapel (e.g. scanned twice): nothing is done twice, no second review.
  const b = await abgelegterBrief(132, 'KONTOAUSZUG', haushalte[8]!, 'kontoauszug-neu');
  const s = await starteStapel(engine.client, engine.cfg, [a.input, b.input], nieSicher);
  const r = (await s.result()) as StapelErgebnis;
  expect((await dok.describe()).runId).toBe(ersterLauf);
  expect(ausgangVon(r, a.input.contentHash)).toEqual({ art: 'doppelt', von: einzeln.workflowId });
  expect(ausgangVon(r, b.input.contentHash)).toEqual({ art: 'workflow', workflowId: dokId(b.input.contentHash), grund: 'pruefung' });
  expect((await einzeln.describe()).runId).toBe(einzelnLauf);
  expect(await imArchiv(a.h.bgNummer, dokumentIdFuer(dok.workflowId))).toHaveLength(1);
  expect(wiedervorlagen(a.h.bgNummer, dok.workflowId)).toHaveLength(1);
  await handle(dokId(b.input.contentHash)).terminate('test done');
});

describe('intake', () => {
  function watcher(stapel?: { min: number; max: number }): IntakeWatcher {
    return new IntakeWatcher({
      client: engine.client,
      taskQueue: engine.cfg.temporal.taskQueue,
      dataDir: engine.cfg.dataDir,
      scannerDir: engine.cfg.intake.scannerDir,
      storeDir: engine.cfg.intake.storeDir,
      stableMs: 0,
      log,
      ...(stapel ? { stapel } : {}),
    });
  }
  const brieflein = (text: string) => pdfAus([{ zeilen: ['Sehr geehrte Damen und Herren,', text, 'Mit freundlichen Grüßen'] }]);
  const lege = (name: string, inhalt: Buffer) => fs.writeFileSync(path.join(engine.cfg.intake.scannerDir, name), inhalt);
  const heissordner = () => fs.readdirSync(engine.cfg.intake.scannerDir);

  test('the files of one sweep become one Stapel; the same files again start nothing; a file alone goes the single way', async () => {
    const w = watcher({ min: 2, max: 50 });
    await w.init();
    const inhalte = await Promise.all([1, 2, 3].map((i) => brieflein(`Nachreichung ${i} ${lauf}`)));
    inhalte.forEach((c, i) => lege(`scan-${i + 1}.pdf`, c));
    const stapelId = stapelWorkflowId(inhalte.map((c) => sha256Hex(c)), sha256Hex);

    const outcomes = await w.sweep();
    expect(outcomes.map((o) => o.file).sort()).toEqual(['scan-1.pdf', 'scan-2.pdf', 'scan-3.pdf']);
    expect(outcomes.map((o) => o.result)).toEqual(['gestartet', 'gestartet', 'gestartet']);
    expect(new Set(outcomes.map((o) => ('workflowId' in o ? o.workflowId : '')))).toEqual(new Set([stapelId]));
    expect(stapelId).toMatch(/^stapel-/);
    expect(heissordner()).toEqual([]);
    const stapel = handle(stapelId);
    expect((await stapel.describe()).type).toBe(STAPEL_WORKFLOW);
    const r = (await stapel.result()) as StapelErgebnis;
    expect(r.dateien.map((d) => d.contentHash).sort()).toEqual(inhalte.map((c) => sha256Hex(c)).sort());
    expect(r.dateien.every((d) => d.ausgang !== undefined)).toBe(true);
    for (const c of inhalte) expect(fs.existsSync(path.join(engine.cfg.intake.storeDir, `${sha256Hex(c)}.pdf`))).toBe(true);

    // The same three files dropped again (other names): nothing starts, the files leave the hot folder.
    inhalte.forEach((c, i) => lege(`nochmal-${i + 1}.pdf`, c));
    const wieder = await w.sweep();
    expect(wieder).toHaveLength(3);
    for (const o of wieder) expect(o).toMatchObject({ result: 'duplikat', workflowId: stapelId });
    expect(heissordner()).toEqual([]);
    expect(await laeufe(stapelId)).toBe(1);

    // A single file: its own workflow, as before.
    const allein = await brieflein(`Allein ${lauf}`);
    lege('allein.pdf', allein);
    expect(await w.sweep()).toEqual([{ file: 'allein.pdf', result: 'gestartet', workflowId: eingangWorkflowId(sha256Hex(allein)) }]);
    expect(heissordner()).toEqual([]);
    expect((await handle(eingangWorkflowId(sha256Hex(allein))).describe()).type).toBe(POSTEINGANG_WORKFLOW);
  });

  test('a watcher without the stapel option starts one workflow per file', async () => {
    const w = watcher();
    await w.init();
    const inhalte = await Promise.all([1, 2, 3].map((i) => brieflein(`Einzeln ${i} ${lauf}`)));
    inhalte.forEach((c, i) => lege(`einzeln-${i + 1}.pdf`, c));
    const outcomes = await w.sweep();
    expect(outcomes.map((o) => ('workflowId' in o ? `${o.file}:${o.result}:${o.workflowId}` : o.file)).sort())
      .toEqual(inhalte.map((c, i) => `einzeln-${i + 1}.pdf:gestartet:${eingangWorkflowId(sha256Hex(c))}`).sort());
    expect(heissordner()).toEqual([]);
    for (const c of inhalte) expect((await handle(eingangWorkflowId(sha256Hex(c))).describe()).type).toBe(POSTEINGANG_WORKFLOW);
  });
});
