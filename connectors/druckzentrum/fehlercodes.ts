/**
 * Reject codes of a letter at the print centre, as the port reports them (BriefStatus.fehlercode),
 * with the German reason a person reads. Both simulators reject with these codes; the
 * E-POST adapter maps the API's error codes onto them (epost/protocol.ts).
 */
export const FEHLERCODES = {
  KEIN_PDF: 'Die Datei ist kein lesbares PDF-Dokument.',
  PDF_VERSCHLUESSELT: 'Das PDF ist verschlüsselt oder kennwortgeschützt und kann nicht gedruckt werden.',
  FORMAT_NICHT_A4_HOCH: 'Das Dokument ist nicht im Format DIN A4 hochkant.',
  SCHRIFT_NICHT_EINGEBETTET: 'Im PDF ist eine Schrift nicht eingebettet.',
  ADRESSE_AUSSERHALB_FENSTER: 'Die Anschrift steht nicht im Sichtfenster (DIN 5008 Form B: 85 × 45 mm, 20 mm vom linken und 45 mm vom oberen Rand).',
  DUPLIKAT: 'Dasselbe Dokument (gleiche Prüfsumme) wurde bereits eingeliefert; es wird nicht erneut gedruckt.',
  PRUEFSUMME_FALSCH: 'Die Prüfsumme der Datei stimmt nicht mit dem Manifest überein (Übertragungsfehler).',
  DATEI_FEHLT: 'Die im Manifest genannte Datei fehlt im Auftrag.',
  SEITENZAHL_ABWEICHEND: 'Die Seitenzahl im Manifest stimmt nicht mit dem PDF überein.',
  MANIFEST_UNGUELTIG: 'Das Manifest des Auftrags ist ungültig; der Auftrag wurde nicht verarbeitet.',
  SONSTIGER_FEHLER: 'Das Druckzentrum hat den Brief abgelehnt.',
} as const;

export type Fehlercode = keyof typeof FEHLERCODES;

export function istFehlercode(code: string): code is Fehlercode {
  return Object.prototype.hasOwnProperty.call(FEHLERCODES, code);
}
