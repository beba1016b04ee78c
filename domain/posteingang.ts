/**
 * Contract of the Posteingang (incoming post → E-Akte): the document taxonomy, what reading
 * and recognition produce, and the names of the workflows, queries and updates the console
 * and the CLI use. Pure types and constants: used by workflows, activities, console and CLI.
 *
 * Flow: one `posteingang` workflow per incoming file (id from the content hash) registers
 * and preflights the file, reads and splits it into documents, and starts one
 * `posteingangDokument` child workflow per document. The child recognises, matches the
 * household, files into the E-Akte exactly once, routes a Wiedervorlage and reports a WBA —
 * or waits for a person (review) or for the admin (quarantine).
 */

/** Taxonomy codes of incoming documents (DOMAIN.md). */
export const EINGANGSARTEN = [
  'HAUPTANTRAG',
  'WBA',
  'VAEM',
  'EINKOMMENSNACHWEIS',
  'KONTOAUSZUG',
  'MIETVERTRAG',
  'BETRIEBSKOSTENABRECHNUNG',
  'AU_BESCHEINIGUNG',
  'WIDERSPRUCH',
  'UEBERPRUEFUNGSANTRAG',
  'FREMDBESCHEID',
  'BEWERBUNGSNACHWEIS',
  'SONSTIGES',
] as const;
export type Eingangsart = (typeof EINGANGSARTEN)[number];

export const EINGANGSART_LABELS: Record<Eingangsart, string> = {
  HAUPTANTRAG: 'Hauptantrag',
  WBA: 'Weiterbewilligungsantrag',
  VAEM: 'Veränderungsmitteilung',
  EINKOMMENSNACHWEIS: 'Einkommensnachweis',
  KONTOAUSZUG: 'Kontoauszug',
  MIETVERTRAG: 'Mietvertrag',
  BETRIEBSKOSTENABRECHNUNG: 'Betriebskostenabrechnung',
  AU_BESCHEINIGUNG: 'AU-Bescheinigung',
  WIDERSPRUCH: 'Widerspruch',
  UEBERPRUEFUNGSANTRAG: 'Überprüfungsantrag',
  FREMDBESCHEID: 'Bescheid einer anderen Stelle',
  BEWERBUNGSNACHWEIS: 'Bewerbungsnachweis',
  SONSTIGES: 'Sonstiges',
};

export function isEingangsart(value: unknown): value is Eingangsart {
  return typeof value === 'string' && (EINGANGSARTEN as readonly string[]).includes(value);
}

/** A word found by OCR, with its box in pixels of the stored page image. */
export interface Wort {
  text: string;
  /** 0–100 as tesseract reports it. */
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** Why a page starts or separates documents. */
export type Trennung = 'patch-t' | 'barcode-trennblatt' | 'leerseite' | 'barcode-erste-seite';

/** One page as read. */
export interface Seite {
  /** 1-based page number in the incoming file. */
  nr: number;
  quelle: 'textlayer' | 'ocr';
  text: string;
  /** OCR only: words with confidences and boxes (page image coordinates). */
  woerter?: Wort[];
  /** OCR only: mean word confidence 0–100. */
  meanConfidence?: number;
  /** Degrees the page was turned before reading (0, 90, 180, 270). */
  rotation: number;
  /** Path of the stored page image (PNG), relative to the data dir; absent for text-layer pages without a rendering. */
  bild?: string;
  bildGroesse?: { breite: number; hoehe: number };
  /** Barcode contents found on the page (raw text). */
  barcodes: string[];
  leer: boolean;
  /** Set when this page is a separator sheet (not part of any document) or starts a document by barcode. */
  trennung?: Trennung;
}

/** One document cut out of a file: its pages (numbers of the file), why it was cut, and doubt. */
export interface Teil {
  /** 0-based index of the document within the file. */
  index: number;
  seiten: number[];
  /** BG-Nummer or document code from a barcode on its first page, if any (normalised). */
  barcodeBgNummer?: string;
  barcodeDokumentart?: Eingangsart;
  /** true when the split is doubtful (e.g. blank-page split with text on the "blank" page): a person confirms. */
  zweifelhaft: boolean;
  grund?: string;
}

/** Identifiers and dates found in a document's text. */
export interface Merkmale {
  /** Normalised BG-Nummern, best first. */
  bgNummern: string[];
  kundennummern: string[];
  /** IBANs with a valid checksum, normalised (no spaces). */
  ibans: string[];
  /** Date of the letter as written (YYYY-MM-DD), if found. */
  briefdatum?: string;
  /** Name + date of birth + address as found, for proposing a household (never enough to file alone). */
  absender?: { vorname?: string; nachname?: string; geburtsdatum?: string; plz?: string; strasse?: string };
  /** For a WIDERSPRUCH: the date of the contested Bescheid ("gegen den Bescheid vom …"). */
  bescheidVom?: string;
}

/** The result of recognition for one document. Every decision records the model that made it. */
export interface Erkennung {
  dokumentart: Eingangsart;
  /** Calibrated probability 0–1 that `dokumentart` is right. */
  confidence: number;
  /** Probability per type (sums to ~1). */
  scores: Partial<Record<Eingangsart, number>>;
  merkmale: Merkmale;
  /** Version id of the model (rules + statistical classifier) that decided. */
  modellVersion: string;
  /** Names of configured rules that matched. */
  regeln: string[];
}

/** Where a document's household came from. */
export type Zuordnung =
  | { art: 'bg-nummer'; bgNummer: string; quelle: 'barcode' | 'text' | 'hinweis' | 'person' | 'neuantrag' }
  | { art: 'kundennummer'; bgNummer: string; kundennummer: string }
  | { art: 'vorschlag'; vorschlaege: { bgNummer: string; score: number; treffer: string[] }[] }
  | { art: 'keine' };

/** States in search attribute AktenlaufStatus for Prozess 'posteingang'. */
export const PosteingangStatus = {
  ERFASST: 'erfasst',
  GELESEN: 'gelesen',
  ZERLEGT: 'zerlegt',
  /** waiting for a person in the Postkorb (type, household or split) */
  PRUEFUNG: 'pruefung',
  /** review SLA passed: escalated to the team lead */
  PRUEFUNG_UEBERFAELLIG: 'pruefung-ueberfaellig',
  ABGELEGT: 'abgelegt',
  QUARANTAENE: 'quarantaene',
  VERWORFEN: 'verworfen',
  /** the same content was already taken by another workflow (a Stapel) */
  DOPPELT: 'doppelt',
} as const;
export type PosteingangStatusWert = (typeof PosteingangStatus)[keyof typeof PosteingangStatus];

/** Workflow type names. */
export const POSTEINGANG_WORKFLOW = 'posteingang';
export const DOKUMENT_WORKFLOW = 'posteingangDokument';

/** Child workflow id of document `index` of the file with this content hash: opaque. */
export function dokumentWorkflowId(contentHash: string, index: number): string {
  return `dok-${contentHash.slice(0, 40)}-${index}`;
}

/** Why the document waits for a person. */
export type PruefGrund =
  | 'konfidenz'
  | 'kein-haushalt'
  | 'vorschlag'
  | 'zerlegung'
  | 'haushalt-unbekannt'
  /** the file was released from quarantine: a person looks at every document of it */
  | 'freigegeben'
  /** the E-Akte refused the filing (BusinessError): the reason is in `ablageFehler` */
  | 'ablage-abgelehnt'
  /** the Fachverfahren refused to create the household of a Neuantrag: the reason is in `ablageFehler` */
  | 'neuantrag-abgelehnt'
  /** the text names several existing households (e.g. an unseparated stack): never filed without a person */
  | 'mehrere-haushalte';

export const PRUEFGRUND_LABELS: Record<PruefGrund, string> = {
  konfidenz: 'Dokumentart unsicher',
  'kein-haushalt': 'Kein Haushalt erkannt',
  vorschlag: 'Haushalt nur vorgeschlagen (Name/Geburtsdatum)',
  zerlegung: 'Trennung des Stapels unsicher',
  'haushalt-unbekannt': 'BG-Nummer im Fachverfahren nicht gefunden',
  freigegeben: 'Aus der Quarantäne freigegeben',
  'ablage-abgelehnt': 'E-Akte hat die Ablage abgelehnt',
  'neuantrag-abgelehnt': 'Fachverfahren hat den Neuantrag abgelehnt',
  'mehrere-haushalte': 'Mehrere Bedarfsgemeinschaften im Dokument genannt',
};

/** What the `zustand` query of a document workflow returns (for the Postkorb detail page). */
export interface DokumentZustand {
  status: PosteingangStatusWert;
  contentHash: string;
  teilIndex: number;
  eingangsdatum: string;
  quelle: string;
  dateiname: string;
  /** Page metadata of this document (no text, no word boxes: those are in the Lesung file, `lesungPfad`). */
  seiten: DokumentSeite[];
  /** Not held by the workflow (it stays out of the history): read the pages' text from the Lesung file. */
  text?: string;
  erkennung?: Erkennung;
  zuordnung?: Zuordnung;
  pruefGruende: PruefGrund[];
  /** When the review SLA ends (ISO instant). */
  pruefFrist?: string;
  ablage?: { dokumentId: string; ablageort: string; bgNummer: string; dokumentart: Eingangsart; wiedervorlageId?: string };
  quarantaeneGrund?: string;
  /** Reason of the E-Akte when it refused the filing (PruefGrund 'ablage-abgelehnt'). */
  ablageFehler?: string;
  /** Other households the text names (reason 'mehrere-haushalte'). */
  weitereBgNummern?: string[];
  /** Subject the source gave (the e-mail's, the citizen app message's): context for the person reviewing an attachment. */
  betreff?: string;
  /** Team responsible for the household (after matching). */
  teamId?: string;
  prioritaet: 'normal' | 'hoch';
  /** Aufgabe started when the review SLA passed (workflow id), if the policy names a team for it. */
  eskalationAufgabe?: string;
  /** WBA: id of the household's weiterbewilligung workflow that was signalled (absent: none running). */
  weiterbewilligung?: string;
  entscheidungen: { wer: string; wann: string; was: string }[];
}

/** Update `entscheiden` on a document workflow in review: a person confirms or corrects. */
export interface PruefEntscheidung {
  /** User name of the deciding person (for the record; the console audits the decision too). */
  wer: string;
  dokumentart: Eingangsart;
  /** Empty with `neuantrag`: the household does not exist yet. */
  bgNummer: string;
  kommentar?: string;
  /** A Hauptantrag of people without a Bedarfsgemeinschaft: the Fachverfahren creates it from these details (read from the form). */
  neuantrag?: NeuantragAngaben;
}

/** The applicant of a Neuantrag as the Postkorb reads it from the Hauptantrag (Sozialdaten: only in encrypted payloads). */
export interface NeuantragAngaben {
  vorname: string;
  nachname: string;
  /** YYYY-MM-DD */
  geburtsdatum: string;
  strasse: string;
  hausnummer: string;
  plz: string;
  ort: string;
}

/** The applicant's details of a Neuantrag, checked without I/O (the console checks them first, with messages per field). */
export function pruefeNeuantragAngaben(n: NeuantragAngaben): void {
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '' && v.length <= 120;
  if (!text(n.vorname) || !text(n.nachname) || !text(n.strasse) || !text(n.hausnummer) || !text(n.ort)) {
    throw new Error('Für den Neuantrag fehlen Angaben: Vorname, Nachname, Straße, Hausnummer und Ort.');
  }
  if (typeof n.geburtsdatum !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(n.geburtsdatum)) throw new Error('Für den Neuantrag fehlt das Geburtsdatum.');
  if (typeof n.plz !== 'string' || !/^\d{5}$/.test(n.plz)) throw new Error('Die Postleitzahl des Neuantrags braucht fünf Ziffern.');
}

/** Update `quarantaene` on a file or document workflow in quarantine: the admin releases or discards. */
export interface QuarantaeneEntscheidung {
  wer: string;
  aktion: 'freigeben' | 'verwerfen';
  grund: string;
}

export const DokumentQueries = { ZUSTAND: 'zustand' } as const;
export const DokumentUpdates = { ENTSCHEIDEN: 'entscheiden', QUARANTAENE: 'quarantaene' } as const;

/** Update `zerlegung` on a file workflow whose split is doubtful: a person confirms or corrects it. */
export interface ZerlegungsEntscheidung {
  wer: string;
  /** The documents as page-number lists of the file (1-based); pages left out are separator sheets. */
  teile: number[][];
}
export const DateiUpdates = { ZERLEGUNG: 'zerlegung', QUARANTAENE: 'quarantaene' } as const;
export const DateiQueries = { ZUSTAND: 'zustand' } as const;

/** What the reading of one file produced; stored as JSON (not in workflow history: it can be large). */
export interface Lesung {
  contentHash: string;
  seiten: Seite[];
  teile: Teil[];
}

/** Where the reading of a file is stored, relative to the data dir. Page images live next to it. */
export function lesungPfad(contentHash: string): string {
  return `posteingang/${contentHash}/lesung.json`;
}
export function seitenbildPfad(contentHash: string, nr: number): string {
  return `posteingang/${contentHash}/seite-${nr}.jpg`;
}

// ------------------------------------------------------------------ workflow inputs, policy, file state

/**
 * Site policy of the Posteingang. Loaded by the file workflow from the environment (activity
 * `posteingangPolicy`), overridable per start (tests compress the review SLA with `pruefFristMs`);
 * handed to the document workflows in their input.
 */
export interface PosteingangPolicy {
  /** Auto-filing needs a recognition confidence ≥ this (env ERKENNUNG_SCHWELLE; default from the recognition config). */
  schwelle: number;
  /** Review SLA in working days (Europe/Berlin, holidays of `land`); default 1. */
  pruefFristArbeitstage: number;
  /** Tests/special sites: the review SLA in milliseconds after the review started (replaces the working days). */
  pruefFristMs?: number;
  /** Land whose holidays count (working days, Widerspruchsfrist). */
  land: string;
  /** Wiedervorlage due this many working days after receipt (default 3). */
  wiedervorlageArbeitstage: number;
  /** WIDERSPRUCH whose contested Bescheid is not found: Wiedervorlage due after this many working days (default 1). */
  widerspruchStandardArbeitstage: number;
  /** Team id that gets an Aufgabe when a review is overdue (env POSTKORB_LEITUNG_TEAM); none: status only. */
  eskalationTeamId?: string;
  /** Aufgabe due this many days after the SLA passed (default 1). */
  eskalationFristTage: number;
}

/** Input of the `posteingangDokument` child workflow. */
export interface DokumentInput {
  contentHash: string;
  quelle: string;
  eingangsdatum: string;
  fileName: string;
  mediaType: string;
  /** Path of the stored file relative to the data dir. */
  storedPath: string;
  teil: Teil;
  /** Number of documents of the file (names the filed PDF "…-dokument-N" when > 1). */
  teileGesamt?: number;
  /** Hints of the source (citizen app), checked like anything read. */
  hinweise?: { bgNummer?: string; dokumentart?: string; betreff?: string };
  /** The file was released from quarantine: always reviewed. */
  freigegeben?: boolean;
  /** A person already confirmed the split (for the record). */
  zerlegungGeprueft?: boolean;
  /** What a Stapel already found for this document: the workflow starts from it instead of repeating the steps. */
  vorarbeit?: DokumentVorarbeit;
  policy: PosteingangPolicy;
}

/** Page metadata of a document (no text, no word boxes: those stay in the Lesung file). */
export type DokumentSeite = Pick<Seite, 'nr' | 'quelle' | 'bild' | 'bildGroesse' | 'meanConfidence' | 'rotation'>;

/** What `erkenneDokument` finds. */
export interface ErkennenErgebnis {
  erkennung: Erkennung;
  seiten: DokumentSeite[];
}

/** The team and area a household belongs to. */
export interface Haushaltsbezug {
  teamId: string;
  bereich: 'leistung' | 'markt-integration';
}

/** What `ordneDokumentZu` finds. */
export interface ZuordnenErgebnis {
  zuordnung: Zuordnung;
  haushalt?: Haushaltsbezug;
  unbekannt: boolean;
  /** Other existing households whose BG-Nummer the text names besides the matched one: a person decides. */
  weitereBgNummern?: string[];
}

/**
 * A Stapel's recognition of a document it hands to the document workflow (review, WBA), and the household
 * match when it looked one up.
 */
export interface DokumentVorarbeit extends ErkennenErgebnis {
  zuordnung?: ZuordnenErgebnis;
}

/** What `leseEingang` returns: a small summary (the Lesung itself is a file at `lesungPfad`). */
export interface LeseZusammenfassung {
  seitenzahl: number;
  /** Pages read by OCR (the rest had a text layer). */
  ocrSeiten: number;
  /** Mean OCR confidence 0–100 over OCR pages (absent without OCR). */
  meanConfidence?: number;
  teile: Teil[];
}

/** What the `zustand` query of a file workflow (`posteingang`) returns. */
export interface DateiZustand {
  status: PosteingangStatusWert;
  contentHash: string;
  quelle: string;
  eingangsdatum: string;
  dateiname: string;
  mediaType: string;
  bytes: number;
  seitenzahl?: number;
  teile?: Teil[];
  pruefGruende: PruefGrund[];
  quarantaeneGrund?: string;
  /** Preflight code (e.g. 'beschaedigt', 'verschluesselt') when quarantined by the preflight. */
  quarantaeneCode?: string;
  /** Workflow ids of the documents started (dokumentWorkflowId). */
  dokumente: string[];
  entscheidungen: { wer: string; wann: string; was: string }[];
}

/** Result of a file workflow. */
export type DateiErgebnis =
  | { status: 'zerlegt'; seitenzahl: number; dokumente: string[] }
  | { status: 'verworfen'; grund: string }
  /** The same content was already taken by another workflow (a Stapel): nothing done twice. */
  | { status: 'doppelt'; von: string };

/** Result of a document workflow. */
export type DokumentErgebnis =
  | { status: 'abgelegt'; dokumentId: string; bgNummer: string; dokumentart: Eingangsart; wiedervorlageId?: string }
  | { status: 'verworfen'; grund: string };

/**
 * Stapel (batch) of incoming files taken together (the intake hands over the files of one hot-folder
 * sweep when there are several). One workflow per Stapel instead of two per file: letters the engine is
 * sure about (read from the text layer or by OCR) are filed by the Stapel itself; a file that needs a
 * person (review, split, quarantine) or the Weiterbewilligung gets the usual file or document workflow
 * as a child, so the Postkorb and the quarantine work as for single files.
 */
export const STAPEL_WORKFLOW = 'posteingangStapel';
export const StapelQueries = { ZUSTAND: 'zustand' } as const;

/** What became of one file of a Stapel. */
export type StapelAusgang =
  /** filed by the Stapel (E-Akte + Wiedervorlage/Antragseingang); dokumentId in the E-Akte */
  | { art: 'abgelegt'; dokumentId: string; dokumentart: Eingangsart; bgNummer: string; wiedervorlageId?: string }
  /** handed to its own workflow (id): several documents, unreadable, quarantine, review or WBA */
  | { art: 'workflow'; workflowId: string; grund: StapelUebergabeGrund }
  /** the same content was taken before by another workflow (its id) */
  | { art: 'doppelt'; von: string };

export type StapelUebergabeGrund = 'mehrere-dokumente' | 'vorpruefung' | 'lesefehler' | 'pruefung' | 'wba' | 'ablage';

export const STAPEL_UEBERGABE_LABELS: Record<StapelUebergabeGrund, string> = {
  'mehrere-dokumente': 'mehrere Dokumente',
  vorpruefung: 'Vorprüfung (Quarantäne)',
  lesefehler: 'nicht lesbar',
  pruefung: 'Prüfung im Postkorb',
  wba: 'Weiterbewilligungsantrag',
  ablage: 'Ablage einzeln wiederholt',
};

export interface StapelDatei {
  contentHash: string;
  dateiname: string;
  ausgang?: StapelAusgang;
}

/** What the `zustand` query of a Stapel returns. */
export interface StapelZustand {
  /** erfasst: files being checked; gelesen: being read and filed (per Teil); abgelegt: every file filed or handed on */
  status: 'erfasst' | 'gelesen' | 'abgelegt';
  quelle: string;
  eingangsdatum: string;
  dateien: StapelDatei[];
}

export interface StapelErgebnis {
  status: 'abgelegt';
  dateien: { contentHash: string; ausgang: StapelAusgang }[];
}

/** Retraining of the recognition model from the corrections (weekly schedule). */
export const KLASSIFIKATOR_TRAINING_WORKFLOW = 'klassifikatorTraining';
export const KLASSIFIKATOR_TRAINING_SCHEDULE_ID = 'klassifikator-training-woechentlich';
