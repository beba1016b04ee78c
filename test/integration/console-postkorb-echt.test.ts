/**
 * The Postkorb and the Quarantäne against the engine's real Posteingang workflows (worker with
 * the prebuilt bundle, test world with the Fachverfahren and E-Akte simulators): a born-digital
 * letter below the threshold waits for review, the console shows it (page rendered on demand
 * from the stored PDF, the BG-Nummer prefilled), the workflow's refusal of an unknown household
 * is shown at the field, the decision through the console files the document once; a corrupt
 * file is discarded through the Quarantäne page with a reason.
 */
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { WorkflowHandle } from '@temporalio/client';
import type { Haushalt } from '../../connectors/fachverfahren/port';
import { dokumentWorkflowId, type DateiErgebnis, type DateiZustand, type DokumentErgebnis, type DokumentZustand } from '../../domain/posteingang';
import { mulberry32 } from '../../domain/zufall';
import { erzeugeBrief } from '../../testdaten/posteingang';
import { eventually, type TestEngine } from '../helpers/engine';
import type { TestWorld } from '../helpers/connectors';
import { TEST_PASSWORD } from '../helpers/env';
import { Agent, angemeldet, csrfOf } from '../helpers/http-agent';
import { pdfAus, speichereEingang, starteEingang, startePosteingangWelt, starteKonsole } from './posteingang-hilfen';

let world: TestWorld;
let engine: TestEngine;
let app: FastifyInstance;
let redis: Redis;
let base: string;
let haushalte: Haushalt[];

beforeAll(async () => {
  ({ world, engine, haushalte } = await startePosteingangWelt({ haushalte: 20 }));
  ({ app, redis, base } = await starteKonsole(engine, 'console-postkorb-echt'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await redis?.quit();
  await engine?.stop();
  await world?.stop();
});

const loggedIn = (username: string): Promise<Agent> => angemeldet(base, username, TEST_PASSWORD);

async function warteAufStatus(h: WorkflowHandle, status: string): Promise<void> {
  await eventually(async () => {
    try {
      return (await h.query<{ status: string }>('zustand')).status === status;
    } catch {
      return false; // not started yet
    }
  }, `${h.workflowId} ${status}`, 90_000);
}

test('a real document in review: shown with its rendered page, an unknown household refused at the field, the decision files it', async () => {
  const h = haushalte[0]!;
  const b = erzeugeBrief(mulberry32(606), 'KONTOAUSZUG', { verwechsler: false, haushalt: { bgNummer: h.bgNummer, personen: h.personen, anschrift: h.anschrift }, bgQuote: 1 });
  const input = speichereEingang(engine.cfg, await pdfAus([{ zeilen: b.zeilen }]));
  await starteEingang(engine.client, engine.cfg, input, { schwelle: 1.01 }); // nothing is sure enough: review
  const dok = engine.client.workflow.getHandle(dokumentWorkflowId(input.contentHash, 0));
  await warteAufStatus(dok, 'pruefung');

  const agent = await loggedIn('postkorb');
  const liste = await eventually(async () => {
    const { text } = await agent.request('/postkorb');
    return text.includes(`data-workflow-id="${dok.workflowId}"`) ? text : undefined;
  }, 'Dokument im Postkorb');
  expect(liste).not.toContain(h.bgNummer);

  const detail = await agent.request(`/postkorb/${dok.workflowId}`);
  expect(detail.res.status).toBe(200);
  expect(detail.text).toContain('Dokumentart unsicher');
  expect(detail.text).toContain(`id="bgNummer" name="bgNummer" value="${h.bgNummer}"`);
  expect(detail.text).toContain(`<img src="/postkorb/${dok.workflowId}/seite/1"`);
  expect(detail.text).toContain('Gelesener Text');
  // Born-digital: the box over the BG-Nummer comes from the PDF's text layer.
  expect(detail.text).toContain('<div class="markierung" data-art="bg-nummer"');
  const bild = await fetch(`${base}/postkorb/${dok.workflowId}/seite/1`, { headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  expect(bild.status).toBe(200);
  expect(bild.headers.get('content-type')).toBe('image/png');

  const csrf = csrfOf(detail.text);
  const unbekannt = await agent.request(`/postkorb/${dok.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'KONTOAUSZUG', bgNummer: '99999BG9999999' } });
  expect(unbekannt.res.status).toBe(409);
  expect(unbekannt.text).toMatch(/<p class="feldfehler" id="fehler-bgNummer" role="alert">[^<]*keine Bedarfsgemeinschaft/);
  expect((await dok.query<DokumentZustand>('zustand')).status).toBe('pruefung');

  const ok = await agent.request(`/postkorb/${dok.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'KONTOAUSZUG', bgNummer: h.bgNummer } });
  expect(ok.res.status).toBe(303);
  const ergebnis = (await dok.result()) as DokumentErgebnis;
  expect(ergebnis).toMatchObject({ status: 'abgelegt', dokumentart: 'KONTOAUSZUG', bgNummer: h.bgNummer });
  expect(await world.connectors.eakte.find({ bgNummer: h.bgNummer, dokumentart: 'KONTOAUSZUG' })).toHaveLength(1);
  expect((await dok.query<DokumentZustand>('zustand')).entscheidungen.map((e) => e.wer)).toEqual(['postkorb']);
});

test('a real corrupt file in quarantine: listed with its reason, discarded by IT with a reason', async () => {
  const kaputt = Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n${'x'.repeat(300)} ${Date.now()}`);
  const input = speichereEingang(engine.cfg, kaputt, { fileName: 'kaputt.pdf' });
  const handle = await starteEingang(engine.client, engine.cfg, input, {});
  await warteAufStatus(handle, 'quarantaene');
  const grund = (await handle.query<DateiZustand>('zustand')).quarantaeneGrund!;
  expect(grund).toBeTruthy();

  const admin = await loggedIn('it-admin');
  const page = await eventually(async () => {
    const { text } = await admin.request('/quarantaene');
    return text.includes(`data-workflow-id="${handle.workflowId}"`) ? text : undefined;
  }, 'Datei in der Quarantäne');
  const zeile = new RegExp(`<tr data-workflow-id="${handle.workflowId}">[\\s\\S]*?</tr>`).exec(page)![0];
  expect(zeile).toContain('<td>PDF</td>');
  expect(zeile).toContain(`${kaputt.length} Byte`);
  expect(zeile).toMatch(/<td>\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr<\/td>/); // when it was taken: IT finds the scan by the time
  expect(zeile.replace(/&quot;/g, '"').replace(/&#39;/g, "'")).toContain(grund);

  const ok = await admin.request(`/quarantaene/${handle.workflowId}`, { form: { _csrf: csrfOf(page), aktion: 'verwerfen', grund: 'Datei beschädigt; neue Zusendung angefordert.' } });
  expect(ok.res.status).toBe(303);
  expect((await handle.result()) as DateiErgebnis).toMatchObject({ status: 'verworfen' });
});
