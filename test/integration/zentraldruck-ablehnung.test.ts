/**
 * Zentraldruck, the paths through a person and the Fachverfahren's Bescheide, end to end on the
 * real test stack: letter workflows, the day's batch, the simulated print centre (drop folder
 * adapter), the simulated E-Akte, Aufgaben started as child workflows. The cut-off is sent as
 * the schedule's workflow would send it (signal), so no test waits for 14:00.
 * Each test uses its own batch prefix: batches of different tests never mix.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { testbrief } from '../../connectors/druckzentrum/testbriefe';
import { bescheidBriefId } from '../../activities/druck/ausgabe';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeInput } from '../../domain/aufgabe';
import {
  ANNAHMESCHLUSS_SIGNAL, BATCH_ZUSTAND_QUERY, BRIEF_ERNEUT_SENDEN_SIGNAL, BRIEF_VERWERFEN_SIGNAL, type BatchZustand, type BriefZustand } from '../../domain/briefdruck';
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


function legeBescheidAb(pdf: Buffer): string {
  const pdfPfad = path.join('store', 'fachverfahren', `bescheid-${randomBytes(4).toString('hex')}.pdf`);
  fs.mkdirSync(path.join(engine.cfg.dataDir, path.dirname(pdfPfad)), { recursive: true });
  fs.writeFileSync(path.join(engine.cfg.dataDir, pdfPfad), pdf);
  return pdfPfad;
}

async function abgelehnt(h: WorkflowHandle): Promise<BriefZustand> {
  return eventually(async () => {
    const s = await zustand(h);
    return s.status === 'abgelehnt' ? s : undefined;
  }, 'letter rejected', 45000);
}

test('a Bescheid whose address is outside the window is stopped before sending: Aufgabe, then discarded', async () => {
  const p = policy();
  const pdfPfad = path.join('store', 'fachverfahren', `bescheid-${randomBytes(4).toString('hex')}.pdf`);
  fs.mkdirSync(path.join(engine.cfg.dataDir, path.dirname(pdfPfad)), { recursive: true });
  fs.writeFileSync(path.join(engine.cfg.dataDir, pdfPfad), await testbrief({ nr: 3, variante: 'adresseAusserhalb' }));
  const a = auftrag({ art: 'FACHVERFAHREN_BESCHEID', daten: {}, pdfPfad });
  const h = await starte(a, p);
  const z = await eventually(async () => {
    const s = await zustand(h);
    return s.status === 'abgelehnt' ? s : undefined;
  }, 'letter rejected', 45000);
  expect(z.fehlercode).toBe('ADRESSE_AUSSERHALB_FENSTER');
  expect(z.grund).toContain('Sichtfenster');
  const aufgabeId = aufgabeWorkflowId(briefWorkflowId(a.briefId), 'DRUCK_ABGELEHNT');
  expect(z.aufgabeWorkflowId).toBe(aufgabeId);
  const aufgabe = engine.client.workflow.getHandle(aufgabeId);
  const desc = await aufgabe.describe();
  expect(desc.type).toBe(AUFGABE_WORKFLOW);
  const start = await aufgabe.fetchHistory();
  const attrs = start.events![0]!.workflowExecutionStartedEventAttributes!;
  const input = (await engine.client.options.loadedDataConverter.payloadCodecs[0]!.decode(attrs.input!.payloads!)).map((pl) => JSON.parse(Buffer.from(pl.data!).toString('utf8')) as AufgabeInput)[0]!;
  expect(input).toMatchObject({ art: 'DRUCK_ABGELEHNT', teamId: a.teamId, prioritaet: 'hoch' });
  expect(input.beschreibung).toContain('Sichtfenster');

  await h.signal(BRIEF_VERWERFEN_SIGNAL, { benutzer: 'sb-leistung', grund: 'Bescheid wird neu erstellt' });
  const r = (await h.result()) as BriefErgebnis;
  expect(r.status).toBe('abgebrochen');
  if (r.status !== 'abgebrochen') throw new Error('unreachable');
  expect(r.grund).toContain('Bescheid wird neu erstellt');
  expect(await world.connectors.eakte.find({ bgNummer: a.bgNummer })).toHaveLength(0);
});

test('a letter without a usable address is never posted: it goes to a person', async () => {
  const p = policy();
  const a = auftrag({ empfaenger: { name: 'Frau Aylin Probst', strasse: '', plz: '3503', ort: 'Marburg' } });
  const h = await starte(a, p);
  const z = await eventually(async () => {
    const s = await zustand(h);
    return s.status === 'abgelehnt' ? s : undefined;
  }, 'letter rejected', 45000);
  expect(z.grund).toContain('Anschrift');
  await h.signal(BRIEF_VERWERFEN_SIGNAL, { benutzer: 'sb-leistung' });
  expect(((await h.result()) as BriefErgebnis).status).toBe('abgebrochen');
});

test('after a reject a person fixes the PDF and sends again: the next attempt is posted', async () => {
  const p = policy();
  const pdfPfad = legeBescheidAb(await testbrief({ nr: 5, variante: 'verschluesselt' }));
  const a = auftrag({ art: 'FACHVERFAHREN_BESCHEID', daten: {}, pdfPfad });
  const h = await starte(a, p);
  const z = await abgelehnt(h);
  expect(z.fehlercode).toBe('PDF_VERSCHLUESSELT');

  fs.writeFileSync(path.join(engine.cfg.dataDir, pdfPfad), await testbrief({ nr: 5 }));
  await h.signal(BRIEF_ERNEUT_SENDEN_SIGNAL, { benutzer: 'sb-leistung', notiz: 'Bescheid ohne Kennwort neu erzeugt' });
  const z2 = await imBatch(h);
  expect(z2.versuch).toBe(2);
  expect(z2.grund).toBeUndefined();
  await engine.client.workflow.getHandle(z2.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  const r = (await h.result()) as BriefErgebnis;
  expect(r.status).toBe('versendet');
  const docs = await world.connectors.eakte.find({ bgNummer: a.bgNummer });
  expect(docs.map((d) => d.metadaten.dokumentart)).toEqual(['BESCHEID']);
  expect(archivierteBriefe(`${a.briefId}-v2`)).toBe(1);
  expect(archivierteBriefe(a.briefId)).toBe(0);
});

test('the centre rejects one letter of a batch (same content twice): that letter goes to a person, the other is posted', async () => {
  const p = policy();
  const pdf = await testbrief({ nr: 6 });
  const [a1, a2] = [auftrag({ art: 'FACHVERFAHREN_BESCHEID', daten: {}, pdfPfad: legeBescheidAb(pdf) }), auftrag({ art: 'FACHVERFAHREN_BESCHEID', daten: {}, pdfPfad: legeBescheidAb(pdf) })];
  const [h1, h2] = await Promise.all([starte(a1, p), starte(a2, p)]);
  const [z1] = await Promise.all([imBatch(h1), imBatch(h2)]);
  const batch = engine.client.workflow.getHandle(z1.batchWorkflowId!);
  await eventually(async () => (await batch.query<BatchZustand>(BATCH_ZUSTAND_QUERY)).anzahl === 2, 'both letters in the batch');
  await batch.signal(ANNAHMESCHLUSS_SIGNAL);
  const b = (await batch.result()) as BatchZustand;
  expect(Object.values(b.ergebnisse).sort()).toEqual(['an_post_uebergeben', 'fehler']);
  const abgelehnterId = Object.entries(b.ergebnisse).find(([, v]) => v === 'fehler')![0];
  const [abgelehnterHandle, postierterHandle] = abgelehnterId === a1.briefId ? [h1, h2] : [h2, h1];
  const z = await abgelehnt(abgelehnterHandle);
  expect(z.fehlercode).toBe('DUPLIKAT');
  expect(z.aufgabeWorkflowId).toBeDefined();
  expect((await engine.client.workflow.getHandle(z.aufgabeWorkflowId!).describe()).type).toBe(AUFGABE_WORKFLOW);
  expect(((await postierterHandle.result()) as BriefErgebnis).status).toBe('versendet');
  await abgelehnterHandle.signal(BRIEF_VERWERFEN_SIGNAL, { benutzer: 'sb-leistung', grund: 'Doppelt erzeugt' });
  expect(((await abgelehnterHandle.result()) as BriefErgebnis).status).toBe('abgebrochen');
});

test('Bescheide from the Fachverfahren\'s output folder (PDF + sidecar) become letters, once; a bad sidecar is set aside', async () => {
  const p = policy();
  const ausgabe = path.join(engine.cfg.dataDir, 'sim', 'open-prosoz', 'ausgabe');
  fs.mkdirSync(ausgabe, { recursive: true });
  const bescheidId = `20261126-${randomBytes(3).toString('hex')}`;
  const sidecar = { bescheidId, bgNummer: '35101BG0099001', teamId: 'LE-WZ-01', betreff: 'Änderungsbescheid', empfaenger: { name: 'Frau Ingrid Klöppel', strasse: 'Wiesenweg 9', plz: '35415', ort: 'Pohlheim' } };
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_1.pdf'), await testbrief({ nr: 8 }));
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_1.json'), JSON.stringify(sidecar));
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_2.pdf'), await testbrief({ nr: 9 }));
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_2.json'), JSON.stringify({ ...sidecar, bgNummer: '' }));
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_3.pdf'), await testbrief({ nr: 10 })); // sidecar not yet written

  const lauf = () => engine.client.workflow.execute('zentraldruckBescheide', { taskQueue: engine.cfg.temporal.taskQueue, workflowId: `bescheide-${randomBytes(4).toString('hex')}`, args: [{ policy: p }] });
  expect(await lauf()).toEqual({ gestartet: 1, vorhanden: 0, fehler: 1 });
  expect(fs.readdirSync(ausgabe).filter((f) => f.startsWith('BESCHEID')).sort()).toEqual(['BESCHEID_3.pdf']);
  expect(fs.readFileSync(path.join(ausgabe, 'fehler', 'BESCHEID_2.grund.txt'), 'utf8')).toContain('bgNummer');

  // The Fachverfahren delivers the same Bescheid again: no second letter.
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_1b.pdf'), await testbrief({ nr: 8 }));
  fs.writeFileSync(path.join(ausgabe, 'BESCHEID_1b.json'), JSON.stringify(sidecar));
  expect(await lauf()).toEqual({ gestartet: 0, vorhanden: 1, fehler: 0 });

  const h = engine.client.workflow.getHandle(briefWorkflowId(bescheidBriefId(bescheidId)));
  const z = await imBatch(h);
  expect(z.art).toBe('FACHVERFAHREN_BESCHEID');
  await engine.client.workflow.getHandle(z.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  expect(((await h.result()) as BriefErgebnis).status).toBe('versendet');
  const docs = await world.connectors.eakte.find({ bgNummer: sidecar.bgNummer });
  expect(docs).toHaveLength(1);
  expect(docs[0]!.metadaten).toMatchObject({ dokumentart: 'BESCHEID' });
  expect(docs[0]!.metadaten.betreff).toContain('Änderungsbescheid');
});
