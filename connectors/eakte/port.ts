/**
 * Port of the E-Akte (DMS): what the engine needs from the document management system, in
 * domain language. Every adapter (hot folder with index file, XDOMEA 0401 Abgabe) implements
 * exactly this; the contract tests (test/contract/eakte.contract.ts) prove it.
 *
 * Filing is idempotent by `dokumentId` (a UUID chosen by the engine): filing the same document
 * twice leaves one document in the E-Akte — also when the first attempt's outcome was unknown
 * (a timeout). Before writing again an adapter finds out through the DMS's read API (and the
 * result/receipt folder) whether the document already arrived or is still waiting for import.
 *
 * Failures: BusinessError when the DMS answered "no" (bad BG-Nummer, unknown Dokumentart, …;
 * `code` is the DMS's reason code, the message a plain German reason); TechnicalError when it
 * did not answer properly (API down, HTTP 5xx, no result within the timeout, unreadable result).
 */
import type { Check } from '../../scripts/stack/doctor';
import { EINGANGSARTEN } from '../../domain/posteingang';

/** Calendar day, YYYY-MM-DD (Europe/Berlin). */
export type Tag = string;

/**
 * Document types (taxonomy codes of the Posteingang, DOMAIN.md) plus the two kinds of outgoing
 * letters the engine files after the Zentraldruck posted them.
 */
export const DOKUMENTARTEN = [
  ...EINGANGSARTEN,
  /** Outgoing: a decision (Bescheid) sent through the Zentraldruck. */
  'BESCHEID',
  /** Outgoing: any other letter (Erinnerung, Mitwirkungsaufforderung, Einladung). */
  'SCHREIBEN',
] as const;

export type Dokumentart = (typeof DOKUMENTARTEN)[number];

export interface AblageDokument {
  /** UUID chosen by the engine; the idempotency key of the filing. */
  dokumentId: string;
  inhalt: Buffer;
  /** Original file name (shown in the DMS; never used as a path). */
  dateiname: string;
  mimeType: string;
}

export interface Ablagemetadaten {
  /** BG-Nummer of the household; the DMS files into the Akte of this Bedarfsgemeinschaft. */
  bgNummer: string;
  aktenzeichen?: string;
  betreff: string;
  /** Taxonomy code, one of DOKUMENTARTEN. */
  dokumentart: string;
  /** Kennzeichen of the file plan (Aktenplan). */
  kennzeichen?: string;
  posteingangsdatum?: Tag;
  postausgangsdatum?: Tag;
  /** Name of the Vorgang inside the Akte (e.g. "Weiterbewilligung 2026"); the DMS's default otherwise. */
  vorgang?: string;
}

export interface Ablageergebnis {
  dokumentId: string;
  /** Where the DMS keeps the document (its own path/object address; no personal data). */
  ablageort: string;
  /** false when the document was already in the E-Akte (an earlier filing with this id). */
  neu: boolean;
}

export interface DokumentInfo {
  dokumentId: string;
  ablageort: string;
  dateiname: string;
  mimeType: string;
  groesse: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
  /** Instant the DMS imported the document (ISO 8601). */
  abgelegtAm: string;
  /** Metadata as filed (BG-Nummer normalised). */
  metadaten: Ablagemetadaten;
}

/**
 * All criteria are combined (AND). The date range [von, bis] (inclusive) applies to the
 * document's Belegdatum: Posteingangsdatum, else Postausgangsdatum, else the filing day.
 */
export interface DokumentSuche {
  bgNummer?: string;
  dokumentart?: string;
  von?: Tag;
  bis?: Tag;
}

export interface EAkte {
  readonly adapter: string;
  /** Files the document; idempotent by dokument.dokumentId. */
  file(dokument: AblageDokument, metadaten: Ablagemetadaten): Promise<Ablageergebnis>;
  find(query: DokumentSuche): Promise<DokumentInfo[]>;
  /** null when no document with this id is in the E-Akte (a business answer, not an error). */
  get(dokumentId: string): Promise<(DokumentInfo & { inhalt: Buffer }) | null>;
  health(): Promise<Check>;
  close(): Promise<void>;
}

/** The Belegdatum a date range search applies to (see DokumentSuche). */
export function belegdatum(info: Pick<DokumentInfo, 'metadaten' | 'abgelegtAm'>, berlinDay: (instant: Date) => Tag): Tag {
  return info.metadaten.posteingangsdatum ?? info.metadaten.postausgangsdatum ?? berlinDay(new Date(info.abgelegtAm));
}
