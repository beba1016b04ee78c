/** Calendar dates in Europe/Berlin (the Jobcenter's local day), without I/O. */
const berlinFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) in Europe/Berlin at the given instant. */
export function berlinDate(instant: Date): string {
  return berlinFormat.format(instant);
}

const berlinZeitpunkt = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An instant in Europe/Berlin: "03.12.2026, 07:00". */
export function berlinDatumUhrzeit(instant: Date): string {
  return berlinZeitpunkt.format(instant);
}

/** An instant as staff read it in a sentence: "03.12.2026, 07:00 Uhr". */
export function berlinZeitpunktText(instantMs: number): string {
  return `${berlinDatumUhrzeit(new Date(instantMs))} Uhr`;
}
