/**
 * The database of the simulated Fachverfahren, shared by the OPEN/PROSOZ-like and the
 * comp.ASS-like simulator: households with O(1) lookup, fuzzy proposals, and the writes
 * the engine makes (Wiedervorlage, Antragseingang, Neuantrag), each idempotent by
 * `referenz` as the port demands. Persisted as a JSON snapshot (atomic write).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BusinessError } from '../../errors';
import { normalizeBgNummer, normalizeKundennummer } from '../../../domain/identifiers';
import type {
  AntragseingangAuftrag,
  Anschrift,
  Bewilligungszeitraum,
  Haushalt,
  HaushaltsSuche,
  HaushaltsVorschlag,
  NeuantragAuftrag,
  Tag,
  Team,
  VorschlagsSuche,
  WiedervorlageAuftrag,
} from '../port';
import { HaushaltsIndex, klonHaushalt, type BwzEintrag } from './haushalts-index';
import { zustaendigesTeam, type Landkreis } from './generator';
import { istTag, monatsende } from './tage';

export type GespeicherteWiedervorlage = WiedervorlageAuftrag & { wiedervorlageId: string; angelegtAm: string };
export type GespeicherterEingang = AntragseingangAuftrag & { eingangId: string; erfasstAm: string };

interface NeuantragErgebnis {
  referenz: string;
  bgNummer: string;
  kundennummer: string;
  antragsdatum: Tag;
  angelegtAm: string;
}

/** Where the data came from, so a simulator can tell whether a snapshot fits its settings. */
export interface StoreHerkunft {
  seed: number;
  haushalte: number;
}

interface Snapshot {
  format: 'aktenlauf-fachverfahren-store/1';
  herkunft?: StoreHerkunft;
  landkreis: Landkreis;
  wiedervorlagen: GespeicherteWiedervorlage[];
  eingaenge: GespeicherterEingang[];
  neuantraege: NeuantragErgebnis[];
  zaehler: Zaehler;
}

interface Zaehler {
  bg: number;
  bwz: number;
  wv: number;
  eg: number;
  kunde: number;
}

const MAX_BETREFF = 250;

function ungueltig(meldung: string): BusinessError {
  return new BusinessError('UNGUELTIGER_AUFTRAG', meldung);
}

function pflichtText(wert: unknown, feld: string, max = 100): string {
  if (typeof wert !== 'string' || wert.trim() === '') throw ungueltig(`Pflichtfeld fehlt: ${feld}.`);
  if (wert.length > max) throw ungueltig(`Feld zu lang: ${feld} (höchstens ${max} Zeichen).`);
  return wert.trim();
}

function pflichtTag(wert: unknown, feld: string): Tag {
  if (!istTag(wert)) throw ungueltig(`Ungültiges Datum im Feld ${feld}.`);
  return wert;
}

export class FachverfahrenStore {
  private readonly index = new HaushaltsIndex();
  private readonly teams: Team[];
  readonly stichtag: Tag;
  readonly amtsKennung: string;
  herkunft?: StoreHerkunft;

  private readonly wvByReferenz = new Map<string, GespeicherteWiedervorlage>();
  private readonly egByReferenz = new Map<string, GespeicherterEingang>();
  private readonly naByReferenz = new Map<string, NeuantragErgebnis>();
  private readonly wvListe: GespeicherteWiedervorlage[] = [];
  private readonly egListe: GespeicherterEingang[] = [];
  private zaehler: Zaehler;
  private readonly kundennummern = new Set<string>();
  private readonly listeners = new Set<(bgNummern: string[]) => void>();
  private version = 0;

  constructor(landkreis: Landkreis) {
    this.teams = landkreis.teams.map((t) => ({ ...t }));
    this.stichtag = landkreis.stichtag;
    this.amtsKennung = landkreis.amtsKennung;
    let maxBg = 0;
    let maxBwz = 0;
    for (const h of landkreis.haushalte) {
      const copy = klonHaushalt(h);
      copy.team = this.teamOderFehler(copy.team.id);
      this.index.setze(copy);
      for (const p of copy.personen) this.kundennummern.add(p.kundennummer);
      maxBg = Math.max(maxBg, Number(h.bgNummer.slice(-7)));
      for (const b of h.bewilligungszeitraeume) maxBwz = Math.max(maxBwz, Number(b.id.replace(/\D/g, '')) || 0);
    }
    this.zaehler = { bg: maxBg, bwz: maxBwz, wv: 0, eg: 0, kunde: 0 };
  }

  // ---------------------------------------------------------------- persistence

  /** Loads a snapshot; null if there is none or it cannot be read (a broken file is set aside as *.defekt). */
  static ausDatei(file: string): FachverfahrenStore | null {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const snap = JSON.parse(raw) as Snapshot;
      if (snap.format !== 'aktenlauf-fachverfahren-store/1') throw new Error('unbekanntes Format');
      const store = new FachverfahrenStore(snap.landkreis);
      store.herkunft = snap.herkunft;
      for (const wv of snap.wiedervorlagen) {
        store.wvByReferenz.set(wv.referenz, wv);
        store.wvListe.push(wv);
      }
      for (const eg of snap.eingaenge) {
        store.egByReferenz.set(eg.referenz, eg);
        store.egListe.push(eg);
      }
      for (const na of snap.neuantraege) store.naByReferenz.set(na.referenz, na);
      store.zaehler = { ...store.zaehler, ...snap.zaehler, bg: Math.max(store.zaehler.bg, snap.zaehler.bg), bwz: Math.max(store.zaehler.bwz, snap.zaehler.bwz) };
      return store;
    } catch {
      try {
        fs.renameSync(file, `${file}.defekt`);
      } catch {
        // nothing to set aside
      }
      return null;
    }
  }

  /** Writes a JSON snapshot atomically (temp file + rename). */
  speichern(file: string): void {
    const snap: Snapshot = {
      format: 'aktenlauf-fachverfahren-store/1',
      herkunft: this.herkunft,
      landkreis: this.landkreis(),
      wiedervorlagen: this.wvListe,
      eingaenge: this.egListe,
      neuantraege: [...this.naByReferenz.values()],
      zaehler: this.zaehler,
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(snap));
    fs.renameSync(tmp, file);
  }

  /** The current data as a Landkreis (copies). */
  landkreis(): Landkreis {
    return { haushalte: this.alleHaushalte(), teams: this.teamListe(), stichtag: this.stichtag, amtsKennung: this.amtsKennung };
  }

  // ---------------------------------------------------------------- reads

  get anzahlHaushalte(): number {
    return this.index.size;
  }

  /** Increases with every change of household data (not with Wiedervorlagen/Eingänge). */
  get aenderungsstand(): number {
    return this.version;
  }

  teamListe(): Team[] {
    return this.teams.map((t) => ({ ...t }));
  }

  alleHaushalte(): Haushalt[] {
    return [...this.index.alle()].map(klonHaushalt).sort((a, b) => (a.bgNummer < b.bgNummer ? -1 : 1));
  }

  /** Finds by BG-Nummer or Kundennummer, written in any usual form; null if unknown. */
  findeHaushalt(suche: HaushaltsSuche): Haushalt | null {
    const h = this.finde(suche);
    return h ? klonHaushalt(h) : null;
  }

  /** Household of a Kundennummer (normalised); undefined if unknown. */
  private finde(suche: HaushaltsSuche): Haushalt | undefined {
    if ('bgNummer' in suche) {
      const bg = normalizeBgNummer(suche.bgNummer);
      return bg ? this.index.get(bg) : undefined;
    }
    const k = normalizeKundennummer(suche.kundennummer);
    const bg = k ? this.index.bgNummerVonKunde(k) : undefined;
    return bg ? this.index.get(bg) : undefined;
  }

  schlageHaushalteVor(suche: VorschlagsSuche): HaushaltsVorschlag[] {
    if (!istTag(suche.geburtsdatum) || !suche.nachname?.trim()) return [];
    return this.index.vorschlaege(suche);
  }

  listeBewilligungszeitraeume(von: Tag, bis: Tag): BwzEintrag[] {
    return this.index.bwzEndendIn(von, bis);
  }

  wiedervorlagen(bgNummer?: string): GespeicherteWiedervorlage[] {
    return this.wvListe.filter((w) => !bgNummer || w.bgNummer === bgNummer).map((w) => ({ ...w }));
  }

  eingaenge(bgNummer?: string): GespeicherterEingang[] {
    return this.egListe.filter((e) => !bgNummer || e.bgNummer === bgNummer).map((e) => ({ ...e }));
  }

  // ---------------------------------------------------------------- writes of the engine (idempotent by referenz)

  erstelleWiedervorlage(a: WiedervorlageAuftrag): { wiedervorlageId: string; neu: boolean } {
    const vorhanden = this.wvByReferenz.get(a.referenz);
    if (vorhanden) return { wiedervorlageId: vorhanden.wiedervorlageId, neu: false };
    const referenz = pflichtText(a.referenz, 'Referenz', 200);
    const h = this.haushaltOderFehler(a.bgNummer);
    const betreff = pflichtText(a.betreff, 'Betreff', MAX_BETREFF);
    const faelligAm = pflichtTag(a.faelligAm, 'Fällig am');
    if (a.prioritaet !== 'normal' && a.prioritaet !== 'hoch') throw ungueltig('Ungültige Priorität.');
    const teamId = a.teamId ? this.teamOderFehler(a.teamId).id : h.team.id;
    const wv: GespeicherteWiedervorlage = {
      referenz,
      bgNummer: h.bgNummer,
      betreff,
      faelligAm,
      prioritaet: a.prioritaet,
      teamId,
      wiedervorlageId: `WV${String(++this.zaehler.wv).padStart(8, '0')}`,
      angelegtAm: new Date().toISOString(),
    };
    this.wvByReferenz.set(referenz, wv);
    this.wvListe.push(wv);
    return { wiedervorlageId: wv.wiedervorlageId, neu: true };
  }

  erfasseAntragseingang(a: AntragseingangAuftrag): { eingangId: string; neu: boolean } {
    const vorhanden = this.egByReferenz.get(a.referenz);
    if (vorhanden) return { eingangId: vorhanden.eingangId, neu: false };
    const referenz = pflichtText(a.referenz, 'Referenz', 200);
    const h = this.haushaltOderFehler(a.bgNummer);
    if (!['WBA', 'HAUPTANTRAG', 'VAEM', 'UEBERPRUEFUNGSANTRAG', 'WIDERSPRUCH'].includes(a.art)) throw ungueltig('Unbekannte Antragsart.');
    const eg: GespeicherterEingang = {
      referenz,
      bgNummer: h.bgNummer,
      art: a.art,
      eingangsdatum: pflichtTag(a.eingangsdatum, 'Eingangsdatum'),
      eingangId: `EG${String(++this.zaehler.eg).padStart(8, '0')}`,
      erfasstAm: new Date().toISOString(),
    };
    this.egByReferenz.set(referenz, eg);
    this.egListe.push(eg);
    return { eingangId: eg.eingangId, neu: true };
  }

  legeNeuantragAn(a: NeuantragAuftrag): { bgNummer: string; kundennummer: string; neu: boolean } {
    const vorhanden = this.naByReferenz.get(a.referenz);
    if (vorhanden) return { bgNummer: vorhanden.bgNummer, kundennummer: vorhanden.kundennummer, neu: false };
    const referenz = pflichtText(a.referenz, 'Referenz', 200);
    const nachname = pflichtText(a.antragsteller?.nachname, 'Nachname');
    const vorname = pflichtText(a.antragsteller?.vorname, 'Vorname');
    const geburtsdatum = pflichtTag(a.antragsteller?.geburtsdatum, 'Geburtsdatum');
    const anschrift: Anschrift = {
      strasse: pflichtText(a.anschrift?.strasse, 'Straße'),
      hausnummer: pflichtText(a.anschrift?.hausnummer, 'Hausnummer', 10),
      plz: pflichtText(a.anschrift?.plz, 'PLZ', 5),
      ort: pflichtText(a.anschrift?.ort, 'Ort'),
    };
    if (!/^\d{5}$/.test(anschrift.plz)) throw ungueltig('Ungültige PLZ.');
    const antragsdatum = pflichtTag(a.antragsdatum, 'Antragsdatum');
    const bgNummer = `${this.amtsKennung}BG${String(++this.zaehler.bg).padStart(7, '0')}`;
    const kundennummer = this.neueKundennummer();
    const h: Haushalt = {
      bgNummer,
      personen: [{ kundennummer, vorname, nachname, geburtsdatum, rolle: 'antragsteller' }],
      anschrift,
      team: zustaendigesTeam(this.teams, nachname, anschrift.plz),
      bewilligungszeitraeume: [],
      aufgeloest: false,
    };
    this.index.setze(h);
    this.kundennummern.add(kundennummer);
    this.naByReferenz.set(referenz, { referenz, bgNummer, kundennummer, antragsdatum, angelegtAm: new Date().toISOString() });
    this.geaendert([bgNummer]);
    return { bgNummer, kundennummer, neu: true };
  }

  // ---------------------------------------------------------------- changes made "by the Sachbearbeitung" (tests, demo)

  /** Notified with the BG-Nummern after every change of household data; returns an unsubscribe function. */
  beiAenderung(listener: (bgNummern: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Shortens or extends a BWZ (e.g. an early end after a change in circumstances). */
  aendereBwz(bgNummer: string, bwzId: string, neuesEnde: Tag): Bewilligungszeitraum {
    const h = this.haushaltOderFehler(bgNummer);
    const bwz = h.bewilligungszeitraeume.find((b) => b.id === bwzId);
    if (!bwz) throw new BusinessError('BWZ_NICHT_GEFUNDEN', 'Bewilligungszeitraum nicht gefunden.');
    const ende = pflichtTag(neuesEnde, 'Ende');
    if (ende < bwz.beginn) throw ungueltig('Das Ende liegt vor dem Beginn des Bewilligungszeitraums.');
    bwz.ende = ende;
    this.index.setze(h);
    this.geaendert([h.bgNummer]);
    return { ...bwz };
  }

  /** Grants a new BWZ (e.g. after a Weiterbewilligung): from `beginn` for 12 (regulär) or 6 (vorläufig) months. */
  bewillige(bgNummer: string, beginn: Tag, art: Bewilligungszeitraum['art'] = 'regulaer'): Bewilligungszeitraum {
    const h = this.haushaltOderFehler(bgNummer);
    const start = pflichtTag(beginn, 'Beginn');
    const bwz: Bewilligungszeitraum = {
      id: `BWZ${String(++this.zaehler.bwz).padStart(8, '0')}`,
      beginn: start,
      ende: monatsende(start, art === 'vorlaeufig' ? 5 : 11),
      art,
    };
    h.bewilligungszeitraeume.push(bwz);
    h.bewilligungszeitraeume.sort((a, b) => (a.beginn < b.beginn ? -1 : 1));
    h.aufgeloest = false;
    this.index.setze(h);
    this.geaendert([h.bgNummer]);
    return { ...bwz };
  }

  /** Dissolves a Bedarfsgemeinschaft; an optional end date cuts its running BWZ. */
  loeseAuf(bgNummer: string, zum?: Tag): void {
    const h = this.haushaltOderFehler(bgNummer);
    h.aufgeloest = true;
    if (zum) {
      const ende = pflichtTag(zum, 'Auflösung zum');
      for (const b of h.bewilligungszeitraeume) if (b.beginn <= ende && b.ende > ende) b.ende = ende;
    }
    this.index.setze(h);
    this.geaendert([h.bgNummer]);
  }

  aendereAnschrift(bgNummer: string, anschrift: Anschrift): void {
    const h = this.haushaltOderFehler(bgNummer);
    h.anschrift = { ...anschrift };
    this.index.setze(h);
    this.geaendert([h.bgNummer]);
  }

  aendereTeam(bgNummer: string, teamId: string): void {
    const h = this.haushaltOderFehler(bgNummer);
    h.team = this.teamOderFehler(teamId);
    this.index.setze(h);
    this.geaendert([h.bgNummer]);
  }

  // ---------------------------------------------------------------- internals

  private geaendert(bgNummern: string[]): void {
    this.version++;
    for (const l of this.listeners) l(bgNummern);
  }

  private haushaltOderFehler(bgNummer: string): Haushalt {
    const h = typeof bgNummer === 'string' ? this.finde({ bgNummer }) : undefined;
    if (!h) throw new BusinessError('HAUSHALT_NICHT_GEFUNDEN', 'Keine Bedarfsgemeinschaft mit dieser BG-Nummer gefunden.');
    return h;
  }

  private teamOderFehler(teamId: string): Team {
    const t = this.teams.find((x) => x.id === teamId);
    if (!t) throw new BusinessError('TEAM_NICHT_GEFUNDEN', 'Das angegebene Team gibt es nicht.');
    return t;
  }

  private neueKundennummer(): string {
    const prefix = this.amtsKennung.slice(0, 3);
    for (;;) {
      // Sequential numbers under the letter N (Neuantrag); skip ones taken by the generator.
      const k = `${prefix}N${String(++this.zaehler.kunde).padStart(6, '0')}`;
      if (!this.kundennummern.has(k)) return k;
    }
  }
}
