/**
 * Simulator of a comp.ASS-like Fachverfahren: a server-rendered web application only, no API
 * (as the robot meets the real system). Login with a session cookie that expires after idle
 * minutes; search by BG-Nummer/Kundennummer; household page with persons, address, team and
 * Bewilligungszeiträume; forms for Wiedervorlage, Antragseingang and Neuantrag (each with
 * the engine's Referenz, deduplicated by the store); a person search (Ähnlichkeitssuche)
 * and the report "Liste BWZ-Ende". Data: the shared simulated Landkreis
 * (connectors/fachverfahren/landkreis). Pages and ids: README.md.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isBusinessError, type BusinessError } from '../../errors';
import { readCredential } from '../../credentials';
import type { RunningSimulator, SimulatorContext, SimulatorSpec } from '../../simulator-registry';
import { createWebSim, esc, faultsFromEnv, localTarget, type WebFaults, type WebSim } from '../../robot-pool/web-sim';
import { generiereLandkreis } from '../landkreis/generator';
import { FachverfahrenStore } from '../landkreis/store';
import type { AntragseingangAuftrag, Haushalt, WiedervorlageAuftrag } from '../port';
import { COMPASS_PASSWORD, COMPASS_USER_DEFAULT } from './config';
import { ANTRAGSARTEN, BEREICHE, BWZ_ARTEN, MERKMALE, ROLLEN, deDatum, isoDatum, meldungsNummer } from './formate';

export interface CompassFaults extends WebFaults {
  /** A write (Wiedervorlage, Eingang, Neuantrag) is stored, then its answer is held this long (a robot may die meanwhile). */
  holdAfterWriteMs: number;
}

export interface CompassSimOptions {
  port: number;
  store: FachverfahrenStore;
  faults?: Partial<CompassFaults>;
  env?: NodeJS.ProcessEnv;
  /** Rows per page of the report "Liste BWZ-Ende". */
  berichtZeilen?: number;
  /** Called after every write (the simulator process saves the store). */
  onWrite?: () => void;
  seed?: number;
}

export interface RunningCompassSim extends RunningSimulator {
  url: string;
  store: FachverfahrenStore;
  web: WebSim;
  faults: CompassFaults;
}

type Q = Record<string, string | undefined>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function layout(title: string, body: string, user?: string): string {
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>${esc(title)} - comp.ASS</title>
<style>
body{font-family:Tahoma,Verdana,sans-serif;font-size:11px;margin:0;background:#d4d0c8;color:#000}
#kopfzeile{background:linear-gradient(#0a246a,#3a6ea5);color:#fff;padding:4px 8px;font-weight:bold}
#kopfzeile .benutzer{float:right;font-weight:normal}#kopfzeile a{color:#fff}
#menue{background:#ece9d8;border-bottom:1px solid #808080;padding:3px 8px}#menue a{margin-right:14px;color:#000}
#inhalt{padding:8px}fieldset{border:1px solid #808080;background:#f4f3ee;margin-bottom:8px}legend{font-weight:bold}
table.liste{border-collapse:collapse;background:#fff}table.liste th{background:#ece9d8;border:1px solid #808080;padding:2px 5px;text-align:left}
table.liste td{border:1px solid #c0c0c0;padding:2px 5px}dl.daten{display:grid;grid-template-columns:160px auto;margin:0}dl.daten dt{font-weight:bold}dl.daten dd{margin:0}
.fehlermeldung{color:#c00;font-weight:bold;background:#fff0f0;border:1px solid #c00;padding:3px}.hinweis{color:#060;font-weight:bold;background:#f0fff0;border:1px solid #060;padding:3px}
label{display:inline-block;width:170px}input,select{font-size:11px}
</style></head><body>
<div id="kopfzeile">comp.ASS – Fachverfahren SGB II &nbsp;|&nbsp; Jobcenter Landkreis${user ? `<span class="benutzer">Benutzer: ${esc(user)} | <a id="abmelden" href="/abmelden">Abmelden</a></span>` : ''}</div>
${user ? `<div id="menue"><a id="menue-suche" href="/suche">BG-Suche</a><a id="menue-personensuche" href="/personensuche">Personensuche</a><a id="menue-neuantrag" href="/neuantrag">Neuantrag</a><a id="menue-berichte" href="/berichte/bwz-ende">Liste BWZ-Ende</a></div>` : ''}
<div id="inhalt"><h2>${esc(title)}</h2>${body}</div></body></html>`;
}

function errorPage(status: number): string {
  return layout(`Fehler ${status}`, status === 404 ? '<p class="fehlermeldung">Die angeforderte Seite existiert nicht.</p>' : '<p class="fehlermeldung">Es ist ein Systemfehler aufgetreten (java.lang.IllegalStateException). Bitte wenden Sie sich an den Administrator.</p>');
}

function fehler(err: BusinessError | Error, id = 'formularfehler'): string {
  const code = isBusinessError(err) ? (err as BusinessError).code : 'UNBEKANNT';
  return `<p class="fehlermeldung" id="${id}">${meldungsNummer(code)}: ${esc(err.message)}</p>`;
}

function loginPage(ziel: string, meldung?: string): string {
  return layout('Anmeldung', `<form id="anmeldeformular" method="post" action="/anmeldung"><fieldset><legend>Anmeldung am Fachverfahren</legend>
${meldung ? `<p class="fehlermeldung" id="anmeldefehler">${esc(meldung)}</p>` : ''}
<input type="hidden" name="ziel" value="${esc(ziel)}">
<p><label for="benutzer">Benutzerkennung</label><input id="benutzer" name="benutzer" autocomplete="username"></p>
<p><label for="kennwort">Kennwort</label><input id="kennwort" name="kennwort" type="password" autocomplete="current-password"></p>
<p><button id="anmelden" type="submit">Anmelden</button></p></fieldset></form>`);
}

function input(id: string, name: string, label: string, value = '', extra = ''): string {
  return `<p><label for="${id}">${esc(label)}</label><input id="${id}" name="${name}" value="${esc(value)}" ${extra}></p>`;
}

function select(id: string, name: string, label: string, options: Array<[string, string]>, value = ''): string {
  return `<p><label for="${id}">${esc(label)}</label><select id="${id}" name="${name}">${options.map(([v, t]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select></p>`;
}

export async function startCompassSimulator(o: CompassSimOptions): Promise<RunningCompassSim> {
  const env = o.env ?? process.env;
  const user = env.COMPASS_USER || COMPASS_USER_DEFAULT;
  const password = readCredential(COMPASS_PASSWORD, env).reveal();
  const faults: CompassFaults = { ...faultsFromEnv('COMPASS_SIM_', env, { delayMs: [50, 150], sessionIdleMinutes: 20 }), holdAfterWriteMs: 0, ...o.faults };
  const store = o.store;
  const zeilenProSeite = o.berichtZeilen ?? (Number(env.COMPASS_SIM_BERICHT_ZEILEN) || 200);
  let zufall = (o.seed ?? 1) >>> 0;
  const random = () => {
    zufall = (zufall * 1664525 + 1013904223) >>> 0;
    return zufall / 4294967296;
  };
  const web = await createWebSim({ cookie: 'JSESSIONID', faults, random, publicPaths: /^\/(anmeldung|abmelden|favicon\.ico)$/, loginPath: '/anmeldung', errorPage });
  const { app } = web;
  const salt = createHash('sha256').update(`compass|${o.seed ?? 0}|${Date.now()}`).digest('hex');
  const keys = new Map<string, string>();
  const keyOf = (bg: string) => {
    const k = createHash('sha256').update(salt + bg).digest('hex').slice(0, 20);
    keys.set(k, bg);
    return k;
  };
  const html = (reply: { type(t: string): { send(b: string): unknown } }, title: string, body: string, u?: string) => reply.type('text/html; charset=utf-8').send(layout(title, body, u));
  const holdWrite = async () => {
    const until = Date.now() + faults.holdAfterWriteMs;
    while (faults.holdAfterWriteMs > 0 && Date.now() < until) await sleep(50);
  };
  const written = () => {
    try {
      o.onWrite?.();
    } catch {
      /* saving is best effort; the simulator keeps serving */
    }
  };
  const ids = () =>
    faults.changedLayout ? { bg: 'bgnr-eingabe', betreff: 'wv-titel' } : { bg: 'suche-bgnummer', betreff: 'wv-betreff' };

  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/', async (_req, reply) => reply.redirect('/start', 303));
  app.get('/anmeldung', async (req, reply) => {
    const q = req.query as Q;
    return reply.type('text/html; charset=utf-8').send(loginPage(localTarget(q.ziel, '/start'), q.grund === 'sitzung' ? 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.' : undefined));
  });
  app.post('/anmeldung', async (req, reply) => {
    const b = (req.body ?? {}) as Q;
    const ziel = localTarget(b.ziel, '/start');
    if (b.benutzer !== user || b.kennwort !== password) return reply.type('text/html; charset=utf-8').send(loginPage(ziel, 'Benutzerkennung oder Kennwort ungültig.'));
    web.startSession(reply, user);
    return reply.redirect(ziel, 303);
  });
  app.get('/abmelden', async (req, reply) => {
    web.endSession(req, reply);
    return reply.redirect('/anmeldung', 303);
  });
  app.get('/start', async (req, reply) => html(reply, 'Startseite', `<p id="willkommen">Willkommen im Fachverfahren. Bitte wählen Sie eine Funktion aus dem Menü.</p><p>Mandant: ${esc(store.amtsKennung)}</p>`, web.userOf(req)));

  // ------------------------------------------------------------ BG-Suche
  const suchForm = (bg = '', kunde = '') => `<form id="suchformular" method="post" action="/suche"><fieldset><legend>Suche nach Bedarfsgemeinschaft</legend>
${input(ids().bg, 'bgNummer', 'BG-Nummer', bg)}${input('suche-kundennummer', 'kundennummer', 'Kundennummer', kunde)}
<p><button id="suche-starten" type="submit">Suchen</button></p></fieldset></form>`;
  app.get('/suche', async (req, reply) => html(reply, 'BG-Suche', suchForm(), web.userOf(req)));
  app.post('/suche', async (req, reply) => {
    const b = (req.body ?? {}) as Q;
    const bg = (b.bgNummer ?? '').trim();
    const kunde = (b.kundennummer ?? '').trim();
    let body = suchForm(bg, kunde);
    if (!bg && !kunde) {
      body += '<p class="fehlermeldung" id="suchfehler">FV-2001: Bitte BG-Nummer oder Kundennummer eingeben.</p>';
    } else {
      const h = store.findeHaushalt(bg ? { bgNummer: bg } : { kundennummer: kunde });
      if (!h) body += '<p id="keine-treffer">Keine Bedarfsgemeinschaft gefunden.</p>';
      else {
        const as = h.personen.find((p) => p.rolle === 'antragsteller') ?? h.personen[0];
        body += `<table class="liste" id="trefferliste"><thead><tr><th>BG-Nummer</th><th>Antragsteller/in</th><th>Anschrift</th><th>Status</th></tr></thead><tbody>
<tr class="treffer"><td><a class="treffer-link" href="/bg/${keyOf(h.bgNummer)}">${esc(h.bgNummer)}</a></td><td>${esc(as ? `${as.nachname}, ${as.vorname}` : '')}</td><td>${esc(`${h.anschrift.strasse} ${h.anschrift.hausnummer}, ${h.anschrift.plz} ${h.anschrift.ort}`)}</td><td>${h.aufgeloest ? 'aufgelöst' : 'aktiv'}</td></tr></tbody></table>`;
      }
    }
    return html(reply, 'BG-Suche', body, web.userOf(req));
  });

  // ------------------------------------------------------------ household page
  const haushaltVon = (key: string): Haushalt | null => {
    const bg = keys.get(key);
    return bg ? store.findeHaushalt({ bgNummer: bg }) : null;
  };
  app.get('/bg/:key', async (req, reply) => {
    const key = (req.params as { key: string }).key;
    const h = haushaltVon(key);
    if (!h) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404));
    const personen = h.personen
      .map((p) => `<tr class="person"><td class="kundennummer">${esc(p.kundennummer)}</td><td class="nachname">${esc(p.nachname)}</td><td class="vorname">${esc(p.vorname)}</td><td class="geburtsdatum">${deDatum(p.geburtsdatum)}</td><td class="rolle">${esc(ROLLEN[p.rolle])}</td></tr>`)
      .join('\n');
    const bwz = h.bewilligungszeitraeume
      .map((z) => `<tr class="bwz"><td class="bwz-id">${esc(z.id)}</td><td class="beginn">${deDatum(z.beginn)}</td><td class="ende">${deDatum(z.ende)}</td><td class="art">${esc(BWZ_ARTEN[z.art])}</td></tr>`)
      .join('\n');
    const body = `<fieldset><legend>Bedarfsgemeinschaft</legend><dl class="daten">
<dt>BG-Nummer</dt><dd id="bg-nummer">${esc(h.bgNummer)}</dd>
<dt>Status</dt><dd id="bg-status">${h.aufgeloest ? 'aufgelöst' : 'aktiv'}</dd>
<dt>Straße</dt><dd id="anschrift-strasse">${esc(h.anschrift.strasse)}</dd>
<dt>Hausnummer</dt><dd id="anschrift-hausnummer">${esc(h.anschrift.hausnummer)}</dd>
<dt>PLZ</dt><dd id="anschrift-plz">${esc(h.anschrift.plz)}</dd>
<dt>Ort</dt><dd id="anschrift-ort">${esc(h.anschrift.ort)}</dd>
</dl></fieldset>
<fieldset><legend>Zuständigkeit</legend><dl class="daten">
<dt>Team</dt><dd id="team-id">${esc(h.team.id)}</dd><dt>Bezeichnung</dt><dd id="team-name">${esc(h.team.name)}</dd>
<dt>Bereich</dt><dd id="team-bereich">${esc(BEREICHE[h.team.bereich])}</dd><dt>Standort</dt><dd id="team-standort">${esc(h.team.standort)}</dd></dl></fieldset>
<fieldset><legend>Mitglieder der BG</legend><table class="liste" id="personen"><thead><tr><th>Kundennummer</th><th>Name</th><th>Vorname</th><th>Geburtsdatum</th><th>Rolle</th></tr></thead><tbody>
${personen}
</tbody></table></fieldset>
<fieldset><legend>Bewilligungszeiträume</legend><table class="liste" id="bewilligungszeitraeume"><thead><tr><th>Nr.</th><th>Beginn</th><th>Ende</th><th>Art</th></tr></thead><tbody>
${bwz}
</tbody></table>${h.bewilligungszeitraeume.length === 0 ? '<p id="keine-bwz">Keine Bewilligungszeiträume erfasst.</p>' : ''}</fieldset>
<p><a id="aktion-wiedervorlage" href="/bg/${key}/wiedervorlage">Wiedervorlage anlegen</a> | <a id="aktion-eingang" href="/bg/${key}/eingang">Antragseingang erfassen</a></p>`;
    return html(reply, 'Bedarfsgemeinschaft – Übersicht', body, web.userOf(req));
  });

  // ------------------------------------------------------------ Wiedervorlage
  const teamOptionen = (): Array<[string, string]> => [['', '(zuständiges Team der BG)'], ...store.teamListe().map((t): [string, string] => [t.id, `${t.id} – ${t.name}`])];
  const wvForm = (key: string, v: Q = {}, err?: Error) => `${err ? fehler(err) : ''}<form id="wiedervorlageformular" method="post" action="/bg/${key}/wiedervorlage"><fieldset><legend>Neue Wiedervorlage</legend>
${input(ids().betreff, 'betreff', 'Betreff', v.betreff, 'maxlength="250" size="60"')}
${input('wv-faellig', 'faelligAm', 'Fällig am (TT.MM.JJJJ)', v.faelligAm, 'size="10"')}
${select('wv-prioritaet', 'prioritaet', 'Priorität', [['normal', 'normal'], ['hoch', 'hoch']], v.prioritaet ?? 'normal')}
${select('wv-team', 'teamId', 'Team', teamOptionen(), v.teamId ?? '')}
${input('wv-referenz', 'referenz', 'Externe Referenz (Schnittstelle)', v.referenz, 'size="40"')}
<p><button id="wv-speichern" type="submit">Speichern</button></p></fieldset></form>`;
  app.get('/bg/:key/wiedervorlage', async (req, reply) => {
    const key = (req.params as { key: string }).key;
    if (!haushaltVon(key)) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404));
    return html(reply, 'Wiedervorlage anlegen', wvForm(key), web.userOf(req));
  });
  app.post('/bg/:key/wiedervorlage', async (req, reply) => {
    const key = (req.params as { key: string }).key;
    const h = haushaltVon(key);
    if (!h) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404));
    const b = (req.body ?? {}) as Q;
    const faellig = isoDatum(b.faelligAm ?? '');
    try {
      const auftrag: WiedervorlageAuftrag = {
        referenz: (b.referenz ?? '').trim(), bgNummer: h.bgNummer, betreff: b.betreff ?? '',
        faelligAm: faellig ?? (b.faelligAm ?? ''), prioritaet: (b.prioritaet ?? '') as WiedervorlageAuftrag['prioritaet'],
        ...(b.teamId ? { teamId: b.teamId } : {}),
      };
      const r = store.erstelleWiedervorlage(auftrag);
      if (r.neu) written();
      await holdWrite();
      return html(reply, 'Wiedervorlage gespeichert', `<p class="hinweis" id="meldung">${r.neu ? `Die Wiedervorlage wurde angelegt.` : 'Zu dieser Referenz besteht bereits eine Wiedervorlage; es wurde keine neue angelegt.'}</p>
<dl class="daten"><dt>Wiedervorlage-Nr.</dt><dd id="wv-nummer" data-neu="${r.neu}">${esc(r.wiedervorlageId)}</dd></dl><p><a href="/bg/${key}">Zurück zur Bedarfsgemeinschaft</a></p>`, web.userOf(req));
    } catch (err) {
      if (!isBusinessError(err)) throw err;
      return html(reply, 'Wiedervorlage anlegen', wvForm(key, b, err as Error), web.userOf(req));
    }
  });

  // ------------------------------------------------------------ Antragseingang
  const egForm = (key: string, v: Q = {}, err?: Error) => `${err ? fehler(err) : ''}<form id="eingangsformular" method="post" action="/bg/${key}/eingang"><fieldset><legend>Antragseingang erfassen</legend>
${select('eg-art', 'art', 'Art des Eingangs', [['', '(bitte wählen)'], ...(Object.entries(ANTRAGSARTEN) as Array<[string, string]>)], v.art ?? '')}
${input('eg-datum', 'eingangsdatum', 'Eingangsdatum (TT.MM.JJJJ)', v.eingangsdatum, 'size="10"')}
${input('eg-referenz', 'referenz', 'Externe Referenz (Schnittstelle)', v.referenz, 'size="40"')}
<p><button id="eg-speichern" type="submit">Speichern</button></p></fieldset></form>`;
  app.get('/bg/:key/eingang', async (req, reply) => {
    const key = (req.params as { key: string }).key;
    if (!haushaltVon(key)) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404));
    return html(reply, 'Antragseingang erfassen', egForm(key), web.userOf(req));
  });
  app.post('/bg/:key/eingang', async (req, reply) => {
    const key = (req.params as { key: string }).key;
    const h = haushaltVon(key);
    if (!h) return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404));
    const b = (req.body ?? {}) as Q;
    try {
      const r = store.erfasseAntragseingang({
        referenz: (b.referenz ?? '').trim(), bgNummer: h.bgNummer, art: (b.art ?? '') as AntragseingangAuftrag['art'],
        eingangsdatum: isoDatum(b.eingangsdatum ?? '') ?? (b.eingangsdatum ?? ''),
      });
      if (r.neu) written();
      await holdWrite();
      return html(reply, 'Antragseingang gespeichert', `<p class="hinweis" id="meldung">${r.neu ? 'Der Antragseingang wurde erfasst.' : 'Zu dieser Referenz ist der Eingang bereits erfasst.'}</p>
<dl class="daten"><dt>Eingangs-Nr.</dt><dd id="eg-nummer" data-neu="${r.neu}">${esc(r.eingangId)}</dd></dl>`, web.userOf(req));
    } catch (err) {
      if (!isBusinessError(err)) throw err;
      return html(reply, 'Antragseingang erfassen', egForm(key, b, err as Error), web.userOf(req));
    }
  });

  // ------------------------------------------------------------ Neuantrag
  const naForm = (v: Q = {}, err?: Error) => `${err ? fehler(err) : ''}<form id="neuantragsformular" method="post" action="/neuantrag"><fieldset><legend>Neuantrag – Antragsteller/in</legend>
${input('na-nachname', 'nachname', 'Nachname', v.nachname)}${input('na-vorname', 'vorname', 'Vorname', v.vorname)}
${input('na-geburtsdatum', 'geburtsdatum', 'Geburtsdatum (TT.MM.JJJJ)', v.geburtsdatum, 'size="10"')}</fieldset>
<fieldset><legend>Anschrift</legend>${input('na-strasse', 'strasse', 'Straße', v.strasse)}${input('na-hausnummer', 'hausnummer', 'Hausnummer', v.hausnummer, 'size="6"')}
${input('na-plz', 'plz', 'PLZ', v.plz, 'size="5"')}${input('na-ort', 'ort', 'Ort', v.ort)}</fieldset>
<fieldset><legend>Antrag</legend>${input('na-antragsdatum', 'antragsdatum', 'Antragsdatum (TT.MM.JJJJ)', v.antragsdatum, 'size="10"')}
${input('na-referenz', 'referenz', 'Externe Referenz (Schnittstelle)', v.referenz, 'size="40"')}
<p><button id="na-speichern" type="submit">Neuantrag anlegen</button></p></fieldset></form>`;
  app.get('/neuantrag', async (req, reply) => html(reply, 'Neuantrag anlegen', naForm(), web.userOf(req)));
  app.post('/neuantrag', async (req, reply) => {
    const b = (req.body ?? {}) as Q;
    try {
      const r = store.legeNeuantragAn({
        referenz: (b.referenz ?? '').trim(),
        antragsteller: { nachname: b.nachname ?? '', vorname: b.vorname ?? '', geburtsdatum: isoDatum(b.geburtsdatum ?? '') ?? (b.geburtsdatum ?? '') },
        anschrift: { strasse: b.strasse ?? '', hausnummer: b.hausnummer ?? '', plz: b.plz ?? '', ort: b.ort ?? '' },
        antragsdatum: isoDatum(b.antragsdatum ?? '') ?? (b.antragsdatum ?? ''),
      });
      if (r.neu) written();
      await holdWrite();
      return html(reply, 'Neuantrag angelegt', `<p class="hinweis" id="meldung">${r.neu ? 'Die Bedarfsgemeinschaft wurde angelegt.' : 'Zu dieser Referenz besteht bereits ein Neuantrag.'}</p>
<dl class="daten"><dt>BG-Nummer</dt><dd id="na-bgnummer" data-neu="${r.neu}">${esc(r.bgNummer)}</dd><dt>Kundennummer</dt><dd id="na-kundennummer">${esc(r.kundennummer)}</dd></dl>`, web.userOf(req));
    } catch (err) {
      if (!isBusinessError(err)) throw err;
      return html(reply, 'Neuantrag anlegen', naForm(b, err as Error), web.userOf(req));
    }
  });

  // ------------------------------------------------------------ Personensuche (Ähnlichkeitssuche)
  const psForm = (v: Q = {}) => `<form id="personensuchformular" method="post" action="/personensuche"><fieldset><legend>Ähnlichkeitssuche Person</legend>
${input('ps-nachname', 'nachname', 'Nachname', v.nachname)}${input('ps-vorname', 'vorname', 'Vorname', v.vorname)}
${input('ps-geburtsdatum', 'geburtsdatum', 'Geburtsdatum (TT.MM.JJJJ)', v.geburtsdatum, 'size="10"')}
${input('ps-plz', 'plz', 'PLZ', v.plz, 'size="5"')}${input('ps-strasse', 'strasse', 'Straße', v.strasse)}
<p><button id="ps-suchen" type="submit">Suchen</button></p></fieldset></form>`;
  app.get('/personensuche', async (req, reply) => html(reply, 'Personensuche', psForm(), web.userOf(req)));
  app.post('/personensuche', async (req, reply) => {
    const b = (req.body ?? {}) as Q;
    const geb = isoDatum(b.geburtsdatum ?? '');
    let body = psForm(b);
    if (!geb || !(b.nachname ?? '').trim()) {
      body += '<p class="fehlermeldung" id="suchfehler">FV-2001: Nachname und Geburtsdatum (TT.MM.JJJJ) sind Pflichtfelder.</p>';
    } else {
      const treffer = store.schlageHaushalteVor({
        nachname: b.nachname ?? '', geburtsdatum: geb,
        ...(b.vorname?.trim() ? { vorname: b.vorname } : {}), ...(b.plz?.trim() ? { plz: b.plz.trim() } : {}), ...(b.strasse?.trim() ? { strasse: b.strasse } : {}),
      });
      body += treffer.length
        ? `<table class="liste" id="personentreffer"><thead><tr><th>BG-Nummer</th><th>Übereinstimmung</th><th>Übereinstimmende Merkmale</th></tr></thead><tbody>
${treffer.map((t) => `<tr class="treffer"><td class="bg-nummer">${esc(t.bgNummer)}</td><td class="quote">${(t.score * 100).toFixed(1).replace('.', ',')} %</td><td class="merkmale">${esc(t.treffer.map((m) => MERKMALE[m] ?? m).join(', '))}</td></tr>`).join('\n')}
</tbody></table>`
        : '<p id="keine-treffer">Keine ähnlichen Personen gefunden.</p>';
    }
    return html(reply, 'Personensuche', body, web.userOf(req));
  });

  // ------------------------------------------------------------ Bericht "Liste BWZ-Ende"
  app.get('/berichte/bwz-ende', async (req, reply) => {
    const q = req.query as Q;
    const form = `<form id="berichtformular" method="get" action="/berichte/bwz-ende"><fieldset><legend>Liste BWZ-Ende</legend>
${input('bericht-von', 'von', 'BWZ-Ende von (TT.MM.JJJJ)', q.von, 'size="10"')}${input('bericht-bis', 'bis', 'bis (TT.MM.JJJJ)', q.bis, 'size="10"')}
<p><button id="bericht-anzeigen" type="submit">Anzeigen</button></p></fieldset></form>`;
    if (q.von === undefined && q.bis === undefined) return html(reply, 'Liste BWZ-Ende', form, web.userOf(req));
    const von = isoDatum(q.von ?? '');
    const bis = isoDatum(q.bis ?? '');
    if (!von || !bis || von > bis) return html(reply, 'Liste BWZ-Ende', `${form}<p class="fehlermeldung" id="berichtfehler">FV-2001: Bitte einen gültigen Zeitraum (TT.MM.JJJJ) angeben.</p>`, web.userOf(req));
    const alle = store.listeBewilligungszeitraeume(von, bis);
    const seiten = Math.max(1, Math.ceil(alle.length / zeilenProSeite));
    const seite = Math.min(Math.max(1, Number(q.seite) || 1), seiten);
    const rows = alle.slice((seite - 1) * zeilenProSeite, seite * zeilenProSeite);
    const qs = (s: number) => `?von=${encodeURIComponent(q.von ?? '')}&amp;bis=${encodeURIComponent(q.bis ?? '')}&amp;seite=${s}`;
    const body = `${form}<p id="seite-info" data-seite="${seite}" data-seiten="${seiten}" data-eintraege="${alle.length}">Seite ${seite} von ${seiten} (${alle.length.toLocaleString('de-DE')} Einträge)</p>
<table class="liste" id="bericht-bwz"><thead><tr><th>BG-Nummer</th><th>Team</th><th>BG-Status</th><th>BWZ-Nr.</th><th>Beginn</th><th>Ende</th><th>Art</th></tr></thead><tbody>
${rows.map((r) => `<tr class="zeile"><td class="bg-nummer">${esc(r.bgNummer)}</td><td class="team-id">${esc(r.teamId)}</td><td class="bg-status">${r.aufgeloest ? 'aufgelöst' : 'aktiv'}</td><td class="bwz-id">${esc(r.bwz.id)}</td><td class="beginn">${deDatum(r.bwz.beginn)}</td><td class="ende">${deDatum(r.bwz.ende)}</td><td class="art">${esc(BWZ_ARTEN[r.bwz.art])}</td></tr>`).join('\n')}
</tbody></table>
<p>${seite > 1 ? `<a id="vorige-seite" href="/berichte/bwz-ende${qs(seite - 1)}">« zurück</a> ` : ''}${seite < seiten ? `<a id="naechste-seite" href="/berichte/bwz-ende${qs(seite + 1)}">weiter »</a>` : ''}</p>`;
    return html(reply, 'Liste BWZ-Ende', body, web.userOf(req));
  });

  const url = await web.listen(o.port);
  return {
    url,
    store,
    web,
    faults,
    async stop() {
      faults.holdAfterWriteMs = 0;
      await app.close();
    },
  };
}

/** The store of the simulator process: the snapshot under ctx.dir if it fits seed and size, else a new Landkreis. */
export function loadOrGenerateStore(dir: string, seed: number, households: number): { store: FachverfahrenStore; file: string } {
  const file = path.join(dir, 'fachverfahren.json');
  const existing = FachverfahrenStore.ausDatei(file);
  if (existing && existing.herkunft?.seed === seed && existing.herkunft?.haushalte === households) return { store: existing, file };
  const store = new FachverfahrenStore(generiereLandkreis({ seed, haushalte: households }));
  store.herkunft = { seed, haushalte: households };
  fs.mkdirSync(dir, { recursive: true });
  store.speichern(file);
  return { store, file };
}

export const compassSimulator: SimulatorSpec = {
  id: 'compass',
  name: 'comp.ASS (Fachverfahren, Web-Oberfläche)',
  portOffset: 1,
  async start(ctx: SimulatorContext): Promise<RunningSimulator> {
    const { store, file } = loadOrGenerateStore(ctx.dir, ctx.seed, ctx.households);
    let timer: NodeJS.Timeout | undefined;
    const save = () => {
      timer = undefined;
      try {
        store.speichern(file);
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'could not save comp.ASS store');
      }
    };
    const sim = await startCompassSimulator({
      port: ctx.port, store, seed: ctx.seed,
      onWrite: () => {
        timer ??= setTimeout(save, 2000);
      },
    });
    ctx.log.info({ url: sim.url, households: store.anzahlHaushalte }, 'comp.ASS simulator running');
    return {
      url: sim.url,
      async stop() {
        await sim.stop();
        if (timer) {
          clearTimeout(timer);
          save();
        }
      },
    };
  },
};
