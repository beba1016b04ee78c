/**
 * A seeded, realistic simulated Landkreis: households (Bedarfsgemeinschaften) of 1–6
 * persons with German names, plausible birth dates and addresses in the towns of one
 * Landkreis (Göttingen/Harz region, real postcodes), Bewilligungszeiträume of 12 or 6
 * months with ends spread over the year, and teams by surname range and location.
 *
 * Deterministic: the same (seed, haushalte, stichtag) always gives the same Landkreis.
 * All persons are invented from the word lists of fakerDE (woerter-de.ts); any likeness to
 * real people is chance.
 */
import { berlinDate } from '../../../domain/zeit';
import type { Anschrift, Bewilligungszeitraum, Haushalt, Person, Tag, Team } from '../port';
import { monatsanfang, monatsende, plusTage } from './tage';
import { normalisiereName } from './namen';
import { nachnamen, strassen as strassenNamen, vornamenMaennlich, vornamenWeiblich } from './woerter-de';
import { mulberry32 } from '../../../domain/zufall';

export interface Landkreis {
  haushalte: Haushalt[];
  teams: Team[];
  stichtag: Tag;
  /** 5-digit office code of the Jobcenter, first part of every BG-Nummer. */
  amtsKennung: string;
}

export const AMTS_KENNUNG = '96201';

export type Standort = 'Göttingen' | 'Osterode am Harz';

export interface Ort {
  name: string;
  plz: string[];
  /** Relative share of households. */
  gewicht: number;
  /** Size of the street pool. */
  strassen: number;
  standort: Standort;
}

/** Towns of the simulated Landkreis with their real postcodes. */
export const ORTE: readonly Ort[] = [
  { name: 'Göttingen', plz: ['37073', '37075', '37077', '37079', '37081', '37083', '37085'], gewicht: 45, strassen: 320, standort: 'Göttingen' },
  { name: 'Hann. Münden', plz: ['34346'], gewicht: 9, strassen: 90, standort: 'Göttingen' },
  { name: 'Duderstadt', plz: ['37115'], gewicht: 7, strassen: 80, standort: 'Göttingen' },
  { name: 'Bovenden', plz: ['37120'], gewicht: 4, strassen: 50, standort: 'Göttingen' },
  { name: 'Rosdorf', plz: ['37124'], gewicht: 4, strassen: 50, standort: 'Göttingen' },
  { name: 'Friedland', plz: ['37133'], gewicht: 3, strassen: 40, standort: 'Göttingen' },
  { name: 'Adelebsen', plz: ['37139'], gewicht: 2, strassen: 30, standort: 'Göttingen' },
  { name: 'Osterode am Harz', plz: ['37520'], gewicht: 11, strassen: 110, standort: 'Osterode am Harz' },
  { name: 'Herzberg am Harz', plz: ['37412'], gewicht: 8, strassen: 70, standort: 'Osterode am Harz' },
  { name: 'Bad Lauterberg im Harz', plz: ['37431'], gewicht: 7, strassen: 60, standort: 'Osterode am Harz' },
];

const STANDORT_KURZ: Record<Standort, { kurz: string; name: string }> = {
  'Göttingen': { kurz: 'S', name: 'Süd' },
  'Osterode am Harz': { kurz: 'N', name: 'Nord' },
};

/** Leistung teams: surname ranges (first letter, umlauts as base letter) per location. */
const LEISTUNG_BEREICHE: Record<Standort, Array<[string, string]>> = {
  'Göttingen': [['A', 'D'], ['E', 'H'], ['I', 'M'], ['N', 'R'], ['S', 'Z']],
  'Osterode am Harz': [['A', 'G'], ['H', 'P'], ['Q', 'Z']],
};

export function erzeugeTeams(): Team[] {
  const teams: Team[] = [];
  for (const standort of Object.keys(LEISTUNG_BEREICHE) as Standort[]) {
    const s = STANDORT_KURZ[standort];
    for (const [von, bis] of LEISTUNG_BEREICHE[standort]) {
      teams.push({ id: `LE-${s.kurz}-${von}${bis}`, name: `Team ${von}–${bis} ${s.name}`, bereich: 'leistung', standort });
    }
  }
  teams.push(
    { id: 'MI-S-U25', name: 'Markt & Integration U25 Süd', bereich: 'markt-integration', standort: 'Göttingen' },
    { id: 'MI-S-UE25', name: 'Markt & Integration Ü25 Süd', bereich: 'markt-integration', standort: 'Göttingen' },
    { id: 'MI-N', name: 'Markt & Integration Nord', bereich: 'markt-integration', standort: 'Osterode am Harz' },
    { id: 'MI-REHA', name: 'Markt & Integration Reha/SB', bereich: 'markt-integration', standort: 'Göttingen' },
  );
  return teams;
}

/** The location responsible for a postcode (Göttingen for postcodes outside the Landkreis). */
export function standortFuerPlz(plz: string): Standort {
  return ORTE.find((o) => o.plz.includes(plz))?.standort ?? 'Göttingen';
}

/** The Leistung team responsible for a household: by the applicant's surname and the location. */
export function zustaendigesTeam(teams: readonly Team[], nachname: string, plz: string): Team {
  const standort = standortFuerPlz(plz);
  const buchstabe = (normalisiereName(nachname).replace(/[^a-z]/g, '')[0] ?? 'a').toUpperCase();
  const s = STANDORT_KURZ[standort];
  const bereich = LEISTUNG_BEREICHE[standort].find(([von, bis]) => buchstabe >= von && buchstabe <= bis) ?? LEISTUNG_BEREICHE[standort][0]!;
  const id = `LE-${s.kurz}-${bereich[0]}${bereich[1]}`;
  const team = teams.find((t) => t.id === id) ?? teams.find((t) => t.bereich === 'leistung');
  if (!team) throw new Error('Keine Leistungsteams im Landkreis.');
  return team;
}

/** mulberry32: small, fast, seeded. */
const prng = mulberry32;

class Zufall {
  constructor(private readonly next: () => number) {}
  zahl(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  ja(p: number): boolean {
    return this.next() < p;
  }
  gewichtet<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![0];
  }
  element<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** Household sizes of SGB II Bedarfsgemeinschaften: many singles, few large families. */
const GROESSEN: Array<readonly [number, number]> = [[1, 52], [2, 20], [3, 13], [4, 8], [5, 4.5], [6, 2.5]];
const KUNDEN_BUCHSTABEN = 'ABCDEFGHJKLMNPRSTUVWXZ'.split('');

export interface GeneratorOptionen {
  seed: number;
  haushalte: number;
  /** Reference day: current BWZ run around it. Default: today (Europe/Berlin). */
  stichtag?: Tag;
}

export function generiereLandkreis(opts: GeneratorOptionen): Landkreis {
  const stichtag = opts.stichtag ?? berlinDate(new Date());
  const z = new Zufall(prng(opts.seed ^ 0x5eed));
  const nachname_ = (): string => z.element(nachnamen);
  const vorname_ = (weiblich: boolean): string => z.element(weiblich ? vornamenWeiblich : vornamenMaennlich);
  const teams = erzeugeTeams();
  const amtsKennung = AMTS_KENNUNG;

  const strassen = new Map<string, string[]>();
  for (const ort of ORTE) {
    const pool = new Set<string>();
    for (let i = 0; pool.size < ort.strassen && i < ort.strassen * 4; i++) pool.add(z.element(strassenNamen));
    strassen.set(ort.name, [...pool]);
  }
  const ortGewichte = ORTE.map((o) => [o, o.gewicht] as const);

  const kundennummern = new Set<string>();
  const kundenPrefix = amtsKennung.slice(0, 3);
  const neueKundennummer = (): string => {
    for (;;) {
      const k = `${kundenPrefix}${z.element(KUNDEN_BUCHSTABEN)}${String(z.zahl(0, 999999)).padStart(6, '0')}`;
      if (!kundennummern.has(k)) {
        kundennummern.add(k);
        return k;
      }
    }
  };
  /** A birth date at which the person is exactly `alter` years old on the Stichtag. */
  const geburtsdatum = (alter: number): Tag => {
    const [y, m, d] = stichtag.split('-') as [string, string, string];
    const jahrestag = `${String(Number(y) - alter).padStart(4, '0')}-${m}-${m === '02' && d === '29' ? '28' : d}`;
    return plusTage(jahrestag, -z.zahl(0, 364));
  };

  let bgLaufnummer = z.zahl(1000, 20000);
  let bwzLaufnummer = 0;
  const schrittweite = Math.max(1, Math.min(40, Math.floor(9_000_000 / Math.max(1, opts.haushalte))));
  const haushalte: Haushalt[] = [];

  for (let n = 0; n < opts.haushalte; n++) {
    bgLaufnummer += z.zahl(1, schrittweite);
    const bgNummer = `${amtsKennung}BG${String(bgLaufnummer).padStart(7, '0')}`;
    const groesse = z.gewichtet(GROESSEN);

    const personen: Person[] = [];
    const paar = groesse >= 2 && z.ja(groesse === 2 ? 0.45 : 0.6);
    const kinder = groesse - 1 - (paar ? 1 : 0);
    const sonstige = kinder >= 2 && z.ja(0.04) ? 1 : 0;
    const antragstellerin = kinder > 0 && !paar ? z.ja(0.88) : z.ja(0.5);
    const alter = kinder > 0 ? z.zahl(20, 52) : z.gewichtet([[z.zahl(18, 24), 15], [z.zahl(25, 49), 50], [z.zahl(50, 67), 35]]);
    const nachname = nachname_();
    personen.push({
      kundennummer: neueKundennummer(),
      vorname: vorname_(antragstellerin),
      nachname,
      geburtsdatum: geburtsdatum(alter),
      rolle: 'antragsteller',
    });
    let partnerName = nachname;
    if (paar) {
      partnerName = z.ja(0.65) ? nachname : nachname_();
      personen.push({
        kundennummer: neueKundennummer(),
        vorname: vorname_(!antragstellerin),
        nachname: partnerName,
        geburtsdatum: geburtsdatum(Math.max(18, Math.min(67, alter + z.zahl(-8, 8)))),
        rolle: 'partner',
      });
    }
    for (let k = 0; k < kinder - sonstige; k++) {
      const maxAlter = Math.min(24, alter - 18);
      const kindAlter = z.ja(0.85) ? z.zahl(0, Math.min(17, maxAlter)) : z.zahl(Math.min(18, maxAlter), maxAlter);
      personen.push({
        kundennummer: neueKundennummer(),
        vorname: vorname_(z.ja(0.5)),
        nachname: z.ja(0.8) ? nachname : partnerName,
        geburtsdatum: geburtsdatum(kindAlter),
        rolle: 'kind',
      });
    }
    for (let k = 0; k < sonstige; k++) {
      personen.push({
        kundennummer: neueKundennummer(),
        vorname: vorname_(z.ja(0.5)),
        nachname: z.ja(0.5) ? nachname : nachname_(),
        geburtsdatum: geburtsdatum(z.zahl(0, 17)),
        rolle: 'sonstige',
      });
    }

    const ort = z.gewichtet(ortGewichte);
    const anschrift: Anschrift = {
      strasse: z.element(strassen.get(ort.name)!),
      hausnummer: `${z.gewichtet([[z.zahl(1, 30), 70], [z.zahl(31, 140), 30]])}${z.ja(0.08) ? z.element(['a', 'b', 'c']) : ''}`,
      plz: z.element(ort.plz),
      ort: ort.name,
    };

    // Current BWZ runs through the Stichtag, ends spread evenly over the coming months;
    // dissolved households have only past BWZ.
    const aufgeloest = z.ja(0.03);
    const bewilligungszeitraeume: Bewilligungszeitraum[] = [];
    const neuerBwz = (beginn: Tag, monate: number): Bewilligungszeitraum => ({
      id: `BWZ${String(++bwzLaufnummer).padStart(8, '0')}`,
      beginn,
      ende: monatsende(beginn, monate - 1),
      art: monate === 6 ? 'vorlaeufig' : 'regulaer',
    });
    const monate = z.ja(0.15) ? 6 : 12;
    const endeVersatz = aufgeloest ? -z.zahl(1, 12) : z.zahl(0, monate - 1);
    const aktuellBeginn = monatsanfang(stichtag, endeVersatz - monate + 1);
    if (z.ja(0.7)) {
      const vorMonate = z.ja(0.2) ? 6 : 12;
      bewilligungszeitraeume.push(neuerBwz(monatsanfang(aktuellBeginn, -vorMonate), vorMonate));
    }
    bewilligungszeitraeume.push(neuerBwz(aktuellBeginn, monate));

    haushalte.push({
      bgNummer,
      personen,
      anschrift,
      team: zustaendigesTeam(teams, nachname, anschrift.plz),
      bewilligungszeitraeume,
      aufgeloest,
    });
  }
  return { haushalte, teams, stichtag, amtsKennung };
}
