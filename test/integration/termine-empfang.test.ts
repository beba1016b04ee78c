/**
 * The staff side of the Online-Terminvergabe in the real console: the Empfang's day view
 * (Postkorb/Empfang), check-in with the data the Neuantrag needs (checked at the fields),
 * "nicht erschienen", the capacity settings for IT-Administration, refusals for other roles,
 * and the audit trail of every view and action.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { buildConsole } from '../../console/server';
import { auditFile, type AuditEntry } from '../../console/audit';
import { TerminDienst } from '../../activities/termine/dienst';
import { KapazitaetStore } from '../../activities/termine/kapazitaet';
import { pseudonymizerFuer, TerminSchluessel } from '../../activities/termine/schluessel';
import { schliesseTermineLaufzeit } from '../../activities/termine';
import { startMailSink, type RunningMailSink } from '../../connectors/mail/simulator';
import { STANDARD_KAPAZITAET, buchbareTage, type Kapazitaet } from '../../domain/termine';
import type { EincheckDaten, TerminErgebnis } from '../../domain/termine-vorgang';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, angemeldet, csrfOf } from '../helpers/http-agent';
import { TEST_PASSWORD, testStack } from '../helpers/env';

let engine: TestEngine;
let app: FastifyInstance;
let base: string;
let redis: Redis;
let sink: RunningMailSink;
let dienst: TerminDienst;
let dienstStandard: TerminDienst;
const neuantraege: EincheckDaten[] = [];

const KAP: Kapazitaet = {
  ...STANDARD_KAPAZITAET, mindestvorlaufMinuten: 0,
  standorte: [{ id: 'jc-empfang', name: 'Jobcenter Empfangstest', anschrift: 'Am Markt 1, 37073 Musterstadt', land: 'NI', slotMinuten: 30, personal: 2, oeffnungszeiten: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [{ von: '07:00', bis: '20:00' }]])), schliesstage: [], teamId: 'LE-S-AD' }],
};

const loggedIn = (username: string): Promise<Agent> => angemeldet(base, username, TEST_PASSWORD);

function audit(): AuditEntry[] {
  return fs.readFileSync(auditFile(engine.cfg), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
}

beforeAll(async () => {
  process.env.REDIS_URL = testStack().redisUrl;
  engine = await startTestEngine({}, {
    activities: {
      // the Fachverfahren and the E-Akte are proven in termine-vergabe.test.ts; here: what the Empfang sends
      terminLegeNeuantragAn: async (a: { daten: EincheckDaten }) => {
        neuantraege.push(a.daten);
        return { bgNummer: '96201BG0099999', kundennummer: '962A099999' };
      },
      terminLegeVorspracheAb: async () => ({ dokumentId: 'test' }),
    },
  });
  sink = await startMailSink({ port: 0, dir: path.join(engine.cfg.dataDir, 'mail') });
  process.env.MAIL_SMTP_URL = sink.url;
  KapazitaetStore.fuer(engine.cfg.dataDir).schreibe(KAP);
  redis = new Redis(testStack().redisUrl);
  const { codec } = codecFromConfig(engine.cfg);
  app = await buildConsole({ cfg: engine.cfg, temporal: engine.client, codec, redis, redisUrl: testStack().redisUrl, log: createLogger('termine-empfang-test', 'silent') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Bookings ahead that the Empfang checks in at once: its window opened wide (the default is proven below).
  dienst = new TerminDienst({
    temporal: engine.client, taskQueue: engine.cfg.temporal.taskQueue, redis, kapazitaet: KapazitaetStore.fuer(engine.cfg.dataDir),
    schluessel: new TerminSchluessel(pseudonymizerFuer(engine.cfg.dataDir)), publicUrl: base,
    policy: { eincheckenVorherMs: 400 * 86_400_000, nichtErschienenVorherMs: 400 * 86_400_000 },
  });
  dienstStandard = new TerminDienst({
    temporal: engine.client, taskQueue: engine.cfg.temporal.taskQueue, redis, kapazitaet: KapazitaetStore.fuer(engine.cfg.dataDir),
    schluessel: new TerminSchluessel(pseudonymizerFuer(engine.cfg.dataDir)), publicUrl: base,
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await engine?.stop();
  await schliesseTermineLaufzeit();
  await redis?.quit();
  await sink?.stop();
});

async function gebucht(name: string, index: number, mit = dienst): Promise<{ terminId: string; tag: string; uhrzeit: string }> {
  const tag = buchbareTage(KapazitaetStore.fuer(engine.cfg.dataDir).lies(), 'jc-empfang', Date.now())[1]!;
  const frei = await mit.freieZeiten('jc-empfang', tag);
  if (!frei.ok) throw new Error(frei.fehler);
  const slot = frei.slots[index]!;
  const r = await mit.reserviere('jc-empfang', tag, slot.uhrzeit, { name, email: 'empfang@example.org' });
  if (!r.ok) throw new Error(r.fehler);
  expect((await mit.bestaetige(r.terminId)).ok).toBe(true);
  return { terminId: r.terminId, tag, uhrzeit: slot.uhrzeit };
}

test('Tagesansicht am Empfang: einchecken (Angaben geprüft) → Neuantrag; nicht erschienen; alles im Audit-Protokoll', async () => {
  const a = await gebucht('Erika Mustermann', 0);
  const b = await gebucht('Jonas Fehlt', 2);
  const empfang = await loggedIn('postkorb');
  const liste = await eventually(async () => {
    const { res, text } = await empfang.request(`/termine?standort=jc-empfang&tag=${a.tag}`);
    expect(res.status).toBe(200);
    return text.includes('Jonas Fehlt') && text.includes('Erika Mustermann') ? text : undefined;
  }, 'day view with both appointments');
  expect(liste).toContain(`${a.uhrzeit}`);

  const formular = await empfang.request(`/termine/${a.terminId}/einchecken`);
  expect(formular.res.status).toBe(200);
  expect(formular.text).toContain('value="Mustermann"');
  const csrf = csrfOf(formular.text);
  const falsch = await empfang.request(`/termine/${a.terminId}/einchecken`, { form: { _csrf: csrf, vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '31.02.1985', strasse: 'Lange Straße', hausnummer: '7', plz: '3707', ort: 'Göttingen' } });
  expect(falsch.res.status).toBe(400);
  expect(falsch.text).toMatch(/id="geburtsdatum"[^>]*aria-invalid="true"/);
  expect(falsch.text).toContain('Postleitzahl mit fünf Ziffern');
  const ok = await empfang.request(`/termine/${a.terminId}/einchecken`, { form: { _csrf: csrf, vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '12.04.1985', strasse: 'Lange Straße', hausnummer: '7', plz: '37073', ort: 'Göttingen' } });
  expect(ok.res.status).toBe(200);
  expect(ok.text).toContain('Eingecheckt');
  const ergebnis = (await engine.client.workflow.getHandle(a.terminId).result()) as TerminErgebnis;
  expect(ergebnis).toEqual({ status: 'erledigt', neuantrag: { bgNummer: '96201BG0099999', kundennummer: '962A099999' } });
  expect(neuantraege).toEqual([{ vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1985-04-12', strasse: 'Lange Straße', hausnummer: '7', plz: '37073', ort: 'Göttingen', durch: 'postkorb' }]);

  const ne = await empfang.request(`/termine/${b.terminId}/nicht-erschienen`, { form: { _csrf: csrf, standort: 'jc-empfang', tag: b.tag } });
  expect(ne.res.status).toBe(200);
  expect(ne.text).toContain('nicht erschienen');
  expect((await dienst.zustand(b.terminId))?.status).toBe('nicht_erschienen');
  // without the session's CSRF token nothing happens
  const ohne = await empfang.request(`/termine/${a.terminId}/nicht-erschienen`, { form: { standort: 'jc-empfang', tag: b.tag } });
  expect(ohne.res.status).toBe(403);

  const aktionen = audit().filter((e) => e.actor === 'postkorb').map((e) => `${e.action}:${e.outcome}`);
  expect(aktionen).toEqual(expect.arrayContaining(['termine.ansehen:erfolg', 'termine.einchecken.ansehen:erfolg', 'termine.einchecken:erfolg', 'termine.nicht-erschienen:erfolg']));
  expect(JSON.stringify(audit())).not.toContain('Mustermann');
});

test('Ein Termin an einem späteren Tag: kein Einchecken, kein „nicht erschienen“ – weder angeboten noch angenommen', async () => {
  const t = await gebucht('Frida Morgen', 4, dienstStandard);
  const empfang = await loggedIn('postkorb');
  const tagDe = t.tag.split('-').reverse().join('.');
  const liste = await eventually(async () => {
    const { text } = await empfang.request(`/termine?standort=jc-empfang&tag=${tagDe}`); // typed as staff do
    return text.includes('Frida Morgen') ? text : undefined;
  }, 'day view with the later appointment');
  const zeile = liste.slice(liste.indexOf('Frida Morgen'), liste.indexOf('</tr>', liste.indexOf('Frida Morgen')));
  expect(zeile).toContain('Einchecken ab');
  expect(zeile).not.toContain('nicht-erschienen');
  expect(zeile).not.toContain(`/termine/${t.terminId}/einchecken"`);

  const formular = await empfang.request(`/termine/${t.terminId}/einchecken`); // typed in directly: no form, the reason
  expect(formular.text).not.toContain('Einchecken und Neuantrag anlegen');
  expect(formular.text).toMatch(/Einchecken ist erst ab \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr möglich/);
  const csrf = csrfOf(formular.text);
  const ein = await empfang.request(`/termine/${t.terminId}/einchecken`, { form: { _csrf: csrf, vorname: 'Frida', nachname: 'Morgen', geburtsdatum: '01.02.1990', strasse: 'Weender Straße', hausnummer: '1', plz: '37073', ort: 'Göttingen' } });
  expect(ein.res.status).toBe(409);
  expect(ein.text).toMatch(/Einchecken ist erst ab \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr möglich/);
  const ne = await empfang.request(`/termine/${t.terminId}/nicht-erschienen`, { form: { _csrf: csrf } }); // without the day: its own day is shown
  expect(ne.res.status).toBe(409);
  expect(ne.text).toContain('„Nicht erschienen“ ist erst ab');
  expect(ne.text).toContain('Frida Morgen');
  expect((await dienstStandard.zustand(t.terminId))?.status).toBe('bestaetigt');
  expect(neuantraege.some((n) => n.nachname === 'Morgen')).toBe(false);

  const falsch = await empfang.request('/termine?standort=jc-empfang&tag=31.02.2027');
  expect(falsch.text).toContain('„31.02.2027“ ist kein gültiger Tag');
});

test('Rollen: Sachbearbeitung sieht die Tagesansicht nicht; Kapazität nur für IT-Administration, geprüft und protokolliert', async () => {
  const sb = await loggedIn('sb-leistung');
  expect((await sb.request('/termine')).res.status).toBe(403);
  const empfang = await loggedIn('postkorb');
  expect((await empfang.request('/termine/kapazitaet')).res.status).toBe(403);

  const admin = await loggedIn('it-admin');
  const seite = await admin.request('/termine/kapazitaet');
  expect(seite.res.status).toBe(200);
  expect(seite.text).toContain('jc-empfang');
  const csrf = csrfOf(seite.text);
  const keinJson = await admin.request('/termine/kapazitaet', { form: { _csrf: csrf, kapazitaet: '{ kaputt' } });
  expect(keinJson.res.status).toBe(400);
  expect(keinJson.text).toContain('Kein gültiges JSON: Fehler in Zeile 1, Spalte 3.');
  const ungueltig = await admin.request('/termine/kapazitaet', { form: { _csrf: csrf, kapazitaet: JSON.stringify({ ...KAP, neuantragSlots: 0 }) } });
  expect(ungueltig.res.status).toBe(400);
  expect(ungueltig.text).toContain('neuantragSlots');
  // In German, with the place named as people count (QA: English zod messages, "standorte.0.personal").
  const falscheZahl = await admin.request('/termine/kapazitaet', { form: { _csrf: csrf, kapazitaet: JSON.stringify({ ...KAP, standorte: [{ ...KAP.standorte[0]!, personal: -1 }] }) } });
  expect(falscheZahl.res.status).toBe(400);
  expect(falscheZahl.text).toMatch(/standorte Nr\. 1 › personal: Zu klein/);
  expect(falscheZahl.text).not.toMatch(/Too small|expected/);
  expect(KapazitaetStore.fuer(engine.cfg.dataDir).lies().neuantragSlots).toBe(KAP.neuantragSlots);
  const neu = { ...KAP, neuantragSlots: 3, standorte: [{ ...KAP.standorte[0]!, schliesstage: ['2099-12-24'] }] };
  const gespeichert = await admin.request('/termine/kapazitaet', { form: { _csrf: csrf, kapazitaet: JSON.stringify(neu) } });
  expect(gespeichert.res.status).toBe(303);
  const lies = KapazitaetStore.fuer(engine.cfg.dataDir).lies();
  expect(lies.neuantragSlots).toBe(3);
  expect(lies.standorte[0]!.schliesstage).toEqual(['2099-12-24']);
  KapazitaetStore.fuer(engine.cfg.dataDir).schreibe(KAP);
  const wieder = await admin.request('/termine/kapazitaet/belegung', { form: { _csrf: csrf } });
  expect(wieder.res.status).toBe(200);
  expect(wieder.text).toMatch(/\d+ offene Termine geprüft, \d+ Belegungen gesetzt\./);
  const empfangCsrf = csrfOf((await empfang.request('/termine')).text);
  const verweigert = await empfang.request('/termine/kapazitaet/belegung', { form: { _csrf: empfangCsrf } });
  expect(verweigert.res.status).toBe(403);
  expect(verweigert.text).toContain('Ihre Rolle darf diese Seite nicht öffnen');
  expect(audit().some((e) => e.actor === 'it-admin' && e.action === 'termine.belegung.wiederherstellen' && e.outcome === 'erfolg')).toBe(true);
  const eintraege = audit().filter((e) => e.action === 'termine.kapazitaet.aendern').map((e) => `${e.actor}:${e.outcome}`);
  expect(eintraege).toEqual(['it-admin:abgelehnt', 'it-admin:abgelehnt', 'it-admin:abgelehnt', 'it-admin:erfolg']);
  expect(audit().some((e) => e.actor === 'sb-leistung' && e.action === 'zugriff.verweigert')).toBe(true);
});
