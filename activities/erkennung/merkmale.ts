/**
 * Features of a document's text that are not its type: identifiers (BG-Nummer, Kundennummer,
 * IBAN), the letter's date, the date of a contested Bescheid, and the sender as written
 * (name, date of birth, address) for proposing a household. Pure functions over text (born
 * digital or OCR); no I/O.
 */
import { findeBgNummern, findeIbans, findeKundennummern } from '../../domain/identifiers';
import type { Merkmale } from '../../domain/posteingang';

const MONATE: Record<string, number> = {
  januar: 1, jan: 1, jänner: 1, februar: 2, feb: 2, märz: 3, maerz: 3, mär: 3, mrz: 3, april: 4, apr: 4, mai: 5,
  juni: 6, jun: 6, juli: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, oktober: 10, okt: 10,
  november: 11, nov: 11, dezember: 12, dez: 12,
};
const MONATSNAME = 'Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|Jan\\.?|Feb\\.?|Mär\\.?|Mrz\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Okt\\.?|Nov\\.?|Dez\\.?';

/** "12.03.2026", "12.3.26", "12. März 2026", "12 März 2026", "2026-03-12". */
const DATUM = new RegExp(
  `(?<![0-9])(?:(\\d{1,2})\\s?\\.\\s?(\\d{1,2})\\s?\\.\\s?(\\d{4}|\\d{2})(?![0-9])|(\\d{1,2})\\.?\\s+(${MONATSNAME})\\s+(\\d{4})(?![0-9])|(\\d{4})-(\\d{2})-(\\d{2})(?![0-9]))`,
  'gi',
);

export interface DatumsFund {
  iso: string;
  index: number;
  laenge: number;
}

function iso(j: number, m: number, t: number): string | null {
  if (m < 1 || m > 12 || t < 1 || t > 31 || j < 1900 || j > 2100) return null;
  const d = new Date(Date.UTC(j, m - 1, t));
  if (d.getUTCMonth() !== m - 1 || d.getUTCDate() !== t) return null;
  return `${j}-${String(m).padStart(2, '0')}-${String(t).padStart(2, '0')}`;
}

const OCR_DATUM = /(?<![0-9A-Za-z])[0-9OoIl|SB]{1,2} ?[.,] ?[0-9OoIl|SB]{1,2} ?[.,] ?[0-9OoIl|SB]{2,4}(?![0-9A-Za-z])/g;
const OCR_ZIFFER: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', '|': '1', S: '5', B: '8' };

/**
 * Numeric dates as OCR reads them ("l2.O3.2026", "12,03.2026") repaired in place (same length,
 * so positions stay valid); only where most characters are real digits.
 */
function repariereOcrDaten(text: string): string {
  return text.replace(OCR_DATUM, (m) => {
    const echte = (m.match(/[0-9]/g) ?? []).length;
    const falsche = (m.match(/[OoIl|SB]/g) ?? []).length;
    if (falsche > 2 || echte < 5) return m;
    return m.replace(/[OoIl|SB]/g, (c) => OCR_ZIFFER[c] ?? c).replace(/,/g, '.');
  });
}

/** All dates written in a text, as ISO dates. Two-digit years: up to (reference year + 1) → 20xx, else 19xx. */
export function findeDaten(text: string, bezugsjahr = new Date().getUTCFullYear()): DatumsFund[] {
  const out: DatumsFund[] = [];
  const pivot = (bezugsjahr % 100) + 1;
  for (const m of repariereOcrDaten(text).matchAll(DATUM)) {
    let wert: string | null = null;
    if (m[1]) {
      let j = Number(m[3]);
      if (m[3]!.length === 2) j += j <= pivot ? 2000 : 1900;
      wert = iso(j, Number(m[2]), Number(m[1]));
    } else if (m[4]) {
      const monat = MONATE[m[5]!.toLowerCase().replace(/\.$/, '')];
      wert = monat ? iso(Number(m[6]), monat, Number(m[4])) : null;
    } else if (m[7]) {
      wert = iso(Number(m[7]), Number(m[8]), Number(m[9]));
    }
    if (wert) out.push({ iso: wert, index: m.index ?? 0, laenge: m[0].length });
  }
  return out;
}

function tageZwischen(a: string, b: string): number {
  return (Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;
}

/** Words before a date that say it is not the letter's date (birth, periods, other documents, bookings). */
const FREMDES_DATUM = /(geb\.?|geboren(\s+am)?|geburtsdatum|vom|seit|bis|ab|zum|zeit\p{L}*|gültig|fällig|buchungstag|buchung|valuta|wert|beginn|ende|einzug|auszug|frist|zahlung|am|zugang|eingang|eingegangen|bescheid|beschäftigt|arbeitsunfähig|eintritt|einschlie\p{L}*)\s*[:.]?\s*(den\s+)?$/iu;

/** "…datum" compounds that name another date than the document's (moving in, birth, booking, …). */
const FREMDES_DATUMSWORT = /(einzugs|auszugs|zuzugs|wegzugs|geburts|buchungs|eingangs|zahlungs|fälligkeits|beginn|end|abgangs|zugangs|eintritts|austritts|wert|valuta|anmelde|abmelde|kündigungs|bewilligungs|aufnahme|änderungs)datum\s*[:.]?\s*$/iu;

/** Words before a date that make it the date of the document itself. */
const EIGENES_DATUM = /(datum|dat\.|erstellt\s+am|ausgestellt\s+am|festgestellt\s+am|gedruckt\s+am|neuer\s+kontostand\s+vom|kontostand\s+am)\s*[:.]?\s*$/i;

/**
 * The letter's own date: "Musterstadt, 12.03.2026", "Datum: 12. März 2026", "Erstellt am …", a
 * date standing alone (in its line or its form cell) near the top or in the signature lines at
 * the bottom. Dates of birth, periods and references ("Bescheid vom …") do not count; a date far
 * from the day of receipt (more than ~13 months before or a week after) neither. Form layouts
 * put cells on one line separated by two or more spaces or tabs: each cell is judged on its own.
 */
export function findeBriefdatum(text: string, eingangsdatum?: string): string | undefined {
  const zeilen = text.split(/\r?\n/);
  const bezugsjahr = eingangsdatum ? Number(eingangsdatum.slice(0, 4)) : new Date().getUTCFullYear();
  let best: { iso: string; score: number } | undefined;
  zeilen.forEach((zeile, nr) => {
    const zelleGrenzen = [...zeile.matchAll(/\t|\s{2,}/g)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length] as const);
    for (const d of findeDaten(zeile, bezugsjahr)) {
      const start = Math.max(0, ...zelleGrenzen.filter(([, e]) => e <= d.index).map(([, e]) => e));
      const ende = Math.min(zeile.length, ...zelleGrenzen.filter(([a]) => a >= d.index + d.laenge).map(([a]) => a));
      const davor = zeile.slice(start, d.index);
      const danach = zeile.slice(d.index + d.laenge, ende).trim();
      const zeileDavor = zeile.slice(0, d.index);
      let score = 0;
      if (/^\s*[A-ZÄÖÜ][\p{L} .\-()/]*,\s*(den\s+)?$/u.test(davor) && danach === '') score += 6;
      if (FREMDES_DATUMSWORT.test(zeileDavor)) score -= 10;
      else if (EIGENES_DATUM.test(davor) || EIGENES_DATUM.test(zeileDavor)) score += 6;
      if (/^\s*(den\s+)?$/.test(davor) && danach === '') score += 2;
      if (score < 6 && (FREMDES_DATUM.test(davor) || FREMDES_DATUM.test(zeileDavor))) score -= 10;
      if (/geb(\.|oren|urtsdatum)/i.test(zeile) || /^([-–]|bis\b)/i.test(danach) || /[-–]\s*$/.test(davor)) score -= 10;
      // a row of a table (three or more cells): dates of bookings, months, periods
      if (zelleGrenzen.length >= 2) score -= 3;
      if (nr < 15) score += 2;
      else if (nr < 30) score += 1;
      if (nr >= zeilen.length - 6) score += 1;
      if (/unterschrift|stempel/i.test(zeile)) score += 3;
      if (eingangsdatum) {
        const abstand = tageZwischen(d.iso, eingangsdatum);
        if (abstand > 7 || abstand < -400) score -= 20;
        else score += 1 - Math.abs(abstand) / 400;
      }
      if (score >= 3 && (!best || score > best.score)) best = { iso: d.iso, score };
    }
  });
  return best?.iso;
}

/** "gegen den Bescheid vom 12.03.2026", "Widerspruch gegen Ihren Bescheid vom 12. März 2026 (Az. …)". */
export function findeBescheidVom(text: string, bezugsjahr?: number): string | undefined {
  const einzeilig = text.replace(/\s+/g, ' ');
  const re = /(Bescheid(?:es)?|Änderungsbescheid(?:es)?|Bewilligungsbescheid(?:es)?|Aufhebungs-? und Erstattungsbescheid(?:es)?|Erstattungsbescheid(?:es)?|Ablehnungsbescheid(?:es)?|Sanktionsbescheid(?:es)?|Schreiben(?:s)?)[^.;\n]{0,40}?\b(vom|v\.)\s*/gi;
  for (const m of einzeilig.matchAll(re)) {
    const rest = einzeilig.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 24);
    const d = findeDaten(rest, bezugsjahr)[0];
    if (d && d.index === 0) return d.iso;
  }
  return undefined;
}

const ORGANISATION = /\b(jobcenter|gmbh|ag|kg|e\.\s?v\.|bank|sparkasse|volksbank|familienkasse|agentur|rentenversicherung|landkreis|stadt|gemeinde|kreis|amt|behörde|kasse|krankenkasse|aok|praxis|dr\.|klinik|hausverwaltung|wohnungs|immobilien|verwaltung|genossenschaft|versicherung|gericht|schule|finanzamt|ihk|service|postfach|abteilung|team|bundesagentur|wohngeld|unterhalt|kindergeld|deutsche|postbank|commerzbank|ing|dkb|bürgergeld|antrag|bescheid|seite|caritas|diakonie|diakonisches|beratung|beratungsstelle|pflegedienst|inkasso|creditreform|verein|zentrum|kanzlei|rechtsanwalt|rechtsanwälte|rechtsanwältin|energie|stadtwerke|personalservice|elterngeldstelle|standort|telefon|fax|e-mail|bäckerei|restaurant|gaststätte|café|hotel|friseur|logistik|spedition|reinigung|pizzeria|imbiss|apotheke)\b/i;
const ANREDE = /^(herrn?|frau|familie|eheleute|an\s+(das|die|den))\s+/i;
const NAME = /^([A-ZÄÖÜ][\p{Ll}ß]+(?:-[A-ZÄÖÜ][\p{Ll}ß]+)?)(?:\s+([A-ZÄÖÜ][\p{Ll}ß]+(?:-[A-ZÄÖÜ][\p{Ll}ß]+)?))?\s+((?:(?:von|van|de|zu|von der|van der)\s+)?[A-ZÄÖÜ][\p{Ll}ß]+(?:-[A-ZÄÖÜ][\p{Ll}ß]+)?)$/u;
const STRASSE = /^([\p{L}][\p{L}ß .-]*?(?:straße|str\.|strasse|weg|platz|allee|gasse|ring|damm|ufer|steig|pfad|chaussee|markt|hof|berg|feld|garten|park|anger|[a-zäöüß]+)\s*\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+[a-zA-Z]?)?)$/iu;
const PLZ_ORT = /^(\d{5})\s+[A-ZÄÖÜ][\p{L} .\-()/]+$/u;

type Absender = NonNullable<Merkmale['absender']>;

function feld(zeilen: string[], namen: RegExp): string | undefined {
  for (const z of zeilen) {
    const m = z.match(new RegExp(`^\\s*(?:${namen.source})\\s*[:.]\\s*(.+?)\\s*$`, 'i'));
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/**
 * The sender as written: a person's address block (name / street / PLZ Ort) at the top — the
 * first block whose name looks like a person, not an organisation (for a decision of another
 * authority that is the addressee, which is what we need) — or form fields ("Name:", "Vorname:",
 * "Geburtsdatum:"). Used only to propose a household; a person confirms.
 */
export function findeAbsender(text: string, bezugsjahr?: number): Absender | undefined {
  const zeilen = text.split(/\r?\n/).map((z) => z.replace(/\t/g, '  ').trim());
  const a: Absender = {};
  let nameZeile = -1;
  const setzeName = (roh: string, nr: number): boolean => {
    const name = roh.replace(ANREDE, '').trim();
    if (ORGANISATION.test(name)) return false;
    const komma = name.match(/^([\p{L}' -]+),\s*([\p{L}' -]+)$/u); // "Nachname, Vorname"
    const n = komma ? null : name.match(NAME);
    if (komma) {
      a.nachname = komma[1]!.trim();
      a.vorname = komma[2]!.trim();
    } else if (n) {
      a.vorname = n[2] ? `${n[1]} ${n[2]}` : n[1];
      a.nachname = n[3];
    } else return false;
    nameZeile = nr;
    return true;
  };
  // 1. An address block: name / street / PLZ Ort (the first that is a person's).
  for (let i = 2; i < Math.min(zeilen.length, 40); i++) {
    const plz = zeilen[i]!.match(PLZ_ORT);
    if (!plz) continue;
    const strasse = zeilen[i - 1]!;
    if (!STRASSE.test(strasse) || ORGANISATION.test(strasse)) continue;
    if (!setzeName(zeilen[i - 2]!, i - 2)) continue;
    a.strasse = strasse;
    a.plz = plz[1];
    break;
  }
  // 2. Form fields: "Name, Vorname: Muster, Max", "Name: Max Muster", "Kontoinhaber: Max Muster, Weg 1, 12345 Ort", …
  if (!a.nachname) {
    for (const [nr, z] of zeilen.entries()) {
      const m = z.match(/^(?:name,\s*vorname(?:\s+de[rs]\s+[\p{L} ]+?)?|name|familienname|nachname|kontoinhaber(?:\/in|in)?|mieter(?:\/in|in)?|betreute person|versicherte[rn]?|patient(?:in)?|mandant(?:in)?|antragstell(?:er|erin|ende person))\s*:\s*(.+?)(?:\s{2,}.*)?$/iu);
      if (!m) continue;
      const [wer, ...rest] = m[1]!.split(/,\s*(?=[\p{L}.\- ]+\d|\d{5})/u);
      if (/^name,\s*vorname/i.test(z) || /^[\p{L}' -]+$/u.test(wer!)) {
        if (!setzeName(wer!.trim(), nr) && /^(name|familienname|nachname)\s*:/i.test(z) && /^[\p{L}' -]{2,40}$/u.test(wer!)) {
          a.nachname = wer!.trim();
          nameZeile = nr;
        }
      }
      if (a.nachname) {
        const adresse = rest.join(', ').match(/^(.*?\d+\s?[a-zA-Z]?)\s*,\s*(\d{5})\s/);
        if (adresse) {
          a.strasse = adresse[1];
          a.plz = adresse[2];
        }
        break;
      }
    }
    const vorname = feld(zeilen, /vorname/);
    if (vorname && !a.vorname && /^[\p{L}][\p{L} \-']{1,40}$/u.test(vorname)) a.vorname = vorname;
  }
  // 2b. "Frau Anna Wolf, geb. 25.07.1968", "von Ryan Salow (geb. 25.08.1966)": a name with its date of birth.
  if (!a.nachname) {
    for (const [nr, z] of zeilen.entries()) {
      const m = z.match(/([A-ZÄÖÜ][\p{Ll}ß]+(?:-[A-ZÄÖÜ][\p{Ll}ß]+)?)\s+([A-ZÄÖÜ][\p{Ll}ß]+(?:-[A-ZÄÖÜ][\p{Ll}ß]+)?),?\s*\(?geb(?:\.|oren am)\s*\d/u);
      if (m && !ORGANISATION.test(m[0]) && !/^(Frau|Herrn?|Familie)$/.test(m[1]!)) {
        a.vorname = m[1];
        a.nachname = m[2];
        nameZeile = nr;
        break;
      }
    }
  }
  // 3. Date of birth: on the name's line or just below it, or a "Geburtsdatum:" field; not someone else's (a child's).
  const gebIn = (z: string) => {
    const i = z.search(/geb(\.|oren|urtsdatum|\.-datum)/i);
    return i < 0 ? undefined : findeDaten(z.slice(i), bezugsjahr)[0]?.iso;
  };
  const kandidaten = nameZeile >= 0 ? [nameZeile, nameZeile + 1, nameZeile + 2, nameZeile + 3] : [];
  for (const nr of kandidaten) {
    const d = zeilen[nr] !== undefined ? gebIn(zeilen[nr]!) : undefined;
    if (d) {
      a.geburtsdatum = d;
      break;
    }
  }
  if (!a.geburtsdatum) {
    const feldZeile = zeilen.find((z) => /^(geburtsdatum|geb\.-datum|geb\.|geboren am)\s*:?\s*\d/i.test(z) || (a.nachname !== undefined && z.includes(a.nachname) && /geb(\.|oren)/i.test(z)));
    const d = feldZeile ? gebIn(feldZeile) : undefined;
    if (d) a.geburtsdatum = d;
  }
  if (!a.plz) {
    const anschrift = feld(zeilen, /anschrift|adresse|wohnanschrift/);
    const m = anschrift?.match(/^(.*?\d+\s?[a-zA-Z]?)\s*,\s*(\d{5})\s/);
    if (m) {
      a.strasse = m[1];
      a.plz = m[2];
    }
  }
  return Object.keys(a).length > 0 ? a : undefined;
}

/** Everything `Merkmale` holds, from a document's text. `eingangsdatum` (YYYY-MM-DD) anchors the letter's date. */
export function findeMerkmale(text: string, opts: { eingangsdatum?: string } = {}): Merkmale {
  const bezugsjahr = opts.eingangsdatum ? Number(opts.eingangsdatum.slice(0, 4)) : undefined;
  const merkmale: Merkmale = {
    bgNummern: findeBgNummern(text),
    kundennummern: findeKundennummern(text),
    ibans: findeIbans(text),
  };
  const briefdatum = findeBriefdatum(text, opts.eingangsdatum);
  if (briefdatum) merkmale.briefdatum = briefdatum;
  const absender = findeAbsender(text, bezugsjahr);
  if (absender) merkmale.absender = absender;
  const bescheidVom = findeBescheidVom(text, bezugsjahr);
  if (bescheidVom) merkmale.bescheidVom = bescheidVom;
  return merkmale;
}
