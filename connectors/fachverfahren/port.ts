/**
 * Port of the Fachverfahren (OPEN/PROSOZ, comp.ASS): what the engine needs from the
 * case-management system, in domain language. Every adapter (file interface, web robot)
 * implements exactly this; the contract tests prove it.
 *
 * Writes are idempotent by `referenz` (an opaque key chosen by the engine, e.g. a workflow id):
 * the same Auftrag sent twice creates one Wiedervorlage, one Eingang, one Neuantrag.
 */
import type { Check } from '../../scripts/stack/doctor';

/** Calendar day, YYYY-MM-DD (Europe/Berlin). */
export type Tag = string;

export interface Person {
  kundennummer: string;
  vorname: string;
  nachname: string;
  geburtsdatum: Tag;
  rolle: 'antragsteller' | 'partner' | 'kind' | 'sonstige';
}

export interface Anschrift {
  strasse: string;
  hausnummer: string;
  plz: string;
  ort: string;
}

export interface Team {
  id: string;
  name: string;
  bereich: 'leistung' | 'markt-integration';
  standort: string;
}

export interface Bewilligungszeitraum {
  id: string;
  beginn: Tag;
  ende: Tag;
  /** 12 months regular, 6 months provisional (§41a) or unangemessene KdU. */
  art: 'regulaer' | 'vorlaeufig';
}

export interface Haushalt {
  bgNummer: string;
  personen: Person[];
  anschrift: Anschrift;
  team: Team;
  bewilligungszeitraeume: Bewilligungszeitraum[];
  /** true when the Bedarfsgemeinschaft has been dissolved. */
  aufgeloest: boolean;
}

export type HaushaltsSuche = { bgNummer: string } | { kundennummer: string };

export interface VorschlagsSuche {
  nachname: string;
  vorname?: string;
  geburtsdatum: Tag;
  plz?: string;
  strasse?: string;
}

/** A proposal only: never enough to file a document without a person confirming. */
export interface HaushaltsVorschlag {
  bgNummer: string;
  /** 0–1, higher is a closer match. */
  score: number;
  /** Which fields matched, e.g. ['nachname', 'geburtsdatum', 'plz']. */
  treffer: string[];
}

export interface WiedervorlageAuftrag {
  referenz: string;
  bgNummer: string;
  betreff: string;
  faelligAm: Tag;
  prioritaet: 'normal' | 'hoch';
  /** Defaults to the household's responsible team. */
  teamId?: string;
}

export interface AntragseingangAuftrag {
  referenz: string;
  bgNummer: string;
  art: 'WBA' | 'HAUPTANTRAG' | 'VAEM' | 'UEBERPRUEFUNGSANTRAG' | 'WIDERSPRUCH';
  eingangsdatum: Tag;
}

export interface NeuantragAuftrag {
  referenz: string;
  antragsteller: Omit<Person, 'kundennummer' | 'rolle'>;
  anschrift: Anschrift;
  antragsdatum: Tag;
}

export interface Fachverfahren {
  readonly adapter: string;
  /** null when no such household exists (a business answer, not an error). */
  findeHaushalt(suche: HaushaltsSuche): Promise<Haushalt | null>;
  schlageHaushalteVor(suche: VorschlagsSuche): Promise<HaushaltsVorschlag[]>;
  /** BusinessError 'HAUSHALT_NICHT_GEFUNDEN' if the household does not exist. */
  erstelleWiedervorlage(auftrag: WiedervorlageAuftrag): Promise<{ wiedervorlageId: string }>;
  erfasseAntragseingang(auftrag: AntragseingangAuftrag): Promise<{ eingangId: string }>;
  legeNeuantragAn(auftrag: NeuantragAuftrag): Promise<{ bgNummer: string; kundennummer: string }>;
  /** All BWZ ending in [von, bis] (for the Weiterbewilligung sync), household by household. */
  listeBewilligungszeitraeume(von: Tag, bis: Tag): AsyncIterable<{ bgNummer: string; teamId: string; aufgeloest: boolean; bwz: Bewilligungszeitraum }>;
  health(): Promise<Check>;
  close(): Promise<void>;
}
