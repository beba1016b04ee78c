/**
 * Reason codes with which the DMS refuses a document (in the hot folder's error file and in
 * the XDOMEA 0402 receipt), and how the adapters map them onto BusinessError/TechnicalError.
 * A site whose DMS uses other codes maps them here (README: "Fehlercodes").
 */
import { BusinessError, TechnicalError } from '../../errors';

export type Fehlerart = 'fachlich' | 'technisch';

/** Codes after which a new attempt can succeed (the DMS or the transfer had a problem). */
export const TECHNISCHE_CODES: ReadonlySet<string> = new Set([
  'DMS_INTERN',
  'DMS_SPEICHER',
  'DATEI_FEHLT',
  'INDEX_FEHLT',
  'DATEI_BESCHAEDIGT',
]);

/** All codes the simulator uses, with the German reason it gives (documentation and tests). */
export const ABLEHNUNGSGRUENDE = {
  BG_NUMMER_UNGUELTIG: 'Die BG-Nummer hat kein gültiges Format (5 Ziffern, „BG“, 7 Ziffern).',
  DOKUMENTART_UNBEKANNT: 'Die Dokumentart ist in der E-Akte nicht bekannt.',
  METADATEN_UNVOLLSTAENDIG: 'Eine Pflichtangabe fehlt.',
  METADATEN_UNGUELTIG: 'Eine Angabe hat ein ungültiges Format.',
  DOKUMENT_ID_UNGUELTIG: 'Die Dokument-ID ist keine UUID.',
  DATEINAME_UNZULAESSIG: 'Der Dateiname enthält unzulässige Zeichen oder Pfadangaben.',
  DATEI_LEER: 'Die Dokumentdatei ist leer.',
  DATEI_ZU_GROSS: 'Die Dokumentdatei ist größer als erlaubt.',
  XML_DOCTYPE_VERBOTEN: 'Die XML-Datei enthält eine DOCTYPE- oder ENTITY-Deklaration; solche Dateien werden aus Sicherheitsgründen abgewiesen.',
  XML_UNGUELTIG: 'Die XML-Datei ist nicht wohlgeformt.',
  XML_KODIERUNG: 'Die XML-Datei ist nicht UTF-8-kodiert.',
  XML_ZU_GROSS: 'Die XML-Datei ist größer als erlaubt.',
  ZIP_UNGUELTIG: 'Die ZIP-Datei ist beschädigt oder kein ZIP.',
  ZIP_PFAD_UNZULAESSIG: 'Die ZIP-Datei enthält unzulässige Pfadangaben.',
  ZIP_ZU_GROSS: 'Die ZIP-Datei ist zu groß oder ungewöhnlich stark komprimiert.',
  NACHRICHT_UNGUELTIG: 'Die XDOMEA-Nachricht ist unvollständig oder widersprüchlich.',
  DATEI_FEHLT: 'Zur Indexdatei fehlt die Dokumentdatei.',
  INDEX_FEHLT: 'Zur Dokumentdatei ist keine Indexdatei eingegangen.',
  DATEI_BESCHAEDIGT: 'Größe oder Prüfsumme der Dokumentdatei stimmen nicht mit den Angaben überein.',
  DMS_INTERN: 'Interner Fehler der E-Akte.',
  DMS_SPEICHER: 'Die E-Akte konnte das Dokument nicht speichern.',
} as const satisfies Record<string, string>;

export type AblehnungsCode = keyof typeof ABLEHNUNGSGRUENDE;

export function fehlerartVon(code: string): Fehlerart {
  return TECHNISCHE_CODES.has(code) ? 'technisch' : 'fachlich';
}

/** The error an adapter raises for a refusal from the DMS. */
export function ablehnungAlsFehler(code: string, grund: string, art: Fehlerart = fehlerartVon(code)): BusinessError | TechnicalError {
  const text = grund.trim() || 'ohne Angabe von Gründen';
  if (art === 'technisch') return new TechnicalError(code, `Die E-Akte konnte das Dokument nicht übernehmen: ${text}`);
  return new BusinessError(code, `Die E-Akte hat das Dokument abgelehnt: ${text}`);
}
