/** Date formatting for the UI: times in Europe/Berlin, calendar dates as dd.mm.yyyy. */
import { berlinDatumUhrzeit } from '../../domain/zeit';

const utcDate = new Intl.DateTimeFormat('de-DE', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });

export function formatBerlinDateTime(d: Date): string {
  return berlinDatumUhrzeit(d);
}

/** A calendar day stored as midnight UTC (as the Posteingang workflow does) → dd.mm.yyyy. */
export function formatCalendarDate(d: Date): string {
  return utcDate.format(d);
}
