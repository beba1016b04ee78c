/**
 * Test letters, text level: a seeded generator of realistic German incoming post of a
 * kommunales Jobcenter, one letter per call, with the truth (type, identifiers, dates,
 * sender) next to it. Stage 2 (render.ts) turns a `Brief` into PDFs, scans, faxes, photos
 * and batches.
 *
 * Realism: several senders and templates per type (citizens writing plain or handwritten
 * letters, employers' payslips, bank statements, landlords, other authorities' decisions,
 * doctors' AU forms, the Jobcenter's own forms filled in), sentence pools for variety,
 * identifiers written the way people write them, and deliberate confusers (a Widerspruch
 * that talks about the Weiterbewilligung, a Kontoauszug with a Jobcenter payment, …).
 *
 * Determinism: everything comes from the `rng` passed in (mulberry32, domain/zufall.ts);
 * faker (locale de) is reseeded from it for every letter. No clock is read: dates lie
 * around `opts.stichtag` (default 2026-11-02).
 *
 * All persons, firms and numbers are invented; any likeness to real people is chance.
 * Authorities and banks are named by type and region only as a reader would expect them.
 */
import { faker } from '@faker-js/faker/locale/de';
import type { Eingangsart } from '../../domain/posteingang';
import { EINGANGSARTEN } from '../../domain/posteingang';
import { mulberry32 } from '../../domain/zufall';
import { ORTE, generiereLandkreis } from '../../connectors/fachverfahren/landkreis/generator';
import { vornamenWeiblich } from '../../connectors/fachverfahren/landkreis/woerter-de';
import type { Anschrift, Person } from '../../connectors/fachverfahren/port';
import {
  Wuerfel, bgNummerEtikett, bgNummerSchreibweise, datumIrgendwie, datumKurz, deutscheIban, euro, falscheIban, geld,
  ibanGruppiert, kundennummerEtikett, kundennummerSchreibweise, monatJahr, monatsanfang, monatsende, plusMonate, plusTage, satz,
  umbrechen, werktag,
} from './werkzeug';

// ---------------------------------------------------------------- public types

/** A household to write for (e.g. one of the simulated Landkreis, see `haushalteAusLandkreis`). */
export interface HaushaltVorgabe {
  bgNummer: string;
  personen: Person[];
  anschrift: Anschrift;
}

export interface BriefOptionen {
  /** Write as a member of this household (its BG-Nummer, Kundennummer, names and address). */
  haushalt?: HaushaltVorgabe;
  /** Reference day (YYYY-MM-DD); letter dates lie in the weeks before it. Default 2026-11-02. */
  stichtag?: string;
  /** Share of letters that carry a BG-Nummer (default per type, ~0.8 over all types). 0 = never, 1 = always. */
  bgQuote?: number;
  /** true: use a confuser template where the type has one; false: never. Default: by chance (~20 %). */
  verwechsler?: boolean;
}

/** The person the letter is about (the citizen), as it appears in the letter. */
export interface Absender {
  vorname: string;
  nachname: string;
  /** YYYY-MM-DD, when the letter states it. */
  geburtsdatum?: string;
  strasse: string;
  plz: string;
  ort: string;
}

export interface BriefWahrheit {
  art: Eingangsart;
  /** Normalised BG-Nummer (e.g. 96201BG0012345) when the letter carries one. */
  bgNummer?: string;
  /** The BG-Nummer exactly as printed (number part, without label); a substring of one of the lines. */
  bgNummerGeschrieben?: string;
  /** Normalised Kundennummer when the letter carries one. */
  kundennummer?: string;
  kundennummerGeschrieben?: string;
  /** IBAN printed in the letter (normalised, no spaces). */
  iban?: string;
  /** false when the printed IBAN is a deliberate trap with a wrong checksum. */
  ibanGueltig?: boolean;
  /** Date of the letter/document (YYYY-MM-DD). */
  briefdatum?: string;
  /** WIDERSPRUCH / UEBERPRUEFUNGSANTRAG: date of the contested Bescheid. */
  bescheidVom?: string;
  /** The citizen concerned (sender of a citizen letter; employee, account holder, tenant, patient … otherwise). */
  absender: Absender;
  /** Who issued the document when it is not the citizen (employer, bank, landlord, authority, doctor). */
  aussteller?: string;
  /** Template id, e.g. "WIDERSPRUCH/anwalt". */
  vorlage: string;
  /** Set when the letter deliberately mentions words of another type (what it could be confused with). */
  verwechsler?: Eingangsart;
}

export type Schrift = 'sans' | 'serif' | 'mono' | 'hand';

/** Rendering hints for stage 2 (all line numbers are 0-based indices into `zeilen`). */
export interface Layout {
  stil: 'buergerbrief' | 'handschrift' | 'geschaeftsbrief' | 'bescheid' | 'formular' | 'tabelle' | 'bescheinigung';
  schrift: Schrift;
  /** Body font size in pt. */
  groesse: number;
  fett: number[];
  /** Lines set flush right (date line, letterhead). */
  rechts: number[];
  /** Lines written by hand onto a printed document (e.g. a BG-Nummer scribbled on a payslip). */
  handschriftlich: number[];
  /** Headings (larger). */
  ueberschriften: number[];
  /** Lines containing "\t" are table rows, cells separated by tabs; checkboxes are written "[X]" / "[ ]". */
  tabellen: boolean;
  /** Left margin in mm (20–30). */
  randLinks: number;
}

export interface Brief {
  art: Eingangsart;
  /** The letter's text lines, top to bottom ("" = empty line). */
  zeilen: string[];
  wahrheit: BriefWahrheit;
  layout: Layout;
}

export const STANDARD_STICHTAG = '2026-11-02';

const WEIBLICH = new Set(vornamenWeiblich);

// ---------------------------------------------------------------- letter builder

class Aufbau {
  readonly zeilen: string[] = [];
  readonly fett: number[] = [];
  readonly rechts: number[] = [];
  readonly hand: number[] = [];
  readonly ueber: number[] = [];

  z(text: string, art?: 'fett' | 'rechts' | 'hand' | 'ueber'): this {
    const i = this.zeilen.length;
    this.zeilen.push(text);
    if (art === 'fett') this.fett.push(i);
    else if (art === 'rechts') this.rechts.push(i);
    else if (art === 'hand') this.hand.push(i);
    else if (art === 'ueber') this.ueber.push(i);
    return this;
  }

  leer(n = 1): this {
    for (let i = 0; i < n; i++) this.zeilen.push('');
    return this;
  }

  absatz(text: string, breite: number): this {
    for (const l of umbrechen(text, breite)) this.z(l);
    return this;
  }

  zeilenVon(lines: readonly string[]): this {
    for (const l of lines) this.z(l);
    return this;
  }

  tabelle(rows: ReadonlyArray<readonly string[]>, kopfFett = true): this {
    rows.forEach((r, i) => this.z(r.join('\t'), i === 0 && kopfFett ? 'fett' : undefined));
    return this;
  }
}

interface Kind {
  vorname: string;
  nachname: string;
  geburtsdatum: string;
}

/** Everything a template needs: dice, the citizen, identifiers, dates. Templates fill in `wahrheit`. */
class Ctx {
  readonly w: Wuerfel;
  readonly a = new Aufbau();
  readonly person: { vorname: string; nachname: string; geburtsdatum: string; weiblich: boolean; strasse: string; plz: string; ort: string };
  readonly partner?: { vorname: string; nachname: string; geburtsdatum: string };
  readonly kinder: Kind[];
  readonly bg: string;
  readonly kunde: string;
  readonly stichtag: string;
  readonly datum: string;
  readonly iban: string;
  readonly bgQuote: number | undefined;
  readonly verwechslerWunsch: boolean | undefined;
  readonly telefon: string;
  readonly email: string;
  readonly wahr: Partial<BriefWahrheit> & { absender: Absender };
  layout: Omit<Layout, 'fett' | 'rechts' | 'handschriftlich' | 'ueberschriften'>;
  /** Line width in characters for word wrap of body text. */
  breite = 78;

  constructor(rng: () => number, opts: BriefOptionen) {
    this.w = new Wuerfel(rng);
    faker.seed(Math.floor(rng() * 2 ** 31));
    this.stichtag = opts.stichtag ?? STANDARD_STICHTAG;
    this.bgQuote = opts.bgQuote;
    this.verwechslerWunsch = opts.verwechsler;
    const w = this.w;
    const h = opts.haushalt;
    if (h) {
      const erwachsene = h.personen.filter((p) => p.rolle === 'antragsteller' || p.rolle === 'partner');
      const p = w.ja(0.8) ? (h.personen.find((x) => x.rolle === 'antragsteller') ?? h.personen[0]!) : w.element(erwachsene.length ? erwachsene : h.personen);
      this.person = {
        vorname: p.vorname, nachname: p.nachname, geburtsdatum: p.geburtsdatum, weiblich: WEIBLICH.has(p.vorname),
        strasse: `${h.anschrift.strasse} ${h.anschrift.hausnummer}`.trim(), plz: h.anschrift.plz, ort: h.anschrift.ort,
      };
      const partner = h.personen.find((x) => x !== p && (x.rolle === 'partner' || x.rolle === 'antragsteller'));
      if (partner) this.partner = { vorname: partner.vorname, nachname: partner.nachname, geburtsdatum: partner.geburtsdatum };
      this.kinder = h.personen.filter((x) => x.rolle === 'kind').map((k) => ({ vorname: k.vorname, nachname: k.nachname, geburtsdatum: k.geburtsdatum }));
      this.bg = h.bgNummer;
      this.kunde = p.kundennummer;
    } else {
      const weiblich = w.ja(0.55);
      const nachname = faker.person.lastName();
      const ort = w.gewichtet(ORTE.map((o) => [o, o.gewicht] as const));
      this.person = {
        vorname: faker.person.firstName(weiblich ? 'female' : 'male'),
        nachname,
        geburtsdatum: plusTage(this.stichtag, -w.zahl(18 * 365 + 5, 64 * 365)),
        weiblich,
        strasse: `${faker.location.street()} ${w.zahl(1, 120)}${w.ja(0.12) ? w.element(['a', 'b', 'c']) : ''}`,
        plz: w.element(ort.plz),
        ort: ort.name,
      };
      if (w.ja(0.35)) {
        this.partner = {
          vorname: faker.person.firstName(weiblich ? 'male' : 'female'),
          nachname: w.ja(0.7) ? nachname : faker.person.lastName(),
          geburtsdatum: plusTage(this.person.geburtsdatum, w.zahl(-3000, 3000)),
        };
      }
      this.kinder = [];
      const nKinder = w.gewichtet([[0, 55], [1, 20], [2, 15], [3, 7], [4, 3]] as const);
      for (let i = 0; i < nKinder; i++) {
        this.kinder.push({ vorname: faker.person.firstName(), nachname, geburtsdatum: plusTage(this.stichtag, -w.zahl(200, 17 * 365)) });
      }
      this.bg = `96201BG${String(w.zahl(1000, 99999)).padStart(7, '0')}`;
      this.kunde = `962${w.element('ABCDEFGHJKLMNPRSTUVWXZ'.split(''))}${w.ziffern(6)}`;
    }
    this.datum = werktag(plusTage(this.stichtag, -w.zahl(1, 40)));
    this.iban = deutscheIban(w.element(BANKEN).blz, w.ziffern(10));
    this.telefon = w.ja(0.5) ? `0${w.element(['551', '5522', '5521', '5541', '5527', '160', '151', '172', '176'])} ${w.ziffern(w.zahl(6, 8))}` : '';
    this.email = w.ja(0.3) ? `${this.person.vorname.toLowerCase()}.${this.person.nachname.toLowerCase()}${w.zahl(1, 99)}@${w.element(['web.de', 'gmx.de', 't-online.de', 'gmail.com'])}`.replace(/[^a-z0-9.@-]/g, '') : '';
    this.wahr = {
      absender: { vorname: this.person.vorname, nachname: this.person.nachname, strasse: this.person.strasse, plz: this.person.plz, ort: this.person.ort },
    };
    this.layout = { stil: 'buergerbrief', schrift: 'sans', groesse: 11, tabellen: false, randLinks: 25 };
  }

  get name(): string {
    return `${this.person.vorname} ${this.person.nachname}`;
  }

  /** Probability that this letter carries its BG-Nummer (per type default, overridable). */
  mitBg(standard: number): boolean {
    return this.w.ja(this.bgQuote ?? standard);
  }

  /** Decides whether to use a confuser template (default chance `p`). */
  verwechsler(p = 0.2): boolean {
    return this.verwechslerWunsch ?? this.w.ja(p);
  }

  /** "BG-Nr. 96201 BG 0012345" — records the truth. */
  bgZeile(etikett?: string): string {
    const geschrieben = bgNummerSchreibweise(this.w, this.bg);
    this.wahr.bgNummer = this.bg;
    this.wahr.bgNummerGeschrieben = geschrieben;
    return `${etikett ?? bgNummerEtikett(this.w)} ${geschrieben}`;
  }

  kundeZeile(): string {
    const geschrieben = kundennummerSchreibweise(this.w, this.kunde);
    this.wahr.kundennummer = this.kunde;
    this.wahr.kundennummerGeschrieben = geschrieben;
    return `${kundennummerEtikett(this.w)} ${geschrieben}`;
  }

  /** The IBAN as printed; `falschQuote` = chance of a deliberate checksum error. */
  ibanText(falschQuote = 0.1, iban = this.iban): string {
    const falsch = this.w.ja(falschQuote);
    const gedruckt = falsch ? falscheIban(this.w, iban) : iban;
    this.wahr.iban = gedruckt;
    this.wahr.ibanGueltig = !falsch;
    return this.w.ja(0.7) ? ibanGruppiert(gedruckt) : gedruckt;
  }

  geburtsdatumAngeben(): string {
    this.wahr.absender.geburtsdatum = this.person.geburtsdatum;
    return datumKurz(this.person.geburtsdatum);
  }

  briefdatum(iso = this.datum): string {
    this.wahr.briefdatum = iso;
    return datumIrgendwie(this.w, iso);
  }

  /** A date some weeks before the letter (e.g. of a Bescheid). */
  frueher(minTage: number, maxTage: number): string {
    return werktag(plusTage(this.datum, -this.w.zahl(minTage, maxTage)));
  }
}

// ---------------------------------------------------------------- pools

const BANKEN = [
  { name: 'Sparkasse Göttingen', blz: '26050001' },
  { name: 'Sparkasse Osterode am Harz', blz: '26351015' },
  { name: 'Volksbank Kassel Göttingen eG', blz: '52060000' },
  { name: 'Commerzbank', blz: '26040030' },
  { name: 'Deutsche Bank', blz: '26070072' },
  { name: 'Postbank', blz: '25010030' },
  { name: 'ING', blz: '50010517' },
  { name: 'DKB', blz: '12030000' },
  { name: 'N26 Bank', blz: '10011001' },
  { name: 'Volksbank im Harz eG', blz: '26890019' },
] as const;

const KRANKENKASSEN = ['AOK Niedersachsen', 'Techniker Krankenkasse', 'BARMER', 'DAK-Gesundheit', 'IKK classic', 'KKH Kaufmännische Krankenkasse', 'hkk Krankenkasse', 'BKK24'];

const JOBCENTER: ReadonlyArray<readonly string[]> = [
  ['Jobcenter Landkreis Göttingen', 'Bahnhofsallee 12', '37081 Göttingen'],
  ['Jobcenter Landkreis Göttingen', 'Team Leistung', 'Bahnhofsallee 12', '37081 Göttingen'],
  ['Jobcenter Landkreis Göttingen', 'Standort Osterode am Harz', 'Dörgestraße 40', '37520 Osterode am Harz'],
  ['Jobcenter', 'Postfach 1840', '37008 Göttingen'],
  ['An das Jobcenter Göttingen', 'Bahnhofsallee 12', '37081 Göttingen'],
];

const ANREDEN = ['Sehr geehrte Damen und Herren,', 'Sehr geehrte Damen und Herren,', 'Sehr geehrte Damen und Herren,', 'Guten Tag,', 'Hallo,'];
const GRUESSE = ['Mit freundlichen Grüßen', 'Mit freundlichen Grüßen', 'Freundliche Grüße', 'Viele Grüße', 'MfG', 'Mit freundlichem Gruß'];

function sachbearbeiterin(w: Wuerfel): string {
  return `${w.element(['Frau', 'Herr'])} ${faker.person.lastName()}`;
}

function firma(w: Wuerfel): string {
  const branche = w.element([
    `${faker.person.lastName()} Gebäudereinigung GmbH`, `Bäckerei ${faker.person.lastName()}`, `${faker.person.lastName()} Logistik GmbH & Co. KG`,
    `Pflegedienst ${faker.person.lastName()}`, `${faker.company.name()}`, `Restaurant ${faker.person.lastName()}`, `${faker.person.lastName()} Personalservice GmbH`,
    `Autohaus ${faker.person.lastName()} GmbH`, `Sicherheitsdienst ${faker.person.lastName()} GmbH`, `${faker.person.lastName()} Lagertechnik GmbH`,
  ]);
  return branche;
}

function firmenAnschrift(w: Wuerfel): string[] {
  const ort = w.gewichtet(ORTE.map((o) => [o, o.gewicht] as const));
  return [`${faker.location.street()} ${w.zahl(1, 90)}`, `${w.element(ort.plz)} ${ort.name}`];
}

// ---------------------------------------------------------------- common blocks

/** Sender block, recipient, place/date, identifiers, Betreff — the head of a citizen letter. */
function buergerKopf(c: Ctx, betreff: string, bgStandard: number, kundeQuote = 0.2): void {
  const { a, w, person } = c;
  a.z(c.name).z(person.strasse).z(`${person.plz} ${person.ort}`);
  if (c.telefon) a.z(w.element(['Tel.: ', 'Telefon: ', 'Tel. ']) + c.telefon);
  if (c.email) a.z(c.email);
  a.leer(w.zahl(1, 2));
  a.zeilenVon(w.element(JOBCENTER));
  a.leer(w.zahl(1, 2));
  const datum = c.briefdatum();
  a.z(w.ja(0.7) ? `${person.ort}, ${w.ja(0.15) ? 'den ' : ''}${datum}` : datum, 'rechts');
  a.leer();
  const bg = c.mitBg(bgStandard);
  const kunde = w.ja(kundeQuote);
  if (w.ja(0.5)) {
    if (bg) a.z(c.bgZeile());
    if (kunde) a.z(c.kundeZeile());
    if (w.ja(0.3)) a.z(`Geb.: ${c.geburtsdatumAngeben()}`);
    if (bg || kunde) a.leer();
    a.z(betreff, 'fett');
  } else {
    a.z(betreff, 'fett');
    if (bg) a.z(c.bgZeile());
    if (kunde) a.z(c.kundeZeile());
  }
  a.leer();
}

function buergerSchluss(c: Ctx, anlagen: string[] = []): void {
  const { a, w } = c;
  a.leer();
  a.z(w.element(GRUESSE));
  a.leer(w.zahl(1, 2));
  a.z(w.ja(0.6) ? c.name : `${c.person.vorname[0]}. ${c.person.nachname}`, w.ja(0.5) ? 'hand' : undefined);
  if (anlagen.length > 0) {
    a.leer();
    a.z(anlagen.length === 1 ? 'Anlage:' : 'Anlagen:');
    for (const x of anlagen) a.z(`- ${x}`);
  }
}

/** A plain citizen letter (typed or handwritten). */
function buergerbrief(c: Ctx, betreff: string, absaetze: string[], anlagen: string[], bgStandard: number): void {
  const hand = c.w.ja(0.25);
  if (hand) {
    c.layout = { ...c.layout, stil: 'handschrift', schrift: 'hand', groesse: 13 };
    c.breite = 58;
  } else {
    c.layout = { ...c.layout, stil: 'buergerbrief', schrift: c.w.element(['sans', 'serif', 'sans'] as const), groesse: c.w.element([10, 11, 11, 12]) };
  }
  buergerKopf(c, betreff, bgStandard);
  c.a.z(c.w.element(ANREDEN));
  c.a.leer();
  for (const p of absaetze) {
    c.a.absatz(p, c.breite);
    c.a.leer();
  }
  c.a.zeilen.pop();
  buergerSchluss(c, anlagen);
}

/** Letterhead of an organisation: name and address (often flush right), then the citizen as recipient. */
function organisationsKopf(c: Ctx, kopf: string[], empfaengerZeilen = true): void {
  const rechts = c.w.ja(0.5);
  c.a.z(kopf[0]!, 'fett');
  if (rechts) c.a.rechts.push(c.a.zeilen.length - 1);
  for (const k of kopf.slice(1)) c.a.z(k, rechts ? 'rechts' : undefined);
  c.a.leer();
  if (empfaengerZeilen) {
    c.a.z(`${kopf[0]} · ${kopf.slice(1).join(' · ')}`.slice(0, 90));
    c.a.z(`${c.person.weiblich ? 'Frau' : 'Herrn'}`).z(c.name).z(c.person.strasse).z(`${c.person.plz} ${c.person.ort}`);
    c.a.leer();
  }
}

/** A BG-Nummer scribbled onto a third-party document by the citizen (or the mail room). */
function handVermerk(c: Ctx, standard: number): void {
  if (!c.mitBg(standard)) return;
  const zeile = c.w.ja(0.5) ? c.bgZeile() : c.bgZeile(c.w.element(['BG', 'BG-Nr', 'für Jobcenter, BG', '']).trim());
  c.a.zeilen.unshift(zeile.trim());
  for (const list of [c.a.fett, c.a.rechts, c.a.hand, c.a.ueber]) for (let i = 0; i < list.length; i++) list[i]! += 1;
  c.a.hand.push(0);
}

// ---------------------------------------------------------------- templates per type

type Vorlage = ((c: Ctx) => string) & { gewicht?: number };

/** Gives a template a relative weight (default 1). */
function gewicht(v: Vorlage, g: number): Vorlage {
  v.gewicht = g;
  return v;
}

const anlagenHauptantrag = ['Anlage WEP', 'Anlage KI', 'Anlage KDU', 'Anlage EK', 'Anlage VM', 'Anlage UH', 'Anlage SV', 'Anlage EKS', 'Anlage MEB'];

const HAUPTANTRAG: Vorlage[] = [
  gewicht(function online(c) {
    // Printout of an application filed online (jobcenter.digital), handed in on paper or uploaded.
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'formular', schrift: 'sans', groesse: 9, tabellen: true };
    a.z('jobcenter.digital – Zusammenfassung Ihres Antrags', 'ueber');
    a.z(`Antrag auf Bürgergeld (Hauptantrag)\tEingereicht am ${datumKurz(c.datum)} um ${w.zahl(7, 22)}:${String(w.zahl(0, 59)).padStart(2, '0')} Uhr`, 'fett');
    c.wahr.briefdatum = c.datum;
    a.z(`Vorgangsnummer:\tJCD-${w.ziffern(4)}-${w.ziffern(6)}`);
    a.z('Zuständiges Jobcenter:\tJobcenter Landkreis Göttingen');
    a.leer();
    a.z('Antragstellende Person', 'fett');
    a.z(`Name:\t${person.vorname} ${person.nachname}`);
    a.z(`Geburtsdatum:\t${c.geburtsdatumAngeben()}`);
    a.z(`Anschrift:\t${person.strasse}, ${person.plz} ${person.ort}`);
    if (c.email) a.z(`E-Mail:\t${c.email}`);
    a.leer();
    a.z('Personen in der Bedarfsgemeinschaft', 'fett');
    a.z(`1.\t${c.name} (antragstellende Person)`);
    if (c.partner) a.z(`2.\t${c.partner.vorname} ${c.partner.nachname} (Partner/in)`);
    c.kinder.forEach((k, i) => a.z(`${i + (c.partner ? 3 : 2)}.\t${k.vorname} ${k.nachname} (Kind, geb. ${datumKurz(k.geburtsdatum)})`));
    a.leer();
    a.z('Bankverbindung', 'fett');
    a.z(`IBAN:\t${c.ibanText(0.08)}`);
    a.leer();
    a.z('Hochgeladene Nachweise', 'fett');
    for (const n of w.einige(['Personalausweis (Vorder- und Rückseite)', 'Mietvertrag', 'Kontoauszüge der letzten 3 Monate', 'Verdienstabrechnung', 'Kündigungsschreiben', 'Bescheid Arbeitslosengeld', 'Krankenversicherungsnachweis'], w.zahl(2, 5))) a.z(`- ${n}`);
    a.leer();
    a.absatz('Diese Zusammenfassung dient Ihren Unterlagen. Ihr Antrag gilt mit dem oben genannten Zeitpunkt als gestellt. Fehlende Unterlagen fordern wir gesondert an.', 96);
    return 'online-zusammenfassung';
  }, 0.6),
  function formular(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'formular', schrift: 'sans', groesse: 10, tabellen: true };
    a.z('Jobcenter Landkreis Göttingen', 'rechts');
    a.z('Eingangsstempel', 'rechts');
    a.z('Antrag auf Bürgergeld', 'ueber');
    a.z('Hauptantrag – Leistungen zur Sicherung des Lebensunterhalts nach dem Zweiten Buch Sozialgesetzbuch (SGB II)', 'fett');
    a.leer();
    if (c.mitBg(0.3)) a.z(c.bgZeile('Nummer der Bedarfsgemeinschaft (falls bekannt):\t').replace(':\t ', ':\t'));
    if (w.ja(0.3)) a.z(c.kundeZeile());
    a.leer();
    a.z('1. Persönliche Daten der antragstellenden Person', 'fett');
    a.z(`Familienname:\t${person.nachname}`);
    a.z(`Vorname:\t${person.vorname}`);
    a.z(`Geburtsdatum:\t${c.geburtsdatumAngeben()}`);
    a.z(`Geburtsort:\t${faker.location.city()}`);
    a.z(`Staatsangehörigkeit:\t${w.element(['deutsch', 'deutsch', 'deutsch', 'syrisch', 'türkisch', 'ukrainisch', 'polnisch', 'rumänisch'])}`);
    a.z(`Straße, Hausnummer:\t${person.strasse}`);
    a.z(`Postleitzahl, Wohnort:\t${person.plz} ${person.ort}`);
    if (c.telefon) a.z(`Telefon (freiwillig):\t${c.telefon}`);
    a.z(`Familienstand:\t${w.element(['ledig', 'verheiratet', 'geschieden', 'getrennt lebend', 'verwitwet'])}`);
    a.leer();
    a.z('2. Angaben zur Bedarfsgemeinschaft', 'fett');
    a.z(`Leben weitere Personen in Ihrem Haushalt?\t${c.partner || c.kinder.length ? '[X] ja  [ ] nein' : '[ ] ja  [X] nein'}`);
    if (c.partner) a.z(`Partner/in:\t${c.partner.vorname} ${c.partner.nachname}, geb. ${datumKurz(c.partner.geburtsdatum)}`);
    for (const k of c.kinder) a.z(`Kind:\t${k.vorname} ${k.nachname}, geb. ${datumKurz(k.geburtsdatum)}`);
    a.leer();
    a.z('3. Bankverbindung', 'fett');
    a.z(`IBAN:\t${c.ibanText(0.08)}`);
    a.z(`Kontoinhaber/in:\t${c.name}`);
    a.leer();
    a.z('4. Einkommen und Vermögen', 'fett');
    a.z(`Erzielen Sie Einkommen (z. B. Lohn, Rente, Unterhalt, Kindergeld)?\t${w.ja(0.5) ? '[X] ja  [ ] nein' : '[ ] ja  [X] nein'}`);
    a.z(`Verfügen Sie über Vermögen über 40.000 € (Karenzzeit)?\t[ ] ja  [X] nein`);
    a.z(`Krankenversicherung:\t${w.element(KRANKENKASSEN)}`);
    a.z(`Rentenversicherungsnummer:\t${w.ziffern(2)} ${datumKurz(c.person.geburtsdatum).replace(/\./g, '').slice(0, 4)}${datumKurz(c.person.geburtsdatum).slice(-2)} ${c.person.nachname[0]!.toUpperCase()} ${w.ziffern(3)}`);
    a.leer();
    if (w.ja(0.6)) {
      a.z('5. Kosten der Unterkunft und Heizung', 'fett');
      a.z(`Wohnen Sie zur Miete?\t[X] ja  [ ] nein (Eigentum)`);
      a.z(`Grundmiete:\t${euro(w.betrag(280, 600))}`);
      a.z(`Betriebskosten:\t${euro(w.betrag(60, 180))}`);
      a.z(`Heizkosten:\t${euro(w.betrag(40, 140))}`);
      a.z(`Art der Warmwasserbereitung:\t${w.element(['zentral', 'dezentral (Durchlauferhitzer)', 'Boiler'])}`);
      a.leer();
      a.z('6. Schulden, Unterhalt, Mehrbedarfe', 'fett');
      for (const f of ['Schwangerschaft', 'Alleinerziehung', 'kostenaufwändige Ernährung', 'Behinderung', 'dezentrale Warmwasserbereitung']) a.z(`[${w.ja(0.15) ? 'X' : ' '}] Mehrbedarf wegen ${f}`);
      a.leer();
      a.absatz('Hinweis: Bitte fügen Sie für jede Person der Bedarfsgemeinschaft die erforderlichen Anlagen bei. Fehlende Unterlagen können dazu führen, dass über Ihren Antrag nicht entschieden werden kann (§§ 60, 66 SGB I).', 92);
      a.leer();
    }
    a.z('7. Beigefügte Anlagen', 'fett');
    for (const an of w.einige(anlagenHauptantrag, w.zahl(3, 6))) a.z(`[X] ${an}`);
    a.leer();
    a.absatz('Ich versichere, dass meine Angaben richtig und vollständig sind. Änderungen teile ich unverzüglich mit. Mir ist bekannt, dass vorsätzlich oder fahrlässig falsche oder unvollständige Angaben als Ordnungswidrigkeit geahndet oder als Straftat verfolgt werden können.', 92);
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}\t${c.name}`);
    a.z('Ort, Datum\tUnterschrift der antragstellenden Person');
    return 'formular';
  },
  function anschreiben(c) {
    const w = c.w;
    const grund = w.element([
      'ich habe meine Arbeit verloren und mein Arbeitslosengeld reicht nicht aus.',
      `mein Arbeitslosengeld endet am ${datumKurz(plusTage(c.datum, w.zahl(10, 40)))}.`,
      'ich habe mich von meinem Partner getrennt und kann meinen Lebensunterhalt nicht mehr selbst bestreiten.',
      'mein Einkommen aus meiner Teilzeitstelle reicht für mich und meine Kinder nicht aus.',
      'ich bin neu nach ' + c.person.ort + ' gezogen und beziehe bisher keine Leistungen.',
      'meine Selbstständigkeit trägt sich derzeit nicht mehr.',
    ]);
    buergerbrief(c, w.element(['Antrag auf Bürgergeld', 'Hauptantrag auf Bürgergeld', 'Antrag auf Leistungen nach dem SGB II', 'Betreff: Antrag auf Bürgergeld (Erstantrag)']), [
      satz('hiermit stelle ich einen Antrag auf Bürgergeld, denn', grund),
      w.element([
        'Den ausgefüllten Hauptantrag und die Anlagen lege ich bei.',
        'Anbei erhalten Sie den Hauptantrag mit den Anlagen KDU, EK und VM.',
        'Die fehlenden Unterlagen reiche ich so schnell wie möglich nach.',
      ]),
      w.element([
        'Bitte teilen Sie mir mit, ob noch etwas fehlt.',
        'Für Rückfragen bin ich telefonisch erreichbar.',
        `Ich bitte um einen Termin für ein persönliches Gespräch.${c.telefon ? ' Sie erreichen mich unter ' + c.telefon + '.' : ''}`,
      ]),
    ], ['Hauptantrag', ...w.einige(anlagenHauptantrag, w.zahl(1, 4))], 0.2);
    return 'anschreiben';
  },
];

const WBA: Vorlage[] = [
  function formular(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'formular', schrift: 'sans', groesse: 10, tabellen: true };
    a.z('Jobcenter Landkreis Göttingen', 'rechts');
    a.z(w.element(['Antrag auf Weiterbewilligung des Bürgergeldes', 'Weiterbewilligungsantrag (WBA)', 'Antrag auf Weiterbewilligung der Leistungen nach dem SGB II']), 'ueber');
    a.z('Leistungen zur Sicherung des Lebensunterhalts – Bürgergeld', 'fett');
    a.leer();
    if (c.mitBg(0.95)) a.z(c.bgZeile('Nummer der Bedarfsgemeinschaft:\t').replace(':\t ', ':\t'));
    if (w.ja(0.4)) a.z(c.kundeZeile());
    a.leer();
    a.z('1. Antragstellende Person', 'fett');
    a.z(`Name, Vorname:\t${person.nachname}, ${person.vorname}`);
    a.z(`Geburtsdatum:\t${c.geburtsdatumAngeben()}`);
    a.z(`Anschrift:\t${person.strasse}, ${person.plz} ${person.ort}`);
    a.leer();
    const bwzEnde = monatsende(plusMonate(c.datum, w.zahl(0, 2)));
    a.z(`Ich beantrage die Weiterbewilligung ab dem ${datumKurz(plusTage(bwzEnde, 1))}.`);
    a.leer();
    a.z('2. Haben sich Ihre Verhältnisse oder die der Mitglieder Ihrer Bedarfsgemeinschaft geändert?', 'fett');
    const aenderung = w.ja(0.35);
    a.z(aenderung ? '[ ] nein, es gibt keine Änderungen\t[X] ja, folgende:' : '[X] nein, es gibt keine Änderungen\t[ ] ja, folgende:');
    const felder = ['Einkommen', 'Vermögen', 'Wohnung / Kosten der Unterkunft', 'Personen im Haushalt', 'Krankenversicherung', 'Bankverbindung'];
    for (const f of felder) a.z(`${aenderung && w.ja(0.3) ? '[X]' : '[ ]'} ${f}`);
    if (aenderung && w.ja(0.5)) a.z(`Bemerkung: ${w.element(['Neue Arbeitsstelle seit ' + datumKurz(monatsanfang(c.datum)), 'Miete hat sich erhöht', 'Neue Bankverbindung, siehe unten', 'Mein Sohn ist ausgezogen'])}`, 'hand');
    a.leer();
    if (w.ja(0.4)) {
      a.z('3. Bankverbindung (nur bei Änderung)', 'fett');
      a.z(`IBAN:\t${c.ibanText(0.12)}`);
      a.leer();
    }
    a.absatz('Ich versichere, dass die Angaben richtig sind und ich Änderungen unverzüglich mitteile. Die Hinweise zum Datenschutz habe ich zur Kenntnis genommen.', 92);
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}\t${c.name}`, 'hand');
    a.z('Ort, Datum\tUnterschrift');
    return 'formular';
  },
  function anschreiben(c) {
    const w = c.w;
    const verw = c.verwechsler(0.35);
    const absaetze = [
      w.element([
        'anbei sende ich Ihnen meinen Antrag auf Weiterbewilligung.',
        `wie in Ihrem Schreiben vom ${datumKurz(c.frueher(20, 50))} erbeten, erhalten Sie anliegend den ausgefüllten Weiterbewilligungsantrag.`,
        'hiermit beantrage ich die Weiterbewilligung des Bürgergeldes für mich und meine Familie.',
        'damit es keine Lücke bei der Zahlung gibt, schicke ich Ihnen schon jetzt meinen Weiterbewilligungsantrag.',
        'hiermit beantrage ich die Weiterbewilligung meiner Leistungen.',
        'mein Bewilligungszeitraum läuft bald ab, deshalb stelle ich hiermit den Weiterbewilligungsantrag.',
        'ich möchte die Weiterbewilligung vom Bürgergeld beantragen.',
      ]),
    ];
    if (verw) {
      const monat = monatJahr(plusMonate(c.datum, -1));
      absaetze.push(w.element([
        `Außerdem lege ich meine Verdienstabrechnung für ${monat} bei (Brutto ${euro(w.betrag(520, 1600))}, Auszahlungsbetrag ${euro(w.betrag(430, 1250))}).`,
        `Beigefügt sind die letzten drei Lohnabrechnungen. Mein Nettolohn hat sich im ${monat} etwas geändert.`,
      ]));
      c.wahr.verwechsler = 'EINKOMMENSNACHWEIS';
    } else {
      absaetze.push(w.element(['Es haben sich keine Änderungen ergeben.', 'An meinen Verhältnissen hat sich nichts geändert.', 'Seit dem letzten Antrag ist alles gleich geblieben.', 'Bitte beachten Sie, dass meine Miete seit letztem Monat höher ist.']));
    }
    absaetze.push(w.element(['Vielen Dank im Voraus.', 'Bitte bestätigen Sie mir den Eingang.', 'Falls noch Unterlagen fehlen, melden Sie sich bitte.']));
    buergerbrief(c, w.element(['Weiterbewilligungsantrag', 'Antrag auf Weiterbewilligung', 'WBA', 'Weiterbewilligung Bürgergeld']), absaetze,
      verw ? ['Weiterbewilligungsantrag', 'Verdienstabrechnungen'] : w.ja(0.5) ? ['Weiterbewilligungsantrag'] : [], 0.9);
    return verw ? 'anschreiben-mit-lohn' : 'anschreiben';
  },
];

const VAEM_GRUENDE = [
  (c: Ctx) => `ich habe zum ${datumKurz(monatsanfang(plusMonate(c.datum, 1)))} eine neue Arbeit bei der Firma ${firma(c.w)} aufgenommen.`,
  (c: Ctx) => `mein Sohn ${c.kinder[0]?.vorname ?? faker.person.firstName('male')} ist am ${datumKurz(c.frueher(5, 30))} ausgezogen.`,
  (c: Ctx) => `am ${datumKurz(c.frueher(5, 40))} ist unsere Tochter ${faker.person.firstName('female')} geboren.`,
  (c: Ctx) => `ich bin seit ${datumKurz(c.frueher(3, 25))} nicht mehr bei ${firma(c.w)} beschäftigt.`,
  (c: Ctx) => `ich erhalte ab ${monatJahr(plusMonate(c.datum, 1))} Kindergeld in Höhe von ${euro(259)} für mein Kind.`,
  (c: Ctx) => `meine Partnerin ist am ${datumKurz(c.frueher(5, 30))} bei mir eingezogen.`,
  (c: Ctx) => `meine Bankverbindung hat sich geändert. Die neue IBAN lautet ${c.ibanText(0.15)}.`,
  (c: Ctx) => `ich habe seit ${datumKurz(c.frueher(3, 30))} einen Minijob bei ${firma(c.w)} mit ${c.w.zahl(20, 43)} Stunden im Monat.`,
  (c: Ctx) => `mein Arbeitsvertrag wurde zum ${datumKurz(monatsende(plusMonate(c.datum, 1)))} gekündigt.`,
  (c: Ctx) => `ich beziehe ab ${monatJahr(plusMonate(c.datum, 1))} eine Rente wegen Erwerbsminderung.`,
  (c: Ctx) => `ich bin seit ${datumKurz(c.frueher(3, 30))} schwanger, der errechnete Geburtstermin ist der ${datumKurz(plusTage(c.datum, c.w.zahl(120, 250)))}.`,
  (c: Ctx) => `meine Tochter hat eine Ausbildung begonnen und bekommt ${euro(c.w.betrag(680, 1100))} Ausbildungsvergütung.`,
];

const VAEM: Vorlage[] = [
  function formular(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'formular', schrift: 'sans', groesse: 10, tabellen: true };
    a.z('Jobcenter Landkreis Göttingen', 'rechts');
    a.z(w.element(['Veränderungsmitteilung (VÄM)', 'Veränderungsmitteilung', 'Mitteilung über Änderungen in den Verhältnissen']), 'ueber');
    a.z('zum Bürgergeld nach dem SGB II', 'fett');
    a.leer();
    if (c.mitBg(0.9)) a.z(c.bgZeile('Nummer der Bedarfsgemeinschaft:'));
    if (w.ja(0.3)) a.z(c.kundeZeile());
    a.z(`Name, Vorname:\t${person.nachname}, ${person.vorname}`);
    a.z(`Geburtsdatum:\t${c.geburtsdatumAngeben()}`);
    a.leer();
    a.z('Folgende Änderung teile ich mit:', 'fett');
    const wahl = w.zahl(0, 5);
    ['Umzug / neue Anschrift', 'Arbeitsaufnahme / Änderung des Einkommens', 'Geburt eines Kindes', 'Auszug / Einzug einer Person', 'Neue Bankverbindung', 'Sonstiges'].forEach((t, i) =>
      a.z(`${i === wahl ? '[X]' : '[ ]'} ${t}`));
    a.leer();
    a.z(`Die Änderung gilt ab:\t${datumKurz(c.frueher(0, 20))}`);
    a.z('Erläuterung:', 'fett');
    if (wahl === 0 && c.verwechsler(0.5)) {
      a.absatz(`Neue Anschrift ab ${datumKurz(monatsanfang(plusMonate(c.datum, 1)))}: ${faker.location.street()} ${w.zahl(1, 60)}. Der neue Mietvertrag liegt bei, die Grundmiete beträgt ${euro(w.betrag(330, 520))}, die Vorauszahlung für Betriebskosten ${euro(w.betrag(80, 160))}.`, 80);
      c.wahr.verwechsler = 'MIETVERTRAG';
    } else if (wahl === 4) {
      a.z(`IBAN:\t${c.ibanText(0.15)}`);
    } else {
      a.absatz(w.element(VAEM_GRUENDE)(c).replace(/^ich/, 'Ich').replace(/^mein/, 'Mein').replace(/^am/, 'Am').replace(/^meine/, 'Meine'), 80);
    }
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}\t${c.name}`, 'hand');
    a.z('Ort, Datum\tUnterschrift');
    return wahl === 0 && c.wahr.verwechsler ? 'formular-umzug-mietvertrag' : 'formular';
  },
  function brief(c) {
    const w = c.w;
    const verw = c.verwechsler(0.3);
    const absaetze: string[] = [w.element(['hiermit teile ich Ihnen eine Änderung in meinen Verhältnissen mit:', 'ich möchte Ihnen eine Veränderung mitteilen.', 'bitte nehmen Sie folgende Änderung zur Kenntnis.'])];
    if (verw) {
      absaetze.push(`Wir sind zum ${datumKurz(monatsanfang(plusMonate(c.datum, 1)))} umgezogen. Den neuen Mietvertrag und die Mietbescheinigung reiche ich nach. Die neue Miete beträgt ${euro(w.betrag(380, 650))} warm.`);
      c.wahr.verwechsler = 'MIETVERTRAG';
    } else {
      const g = w.element(VAEM_GRUENDE)(c);
      absaetze.push(g.charAt(0).toUpperCase() + g.slice(1));
    }
    absaetze.push(w.element(['Nachweise lege ich bei.', 'Die Unterlagen reiche ich nach.', 'Bitte berücksichtigen Sie das bei der Berechnung.']));
    buergerbrief(c, w.element(['Veränderungsmitteilung', 'Änderungsmitteilung', 'Mitteilung einer Änderung', 'Änderung meiner Verhältnisse']), absaetze, [], 0.85);
    return verw ? 'brief-umzug-mietvertrag' : 'brief';
  },
];

function lohnPositionen(c: Ctx, brutto: number): { zeilen: string[][]; netto: number } {
  const w = c.w;
  const mini = brutto <= 603;
  const zeilen: string[][] = [['Lohnart', 'Bezeichnung', 'Menge', 'Betrag']];
  const stunden = w.zahl(20, 160);
  zeilen.push(['1000', mini ? 'Aushilfslohn' : 'Gehalt/Stundenlohn', `${stunden},00 Std`, geld(brutto)]);
  if (!mini && w.ja(0.3)) zeilen.push(['1200', 'Nachtzuschlag (stfr.)', '', geld(w.betrag(20, 120))]);
  let abz = 0;
  if (!mini) {
    const kv = Math.round(brutto * 0.0875 * 100) / 100;
    const rv = Math.round(brutto * 0.093 * 100) / 100;
    const av = Math.round(brutto * 0.013 * 100) / 100;
    const pv = Math.round(brutto * 0.018 * 100) / 100;
    const lst = brutto > 1300 ? Math.round((brutto - 1300) * 0.14 * 100) / 100 : 0;
    zeilen.push(['', 'Lohnsteuer', '', geld(lst)], ['', 'Krankenversicherung', '', geld(kv)], ['', 'Rentenversicherung', '', geld(rv)], ['', 'Arbeitslosenversicherung', '', geld(av)], ['', 'Pflegeversicherung', '', geld(pv)]);
    abz = lst + kv + rv + av + pv;
  } else if (w.ja(0.5)) {
    const rv = Math.round(brutto * 0.036 * 100) / 100;
    zeilen.push(['', 'RV-Eigenanteil Minijob', '', geld(rv)]);
    abz = rv;
  }
  return { zeilen, netto: Math.round((brutto - abz) * 100) / 100 };
}

const EINKOMMENSNACHWEIS: Vorlage[] = [
  function lohnabrechnung(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'tabelle', schrift: w.element(['sans', 'mono'] as const), groesse: 9, tabellen: true };
    const ag = firma(w);
    c.wahr.aussteller = ag;
    organisationsKopf(c, [ag, ...firmenAnschrift(w)]);
    const monat = plusMonate(c.datum, -1);
    a.z(w.element([`Abrechnung der Brutto/Netto-Bezüge für ${monatJahr(monat)}`, `Verdienstabrechnung ${monatJahr(monat)}`, `Entgeltabrechnung ${monatJahr(monat)}`, `Lohnabrechnung ${monatJahr(monat)}`]), 'ueber');
    a.z(`Personal-Nr.\t${w.ziffern(5)}\tEintritt\t${datumKurz(plusTage(c.datum, -w.zahl(60, 2000)))}`);
    a.z(`Geb.-Datum\t${c.geburtsdatumAngeben()}\tSteuerklasse\t${w.element(['1', '1', '2', '3', '4', '5'])}`);
    a.z(`Krankenkasse\t${w.element(KRANKENKASSEN)}\tSV-Nummer\t${w.ziffern(2)} ${datumKurz(person.geburtsdatum).replace(/\./g, '').slice(0, 4)}${datumKurz(person.geburtsdatum).slice(-2)} ${person.nachname[0]!.toUpperCase()} ${w.ziffern(3)}`);
    a.leer();
    const brutto = w.ja(0.35) ? w.betrag(200, 603) : w.betrag(900, 3400);
    const pos = lohnPositionen(c, brutto);
    a.tabelle(pos.zeilen);
    a.leer();
    a.z(`Gesamt-Brutto\t\t\t${geld(brutto)}`, 'fett');
    a.z(`Steuer-Brutto\t\t\t${geld(brutto)}`);
    a.z(`Netto-Verdienst\t\t\t${geld(pos.netto)}`);
    a.z(`Auszahlungsbetrag\t\t\t${geld(pos.netto)}`, 'fett');
    a.leer();
    a.z(`Überweisung an: IBAN ${c.ibanText(0.05)}`);
    c.wahr.briefdatum = werktag(monatsende(monat));
    a.z(`Erstellt am ${datumKurz(c.wahr.briefdatum)}`);
    handVermerk(c, 0.8);
    return 'lohnabrechnung';
  },
  function einkommensbescheinigung(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'formular', schrift: 'sans', groesse: 10, tabellen: true };
    a.z('Einkommensbescheinigung', 'ueber');
    a.z('(Nachweis über die Höhe des Arbeitsentgelts nach § 58 SGB II)', 'fett');
    a.leer();
    if (c.mitBg(0.85)) a.z(c.bgZeile('Nummer der Bedarfsgemeinschaft:'));
    a.z(`Name, Vorname der beschäftigten Person:\t${person.nachname}, ${person.vorname}`);
    a.z(`Geburtsdatum:\t${c.geburtsdatumAngeben()}`);
    const ag = firma(w);
    c.wahr.aussteller = ag;
    a.z(`Arbeitgeber (Name, Anschrift):\t${ag}, ${firmenAnschrift(w).join(', ')}`);
    a.z(`Beschäftigt seit:\t${datumKurz(plusTage(c.datum, -w.zahl(30, 900)))}`);
    a.z(`Art der Tätigkeit:\t${w.element(['Reinigungskraft', 'Verkäuferin', 'Lagerhelfer', 'Pflegehelferin', 'Küchenhilfe', 'Fahrer', 'Servicekraft'])}`);
    a.leer();
    a.tabelle([['Monat', 'Brutto', 'Netto', 'Auszahlung am']].concat([0, 1, 2].map((i) => {
      const m = plusMonate(c.datum, -3 + i);
      const b = w.betrag(480, 1900);
      return [monatJahr(m), euro(b), euro(Math.round(b * 0.8 * 100) / 100), datumKurz(werktag(monatsende(m)))];
    })));
    a.leer();
    a.z('Die Richtigkeit der Angaben wird bestätigt.');
    a.z(`${c.briefdatum()}\tStempel und Unterschrift des Arbeitgebers`);
    return 'einkommensbescheinigung-58';
  },
  function eks(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'formular', schrift: 'sans', groesse: 9, tabellen: true };
    a.z('Anlage EKS', 'ueber');
    a.z('Abschließende Angaben zum Einkommen aus selbständiger Tätigkeit, Gewerbebetrieb oder Land- und Forstwirtschaft', 'fett');
    if (c.mitBg(0.9)) a.z(c.bgZeile('Nummer der Bedarfsgemeinschaft:'));
    a.z(`Name, Vorname:\t${person.nachname}, ${person.vorname}`);
    a.z(`Art der Tätigkeit:\t${w.element(['Kurierfahrer', 'Friseurin', 'Grafikdesign', 'Reinigungsservice', 'Imbiss', 'Hausmeisterservice'])}`);
    const beginn = monatsanfang(plusMonate(c.datum, -6));
    a.z(`Bewilligungszeitraum:\t${datumKurz(beginn)} bis ${datumKurz(monatsende(plusMonate(beginn, 5)))}`);
    a.leer();
    const rows: string[][] = [['Position', ...[0, 1, 2, 3, 4, 5].map((i) => monatJahr(plusMonate(beginn, i)).slice(0, 3) + '.')]];
    rows.push(['A1 Betriebseinnahmen', ...[0, 1, 2, 3, 4, 5].map(() => geld(w.betrag(400, 2600)))]);
    rows.push(['B1 Wareneinkauf', ...[0, 1, 2, 3, 4, 5].map(() => geld(w.betrag(50, 600)))]);
    rows.push(['B4 Kfz-Kosten', ...[0, 1, 2, 3, 4, 5].map(() => geld(w.betrag(30, 300)))]);
    a.tabelle(rows);
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}\t${c.name}`, 'hand');
    return 'anlage-eks';
  },
];

const KONTOAUSZUG: Vorlage[] = [
  function auszug(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'tabelle', schrift: w.element(['sans', 'mono'] as const), groesse: 9, tabellen: true };
    const bank = w.element(BANKEN);
    const iban = deutscheIban(bank.blz, w.ziffern(10));
    c.wahr.aussteller = bank.name;
    a.z(bank.name, 'fett');
    a.z(`Kontoauszug ${Number(c.datum.slice(5, 7))}/${c.datum.slice(0, 4)}\tBlatt ${w.zahl(1, 3)}`, 'ueber');
    a.z(`${w.element(['Girokonto', 'Basiskonto', 'Privatgirokonto', 'Konto'])} ${c.ibanText(0.03, iban)}\tBIC ${w.element(['NOLADE21GOE', 'GENODEF1GOE', 'COBADEFFXXX', 'DEUTDEDBXXX', 'INGDDEFFXXX'])}`);
    a.z(`Kontoinhaber: ${c.name}, ${person.strasse}, ${person.plz} ${person.ort}`);
    const bis = c.datum;
    const von = plusTage(bis, -w.zahl(25, 32));
    a.z(`Zeitraum: ${datumKurz(von)} - ${datumKurz(bis)}`);
    a.leer();
    let stand = w.betrag(-300, 900);
    a.z(`Alter Kontostand vom ${datumKurz(von)}\t\t\t${geld(stand)} EUR`, 'fett');
    a.z('Buchungstag\tWert\tVerwendungszweck\tBetrag EUR', 'fett');
    const verw = c.verwechsler(0.25);
    const posten: Array<[string, number]> = [];
    if (verw) {
      const ref = c.mitBg(0.6) ? ` BG ${c.bg}` : '';
      posten.push([`Gutschrift JOBCENTER LK GOETTINGEN Bürgergeld ${monatJahr(plusMonate(bis, 1)).slice(0, 3)}. ${bis.slice(0, 4)}${ref}`, w.betrag(450, 1400)]);
      if (ref) {
        c.wahr.bgNummer = c.bg;
        c.wahr.bgNummerGeschrieben = c.bg;
      }
      c.wahr.verwechsler = 'WBA';
    }
    posten.push(
      [`Lastschrift ${faker.person.lastName()} Hausverwaltung Miete ${monatJahr(bis)}`, -w.betrag(300, 650)],
      [`Kartenzahlung ${w.element(['REWE', 'EDEKA', 'ALDI SUED', 'LIDL', 'NETTO', 'PENNY', 'Kaufland'])} ${person.ort.toUpperCase()}`, -w.betrag(8, 90)],
      [`Lastschrift ${w.element(['Stadtwerke Göttingen', 'EAM Energie', 'Harz Energie', 'E.ON Energie'])} Abschlag Strom`, -w.betrag(35, 90)],
      [`Lastschrift ${w.element(['Telekom Deutschland', 'Vodafone GmbH', 'congstar', 'o2 Telefonica'])} Mobilfunk`, -w.betrag(9, 40)],
      [`Bargeldauszahlung GA ${w.ziffern(6)}`, -w.zahl(2, 10) * 10],
      [`Kartenzahlung ${w.element(['dm-drogerie markt', 'Rossmann', 'Apotheke am Markt', 'DB Vertrieb'])}`, -w.betrag(3, 45)],
    );
    if (w.ja(0.5)) posten.push([`Gutschrift FAMILIENKASSE NIEDERSACHSEN-BREMEN KG ${w.ziffern(3)}FK${w.ziffern(6)}`, 259 * w.zahl(1, 2)]);
    if (w.ja(0.4)) posten.push([`Lohn/Gehalt ${firma(w)} ${monatJahr(plusMonate(bis, -1))}`, w.betrag(300, 1500)]);
    if (w.ja(0.35)) {
      // A busy month: the statement runs over two sheets.
      for (let k = 0, n = w.zahl(48, 70); k < n; k++) {
        posten.push([w.element([
          `Kartenzahlung ${w.element(['REWE', 'EDEKA', 'ALDI SUED', 'LIDL', 'NETTO', 'PENNY', 'Kaufland', 'Bäckerei Ruch', 'Tankstelle', 'KiK Textil'])} ${person.ort.toUpperCase()}`,
          `Lastschrift PayPal Europe ${w.ziffern(12)}`,
          `Überweisung ${faker.person.firstName()} ${faker.person.lastName()} ${w.element(['Danke', 'Rückzahlung', 'Geburtstag', 'Essen'])}`,
          `Bargeldauszahlung GA ${w.ziffern(6)}`,
        ]), -w.betrag(2, 60)]);
      }
    }
    const gemischt = w.einige(posten, posten.length);
    const tage = gemischt.map(() => plusTage(von, w.zahl(1, w.zahl(20, 24)))).sort();
    gemischt.forEach(([text, betrag], i) => {
      stand += betrag;
      a.z(`${datumKurz(tage[i]!).slice(0, 6)}\t${datumKurz(tage[i]!).slice(0, 6)}\t${text}\t${geld(betrag)}`);
    });
    stand = Math.round(stand * 100) / 100;
    a.z(`Neuer Kontostand vom ${datumKurz(bis)}\t\t\t${geld(stand)} EUR`, 'fett');
    a.leer();
    a.z(w.element([`Dispositionskredit: ${euro(w.zahl(0, 10) * 100)}`, 'Bitte prüfen Sie Ihren Kontoauszug. Einwendungen sind unverzüglich zu erheben.', 'Der Kontoauszug gilt als Rechnungsabschluss.']));
    c.wahr.briefdatum = bis;
    handVermerk(c, 0.7);
    return verw ? 'auszug-mit-jobcenter' : 'auszug';
  },
];

const MIETVERTRAG_PARAGRAPHEN: ReadonlyArray<readonly [number, string, string]> = [
  [6, 'Betriebskosten', 'Der Mieter trägt die Betriebskosten im Sinne von § 2 der Betriebskostenverordnung, insbesondere die laufenden öffentlichen Lasten des Grundstücks, die Kosten der Wasserversorgung und Entwässerung, der Heizung und Warmwasserversorgung, des Aufzugs, der Straßenreinigung und Müllbeseitigung, der Gebäudereinigung, der Gartenpflege, der Beleuchtung, der Schornsteinreinigung, der Sach- und Haftpflichtversicherung sowie des Hauswarts. Über die Vorauszahlungen wird jährlich abgerechnet.'],
  [7, 'Zahlung der Miete', 'Die Miete ist bargeldlos zu zahlen. Für die Rechtzeitigkeit der Zahlung kommt es nicht auf die Absendung, sondern auf den Eingang des Geldes an. Bei Zahlungsverzug ist der Vermieter berechtigt, Verzugszinsen in gesetzlicher Höhe zu verlangen.'],
  [8, 'Aufrechnung, Zurückbehaltung', 'Der Mieter kann gegenüber der Miete mit einer Gegenforderung nur aufrechnen oder ein Zurückbehaltungsrecht ausüben, wenn er dies mindestens einen Monat vor der Fälligkeit der Miete schriftlich angekündigt hat.'],
  [9, 'Benutzung der Mieträume, Untervermietung', 'Der Mieter darf die Mieträume nur zu Wohnzwecken benutzen. Eine Untervermietung oder sonstige Gebrauchsüberlassung an Dritte bedarf der vorherigen schriftlichen Zustimmung des Vermieters.'],
  [10, 'Instandhaltung der Mieträume', 'Der Mieter hat die Mieträume pfleglich zu behandeln und für ausreichende Lüftung und Heizung zu sorgen. Schäden hat er dem Vermieter unverzüglich anzuzeigen. Kleinreparaturen bis zu einem Betrag von 100,00 € im Einzelfall, höchstens 8 % der Jahresnettokaltmiete, trägt der Mieter.'],
  [11, 'Bauliche Veränderungen', 'Bauliche Veränderungen durch den Mieter, insbesondere Um- und Einbauten, bedürfen der vorherigen schriftlichen Zustimmung des Vermieters. Der Vermieter darf Ausbesserungen und bauliche Veränderungen, die zur Erhaltung des Hauses oder der Mieträume notwendig sind, auch ohne Zustimmung des Mieters vornehmen.'],
  [12, 'Betreten der Mieträume', 'Der Vermieter oder ein von ihm Beauftragter darf die Mieträume nach rechtzeitiger Ankündigung zu angemessener Tageszeit betreten, insbesondere zur Ablesung von Messgeräten und bei beabsichtigtem Verkauf.'],
  [13, 'Beendigung des Mietverhältnisses', 'Das Mietverhältnis kann von beiden Seiten unter Einhaltung der gesetzlichen Fristen schriftlich gekündigt werden. Bei Beendigung hat der Mieter die Mieträume vollständig geräumt und gereinigt mit allen Schlüsseln zurückzugeben.'],
  [14, 'Sonstige Vereinbarungen', 'Mündliche Nebenabreden bestehen nicht. Änderungen und Ergänzungen dieses Vertrages bedürfen der Schriftform. Sollte eine Bestimmung unwirksam sein, bleibt die Wirksamkeit der übrigen Bestimmungen unberührt.'],
];

const MIETVERTRAG: Vorlage[] = [
  function wohnungsgesellschaft(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'serif', groesse: 10 };
    const vm = w.element(['Städtische Wohnungsbau GmbH Göttingen', 'Wohnungsgenossenschaft Harz eG', 'Göttinger Wohnen GmbH', `${faker.person.lastName()} Immobilienverwaltung`, 'Kreiswohnbau Osterode GmbH']);
    c.wahr.aussteller = vm;
    a.z('Mietvertrag für Wohnraum', 'ueber');
    a.z(`Nr. ${w.ziffern(3)}-${w.ziffern(4)}`);
    a.leer();
    a.z('Zwischen');
    a.z(`${vm}, ${firmenAnschrift(w).join(', ')}`);
    a.z('– nachstehend „Vermieter“ genannt –');
    a.z('und');
    a.z(`${c.person.weiblich ? 'Frau' : 'Herrn'} ${c.name}, geb. ${c.geburtsdatumAngeben()}`);
    if (c.partner && w.ja(0.5)) a.z(`${c.partner.vorname} ${c.partner.nachname}`);
    a.z('– nachstehend „Mieter“ genannt –');
    a.z('wird folgender Mietvertrag geschlossen:');
    a.leer();
    const zimmer = w.zahl(1, 4);
    const qm = zimmer * w.zahl(18, 24) + w.zahl(5, 15);
    const beginn = monatsanfang(plusMonate(c.datum, w.zahl(0, 2)));
    const grund = Math.round(qm * w.betrag(6.2, 9.4) * 100) / 100;
    const bk = Math.round(qm * w.betrag(1.8, 2.8) * 100) / 100;
    const hk = Math.round(qm * w.betrag(0.9, 1.6) * 100) / 100;
    a.z('§ 1 Mieträume', 'fett');
    a.absatz(`Vermietet wird die Wohnung im ${w.element(['Erdgeschoss', '1. Obergeschoss', '2. Obergeschoss', '3. Obergeschoss', 'Dachgeschoss'])} ${w.element(['links', 'rechts', 'Mitte'])} des Hauses ${person.strasse}, ${person.plz} ${person.ort}, bestehend aus ${zimmer} Zimmer(n), Küche, Bad/WC, Flur, Kellerraum. Die Wohnfläche beträgt ca. ${qm} m².`, 88);
    a.z('§ 2 Mietzeit', 'fett');
    a.absatz(`Das Mietverhältnis beginnt am ${datumKurz(beginn)} und läuft auf unbestimmte Zeit.`, 88);
    a.z('§ 3 Miete und Nebenkosten', 'fett');
    a.tabelle([
      ['Grundmiete (Nettokaltmiete)', euro(grund)],
      ['Vorauszahlung Betriebskosten', euro(bk)],
      ['Vorauszahlung Heizkosten', euro(hk)],
      ['Gesamtmiete monatlich', euro(Math.round((grund + bk + hk) * 100) / 100)],
    ], false);
    c.layout.tabellen = true;
    a.absatz(`Die Miete ist monatlich im Voraus, spätestens am dritten Werktag des Monats, auf das Konto des Vermieters IBAN ${c.ibanText(0.05, deutscheIban(w.element(BANKEN).blz, w.ziffern(10)))} zu zahlen.`, 88);
    a.z('§ 4 Mietsicherheit', 'fett');
    a.absatz(`Der Mieter leistet eine Kaution in Höhe von ${euro(grund * 3)}, zahlbar in drei Raten.`, 88);
    a.z('§ 5 Schönheitsreparaturen, Tierhaltung, Hausordnung', 'fett');
    a.absatz('Die Hausordnung ist Bestandteil dieses Vertrages. Die Haltung von Kleintieren ist gestattet; für Hunde und Katzen ist die Zustimmung des Vermieters erforderlich.', 88);
    if (w.ja(0.7)) {
      // The full contract runs over several pages.
      for (const [n, titel, text] of MIETVERTRAG_PARAGRAPHEN) {
        a.z(`§ ${n} ${titel}`, 'fett');
        a.absatz(text, 88);
      }
    }
    a.leer();
    a.z(`${person.ort}, den ${c.briefdatum()}`);
    a.z('Vermieter\tMieter');
    handVermerk(c, 0.75);
    return 'wohnungsgesellschaft';
  },
  function privat(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: w.element(['sans', 'serif'] as const), groesse: 11 };
    const vm = `${faker.person.firstName()} ${faker.person.lastName()}`;
    c.wahr.aussteller = vm;
    a.z(w.element(['Mietvertrag', 'Wohnungsmietvertrag', 'MIETVERTRAG']), 'ueber');
    a.leer();
    a.z(`Vermieter: ${vm}, ${firmenAnschrift(w).join(', ')}`);
    a.z(`Mieter: ${c.name}, bisher wohnhaft ${faker.location.street()} ${w.zahl(1, 80)}, ${faker.location.zipCode()} ${faker.location.city()}`);
    a.leer();
    const beginn = monatsanfang(plusMonate(c.datum, w.zahl(0, 2)));
    const grund = w.betrag(280, 560);
    const nk = w.betrag(70, 190);
    a.absatz(`1. Der Vermieter vermietet dem Mieter die Wohnung ${person.strasse}, ${person.plz} ${person.ort} (${w.zahl(28, 75)} qm) ab dem ${datumKurz(beginn)}.`, 80);
    a.absatz(`2. Die monatliche Grundmiete beträgt ${euro(grund)}. Hinzu kommt eine Vorauszahlung auf die Nebenkosten von ${euro(nk)} (inkl. Heizung und Warmwasser).`, 80);
    a.absatz(`3. Die Kaution beträgt ${euro(Math.round(grund * 2 * 100) / 100)}.`, 80);
    a.absatz('4. Die Kündigungsfrist richtet sich nach den gesetzlichen Bestimmungen.', 80);
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}`);
    a.z(`${vm}\t${c.name}`, 'hand');
    handVermerk(c, 0.75);
    return 'privat';
  },
];

const BETRIEBSKOSTENABRECHNUNG: Vorlage[] = [
  function abrechnung(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'tabelle', schrift: 'sans', groesse: 9, tabellen: true };
    const vm = w.element(['Städtische Wohnungsbau GmbH Göttingen', 'Wohnungsgenossenschaft Harz eG', `Hausverwaltung ${faker.person.lastName()} GmbH`, 'Göttinger Wohnen GmbH']);
    c.wahr.aussteller = vm;
    organisationsKopf(c, [vm, ...firmenAnschrift(w)]);
    const jahr = Number(c.datum.slice(0, 4)) - 1;
    a.z(`${w.element(['Betriebskostenabrechnung', 'Nebenkostenabrechnung', 'Betriebs- und Heizkostenabrechnung'])} ${jahr}`, 'ueber');
    a.z(`Abrechnungszeitraum: 01.01.${jahr} - 31.12.${jahr}`);
    a.z(`Mietobjekt: ${person.strasse}, ${person.plz} ${person.ort}, Whg.-Nr. ${w.zahl(1, 40)}`);
    a.leer();
    a.z(c.person.weiblich ? `Sehr geehrte Frau ${c.person.nachname},` : `Sehr geehrter Herr ${c.person.nachname},`);
    a.absatz('für den oben genannten Zeitraum rechnen wir die Betriebskosten wie folgt ab:', 88);
    a.leer();
    const arten = ['Grundsteuer', 'Wasserversorgung', 'Entwässerung', 'Müllbeseitigung', 'Straßenreinigung', 'Hausreinigung', 'Gartenpflege', 'Allgemeinstrom', 'Gebäudeversicherung', 'Hauswart', 'Heizkosten', 'Warmwasser'];
    const rows: string[][] = [['Kostenart', 'Gesamtkosten', 'Schlüssel', 'Ihr Anteil']];
    let summe = 0;
    for (const k of w.einige(arten, w.zahl(7, 12))) {
      const anteil = w.betrag(20, 480);
      summe += anteil;
      rows.push([k, geld(anteil * w.zahl(8, 30)), w.element(['Wohnfläche', 'Personen', 'Verbrauch', 'Einheiten']), geld(anteil)]);
    }
    a.tabelle(rows);
    summe = Math.round(summe * 100) / 100;
    const voraus = Math.round(summe * w.betrag(0.8, 1.15) * 100) / 100;
    const diff = Math.round((summe - voraus) * 100) / 100;
    a.z(`Summe Ihrer Kosten\t\t\t${geld(summe)}`, 'fett');
    a.z(`abzüglich geleistete Vorauszahlungen\t\t\t${geld(voraus)}`);
    a.z(diff >= 0 ? `Nachzahlung\t\t\t${geld(diff)}` : `Guthaben\t\t\t${geld(-diff)}`, 'fett');
    a.leer();
    a.absatz(diff >= 0
      ? `Bitte überweisen Sie den Nachzahlungsbetrag bis zum ${datumKurz(plusTage(c.datum, 30))}. Die monatliche Vorauszahlung erhöht sich ab ${monatJahr(plusMonate(c.datum, 2))} auf ${euro(Math.round((summe / 12) * 100) / 100)}.`
      : 'Das Guthaben wird Ihnen in den nächsten Tagen auf Ihr Konto überwiesen.', 88);
    a.leer();
    a.z(c.briefdatum(), 'rechts');
    handVermerk(c, 0.75);
    return diff >= 0 ? 'nachzahlung' : 'guthaben';
  },
];

const AU_BESCHEINIGUNG: Vorlage[] = [
  function formular(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'bescheinigung', schrift: 'mono', groesse: 9, tabellen: true };
    const kasse = w.element(KRANKENKASSEN);
    const aerztin = w.ja(0.5);
    const praxis = `${w.element(['Dr. med.', 'Dr. med.', 'Praxis'])} ${faker.person.firstName(aerztin ? 'female' : 'male')} ${faker.person.lastName()}, ${aerztin ? w.element(['Fachärztin für Allgemeinmedizin', 'Fachärztin für Innere Medizin', 'Fachärztin für Orthopädie']) : w.element(['Facharzt für Allgemeinmedizin', 'Facharzt für Innere Medizin', 'Praktischer Arzt'])}`;
    c.wahr.aussteller = praxis;
    a.z(`Krankenkasse bzw. Kostenträger: ${kasse}`);
    a.z(`Name, Vorname des Versicherten: ${person.nachname}, ${person.vorname}\tgeb. am ${c.geburtsdatumAngeben()}`);
    a.z(`${person.strasse}, ${person.plz} ${person.ort}`);
    a.z(`Kostenträgerkennung ${w.ziffern(9)}\tVersicherten-Nr. ${String.fromCharCode(65 + w.zahl(0, 25))}${w.ziffern(9)}\tStatus ${w.element(['1000000', '5000000', '3000000'])}`);
    a.leer();
    a.z('Arbeitsunfähigkeitsbescheinigung', 'ueber');
    a.z(w.element(['Ausfertigung zur Vorlage beim Arbeitgeber / Jobcenter', 'Ausdruck für den Versicherten', 'Ausfertigung für Versicherte']));
    const erst = w.ja(0.6);
    a.z(`${erst ? '[X]' : '[ ]'} Erstbescheinigung\t${erst ? '[ ]' : '[X]'} Folgebescheinigung`);
    const seit = c.frueher(0, 10);
    const bis = plusTage(seit, w.zahl(3, 21));
    a.z(`arbeitsunfähig seit\t${datumKurz(seit)}`);
    a.z(`voraussichtlich arbeitsunfähig bis einschließlich\t${datumKurz(bis)}`);
    a.z(`festgestellt am\t${datumKurz(seit)}`);
    if (w.ja(0.5)) a.z('[ ] Arbeitsunfall, Arbeitsunfallfolgen, Berufskrankheit\t[ ] dem Durchgangsarzt zugewiesen');
    a.leer();
    a.z(praxis);
    a.z(`${firmenAnschrift(w).join(', ')}`);
    a.z(`BSNR ${w.ziffern(9)}  LANR ${w.ziffern(9)}`);
    c.wahr.briefdatum = seit;
    handVermerk(c, 0.8);
    return erst ? 'erstbescheinigung' : 'folgebescheinigung';
  },
  function krankmeldung(c) {
    const w = c.w;
    const seit = c.frueher(0, 7);
    buergerbrief(c, w.element(['Krankmeldung', 'Arbeitsunfähigkeit', 'AU-Bescheinigung', 'Krankschreibung']), [
      `anbei sende ich Ihnen meine Arbeitsunfähigkeitsbescheinigung. Ich bin seit dem ${datumKurz(seit)} arbeitsunfähig, voraussichtlich bis ${datumKurz(plusTage(seit, w.zahl(5, 14)))}.`,
      w.element([
        `Deshalb kann ich den Termin am ${datumKurz(plusTage(seit, w.zahl(1, 5)))} leider nicht wahrnehmen.`,
        'Ich kann deshalb nicht an der Maßnahme teilnehmen.',
        'Bitte verschieben Sie meinen Termin bei meiner Arbeitsvermittlerin.',
      ]),
    ], ['AU-Bescheinigung'], 0.85);
    return 'krankmeldung';
  },
];

const WIDERSPRUCH_GRUENDE = [
  'Das Einkommen meines Sohnes wurde doppelt angerechnet.',
  'Die Kosten der Unterkunft wurden nicht in voller Höhe berücksichtigt, obwohl die Miete angemessen ist.',
  'Sie haben den Mehrbedarf für Alleinerziehende nicht berücksichtigt.',
  'Die Heizkostennachzahlung wurde nicht übernommen.',
  'Das Kindergeld wurde falsch angerechnet.',
  'Die Rückforderung ist nicht gerechtfertigt, ich habe alle Änderungen rechtzeitig mitgeteilt.',
  'Mein Einkommen aus dem Minijob ist niedriger als von Ihnen angenommen.',
  'Die Sanktion ist unverhältnismäßig, ich war zum Termin krank und habe eine AU eingereicht.',
  'Die Leistungsminderung ist rechtswidrig, weil mir keine ordnungsgemäße Rechtsfolgenbelehrung vorlag.',
  'Sie haben die Nebenkostennachzahlung als Einkommen behandelt, obwohl sie eine Schuld ist.',
  'Die Umzugskosten wurden abgelehnt, obwohl der Umzug notwendig war.',
  'Der Regelbedarf meiner Tochter wurde nach der falschen Altersstufe berechnet.',
  'Die Erstausstattung für die Wohnung wurde zu Unrecht abgelehnt.',
  'Das Einkommen wurde für den falschen Monat angerechnet, der Lohn ist erst im Folgemonat zugeflossen.',
];

const WIDERSPRUCH: Vorlage[] = [
  gewicht(function betreuer(c) {
    // A legal guardian (rechtliche Betreuung) appeals for the person.
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'sans', groesse: 11 };
    const betreuer = `${faker.person.firstName()} ${faker.person.lastName()}`;
    c.wahr.aussteller = `Berufsbetreuer ${betreuer}`;
    a.z(`${betreuer} – Berufsbetreuer`, 'fett');
    for (const z of firmenAnschrift(w)) a.z(z);
    a.leer();
    a.zeilenVon(w.element(JOBCENTER));
    a.leer();
    a.z(c.briefdatum(), 'rechts');
    if (c.mitBg(0.85)) a.z(c.bgZeile());
    const bescheid = c.frueher(6, 27);
    c.wahr.bescheidVom = bescheid;
    a.z(`Betreute Person: ${c.name}, geb. ${c.geburtsdatumAngeben()}`, 'fett');
    a.z(`Widerspruch gegen Ihren Bescheid vom ${datumKurz(bescheid)}`, 'fett');
    a.leer();
    a.z('Sehr geehrte Damen und Herren,');
    a.leer();
    a.absatz(`als gerichtlich bestellter Betreuer (Amtsgericht ${w.element(['Göttingen', 'Osterode am Harz', 'Herzberg am Harz'])}, Az. ${w.zahl(10, 99)} XVII ${w.zahl(100, 999)}/${c.datum.slice(2, 4)}) mit dem Aufgabenkreis Vermögenssorge und Behördenangelegenheiten lege ich gegen den oben genannten Bescheid Widerspruch ein.`, 84);
    a.leer();
    a.absatz(`${w.element(WIDERSPRUCH_GRUENDE)} Den Betreuerausweis füge ich in Kopie bei.`, 84);
    a.leer();
    a.z('Mit freundlichen Grüßen');
    a.z(betreuer, 'hand');
    return 'betreuer';
  }, 0.4),
  function buerger(c) {
    const w = c.w;
    const bescheid = c.frueher(5, 28);
    c.wahr.bescheidVom = bescheid;
    const verw = c.verwechsler(0.3);
    const bescheidArt = verw
      ? w.element(['Weiterbewilligungsbescheid', 'Bescheid über die Weiterbewilligung', 'Bewilligungsbescheid für den neuen Bewilligungszeitraum'])
      : w.element(['Bescheid', 'Bewilligungsbescheid', 'Änderungsbescheid', 'Aufhebungs- und Erstattungsbescheid', 'Bescheid']);
    if (verw) c.wahr.verwechsler = 'WBA';
    const gr = w.einige(WIDERSPRUCH_GRUENDE, w.zahl(1, 2));
    if (verw) gr.unshift(`Mit meinem Weiterbewilligungsantrag hatte ich die höhere Miete bereits mitgeteilt.`);
    buergerbrief(c, w.element(['Widerspruch', `Widerspruch gegen den ${bescheidArt} vom ${datumKurz(bescheid)}`, 'Wiederspruch', 'Widerspruch!']), [
      w.element([
        `hiermit lege ich Widerspruch gegen den ${bescheidArt} vom ${datumIrgendwie(w, bescheid)} ein.`,
        `gegen Ihren ${bescheidArt} vom ${datumIrgendwie(w, bescheid)} lege ich hiermit fristgerecht Widerspruch ein.`,
        `ich widerspreche dem ${bescheidArt} vom ${datumIrgendwie(w, bescheid)}.`,
        `hiermit lege ich gegen den ${bescheidArt} vom ${datumIrgendwie(w, bescheid)} Wiederspruch ein.`,
      ]),
      satz('Begründung:', ...gr),
      w.element(['Ich bitte um Überprüfung und einen neuen Bescheid.', 'Bitte schicken Sie mir eine Eingangsbestätigung.', 'Eine ausführliche Begründung reiche ich nach.', 'Ich beantrage Akteneinsicht.']),
    ], [], 0.85);
    return verw ? 'buerger-wba' : 'buerger';
  },
  gewicht(function anwalt(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'serif', groesse: 11 };
    const kanzlei = `Rechtsanwältin ${faker.person.firstName('female')} ${faker.person.lastName()}`;
    c.wahr.aussteller = kanzlei;
    a.z(kanzlei, 'fett').z('Fachanwältin für Sozialrecht', 'rechts');
    for (const z of firmenAnschrift(w)) a.z(z, 'rechts');
    a.leer();
    a.zeilenVon(w.element(JOBCENTER));
    a.leer();
    a.z(c.briefdatum(), 'rechts');
    a.z(`Unser Zeichen: ${w.ziffern(3)}/${c.datum.slice(2, 4)}`);
    if (c.mitBg(0.9)) a.z(c.bgZeile(w.element(['Ihr Zeichen:', 'BG-Nr.', 'Ihr Aktenzeichen:'])));
    a.leer();
    const bescheid = c.frueher(7, 30);
    c.wahr.bescheidVom = bescheid;
    a.z(`${c.name}, geb. ${c.geburtsdatumAngeben()}`, 'fett');
    a.z(`Widerspruch gegen den Bescheid vom ${datumKurz(bescheid)}`, 'fett');
    a.leer();
    a.z('Sehr geehrte Damen und Herren,');
    a.leer();
    a.absatz(`hiermit zeigen wir an, dass wir ${c.person.weiblich ? 'Frau' : 'Herrn'} ${c.name} anwaltlich vertreten. Eine auf uns lautende Vollmacht liegt bei.`, 84);
    a.absatz(`Namens und im Auftrag unserer Mandantschaft legen wir gegen den Bescheid vom ${datumKurz(bescheid)} Widerspruch ein.`, 84);
    a.absatz(`Zur Begründung: ${w.element(WIDERSPRUCH_GRUENDE)} Wir beantragen Akteneinsicht und behalten uns eine weitere Begründung vor.`, 84);
    a.leer();
    a.z('Mit freundlichen Grüßen');
    a.leer();
    a.z(kanzlei);
    a.z('Rechtsanwältin');
    return 'anwalt';
  }, 0.5),
];

const UEBERPRUEFUNGSANTRAG: Vorlage[] = [
  function buerger(c) {
    const w = c.w;
    const seit = `${Number(c.datum.slice(0, 4)) - 1}-01-01`;
    const bescheid = c.frueher(60, 400);
    c.wahr.bescheidVom = bescheid;
    const verw = c.verwechsler(0.35);
    if (verw) c.wahr.verwechsler = 'WIDERSPRUCH';
    buergerbrief(c, w.element(['Überprüfungsantrag nach § 44 SGB X', 'Antrag auf Überprüfung', 'Überprüfungsantrag', 'Antrag nach §44 SGB X']), [
      w.element([
        `hiermit stelle ich einen Überprüfungsantrag nach § 44 SGB X für den Bescheid vom ${datumKurz(bescheid)}.`,
        `ich beantrage die Überprüfung aller Bescheide seit dem ${datumKurz(seit)} gemäß § 44 SGB X.`,
        `hiermit beantrage ich gemäß § 44 SGB X die Überprüfung des Bescheides vom ${datumKurz(bescheid)} und aller Folgebescheide.`,
      ]),
      verw
        ? 'Die Widerspruchsfrist ist leider schon abgelaufen, deshalb lege ich keinen Widerspruch ein, sondern bitte um Überprüfung.'
        : w.element(['Ich bin der Meinung, dass die Kosten der Unterkunft zu niedrig angesetzt wurden.', 'Nach meiner Auffassung wurde das Einkommen falsch berechnet.', 'Der Mehrbedarf für Warmwasser wurde nicht berücksichtigt.']),
      w.element(['Bitte zahlen Sie die zu Unrecht vorenthaltenen Leistungen nach.', 'Ich bitte um einen rechtsmittelfähigen Bescheid.', 'Bitte teilen Sie mir das Ergebnis schriftlich mit.']),
    ], [], 0.85);
    return verw ? 'buerger-widerspruchsfrist' : 'buerger';
  },
  gewicht(function beratung(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'sans', groesse: 10 };
    const stelle = w.element(['Sozialberatung des Diakonischen Werks', 'Erwerbslosenberatung Göttingen e.V.', 'Caritas Sozialberatung', 'Beratungsstelle des Sozialverbands VdK']);
    c.wahr.aussteller = stelle;
    organisationsKopf(c, [stelle, ...firmenAnschrift(w)], false);
    a.zeilenVon(w.element(JOBCENTER));
    a.leer();
    a.z(c.briefdatum(), 'rechts');
    if (c.mitBg(0.8)) a.z(c.bgZeile());
    a.z(`Überprüfungsantrag gemäß § 44 SGB X für ${c.name}`, 'fett');
    a.leer();
    a.z('Sehr geehrte Damen und Herren,');
    const bescheid = c.frueher(40, 300);
    c.wahr.bescheidVom = bescheid;
    a.absatz(`im Auftrag und mit Vollmacht von ${c.name} (geb. ${c.geburtsdatumAngeben()}) beantragen wir die Überprüfung des Bescheides vom ${datumKurz(bescheid)} nach § 44 SGB X. Die Kosten der Unterkunft wurden auf Grundlage eines nicht schlüssigen Konzepts gekürzt.`, 84);
    a.leer();
    a.z('Mit freundlichen Grüßen');
    a.z(sachbearbeiterin(w));
    return 'beratungsstelle';
  }, 0.5),
];

const RECHTSBEHELF = 'Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form oder zur Niederschrift bei der oben genannten Stelle einzulegen.';

function fremdbescheid(c: Ctx, stelle: string[], titel: string, absaetze: string[]): void {
  const { a, w } = c;
  c.layout = { ...c.layout, stil: 'bescheid', schrift: w.element(['sans', 'serif'] as const), groesse: 10 };
  c.wahr.aussteller = stelle[0];
  organisationsKopf(c, stelle);
  a.z(`Datum: ${c.briefdatum()}`, 'rechts');
  a.z(`Aktenzeichen: ${w.ziffern(3)}-${w.ziffern(5)}/${c.datum.slice(2, 4)}`, 'rechts');
  a.leer();
  a.z(titel, 'ueber');
  a.leer();
  a.z(c.person.weiblich ? `Sehr geehrte Frau ${c.person.nachname},` : `Sehr geehrter Herr ${c.person.nachname},`);
  a.leer();
  for (const p of absaetze) {
    a.absatz(p, 88);
    a.leer();
  }
  a.absatz(RECHTSBEHELF, 88);
  a.leer();
  a.z('Mit freundlichen Grüßen');
  a.z('Im Auftrag');
  a.z(sachbearbeiterin(w));
  handVermerk(c, 0.75);
}

const FREMDBESCHEID: Vorlage[] = [
  function elterngeld(c) {
    const w = c.w;
    const kind = c.kinder[0] ?? { vorname: faker.person.firstName(), geburtsdatum: plusTage(c.stichtag, -w.zahl(30, 300)) };
    fremdbescheid(c, ['Landkreis Göttingen – Elterngeldstelle', 'Reinhäuser Landstraße 4', '37083 Göttingen'], 'Bescheid über Elterngeld', [
      `für Ihr Kind ${kind.vorname}, geboren am ${datumKurz(kind.geburtsdatum)}, bewilligen wir Ihnen Basiselterngeld für den ${w.zahl(1, 3)}. bis ${w.zahl(10, 14)}. Lebensmonat in Höhe von monatlich ${euro(w.element([300, 300, 450, 611.4, 780.25]))}.`,
      'Das Elterngeld wird bis zu einem Betrag von 300 € nicht auf andere Sozialleistungen angerechnet, soweit Sie vor der Geburt erwerbstätig waren.',
    ]);
    return 'elterngeld';
  },
  function krankengeld(c) {
    const w = c.w;
    const kasse = w.element(KRANKENKASSEN);
    fremdbescheid(c, [kasse, 'Geschäftsstelle Göttingen', ...firmenAnschrift(w).slice(1)], 'Bescheid über Krankengeld', [
      `Sie erhalten ab dem ${datumKurz(c.frueher(10, 40))} Krankengeld. Das kalendertägliche Krankengeld beträgt brutto ${euro(w.betrag(25, 70))}, netto ${euro(w.betrag(20, 60))}.`,
      'Bitte reichen Sie uns lückenlos die Arbeitsunfähigkeitsbescheinigungen ein. Das Krankengeld wird nachträglich ausgezahlt.',
    ]);
    return 'krankengeld';
  },
  function familienkasse(c) {
    const w = c.w;
    const kgNr = `${w.ziffern(3)}FK${w.ziffern(6)}`;
    const kind = c.kinder[0] ?? { vorname: faker.person.firstName(), geburtsdatum: plusTage(c.stichtag, -w.zahl(300, 5000)) };
    fremdbescheid(c, ['Familienkasse Niedersachsen-Bremen', 'Postfach 1175', '31131 Hildesheim'], 'Bescheid über Kindergeld', [
      `Kindergeldnummer: ${kgNr}`,
      `für Ihr Kind ${kind.vorname}, geboren am ${datumKurz(kind.geburtsdatum)}, wird Kindergeld ab ${monatJahr(monatsanfang(c.datum))} in Höhe von monatlich ${euro(259)} festgesetzt.`,
      `Das Kindergeld wird auf das Konto mit der IBAN ${c.ibanText(0.05)} überwiesen.`,
    ]);
    return 'familienkasse';
  },
  function rentenversicherung(c) {
    const w = c.w;
    const rente = w.betrag(180, 1100);
    fremdbescheid(c, ['Deutsche Rentenversicherung Braunschweig-Hannover', 'Lange Weihe 2', '30875 Laatzen'], w.element(['Rentenbescheid', 'Bescheid über Rente wegen voller Erwerbsminderung', 'Bescheid über Rente wegen teilweiser Erwerbsminderung']), [
      `Versicherungsnummer: ${w.ziffern(2)} ${w.ziffern(6)} ${c.person.nachname[0]!.toUpperCase()} ${w.ziffern(3)}`,
      `auf Ihren Antrag vom ${datumKurz(c.frueher(60, 200))} erhalten Sie ab ${datumKurz(monatsanfang(plusMonate(c.datum, 1)))} eine Rente. Der monatliche Zahlbetrag beträgt ${euro(rente)}.`,
      'Die Rente wird befristet bis zum Ende des Monats geleistet, in dem die Voraussetzungen entfallen.',
    ]);
    return 'rentenversicherung';
  },
  function wohngeld(c) {
    const w = c.w;
    const abgelehnt = w.ja(0.5);
    fremdbescheid(c, [...w.element([['Stadt Göttingen – Wohngeldstelle', 'Hiroshimaplatz 1–4', '37083 Göttingen'], ['Landkreis Göttingen – Wohngeldbehörde', 'Reinhäuser Landstraße 4', '37083 Göttingen'], ['Stadt Osterode am Harz – Wohngeld', 'Eisensteinstraße 1', '37520 Osterode am Harz']])], 'Wohngeldbescheid', [
      abgelehnt
        ? `Ihr Antrag auf Wohngeld vom ${datumKurz(c.frueher(30, 90))} wird abgelehnt, da Sie Leistungen nach dem SGB II (Bürgergeld) erhalten und damit vom Wohngeld ausgeschlossen sind (§ 7 WoGG).`
        : `auf Ihren Antrag vom ${datumKurz(c.frueher(30, 90))} wird Ihnen für den Zeitraum ${datumKurz(monatsanfang(c.datum))} bis ${datumKurz(monatsende(plusMonate(c.datum, 11)))} ein monatliches Wohngeld (Mietzuschuss) in Höhe von ${euro(w.betrag(90, 420))} bewilligt.`,
      'Bei der Berechnung wurden die Haushaltsmitglieder, das Gesamteinkommen und die berücksichtigungsfähige Miete zugrunde gelegt.',
    ]);
    return abgelehnt ? 'wohngeld-ablehnung' : 'wohngeld';
  },
  function unterhaltsvorschuss(c) {
    const w = c.w;
    const kind = c.kinder[0] ?? { vorname: faker.person.firstName(), geburtsdatum: plusTage(c.stichtag, -w.zahl(300, 4000)) };
    fremdbescheid(c, ['Landkreis Göttingen – Unterhaltsvorschusskasse', 'Reinhäuser Landstraße 4', '37083 Göttingen'], 'Bescheid über Leistungen nach dem Unterhaltsvorschussgesetz', [
      `für Ihr Kind ${kind.vorname}, geb. ${datumKurz(kind.geburtsdatum)}, wird ab ${datumKurz(monatsanfang(c.datum))} Unterhaltsvorschuss in Höhe von ${euro(w.element([227, 299, 394]))} monatlich bewilligt.`,
      'Sie sind verpflichtet, jede Änderung, insbesondere Unterhaltszahlungen des anderen Elternteils, unverzüglich mitzuteilen.',
    ]);
    return 'unterhaltsvorschuss';
  },
  function agentur(c) {
    const w = c.w;
    const tag = w.betrag(18, 62);
    fremdbescheid(c, ['Agentur für Arbeit Göttingen', 'Bahnhofsallee 5', '37081 Göttingen'], w.element(['Bewilligungsbescheid über Arbeitslosengeld', 'Änderungsbescheid Arbeitslosengeld', 'Aufhebungsbescheid Arbeitslosengeld']), [
      `Kundennummer Agentur für Arbeit: ${w.ziffern(3)}A${w.ziffern(6)}`,
      `Sie erhalten ab ${datumKurz(c.frueher(0, 20))} Arbeitslosengeld. Der tägliche Leistungsbetrag beträgt ${euro(tag)}, monatlich ${euro(Math.round(tag * 30 * 100) / 100)}. Die Anspruchsdauer beträgt ${w.element([180, 240, 360])} Kalendertage.`,
    ]);
    return 'agentur-fuer-arbeit';
  },
];

const BEWERBUNGSNACHWEIS: Vorlage[] = [
  gewicht(function onlineBestaetigung(c) {
    // A printed e-mail: confirmation of an online application.
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'sans', groesse: 10 };
    const ag = firma(w);
    c.wahr.aussteller = ag;
    a.z(`Von: ${w.element(['bewerbung', 'jobs', 'karriere', 'personal'])}@${ag.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '').slice(0, 24)}.de`);
    a.z(`An: ${c.email || `${c.person.vorname.toLowerCase()}@web.de`.replace(/[^a-z0-9.@-]/g, '')}`);
    a.z(`Datum: ${datumKurz(c.datum)} ${w.zahl(8, 20)}:${String(w.zahl(0, 59)).padStart(2, '0')}`);
    c.wahr.briefdatum = c.datum;
    const stelle = w.element(['Lagermitarbeiter (m/w/d)', 'Verkäufer (m/w/d) in Teilzeit', 'Helfer Produktion (m/w/d)', 'Reinigungskraft (m/w/d) Minijob', 'Kommissionierer (m/w/d)']);
    a.z(`Betreff: Eingangsbestätigung Ihrer Bewerbung als ${stelle}`, 'fett');
    a.leer();
    a.z(c.person.weiblich ? `Sehr geehrte Frau ${c.person.nachname},` : `Sehr geehrter Herr ${c.person.nachname},`);
    a.leer();
    a.absatz(`vielen Dank für Ihre Online-Bewerbung über unser Karriereportal. Ihre Unterlagen sind vollständig bei uns eingegangen (Referenznummer ${w.ziffern(8)}). Wir prüfen Ihre Bewerbung und melden uns in den nächsten zwei Wochen bei Ihnen.`, 86);
    a.leer();
    a.z('Ihr Recruiting-Team');
    a.z(ag);
    a.leer();
    a.z('Nachweis Eigenbemühungen für das Jobcenter', 'hand');
    handVermerk(c, 0.7);
    return 'online-eingangsbestaetigung';
  }, 0.6),
  function liste(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'tabelle', schrift: 'sans', groesse: 9, tabellen: true };
    a.z(w.element(['Nachweis der Eigenbemühungen', 'Bewerbungsliste', 'Nachweis über Bewerbungsaktivitäten', 'Liste meiner Bewerbungen']), 'ueber');
    a.z(`Name: ${c.name}\tGeb.: ${c.geburtsdatumAngeben()}`);
    if (c.mitBg(0.75)) a.z(c.bgZeile());
    if (w.ja(0.5)) a.z(c.kundeZeile());
    const von = monatsanfang(plusMonate(c.datum, -1));
    a.z(`Zeitraum: ${datumKurz(von)} bis ${datumKurz(monatsende(von))}\tvereinbart laut Kooperationsplan: ${w.zahl(3, 8)} Bewerbungen`);
    a.leer();
    const rows: string[][] = [['Datum', 'Arbeitgeber', 'Stelle', 'Art', 'Ergebnis']];
    const n = w.zahl(4, 10);
    for (let i = 0; i < n; i++) {
      rows.push([
        datumKurz(plusTage(von, w.zahl(0, 27))),
        firma(w).slice(0, 34),
        w.element(['Lagerhelfer/in', 'Verkäufer/in', 'Reinigungskraft', 'Küchenhilfe', 'Produktionshelfer/in', 'Bürokraft', 'Fahrer/in', 'Kassierer/in', 'Pflegehelfer/in']),
        w.element(['schriftlich', 'online', 'E-Mail', 'persönlich', 'telefonisch']),
        w.element(['Absage', 'offen', 'offen', 'Vorstellungsgespräch', 'keine Antwort']),
      ]);
    }
    const [kopf, ...daten] = rows;
    daten.sort((x, y) => x[0]!.split('.').reverse().join('').localeCompare(y[0]!.split('.').reverse().join('')));
    a.tabelle([kopf!, ...daten]);
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}\tUnterschrift: ${c.name}`, 'hand');
    return 'liste';
  },
  function absage(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'sans', groesse: 10 };
    const ag = firma(w);
    c.wahr.aussteller = ag;
    organisationsKopf(c, [ag, ...firmenAnschrift(w)]);
    a.z(c.briefdatum(), 'rechts');
    const stelle = w.element(['Lagerhelfer (m/w/d)', 'Verkäufer (m/w/d)', 'Servicekraft (m/w/d)', 'Reinigungskraft (m/w/d)']);
    a.z(`Ihre Bewerbung als ${stelle}`, 'fett');
    a.leer();
    a.z(c.person.weiblich ? `Sehr geehrte Frau ${c.person.nachname},` : `Sehr geehrter Herr ${c.person.nachname},`);
    a.absatz(`vielen Dank für Ihre Bewerbung und Ihr Interesse an unserem Unternehmen. Leider müssen wir Ihnen mitteilen, dass wir uns für einen anderen Bewerber entschieden haben. Wir wünschen Ihnen für Ihre weitere berufliche Zukunft alles Gute.`, 86);
    a.leer();
    a.z('Mit freundlichen Grüßen');
    a.z(`${sachbearbeiterin(w)}, Personalabteilung`);
    c.a.zeilen.push('', 'Zum Nachweis meiner Eigenbemühungen');
    c.a.hand.push(c.a.zeilen.length - 1);
    handVermerk(c, 0.7);
    return 'absage-arbeitgeber';
  },
];

const SONSTIGES: Vorlage[] = [
  function inkasso(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'sans', groesse: 10, tabellen: true };
    const inkasso = w.element(['Creditreform Göttingen', 'EOS Deutscher Inkasso-Dienst', 'Inkasso Nord GmbH', 'Bürgel Inkasso']);
    c.wahr.aussteller = inkasso;
    organisationsKopf(c, [inkasso, ...firmenAnschrift(w)]);
    a.z(c.briefdatum(), 'rechts');
    a.z(`Forderungsaufstellung – Aktenzeichen ${w.ziffern(8)}`, 'ueber');
    a.leer();
    a.z(c.person.weiblich ? `Sehr geehrte Frau ${c.person.nachname},` : `Sehr geehrter Herr ${c.person.nachname},`);
    a.absatz(`trotz Mahnung unseres Mandanten ${w.element(['Telekom Deutschland GmbH', 'Vodafone GmbH', 'Otto GmbH & Co. KG', 'Stadtwerke Göttingen AG'])} haben Sie die folgende Forderung nicht ausgeglichen:`, 86);
    const haupt = w.betrag(60, 900);
    const kosten = w.betrag(25, 90);
    a.tabelle([['Hauptforderung', euro(haupt)], ['Zinsen', euro(w.betrag(1, 30))], ['Inkassokosten', euro(kosten)], ['Gesamtforderung', euro(Math.round((haupt + kosten) * 100) / 100)]], false);
    a.absatz(`Bitte zahlen Sie den Gesamtbetrag bis zum ${datumKurz(plusTage(c.datum, 14))} auf das Konto IBAN ${c.ibanText(0.05, deutscheIban(w.element(BANKEN).blz, w.ziffern(10)))}. Ratenzahlung ist nach Vereinbarung möglich.`, 86);
    handVermerk(c, 0.5);
    return 'inkasso';
  },
  function meldebescheinigung(c) {
    const { a, w, person } = c;
    c.layout = { ...c.layout, stil: 'bescheinigung', schrift: 'serif', groesse: 11 };
    c.wahr.aussteller = `Bürgerbüro ${person.ort}`;
    a.z(`Stadt/Gemeinde ${person.ort} – Bürgerbüro`, 'fett');
    a.leer();
    a.z('Meldebescheinigung', 'ueber');
    a.z('(einfache Meldebescheinigung nach § 18 Abs. 1 BMG)');
    a.leer();
    a.z(`Familienname:\t${person.nachname}`);
    a.z(`Vornamen:\t${person.vorname}`);
    a.z(`Geburtsdatum:\t${c.geburtsdatumAngeben()}`);
    a.z(`Anschrift:\t${person.strasse}, ${person.plz} ${person.ort}`);
    a.z(`Einzugsdatum:\t${datumKurz(c.frueher(5, 60))}`);
    a.z('Wohnungsstatus:\tHauptwohnung');
    c.layout.tabellen = true;
    a.leer();
    a.z(`${person.ort}, ${c.briefdatum()}`);
    a.z(`Im Auftrag ${sachbearbeiterin(w)}`);
    c.wahr.verwechsler = 'VAEM';
    handVermerk(c, 0.6);
    return 'meldebescheinigung';
  },
  function fitnessstudio(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'buergerbrief', schrift: 'sans', groesse: 11 };
    const studio = `${w.element(['FitX', 'Fitnesspark', 'Sportstudio', 'Injoy', 'Vital Fitness'])} ${c.person.ort}`;
    a.z(c.name).z(c.person.strasse).z(`${c.person.plz} ${c.person.ort}`).leer();
    a.z(studio).z(firmenAnschrift(w).join(', ')).leer();
    a.z(c.briefdatum(), 'rechts');
    a.z(`Kündigung meiner Mitgliedschaft, Mitgliedsnummer ${w.ziffern(7)}`, 'fett');
    a.leer();
    a.z('Sehr geehrte Damen und Herren,');
    a.absatz(`hiermit kündige ich meine Mitgliedschaft fristgerecht zum nächstmöglichen Zeitpunkt, hilfsweise zum ${datumKurz(monatsende(plusMonate(c.datum, 3)))}. Bitte bestätigen Sie mir die Kündigung schriftlich. Die Einzugsermächtigung für mein Konto ${c.ibanText(0.1)} widerrufe ich zum Vertragsende.`, 80);
    a.leer();
    a.z('Mit freundlichen Grüßen');
    a.z(c.name, 'hand');
    if (w.ja(0.5)) {
      a.z('Kopie zur Kenntnis an das Jobcenter', 'hand');
      if (c.mitBg(0.5)) a.z(c.bgZeile(), 'hand');
    }
    return 'kuendigung-fitnessstudio';
  },
  function arztbrief(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'serif', groesse: 10 };
    const klinik = w.element(['Universitätsmedizin Göttingen, Klinik für Innere Medizin', 'Helios Klinikum Herzberg/Osterode, Chirurgie', 'Evangelisches Krankenhaus Göttingen-Weende', 'Asklepios Fachklinikum Göttingen']);
    c.wahr.aussteller = klinik;
    a.z(klinik, 'fett');
    a.leer();
    a.z(`${w.element(['Dr. med.', 'Prof. Dr. med.'])} ${faker.person.lastName()}`).z(firmenAnschrift(w).join(', ')).leer();
    a.z(c.briefdatum(), 'rechts');
    a.z(`Arztbrief – ${c.name}, geb. ${c.geburtsdatumAngeben()}`, 'fett');
    const auf = c.frueher(5, 30);
    a.z(`Stationärer Aufenthalt vom ${datumKurz(auf)} bis ${datumKurz(plusTage(auf, w.zahl(2, 10)))}`);
    a.leer();
    a.z('Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,');
    a.absatz(`wir berichten über ${c.person.weiblich ? 'Ihre Patientin' : 'Ihren Patienten'}, ${c.person.weiblich ? 'die' : 'der'} sich mit ${w.element(['akuten Rückenschmerzen', 'einer Pneumonie', 'Brustschmerzen', 'einer Unterarmfraktur'])} vorstellte. Diagnose: ${w.element(['M54.5 Kreuzschmerz', 'J18.9 Pneumonie', 'R07.4 Brustschmerz, nicht näher bezeichnet', 'S52.5 Distale Radiusfraktur'])}. Therapie und Verlauf: komplikationslos. Wir empfehlen eine Wiedervorstellung in der Hausarztpraxis.`, 86);
    a.leer();
    a.z('Mit freundlichen kollegialen Grüßen');
    handVermerk(c, 0.5);
    return 'arztbrief';
  },
  function schulbescheinigung(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'bescheinigung', schrift: 'serif', groesse: 11 };
    const schule = w.element(['Oberschule', 'Gesamtschule', 'Berufsbildende Schulen II', 'Grundschule', 'Gymnasium']) + ' ' + c.person.ort;
    c.wahr.aussteller = schule;
    a.z(schule, 'fett');
    a.z(firmenAnschrift(w).join(', '));
    a.leer();
    a.z('Schulbescheinigung', 'ueber');
    const kind = c.kinder[0] ?? { vorname: faker.person.firstName(), nachname: c.person.nachname, geburtsdatum: plusTage(c.stichtag, -w.zahl(6 * 365, 17 * 365)) };
    const jahr = Number(c.datum.slice(0, 4));
    a.absatz(`Hiermit wird bescheinigt, dass ${kind.vorname} ${kind.nachname}, geboren am ${datumKurz(kind.geburtsdatum)}, im Schuljahr ${jahr}/${String(jahr + 1).slice(2)} die Klasse ${w.zahl(1, 12)}${w.element(['a', 'b', 'c'])} unserer Schule besucht. Der Schulbesuch endet voraussichtlich am ${datumKurz(`${jahr + w.zahl(1, 4)}-07-0${w.zahl(1, 9)}`)}.`, 80);
    a.leer();
    a.z(`${c.person.ort}, ${c.briefdatum()}`);
    a.z('Schulleitung (Siegel)');
    handVermerk(c, 0.5);
    return 'schulbescheinigung';
  },
  function notiz(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'handschrift', schrift: 'hand', groesse: 14 };
    a.z(w.element(['An das Jobcenter', 'Jobcenter', 'Liebe Frau ' + faker.person.lastName() + ',', 'Hallo,']));
    a.leer();
    for (const l of umbrechen(w.element([
      'bitte rufen Sie mich zurück, ich habe eine Frage zu meinem Brief.',
      'ich war heute da aber es war geschlossen. Ich komme morgen wieder.',
      'anbei die fehlenden Unterlagen. Bitte Bescheid geben ob noch was fehlt.',
      'ich habe keine Post von Ihnen bekommen. Meine Adresse ist weiterhin die gleiche.',
      'Bitte schicken Sie mir die Formulare noch mal zu, ich habe sie verloren.',
    ]) + (c.telefon ? ` Tel. ${c.telefon}` : ''), 40)) a.z(l);
    a.leer();
    a.z(w.element(['Danke!', 'Gruß', 'MfG', 'Danke und Gruß']));
    a.z(c.name);
    if (c.mitBg(0.6)) a.z(c.bgZeile());
    if (w.ja(0.5)) a.z(c.briefdatum());
    return 'handnotiz';
  },
  function stromrechnung(c) {
    const { a, w } = c;
    c.layout = { ...c.layout, stil: 'geschaeftsbrief', schrift: 'sans', groesse: 9, tabellen: true };
    const ev = w.element(['Stadtwerke Göttingen AG', 'EAM Energie GmbH', 'Harz Energie GmbH & Co. KG', 'E.ON Energie Deutschland GmbH']);
    c.wahr.aussteller = ev;
    organisationsKopf(c, [ev, ...firmenAnschrift(w)]);
    a.z(c.briefdatum(), 'rechts');
    a.z(`Ihre Jahresverbrauchsabrechnung Strom ${Number(c.datum.slice(0, 4)) - 1}`, 'ueber');
    a.z(`Vertragskonto ${w.ziffern(10)}\tZählernummer ${w.ziffern(8)}`);
    const kwh = w.zahl(900, 3200);
    const preis = w.betrag(0.28, 0.39);
    const kosten = Math.round(kwh * preis * 100) / 100;
    const abschlaege = Math.round(kosten * w.betrag(0.85, 1.1) * 100) / 100;
    a.tabelle([['Position', 'Menge', 'Preis', 'Betrag'], ['Arbeitspreis', `${kwh} kWh`, `${geld(preis)} €/kWh`, geld(kosten)], ['Grundpreis', '12 Monate', '12,50 €', '150,00'], ['geleistete Abschläge', '', '', geld(-abschlaege)]]);
    const diff = Math.round((kosten + 150 - abschlaege) * 100) / 100;
    a.z(diff >= 0 ? `Nachzahlung\t\t\t${geld(diff)}` : `Guthaben\t\t\t${geld(-diff)}`, 'fett');
    a.absatz(`Ihr neuer monatlicher Abschlag beträgt ab ${monatJahr(plusMonate(c.datum, 1))} ${euro(Math.round(((kosten + 150) / 12) * 100) / 100)}.`, 86);
    c.wahr.verwechsler = 'BETRIEBSKOSTENABRECHNUNG';
    handVermerk(c, 0.5);
    return 'stromrechnung';
  },
];

const VORLAGEN: Record<Eingangsart, Vorlage[]> = {
  HAUPTANTRAG, WBA, VAEM, EINKOMMENSNACHWEIS, KONTOAUSZUG, MIETVERTRAG, BETRIEBSKOSTENABRECHNUNG,
  AU_BESCHEINIGUNG, WIDERSPRUCH, UEBERPRUEFUNGSANTRAG, FREMDBESCHEID, BEWERBUNGSNACHWEIS, SONSTIGES,
};

/** Template ids per type (e.g. for reports and to check coverage). */
export function vorlagenVon(art: Eingangsart): string[] {
  return VORLAGEN[art].map((v) => `${art}/${v.name}`);
}

// ---------------------------------------------------------------- API

/** One seeded letter of type `art`. Same rng state + same options → same letter. */
export function erzeugeBrief(rng: () => number, art: Eingangsart, opts: BriefOptionen = {}): Brief {
  const c = new Ctx(rng, opts);
  const vorlage = c.w.gewichtet(VORLAGEN[art].map((v) => [v, v.gewicht ?? 1] as const));
  const variante = vorlage(c);
  // Some scanners and printers write a header line; some citizens add a date stamp: small noise at the end.
  const zeilen = c.a.zeilen.map((z) => z.replace(/[ ]+$/g, ''));
  while (zeilen.length > 0 && zeilen[zeilen.length - 1] === '') zeilen.pop();
  const wahrheit: BriefWahrheit = { ...c.wahr, art, absender: c.wahr.absender, vorlage: `${art}/${vorlage.name}${variante !== vorlage.name ? `:${variante}` : ''}` };
  if (wahrheit.bgNummerGeschrieben && !zeilen.some((z) => z.includes(wahrheit.bgNummerGeschrieben!))) {
    throw new Error(`Interner Fehler: BG-Nummer nicht im Text (${wahrheit.vorlage})`);
  }
  return {
    art,
    zeilen,
    wahrheit,
    layout: { ...c.layout, fett: c.a.fett, rechts: c.a.rechts, handschriftlich: c.a.hand, ueberschriften: c.a.ueber },
  };
}

/** The plain text of a letter (lines joined, table cells separated by two spaces). */
export function briefText(brief: Brief): string {
  return brief.zeilen.map((z) => z.replace(/\t/g, '  ')).join('\n');
}

/** Letters for classifier training: `anzahlProArt` of every type, in a seeded shuffled order. */
export function erzeugeTexte(seed: number, anzahlProArt: number, opts: Omit<BriefOptionen, 'haushalt'> & { haushalte?: HaushaltVorgabe[] } = {}): Brief[] {
  const rng = mulberry32(seed);
  const briefe: Brief[] = [];
  let n = 0;
  for (const art of EINGANGSARTEN) {
    for (let i = 0; i < anzahlProArt; i++) {
      const haushalt = opts.haushalte && opts.haushalte.length > 0 ? opts.haushalte[n++ % opts.haushalte.length] : undefined;
      briefe.push(erzeugeBrief(rng, art, { ...opts, haushalt }));
    }
  }
  const w = new Wuerfel(mulberry32(seed ^ 0x9e3779b9));
  for (let i = briefe.length - 1; i > 0; i--) {
    const j = w.zahl(0, i);
    [briefe[i], briefe[j]] = [briefe[j]!, briefe[i]!];
  }
  return briefe;
}

/** `n` households of the simulated demo Landkreis (connectors/fachverfahren/landkreis), for letters that match the simulator. */
export function haushalteAusLandkreis(seed: number, n: number, stichtag = STANDARD_STICHTAG): HaushaltVorgabe[] {
  return generiereLandkreis({ seed, haushalte: n, stichtag }).haushalte.map((h) => ({ bgNummer: h.bgNummer, personen: h.personen, anschrift: h.anschrift }));
}


/** Typical OCR confusions of German text (glyph pairs tesseract mixes up on noisy scans). */
const OCR_VERWECHSLUNGEN: ReadonlyArray<readonly [string, string]> = [
  ['0', 'O'], ['O', '0'], ['1', 'l'], ['l', '1'], ['I', 'l'], ['5', 'S'], ['8', 'B'], ['B', '8'], ['6', 'G'], ['m', 'rn'],
  ['rn', 'm'], ['ü', 'u'], ['ä', 'a'], ['ö', 'o'], ['ß', 'B'], ['e', 'c'], ['c', 'e'], ['h', 'b'], ['i', 'í'], [',', '.'], ['.', ','],
];

/**
 * The text as a noisy OCR engine might return it: about `rate` of the characters confused,
 * dropped or doubled, some spaces lost. For training classifiers on scan-like text without
 * rendering. Seeded: same rng state, same noise.
 */
export function mitOcrFehlern(text: string, rng: () => number, rate = 0.02): string {
  const w = new Wuerfel(rng);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n' || !w.ja(rate)) {
      out += ch;
      continue;
    }
    const zwei = text.slice(i, i + 2);
    const paar = OCR_VERWECHSLUNGEN.find(([a]) => a === zwei) ?? OCR_VERWECHSLUNGEN.find(([a]) => a === ch);
    const r = w.rng();
    if (paar && r < 0.6) {
      out += paar[1];
      i += paar[0].length - 1;
    } else if (ch === ' ' && r < 0.8) {
      // lost space: words run together
    } else if (r < 0.8) {
      // dropped character
    } else {
      out += ch + ch;
    }
  }
  return out;
}
