/**
 * Contract of the Zentraldruck process, used by every process that sends a letter
 * (Weiterbewilligung reminders, appointment confirmations, Eingangsbestätigungen).
 *
 * A process starts one child workflow `zentraldruckBrief` per letter with a deterministic
 * workflow id (briefWorkflowId), so a letter is requested once even when the requesting
 * workflow retries. The letter workflow renders (or takes) the PDF, checks it, joins the day's
 * batch, follows it to the post, files it into the E-Akte with its Postausgangsdatum and
 * returns the result; a rejected letter waits for a person (Aufgabe DRUCK_ABGELEHNT).
 * A letter without BG-Nummer (e.g. an appointment confirmation for a Neuantrag: there is no
 * Bedarfsgemeinschaft yet) is posted the same way but not filed: its result says so (`hinweis`).
 */
export const BRIEF_WORKFLOW = 'zentraldruckBrief';

export type BriefArt =
  | 'WBA_ERINNERUNG' // first reminder, WBA form enclosed
  | 'WBA_ZWEITE_ERINNERUNG'
  | 'TERMIN_BESTAETIGUNG'
  | 'TERMIN_ERINNERUNG'
  | 'EINGANGSBESTAETIGUNG'
  | 'FACHVERFAHREN_BESCHEID'; // PDF produced by the Fachverfahren, taken from its output folder

export interface Anschrift {
  /** Name line(s) as printed, e.g. "Frau Erika Mustermann". */
  name: string;
  zusatz?: string;
  strasse: string;
  plz: string;
  ort: string;
}

export interface BriefAuftrag {
  /** Idempotency key of the letter (UUID or opaque id chosen by the requesting process). */
  briefId: string;
  art: BriefArt;
  empfaenger: Anschrift;
  /**
   * BG-Nummer the letter belongs to (E-Akte filing); travels only in the encrypted payload.
   * Absent or empty: the person has no Bedarfsgemeinschaft yet; the letter is posted, not filed.
   */
  bgNummer?: string;
  /** Team that answers questions (Zeichen / Ansprechpartner) and gets rejects. */
  teamId: string;
  /** Template data, by art (e.g. bwzEnde, frist, termin). German field names. */
  daten: Record<string, string>;
  /** For FACHVERFAHREN_BESCHEID: path of the PDF in the engine's store (relative to the data dir). */
  pdfPfad?: string;
  bezug: { prozess: string; workflowId: string };
}

export type BriefErgebnis =
  | {
      status: 'versendet';
      /** Day handed to Deutsche Post (YYYY-MM-DD). */
      postausgangsdatum: string;
      /** Bekanntgabe by fiction: 4th day after posting (§37 Abs. 2 SGB X, since 2025). */
      bekanntgabedatum: string;
      /** Document id in the E-Akte; '' when the letter was not filed (see `hinweis`). */
      eakteDokumentId: string;
      /** Set when the posted letter was not filed, e.g. NICHT_ABGELEGT_OHNE_BG. */
      hinweis?: string;
    }
  | { status: 'abgebrochen'; grund: string };

/** Result note of a posted letter without BG-Nummer: nothing in the E-Akte to file it into yet. */
export const NICHT_ABGELEGT_OHNE_BG = 'nicht abgelegt: keine Bedarfsgemeinschaft';

/** True when the letter has a BG-Nummer to file it under. */
export function hatBedarfsgemeinschaft(bgNummer: string | undefined): bgNummer is string {
  return typeof bgNummer === 'string' && bgNummer.trim() !== '';
}

/** Deterministic child workflow id for a letter. */
export function briefWorkflowId(briefId: string): string {
  return `brief-${briefId}`;
}
