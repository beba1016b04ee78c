/**
 * Simulator of a Landratsamt's appointment system (Terminsystem): a server-rendered admin UI
 * (login, day view of bookings per location), no API — as the real products offer it.
 * Seeded bookings for the days around today (deterministic per seed and day); tests add
 * their own with `daten.hinzufuegen`. Faults and delays as in connectors/robot-pool/web-sim.ts.
 */
import { createHash } from 'node:crypto';
import type { RunningSimulator, SimulatorContext, SimulatorSpec } from '../simulator-registry';
import { readCredential } from '../credentials';
import { createWebSim, esc, faultsFromEnv, localTarget, type WebFaults, type WebSim } from '../robot-pool/web-sim';
import { TERMINE_PASSWORD, TERMINE_USER_DEFAULT } from './config';
import type { Buchung, Tag } from './port';

export interface SimStandort {
  id: string;
  name: string;
  /** Anliegen offered here with their duration in minutes. */
  anliegen: Array<[string, number]>;
  schalter: number;
}

export const STANDORTE: SimStandort[] = [
  {
    id: 'jc-hauptstelle', name: 'Jobcenter Hauptstelle Kreisstadt', schalter: 3,
    anliegen: [['Neuantrag Bürgergeld', 60], ['Abgabe Weiterbewilligungsantrag', 15], ['Beratung Leistungen', 30], ['Erstgespräch Arbeitsvermittlung', 45]],
  },
  {
    id: 'jc-nord', name: 'Jobcenter Außenstelle Nord', schalter: 2,
    anliegen: [['Neuantrag Bürgergeld', 60], ['Abgabe Weiterbewilligungsantrag', 15], ['Beratung Leistungen', 30]],
  },
  {
    id: 'kfz', name: 'Kfz-Zulassungsstelle', schalter: 2,
    anliegen: [['Fahrzeugzulassung', 15], ['Außerbetriebsetzung', 15], ['Umschreibung', 30]],
  },
];

const NACHNAMEN = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Köhler', 'Yılmaz', 'Kowalski', 'Nowak', 'Popescu', 'Öztürk'];
const VORNAMEN = ['Anna', 'Lena', 'Sophie', 'Marie', 'Laura', 'Julia', 'Sabine', 'Petra', 'Elif', 'Olena', 'Lukas', 'Jonas', 'Leon', 'Felix', 'Thomas', 'Michael', 'Andreas', 'Stefan', 'Jürgen', 'Mehmet', 'Piotr', 'Ahmad', 'Dmytro', 'Katarzyna', 'Fatma', 'Uwe', 'Heike', 'Sven', 'Nadine', 'Jan'];

/** Deterministic random numbers (mulberry32) from a string seed. */
function rng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

export function addDays(tag: Tag, n: number): Tag {
  const d = new Date(`${tag}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function berlinToday(now = new Date()): Tag {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const WOCHENTAGE = ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'];
const dmy = (tag: Tag) => `${tag.slice(8, 10)}.${tag.slice(5, 7)}.${tag.slice(0, 4)}`;

/** The bookings of the simulated system: seeded days in [heute - 7, heute + tage], plus added ones. */
export class TerminDaten {
  private readonly tage = new Map<string, Buchung[]>();
  private readonly extra: Buchung[] = [];
  constructor(
    private readonly seed: number,
    private readonly heute: () => Tag,
    private readonly horizont = 14,
  ) {}

  standort(id: string): SimStandort | undefined {
    return STANDORTE.find((s) => s.id === id);
  }

  hinzufuegen(b: Buchung): void {
    this.extra.push(b);
  }

  private seeded(tag: Tag, s: SimStandort): Buchung[] {
    const key = `${tag}|${s.id}`;
    const cached = this.tage.get(key);
    if (cached) return cached;
    const out: Buchung[] = [];
    const heute = this.heute();
    const wd = new Date(`${tag}T12:00:00Z`).getUTCDay();
    if (tag >= addDays(heute, -7) && tag <= addDays(heute, this.horizont) && wd >= 1 && wd <= 5) {
      const r = rng(`${this.seed}|${key}`);
      const zeiten: Array<[number, number]> = [[8 * 60, 12 * 60]];
      if (wd === 4) zeiten.push([14 * 60, 17 * 60 + 30]);
      let n = 0;
      for (let schalter = 0; schalter < s.schalter; schalter += 1) {
        for (const [von, bis] of zeiten) {
          let t = von;
          while (t < bis) {
            const [anliegen, dauer] = pick(r, s.anliegen);
            if (r() < 0.55 && t + dauer <= bis) {
              n += 1;
              const nachname = pick(r, NACHNAMEN);
              const vorname = pick(r, VORNAMEN);
              const mitMail = r() < 0.6;
              const mitTel = !mitMail || r() < 0.5;
              out.push({
                buchungsnummer: `B-${tag.replace(/-/g, '')}-${s.id.slice(0, 3).toUpperCase()}${String(n).padStart(3, '0')}`,
                standort: s.id,
                tag,
                uhrzeit: hhmm(t),
                dauerMinuten: dauer,
                anliegen,
                name: `${nachname}, ${vorname}`,
                kontakt: {
                  ...(mitTel ? { telefon: `01${5 + Math.floor(r() * 3)}${Math.floor(r() * 10)} ${String(Math.floor(r() * 1e7)).padStart(7, '0')}` } : {}),
                  ...(mitMail ? { email: `${vorname}.${nachname}`.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').replace(/ı/g, 'i').replace(/[^a-z.]/g, '') + `${Math.floor(r() * 90) + 10}@example.org` } : {}),
                },
              });
              t += dauer;
            } else {
              t += 15;
            }
          }
        }
      }
    }
    this.tage.set(key, out);
    return out;
  }

  buchungen(tag: Tag, standortId?: string): Buchung[] {
    const orte = standortId ? STANDORTE.filter((s) => s.id === standortId) : STANDORTE;
    const all = [...orte.flatMap((s) => this.seeded(tag, s)), ...this.extra.filter((b) => b.tag === tag && (!standortId || b.standort === standortId))];
    return all.sort((a, b) => a.uhrzeit.localeCompare(b.uhrzeit) || a.standort.localeCompare(b.standort) || a.buchungsnummer.localeCompare(b.buchungsnummer));
  }
}

function layout(title: string, body: string, user?: string): string {
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>${esc(title)} – Terminverwaltung Landratsamt</title>
<style>
body{font-family:Verdana,Arial,sans-serif;font-size:12px;margin:0;background:#eef1f4;color:#222}
#kopf{background:#2d4f73;color:#fff;padding:6px 12px}#kopf h1{font-size:15px;margin:0;display:inline}
#kopf .benutzer{float:right}#kopf a{color:#fff}
main{padding:12px}table{border-collapse:collapse;background:#fff}th,td{border:1px solid #9aa7b4;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#d5dde6}.fehlermeldung{color:#a00;font-weight:bold}fieldset{background:#fff;border:1px solid #9aa7b4}
</style></head><body>
<div id="kopf"><h1>Landratsamt – Terminverwaltung (Sachbearbeitung)</h1>${user ? `<span class="benutzer">Angemeldet: ${esc(user)} | <a id="abmelden" href="/admin/abmelden">Abmelden</a></span>` : ''}</div>
<main>${body}</main></body></html>`;
}

function errorPage(status: number): string {
  return layout('Fehler', `<h2>Fehler ${status}</h2><p class="fehlermeldung">${status === 404 ? 'Die Seite wurde nicht gefunden.' : 'Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.'}</p>`);
}

function loginPage(ziel: string, meldung?: string): string {
  return layout('Anmeldung', `<form id="anmeldeformular" method="post" action="/admin/anmelden">
<fieldset><legend>Anmeldung</legend>
${meldung ? `<p class="fehlermeldung" id="anmeldefehler">${esc(meldung)}</p>` : ''}
<input type="hidden" name="ziel" value="${esc(ziel)}">
<p><label for="benutzer">Benutzername</label><br><input id="benutzer" name="benutzer" autocomplete="username"></p>
<p><label for="kennwort">Kennwort</label><br><input id="kennwort" name="kennwort" type="password" autocomplete="current-password"></p>
<p><button id="anmelden" type="submit">Anmelden</button></p>
</fieldset></form>`);
}

function dayPage(daten: TerminDaten, tag: Tag, standortId: string, user: string, changedLayout: boolean): string {
  const wd = WOCHENTAGE[new Date(`${tag}T12:00:00Z`).getUTCDay()]!;
  const options = [`<option value="">Alle Standorte</option>`, ...STANDORTE.map((s) => `<option value="${esc(s.id)}"${s.id === standortId ? ' selected' : ''}>${esc(s.name)}</option>`)].join('');
  const form = `<form id="tagesauswahl" method="get" action="/admin/tagesansicht">
<label for="datum">Datum</label> <input type="date" id="datum" name="datum" value="${esc(tag)}">
<label for="standort">Standort</label> <select id="standort" name="standort">${options}</select>
<button id="anzeigen" type="submit">Anzeigen</button></form>`;
  if (standortId && !daten.standort(standortId)) {
    return layout('Tagesansicht', `${form}<p class="fehlermeldung" id="fehlermeldung">Unbekannter Standort.</p>`, user);
  }
  const rows = daten.buchungen(tag, standortId || undefined);
  const name = (id: string) => daten.standort(id)?.name ?? id;
  const tbody = rows
    .map(
      (b) => `<tr class="buchung"><td class="zeit">${esc(b.uhrzeit)}</td><td class="dauer">${b.dauerMinuten} Min.</td><td class="anliegen">${esc(b.anliegen)}</td><td class="name">${esc(b.name)}</td><td class="kontakt">${b.kontakt.telefon ? `<span class="telefon">Tel. ${esc(b.kontakt.telefon)}</span>` : ''}${b.kontakt.telefon && b.kontakt.email ? '<br>' : ''}${b.kontakt.email ? `<span class="email">${esc(b.kontakt.email)}</span>` : ''}</td><td class="nummer">${esc(b.buchungsnummer)}</td><td class="standort">${esc(name(b.standort))}</td></tr>`,
    )
    .join('\n');
  const tableId = changedLayout ? 'terminliste' : 'buchungen';
  const table = rows.length
    ? `<table id="${tableId}"><thead><tr><th>Uhrzeit</th><th>Dauer</th><th>Anliegen</th><th>Name</th><th>Kontakt</th><th>Buchungsnr.</th><th>Standort</th></tr></thead><tbody>\n${tbody}\n</tbody></table>`
    : `<p id="keine-buchungen">Keine Buchungen an diesem Tag.</p>`;
  return layout(
    'Tagesansicht',
    `${form}<h2 id="tag-titel" data-datum="${esc(tag)}">Buchungen am ${wd}, ${dmy(tag)}${standortId ? ` – ${esc(name(standortId))}` : ''}</h2><p id="anzahl">${rows.length} Buchung(en)</p>${table}`,
    user,
  );
}

export interface TermineSimOptions {
  port: number;
  seed: number;
  faults?: Partial<WebFaults>;
  /** Today (Europe/Berlin) for the seeded days; tests may pin it. */
  heute?: () => Tag;
  env?: NodeJS.ProcessEnv;
}

export interface RunningTermineSim extends RunningSimulator {
  url: string;
  daten: TerminDaten;
  web: WebSim;
  faults: WebFaults;
}

export async function startTermineSimulator(o: TermineSimOptions): Promise<RunningTermineSim> {
  const env = o.env ?? process.env;
  const user = env.TERMINE_USER || TERMINE_USER_DEFAULT;
  const password = readCredential(TERMINE_PASSWORD, env).reveal();
  const faults: WebFaults = { ...faultsFromEnv('TERMINE_SIM_', env, { delayMs: [30, 120], sessionIdleMinutes: 15 }), ...o.faults };
  const daten = new TerminDaten(o.seed, o.heute ?? (() => berlinToday()));
  const r = rng(`faults|${o.seed}`);
  const web = await createWebSim({ cookie: 'TERMINSID', faults, random: r, publicPaths: /^\/admin\/(anmelden|abmelden)$|^\/favicon\.ico$/, loginPath: '/admin/anmelden', errorPage });
  const { app } = web;

  app.get('/', async (_req, reply) => reply.redirect('/admin/tagesansicht', 303));
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/admin/anmelden', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    return reply.type('text/html; charset=utf-8').send(loginPage(localTarget(q.ziel, '/admin/tagesansicht'), q.grund === 'sitzung' ? 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.' : undefined));
  });
  app.post('/admin/anmelden', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    const ziel = localTarget(b.ziel, '/admin/tagesansicht');
    if (b.benutzer !== user || b.kennwort !== password) {
      return reply.type('text/html; charset=utf-8').send(loginPage(ziel, 'Benutzername oder Kennwort ist falsch.'));
    }
    web.startSession(reply, user);
    return reply.redirect(ziel, 303);
  });
  app.get('/admin/abmelden', async (req, reply) => {
    web.endSession(req, reply);
    return reply.redirect('/admin/anmelden', 303);
  });
  app.get('/admin/tagesansicht', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const tag = q.datum && /^\d{4}-\d{2}-\d{2}$/.test(q.datum) ? q.datum : berlinToday();
    return reply.type('text/html; charset=utf-8').send(dayPage(daten, tag, q.standort ?? '', web.userOf(req) ?? '', faults.changedLayout));
  });

  const url = await web.listen(o.port);
  return {
    url,
    daten,
    web,
    faults,
    async stop() {
      await app.close();
    },
  };
}

export const termineSimulator: SimulatorSpec = {
  id: 'termine',
  name: 'Terminsystem des Landratsamts (Web-Oberfläche)',
  portOffset: 4,
  async start(ctx: SimulatorContext): Promise<RunningSimulator> {
    const sim = await startTermineSimulator({ port: ctx.port, seed: ctx.seed });
    ctx.log.info({ url: sim.url }, 'Terminsystem simulator running');
    return sim;
  },
};
