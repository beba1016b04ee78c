/**
 * Port of the Landratsamt's appointment system (Terminsystem): the engine reads which
 * appointments citizens booked (e.g. "Neuantrag Bürgergeld") to prepare them. The system has
 * an admin UI only and no API; its adapter is a robot (connectors/termine/robot.ts).
 */
import type { Check } from '../../scripts/stack/doctor';

/** Calendar day, YYYY-MM-DD (Europe/Berlin). */
export type Tag = string;

export interface Buchung {
  /** Booking number of the Terminsystem, e.g. 'B-20260512-0007'. */
  buchungsnummer: string;
  /** Location id as the Terminsystem names it (value of its location list), e.g. 'jc-hauptstelle'. */
  standort: string;
  tag: Tag;
  /** Start, HH:MM local time. */
  uhrzeit: string;
  dauerMinuten: number;
  /** As booked, e.g. 'Neuantrag Bürgergeld'. */
  anliegen: string;
  /** As entered by the citizen: "Nachname, Vorname". */
  name: string;
  kontakt: { telefon?: string; email?: string };
}

export interface Terminsystem {
  readonly adapter: string;
  /**
   * The bookings of one day, ordered by time (then location), all locations or one.
   * BusinessError 'STANDORT_UNBEKANNT' for a location the system does not know.
   */
  listeBuchungen(tag: Tag, standort?: string): Promise<Buchung[]>;
  health(): Promise<Check>;
  close(): Promise<void>;
}
