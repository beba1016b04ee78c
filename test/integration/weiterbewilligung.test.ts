/**
 * The Weiterbewilligung workflow in compressed time (one policy day = 1 s; leads 15/10/5 days,
 * late WBAs accepted 6 days after the end) on the real test stack, against the simulated
 * Fachverfahren. Letters and Aufgaben are child workflows started by name: the assertions read
 * the children's start input from their histories.
 * With WB_HISTORIEN=schreiben the histories of these runs are saved to test/histories/ for the
 * replay test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeInput } from '../../domain/aufgabe';
import { STATUS, STICHTAG } from '../../domain/search-attributes';
import {
  BWZ_GEAENDERT_SIGNAL, WBA_EINGEGANGEN_SIGNAL, WB_ZUSTAND_QUERY, WEITERBEWILLIGUNG_WORKFLOW, plusTage, pruefePolicy, wbBriefId,
  type BwzGeaendert, type WbErgebnis, type WbZustand, type WbaEingegangen, type WeiterbewilligungInput,
} from '../../domain/weiterbewilligung';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefAuftrag } from '../../domain/zentraldruck';
import type { LaufenderOpenProsozSimulator } from '../../connectors/fachverfahren/open-prosoz/simulator';
import type { Haushalt } from '../../connectors/fachverfahren/port';
import { codecFromConfig } from '../../platform/temporal';
import { empfaengerAus } from '../../activities/weiterbewilligung';
import { temporal } from '@temporalio/proto';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { testConfig, uniqueName } from '../helpers/env';

const TAG_MS = 1000;
const policy = pruefePolicy({
  erinnerungVorlaufTage: 15, zweiteErinnerungVorlaufTage: 10, eskalationVorlaufTage: 5, nachlaufTage: 6,
  wiedervorlageFristTage: 14, aufgabeFristTage: 5, briefMindestVorlaufTage: 1, tagMs: TAG_MS,
});
const ANKER_S = 17; // the BWZ ends 17 s after the start: first reminder after 2 s

let world: TestWorld;
let engine: TestEngine;
let sim: LaufenderOpenProsozSimulator;
let store: LaufenderOpenProsozSimulator['store'];
let haushalte: Haushalt[];

beforeAll(async () => {
  world = await startTestWorld(testConfig({ SIMULATOR_HOUSEHOLDS: '40' }));
  engine = await startTestEngine({}, { connectors: world.connectors });
  sim = world.simulators.running.find((r) => r.spec.id === 'open-prosoz')!.sim as LaufenderOpenProsozSimulator;
  store = sim.store;
  haushalte = store.alleHaushalte().filter((h) => !h.aufgeloest && h.bewilligungszeitraeume.length > 0);
});
afterAll(async () => {
  await engine?.stop();
  await world?.stop();
});

const empfaenger = (h: Haushalt) => empfaengerAus(h)!;

async function starte(nr: number, bwzEnde: string, unbekannt = false): Promise<{ handle: WorkflowHandle; input: WeiterbewilligungInput; id: string }> {
  const h = haushalte[nr]!;
  const input: WeiterbewilligungInput = {
    // A household the Fachverfahren does not know (any more): no address to write to.
    bgNummer: unbekannt ? '96201BG9999999' : h.bgNummer, bwzId: h.bewilligungszeitraeume[0]!.id, bwzEnde, teamId: h.team.id, bereich: h.team.bereich,
    empfaenger: empfaenger(h), policy, zeitanker: new Date(Date.now() + ANKER_S * 1000).toISOString(),
  };
  const id = `wb-${uniqueName('t').replace(/[^0-9a-f]/g, '').padEnd(24, '0').slice(0, 24)}`;
  const handle = await engine.client.workflow.start(WEITERBEWILLIGUNG_WORKFLOW, { taskQueue: engine.cfg.temporal.taskQueue, workflowId: id, args: [input] });
  return { handle, input, id };
}

const zustand = (h: WorkflowHandle) => h.query<WbZustand>(WB_ZUSTAND_QUERY);
const warteAufStatus = (h: WorkflowHandle, s: WbZustand['status']) =>
  eventually(async () => ((await zustand(h)).status === s ? true : undefined), `status ${s}`, 30000);

/** The args a workflow was started with, decoded from its first history event. */
async function startArgs(id: string): Promise<{ typ: string; args: unknown[] }> {
  const { codec } = codecFromConfig(engine.cfg, false);
  const history = await engine.client.workflow.getHandle(id).fetchHistory();
  const a = history.events![0]!.workflowExecutionStartedEventAttributes!;
  const payloads = await codec.decode((a.input?.payloads ?? []) as Payload[]);
  return { typ: a.workflowType!.name!, args: payloads.map((p) => defaultPayloadConverter.fromPayload(p)) };
}

async function speichereHistorie(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.WB_HISTORIEN !== 'schreiben') return;
  // protobufjs object form (the SDK's historyFromJSON/historyToJSON fail in this tree: two protobufjs copies).
  const History = temporal.api.history.v1.History;
  const obj = { workflowId: handle.workflowId, ...History.toObject(History.fromObject(await handle.fetchHistory()), { longs: String, enums: String, bytes: String }) };
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), JSON.stringify(obj, null, 1));
}

test.concurrent('through the whole year: reminder, second reminder, escalation, end; a WBA late in the next month acts back to its first', async () => {
  const { handle, input, id } = await starte(0, '2027-01-31');
  await warteAufStatus(handle, 'beendet_ohne_wba');
  // Received 27.02.2027 (after the BWZ ended 31.01.): benefits from 01.02.2027, January not lost.
  const wba: WbaEingegangen = { eingangsdatum: '2027-02-27', quelle: 'scanner', eingangId: 'eingang-test-1' };
  await handle.signal(WBA_EINGEGANGEN_SIGNAL, wba);
  await handle.signal(WBA_EINGEGANGEN_SIGNAL, { ...wba, eingangsdatum: '2027-03-02' }); // a copy: changes nothing
  const r = (await handle.result()) as WbErgebnis;

  expect(r.status).toBe('wba_eingegangen');
  expect(r.wba).toEqual({ eingangsdatum: '2027-02-27', effectiveFrom: '2027-02-01', quelle: 'scanner' });
  expect(r.briefe.map((b) => b.schritt)).toEqual(['erinnerung1', 'erinnerung2']);
  expect(r.aufgaben.map((a) => a.art)).toEqual(['WBA_FEHLT_ESKALATION', 'LEISTUNGSENDE']);
  expect(r.uebersprungen).toEqual([]);

  const erste = await startArgs(briefWorkflowId(wbBriefId(id, 'erinnerung1')));
  expect(erste.typ).toBe(BRIEF_WORKFLOW);
  const auftrag = erste.args[0] as BriefAuftrag;
  expect(auftrag).toMatchObject({ briefId: wbBriefId(id, 'erinnerung1'), art: 'WBA_ERINNERUNG', bgNummer: input.bgNummer, empfaenger: input.empfaenger, teamId: input.teamId, bezug: { prozess: 'weiterbewilligung', workflowId: id } });
  expect(auftrag.daten).toMatchObject({ bwzEnde: '2027-01-31', formularBeigefuegt: 'ja' });
  const zweite = await startArgs(briefWorkflowId(wbBriefId(id, 'erinnerung2')));
  expect((zweite.args[0] as BriefAuftrag).art).toBe('WBA_ZWEITE_ERINNERUNG');

  const wv = store.wiedervorlagen(input.bgNummer).filter((w) => w.referenz === `${id}:wba`);
  expect(wv).toHaveLength(1);
  expect(wv[0]!.betreff).toContain('Leistungen ab 01.02.2027');
  expect(wv[0]!.prioritaet).toBe('hoch');
  expect(store.eingaenge(input.bgNummer).filter((e) => e.referenz === `${id}:wba-eingang`).map((e) => [e.art, e.eingangsdatum])).toEqual([['WBA', '2027-02-27']]);
  await speichereHistorie(handle, 'weiterbewilligung-wba-nach-ende');
});

test.concurrent('a WBA before the end stops the reminders: one letter, no escalation, Wiedervorlage seamless from the day after the end', async () => {
  const { handle, input, id } = await starte(1, '2027-03-31');
  // The household moved after the sync started the workflow: the letter goes to the new address.
  const h = haushalte[1]!;
  sim.store.aendereAnschrift(h.bgNummer, { strasse: 'Neue Straße', hausnummer: '7a', plz: '37073', ort: 'Göttingen' });
  sim.exportiereAenderungen();
  await warteAufStatus(handle, 'erinnert');
  const brief = (await startArgs(briefWorkflowId(wbBriefId(id, 'erinnerung1')))).args[0] as BriefAuftrag;
  expect(brief.empfaenger).toMatchObject({ strasse: 'Neue Straße 7a', plz: '37073', ort: 'Göttingen' });
  await handle.signal(WBA_EINGEGANGEN_SIGNAL, { eingangsdatum: '2027-03-18', quelle: 'upload', eingangId: 'eingang-test-2' } satisfies WbaEingegangen);
  const r = (await handle.result()) as WbErgebnis;
  expect(r.status).toBe('wba_eingegangen');
  expect(r.wba?.effectiveFrom).toBe('2027-04-01');
  expect(r.briefe.map((b) => b.schritt)).toEqual(['erinnerung1']);
  expect(r.aufgaben).toEqual([]);
  const wv = store.wiedervorlagen(input.bgNummer).filter((w) => w.referenz === `${id}:wba`);
  expect(wv.map((w) => [w.prioritaet, w.teamId])).toEqual([['normal', input.teamId]]);
  await speichereHistorie(handle, 'weiterbewilligung-wba-vor-ende');
});

test.concurrent('no WBA at all: reminder, second reminder, escalation Aufgabe, LEISTUNGSENDE Aufgabe at the end', async () => {
  const { handle, input, id } = await starte(2, '2027-05-31');
  const r = (await handle.result()) as WbErgebnis;
  const eskalation = await startArgs(aufgabeWorkflowId(id, 'WBA_FEHLT_ESKALATION'));
  expect(eskalation.typ).toBe(AUFGABE_WORKFLOW);
  expect(eskalation.args[0]).toMatchObject({ art: 'WBA_FEHLT_ESKALATION', teamId: input.teamId, prioritaet: 'hoch', bezug: { workflowId: id, bgNummer: input.bgNummer } });
  expect(r.status).toBe('beendet_ohne_wba');
  expect(r.briefe.map((b) => b.schritt)).toEqual(['erinnerung1', 'erinnerung2']);
  expect(r.aufgaben.map((a) => a.art)).toEqual(['WBA_FEHLT_ESKALATION', 'LEISTUNGSENDE']);
  const ende = await startArgs(aufgabeWorkflowId(id, 'LEISTUNGSENDE'));
  expect((ende.args[0] as AufgabeInput).beschreibung).toContain('Leistungen enden mit dem BWZ; kein WBA eingegangen');
  expect(store.wiedervorlagen(input.bgNummer).filter((w) => w.referenz.startsWith(id))).toEqual([]);
  await speichereHistorie(handle, 'weiterbewilligung-ohne-wba');
});

test.concurrent('a BWZ shortened mid-way is re-planned: the overdue second reminder goes out now, the end comes earlier', async () => {
  const { handle, id } = await starte(3, '2027-06-30');
  await warteAufStatus(handle, 'erinnert');
  const kuerzer = plusTage('2027-06-30', -8);
  await handle.signal(BWZ_GEAENDERT_SIGNAL, { bwzEnde: kuerzer } satisfies BwzGeaendert);
  const listed = await eventually(async () => {
    for await (const wf of engine.client.workflow.list({ query: `WorkflowId = '${id}'` })) {
      if (wf.typedSearchAttributes.get(STICHTAG)?.toISOString().slice(0, 10) === kuerzer) return wf;
    }
    return undefined;
  }, 'STICHTAG re-set');
  expect(listed.typedSearchAttributes.get(STATUS)).toBeDefined();
  const r = (await handle.result()) as WbErgebnis;
  expect(r.bwzEnde).toBe(kuerzer);
  expect(r.briefe.map((b) => b.schritt)).toEqual(['erinnerung1', 'erinnerung2']);
  expect(r.aufgaben.map((a) => a.art)).toEqual(['WBA_FEHLT_ESKALATION', 'LEISTUNGSENDE']);
  // The end came with the new date (23.06.), not with the old one (01.07.).
  expect(r.aufgaben[1]!.am < '2027-07-01').toBe(true);
  expect(r.status).toBe('beendet_ohne_wba');
  await speichereHistorie(handle, 'weiterbewilligung-verkuerzt');
});

test.concurrent('a household without a deliverable address gets no letter but an Aufgabe; dissolved, the workflow ends without further letters', async () => {
  const { handle, id } = await starte(4, '2027-07-31', true);
  await eventually(async () => ((await zustand(handle)).aufgaben.length > 0 ? true : undefined), 'Aufgabe Anschrift fehlt');
  await handle.signal(BWZ_GEAENDERT_SIGNAL, { aufgeloest: true } satisfies BwzGeaendert);
  const r = (await handle.result()) as WbErgebnis;
  expect(r.status).toBe('aufgeloest');
  expect(r.briefe).toEqual([]);
  expect(r.aufgaben.map((a) => a.art)).toEqual(['SONSTIGE']);
  const a = await startArgs(aufgabeWorkflowId(id, 'SONSTIGE'));
  expect((a.args[0] as AufgabeInput).titel).toBe('Keine zustellbare Anschrift: WBA-Erinnerung nicht versandt');
  await expect(engine.client.workflow.getHandle(briefWorkflowId(wbBriefId(id, 'erinnerung1'))).describe()).rejects.toThrow();
  await speichereHistorie(handle, 'weiterbewilligung-aufgeloest');
});
