/**
 * What the comp.ASS-like web UI shows and how: German dates, labels of roles, kinds of
 * application and BWZ, and the message numbers of its error messages. Shared by the simulator
 * (which renders them) and the robot (which reads them back), and documented in README.md.
 */
import type { AntragseingangAuftrag, Bewilligungszeitraum, Person, Tag, Team } from '../port';

/** ISO day → TT.MM.JJJJ */
export function deDatum(tag: Tag): string {
  return `${tag.slice(8, 10)}.${tag.slice(5, 7)}.${tag.slice(0, 4)}`;
}

/** TT.MM.JJJJ → ISO day, or null if it is no valid date. */
export function isoDatum(s: string): Tag | null {
  const m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(s);
  if (!m) return null;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

export const ROLLEN: Record<Person['rolle'], string> = {
  antragsteller: 'Antragsteller/in',
  partner: 'Partner/in',
  kind: 'Kind',
  sonstige: 'Sonstige Person',
};

export const BWZ_ARTEN: Record<Bewilligungszeitraum['art'], string> = {
  regulaer: 'regulär',
  vorlaeufig: 'vorläufig (§ 41a SGB II)',
};

export const BEREICHE: Record<Team['bereich'], string> = {
  leistung: 'Leistung',
  'markt-integration': 'Markt & Integration',
};

export const ANTRAGSARTEN: Record<AntragseingangAuftrag['art'], string> = {
  WBA: 'Weiterbewilligungsantrag',
  HAUPTANTRAG: 'Hauptantrag',
  VAEM: 'Veränderungsmitteilung',
  UEBERPRUEFUNGSANTRAG: 'Überprüfungsantrag (§ 44 SGB X)',
  WIDERSPRUCH: 'Widerspruch',
};

export const MERKMALE: Record<string, string> = {
  geburtsdatum: 'Geburtsdatum',
  nachname: 'Nachname',
  vorname: 'Vorname',
  plz: 'PLZ',
  strasse: 'Straße',
};

/** Message numbers of the UI's error messages ("FV-1001: …") and the port's codes. */
export const MELDUNGEN: Record<string, string> = {
  'FV-1001': 'HAUSHALT_NICHT_GEFUNDEN',
  'FV-2001': 'UNGUELTIGER_AUFTRAG',
  'FV-2002': 'TEAM_NICHT_GEFUNDEN',
};

export function meldungsNummer(code: string): string {
  return Object.entries(MELDUNGEN).find(([, c]) => c === code)?.[0] ?? 'FV-2999';
}

export function invert<K extends string>(m: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as string, k as K]));
}
