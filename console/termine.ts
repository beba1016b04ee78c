/**
 * Console pages of the Online-Terminvergabe for staff: the Empfang's day view per location
 * (check-in with the data the Neuantrag needs, no-show) for Postkorb/Empfang and Leitung, and
 * the capacity settings for IT-Administration. Every view of the day list (names) and every
 * action lands in the audit trail; actions go to the appointment's workflow as updates.
 */
import { berlinZeitpunktText } from '../domain/zeit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { DateTime } from 'luxon';
import { istGueltigerTag } from '../domain/termine';
import type { TerminDienst } from '../activities/termine/dienst';
import { KapazitaetStore } from '../activities/termine/kapazitaet';
import { TERMIN_ID } from '../activities/termine/schluessel';
import type { AuditEvent } from './audit';
import { PAGES, type Role } from './roles';
import { eincheckPage, empfangPage, kapazitaetPage, type EincheckWerte } from './views/termine';

export interface TermineSeitenContext {
  dienst: TerminDienst;
  dataDir: string;
  record(event: AuditEvent): Promise<void>;
  requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
  refuse(req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply;
  sendHtml(reply: FastifyReply, status: number, page: string): FastifyReply;
}

const heute = () => DateTime.now().setZone('Europe/Berlin').toFormat('yyyy-MM-dd');

/** The day field as staff type it (TT.MM.JJJJ, also JJJJ-MM-TT from links); empty = today. */
export function tagAusEingabe(roh: unknown): { tag: string } | { fehler: string } {
  const t = typeof roh === 'string' ? roh.trim() : '';
  if (t === '') return { tag: heute() };
  if (istGueltigerTag(t)) return { tag: t };
  const d = /^\d{1,2}\.\d{1,2}\.\d{4}$/.test(t) ? DateTime.fromFormat(t, 'd.M.yyyy', { zone: 'Europe/Berlin' }) : undefined;
  if (d?.isValid) return { tag: d.toFormat('yyyy-MM-dd') };
  return { fehler: `„${String(roh).trim().slice(0, 20)}“ ist kein gültiger Tag. Bitte als TT.MM.JJJJ eingeben, z. B. ${DateTime.now().setZone('Europe/Berlin').toFormat('dd.MM.yyyy')}. Angezeigt wird heute.` };
}

export function pruefeEincheck(w: EincheckWerte): { fehler: Partial<Record<keyof EincheckWerte, string>>; geburtsdatum?: string } {
  const fehler: Partial<Record<keyof EincheckWerte, string>> = {};
  const name = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]{0,79}$/u;
  if (!w.vorname || !name.test(w.vorname)) fehler.vorname = 'Vorname fehlt oder enthält unzulässige Zeichen.';
  if (!w.nachname || !name.test(w.nachname)) fehler.nachname = 'Nachname fehlt oder enthält unzulässige Zeichen.';
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(w.geburtsdatum ?? '');
  const d = m ? DateTime.fromObject({ year: Number(m[3]), month: Number(m[2]), day: Number(m[1]) }, { zone: 'UTC' }) : null;
  if (!d || !d.isValid || d.year < 1900) fehler.geburtsdatum = 'Bitte das Geburtsdatum als TT.MM.JJJJ eingeben.';
  else if (d.toMillis() > Date.now()) fehler.geburtsdatum = 'Das Geburtsdatum liegt in der Zukunft.';
  if (!w.strasse) fehler.strasse = 'Straße fehlt.';
  else if (w.strasse.length > 100 || /[<>]/.test(w.strasse)) fehler.strasse = 'Straße: höchstens 100 Zeichen, ohne < und >.';
  if (!w.hausnummer) fehler.hausnummer = 'Hausnummer fehlt.';
  else if (!/^[0-9A-Za-z /-]{1,10}$/.test(w.hausnummer)) fehler.hausnummer = 'Hausnummer: höchstens 10 Zeichen (Ziffern, Buchstaben, / und -).';
  if (!/^\d{5}$/.test(w.plz ?? '')) fehler.plz = 'Postleitzahl mit fünf Ziffern.';
  // Place names carry brackets and slashes: "Halle (Saale)", "Frankfurt (Oder)", "Lutherstadt Wittenberg".
  if (!w.ort) fehler.ort = 'Ort fehlt.';
  else if (!/^[\p{L}\p{M}][\p{L}\p{M}\d .'’()/-]{0,79}$/u.test(w.ort)) fehler.ort = 'Ort enthält unzulässige Zeichen oder ist länger als 80 Zeichen.';
  return { fehler, ...(d && d.isValid ? { geburtsdatum: d.toFormat('yyyy-MM-dd') } : {}) };
}

/** Where the JSON breaks, as a line and column people can find (V8 names a character position in English). */
export function jsonFehlerText(roh: string, err: Error): string {
  const pos = /position (\d+)/.exec(err.message);
  if (!pos) return 'Kein gültiges JSON: Der Text ist unvollständig oder leer. Bitte Klammern, Kommas und Anführungszeichen prüfen.';
  const vorher = roh.slice(0, Number(pos[1]));
  const zeile = vorher.split('\n').length;
  const spalte = vorher.length - vorher.lastIndexOf('\n');
  return `Kein gültiges JSON: Fehler in Zeile ${zeile}, Spalte ${spalte}. Bitte Kommas, Anführungszeichen und Klammern dort prüfen.`;
}

export function registerTermineSeiten(app: FastifyInstance, ctx: TermineSeitenContext): void {
  const empfang = PAGES.termine.roles;
  const kapazitaet = KapazitaetStore.fuer(ctx.dataDir);
  const body = (req: FastifyRequest) => (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.trim().replace(/\s+/g, ' ').slice(0, 120) : '');

  async function tagesansicht(req: FastifyRequest, reply: FastifyReply, standortId: unknown, tagRoh: unknown, meldung?: { art: 'erfolg' | 'meldung'; text: string }, status = 200) {
    const { user, session } = req.auth!;
    const standorte = ctx.dienst.kapazitaet().standorte;
    const standort = standorte.find((s) => s.id === standortId) ?? standorte[0]!;
    const eingabe = tagAusEingabe(tagRoh);
    const tag = 'tag' in eingabe ? eingabe.tag : heute();
    let zeilen: Awaited<ReturnType<TerminDienst['tagesliste']>> = [];
    let fehler: string | undefined;
    if ('fehler' in eingabe) meldung ??= { art: 'meldung', text: eingabe.fehler };
    try {
      zeilen = await ctx.dienst.tagesliste(standort.id, tag);
    } catch (err) {
      req.log.error({ err: (err as Error).message }, 'console: termine day view failed');
      fehler = 'Die Termine können gerade nicht gelesen werden: Die Abfrage bei Temporal ist fehlgeschlagen.';
    }
    await ctx.record({ actor: user.username, role: user.role, action: 'termine.ansehen', target: `${standort.id} ${tag} (${zeilen.length} Termine)`, outcome: fehler ? 'fehler' : 'erfolg' });
    return ctx.sendHtml(reply, fehler ? 503 : status, empfangPage({ user, csrf: session.csrf, standorte, standortId: standort.id, tag, zeilen, meldung, fehler, darfKapazitaet: PAGES.terminKapazitaet.roles.includes(user.role as never), jetztMs: Date.now() }));
  }

  app.get(PAGES.termine.path, { preHandler: ctx.requireRole(...empfang) }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    return tagesansicht(req, reply, q.standort, q.tag);
  });

  app.get('/termine/:id/einchecken', { preHandler: ctx.requireRole(...empfang) }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { user, session } = req.auth!;
    if (!TERMIN_ID.test(id)) return ctx.refuse(req, reply, 404, 'Diesen Termin gibt es nicht.');
    const z = await ctx.dienst.zustand(id);
    if (!z) return ctx.refuse(req, reply, 404, 'Diesen Termin gibt es nicht.');
    if (z.eincheckenAbMs !== undefined && Date.now() < z.eincheckenAbMs) {
      // Not yet: the day of the appointment with the reason, not a form that would be refused.
      return tagesansicht(req, reply, z.slot.standortId, z.slot.tag, { art: 'meldung', text: `Einchecken ist erst ab ${berlinZeitpunktText(z.eincheckenAbMs)} möglich.` });
    }
    await ctx.record({ actor: user.username, role: user.role, action: 'termine.einchecken.ansehen', target: id, outcome: 'erfolg' });
    const teile = z.name.split(' ');
    return ctx.sendHtml(reply, 200, eincheckPage({ user, csrf: session.csrf, terminId: id, zustand: z, werte: { vorname: teile.slice(0, -1).join(' '), nachname: teile.at(-1) }, fehler: {} }));
  });

  app.post('/termine/:id/einchecken', { preHandler: ctx.requireRole(...empfang) }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { user, session } = req.auth!;
    if (!TERMIN_ID.test(id)) return ctx.refuse(req, reply, 404, 'Diesen Termin gibt es nicht.');
    const z = await ctx.dienst.zustand(id);
    if (!z) return ctx.refuse(req, reply, 404, 'Diesen Termin gibt es nicht.');
    const b = body(req);
    const werte: EincheckWerte = { vorname: str(b.vorname), nachname: str(b.nachname), geburtsdatum: str(b.geburtsdatum), strasse: str(b.strasse), hausnummer: str(b.hausnummer), plz: str(b.plz), ort: str(b.ort) };
    const p = pruefeEincheck(werte);
    if (Object.keys(p.fehler).length || !p.geburtsdatum) return ctx.sendHtml(reply, 400, eincheckPage({ user, csrf: session.csrf, terminId: id, zustand: z, werte, fehler: p.fehler }));
    const a = await ctx.dienst.checkIn(id, { vorname: werte.vorname!, nachname: werte.nachname!, geburtsdatum: p.geburtsdatum, strasse: werte.strasse!, hausnummer: werte.hausnummer!, plz: werte.plz!, ort: werte.ort!, durch: user.username });
    await ctx.record({ actor: user.username, role: user.role, action: 'termine.einchecken', target: id, outcome: a.ok ? 'erfolg' : 'abgelehnt' });
    return tagesansicht(req, reply, z.slot.standortId, z.slot.tag, a.ok ? { art: 'erfolg', text: `Eingecheckt (${z.slot.uhrzeit} Uhr). Der Neuantrag wird im Fachverfahren angelegt.` } : { art: 'meldung', text: a.meldung }, a.ok ? 200 : 409);
  });

  app.post('/termine/:id/nicht-erschienen', { preHandler: ctx.requireRole(...empfang) }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { user } = req.auth!;
    if (!TERMIN_ID.test(id)) return ctx.refuse(req, reply, 404, 'Diesen Termin gibt es nicht.');
    const b = body(req);
    const a = await ctx.dienst.nichtErschienen(id);
    await ctx.record({ actor: user.username, role: user.role, action: 'termine.nicht-erschienen', target: id, outcome: a.ok ? 'erfolg' : 'abgelehnt' });
    // The day the form came from; without it (a request typed by hand) the appointment's own day.
    const termin = str(b.tag) && str(b.standort) ? undefined : await ctx.dienst.zustand(id);
    return tagesansicht(req, reply, str(b.standort) || termin?.slot.standortId, str(b.tag) || termin?.slot.tag, a.ok ? { art: 'erfolg', text: 'Als „nicht erschienen“ vermerkt. Der Termin ist freigegeben; die Person wird freundlich eingeladen, neu zu buchen.' } : { art: 'meldung', text: a.meldung }, a.ok ? 200 : 409);
  });

  app.get(PAGES.terminKapazitaet.path, { preHandler: ctx.requireRole(...PAGES.terminKapazitaet.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const q = req.query as Record<string, unknown>;
    return ctx.sendHtml(reply, 200, kapazitaetPage({ user, csrf: session.csrf, json: JSON.stringify(kapazitaet.lies(), null, 2), gespeichert: q.gespeichert === '1' }));
  });

  app.post('/termine/kapazitaet/belegung', { preHandler: ctx.requireRole(...PAGES.terminKapazitaet.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const r = await ctx.dienst.ledgerWiederherstellen();
    await ctx.record({ actor: user.username, role: user.role, action: 'termine.belegung.wiederherstellen', target: `${r.termine} Termine, ${r.belegt} belegt, ${r.konflikte.length} Konflikte`, outcome: r.konflikte.length ? 'fehler' : 'erfolg' });
    const text = `${r.termine} offene Termine geprüft, ${r.belegt} Belegungen gesetzt.${r.konflikte.length ? ` ${r.konflikte.length} Termine fanden ihren Platz belegt vor (bitte prüfen): ${r.konflikte.join(', ')}` : ''}`;
    return ctx.sendHtml(reply, 200, kapazitaetPage({ user, csrf: session.csrf, json: JSON.stringify(kapazitaet.lies(), null, 2), wiederhergestellt: text }));
  });

  app.post(PAGES.terminKapazitaet.path, { preHandler: ctx.requireRole(...PAGES.terminKapazitaet.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const roh = typeof body(req).kapazitaet === 'string' ? (body(req).kapazitaet as string) : '';
    let daten: unknown;
    try {
      daten = JSON.parse(roh);
    } catch (err) {
      await ctx.record({ actor: user.username, role: user.role, action: 'termine.kapazitaet.aendern', target: 'kapazitaet.json', outcome: 'abgelehnt' });
      return ctx.sendHtml(reply, 400, kapazitaetPage({ user, csrf: session.csrf, json: roh, fehler: [jsonFehlerText(roh, err as Error)] }));
    }
    const r = kapazitaet.schreibe(daten);
    await ctx.record({ actor: user.username, role: user.role, action: 'termine.kapazitaet.aendern', target: 'kapazitaet.json', outcome: r.ok ? 'erfolg' : 'abgelehnt' });
    if (!r.ok) return ctx.sendHtml(reply, 400, kapazitaetPage({ user, csrf: session.csrf, json: roh, fehler: r.fehler }));
    return reply.redirect(`${PAGES.terminKapazitaet.path}?gespeichert=1`, 303);
  });
}
