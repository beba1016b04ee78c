/**
 * Zentraldruck end to end on the real test stack: letter workflows, the day's batch, the
 * simulated print centre (drop folder adapter) and the simulated E-Akte. The cut-off is sent as
 * the schedule's workflow would send it (signal), so no test waits for 14:00.
 * Each test uses its own batch prefix: batches of different tests never mix.
 * With ZENTRALDRUCK_HISTORIEN=schreiben the history of the first letter is saved to
 * test/histories/zentraldruck-brief.json for the replay test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  ANNAHMESCHLUSS_SIGNAL, BATCH_ZUSTAND_QUERY, TAGESBATCH_WORKFLOW,
  type BatchZustand,
} from '../../domain/briefdruck';
import { bekanntgabedatum } from '../../domain/fristen';
import { STATUS } from '../../domain/search-attributes';
import { briefWorkflowId, type BriefErgebnis } from '../../domain/zentraldruck';
import type { TestWorld } from '../helpers/connectors';
import { eventually, type TestEngine } from '../helpers/engine';
import { startZentraldruckTestbed, stopZentraldruckTestbed, zentraldruckHelfer } from '../helpers/zentraldruck';

let world: TestWorld;
let engine: TestEngine;

beforeAll(async () => {
  ({ world, engine } = await startZentraldruckTestbed());
});
afterAll(() => stopZentraldruckTestbed(world, engine));

const { policy, auftrag, starte, zustand, imBatch, archivierteBriefe } = zentraldruckHelfer(() => engine, () => world);


test('one letter: rendered, checked, batched, posted, filed into the E-Akte with Postausgangsdatum and Bekanntgabe', async () => {
  const p = policy();
  const a = auftrag();
  const h = await starte(a, p);
  const z = await imBatch(h);
  expect(z.batchWorkflowId).toBe(`${p.batchPraefix}-${z.stichtag}`);
  expect(z.seiten).toBe(1);

  const batch = engine.client.workflow.getHandle(z.batchWorkflowId!);
  await batch.signal(ANNAHMESCHLUSS_SIGNAL);
  const r = (await h.result()) as BriefErgebnis;
  if (r.status !== 'versendet') throw new Error(`not posted: ${JSON.stringify(r)}`);
  expect(r.postausgangsdatum).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(r.bekanntgabedatum).toBe(bekanntgabedatum(r.postausgangsdatum));

  const docs = await world.connectors.eakte.find({ bgNummer: a.bgNummer });
  expect(docs).toHaveLength(1);
  expect(docs[0]!.dokumentId).toBe(r.eakteDokumentId);
  expect(docs[0]!.metadaten.dokumentart).toBe('SCHREIBEN');
  expect(docs[0]!.metadaten.postausgangsdatum).toBe(r.postausgangsdatum);

  const b = (await batch.result()) as BatchZustand;
  expect(b.phase).toBe('abgeschlossen');
  expect(b.auftraege).toEqual([expect.objectContaining({ batchId: `${p.batchPraefix}-${z.stichtag}-1`, briefe: 1, offen: 0 })]);
  const fertig = await zustand(h);
  expect(fertig).toMatchObject({ status: 'versendet', art: 'WBA_ZWEITE_ERINNERUNG', batchId: `${p.batchPraefix}-${z.stichtag}-1`, postausgangsdatum: r.postausgangsdatum });
  expect(JSON.stringify(fertig)).not.toContain(a.bgNummer);

  const listed = await eventually(async () => {
    for await (const wf of engine.client.workflow.list({ query: `WorkflowId = '${briefWorkflowId(a.briefId)}' AND AktenlaufStatus = 'versendet'` })) return wf;
    return undefined;
  }, 'letter listed as versendet');
  expect(listed.typedSearchAttributes.get(STATUS)).toBe('versendet');

  if (process.env.ZENTRALDRUCK_HISTORIEN === 'schreiben') {
    // protobufjs object form (the SDK's historyToJSON fails in this tree: two protobufjs copies).
    const History = temporal.api.history.v1.History;
    for (const [handle, name] of [[h, 'zentraldruck-brief'], [batch, 'zentraldruck-tagesbatch']] as const) {
      const obj = { workflowId: handle.workflowId, ...History.toObject(History.fromObject(await handle.fetchHistory()), { longs: String, enums: String, bytes: String }) };
      fs.writeFileSync(path.resolve(__dirname, '..', 'histories', `${name}.json`), JSON.stringify(obj, null, 1));
    }
  }
});

test('two letters of the same day go to the centre in ONE submission', async () => {
  const p = policy();
  const [a1, a2] = [auftrag({ art: 'TERMIN_ERINNERUNG', daten: { termin: '2026-12-03', uhrzeit: '09:30', ort: 'Dienststelle Wetzlar' } }), auftrag({ art: 'WBA_ERINNERUNG', daten: { bwzEnde: '2027-01-31', rueckgabeBis: '2027-01-10' } })];
  const [h1, h2] = await Promise.all([starte(a1, p), starte(a2, p)]);
  const [z1, z2] = await Promise.all([imBatch(h1), imBatch(h2)]);
  expect(z2.batchWorkflowId).toBe(z1.batchWorkflowId);
  const batch = engine.client.workflow.getHandle(z1.batchWorkflowId!);
  await eventually(async () => (await batch.query<BatchZustand>(BATCH_ZUSTAND_QUERY)).anzahl === 2, 'both letters in the batch');
  await batch.signal(ANNAHMESCHLUSS_SIGNAL);
  const [r1, r2] = (await Promise.all([h1.result(), h2.result()])) as BriefErgebnis[];
  expect([r1!.status, r2!.status]).toEqual(['versendet', 'versendet']);
  const b = (await batch.result()) as BatchZustand;
  expect(b.auftraege).toHaveLength(1);
  expect(b.auftraege[0]).toMatchObject({ batchId: `${p.batchPraefix}-${z1.stichtag}-1`, briefe: 2, offen: 0 });
  expect(z2.seiten).toBeGreaterThanOrEqual(2); // the WBA form is enclosed
});

test('the same letter requested twice is posted once', async () => {
  const p = policy();
  const a = auftrag({ art: 'EINGANGSBESTAETIGUNG', daten: { eingangsdatum: '2026-11-20', dokument: 'Ihr Antrag auf Weiterbewilligung' } });
  const h = await starte(a, p);
  await expect(starte(a, p)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  const z = await imBatch(h);
  await engine.client.workflow.getHandle(z.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  const r = (await h.result()) as BriefErgebnis;
  expect(r.status).toBe('versendet');

  // Requested again after the first run finished (same workflow id, a new run): same result, nothing posted.
  const wieder = await starte(a, p);
  expect(await wieder.result()).toEqual(r);
  expect(archivierteBriefe(a.briefId)).toBe(1);
  expect(await world.connectors.eakte.find({ bgNummer: a.bgNummer })).toHaveLength(1);
});

test('a letter arriving after the cut-off goes to the next working day\'s batch', async () => {
  const p = policy();
  const erster = await starte(auftrag(), p);
  const z1 = await imBatch(erster);
  const batch = engine.client.workflow.getHandle(z1.batchWorkflowId!);
  await batch.signal(ANNAHMESCHLUSS_SIGNAL);
  await eventually(async () => (await batch.query<BatchZustand>(BATCH_ZUSTAND_QUERY)).phase !== 'sammelt', 'batch closed');
  const spaeter = await starte(auftrag(), p);
  const z2 = await eventually(async () => {
    const s = await zustand(spaeter);
    return s.status === 'wartet_auf_batch' && s.stichtag !== z1.stichtag ? s : undefined;
  }, 'late letter in the next batch');
  expect(z2.stichtag! > z1.stichtag!).toBe(true);
  expect(((await erster.result()) as BriefErgebnis).status).toBe('versendet');
  const ersterLauf = (await batch.describe()).runId;
  await batch.result();
  // A letter after the first batch has ENDED: the ended batch is not started again; the letter joins the next one.
  const dritter = await starte(auftrag(), p);
  expect((await imBatch(dritter)).stichtag).toBe(z2.stichtag);
  expect((await engine.client.workflow.getHandle(z1.batchWorkflowId!).describe()).runId).toBe(ersterLauf);
  // The next day's batch (cut-off by signal here) posts the late letters.
  await engine.client.workflow.getHandle(z2.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  expect(((await spaeter.result()) as BriefErgebnis).status).toBe('versendet');
  expect(((await dritter.result()) as BriefErgebnis).status).toBe('versendet');
  const d = await engine.client.workflow.getHandle(z2.batchWorkflowId!).describe();
  expect(d.type).toBe(TAGESBATCH_WORKFLOW);
});
