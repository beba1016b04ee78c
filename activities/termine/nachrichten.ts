/**
 * Texts of the e-mails to citizens (plain German) and the iCalendar file of an appointment.
 */
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import type { TerminInput, TerminSlot } from '../../domain/termine-vorgang';
import type { MailAnhang } from '../../connectors/mail/port';

export type MailArt = 'bestaetigung' | 'umbuchung' | 'erinnerung' | 'absage' | 'nicht_erschienen';

export interface MailInhalt {
  betreff: string;
  text: string;
  anhaenge: MailAnhang[];
}

const ZONE = 'Europe/Berlin';

export function wann(slot: TerminSlot): { datum: string; uhrzeit: string; bis: string } {
  const b = DateTime.fromMillis(slot.beginnMs, { zone: ZONE }).setLocale('de');
  const e = DateTime.fromMillis(slot.endeMs, { zone: ZONE });
  return { datum: b.toFormat('cccc, dd.MM.yyyy'), uhrzeit: b.toFormat('HH:mm'), bis: e.toFormat('HH:mm') };
}

export function terminIcs(terminId: string, input: Pick<TerminInput, 'ort' | 'unterlagen' | 'verwaltungsLink'>, slot: TerminSlot, version: number, abgesagt = false): string {
  const cal = ical({ name: 'Termin im Jobcenter', prodId: { company: 'Jobcenter', product: 'Aktenlauf Terminvergabe', language: 'DE' }, ...(abgesagt ? { method: 'CANCEL' as never } : {}) });
  cal.createEvent({
    id: `${terminId}@aktenlauf`,
    sequence: version,
    start: new Date(slot.beginnMs),
    end: new Date(slot.endeMs),
    summary: 'Termin im Jobcenter: Antrag auf Bürgergeld',
    location: input.ort,
    description: `Bitte bringen Sie mit:\n${input.unterlagen.map((u) => `- ${u}`).join('\n')}${input.verwaltungsLink ? `\n\nAbsagen oder verschieben: ${input.verwaltungsLink}` : ''}`,
    ...(input.verwaltungsLink ? { url: input.verwaltungsLink } : {}),
    ...(abgesagt ? { status: 'CANCELLED' as never } : {}),
  });
  return cal.toString();
}

export function mailInhalt(art: MailArt, terminId: string, input: TerminInput, slot: TerminSlot, version: number): MailInhalt {
  const w = wann(slot);
  const anrede = `Guten Tag ${input.person.name},`;
  const unterlagen = input.unterlagen.map((u) => `  - ${u}`).join('\n');
  const link = input.verwaltungsLink ? `\nSie können den Termin hier absagen oder verschieben:\n${input.verwaltungsLink}\n` : '';
  const ics = (abgesagt = false): MailAnhang => ({ dateiname: 'termin.ics', inhalt: terminIcs(terminId, input, slot, version, abgesagt), mimeType: `text/calendar; charset=utf-8; method=${abgesagt ? 'CANCEL' : 'PUBLISH'}` });
  const gruss = '\nMit freundlichen Grüßen\nIhr Jobcenter\n\nDiese Nachricht wurde maschinell erstellt. Bitte antworten Sie nicht auf diese E-Mail.';
  switch (art) {
    case 'bestaetigung':
    case 'umbuchung':
      return {
        betreff: `${art === 'umbuchung' ? 'Neuer Termin' : 'Bestätigung Ihres Termins'}: ${w.datum}, ${w.uhrzeit} Uhr`,
        text: `${anrede}\n\n${art === 'umbuchung' ? 'Ihr Termin wurde verschoben. Ihr neuer Termin' : 'vielen Dank für Ihre Buchung. Ihr Termin für den Antrag auf Bürgergeld'}:\n\n  ${w.datum}, ${w.uhrzeit} bis ${w.bis} Uhr\n  ${input.ort}\n\nBitte bringen Sie mit:\n${unterlagen}\n\nFehlt etwas, kommen Sie trotzdem. Wir besprechen dann, was Sie nachreichen können.\n${link}\nIm Anhang finden Sie den Termin für Ihren Kalender (termin.ics).\n${gruss}`,
        anhaenge: [ics()],
      };
    case 'erinnerung':
      return {
        betreff: `Erinnerung an Ihren Termin: ${w.datum}, ${w.uhrzeit} Uhr`,
        text: `${anrede}\n\nwir erinnern Sie an Ihren Termin:\n\n  ${w.datum}, ${w.uhrzeit} Uhr\n  ${input.ort}\n\nBitte melden Sie sich am Empfang. Bitte bringen Sie mit:\n${unterlagen}\n${link}${gruss}`,
        anhaenge: [ics()],
      };
    case 'absage':
      return {
        betreff: `Ihr Termin am ${w.datum} ist abgesagt`,
        text: `${anrede}\n\nIhr Termin am ${w.datum} um ${w.uhrzeit} Uhr ist abgesagt. Der Termin ist wieder frei für andere.\n${input.buchungsLink ? `\nEinen neuen Termin können Sie jederzeit hier buchen:\n${input.buchungsLink}\n` : ''}${gruss}`,
        anhaenge: [ics(true)],
      };
    case 'nicht_erschienen':
      return {
        betreff: 'Wir haben Sie leider verpasst – buchen Sie gern einen neuen Termin',
        text: `${anrede}\n\nam ${w.datum} um ${w.uhrzeit} Uhr hatten Sie einen Termin bei uns. Leider haben wir Sie nicht angetroffen. Das kann passieren, und es hat für Sie keine Nachteile.\n\nWenn Sie Bürgergeld beantragen möchten, buchen Sie bitte einen neuen Termin${input.buchungsLink ? `:\n${input.buchungsLink}` : '.'}\n\nBitte beachten Sie: Bürgergeld gibt es frühestens ab dem Monat, in dem Sie den Antrag stellen. Sie können den Antrag auch formlos schriftlich stellen, zum Beispiel per Brief, und die Unterlagen später nachreichen.\n${gruss}`,
        anhaenge: [],
      };
  }
}
