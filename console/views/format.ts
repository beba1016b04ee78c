/** Date formatting for the UI: times in Europe/Berlin, calendar dates as dd.mm.yyyy. */
const berlinDateTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});
const utcDate = new Intl.DateTimeFormat('de-DE', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });

export function formatBerlinDateTime(d: Date): string {
  return berlinDateTime.format(d);
}

/** A calendar day stored as midnight UTC (as the Posteingang workflow does) → dd.mm.yyyy. */
export function formatCalendarDate(d: Date): string {
  return utcDate.format(d);
}
