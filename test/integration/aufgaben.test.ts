/**
 * The `aufgabe` workflow on a real worker: take, complete with a note, hand back, comment;
 * validators refuse illegal transitions with their German message (and nothing changes);
 * the escalation timer (compressed through policy.eskalationNachMs); cancellation by the
 * originating process; search attributes in visibility.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeZustand } from '../../domain/aufgabe';
import { ART, FAELLIG, PRIORITAET, PROZESS, STATUS, TEAM } from '../../domain/search-attributes';
import {
  abbrechenSignal,
  endeDesTages,
  erledigenUpdate,
  kommentierenUpdate,
  uebernehmenUpdate,
  zurueckgebenUpdate,
  zustandQuery,
  type AufgabeStart,
} from '../../workflows/aufgaben/aufgabe';
import { uniqueName } from '../helpers/env';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';

let engine: TestEngine;
const handles: WorkflowHandle[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await Promise.all(handles.map((h) => h.terminate('Testende').catch(() => undefined)));
  await engine.stop();
});

/** With AUFGABE_HISTORIEN=schreiben: saves the real history for replay.test.ts. */
async function speichereHistorie(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.AUFGABE_HISTORIEN !== 'schreiben') return;
  // protobufjs object form (the SDK's historyFromJSON/historyToJSON fail in this tree: two protobufjs copies).
  const History = temporal.api.history.v1.History;
  const obj = { workflowId: handle.workflowId, ...History.toObject(History.fromObject(await handle.fetchHistory()), { longs: String, enums: String, bytes: String }) };
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), JSON.stringify(obj, null, 1));
}

function input(over: Partial<AufgabeStart> = {}): AufgabeStart {
  return {
    art: 'WBA_FEHLT_ESKALATION',
    titel: 'Weiterbewilligungsantrag fehlt',
    beschreibung: 'Der Bewilligungszeitraum endet in zwei Wochen; kein WBA eingegangen.',
    teamId: 'LE-S-AD',
    bereich: 'leistung',
    prioritaet: 'normal',
    faelligAm: '2099-12-31',
    bezug: { prozess: 'weiterbewilligung', workflowId: uniqueName('wb') },
    ...over,
  };
}

async function start(over: Partial<AufgabeStart> = {}): Promise<WorkflowHandle> {
  const i = input(over);
  const h = await engine.client.workflow.start(AUFGABE_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue,
    workflowId: aufgabeWorkflowId(i.bezug.workflowId, i.art),
    args: [i],
  });
  handles.push(h);
  return h;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('update was accepted, expected a refusal');
}

test('take, comment, hand back, take again, complete with a note: state and search attributes follow', async () => {
  const h = await start();
  const z0 = await h.query(zustandQuery);
  expect(z0).toMatchObject({ status: 'offen', eskaliert: false, kommentare: [], teamId: 'LE-S-AD' });

  const z1 = await h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: 'sb-leistung' }] });
  expect(z1).toMatchObject({ status: 'in_bearbeitung', bearbeiter: 'sb-leistung' });

  const z2 = await h.executeUpdate(kommentierenUpdate, { args: [{ benutzer: 'sb-leistung', text: 'Kunde telefonisch nicht erreicht.' }] });
  expect(z2.kommentare).toEqual([expect.objectContaining({ von: 'sb-leistung', text: 'Kunde telefonisch nicht erreicht.' })]);

  const z3 = await h.executeUpdate(zurueckgebenUpdate, { args: [{ benutzer: 'sb-leistung' }] });
  expect(z3.status).toBe('offen');
  expect(z3.bearbeiter).toBeUndefined();

  await h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: 'kollegin' }] });
  await eventually(async () => (await h.describe()).typedSearchAttributes.get(STATUS) === 'in_bearbeitung', 'STATUS in_bearbeitung');
  const z4 = await h.executeUpdate(erledigenUpdate, { args: [{ benutzer: 'kollegin', notiz: 'WBA-Vordruck erneut versandt.' }] });
  expect(z4).toMatchObject({ status: 'erledigt', erledigtVon: 'kollegin', notiz: 'WBA-Vordruck erneut versandt.' });
  expect(z4.erledigtAm).toMatch(/^\d{4}-\d{2}-\d{2}T/);

  const result: AufgabeZustand = await h.result();
  expect(result.status).toBe('erledigt');
  const sa = (await h.describe()).typedSearchAttributes;
  expect(sa.get(PROZESS)).toBe('aufgabe');
  expect(sa.get(STATUS)).toBe('erledigt');
  expect(sa.get(TEAM)).toBe('LE-S-AD');
  expect(sa.get(ART)).toBe('WBA_FEHLT_ESKALATION');
  expect(sa.get(PRIORITAET)).toBe('normal');
  expect(sa.get(FAELLIG)?.toISOString()).toBe('2099-12-31T00:00:00.000Z');
  await speichereHistorie(h, 'aufgabe-erledigt');
});

test('validators refuse illegal transitions with a German message and change nothing', async () => {
  const h = await start({ art: 'DRUCK_ABGELEHNT' });
  expect(await refusal(h.executeUpdate(erledigenUpdate, { args: [{ benutzer: 'sb-leistung', notiz: 'x' }] }))).toBe(
    'Die Aufgabe ist noch nicht übernommen. Bitte übernehmen Sie sie zuerst, bevor Sie sie erledigen.',
  );
  expect(await refusal(h.executeUpdate(zurueckgebenUpdate, { args: [{ benutzer: 'sb-leistung' }] }))).toContain('noch nicht übernommen');
  expect(await refusal(h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: ' ' }] }))).toContain('Benutzer fehlt');

  await h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: 'anna' }] });
  expect(await refusal(h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: 'bernd' }] }))).toBe('Die Aufgabe wurde bereits von anna übernommen.');
  expect(await refusal(h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: 'anna' }] }))).toBe('Sie bearbeiten diese Aufgabe bereits.');
  expect(await refusal(h.executeUpdate(erledigenUpdate, { args: [{ benutzer: 'bernd', notiz: 'erledigt' }] }))).toBe(
    'Die Aufgabe wird von anna bearbeitet; nur diese Person kann sie erledigen.',
  );
  expect(await refusal(h.executeUpdate(erledigenUpdate, { args: [{ benutzer: 'anna', notiz: '   ' }] }))).toBe('Bitte geben Sie eine Notiz ein: Was wurde veranlasst?');
  expect(await refusal(h.executeUpdate(erledigenUpdate, { args: [{ benutzer: 'anna', notiz: 'x'.repeat(2001) }] }))).toBe('Die Notiz ist zu lang (höchstens 2000 Zeichen).');
  expect(await refusal(h.executeUpdate(kommentierenUpdate, { args: [{ benutzer: 'anna', text: '' }] }))).toBe('Der Kommentar ist leer.');
  expect(await h.query(zustandQuery)).toMatchObject({ status: 'in_bearbeitung', bearbeiter: 'anna', kommentare: [] });

  await h.executeUpdate(erledigenUpdate, { args: [{ benutzer: 'anna', notiz: 'x'.repeat(2000) }] });
  await h.result();
  // A finished Aufgabe takes no update at all: the server refuses updates on closed workflows.
  await expect(h.executeUpdate(kommentierenUpdate, { args: [{ benutzer: 'anna', text: 'noch etwas' }] })).rejects.toThrow(/completed/i);
  expect((await h.query(zustandQuery)).kommentare).toEqual([]);
});

test('the escalation timer marks an open Aufgabe eskaliert and raises the priority; the status stays', async () => {
  const h = await start({ art: 'LEISTUNGSENDE', policy: { eskalationNachMs: 1500 } });
  const z = await eventually(async () => {
    const s = await h.query(zustandQuery);
    return s.eskaliert ? s : undefined;
  }, 'eskaliert');
  expect(z).toMatchObject({ status: 'offen', prioritaet: 'hoch', eskaliert: true });
  await eventually(async () => (await h.describe()).typedSearchAttributes.get(PRIORITAET) === 'hoch', 'PRIORITAET hoch');
  expect((await h.describe()).typedSearchAttributes.get(STATUS)).toBe('offen');
  // Still workable after the escalation.
  await h.executeUpdate(uebernehmenUpdate, { args: [{ benutzer: 'sb-leistung' }] });
  expect((await h.query(zustandQuery)).status).toBe('in_bearbeitung');
});

test('a due day in the past escalates at once; the originating process cancels with a reason', async () => {
  const h = await start({ art: 'WBA_BEARBEITEN', faelligAm: '2020-01-15' });
  await eventually(async () => (await h.query(zustandQuery)).eskaliert, 'eskaliert');
  await h.signal(abbrechenSignal, { grund: 'WBA ist doch eingegangen.' });
  const result: AufgabeZustand = await h.result();
  expect(result.status).toBe('abgebrochen');
  expect(result.kommentare.at(-1)).toMatchObject({ von: 'System', text: 'Abgebrochen: WBA ist doch eingegangen.' });
  expect((await h.describe()).typedSearchAttributes.get(STATUS)).toBe('abgebrochen');
  await speichereHistorie(h, 'aufgabe-eskaliert-abgebrochen');
});

test('the due day ends at midnight Europe/Berlin (winter and summer time)', () => {
  expect(endeDesTages('2026-01-15').toISOString()).toBe('2026-01-15T23:00:00.000Z');
  expect(endeDesTages('2026-07-15').toISOString()).toBe('2026-07-15T22:00:00.000Z');
  expect(endeDesTages('2026-03-28').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // switch to summer time on the 29th at 02:00
  expect(endeDesTages('2026-12-31').toISOString()).toBe('2026-12-31T23:00:00.000Z');
});
