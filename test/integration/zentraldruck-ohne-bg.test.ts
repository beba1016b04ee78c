/**
 * A letter to a person without BG-Nummer (e.g. the appointment confirmation of a Neuantrag: there
 * is no Bedarfsgemeinschaft yet) on the real test stack: rendered without a BG-Nummer line,
 * posted through the day's batch, and then NOT filed into the E-Akte (nothing to file into) —
 * no DRUCK_ABGELEHNT Aufgabe; the result says "nicht abgelegt: keine Bedarfsgemeinschaft".
 * A letter with a BG-Nummer in the same batch is filed as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eakteDokumentId } from '../../activities/druck';
import { leseSeitenText } from '../../connectors/druckzentrum/pdf-text';
import { aufgabeWorkflowId } from '../../domain/aufgabe';
import { ANNAHMESCHLUSS_SIGNAL } from '../../domain/briefdruck';
import { bekanntgabedatum } from '../../domain/fristen';
import { STATUS } from '../../domain/search-attributes';
import { briefWorkflowId, NICHT_ABGELEGT_OHNE_BG, type BriefErgebnis } from '../../domain/zentraldruck';
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

async function pdfText(pdfPfad: string): Promise<string> {
  const t = await leseSeitenText(fs.readFileSync(path.join(engine.cfg.dataDir, pdfPfad)), { seite: 1 });
  return t.stuecke.map((s) => s.str).join(' ');
}

test('a letter without BG-Nummer is posted, not filed, and no Aufgabe is started; one with a BG-Nummer is filed as before', async () => {
  const p = policy();
  const termin = { termin: '2026-12-03', uhrzeit: '09:30', ort: 'Dienststelle Wetzlar', unterlagen: 'Personalausweis; Mietvertrag' };
  const ohne = auftrag({ art: 'TERMIN_BESTAETIGUNG', daten: termin });
  delete ohne.bgNummer;
  const leer = auftrag({ art: 'TERMIN_ERINNERUNG', daten: termin, bgNummer: '  ' });
  const mit = auftrag({ art: 'TERMIN_BESTAETIGUNG', daten: termin });
  const [hOhne, hLeer, hMit] = await Promise.all([starte(ohne, p), starte(leer, p), starte(mit, p)]);
  const [zOhne, zLeer, zMit] = await Promise.all([imBatch(hOhne), imBatch(hLeer), imBatch(hMit)]);
  expect(zLeer.batchWorkflowId).toBe(zOhne.batchWorkflowId);
  expect(zMit.batchWorkflowId).toBe(zOhne.batchWorkflowId);

  // Rendered without a BG-Nummer line (the letter with one shows it).
  const gerendert = (id: string) => path.join('store', 'druck', `${id}.pdf`);
  const textOhne = await pdfText(gerendert(ohne.briefId));
  expect(textOhne).toContain('Ihres Termins');
  expect(textOhne).not.toContain('BG-Nummer');
  expect(await pdfText(gerendert(leer.briefId))).not.toContain('BG-Nummer');
  expect(await pdfText(gerendert(mit.briefId))).toContain(mit.bgNummer!);

  await engine.client.workflow.getHandle(zOhne.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  const [rOhne, rLeer, rMit] = (await Promise.all([hOhne.result(), hLeer.result(), hMit.result()])) as BriefErgebnis[];

  for (const [a, e, h] of [[ohne, rOhne, hOhne], [leer, rLeer, hLeer]] as const) {
    const r = e!;
    if (r.status !== 'versendet') throw new Error(`not posted: ${JSON.stringify(r)}`);
    expect(r).toEqual({ status: 'versendet', postausgangsdatum: r.postausgangsdatum, bekanntgabedatum: bekanntgabedatum(r.postausgangsdatum), eakteDokumentId: '', hinweis: NICHT_ABGELEGT_OHNE_BG });
    // Posted: handed to the centre once and archived there.
    expect(archivierteBriefe(a.briefId)).toBe(1);
    // Not filed: no document in the E-Akte under the letter's deterministic id.
    expect(await world.connectors.eakte.get(eakteDokumentId(a.briefId))).toBeNull();
    // No Aufgabe: nothing went wrong.
    await expect(engine.client.workflow.getHandle(aufgabeWorkflowId(briefWorkflowId(a.briefId), 'DRUCK_ABGELEHNT')).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const z = await zustand(h);
    expect(z).toMatchObject({ status: 'versendet', postausgangsdatum: r.postausgangsdatum, hinweis: NICHT_ABGELEGT_OHNE_BG });
    expect(z.aufgabeWorkflowId).toBeUndefined();
    expect(z.eakteDokumentId).toBeUndefined();
    // The Postausgang lists it as posted (search attribute AktenlaufStatus).
    const listed = await eventually(async () => {
      for await (const wf of engine.client.workflow.list({ query: `WorkflowId = '${briefWorkflowId(a.briefId)}' AND AktenlaufStatus = 'versendet'` })) return wf;
      return undefined;
    }, 'letter listed as versendet');
    expect(listed.typedSearchAttributes.get(STATUS)).toBe('versendet');
  }

  // With a BG-Nummer: filed exactly as before.
  if (rMit!.status !== 'versendet') throw new Error(`not posted: ${JSON.stringify(rMit)}`);
  expect(rMit!.hinweis).toBeUndefined();
  expect(rMit!.eakteDokumentId).toBe(eakteDokumentId(mit.briefId));
  const docs = await world.connectors.eakte.find({ bgNummer: mit.bgNummer });
  expect(docs.map((d) => d.dokumentId)).toEqual([rMit!.eakteDokumentId]);
  expect(docs[0]!.metadaten.postausgangsdatum).toBe(rMit!.postausgangsdatum);
});

test('requested again after it was posted without BG-Nummer: the same result, not posted twice', async () => {
  const p = policy();
  const a = auftrag({ art: 'TERMIN_ERINNERUNG', daten: { termin: '2026-12-04', uhrzeit: '10:00', ort: 'Dienststelle Wetzlar' } });
  delete a.bgNummer;
  const h = await starte(a, p);
  const z = await imBatch(h);
  await engine.client.workflow.getHandle(z.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  const r = (await h.result()) as BriefErgebnis;
  expect(r).toMatchObject({ status: 'versendet', hinweis: NICHT_ABGELEGT_OHNE_BG });
  const wieder = await starte(a, p);
  expect(await wieder.result()).toEqual(r);
  expect(await zustand(wieder)).toMatchObject({ status: 'versendet', hinweis: NICHT_ABGELEGT_OHNE_BG });
  expect(archivierteBriefe(a.briefId)).toBe(1);
});
