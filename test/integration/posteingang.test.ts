/**
 * The Posteingang end to end on the real dev server with the test world (Fachverfahren and
 * E-Akte simulators through their default adapters): real reading (text layer; OCR in-process
 * with AKTENLAUF_OCR=lokal), the real recognition model, matching, filing, routing, review,
 * quarantine and the review SLA (compressed through the policy).
 *
 * With POSTEINGANG_HISTORIEN=schreiben the histories of two runs are saved for replay.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { findeMerkmale } from '../../activities/erkennung/merkmale';
import { korrekturenPfad } from '../../activities/erkennung/modell';
import { createPosteingangActivities, schliessePosteingangDienste } from '../../activities/posteingang';
import type { LaufenderOpenProsozSimulator } from '../../connectors/fachverfahren/open-prosoz/simulator';
import type { Haushalt } from '../../connectors/fachverfahren/port';
import { bekanntgabedatum, feiertageVon, widerspruchsfristEnde } from '../../domain/fristen';
import {
  DOKUMENT_WORKFLOW, dokumentWorkflowId, type DateiErgebnis, type DateiZustand, type DokumentErgebnis, type DokumentZustand,
  type Eingangsart, type PosteingangPolicy, type PosteingangStatusWert,
} from '../../domain/posteingang';
import { ART, PRIORITAET, STATUS, TEAM } from '../../domain/search-attributes';
import { DEFAULT_WEITERBEWILLIGUNG_POLICY, WEITERBEWILLIGUNG_WORKFLOW, WB_ZUSTAND_QUERY, bwzFuerWbaEingang, weiterbewilligungWorkflowId, type WbZustand } from '../../domain/weiterbewilligung';
import { berlinDate } from '../../domain/zeit';
import { mulberry32 } from '../../domain/zufall';
import { loadPseudonymizer } from '../../platform/pseudonym';
import { alsScan, erzeugeBrief, type Brief, type BriefOptionen } from '../../testdaten/posteingang';
import { eventually, type TestEngine } from '../helpers/engine';
import type { TestWorld } from '../helpers/connectors';
import { pdfAus, speichereEingang, starteEingang, startePosteingangWelt } from './posteingang-hilfen';

let world: TestWorld;
let engine: TestEngine;
let store: LaufenderOpenProsozSimulator['store'];
let haushalte: Haushalt[];

beforeAll(async () => {
  ({ world, engine, store, haushalte } = await startePosteingangWelt({ haushalte: 40, lokaleOcr: true }));
}, 120_000);
afterAll(async () => {
  await engine?.stop();
  await schliessePosteingangDienste();
  await world?.stop();
});

/** Letters are fixed by seed; each test uses its own household. */
function brief(seed: number, art: Eingangsart, opts: BriefOptionen = {}): Brief {
  return erzeugeBrief(mulberry32(seed), art, { verwechsler: false, ...opts });
}
const vorgabe = (h: Haushalt) => ({ bgNummer: h.bgNummer, personen: h.personen, anschrift: h.anschrift });

/** Sure enough for these clean letters; the review test uses a threshold nothing reaches. */
const AUTO: Partial<PosteingangPolicy> = { schwelle: 0.5 };
const NIE_AUTO: Partial<PosteingangPolicy> = { schwelle: 1.01 };

async function eingang(seiten: Parameters<typeof pdfAus>[0], policy: Partial<PosteingangPolicy>, o: Parameters<typeof speichereEingang>[2] = {}) {
  const input = speichereEingang(engine.cfg, await pdfAus(seiten), o);
  const handle = await starteEingang(engine.client, engine.cfg, input, policy);
  return { input, handle };
}

function dokument(contentHash: string, index = 0): WorkflowHandle {
  return engine.client.workflow.getHandle(dokumentWorkflowId(contentHash, index));
}
const zustand = (h: WorkflowHandle) => h.query<DokumentZustand>('zustand');
async function warteAuf(h: WorkflowHandle, status: PosteingangStatusWert): Promise<DokumentZustand> {
  return eventually(async () => {
    try {
      const z = await zustand(h);
      return z.status === status ? z : undefined;
    } catch {
      return undefined; // not started yet
    }
  }, `document ${status}`, 90_000);
}
async function suchattribute(h: WorkflowHandle) {
  return (await h.describe()).typedSearchAttributes;
}

/** The German message of a refused update (validator or handler). */
async function abgelehnt(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

async function speichereHistorie(h: WorkflowHandle, name: string): Promise<void> {
  if (process.env.POSTEINGANG_HISTORIEN !== 'schreiben') return;
  const History = temporal.api.history.v1.History;
  const obj = { workflowId: h.workflowId, ...History.toObject(History.fromObject(await h.fetchHistory()), { longs: String, enums: String, bytes: String }) };
  // Histories of the local-activity path (marker pe-lokal-202611) are saved next to, not over, the older ones.
  type Ereignis = { markerRecordedEventAttributes?: { details?: Record<string, { payloads?: { data?: string }[] }> } };
  const ereignisse = (obj as { events?: Ereignis[] }).events ?? [];
  const marker = ereignisse.flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((p) => p.payloads ?? []));
  const lokal = marker.some((p) => Buffer.from(String(p.data ?? ''), 'base64').toString('utf8').includes('pe-lokal-202611'));
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}${lokal ? '-lokal' : ''}.json`), JSON.stringify(obj, null, 1));
}

test('a born-digital letter with a BG-Nummer is filed once into the E-Akte, with a Wiedervorlage for the team', async () => {
  const h = haushalte[0]!;
  const b = brief(101, 'MIETVERTRAG', { haushalt: vorgabe(h), bgQuote: 1 });
  const { input, handle } = await eingang([{ zeilen: b.zeilen }], AUTO, { fileName: 'Mietvertrag Müller.pdf' });

  const datei = (await handle.result()) as DateiErgebnis;
  expect(datei).toEqual({ status: 'zerlegt', seitenzahl: 1, dokumente: [dokumentWorkflowId(input.contentHash, 0)] });
  const dok = dokument(input.contentHash);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', bgNummer: h.bgNummer, dokumentart: 'MIETVERTRAG' });
  if (ergebnis.status !== 'abgelegt') throw new Error('unreachable');

  const imArchiv = (await world.connectors.eakte.find({ bgNummer: h.bgNummer })).filter((d) => d.dokumentId === ergebnis.dokumentId);
  expect(imArchiv).toHaveLength(1);
  expect(imArchiv[0]!.metadaten).toMatchObject({ dokumentart: 'MIETVERTRAG', posteingangsdatum: input.eingangsdatum });
  expect(imArchiv[0]!.mimeType).toBe('application/pdf');
  const wv = store.wiedervorlagen(h.bgNummer).filter((w) => w.referenz === dok.workflowId);
  expect(wv).toHaveLength(1);
  expect(wv[0]).toMatchObject({ prioritaet: 'normal', wiedervorlageId: ergebnis.wiedervorlageId });

  // The filing activity run again (a retry after an unknown outcome): still one document.
  const aktivitaeten = createPosteingangActivities({ dataDir: engine.cfg.dataDir, connectors: world.connectors });
  const nochmal = await aktivitaeten.legeDokumentAb({
    workflowId: dok.workflowId, contentHash: input.contentHash, storedPath: input.storedPath, mediaType: input.mediaType, fileName: input.fileName,
    teilIndex: 0, seiten: [1], bgNummer: h.bgNummer, dokumentart: 'MIETVERTRAG', eingangsdatum: input.eingangsdatum,
  });
  expect(nochmal).toMatchObject({ dokumentId: ergebnis.dokumentId, neu: false });
  expect((await world.connectors.eakte.find({ bgNummer: h.bgNummer })).filter((d) => d.dokumentId === ergebnis.dokumentId)).toHaveLength(1);

  const z = await zustand(dok);
  expect(z).toMatchObject({ status: 'abgelegt', pruefGruende: [], zuordnung: { art: 'bg-nummer', bgNummer: h.bgNummer, quelle: 'text' }, teamId: h.team.id });
  expect(z.ablage).toMatchObject({ dokumentId: ergebnis.dokumentId, bgNummer: h.bgNummer, dokumentart: 'MIETVERTRAG' });
  expect(JSON.stringify(z)).not.toContain('woerter');
  const sa = await suchattribute(dok);
  expect(sa.get(STATUS)).toBe('abgelegt');
  expect(sa.get(ART)).toBe('MIETVERTRAG');
  expect(sa.get(TEAM)).toBe(h.team.id);
  expect(sa.get(PRIORITAET)).toBe('normal');
  await speichereHistorie(handle, 'posteingang-datei');
  await speichereHistorie(dok, 'posteingang-dokument-abgelegt');
});

test('a scanned letter is read by OCR (in-process engine), its BG-Nummer found in the OCR text, and filed as a PDF of the page', async () => {
  const h = haushalte[14]!;
  const b = brief(151, 'AU_BESCHEINIGUNG', { haushalt: vorgabe(h), bgQuote: 1 });
  const scan = await alsScan(b, { stil: 'scan', format: 'png', dpi: 300, seed: 1 });
  expect(scan.seiten).toHaveLength(1);
  const input = speichereEingang(engine.cfg, scan.seiten[0]!, { fileName: 'scan.png', mediaType: 'image/png' });
  const handle = await starteEingang(engine.client, engine.cfg, input, AUTO);
  await handle.result();
  const dok = dokument(input.contentHash);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', bgNummer: h.bgNummer });
  const z = await zustand(dok);
  expect(z.seiten).toHaveLength(1);
  expect(z.seiten[0]).toMatchObject({ nr: 1, quelle: 'ocr', bild: `posteingang/${input.contentHash}/seite-1.jpg` });
  expect(z.seiten[0]!.meanConfidence).toBeGreaterThan(50);
  expect(z.zuordnung).toMatchObject({ art: 'bg-nummer', bgNummer: h.bgNummer });
  const abgelegt = await world.connectors.eakte.get(ergebnis.status === 'abgelegt' ? ergebnis.dokumentId : '');
  expect(abgelegt?.inhalt.subarray(0, 5).toString()).toBe('%PDF-');
}, 120_000);

test('below the threshold a person decides: invalid decisions are refused in German, a corrected type is filed and stored as a correction', async () => {
  const h = haushalte[1]!;
  const b = brief(202, 'KONTOAUSZUG', { haushalt: vorgabe(h), bgQuote: 1 });
  const { input } = await eingang([{ zeilen: b.zeilen }], NIE_AUTO);
  const dok = dokument(input.contentHash);
  const z = await warteAuf(dok, 'pruefung');
  expect(z.pruefGruende).toEqual(['konfidenz']);
  expect(z.erkennung?.dokumentart).toBeDefined();
  expect(z.pruefFrist).toBeDefined();

  expect(await abgelehnt(dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'KONTOAUSZUG', bgNummer: '12345' }] })))
    .toMatch(/BG-Nummer hat nicht das richtige Format/);
  expect(await abgelehnt(dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'QUITTUNG', bgNummer: h.bgNummer }] })))
    .toMatch(/Unbekannte Dokumentart/);
  const fremd = '99999BG9999999';
  expect(store.alleHaushalte().some((x) => x.bgNummer === fremd)).toBe(false);
  expect(await abgelehnt(dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'KONTOAUSZUG', bgNummer: fremd }] })))
    .toMatch(/keine Bedarfsgemeinschaft/);
  expect((await zustand(dok)).status).toBe('pruefung');

  const erkannt = z.erkennung!.dokumentart;
  const richtig: Eingangsart = erkannt === 'VAEM' ? 'SONSTIGES' : 'VAEM';
  const nachher = await dok.executeUpdate<DokumentZustand, [unknown]>('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: richtig, bgNummer: ` ${h.bgNummer.slice(0, 5)} BG ${h.bgNummer.slice(7)} `, kommentar: 'Anschreiben zur VÄM' }] });
  expect(nachher.entscheidungen.map((e) => e.wer)).toEqual(['pk.meier']);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', dokumentart: richtig, bgNummer: h.bgNummer });
  const imArchiv = (await world.connectors.eakte.find({ bgNummer: h.bgNummer, dokumentart: richtig }));
  expect(imArchiv).toHaveLength(1);
  const korrekturen = fs.readFileSync(korrekturenPfad(engine.cfg.dataDir), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dokumentart: string; erkannt: string; text: string });
  expect(korrekturen).toContainEqual(expect.objectContaining({ dokumentart: richtig, erkannt }));
  expect(korrekturen.find((k) => k.dokumentart === richtig)!.text).toContain(h.bgNummer.slice(-7));
  expect((await suchattribute(dok)).get(ART)).toBe(richtig);
  expect((await zustand(dok)).zuordnung).toEqual({ art: 'bg-nummer', bgNummer: h.bgNummer, quelle: 'person' });
});

test('a well-formed BG-Nummer the Fachverfahren does not know sends the document to review', async () => {
  const h = haushalte[2]!;
  const fremd = '96201BG9999991';
  expect(store.alleHaushalte().some((x) => x.bgNummer === fremd)).toBe(false);
  const b = brief(303, 'EINKOMMENSNACHWEIS', { haushalt: { ...vorgabe(h), bgNummer: fremd }, bgQuote: 1 });
  const { input } = await eingang([{ zeilen: b.zeilen }], AUTO);
  const z = await warteAuf(dokument(input.contentHash), 'pruefung');
  expect(z.pruefGruende).toContain('haushalt-unbekannt');
  expect(z.zuordnung?.art === 'keine' || z.zuordnung?.art === 'vorschlag').toBe(true);
  expect(await world.connectors.eakte.find({ bgNummer: fremd })).toEqual([]);
});

test('a household found only by name and date of birth is a proposal: never filed without a person, even at threshold 0', async () => {
  // A letter that names the citizen with date of birth and carries no number.
  let gefunden: { b: Brief; h: Haushalt } | undefined;
  for (let seed = 400; seed < 460 && !gefunden; seed++) {
    const h = haushalte[3 + (seed % 5)]!;
    const b = brief(seed, 'VAEM', { haushalt: vorgabe(h), bgQuote: 0 });
    const m = findeMerkmale(b.zeilen.join('\n'), { eingangsdatum: '2026-11-20' });
    if (!b.wahrheit.kundennummer && m.bgNummern.length === 0 && m.kundennummern.length === 0 && m.absender?.nachname && m.absender.geburtsdatum) gefunden = { b, h };
  }
  expect(gefunden).toBeDefined();
  const { b, h } = gefunden!;
  const { input } = await eingang([{ zeilen: b.zeilen }], { schwelle: 0 });
  const dok = dokument(input.contentHash);
  const z = await warteAuf(dok, 'pruefung');
  expect(z.pruefGruende).toContain('vorschlag');
  expect(z.zuordnung?.art).toBe('vorschlag');
  if (z.zuordnung?.art !== 'vorschlag') throw new Error('unreachable');
  expect(z.zuordnung.vorschlaege.map((v) => v.bgNummer)).toContain(h.bgNummer);
  expect((await world.connectors.eakte.find({ bgNummer: h.bgNummer })).filter((d) => d.metadaten.posteingangsdatum === input.eingangsdatum && d.metadaten.dokumentart === 'VAEM')).toEqual([]);
});

test('a batch with barcode separator sheets becomes one document workflow per document', async () => {
  const briefe = [
    brief(501, 'AU_BESCHEINIGUNG', { haushalt: vorgabe(haushalte[8]!), bgQuote: 1 }),
    brief(502, 'MIETVERTRAG', { haushalt: vorgabe(haushalte[9]!), bgQuote: 1 }),
    brief(503, 'KONTOAUSZUG', { haushalt: vorgabe(haushalte[10]!), bgQuote: 1 }),
  ];
  const { input, handle } = await eingang([
    { zeilen: briefe[0]!.zeilen }, { barcode: 'AKTENLAUF-TRENNBLATT' }, { zeilen: briefe[1]!.zeilen }, { barcode: 'AKTENLAUF-TRENNBLATT' }, { zeilen: briefe[2]!.zeilen },
  ], AUTO, { fileName: 'stapel-0815.pdf' });
  const datei = (await handle.result()) as DateiErgebnis;
  expect(datei).toEqual({ status: 'zerlegt', seitenzahl: 5, dokumente: [0, 1, 2].map((i) => dokumentWorkflowId(input.contentHash, i)) });
  const dz = await handle.query<DateiZustand>('zustand');
  expect(dz.teile?.map((t) => t.seiten)).toEqual([[1], [3], [5]]);
  const ergebnisse = await Promise.all([0, 1, 2].map(async (i) => (await dokument(input.contentHash, i).result()) as DokumentErgebnis));
  expect(ergebnisse.map((e) => e.status === 'abgelegt' && e.bgNummer)).toEqual([haushalte[8]!.bgNummer, haushalte[9]!.bgNummer, haushalte[10]!.bgNummer]);
  const dok2 = (await world.connectors.eakte.find({ bgNummer: haushalte[9]!.bgNummer }))[0]!;
  expect(dok2.dateiname).toBe('stapel-0815-dokument-2.pdf');
  let kinder = 0;
  for await (const wf of engine.client.workflow.list({ query: `WorkflowType = '${DOKUMENT_WORKFLOW}' AND TaskQueue = '${engine.cfg.temporal.taskQueue}'` })) {
    if (wf.workflowId.startsWith(`dok-${input.contentHash.slice(0, 40)}-`)) kinder++;
  }
  expect(kinder).toBe(3);
});

test('a WBA reaches the waiting weiterbewilligung workflow of its household by signal', async () => {
  const h = haushalte[11]!;
  const eingangsdatum = '2026-11-20';
  const bwz = bwzFuerWbaEingang(h.bewilligungszeitraeume, eingangsdatum) ?? h.bewilligungszeitraeume[0]!;
  const datum = bwz.beginn <= eingangsdatum ? eingangsdatum : bwz.beginn;
  const pseudo = loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir: engine.cfg.dataDir, generate: !fs.existsSync(path.join(engine.cfg.dataDir, 'pseudonym-key')) });
  const wbId = weiterbewilligungWorkflowId(pseudo.key24('bwz', h.bgNummer, bwz.id));
  const wb = await engine.client.workflow.start(WEITERBEWILLIGUNG_WORKFLOW, {
    taskQueue: engine.cfg.temporal.taskQueue, workflowId: wbId,
    args: [{ bgNummer: h.bgNummer, bwzId: bwz.id, bwzEnde: '2027-12-31', teamId: h.team.id, bereich: h.team.bereich, policy: DEFAULT_WEITERBEWILLIGUNG_POLICY }],
  });
  expect((await wb.query<WbZustand>(WB_ZUSTAND_QUERY)).status).toBe('wartet');

  const b = brief(601, 'WBA', { haushalt: vorgabe(h), bgQuote: 1 });
  const { input, handle } = await eingang([{ zeilen: b.zeilen }], AUTO, { eingangsdatum: datum, quelle: 'upload' });
  await handle.result();
  const dok = dokument(input.contentHash);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', dokumentart: 'WBA', bgNummer: h.bgNummer });
  expect((await zustand(dok)).weiterbewilligung).toBe(wbId);
  const wz = await eventually(async () => {
    const s = await wb.query<WbZustand>(WB_ZUSTAND_QUERY);
    return s.status === 'wba_eingegangen' ? s : undefined;
  }, 'WBA received by the weiterbewilligung workflow');
  expect(wz.wba).toMatchObject({ eingangsdatum: datum, quelle: 'upload' });
  // The Weiterbewilligung records the WBA itself; the Posteingang adds no second Antragseingang or Wiedervorlage.
  await eventually(async () => store.wiedervorlagen(h.bgNummer).some((w) => w.referenz === `${wbId}:wba`), 'Wiedervorlage of the Weiterbewilligung');
  expect(store.wiedervorlagen(h.bgNummer).filter((w) => w.referenz.startsWith(dok.workflowId))).toEqual([]);
  expect(store.eingaenge(h.bgNummer).filter((e) => e.referenz.startsWith(dok.workflowId))).toEqual([]);
  await wb.terminate('test done');
});

test('a WIDERSPRUCH is routed with priority, due at the end of the Widerspruchsfrist of the contested Bescheid', async () => {
  const h = haushalte[12]!;
  const b = brief(701, 'WIDERSPRUCH', { haushalt: vorgabe(h), bgQuote: 1 });
  const bescheidVom = b.wahrheit.bescheidVom;
  expect(bescheidVom).toBeDefined();
  // The contested Bescheid, posted through the Zentraldruck, is in the E-Akte with its Postausgangsdatum.
  await world.connectors.eakte.file(
    { dokumentId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b', inhalt: await pdfAus([{ zeilen: ['Bescheid'] }]), dateiname: 'bescheid.pdf', mimeType: 'application/pdf' },
    { bgNummer: h.bgNummer, betreff: 'Bewilligungsbescheid', dokumentart: 'BESCHEID', postausgangsdatum: bescheidVom! },
  );
  const { input, handle } = await eingang([{ zeilen: b.zeilen }], AUTO);
  await handle.result();
  const dok = dokument(input.contentHash);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', dokumentart: 'WIDERSPRUCH' });
  const ende = widerspruchsfristEnde(bekanntgabedatum(bescheidVom!), feiertageVon('NI'));
  const heute = berlinDate(new Date());
  const basis = input.eingangsdatum > heute ? input.eingangsdatum : heute;
  const wv = store.wiedervorlagen(h.bgNummer).find((w) => w.referenz === dok.workflowId)!;
  expect(wv).toMatchObject({ prioritaet: 'hoch', faelligAm: ende < basis ? basis : ende });
  const sa = await suchattribute(dok);
  expect(sa.get(PRIORITAET)).toBe('hoch');
  expect(sa.get(ART)).toBe('WIDERSPRUCH');
  expect(store.eingaenge(h.bgNummer).filter((e) => e.referenz === `${dok.workflowId}:eingang`)).toMatchObject([{ art: 'WIDERSPRUCH', eingangsdatum: input.eingangsdatum }]);
});

test('a corrupt file waits in quarantine with its reason; verwerfen ends it and keeps the stored file', async () => {
  const kaputt = Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n${'x'.repeat(200)} ${Date.now()}`);
  const input = speichereEingang(engine.cfg, kaputt, { fileName: 'kaputt.pdf' });
  const handle = await starteEingang(engine.client, engine.cfg, input, AUTO);
  const z = await eventually(async () => {
    const s = await handle.query<DateiZustand>('zustand');
    return s.status === 'quarantaene' ? s : undefined;
  }, 'file in quarantine');
  expect(z.quarantaeneGrund).toBeTruthy();
  expect((await suchattribute(handle)).get(STATUS)).toBe('quarantaene');
  expect(await abgelehnt(handle.executeUpdate('quarantaene', { args: [{ wer: 'it.admin', aktion: 'verwerfen', grund: ' ' }] }))).toMatch(/Grund/);
  expect(await abgelehnt(handle.executeUpdate('zerlegung', { args: [{ wer: 'it.admin', teile: [[1]] }] }))).toMatch(/wartet nicht/);
  const nachher = await handle.executeUpdate<DateiZustand, [unknown]>('quarantaene', { args: [{ wer: 'it.admin', aktion: 'verwerfen', grund: 'Datei beschädigt, Bürger um neue Zusendung gebeten' }] });
  expect(nachher.entscheidungen).toHaveLength(1);
  expect((await handle.result()) as DateiErgebnis).toEqual({ status: 'verworfen', grund: z.quarantaeneGrund });
  expect(fs.existsSync(path.join(engine.cfg.dataDir, input.storedPath))).toBe(true);
  expect((await suchattribute(handle)).get(STATUS)).toBe('verworfen');
});

test('a review past its SLA is overdue with high priority and an Aufgabe for the Postkorb lead; the decision still files it', async () => {
  const h = haushalte[13]!;
  const b = brief(801, 'BETRIEBSKOSTENABRECHNUNG', { haushalt: vorgabe(h), bgQuote: 1 });
  const { input } = await eingang([{ zeilen: b.zeilen }], { ...NIE_AUTO, pruefFristMs: 1500, eskalationTeamId: h.team.id });
  const dok = dokument(input.contentHash);
  const z = await eventually(async () => {
    const s = await warteAuf(dok, 'pruefung-ueberfaellig');
    return s.eskalationAufgabe ? s : undefined;
  }, 'overdue with its Aufgabe');
  expect(z.prioritaet).toBe('hoch');
  expect(z.eskalationAufgabe).toBe(`aufgabe-posteingang_pruefen-${dok.workflowId}`);
  const sa = await suchattribute(dok);
  expect(sa.get(STATUS)).toBe('pruefung-ueberfaellig');
  expect(sa.get(PRIORITAET)).toBe('hoch');
  const aufgabe = engine.client.workflow.getHandle(z.eskalationAufgabe!);
  const az = await eventually(() => aufgabe.query<{ status: string; teamId: string }>('zustand').catch(() => undefined), 'Aufgabe started');
  expect(az).toMatchObject({ status: 'offen', teamId: h.team.id });

  await dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.schulz', dokumentart: z.erkennung!.dokumentart, bgNummer: h.bgNummer }] });
  expect(((await dok.result()) as DokumentErgebnis).status).toBe('abgelegt');
  expect((await aufgabe.query<{ status: string }>('zustand')).status).toBe('abgebrochen');
  await speichereHistorie(dok, 'posteingang-dokument-ueberfaellig');
});

test('a Hauptantrag of people without a household: the Postkorb reads the applicant, the Fachverfahren creates the BG, the application is filed there', async () => {
  // Written by nobody the Landkreis knows: no BG-Nummer, no Kundennummer.
  const b = brief(909, 'HAUPTANTRAG', { bgQuote: 0 });
  const { input } = await eingang([{ zeilen: b.zeilen }], NIE_AUTO);
  const dok = dokument(input.contentHash);
  const z = await warteAuf(dok, 'pruefung');
  expect(z.zuordnung?.art === 'keine' || z.zuordnung?.art === 'vorschlag').toBe(true);
  const angaben = { vorname: 'Aylin', nachname: 'Neumann-Öztürk', geburtsdatum: '1991-07-14', strasse: 'Groner Landstraße', hausnummer: '9a', plz: '37081', ort: 'Göttingen' };

  expect(await abgelehnt(dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'VAEM', bgNummer: '', neuantrag: angaben }] })))
    .toMatch(/nur für einen Hauptantrag/);
  expect(await abgelehnt(dok.executeUpdate('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'HAUPTANTRAG', bgNummer: '', neuantrag: { ...angaben, plz: '3708' } }] })))
    .toMatch(/Postleitzahl/);
  expect((await zustand(dok)).status).toBe('pruefung');

  const nachher = await dok.executeUpdate<DokumentZustand, [unknown]>('entscheiden', { args: [{ wer: 'pk.meier', dokumentart: 'HAUPTANTRAG', bgNummer: '', neuantrag: angaben }] });
  expect(nachher.entscheidungen.at(-1)?.was).toContain('Neuantrag wird im Fachverfahren angelegt');
  const ergebnis = (await dok.result()) as Extract<DokumentErgebnis, { status: 'abgelegt' }>;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', dokumentart: 'HAUPTANTRAG' });
  const neu = store.alleHaushalte().find((x) => x.bgNummer === ergebnis.bgNummer)!;
  expect(neu.personen).toEqual([expect.objectContaining({ vorname: 'Aylin', nachname: 'Neumann-Öztürk', geburtsdatum: '1991-07-14', rolle: 'antragsteller' })]);
  expect(await world.connectors.eakte.find({ bgNummer: ergebnis.bgNummer, dokumentart: 'HAUPTANTRAG' })).toHaveLength(1);
  expect(store.eingaenge(ergebnis.bgNummer).filter((e) => e.referenz === `${dok.workflowId}:eingang`)).toMatchObject([{ art: 'HAUPTANTRAG', eingangsdatum: input.eingangsdatum }]);
  const verlauf = (await zustand(dok)).entscheidungen.map((e) => e.was);
  expect(verlauf).toContain(`Neuantrag im Fachverfahren angelegt: BG ${ergebnis.bgNummer}`);
  expect((await zustand(dok)).zuordnung).toEqual({ art: 'bg-nummer', bgNummer: ergebnis.bgNummer, quelle: 'neuantrag' });
  expect((await suchattribute(dok)).get(TEAM)).toBe(neu.team.id);
});

test('a document naming two existing households (an unseparated stack) is never filed without a person, whatever the threshold', async () => {
  const [a, b] = [haushalte[15]!, haushalte[16]!];
  const eins = brief(1501, 'KONTOAUSZUG', { haushalt: vorgabe(a), bgQuote: 1 });
  const zwei = brief(1502, 'EINKOMMENSNACHWEIS', { haushalt: vorgabe(b), bgQuote: 1 });
  // Both letters on one page, as when a separator sheet was forgotten; threshold 0: the type alone never decides.
  const { input } = await eingang([{ zeilen: [...eins.zeilen, ...zwei.zeilen] }], { schwelle: 0 });
  const dok = dokument(input.contentHash);
  const z = await warteAuf(dok, 'pruefung');
  expect(z.pruefGruende).toContain('mehrere-haushalte');
  expect(z.weitereBgNummern).toEqual([b.bgNummer]);
  expect(await world.connectors.eakte.find({ bgNummer: a.bgNummer })).toEqual([]);
  expect(await world.connectors.eakte.find({ bgNummer: b.bgNummer })).toEqual([]);
});
