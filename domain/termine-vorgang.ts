/**
 * Contract of the `terminvergabe` workflow (one appointment for a Neuantrag): input, updates,
 * signals, query and policy. Used by the public booking page, the Empfang day view, the sync
 * from the Landratsamt's Terminsystem and the benchmark.
 *
 * Pure and deterministic (no I/O, no clock, no libraries): usable in workflow code.
 * Workflow ids are opaque (`termin-<random>` for online bookings, `termin-ts-<hmac>` for
 * bookings of the Terminsystem): never a name or a number of a person.
 */

/** Calendar day, YYYY-MM-DD (Europe/Berlin). */
export type Tag = string;

export const TERMIN_WORKFLOW = 'terminvergabe';
export const TERMIN_SYNC_WORKFLOW = 'terminSync';
export const TERMIN_ZUSTAND_QUERY = 'terminZustand';
export const TERMIN_BESTAETIGEN_UPDATE = 'terminBestaetigen';
export const TERMIN_ABSAGEN_UPDATE = 'terminAbsagen';
export const TERMIN_UMBUCHEN_UPDATE = 'terminUmbuchen';
export const TERMIN_EINCHECKEN_UPDATE = 'terminEinchecken';
export const TERMIN_NICHT_ERSCHIENEN_UPDATE = 'terminNichtErschienen';
/** Signal from the Terminsystem sync: the booking there changed (time) or vanished. */
export const TERMIN_EXTERN_GEAENDERT_SIGNAL = 'terminExternGeaendert';

export const TERMIN_PREFIX = 'termin-';

/** One booked slot: location, day and local start time, and its span in real time. */
export interface TerminSlot {
  standortId: string;
  tag: Tag;
  /** HH:MM local start. */
  uhrzeit: string;
  /** Start/end as epoch milliseconds (computed in Europe/Berlin outside the workflow). */
  beginnMs: number;
  endeMs: number;
  /** HH:MM of each slot unit the appointment occupies (ledger keys). */
  einheiten: string[];
}

export interface PostAnschrift {
  strasse: string;
  plz: string;
  ort: string;
}

/** What the citizen entered. Travels only in encrypted payloads. */
export interface TerminPerson {
  /** As entered, e.g. "Erika Mustermann". */
  name: string;
  email?: string;
  telefon?: string;
  /** Needed when there is no e-mail: the confirmation goes as a letter. */
  anschrift?: PostAnschrift;
  bgNummer?: string;
}

export interface TerminPolicy {
  /** How long a reservation is held before it must be confirmed. */
  reservierungMs: number;
  /** Reminder this long before the start (skipped when the booking is closer than that). */
  erinnerungVorherMs: number;
  /** Without check-in this long after the start, the appointment counts as missed. */
  nichtErschienenNachMs: number;
  /** The Empfang may check in from this long before the start (not days ahead: that creates the Neuantrag). */
  eincheckenVorherMs: number;
  /** The Empfang may mark "nicht erschienen" from this long before the start (0: only once it has begun). */
  nichtErschienenVorherMs: number;
  /** After the end state, the workflow stays this long (queries for the day view), then closes. */
  nachlaufMs: number;
  /** A booking deleted in the Terminsystem waits this long for coming back (moved beyond the sync window). */
  wiederkehrMs: number;
}

export const STANDARD_TERMIN_POLICY: TerminPolicy = {
  reservierungMs: 10 * 60_000,
  erinnerungVorherMs: 2 * 86_400_000,
  nichtErschienenNachMs: 2 * 3_600_000,
  eincheckenVorherMs: 3 * 3_600_000,
  nichtErschienenVorherMs: 0,
  nachlaufMs: 0,
  wiederkehrMs: 14 * 86_400_000,
};

/** Reason of a Terminsystem booking that vanished from its day. */
export const IM_TERMINSYSTEM_GELOESCHT = 'im Terminsystem gelöscht';

export type TerminQuelle = 'online' | 'terminsystem';

export interface TerminInput {
  quelle: TerminQuelle;
  slot: TerminSlot;
  person: TerminPerson;
  /** Location name and address for messages (no personal data). */
  ort: string;
  /** Team that answers for letters (Zentraldruck rejects go there). */
  teamId: string;
  /** Link to cancel/rebook (with process id and auth key); absent for Terminsystem bookings. */
  verwaltungsLink?: string;
  /** Link to the public booking page (invitation to book again). */
  buchungsLink?: string;
  /** Documents to bring (from the capacity settings at booking time). */
  unterlagen: string[];
  /** Bookings from the Terminsystem are confirmed already (no reservation step). */
  bestaetigt?: boolean;
  policy?: Partial<TerminPolicy>;
}

export type TerminStatus = 'reserviert' | 'bestaetigt' | 'erschienen' | 'erledigt' | 'nicht_erschienen' | 'abgesagt' | 'abgelaufen';

export const ENDZUSTAENDE: readonly TerminStatus[] = ['erledigt', 'nicht_erschienen', 'abgesagt', 'abgelaufen'];

/** Query answer: what the Empfang and the cancel page need (the name only for the day view). */
export interface TerminZustand {
  status: TerminStatus;
  quelle: TerminQuelle;
  slot: TerminSlot;
  ort: string;
  reserviertAmMs: number;
  reserviertBisMs?: number;
  name: string;
  kontakt: 'email' | 'brief' | 'keiner';
  erinnert: boolean;
  /** Owner of the units in the Redis ledger (`<workflowId>#<version>`; online bookings), for a ledger rebuild. */
  ledgerOwner?: string;
  /** Set once the Neuantrag was created (BG-Nummer of the new household). */
  neuantrag?: { bgNummer: string; kundennummer: string };
  grund?: string;
  /** From when the Empfang may check in / mark a no-show (epoch ms; from the policy and the slot). */
  eincheckenAbMs?: number;
  nichtErschienenAbMs?: number;
}

export type TerminAntwort = { ok: true; zustand: TerminZustand } | { ok: false; code: TerminFehlerCode; meldung: string };

export type TerminFehlerCode = 'ABGELAUFEN' | 'BELEGT' | 'FALSCHER_STATUS' | 'UNGUELTIG' | 'ZU_FRUEH';

/** Data the Empfang confirms at check-in (from the ID card); needed for the Neuantrag. */
export interface EincheckDaten {
  vorname: string;
  nachname: string;
  geburtsdatum: Tag;
  strasse: string;
  hausnummer: string;
  plz: string;
  ort: string;
  /** Staff member (user name) for the record. */
  durch: string;
}

export interface UmbuchenAuftrag {
  slot: TerminSlot;
  verwaltungsLink?: string;
}

export interface ExternGeaendert {
  /** New slot (the Terminsystem moved it) or null when the booking vanished there. */
  slot: TerminSlot | null;
}

export interface TerminErgebnis {
  status: TerminStatus;
  neuantrag?: { bgNummer: string; kundennummer: string };
}

export function mitPolicy(p?: Partial<TerminPolicy>): TerminPolicy {
  return { ...STANDARD_TERMIN_POLICY, ...(p ?? {}) };
}

/** Letter id of a confirmation/reminder for the Zentraldruck (deterministic per appointment and step). */
export function terminBriefId(workflowId: string, schritt: string, version: number): string {
  return `${workflowId}-${schritt}-${version}`;
}

export const STATUS_TEXT: Record<TerminStatus, string> = {
  reserviert: 'reserviert',
  bestaetigt: 'bestätigt',
  erschienen: 'erschienen',
  erledigt: 'erledigt (Neuantrag angelegt)',
  nicht_erschienen: 'nicht erschienen',
  abgesagt: 'abgesagt',
  abgelaufen: 'Reservierung abgelaufen',
};
