/**
 * Internals of the Zentraldruck process shared by its workflows, its activities and the
 * console: policy, signals and queries of the letter workflow `zentraldruckBrief` and of the
 * day's batch workflow `zentraldruckTagesbatch`. The contract for requesting processes is
 * domain/zentraldruck.ts; this file is for the Zentraldruck itself and the Postausgang page.
 *
 * Nothing here carries personal data: letters are known by their opaque briefId, batches by
 * their day.
 */
import type { BriefArt } from './zentraldruck';
import type { Bundesland } from './fristen';

export const TAGESBATCH_WORKFLOW = 'zentraldruckTagesbatch';
export const ANNAHMESCHLUSS_WORKFLOW = 'zentraldruckAnnahmeschluss';
export const ANNAHMESCHLUSS_SCHEDULE_ID = 'zentraldruck-annahmeschluss';
export const BESCHEIDE_WORKFLOW = 'zentraldruckBescheide';
export const BESCHEIDE_SCHEDULE_ID = 'zentraldruck-bescheide';

/** Per-site policy; every duration configurable (tests compress them). */
export interface ZentraldruckPolicy {
  /** Daily cut-off, HH:MM Europe/Berlin (not between 02:00 and 03:00). */
  annahmeschluss: string;
  /** Land whose public holidays have no batch (feiertagejs code, e.g. NI). */
  land: Bundesland;
  /** Interval between status queries of a submitted batch (ms; ≥ 5000 in production). */
  statusPollMs: number;
  /** A batch whose letters are not all final this long after submission is marked 'verzoegert'. */
  statusWarnungMs: number;
  /** Letters with more pages are refused before sending (the centre's limit). */
  maxSeiten: number;
  /** Letters per submission; a larger day is split into several (druckbatch-<day>-1, -2, …). */
  maxBriefeProAuftrag: number;
  /** Due date of an Aufgabe DRUCK_ABGELEHNT: today + this many days. */
  aufgabeFristTage: number;
  /** Prefix of batch workflow ids and batch ids (tests use their own to stay apart). */
  batchPraefix: string;
  /** Status queries per run of the batch workflow before it continues as new (keeps the history small). */
  maxAbfragenProLauf: number;
}

export const STANDARD_POLICY: ZentraldruckPolicy = {
  annahmeschluss: '14:00',
  land: 'NI',
  statusPollMs: 30_000,
  statusWarnungMs: 60 * 60_000,
  maxSeiten: 100,
  maxBriefeProAuftrag: 500,
  aufgabeFristTage: 2,
  batchPraefix: 'druckbatch',
  maxAbfragenProLauf: 500,
};

/** Workflow id of the batch of one day: `druckbatch-YYYY-MM-DD`. */
export function tagesbatchWorkflowId(tag: string, praefix = STANDARD_POLICY.batchPraefix): string {
  return `${praefix}-${tag}`;
}

/** Submission id at the print centre: `druckbatch-YYYY-MM-DD-n` (n counts the submissions of the day). */
export function auftragsKennung(tag: string, n: number, praefix = STANDARD_POLICY.batchPraefix): string {
  return `${praefix}-${tag}-${n}`;
}

// ---- letter workflow ----------------------------------------------------------------------

/** Search attribute AktenlaufStatus of a letter. */
export type BriefStatus =
  | 'angefordert'
  | 'gerendert'
  | 'geprueft'
  | 'wartet_auf_batch'
  | 'uebergeben'
  | 'versendet'
  | 'abgelehnt'
  | 'abgebrochen';

/** Answer of the query `zustand` of a letter workflow (no personal data). */
export interface BriefZustand {
  status: BriefStatus;
  art: BriefArt;
  teamId: string;
  /** Attempt (1 = first; a person's "erneut senden" starts the next). */
  versuch: number;
  /** German reason of the latest reject (preflight, print centre, template). */
  grund?: string;
  fehlercode?: string;
  /** Day of the batch the letter is in (YYYY-MM-DD). */
  stichtag?: string;
  batchWorkflowId?: string;
  /** Submission id at the centre. */
  batchId?: string;
  seiten?: number;
  postausgangsdatum?: string;
  bekanntgabedatum?: string;
  eakteDokumentId?: string;
  /** Posted but not filed (no BG-Nummer yet): the German note, e.g. "nicht abgelegt: keine Bedarfsgemeinschaft". */
  hinweis?: string;
  /** Workflow id of the open Aufgabe, while a person has to decide. */
  aufgabeWorkflowId?: string;
}

export const BRIEF_ZUSTAND_QUERY = 'zustand';
/** Batch → letter: the outcome of the letter at the centre (or: batch closed, join the next one). */
export const DRUCK_ERGEBNIS_SIGNAL = 'druck_ergebnis';
/** Person → letter (after a reject): render/check/send again. Arg: { benutzer, notiz? }. */
export const BRIEF_ERNEUT_SENDEN_SIGNAL = 'brief_erneut_senden';
/** Person → letter (after a reject): discard. Arg: { benutzer, grund? }. */
export const BRIEF_VERWERFEN_SIGNAL = 'brief_verwerfen';

export interface Entscheidung {
  benutzer?: string;
  notiz?: string;
  grund?: string;
}

export type DruckErgebnis =
  | { briefId: string; status: 'an_post_uebergeben'; postausgangsdatum: string; batchId: string }
  | { briefId: string; status: 'fehler'; fehlercode?: string; grund: string; batchId?: string }
  /** The batch had already passed its cut-off: join the next working day's batch. */
  | { briefId: string; status: 'zu_spaet'; stichtag: string };

// ---- batch workflow -----------------------------------------------------------------------

export interface BatchBrief {
  /** Letter id at the centre (the briefId, or a derived opaque id; see activities/druck). */
  briefId: string;
  /** Workflow id of the letter (where the outcome goes). */
  workflowId: string;
  /** PDF in the engine's store, relative to the data dir. */
  pdfPfad: string;
  seiten: number;
}

export const BRIEF_ANMELDEN_SIGNAL = 'brief_anmelden';
export const ANNAHMESCHLUSS_SIGNAL = 'annahmeschluss';
export const BATCH_ZUSTAND_QUERY = 'zustand';

export type BatchPhase = 'sammelt' | 'uebergeben' | 'verzoegert' | 'abgeschlossen' | 'leer';

export interface TagesbatchInput {
  stichtag: string;
  /** Cut-off instant (ISO) when no signal came earlier. */
  annahmeschlussUm: string;
  policy: ZentraldruckPolicy;
  /** Carried over by continue-as-new while collecting. */
  briefe?: BatchBrief[];
  /** Carried over by continue-as-new while following the status (submitted, not yet final). */
  verfolgung?: {
    offen: Array<{ auftragsId: string; batchId: string; briefe: BatchBrief[] }>;
    auftraege: BatchZustand['auftraege'];
    ergebnisse: BatchZustand['ergebnisse'];
    anzahl: number;
    warnungUm: number;
    gewarnt: boolean;
  };
}

export interface BatchZustand {
  stichtag: string;
  phase: BatchPhase;
  anzahl: number;
  auftraege: Array<{ batchId: string; briefe: number; offen: number; status?: string }>;
  /** Per letter: centre id → outcome so far. */
  ergebnisse: Record<string, 'offen' | 'an_post_uebergeben' | 'fehler'>;
}
