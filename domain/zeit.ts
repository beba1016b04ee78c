/** Calendar dates in Europe/Berlin (the Jobcenter's local day), without I/O. */
const berlinFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) in Europe/Berlin at the given instant. */
export function berlinDate(instant: Date): string {
  return berlinFormat.format(instant);
}
