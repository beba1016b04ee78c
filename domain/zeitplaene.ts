/**
 * The catalogue of the engine's recurring jobs (each a Temporal schedule) and the "Takt":
 * the small German calendar language admins use in the console and the CLI. Pure: no I/O,
 * no clock (callers pass `jetzt`).
 *
 * Takt examples: `täglich 05:30`, `Mo-Fr 14:00`, `Mo,Mi,Fr 08:00,13:00`, `So 04:00`,
 * `alle 5 Minuten`, `alle 2 Stunden`. Calendar times are Europe/Berlin; times between
 * 02:00 and 03:00 are refused (they do not exist on the spring DST day and occur twice in autumn).
 */
import { DateTime } from 'luxon';
import { ANNAHMESCHLUSS_SCHEDULE_ID, ANNAHMESCHLUSS_WORKFLOW, BESCHEIDE_SCHEDULE_ID, BESCHEIDE_WORKFLOW } from './briefdruck';
import { KLASSIFIKATOR_TRAINING_SCHEDULE_ID, KLASSIFIKATOR_TRAINING_WORKFLOW } from './posteingang';
import { TERMIN_SYNC_WORKFLOW } from './termine-vorgang';
import { WEITERBEWILLIGUNG_SCHEDULE_ID, WEITERBEWILLIGUNG_SYNC_WORKFLOW, WEITERBEWILLIGUNG_SYNC_WORKFLOW_ID } from './weiterbewilligung';

export const ZEITPLAN_ZEITZONE = 'Europe/Berlin';
export const AUFBEWAHRUNG_WORKFLOW = 'aufbewahrung';
export const AUFBEWAHRUNG_SCHEDULE_ID = 'aufbewahrung-taeglich';
export const BETRIEBSBERICHT_WORKFLOW = 'betriebsbericht';
export const BETRIEBSBERICHT_SCHEDULE_ID = 'betriebsbericht-taeglich';
/** Same id as activities/termine/schedule.ts (ensureTerminSyncSchedule). */
export const TERMIN_SYNC_SCHEDULE_ID = 'termine-sync-taeglich';
/** A backfill may cover at most this many days (a longer one would start a flood of runs). */
export const MAX_NACHHOL_TAGE = 31;

export interface ZeitplanKatalogEintrag {
  /** Schedule id (fixed: one schedule per catalogue entry). */
  id: string;
  workflowType: string;
  /** Workflow id of each run (overlapping runs are skipped, so one id suffices). */
  laufId: string;
  standardTakt: string;
  titel: string;
  beschreibung: string;
  /** How long after a missed time (engine down) the run is still caught up. */
  nachholfenster: string;
}

export const ZEITPLAN_KATALOG: readonly ZeitplanKatalogEintrag[] = [
  {
    id: WEITERBEWILLIGUNG_SCHEDULE_ID,
    workflowType: WEITERBEWILLIGUNG_SYNC_WORKFLOW,
    laufId: WEITERBEWILLIGUNG_SYNC_WORKFLOW_ID,
    standardTakt: 'täglich 05:30',
    titel: 'Abgleich Bewilligungszeiträume',
    beschreibung: 'Liest die Bewilligungszeiträume aus dem Fachverfahren und startet oder aktualisiert die Weiterbewilligung je Bedarfsgemeinschaft.',
    nachholfenster: '1 day',
  },
  {
    id: ANNAHMESCHLUSS_SCHEDULE_ID,
    workflowType: ANNAHMESCHLUSS_WORKFLOW,
    laufId: `${ANNAHMESCHLUSS_SCHEDULE_ID}-lauf`,
    standardTakt: 'Mo-Fr 14:00',
    titel: 'Annahmeschluss Zentraldruck',
    beschreibung: 'Schließt die Tagessendung an das Druckzentrum (an Feiertagen ohne Wirkung).',
    nachholfenster: '2 hours',
  },
  {
    id: BESCHEIDE_SCHEDULE_ID,
    workflowType: BESCHEIDE_WORKFLOW,
    laufId: `${BESCHEIDE_SCHEDULE_ID}-lauf`,
    standardTakt: 'alle 5 Minuten',
    titel: 'Bescheide übernehmen',
    beschreibung: 'Holt neue Bescheide aus dem Ausgabeordner des Fachverfahrens für den Zentraldruck.',
    nachholfenster: '10 minutes',
  },
  {
    id: KLASSIFIKATOR_TRAINING_SCHEDULE_ID,
    workflowType: KLASSIFIKATOR_TRAINING_WORKFLOW,
    laufId: 'klassifikator-training',
    standardTakt: 'So 04:00',
    titel: 'Klassifikator nachtrainieren',
    beschreibung: 'Trainiert die Dokumenterkennung mit den Korrekturen des Postkorbs nach.',
    nachholfenster: '1 day',
  },
  {
    id: TERMIN_SYNC_SCHEDULE_ID,
    workflowType: TERMIN_SYNC_WORKFLOW,
    laufId: 'termine-sync',
    standardTakt: 'täglich 06:15',
    titel: 'Abgleich Terminsystem',
    beschreibung: 'Übernimmt die Termine der nächsten drei Tage aus dem Terminsystem des Landratsamts (nur an Standorten mit diesem System; sonst pausiert).',
    nachholfenster: '6 hours',
  },
  {
    id: AUFBEWAHRUNG_SCHEDULE_ID,
    workflowType: AUFBEWAHRUNG_WORKFLOW,
    laufId: `${AUFBEWAHRUNG_SCHEDULE_ID}-lauf`,
    standardTakt: 'täglich 03:30',
    titel: 'Aufbewahrung',
    beschreibung: 'Löscht Seitenbilder, OCR-Texte, Quarantäne-Dateien und Audit-Segmente nach ihren Fristen – nie etwas eines offenen Vorgangs – und schreibt einen Bericht.',
    nachholfenster: '1 day',
  },
  {
    id: BETRIEBSBERICHT_SCHEDULE_ID,
    workflowType: BETRIEBSBERICHT_WORKFLOW,
    laufId: `${BETRIEBSBERICHT_SCHEDULE_ID}-lauf`,
    standardTakt: 'täglich 06:45',
    titel: 'Täglicher Betriebsbericht',
    beschreibung: 'Fasst Warteschlangen, Alarme und Zustand der Dienste zusammen und legt den Bericht ab.',
    nachholfenster: '6 hours',
  },
];

export function katalogEintrag(id: string): ZeitplanKatalogEintrag | undefined {
  return ZEITPLAN_KATALOG.find((e) => e.id === id);
}

export function katalogNachWorkflow(workflowType: string): ZeitplanKatalogEintrag | undefined {
  return ZEITPLAN_KATALOG.find((e) => e.workflowType === workflowType);
}

export const WOCHENTAGE = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Wochentag = (typeof WOCHENTAGE)[number];
const KUERZEL = ['mo', 'di', 'mi', 'do', 'fr', 'sa', 'so'] as const;
const KUERZEL_ANZEIGE = ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'];

export type Takt =
  | { art: 'kalender'; /** undefined = every day */ tage?: Wochentag[]; zeiten: { stunde: number; minute: number }[] }
  | { art: 'intervall'; minuten: number };

export class TaktFehler extends Error {
  override name = 'TaktFehler';
}

export const TAKT_BEISPIELE = '„täglich 05:30“, „Mo-Fr 14:00“, „Mo,Mi,Fr 08:00,13:00“, „So 04:00“, „alle 5 Minuten“, „alle 2 Stunden“';

function nichtVerstanden(eingabe: string): TaktFehler {
  return new TaktFehler(`Der Takt „${eingabe}“ ist nicht verständlich. Erlaubt sind zum Beispiel ${TAKT_BEISPIELE} (Uhrzeiten in deutscher Zeit).`);
}

function tagIndex(k: string): number {
  return (KUERZEL as readonly string[]).indexOf(k.toLowerCase());
}

/** Parses a Takt; throws TaktFehler with a German message for anything malformed or in 02:00–03:00. */
export function parseTakt(eingabe: string): Takt {
  const s = eingabe.trim().replace(/\s+/g, ' ');
  if (s.length === 0 || s.length > 100) throw nichtVerstanden(eingabe.slice(0, 100));
  const iv = /^alle (\d{1,4}) (minuten|minute|stunden|stunde)$/i.exec(s);
  if (iv) {
    const n = Number(iv[1]);
    const minuten = iv[2]!.toLowerCase().startsWith('stunde') ? n * 60 : n;
    if (n < 1 || minuten > 24 * 60) throw new TaktFehler(`Intervall „${s}“ außerhalb des erlaubten Bereichs (1 Minute bis 24 Stunden).`);
    return { art: 'intervall', minuten };
  }
  const m = /^(\S+) (\S+)$/.exec(s);
  if (!m) throw nichtVerstanden(s);
  const [, tageText, zeitenText] = m as unknown as [string, string, string];
  let tage: Wochentag[] | undefined;
  if (!/^(täglich|taeglich)$/i.test(tageText)) {
    const set = new Set<number>();
    for (const teil of tageText.split(',')) {
      const r = /^([A-Za-z]{2})(?:-([A-Za-z]{2}))?$/.exec(teil);
      if (!r) throw nichtVerstanden(s);
      const a = tagIndex(r[1]!);
      const b = r[2] ? tagIndex(r[2]) : a;
      if (a < 0 || b < 0) throw new TaktFehler(`Unbekannter Wochentag in „${teil}“. Wochentage: Mo, Di, Mi, Do, Fr, Sa, So.`);
      if (b < a) throw new TaktFehler(`Der Bereich „${teil}“ läuft rückwärts; bitte z. B. „Mo-Fr“ schreiben.`);
      for (let i = a; i <= b; i += 1) set.add(i);
    }
    tage = [...set].sort((x, y) => x - y).map((i) => WOCHENTAGE[i]!);
  }
  const zeiten: { stunde: number; minute: number }[] = [];
  for (const z of zeitenText.split(',')) {
    const t = /^(\d{1,2}):(\d{2})$/.exec(z);
    if (!t) throw nichtVerstanden(s);
    const stunde = Number(t[1]);
    const minute = Number(t[2]);
    if (stunde > 23 || minute > 59) throw new TaktFehler(`„${z}“ ist keine gültige Uhrzeit (00:00 bis 23:59).`);
    if (stunde === 2) {
      throw new TaktFehler(`Die Uhrzeit ${z} liegt zwischen 02:00 und 03:00 Uhr. In dieser Stunde fällt die Zeit bei der Umstellung auf Sommerzeit aus und läuft bei der Umstellung auf Winterzeit doppelt. Bitte eine andere Uhrzeit wählen.`);
    }
    if (!zeiten.some((x) => x.stunde === stunde && x.minute === minute)) zeiten.push({ stunde, minute });
  }
  if (zeiten.length > 12) throw new TaktFehler('Höchstens 12 Uhrzeiten je Takt.');
  zeiten.sort((x, y) => x.stunde * 60 + x.minute - (y.stunde * 60 + y.minute));
  return { art: 'kalender', tage, zeiten };
}

const zz = (n: number) => String(n).padStart(2, '0');

/** The canonical text of a Takt (parseTakt(formatTakt(t)) equals t). */
export function formatTakt(t: Takt): string {
  if (t.art === 'intervall') return t.minuten % 60 === 0 ? `alle ${t.minuten / 60} Stunden` : `alle ${t.minuten} Minuten`;
  const zeiten = t.zeiten.map((z) => `${zz(z.stunde)}:${zz(z.minute)}`).join(',');
  if (!t.tage || t.tage.length === 7) return `täglich ${zeiten}`;
  const idx = t.tage.map((d) => WOCHENTAGE.indexOf(d));
  // Runs of consecutive days become ranges (Mo-Fr).
  const teile: string[] = [];
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j += 1;
    teile.push(j - i >= 2 ? `${KUERZEL_ANZEIGE[idx[i]!]}-${KUERZEL_ANZEIGE[idx[j]!]}` : idx.slice(i, j + 1).map((k) => KUERZEL_ANZEIGE[k]).join(','));
    i = j + 1;
  }
  return `${teile.join(',')} ${zeiten}`;
}

/**
 * Checks a backfill period: start before end, not in the future, at most MAX_NACHHOL_TAGE days.
 * Returns a German refusal, or undefined when the period is fine.
 */
export function pruefeNachholzeitraum(von: Date, bis: Date, jetzt: Date, maxTage = MAX_NACHHOL_TAGE): string | undefined {
  if (Number.isNaN(von.getTime()) || Number.isNaN(bis.getTime())) return 'Der Zeitraum ist ungültig: Beginn und Ende als Datum mit Uhrzeit angeben (z. B. 2026-11-20T00:00).';
  if (bis.getTime() <= von.getTime()) return 'Der Zeitraum ist leer oder rückwärts: Das Ende muss nach dem Beginn liegen.';
  if (bis.getTime() > jetzt.getTime()) return 'Das Ende des Zeitraums liegt in der Zukunft. Nachholen geht nur für vergangene Zeiträume; künftige Läufe startet der Zeitplan selbst.';
  if (bis.getTime() - von.getTime() > maxTage * 86_400_000) return `Der Zeitraum ist zu lang: höchstens ${maxTage} Tage auf einmal nachholen (sonst startet eine Flut von Läufen).`;
  return undefined;
}

/** A backfill starts at most this many runs (a 5-minute Takt over a month would be thousands). */
export const MAX_NACHHOL_LAEUFE = 200;

/** Upper estimate of the runs a Takt has in a period (calendar: whole days × times × share of weekdays). */
export function geschaetzteLaeufe(t: Takt, von: Date, bis: Date): number {
  const ms = Math.max(0, bis.getTime() - von.getTime());
  if (t.art === 'intervall') return Math.floor(ms / (t.minuten * 60_000)) + 1;
  const tage = Math.ceil(ms / 86_400_000) + 1;
  const anteil = t.tage ? t.tage.length / 7 : 1;
  return Math.ceil(tage * anteil) * t.zeiten.length;
}

/** A time as admins type it, in Europe/Berlin: a day (its start) or a day with time (2026-11-20T14:00). */
export function parseBerlinZeit(v: string | undefined): Date | undefined {
  const t = v?.trim() ?? '';
  // As the browser's date-time field sends it, or as staff type it: "20.11.2026 14:00" / "20.11.2026, 14:00".
  const deutsch = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2}))?$/.exec(t);
  const d = deutsch
    ? DateTime.fromObject({ day: Number(deutsch[1]), month: Number(deutsch[2]), year: Number(deutsch[3]), hour: Number(deutsch[4] ?? 0), minute: Number(deutsch[5] ?? 0) }, { zone: ZEITPLAN_ZEITZONE })
    : /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(t) ? DateTime.fromISO(t, { zone: ZEITPLAN_ZEITZONE }) : undefined;
  return d?.isValid ? d.toJSDate() : undefined;
}
