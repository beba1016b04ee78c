/**
 * Weiterbewilligung (§41, §37 SGB II): the legal rule of the effective date, the per-site lead
 * times of the reminders, and the contract of the `weiterbewilligung` workflow (input, signals,
 * query) that the daily sync, the Posteingang and the console use.
 *
 * Pure and deterministic (no I/O, no clock): usable in workflow code. Dates are calendar days
 * 'YYYY-MM-DD' (Europe/Berlin), computed as UTC dates so no time zone can shift a day.
 */
import type { Anschrift } from './zentraldruck';

/** Calendar day, YYYY-MM-DD. */
export type Tag = string;

export const WEITERBEWILLIGUNG_WORKFLOW = 'weiterbewilligung';
export const WEITERBEWILLIGUNG_SYNC_WORKFLOW = 'weiterbewilligungSync';
export const WEITERBEWILLIGUNG_SYNC_WORKFLOW_ID = 'weiterbewilligung-sync';
export const WEITERBEWILLIGUNG_SCHEDULE_ID = 'weiterbewilligung-sync-taeglich';

// ------------------------------------------------------------------ date-only arithmetic

const TAG_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** true for a real calendar day in the form YYYY-MM-DD. */
export function istTag(value: unknown): value is Tag {
  if (typeof value !== 'string') return false;
  const m = TAG_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function utc(tag: Tag): number {
  if (!istTag(tag)) throw new RangeError(`Kein gültiger Tag (JJJJ-MM-TT): ${String(tag)}`);
  return Date.parse(`${tag}T00:00:00Z`);
}

function ausUtc(ms: number): Tag {
  return new Date(ms).toISOString().slice(0, 10);
}

export function plusTage(tag: Tag, tage: number): Tag {
  return ausUtc(utc(tag) + tage * DAY_MS);
}

/** Whole days from `von` to `bis` (negative if `bis` is earlier). */
export function tageZwischen(von: Tag, bis: Tag): number {
  return Math.round((utc(bis) - utc(von)) / DAY_MS);
}

/** First day of the month of `tag`. */
export function monatsanfang(tag: Tag): Tag {
  utc(tag);
  return `${tag.slice(0, 7)}-01`;
}

export function spaeterer(a: Tag, b: Tag): Tag {
  return a >= b ? a : b;
}

/** 'TT.MM.JJJJ' as German letters and texts show a day. */
export function deutschesDatum(tag: Tag): string {
  utc(tag);
  return `${tag.slice(8, 10)}.${tag.slice(5, 7)}.${tag.slice(0, 4)}`;
}

// ------------------------------------------------------------------ the legal rule

/**
 * First day benefits continue for a WBA received on `eingangsdatum` (§37 Abs. 2 SGB II):
 * the application acts back to the first of the month of receipt, never before the day after
 * the BWZ ends. Months between the end and the month of receipt are lost.
 */
export function effectiveFrom(bwzEnde: Tag, eingangsdatum: Tag): Tag {
  return spaeterer(plusTage(bwzEnde, 1), monatsanfang(eingangsdatum));
}

// ------------------------------------------------------------------ per-site policy

/**
 * Lead times of one Jobcenter. Days are calendar days before the last day of the BWZ.
 * `tagMs` is the length of one policy day in milliseconds: 86,400,000 in operation; tests
 * compress time with e.g. 1000 (one day = one second) because the dev server cannot skip time.
 */
export interface WeiterbewilligungPolicy {
  /** First reminder (WBA form enclosed): bwzEnde − this many days (default 56 = 8 weeks). */
  erinnerungVorlaufTage: number;
  /** Second reminder: bwzEnde − this many days (default 28). */
  zweiteErinnerungVorlaufTage: number;
  /** Escalation to the Sachbearbeitung: bwzEnde − this many days (default 14). */
  eskalationVorlaufTage: number;
  /** The Wiedervorlage "WBA bearbeiten" is due this many days after receipt (default 14). */
  wiedervorlageFristTage: number;
  /** Due date of an escalation Aufgabe: this many days after it is created (default 5). */
  aufgabeFristTage: number;
  /** A WBA received up to this many days after the BWZ end is still handled (default 92). */
  nachlaufTage: number;
  /** The sync looks at BWZ ending up to this many days ahead (default 70 = 10 weeks). */
  syncVorlaufTage: number;
  /** Letters are pointless when fewer than this many days remain before the end (default 3). */
  briefMindestVorlaufTage: number;
  tagMs: number;
}

export const DEFAULT_WEITERBEWILLIGUNG_POLICY: WeiterbewilligungPolicy = {
  erinnerungVorlaufTage: 56,
  zweiteErinnerungVorlaufTage: 28,
  eskalationVorlaufTage: 14,
  wiedervorlageFristTage: 14,
  aufgabeFristTage: 5,
  nachlaufTage: 92,
  syncVorlaufTage: 70,
  briefMindestVorlaufTage: 3,
  tagMs: DAY_MS,
};

/** The policy with defaults filled in; throws a RangeError naming the first invalid value. */
export function pruefePolicy(p: Partial<WeiterbewilligungPolicy> = {}): WeiterbewilligungPolicy {
  const policy = { ...DEFAULT_WEITERBEWILLIGUNG_POLICY, ...p };
  for (const [k, v] of Object.entries(policy)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`Weiterbewilligung-Policy: ${k} muss eine ganze Zahl ≥ 0 sein`);
  }
  if (!(policy.erinnerungVorlaufTage > policy.zweiteErinnerungVorlaufTage && policy.zweiteErinnerungVorlaufTage > policy.eskalationVorlaufTage)) {
    throw new RangeError('Weiterbewilligung-Policy: Vorläufe müssen fallen (Erinnerung > zweite Erinnerung > Eskalation)');
  }
  if (policy.tagMs < 1) throw new RangeError('Weiterbewilligung-Policy: tagMs muss ≥ 1 sein');
  return policy;
}

export type SchrittArt = 'erinnerung1' | 'erinnerung2' | 'eskalation' | 'ende' | 'nachlaufEnde';

export interface Schritt {
  art: SchrittArt;
  /** Day the step is due (it runs at the start of that day). */
  am: Tag;
}

/**
 * The steps of one BWZ in order: reminder (end − lead1), second reminder (end − lead2),
 * escalation (end − lead3), BWZ over (the day after the end), end of the window for late WBAs.
 */
export function schritte(bwzEnde: Tag, policy: WeiterbewilligungPolicy): Schritt[] {
  return [
    { art: 'erinnerung1', am: plusTage(bwzEnde, -policy.erinnerungVorlaufTage) },
    { art: 'erinnerung2', am: plusTage(bwzEnde, -policy.zweiteErinnerungVorlaufTage) },
    { art: 'eskalation', am: plusTage(bwzEnde, -policy.eskalationVorlaufTage) },
    { art: 'ende', am: plusTage(bwzEnde, 1) },
    { art: 'nachlaufEnde', am: plusTage(bwzEnde, 1 + policy.nachlaufTage) },
  ];
}

/** The sync window for `heute`: BWZ ending in [heute − nachlauf, heute + vorlauf]. */
export function syncFenster(heute: Tag, policy: WeiterbewilligungPolicy): { von: Tag; bis: Tag } {
  return { von: plusTage(heute, -policy.nachlaufTage), bis: plusTage(heute, policy.syncVorlaufTage) };
}

// ------------------------------------------------------------------ workflow contract

/** Workflow id of the Weiterbewilligung of one BWZ: the pseudonym is Pseudonymizer.key24('bwz', bgNummer, bwzId). */
export function weiterbewilligungWorkflowId(pseudonym: string): string {
  if (!/^[0-9a-f]{24}$/.test(pseudonym)) throw new RangeError('Pseudonym: 24 Hex-Zeichen erwartet');
  return `wb-${pseudonym}`;
}

/** Idempotency key (briefId) of a letter of this workflow, e.g. ('wb-…', 'erinnerung1'). */
export function wbBriefId(workflowId: string, schritt: 'erinnerung1' | 'erinnerung2'): string {
  return `${workflowId}-${schritt}`;
}

export interface WeiterbewilligungInput {
  bgNummer: string;
  bwzId: string;
  bwzEnde: Tag;
  teamId: string;
  bereich: 'leistung' | 'markt-integration';
  /** Address for the letters, from the Fachverfahren household; absent = no letter, a person is asked. */
  empfaenger?: Anschrift;
  policy: WeiterbewilligungPolicy;
  /**
   * Tests only (time compression): the instant (ISO) that stands for 00:00 of `bwzEnde`.
   * Unset: 00:00 UTC of bwzEnde.
   */
  zeitanker?: string;
}

/**
 * The BWZ a WBA received on `eingangsdatum` belongs to: the latest one that began on or before
 * that day (the running one, or the one that just ended). The Posteingang signals its workflow:
 * `wb-` + Pseudonymizer.key24('bwz', bgNummer, bwz.id). null if none began before.
 */
export function bwzFuerWbaEingang<B extends { id: string; beginn: Tag }>(bwz: readonly B[], eingangsdatum: Tag): B | null {
  let best: B | null = null;
  for (const b of bwz) if (b.beginn <= eingangsdatum && (!best || b.beginn > best.beginn)) best = b;
  return best;
}

/** Signal from the Posteingang: a WBA of this household was received (see bwzFuerWbaEingang). */
export const WBA_EINGEGANGEN_SIGNAL = 'wbaEingegangen';
export interface WbaEingegangen {
  /** Day it reached the Jobcenter (not the day it was scanned). */
  eingangsdatum: Tag;
  quelle: string;
  /** Opaque id of the incoming document (e.g. the Posteingang workflow id). */
  eingangId: string;
}

/** Signal from the sync: the BWZ changed in the Fachverfahren. */
export const BWZ_GEAENDERT_SIGNAL = 'bwzGeaendert';
export interface BwzGeaendert {
  bwzEnde?: Tag;
  aufgeloest?: boolean;
  teamId?: string;
}

export const WB_ZUSTAND_QUERY = 'zustand';

export type WbStatus = 'wartet' | 'erinnert' | 'zweite_erinnerung' | 'eskaliert' | 'wba_eingegangen' | 'beendet_ohne_wba' | 'aufgeloest';

/** Non-personal state for the console (no names, no BG-Nummer). */
export interface WbZustand {
  status: WbStatus;
  bwzEnde: Tag;
  teamId: string;
  naechsterSchritt: { art: SchrittArt; am: Tag } | null;
  /** Letters requested from the Zentraldruck (briefIds, opaque). */
  briefe: { schritt: 'erinnerung1' | 'erinnerung2'; briefId: string; am: Tag }[];
  /** Aufgaben started (workflow ids, opaque). */
  aufgaben: { art: string; workflowId: string; am: Tag }[];
  wba?: { eingangsdatum: Tag; effectiveFrom: Tag; quelle: string };
  /** Steps skipped as pointless after a change of the BWZ (e.g. a letter days before the end). */
  uebersprungen: SchrittArt[];
}

export type WbErgebnis = WbZustand;

// ------------------------------------------------------------------ sync contract

export interface SyncInput {
  policy?: Partial<WeiterbewilligungPolicy>;
  /** Today (Europe/Berlin); default: the activity's clock. */
  heute?: Tag;
  /** Overrides the window (benchmark: the whole Landkreis). */
  von?: Tag;
  bis?: Tag;
  /** Starts in flight at once (default 50). */
  parallel?: number;
}

export interface SyncErgebnis {
  von: Tag;
  bis: Tag;
  /** BWZ listed by the Fachverfahren in the window. */
  gesehen: number;
  gestartet: number;
  /** Already known and unchanged. */
  unveraendert: number;
  /** Known and changed: signalled. */
  geaendert: number;
  /** Known, its workflow already closed: nothing to do. */
  abgeschlossen: number;
  /** Not started: dissolved households, invalid BWZ (end before start). */
  uebersprungen: number;
  /** BWZ the sync could not process this time (technical failure); the next run tries again. */
  fehler: number;
}
