/**
 * Aufgaben: work for people that the engine cannot do itself (an escalated Weiterbewilligung,
 * a letter the print centre rejected, benefits about to end). Each Aufgabe is a Temporal
 * workflow `aufgabe` (workflows/aufgaben/) that waits for people: take, complete with a note,
 * hand back, comment; with a due date, a priority and an escalation timer.
 * The Sachbearbeitung sees its team's Aufgaben in the console's escalation inbox.
 *
 * Workflow ids and search attributes carry no personal data: team ids, kinds, states, dates.
 * Names, BG-Nummern etc. travel in the (encrypted) input only.
 */
export const AUFGABE_WORKFLOW = 'aufgabe';

export type AufgabeArt =
  | 'WBA_BEARBEITEN'
  | 'WBA_FEHLT_ESKALATION'
  | 'LEISTUNGSENDE'
  | 'DRUCK_ABGELEHNT'
  | 'POSTEINGANG_PRUEFEN'
  | 'SONSTIGE';

export type AufgabeStatus = 'offen' | 'in_bearbeitung' | 'erledigt' | 'abgebrochen';
export type Prioritaet = 'normal' | 'hoch';

export interface AufgabeInput {
  art: AufgabeArt;
  /** Short German title as the inbox shows it, e.g. "Weiterbewilligungsantrag fehlt". */
  titel: string;
  /** German text: what happened, what to do. May name the household (encrypted payload). */
  beschreibung: string;
  /** Responsible team (Fachverfahren team id, e.g. "LE-GOE-AF"). */
  teamId: string;
  bereich: 'leistung' | 'markt-integration';
  prioritaet: Prioritaet;
  /** Due day YYYY-MM-DD (Europe/Berlin). */
  faelligAm: string;
  /** Where the Aufgabe comes from: the process and its workflow (opaque ids). */
  bezug: { prozess: string; workflowId: string; bgNummer?: string };
}

export interface AufgabeKommentar {
  von: string;
  am: string;
  text: string;
}

export interface AufgabeZustand extends AufgabeInput {
  status: AufgabeStatus;
  bearbeiter?: string;
  erledigtAm?: string;
  erledigtVon?: string;
  notiz?: string;
  /** true once the escalation timer fired (due date passed while open). */
  eskaliert: boolean;
  kommentare: AufgabeKommentar[];
}

/** Update names of the `aufgabe` workflow. Each takes { benutzer: string, ... } and returns AufgabeZustand. */
export const AufgabeUpdates = {
  uebernehmen: 'uebernehmen',
  erledigen: 'erledigen',
  zurueckgeben: 'zurueckgeben',
  kommentieren: 'kommentieren',
} as const;
export const AUFGABE_ZUSTAND_QUERY = 'zustand';

/** Deterministic id: one Aufgabe of a kind per originating workflow (starting twice starts one). */
export function aufgabeWorkflowId(bezugWorkflowId: string, art: AufgabeArt): string {
  return `aufgabe-${art.toLowerCase()}-${bezugWorkflowId}`;
}
