/**
 * Capacity of the Online-Terminvergabe and the rules of a booking (pure, no I/O, no clock:
 * "now" is always an argument). Locations have opening hours per weekday, a slot length and a
 * number of staff per slot, closing days and the public holidays of their Land (feiertagejs);
 * a Neuantrag takes `neuantragSlots` consecutive slots inside one opening interval.
 *
 * Times are local Europe/Berlin (luxon). On the day clocks go forward, local times in the gap
 * 02:00–03:00 do not exist and are never offered; on the day they go back the first 02:xx is used.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { normalizeBgNummer } from './identifiers';
import { BUNDESLAENDER, feiertageVon, type Bundesland, type Feiertage } from './fristen';
import type { PostAnschrift, TerminPerson, TerminSlot } from './termine-vorgang';

export type Tag = string;
export const ZONE = 'Europe/Berlin';

/** Weekdays as in the capacity file: 1 = Monday … 7 = Sunday (ISO). */
export const WOCHENTAGE = ['1', '2', '3', '4', '5', '6', '7'] as const;
export type Wochentag = (typeof WOCHENTAGE)[number];
export const WOCHENTAG_NAMEN: Record<Wochentag, string> = { '1': 'Montag', '2': 'Dienstag', '3': 'Mittwoch', '4': 'Donnerstag', '5': 'Freitag', '6': 'Samstag', '7': 'Sonntag' };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const TAG_RE = /^\d{4}-\d{2}-\d{2}$/;

const intervallSchema = z
  .object({ von: z.string().regex(HHMM, 'Uhrzeit HH:MM'), bis: z.string().regex(HHMM, 'Uhrzeit HH:MM') })
  .refine((i) => i.von < i.bis, { message: 'Beginn muss vor dem Ende liegen' });

export const standortSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Kennung: Kleinbuchstaben, Ziffern, Bindestrich'),
  name: z.string().trim().min(1).max(120),
  anschrift: z.string().trim().min(1).max(200),
  land: z.enum(BUNDESLAENDER as unknown as [Bundesland, ...Bundesland[]]),
  slotMinuten: z.number().int().min(5).max(240),
  /** Staff (counters) serving Neuanträge per slot. */
  personal: z.number().int().min(0).max(50),
  oeffnungszeiten: z.partialRecord(z.enum(WOCHENTAGE), z.array(intervallSchema).max(4)),
  schliesstage: z.array(z.string().regex(TAG_RE)).max(400).default([]),
  /** Team that answers for letters of this location (Zentraldruck rejects). */
  teamId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
});

export const kapazitaetSchema = z.object({
  /** Consecutive slots a Neuantrag takes. */
  neuantragSlots: z.number().int().min(1).max(12),
  /** How many days ahead one may book. */
  buchungshorizontTage: z.number().int().min(1).max(180),
  /** Earliest booking this many minutes before the start. */
  mindestvorlaufMinuten: z.number().int().min(0).max(7 * 24 * 60),
  /** Documents to bring (listed in every confirmation). */
  unterlagen: z.array(z.string().trim().min(1).max(200)).min(1).max(30),
  standorte: z.array(standortSchema).min(1).max(50),
});

export type Standort = z.infer<typeof standortSchema>;
export type Kapazitaet = z.infer<typeof kapazitaetSchema>;

/** The shipped default: the two Jobcenter locations of the simulated Landkreis. */
export const STANDARD_KAPAZITAET: Kapazitaet = {
  neuantragSlots: 2,
  buchungshorizontTage: 28,
  mindestvorlaufMinuten: 60,
  unterlagen: [
    'Personalausweis oder Reisepass (mit Meldebescheinigung)',
    'Kontoauszüge der letzten drei Monate',
    'Mietvertrag und letzte Nebenkostenabrechnung',
    'Einkommensnachweise (z. B. Lohnabrechnungen) der letzten drei Monate',
    'Bescheide anderer Stellen (z. B. Kindergeld, Arbeitslosengeld, Wohngeld)',
  ],
  standorte: [
    {
      id: 'jc-hauptstelle', name: 'Jobcenter Hauptstelle Kreisstadt', anschrift: 'Am Markt 1, 37073 Musterstadt', land: 'NI',
      slotMinuten: 30, personal: 3, schliesstage: [], teamId: 'LE-S-AD',
      oeffnungszeiten: { '1': [{ von: '08:00', bis: '12:00' }], '2': [{ von: '08:00', bis: '12:00' }], '3': [{ von: '08:00', bis: '12:00' }], '4': [{ von: '08:00', bis: '12:00' }, { von: '14:00', bis: '17:30' }], '5': [{ von: '08:00', bis: '12:00' }] },
    },
    {
      id: 'jc-nord', name: 'Jobcenter Außenstelle Nord', anschrift: 'Bahnhofstraße 5, 37520 Osterode am Harz', land: 'NI',
      slotMinuten: 30, personal: 2, schliesstage: [], teamId: 'LE-N-AG',
      oeffnungszeiten: { '1': [{ von: '08:00', bis: '12:00' }], '2': [{ von: '08:00', bis: '12:00' }], '4': [{ von: '08:00', bis: '12:00' }, { von: '14:00', bis: '17:30' }], '5': [{ von: '08:00', bis: '12:00' }] },
    },
  ],
};

const DEUTSCH = z.locales.de();

/** ['standorte', 0, 'schliesstage', 2] → "standorte Nr. 1 › schliesstage Nr. 3" */
function feldPfad(pfad: readonly PropertyKey[]): string {
  const teile: string[] = [];
  for (const t of pfad) {
    if (typeof t === 'number' && teile.length > 0) teile[teile.length - 1] += ` Nr. ${t + 1}`;
    else teile.push(String(t));
  }
  return teile.join(' › ');
}

export function parseKapazitaet(raw: unknown): { ok: true; kapazitaet: Kapazitaet } | { ok: false; fehler: string[] } {
  // German messages: IT-Administration reads them on /termine/kapazitaet.
  const p = kapazitaetSchema.safeParse(raw, { error: DEUTSCH.localeError });
  if (!p.success) return { ok: false, fehler: p.error.issues.map((i) => `${feldPfad(i.path) || '(gesamt)'}: ${i.message}`) };
  const ids = new Set<string>();
  for (const s of p.data.standorte) {
    if (ids.has(s.id)) return { ok: false, fehler: [`standorte: Kennung ${s.id} kommt doppelt vor`] };
    ids.add(s.id);
  }
  return { ok: true, kapazitaet: p.data };
}

// --------------------------------------------------------------------------------- time

const minuten = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** The instant of a local wall-clock time in Europe/Berlin, or null when that time does not exist (DST gap). */
export function lokalZeitpunkt(tag: Tag, uhrzeit: string): number | null {
  const dt = DateTime.fromISO(`${tag}T${uhrzeit}`, { zone: ZONE });
  if (!dt.isValid) return null;
  // luxon shifts a non-existent time forward; such a slot is not offered.
  if (dt.toFormat('yyyy-MM-dd HH:mm') !== `${tag} ${uhrzeit}`) return null;
  return dt.toMillis();
}

export function berlinTag(ms: number): Tag {
  return DateTime.fromMillis(ms, { zone: ZONE }).toFormat('yyyy-MM-dd');
}

export function plusTage(tag: Tag, n: number): Tag {
  return DateTime.fromISO(tag, { zone: 'UTC' }).plus({ days: n }).toFormat('yyyy-MM-dd');
}

export function istGueltigerTag(tag: unknown): tag is Tag {
  return typeof tag === 'string' && TAG_RE.test(tag) && DateTime.fromISO(tag, { zone: 'UTC' }).isValid;
}

/** "Montag, 11.05.2026" */
export function tagLang(tag: Tag): string {
  const d = DateTime.fromISO(tag, { zone: 'UTC' });
  return `${WOCHENTAG_NAMEN[String(d.weekday) as Wochentag]}, ${d.toFormat('dd.MM.yyyy')}`;
}

// --------------------------------------------------------------------------------- slots

export type Schliessgrund = 'feiertag' | 'schliesstag' | 'keine_oeffnungszeit' | 'kein_personal';

const feiertageJeLand = new Map<Bundesland, Feiertage>();

/** Holidays of the location's Land (one calendar per Land, cached per year inside). */
export function feiertageFuer(standort: Standort): Feiertage {
  let f = feiertageJeLand.get(standort.land);
  if (!f) {
    f = feiertageVon(standort.land);
    feiertageJeLand.set(standort.land, f);
  }
  return f;
}

/** Why a location is closed on a day, or null when it is open. */
export function geschlossen(standort: Standort, tag: Tag, feiertage: Feiertage = feiertageFuer(standort)): Schliessgrund | null {
  if (standort.personal < 1) return 'kein_personal';
  if (standort.schliesstage.includes(tag)) return 'schliesstag';
  if (feiertage(tag)) return 'feiertag';
  const wd = String(DateTime.fromISO(tag, { zone: 'UTC' }).weekday) as Wochentag;
  if (!(standort.oeffnungszeiten[wd] ?? []).length) return 'keine_oeffnungszeit';
  return null;
}

/** Slot units (HH:MM) of a day on the location's grid, each inside an opening interval and existing locally. */
export function einheitenDesTages(standort: Standort, tag: Tag): string[][] {
  const wd = String(DateTime.fromISO(tag, { zone: 'UTC' }).weekday) as Wochentag;
  const intervalle = [...(standort.oeffnungszeiten[wd] ?? [])].sort((a, b) => a.von.localeCompare(b.von));
  return intervalle.map((i) => {
    const out: string[] = [];
    for (let m = minuten(i.von); m + standort.slotMinuten <= minuten(i.bis); m += standort.slotMinuten) {
      const u = hhmm(m);
      if (lokalZeitpunkt(tag, u) !== null) out.push(u);
    }
    return out;
  });
}

/**
 * The possible appointment starts of a day for an appointment of `slots` consecutive units:
 * each with its units and instants. Units must be consecutive in real time (no DST gap inside).
 */
export function startzeitenDesTages(standort: Standort, tag: Tag, slots: number, feiertage?: Feiertage): TerminSlot[] {
  if (geschlossen(standort, tag, feiertage) !== null) return [];
  const out: TerminSlot[] = [];
  const slotMs = standort.slotMinuten * 60_000;
  for (const block of einheitenDesTages(standort, tag)) {
    for (let i = 0; i + slots <= block.length; i += 1) {
      const einheiten = block.slice(i, i + slots);
      const zeiten = einheiten.map((e) => lokalZeitpunkt(tag, e) as number);
      if (zeiten.some((t, k) => k > 0 && t - (zeiten[k - 1] as number) !== slotMs)) continue;
      const beginnMs = zeiten[0] as number;
      out.push({ standortId: standort.id, tag, uhrzeit: einheiten[0] as string, beginnMs, endeMs: beginnMs + slots * slotMs, einheiten });
    }
  }
  return out;
}

export type SlotFehler = 'STANDORT_UNBEKANNT' | 'TAG_UNGUELTIG' | 'GESCHLOSSEN' | 'VERGANGEN' | 'ZU_WEIT' | 'UHRZEIT_UNGUELTIG';

export const SLOT_FEHLER_TEXT: Record<SlotFehler, string> = {
  STANDORT_UNBEKANNT: 'Bitte wählen Sie einen Standort aus der Liste.',
  TAG_UNGUELTIG: 'Bitte wählen Sie einen gültigen Tag.',
  GESCHLOSSEN: 'An diesem Tag ist der Standort geschlossen. Bitte wählen Sie einen anderen Tag.',
  VERGANGEN: 'Dieser Termin liegt in der Vergangenheit oder ist zu kurzfristig. Bitte wählen Sie einen späteren Termin.',
  ZU_WEIT: 'So weit im Voraus können Sie noch nicht buchen. Bitte wählen Sie einen früheren Tag.',
  UHRZEIT_UNGUELTIG: 'Diese Uhrzeit wird an diesem Tag nicht angeboten. Bitte wählen Sie eine Uhrzeit aus der Liste.',
};

/** Whether a day may be chosen at all (closed, past, beyond the horizon). */
export function pruefeTag(kap: Kapazitaet, standortId: string, tag: unknown, jetztMs: number): { ok: true; standort: Standort; tag: Tag } | { ok: false; fehler: SlotFehler } {
  const standort = kap.standorte.find((s) => s.id === standortId);
  if (!standort) return { ok: false, fehler: 'STANDORT_UNBEKANNT' };
  if (!istGueltigerTag(tag)) return { ok: false, fehler: 'TAG_UNGUELTIG' };
  const heute = berlinTag(jetztMs);
  if (tag < heute) return { ok: false, fehler: 'VERGANGEN' };
  if (tag > plusTage(heute, kap.buchungshorizontTage)) return { ok: false, fehler: 'ZU_WEIT' };
  if (geschlossen(standort, tag) !== null) return { ok: false, fehler: 'GESCHLOSSEN' };
  return { ok: true, standort, tag };
}

/** The appointment for a chosen start, or why it cannot be booked. */
export function pruefeSlot(kap: Kapazitaet, standortId: string, tag: unknown, uhrzeit: unknown, jetztMs: number): { ok: true; slot: TerminSlot; standort: Standort } | { ok: false; fehler: SlotFehler } {
  const t = pruefeTag(kap, standortId, tag, jetztMs);
  if (!t.ok) return t;
  if (typeof uhrzeit !== 'string' || !HHMM.test(uhrzeit)) return { ok: false, fehler: 'UHRZEIT_UNGUELTIG' };
  const slot = startzeitenDesTages(t.standort, t.tag, kap.neuantragSlots).find((s) => s.uhrzeit === uhrzeit);
  if (!slot) return { ok: false, fehler: 'UHRZEIT_UNGUELTIG' };
  if (slot.beginnMs < jetztMs + kap.mindestvorlaufMinuten * 60_000) return { ok: false, fehler: 'VERGANGEN' };
  return { ok: true, slot, standort: t.standort };
}

/** Bookable days of a location from today within the horizon (open days only). */
export function buchbareTage(kap: Kapazitaet, standortId: string, jetztMs: number): Tag[] {
  const standort = kap.standorte.find((s) => s.id === standortId);
  if (!standort) return [];
  const heute = berlinTag(jetztMs);
  const f = feiertageFuer(standort);
  const out: Tag[] = [];
  for (let i = 0; i <= kap.buchungshorizontTage; i += 1) {
    const tag = plusTage(heute, i);
    if (geschlossen(standort, tag, f) !== null) continue;
    const spaetester = startzeitenDesTages(standort, tag, kap.neuantragSlots, f).some((s) => s.beginnMs >= jetztMs + kap.mindestvorlaufMinuten * 60_000);
    if (spaetester) out.push(tag);
  }
  return out;
}

// --------------------------------------------------------------------------------- person

export const NAME_MAX = 100;

export type Feld = 'name' | 'email' | 'telefon' | 'strasse' | 'plz' | 'ort' | 'bgNummer' | 'einwilligung';

export interface PersonEingabe {
  name?: unknown;
  email?: unknown;
  telefon?: unknown;
  strasse?: unknown;
  plz?: unknown;
  ort?: unknown;
  bgNummer?: unknown;
  einwilligung?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v.normalize('NFC').trim().replace(/\s+/g, ' ') : '');
/** Letters of any script, spaces, hyphen, apostrophe, period (e.g. "Dr. Anna-Lena O'Neill"). */
const NAME_ZEICHEN = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const TELEFON = /^\+?[0-9 ()/-]{6,25}$/;

/**
 * Validates and normalises what a citizen typed. Errors are per field, in plain German,
 * so the page can tie each to its input (aria-describedby). Contact: an e-mail address, or
 * a postal address for a letter.
 */
export function pruefePerson(e: PersonEingabe): { ok: true; person: TerminPerson } | { ok: false; fehler: Partial<Record<Feld, string>> } {
  const fehler: Partial<Record<Feld, string>> = {};
  const name = str(e.name);
  if (!name) fehler.name = 'Bitte geben Sie Ihren Vor- und Nachnamen ein.';
  else if (name.length > NAME_MAX) fehler.name = `Der Name ist zu lang (höchstens ${NAME_MAX} Zeichen).`;
  else if (!NAME_ZEICHEN.test(name)) fehler.name = 'Der Name darf nur Buchstaben, Leerzeichen, Bindestrich, Punkt und Apostroph enthalten.';
  const email = str(e.email);
  if (email && (email.length > 254 || !EMAIL.test(email))) fehler.email = 'Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de.';
  const telefon = str(e.telefon);
  if (telefon && !TELEFON.test(telefon)) fehler.telefon = 'Bitte geben Sie eine Telefonnummer nur mit Ziffern ein, zum Beispiel 07361 123456.';
  const strasse = str(e.strasse);
  const plz = str(e.plz);
  const ort = str(e.ort);
  let anschrift: PostAnschrift | undefined;
  if (strasse || plz || ort || !email) {
    if (!strasse) fehler.strasse = email ? 'Bitte geben Sie Straße und Hausnummer ein oder lassen Sie die Anschrift ganz leer.' : 'Ohne E-Mail-Adresse senden wir die Bestätigung per Brief: Bitte geben Sie Straße und Hausnummer ein.';
    else if (strasse.length > 100 || /[<>{}]/.test(strasse)) fehler.strasse = 'Bitte geben Sie Straße und Hausnummer ohne Sonderzeichen ein (höchstens 100 Zeichen).';
    if (!/^\d{5}$/.test(plz)) fehler.plz = 'Bitte geben Sie eine Postleitzahl mit fünf Ziffern ein.';
    if (!ort) fehler.ort = 'Bitte geben Sie den Ort ein.';
    else if (ort.length > 80 || !NAME_ZEICHEN.test(ort.replace(/[()0-9]/g, 'a'))) fehler.ort = 'Bitte geben Sie den Ort nur mit Buchstaben ein (höchstens 80 Zeichen).';
    anschrift = { strasse, plz, ort };
  }
  let bgNummer: string | undefined;
  const bgRoh = str(e.bgNummer);
  if (bgRoh) {
    const n = normalizeBgNummer(bgRoh);
    if (!n) fehler.bgNummer = 'Die Nummer der Bedarfsgemeinschaft hat die Form 12345BG1234567. Sie können das Feld auch leer lassen.';
    else bgNummer = n;
  }
  if (e.einwilligung !== 'ja') fehler.einwilligung = 'Bitte bestätigen Sie, dass Sie die Hinweise zum Datenschutz gelesen haben.';
  if (Object.keys(fehler).length) return { ok: false, fehler };
  return {
    ok: true,
    person: { name, ...(email ? { email } : {}), ...(telefon ? { telefon } : {}), ...(anschrift ? { anschrift } : {}), ...(bgNummer ? { bgNummer } : {}) },
  };
}
