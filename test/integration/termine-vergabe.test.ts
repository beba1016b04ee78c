/**
 * Online-Terminvergabe end to end on the real stack: Temporal dev server, Redis (ledger, rate
 * limits), the simulators (SMTP sink, Fachverfahren, E-Akte), the public pages over HTTP.
 * Booking → confirmation e-mail with .ics and link; cancel via the link; wrong key refused;
 * reservation expiry; re-booking; no-show; check-in → Neuantrag in the Fachverfahren; parallel
 * requests for the last slot; bad input and a flood of requests.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { Redis } from 'ioredis';
import { createLogger } from '../../platform/logger';
import { startTestEngine, eventually, type TestEngine } from '../helpers/engine';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { testConfig, testStack } from '../helpers/env';
import { registerTerminePublic } from '../../console/termine-public';
import { TerminDienst } from '../../activities/termine/dienst';
import { TerminSchluessel, loesePow, pseudonymizerFuer } from '../../activities/termine/schluessel';
import { KapazitaetStore } from '../../activities/termine/kapazitaet';
import { Belegung } from '../../activities/termine/ledger';
import { schliesseTermineLaufzeit } from '../../activities/termine';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import { STANDARD_KAPAZITAET, buchbareTage, type Kapazitaet, type Standort } from '../../domain/termine';
import { terminBriefId, type TerminPerson, type TerminSlot, type TerminZustand } from '../../domain/termine-vorgang';
import { briefWorkflowId, NICHT_ABGELEGT_OHNE_BG, type BriefErgebnis } from '../../domain/zentraldruck';
import { ANNAHMESCHLUSS_SIGNAL, BRIEF_ZUSTAND_QUERY, type BriefZustand } from '../../domain/briefdruck';
import { aufgabeWorkflowId } from '../../domain/aufgabe';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ART } from '../../domain/search-attributes';
import type { RunningMailSink } from '../../connectors/mail/simulator';

// The tests check in and mark no-shows for appointments booked ahead: the Empfang's window opened wide.
const EMPFANG_JEDERZEIT = { eincheckenVorherMs: 400 * 86_400_000, nichtErschienenVorherMs: 400 * 86_400_000 };

let world: TestWorld;
let engine: TestEngine;
let redis: Redis;
let app: FastifyInstance;
let dienst: TerminDienst;
let sink: RunningMailSink;
let base: string;

interface Antwort { statusCode: number; body: string; headers: { location?: string } }

/** Real HTTP (fastify.inject does not load inside Jest's VM). */
async function http(b: string, o: { method?: string; url: string; payload?: string }): Promise<Antwort> {
  const res = await fetch(b + o.url, {
    method: o.method ?? 'GET', redirect: 'manual',
    ...(o.payload !== undefined ? { body: o.payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
  });
  return { statusCode: res.status, body: await res.text(), headers: { location: res.headers.get('location') ?? undefined } };
}
const inject = (o: { method?: string; url: string; payload?: string; headers?: unknown }) => http(base, o);

const ALLE_TAGE = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [{ von: '06:00', bis: '21:00' }]]));

function standort(id: string, personal = 2): Standort {
  return { id, name: `Teststandort ${id}`, anschrift: 'Am Markt 1, 37073 Musterstadt', land: 'NI', slotMinuten: 30, personal, oeffnungszeiten: ALLE_TAGE, schliesstage: [], teamId: 'LE-S-AD' };
}

const standorte: Standort[] = [];
function neuerStandort(personal = 2): Standort {
  const s = standort(`t-${randomBytes(4).toString('hex')}`, personal);
  standorte.push(s);
  const kap: Kapazitaet = { ...STANDARD_KAPAZITAET, mindestvorlaufMinuten: 0, buchungshorizontTage: 20, standorte: [...standorte] };
  const r = KapazitaetStore.fuer(engine.cfg.dataDir).schreibe(kap);
  if (!r.ok) throw new Error(r.fehler.join('; '));
  return s;
}

/** A day with free times for a location (tomorrow or later: nothing runs out during the test). */
async function freierSlot(s: Standort, index = 0): Promise<TerminSlot> {
  const kap = KapazitaetStore.fuer(engine.cfg.dataDir).lies();
  const tag = buchbareTage(kap, s.id, Date.now())[1]!;
  const frei = await dienst.freieZeiten(s.id, tag);
  if (!frei.ok || !frei.slots[index]) throw new Error('no free slot');
  return frei.slots[index];
}

const person = (o: Partial<TerminPerson> = {}): TerminPerson => ({ name: 'Erika Mustermann', email: `erika.${randomBytes(3).toString('hex')}@example.org`, ...o });

function mailsAn(adresse: string) {
  return sink.nachrichten().filter((m) => m.an.includes(adresse));
}

/** Decoded MIME parts of a raw message (base64 / quoted-printable / 7bit). */
function teile(roh: string): Array<{ typ: string; inhalt: string }> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(roh)?.[1];
  const stuecke = boundary ? roh.split(`--${boundary}`).slice(1, -1) : [roh];
  return stuecke.map((s) => {
    const i = s.indexOf('\r\n\r\n');
    const kopf = s.slice(0, i);
    let inhalt = s.slice(i + 4);
    if (/Content-Transfer-Encoding:\s*base64/i.test(kopf)) inhalt = Buffer.from(inhalt.replace(/\s+/g, ''), 'base64').toString('utf8');
    else if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(kopf)) inhalt = Buffer.from(inhalt.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    return { typ: /Content-Type:\s*([^;\r\n]+)/i.exec(kopf)?.[1]?.toLowerCase() ?? '', inhalt };
  });
}

/** With TERMIN_HISTORIEN=schreiben: saves the real history for replay.test.ts (after the workflow closed). */
async function speichereHistorie(id: string, name: string): Promise<void> {
  if (process.env.TERMIN_HISTORIEN !== 'schreiben') return;
  const h = engine.client.workflow.getHandle(id);
  await h.result().catch(() => undefined);
  const History = temporal.api.history.v1.History;
  const obj = { workflowId: id, ...History.toObject(History.fromObject(await h.fetchHistory()), { longs: String, enums: String, bytes: String }) };
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), JSON.stringify(obj, null, 1));
}

async function zustand(id: string): Promise<TerminZustand> {
  const z = await dienst.zustand(id);
  if (!z) throw new Error('no workflow');
  return z;
}

beforeAll(async () => {
  world = await startTestWorld(testConfig());
  sink = world.simulators.running.find((r) => r.spec.id === 'mail')!.sim as RunningMailSink;
  process.env.MAIL_SMTP_URL = sink.url;
  process.env.REDIS_URL = testStack().redisUrl;
  const poll = process.env.ZENTRALDRUCK_STATUS_POLL_S;
  const praefix = process.env.ZENTRALDRUCK_BATCH_PRAEFIX;
  process.env.ZENTRALDRUCK_STATUS_POLL_S = '5'; // the letter test follows its batch to the post
  // Own day batch: other test files on the shared dev server use the default batch id of the day.
  process.env.ZENTRALDRUCK_BATCH_PRAEFIX = `termintest${Date.now().toString(36)}`;
  engine = await startTestEngine({}, { connectors: world.connectors });
  if (poll === undefined) delete process.env.ZENTRALDRUCK_STATUS_POLL_S;
  else process.env.ZENTRALDRUCK_STATUS_POLL_S = poll;
  if (praefix === undefined) delete process.env.ZENTRALDRUCK_BATCH_PRAEFIX;
  else process.env.ZENTRALDRUCK_BATCH_PRAEFIX = praefix;
  redis = new Redis(testStack().redisUrl);
  app = Fastify();
  await app.register(fastifyFormbody);
  dienst = registerTerminePublic(app, {
    temporal: engine.client, redis, dataDir: engine.cfg.dataDir, taskQueue: engine.cfg.temporal.taskQueue, publicUrl: 'http://termine.test', log: createLogger('t', 'silent'),
    config: { policy: { reservierungMs: 60_000, ...EMPFANG_JEDERZEIT }, powBits: 4, bedenkzeitMs: 0, rate: { fensterS: 600, seiten: 1000, reservierungen: 1000, fehlversuche: 1000 } },
  }).dienst;
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await engine?.stop();
  await schliesseTermineLaufzeit();
  await redis?.quit();
  await world?.stop();
  await beendePdfLeser(); // the letter's preflight reads PDFs in a worker thread
});

async function bucheUndBestaetige(s: Standort, p: TerminPerson, index = 0) {
  const slot = await freierSlot(s, index);
  const r = await dienst.reserviere(s.id, slot.tag, slot.uhrzeit, p);
  if (!r.ok) throw new Error(r.fehler);
  const a = await dienst.bestaetige(r.terminId);
  expect(a.ok).toBe(true);
  return { ...r, slot };
}

test('Buchung über die Seiten → bestätigt; Bestätigungs-E-Mail mit .ics, Unterlagen und Link mit Prozess-ID und Schlüssel', async () => {
  const s = neuerStandort();
  const slot = await freierSlot(s);
  const email = `anna.${randomBytes(3).toString('hex')}@example.org`;
  // A time never offered (typed into the address) is called that, not "just booked by someone else".
  for (const uhrzeit of ['10:07', '25:00']) {
    const nie = await inject({ method: 'GET', url: `/termin/angaben?standort=${s.id}&tag=${slot.tag}&uhrzeit=${uhrzeit}` });
    expect(nie.body).toContain('Diese Uhrzeit wird an diesem Tag nicht angeboten.');
    expect(nie.body).not.toContain('gebucht');
  }
  const angaben = await inject({ method: 'GET', url: `/termin/angaben?standort=${s.id}&tag=${slot.tag}&uhrzeit=${slot.uhrzeit}` });
  expect(angaben.statusCode).toBe(200);
  const formular = /name="formular" value="([^"]+)"/.exec(angaben.body)![1]!;
  const res = await inject({
    method: 'POST', url: '/termin/reservieren',
    payload: new URLSearchParams({ standort: s.id, tag: slot.tag, uhrzeit: slot.uhrzeit, formular, name: 'Anna Öztürk', email, einwilligung: 'ja' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.statusCode).toBe(303);
  const m = /^\/termin\/bestaetigen\/(termin-[0-9a-f]{24})\?k=([a-z2-9]{10})$/.exec(res.headers.location as string);
  expect(m).not.toBeNull();
  const [, id, key] = m!;
  expect((await zustand(id!)).status).toBe('reserviert');
  // the slot is held: with 2 staff, one more booking fits, then it is full
  const seite = await inject({ method: 'GET', url: res.headers.location as string });
  expect(seite.body).toContain('Termin verbindlich buchen');
  const challenge = /data-pow-challenge="([0-9a-f]+)"/.exec(seite.body)![1]!;
  const best = await inject({ method: 'POST', url: `/termin/bestaetigen/${id}`, payload: `k=${key}&pow=${loesePow(challenge, 4)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(best.statusCode).toBe(303);
  expect(best.headers.location).toBe(`/termin/vorgang/${id}?k=${key}&gebucht=1`);
  expect((await zustand(id!)).status).toBe('bestaetigt');

  const [mail] = await eventually(async () => { const x = mailsAn(email); return x.length ? x : undefined; }, 'confirmation mail');
  const parts = teile(mail!.roh);
  const text = parts.find((p) => p.typ === 'text/plain')!.inhalt;
  expect(text).toContain('Bitte bringen Sie mit');
  expect(text).toContain('Personalausweis');
  expect(text).toContain(`http://termine.test/termin/vorgang/${id}?k=${key}`);
  const ics = parts.find((p) => p.typ === 'text/calendar')!.inhalt;
  expect(ics).toContain('BEGIN:VCALENDAR');
  expect(ics).toContain(`UID:${id}@aktenlauf`);
  expect(ics).toContain(`DTSTART:${new Date(slot.beginnMs).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`);
  // no personal data in the workflow id or search attributes
  const desc = await engine.client.workflow.getHandle(id!).describe();
  expect(JSON.stringify(desc.typedSearchAttributes)).not.toMatch(/Anna|Öztürk|example\.org/);
});

test('Absage über den Link gibt den Platz sofort frei; Absage-E-Mail; falscher oder geratener Schlüssel wird einheitlich abgelehnt', async () => {
  const s = neuerStandort(1);
  const p = person();
  const b = await bucheUndBestaetige(s, p);
  expect((await dienst.freieZeiten(s.id, b.slot.tag) as { slots: TerminSlot[] }).slots.map((x) => x.uhrzeit)).not.toContain(b.slot.uhrzeit);

  const falsch = await inject({ method: 'POST', url: `/termin/vorgang/${b.terminId}/absagen`, payload: 'k=aaaaaaaaaa', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const unbekannt = await inject({ method: 'GET', url: `/termin/vorgang/termin-${'0'.repeat(24)}?k=${b.key}` });
  expect(falsch.statusCode).toBe(404);
  expect(unbekannt.statusCode).toBe(404);
  expect(falsch.body.replace(/\s+/g, ' ')).toBe(unbekannt.body.replace(/\s+/g, ' '));
  expect((await zustand(b.terminId)).status).toBe('bestaetigt');

  // One click asks first: nothing is cancelled yet.
  const frage = await inject({ method: 'POST', url: `/termin/vorgang/${b.terminId}/absagen`, payload: `k=${b.key}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(frage.statusCode).toBe(200);
  expect(frage.body).toContain('Termin wirklich absagen?');
  expect(frage.body).toContain('name="sicher" value="ja"');
  expect((await zustand(b.terminId)).status).toBe('bestaetigt');
  const ok = await inject({ method: 'POST', url: `/termin/vorgang/${b.terminId}/absagen`, payload: `k=${b.key}&sicher=ja`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(ok.statusCode).toBe(303);
  expect((await zustand(b.terminId)).status).toBe('abgesagt');
  const frei = await dienst.freieZeiten(s.id, b.slot.tag);
  expect(frei.ok && frei.slots.map((x) => x.uhrzeit)).toContain(b.slot.uhrzeit);
  await eventually(async () => mailsAn(p.email!).some((m) => /abgesagt/.test(teile(m.roh).map((t) => t.inhalt).join('\n'))), 'cancellation mail');
  await speichereHistorie(b.terminId, 'terminvergabe-abgesagt');
});

test('Reservierung läuft ab: Platz wieder frei, spätere Bestätigung wird abgelehnt, nichts gebucht', async () => {
  const s = neuerStandort(1);
  const slot = await freierSlot(s);
  const kurz = new TerminDienst({
    temporal: engine.client, taskQueue: engine.cfg.temporal.taskQueue, redis, kapazitaet: KapazitaetStore.fuer(engine.cfg.dataDir),
    schluessel: new TerminSchluessel(pseudonymizerFuer(engine.cfg.dataDir)), publicUrl: 'http://termine.test', policy: { reservierungMs: 1500 },
  });
  const r = await kurz.reserviere(s.id, slot.tag, slot.uhrzeit, person());
  if (!r.ok) throw new Error(r.fehler);
  const voll = await dienst.freieZeiten(s.id, slot.tag);
  expect(voll.ok && voll.slots.map((x) => x.uhrzeit)).not.toContain(slot.uhrzeit);
  await eventually(async () => (await zustand(r.terminId)).status === 'abgelaufen', 'expired');
  const frei = await dienst.freieZeiten(s.id, slot.tag);
  expect(frei.ok && frei.slots.map((x) => x.uhrzeit)).toContain(slot.uhrzeit);
  const a = await dienst.bestaetige(r.terminId);
  expect(a.ok).toBe(false);
  await speichereHistorie(r.terminId, 'terminvergabe-abgelaufen');
});

test('Umbuchen über den Link: neuer Platz belegt, alter frei, neue Bestätigung', async () => {
  const s = neuerStandort(1);
  const p = person();
  const b = await bucheUndBestaetige(s, p, 0);
  const ziel = await freierSlot(s, 4);
  const res = await inject({ method: 'POST', url: `/termin/vorgang/${b.terminId}/umbuchen`, payload: `k=${b.key}&tag=${ziel.tag}&uhrzeit=${ziel.uhrzeit}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(res.statusCode).toBe(303);
  const z = await zustand(b.terminId);
  expect(z.slot.uhrzeit).toBe(ziel.uhrzeit);
  const frei = await dienst.freieZeiten(s.id, ziel.tag);
  const uhrzeiten = frei.ok ? frei.slots.map((x) => x.uhrzeit) : [];
  expect(uhrzeiten).toContain(b.slot.uhrzeit);
  expect(uhrzeiten).not.toContain(ziel.uhrzeit);
  await eventually(async () => mailsAn(p.email!).some((m) => /Ihr Termin wurde verschoben/.test(teile(m.roh).map((t) => t.inhalt).join())), 'rebooking mail');
});

function dienstMit(policy: ConstructorParameters<typeof TerminDienst>[0]['policy']): TerminDienst {
  return new TerminDienst({
    temporal: engine.client, taskQueue: engine.cfg.temporal.taskQueue, redis, kapazitaet: KapazitaetStore.fuer(engine.cfg.dataDir),
    schluessel: new TerminSchluessel(pseudonymizerFuer(engine.cfg.dataDir)), publicUrl: 'http://termine.test', policy,
  });
}

test('Erinnerung vor dem Termin (Vorlauf aus der Policy) per E-Mail mit Kalenderdatei', async () => {
  const s = neuerStandort();
  const slot = await freierSlot(s);
  const d = dienstMit({ erinnerungVorherMs: slot.beginnMs - Date.now() - 2500 });
  const p = person();
  const r = await d.reserviere(s.id, slot.tag, slot.uhrzeit, p);
  if (!r.ok) throw new Error(r.fehler);
  expect((await d.bestaetige(r.terminId)).ok).toBe(true);
  await eventually(async () => mailsAn(p.email!).some((m) => teile(m.roh).some((t) => t.inhalt.includes('wir erinnern Sie an Ihren Termin'))), 'reminder mail');
  expect((await zustand(r.terminId)).erinnert).toBe(true);
});

test('Ohne E-Mail-Adresse geht die Bestätigung als Brief an den Zentraldruck', async () => {
  const s = neuerStandort();
  const b = await bucheUndBestaetige(s, { name: 'Max Muster', anschrift: { strasse: 'Am Markt 2', plz: '37073', ort: 'Göttingen' } });
  const briefId = briefWorkflowId(terminBriefId(b.terminId, 'bestaetigung', 0));
  const desc = await eventually(async () => {
    const d = await engine.client.workflow.getHandle(briefId).describe().catch(() => undefined);
    return d?.typedSearchAttributes.get(ART) ? d : undefined;
  }, 'letter workflow');
  expect(desc.type).toBe('zentraldruckBrief');
  expect(desc.typedSearchAttributes.get(ART)).toBe('TERMIN_BESTAETIGUNG');
  expect(mailsAn('max@example.org')).toHaveLength(0);
  // No BG-Nummer yet (Neuantrag): the letter is posted and not filed; nobody has to act.
  const brief = engine.client.workflow.getHandle(briefId);
  const z = await eventually(async () => {
    const q = await brief.query<BriefZustand>(BRIEF_ZUSTAND_QUERY);
    return q.status === 'wartet_auf_batch' ? q : undefined;
  }, 'letter waits for its batch', 45_000);
  expect(z.batchWorkflowId).toMatch(/^termintest/);
  await engine.client.workflow.getHandle(z.batchWorkflowId!).signal(ANNAHMESCHLUSS_SIGNAL);
  const r = (await brief.result()) as BriefErgebnis;
  expect(r).toMatchObject({ status: 'versendet', eakteDokumentId: '', hinweis: NICHT_ABGELEGT_OHNE_BG });
  await expect(engine.client.workflow.getHandle(aufgabeWorkflowId(briefId, 'DRUCK_ABGELEHNT')).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  expect((await brief.query<BriefZustand>(BRIEF_ZUSTAND_QUERY)).aufgabeWorkflowId).toBeUndefined();
}, 120_000);

test('Nicht erschienen: Platz frei, freundliche Einladung zur neuen Buchung', async () => {
  const s = neuerStandort(1);
  const p = person();
  const b = await bucheUndBestaetige(s, p);
  const a = await dienst.nichtErschienen(b.terminId);
  expect(a.ok).toBe(true);
  expect((await zustand(b.terminId)).status).toBe('nicht_erschienen');
  const frei = await dienst.freieZeiten(s.id, b.slot.tag);
  expect(frei.ok && frei.slots.map((x) => x.uhrzeit)).toContain(b.slot.uhrzeit);
  await eventually(async () => mailsAn(p.email!).some((m) => teile(m.roh).some((t) => t.inhalt.includes('buchen Sie bitte einen neuen Termin'))), 'invitation mail');
  await speichereHistorie(b.terminId, 'terminvergabe-nicht-erschienen');
});

test('Einchecken am Empfang → Neuantrag im Fachverfahren-Simulator und erstes Dokument der E-Akte', async () => {
  const s = neuerStandort();
  const b = await bucheUndBestaetige(s, person());
  const a = await dienst.checkIn(b.terminId, { vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1985-04-12', strasse: 'Lange Straße', hausnummer: '7', plz: '37073', ort: 'Göttingen', durch: 'empfang1' });
  expect(a.ok).toBe(true);
  const ergebnis = await engine.client.workflow.getHandle(b.terminId).result();
  expect(ergebnis.status).toBe('erledigt');
  const neu = ergebnis.neuantrag!;
  expect(neu.bgNummer).toMatch(/^\d{5}BG\d{7}$/);
  const haushalt = await eventually(async () => (await world.connectors.fachverfahren.findeHaushalt({ bgNummer: neu.bgNummer })) ?? undefined, 'household in the Fachverfahren', 30000);
  expect(haushalt.personen.some((x) => x.nachname === 'Mustermann' && x.geburtsdatum === '1985-04-12')).toBe(true);
  const dokumente = await eventually(async () => {
    const d = await world.connectors.eakte.find({ bgNummer: neu.bgNummer });
    return d.length ? d : undefined;
  }, 'E-Akte document', 30000);
  expect(dokumente[0]!.metadaten.betreff).toBe('Vorsprache zur Antragstellung');
  await speichereHistorie(b.terminId, 'terminvergabe-erledigt');
}, 90_000);

test('Zwei (und zehn) gleichzeitige Anfragen auf den letzten Platz: genau eine gewinnt', async () => {
  const s = neuerStandort(1);
  const slot = await freierSlot(s);
  const zwei = await Promise.all([0, 1].map(() => dienst.reserviere(s.id, slot.tag, slot.uhrzeit, person())));
  expect(zwei.filter((r) => r.ok)).toHaveLength(1);
  expect(zwei.filter((r) => !r.ok).map((r) => !r.ok && r.fehler)).toEqual(['BELEGT']);
  // overlapping starts (the Neuantrag takes two units): 10 requests on the neighbouring slots
  const nachbarn = await dienst.freieZeiten(s.id, slot.tag);
  const naechste = (nachbarn.ok ? nachbarn.slots : []).find((x) => x.einheiten[0] === slot.einheiten[1] || x.einheiten.includes(slot.einheiten[1]!));
  expect(naechste).toBeUndefined(); // the overlapping start is not offered any more
  const zehn = await Promise.all(Array.from({ length: 10 }, () => dienst.reserviere(s.id, slot.tag, slot.uhrzeit, person())));
  expect(zehn.filter((r) => r.ok)).toHaveLength(0);
  const belegt = await new Belegung(redis).belegungen(s.id, slot.tag);
  expect(new Set(belegt.values()).size).toBe(1);
});

test('Redis verloren: die Belegung wird aus den Terminvorgängen wiederhergestellt', async () => {
  const s = neuerStandort(1);
  const b = await bucheUndBestaetige(s, person());
  const keys = await redis.keys(`termine:einheit:${s.id}:*`);
  expect(keys).toHaveLength(2);
  await redis.del(...keys);
  const vorher = await dienst.freieZeiten(s.id, b.slot.tag);
  expect(vorher.ok && vorher.slots.map((x) => x.uhrzeit)).toContain(b.slot.uhrzeit); // the danger
  const r = await eventually(async () => {
    const x = await dienst.ledgerWiederherstellen();
    return (await redis.exists(...keys)) === 2 ? x : undefined;
  }, 'ledger rebuilt');
  expect(r.konflikte).toEqual([]);
  const nachher = await dienst.freieZeiten(s.id, b.slot.tag);
  expect(nachher.ok && nachher.slots.map((x) => x.uhrzeit)).not.toContain(b.slot.uhrzeit);
  expect((await dienst.reserviere(s.id, b.slot.tag, b.slot.uhrzeit, person())).ok).toBe(false);
});

describe('Falsche Eingaben: klare Meldungen, nichts gebucht', () => {
  const post = (payload: Record<string, string>) =>
    inject({ method: 'POST', url: '/termin/reservieren', payload: new URLSearchParams(payload).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  async function formular(s: Standort, slot: TerminSlot): Promise<string> {
    const r = await inject({ method: 'GET', url: `/termin/angaben?standort=${s.id}&tag=${slot.tag}&uhrzeit=${slot.uhrzeit}` });
    return /name="formular" value="([^"]+)"/.exec(r.body)![1]!;
  }

  test('Termin in der Vergangenheit, geschlossener Tag, überlanger Name, Skript im Namen', async () => {
    const s = neuerStandort(1);
    const slot = await freierSlot(s);
    const f = await formular(s, slot);
    const basis = { standort: s.id, tag: slot.tag, uhrzeit: slot.uhrzeit, formular: f, name: 'Max Muster', email: 'max@example.org', einwilligung: 'ja' };

    const vergangen = await post({ ...basis, tag: '2020-01-06', uhrzeit: '09:00' });
    expect(vergangen.statusCode).toBe(400);
    expect(vergangen.body).toContain('in der Vergangenheit');

    standorte.splice(standorte.indexOf(s), 1, { ...s, schliesstage: [slot.tag] });
    KapazitaetStore.fuer(engine.cfg.dataDir).schreibe({ ...STANDARD_KAPAZITAET, mindestvorlaufMinuten: 0, buchungshorizontTage: 20, standorte: [...standorte] });
    const zu = await post(basis);
    expect(zu.statusCode).toBe(400);
    expect(zu.body).toContain('geschlossen');
    standorte.splice(standorte.findIndex((x) => x.id === s.id), 1, s);
    KapazitaetStore.fuer(engine.cfg.dataDir).schreibe({ ...STANDARD_KAPAZITAET, mindestvorlaufMinuten: 0, buchungshorizontTage: 20, standorte: [...standorte] });

    const lang = await post({ ...basis, name: 'A'.repeat(300) });
    expect(lang.statusCode).toBe(400);
    expect(lang.body).toContain('Der Name ist zu lang');
    expect(lang.body).toMatch(/id="name"[^>]*aria-describedby="name-fehler"[^>]*aria-invalid="true"/);

    const skript = await post({ ...basis, name: '<script>alert("x")</script>' });
    expect(skript.statusCode).toBe(400);
    expect(skript.body).not.toContain('<script>alert');
    expect(skript.body).toContain('&lt;script&gt;');
    expect(skript.body).toContain('nur Buchstaben');

    const belegt = await new Belegung(redis).belegungen(s.id, slot.tag);
    expect(belegt.size).toBe(0);
    const frei = await dienst.freieZeiten(s.id, slot.tag);
    expect(frei.ok && frei.slots.map((x) => x.uhrzeit)).toContain(slot.uhrzeit);
  });

  test('Flut von Anfragen: nach der Grenze 429 mit Hinweis; Fehlversuche mit Schlüsseln ebenso; keine IP gespeichert', async () => {
    const flutApp = Fastify();
    await flutApp.register(fastifyFormbody);
    registerTerminePublic(flutApp, {
      temporal: engine.client, redis, dataDir: testConfig().dataDir, taskQueue: engine.cfg.temporal.taskQueue, publicUrl: 'http://termine.test', log: createLogger('t', 'silent'),
      config: { policy: {}, powBits: 4, bedenkzeitMs: 0, rate: { fensterS: 600, seiten: 30, reservierungen: 2, fehlversuche: 5 } },
    });
    await flutApp.listen({ host: '::', port: 0 });
    const port = (flutApp.server.address() as AddressInfo).port;
    const v4 = `http://127.0.0.1:${port}`;
    const v6 = `http://[::1]:${port}`;
    try {
      const codes: number[] = [];
      for (let i = 0; i < 12; i += 1) codes.push((await http(v4, { url: `/termin/vorgang/termin-${'1'.repeat(24)}?k=${'a'.repeat(10)}` })).statusCode);
      expect(codes.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
      // the same answer for a known id with a wrong key: nothing to learn

      expect(codes.slice(5).every((c) => c === 429)).toBe(true);
      const seiten: number[] = [];
      for (let i = 0; i < 35; i += 1) seiten.push((await http(v6, { url: '/termin' })).statusCode);
      expect(seiten.filter((c) => c === 429).length).toBe(5);
      const zuViele = await http(v6, { url: '/termin' });
      expect(zuViele.body).toContain('Bitte warten Sie');
      // another client (IPv4 here, its 12 requests were wrong links: still within 30 pages) is not affected
      expect((await http(v4, { url: '/termin' })).statusCode).toBe(200);
      const keys = await redis.keys('termine:rate:*');
      expect(keys.join(' ')).not.toMatch(/127\.0\.0\.1|::1/);
      for (const k of keys.slice(0, 5)) expect(await redis.ttl(k)).toBeGreaterThan(0);
    } finally {
      await flutApp.close();
    }
  });
});
