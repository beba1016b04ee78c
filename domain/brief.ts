/**
 * Letter templates (pure: parsing and filling, no I/O). A template is a small text file a site
 * can change (vorlagen/<BriefArt>.txt, overridden per file by BRIEF_VORLAGEN_DIR):
 *
 *   # comment lines start with '#'
 *   Betreff: Ihr Bewilligungszeitraum endet am {{bwzEnde}}
 *   Anlagen: Antrag auf Weiterbewilligung
 *   Rechtsbehelfsbelehrung: nein
 *   ---
 *   First paragraph, may span lines.
 *
 *   Second paragraph with {{frist}}.
 *
 * Placeholders `{{name}}` take the value of `daten[name]`; a value in the form YYYY-MM-DD is
 * printed as TT.MM.JJJJ. A placeholder without a value is an error that names the placeholder
 * (never its data), so a person can fix the request or the template.
 */
import type { Anschrift, BriefArt } from './zentraldruck';

export interface BriefVorlage {
  art: string;
  betreff: string;
  anlagen: string[];
  rechtsbehelfsbelehrung: boolean;
  /** Paragraphs of the text, still with placeholders. */
  absaetze: string[];
}

export interface GefuellterBrief {
  betreff: string;
  anlagen: string[];
  rechtsbehelfsbelehrung: boolean;
  absaetze: string[];
}

export class VorlagenFehler extends Error {
  override name = 'VorlagenFehler';
}

const PLATZHALTER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export function parseVorlage(art: string, text: string): BriefVorlage {
  const zeilen = text.replace(/\r\n?/g, '\n').split('\n');
  const trenner = zeilen.findIndex((z) => z.trim() === '---');
  if (trenner < 0) throw new VorlagenFehler(`Vorlage ${art}: Trennzeile "---" zwischen Kopf und Text fehlt.`);
  const kopf = new Map<string, string>();
  for (const z of zeilen.slice(0, trenner)) {
    if (z.trim() === '' || z.trimStart().startsWith('#')) continue;
    const i = z.indexOf(':');
    if (i < 0) throw new VorlagenFehler(`Vorlage ${art}: Kopfzeile ohne Doppelpunkt: "${z.trim()}".`);
    kopf.set(z.slice(0, i).trim().toLowerCase(), z.slice(i + 1).trim());
  }
  const betreff = kopf.get('betreff');
  if (!betreff) throw new VorlagenFehler(`Vorlage ${art}: "Betreff:" fehlt.`);
  const absaetze: string[] = [];
  let aktuell: string[] = [];
  for (const z of zeilen.slice(trenner + 1)) {
    if (z.trimStart().startsWith('#')) continue;
    if (z.trim() === '') {
      if (aktuell.length) absaetze.push(aktuell.join(' '));
      aktuell = [];
    } else aktuell.push(z.trim());
  }
  if (aktuell.length) absaetze.push(aktuell.join(' '));
  if (absaetze.length === 0) throw new VorlagenFehler(`Vorlage ${art}: kein Text nach "---".`);
  const anlagen = (kopf.get('anlagen') ?? '').split(';').map((s) => s.trim()).filter(Boolean);
  const rbb = (kopf.get('rechtsbehelfsbelehrung') ?? 'nein').toLowerCase();
  return { art, betreff, anlagen, rechtsbehelfsbelehrung: rbb === 'ja', absaetze };
}

/** YYYY-MM-DD → TT.MM.JJJJ; other values unchanged. */
export function formatiereWert(wert: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(wert);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : wert;
}

export function fuelle(text: string, daten: Record<string, string>, art: string): string {
  return text.replace(PLATZHALTER, (_, name: string) => {
    const wert = daten[name];
    if (wert === undefined || wert.trim() === '') throw new VorlagenFehler(`Vorlage ${art}: Für den Platzhalter {{${name}}} fehlt ein Wert im Auftrag.`);
    return formatiereWert(wert.trim());
  });
}

/** Names of all placeholders a template uses. */
export function platzhalter(v: BriefVorlage): string[] {
  const namen = new Set<string>();
  for (const t of [v.betreff, ...v.anlagen, ...v.absaetze]) for (const m of t.matchAll(PLATZHALTER)) namen.add(m[1] as string);
  return [...namen].sort();
}

export function fuelleVorlage(v: BriefVorlage, daten: Record<string, string>): GefuellterBrief {
  return {
    betreff: fuelle(v.betreff, daten, v.art),
    anlagen: v.anlagen.map((a) => fuelle(a, daten, v.art)),
    rechtsbehelfsbelehrung: v.rechtsbehelfsbelehrung,
    absaetze: v.absaetze.map((a) => fuelle(a, daten, v.art)),
  };
}

/** Salutation from the printed name line ("Frau Erika Muster" → "Sehr geehrte Frau Muster,"). */
export function anrede(empfaenger: Pick<Anschrift, 'name'>): string {
  const name = empfaenger.name.trim().replace(/\s+/g, ' ');
  const m = /^(Frau|Herrn?)\s+(?:(?:Dr\.|Prof\.)\s+)*(.+)$/.exec(name);
  if (!m) return 'Sehr geehrte Damen und Herren,';
  const nachname = (m[2] as string).split(' ').pop() as string;
  return m[1] === 'Frau' ? `Sehr geehrte Frau ${nachname},` : `Sehr geehrter Herr ${nachname},`;
}

/** Address lines as printed in the window (at most 6; DIN 5008: no blank lines, PLZ Ort last). */
export function anschriftZeilen(a: Anschrift): string[] {
  const zeilen = [a.name, a.zusatz, a.strasse, `${a.plz} ${a.ort}`].map((z) => (z ?? '').trim()).filter((z) => z !== '');
  return zeilen;
}

/** What a requesting process must deliver for a letter, or a German reason why it cannot be printed. */
export function pruefeAnschrift(a: Anschrift | undefined): string | undefined {
  if (!a) return 'Die Anschrift fehlt.';
  if (!a.name?.trim()) return 'Die Anschrift hat keinen Namen.';
  if (!a.strasse?.trim()) return 'Die Anschrift hat keine Straße bzw. kein Postfach.';
  if (!/^\d{5}$/.test(a.plz?.trim() ?? '')) return 'Die Postleitzahl der Anschrift ist ungültig (fünf Ziffern).';
  if (!a.ort?.trim()) return 'Die Anschrift hat keinen Ort.';
  if (anschriftZeilen(a).length > 6) return 'Die Anschrift hat mehr als sechs Zeilen.';
  return undefined;
}

/** Letter kinds the engine renders itself (all but FACHVERFAHREN_BESCHEID). */
export const EIGENE_BRIEFARTEN: readonly BriefArt[] = ['WBA_ERINNERUNG', 'WBA_ZWEITE_ERINNERUNG', 'TERMIN_BESTAETIGUNG', 'TERMIN_ERINNERUNG', 'EINGANGSBESTAETIGUNG'];
