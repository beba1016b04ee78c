/**
 * Fachverfahren adapter for an OPEN/PROSOZ-like file interface.
 *
 * Reads: the export folder holds a full export (GESAMT_…) and change files (AENDERUNG_…),
 * applied in sequence order into an in-memory index; lookups and proposals are answered from
 * that index. A file that cannot be read correctly (encoding, malformed row, truncated)
 * stops the index at the last good file and makes every lookup fail with a TechnicalError
 * naming file and line, until the system writes a readable file: never a wrong answer.
 *
 * Writes: one import file per Auftrag, named after its referenz (a retry replaces the file,
 * never adds a second), written under a temporary name and renamed; then the adapter waits
 * for the Quittung: OK → result; FEHLER → BusinessError (or TechnicalError for system
 * failures); none in time → TechnicalError QUITTUNG_TIMEOUT (retry is safe).
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusinessError, TechnicalError } from '../../errors';
import { OrdnerWaechter } from '../../ordner-waechter';
import { BG_NUMMER, KUNDENNUMMER, normalizeBgNummer, normalizeKundennummer } from '../../../domain/identifiers';
import type { Check } from '../../../scripts/stack/doctor';
import type { Logger } from '../../../platform/logger';
import type {
  AntragseingangAuftrag, Bewilligungszeitraum, Fachverfahren, Haushalt, HaushaltsSuche, HaushaltsVorschlag,
  NeuantragAuftrag, Person, Tag, Team, VorschlagsSuche, WiedervorlageAuftrag,
} from '../port';
import type { OpenProsozConfig } from '../config';
import { HaushaltsIndex, klonHaushalt } from '../landkreis/haushalts-index';
import { ausDeutsch, istTag, zuDeutsch } from '../landkreis/tage';
import {
  BEREICH_CODE, BWZ_ART_CODE, EXPORT_DATEI, EXPORT_SPALTEN, IMPORT_ARTEN, IMPORT_DATEI, ORDNER, QUITTUNG_ENDUNG,
  QUITTUNG_SPALTEN, ROLLE_CODE, STATUS_CODE, TECHNISCHE_FEHLERCODES, csv, importDateiname, kodiereDatei, umkehren,
  type ImportArt,
} from './format';
import { dateiFehler, dekodiere, leseCsv } from './lesen';

const ROLLE = umkehren(ROLLE_CODE);
const BEREICH = umkehren(BEREICH_CODE);
const BWZ_ART = umkehren(BWZ_ART_CODE);

interface ExportDatei {
  name: string;
  art: 'GESAMT' | 'AENDERUNG';
  seq: number;
}

interface GeleseneDatei {
  teams: Team[];
  haushalte: Haushalt[];
}

/** Parses and checks one export file completely; throws a TechnicalError naming file and line. */
export function leseExportDatei(buf: Buffer, name: string, kodierung: OpenProsozConfig['kodierung'], bekannteTeams: ReadonlyMap<string, Team>): GeleseneDatei {
  const text = dekodiere(buf, kodierung, name);
  // A file cut short (disk full, copy aborted) lacks its closing record: say so before anything else.
  const schluss = text.trimEnd().split(/\r?\n/).at(-1) ?? '';
  if (!schluss.startsWith('ENDE;')) {
    throw new TechnicalError('EXPORT_UNVOLLSTAENDIG', `Datei ${name}: unvollständig, der Schlusssatz ENDE fehlt (Datei abgeschnitten?).`);
  }
  const { spalte, zeilen, zeileVon } = leseCsv(text, name, EXPORT_SPALTEN);
  const i = Object.fromEntries(EXPORT_SPALTEN.map((s) => [s, spalte.get(s)!])) as Record<(typeof EXPORT_SPALTEN)[number], number>;
  const teams = new Map<string, Team>();
  const haushalte: Haushalt[] = [];
  const teamVon = new Map<Haushalt, { id: string; index: number }>();
  const gesehen = new Set<string>();
  let aktuell: Haushalt | null = null;
  let aktuellIndex = 0;
  let ende = false;
  let daten = 0;

  const abschliessen = () => {
    if (aktuell && aktuell.personen.length === 0) throw dateiFehler(name, zeileVon(aktuellIndex), 'BG-Satz ohne Personensätze.');
  };

  for (let index = 0; index < zeilen.length; index++) {
    const werte = zeilen[index]!;
    const zeile = (): number => zeileVon(index);
    const w = (s: keyof typeof i): string => (werte[i[s]] ?? '').trim();
    const pflicht = (s: keyof typeof i): string => {
      const v = w(s);
      if (!v) throw dateiFehler(name, zeile(), `Pflichtfeld ${s} ist leer.`);
      return v;
    };
    const datum = (s: keyof typeof i): Tag => {
      const t = ausDeutsch(pflicht(s));
      if (!t) throw dateiFehler(name, zeile(), `Spalte ${s}: kein gültiges Datum (TT.MM.JJJJ).`);
      return t;
    };
    const code = <K extends string>(s: keyof typeof i, m: Map<string, K>): K => {
      const v = m.get(pflicht(s));
      if (!v) throw dateiFehler(name, zeile(), `Spalte ${s}: unbekannter Schlüssel.`);
      return v;
    };
    const imBlock = (): Haushalt => {
      if (!aktuell || w('BG-Nummer') !== aktuell.bgNummer) throw dateiFehler(name, zeile(), 'Satz gehört zu keinem vorangehenden BG-Satz.');
      return aktuell;
    };
    if (ende) throw dateiFehler(name, zeile(), 'Sätze nach dem Schlusssatz ENDE.');
    const satzart = w('Satzart');
    switch (satzart) {
      case 'TEAM': {
        const t: Team = { id: pflicht('Team-Nr'), name: pflicht('Teambezeichnung'), bereich: code('Bereich', BEREICH), standort: pflicht('Standort') };
        teams.set(t.id, t);
        break;
      }
      case 'BG': {
        abschliessen();
        const bg = pflicht('BG-Nummer');
        if (!BG_NUMMER.test(bg)) throw dateiFehler(name, zeile(), 'Spalte BG-Nummer: ungültiges Format.');
        if (gesehen.has(bg)) throw dateiFehler(name, zeile(), 'BG-Nummer kommt doppelt vor.');
        gesehen.add(bg);
        const status = pflicht('Status');
        if (status !== STATUS_CODE.aktiv && status !== STATUS_CODE.aufgeloest) throw dateiFehler(name, zeile(), 'Spalte Status: unbekannter Schlüssel.');
        const plz = pflicht('PLZ');
        if (!/^\d{5}$/.test(plz)) throw dateiFehler(name, zeile(), 'Spalte PLZ: keine fünfstellige Postleitzahl.');
        aktuell = {
          bgNummer: bg,
          personen: [],
          anschrift: { strasse: pflicht('Strasse'), hausnummer: pflicht('Hausnummer'), plz, ort: pflicht('Ort') },
          team: { id: '', name: '', bereich: 'leistung', standort: '' },
          bewilligungszeitraeume: [],
          aufgeloest: status === STATUS_CODE.aufgeloest,
        };
        aktuellIndex = index;
        teamVon.set(aktuell, { id: pflicht('Team-Nr'), index });
        haushalte.push(aktuell);
        break;
      }
      case 'PERSON': {
        const h = imBlock();
        const k = pflicht('Kundennummer');
        if (!KUNDENNUMMER.test(k)) throw dateiFehler(name, zeile(), 'Spalte Kundennummer: ungültiges Format.');
        const p: Person = { kundennummer: k, vorname: pflicht('Vorname'), nachname: pflicht('Nachname'), geburtsdatum: datum('Geburtsdatum'), rolle: code('Rolle', ROLLE) };
        h.personen.push(p);
        break;
      }
      case 'BWZ': {
        const h = imBlock();
        const b: Bewilligungszeitraum = { id: pflicht('BWZ-Nr'), beginn: datum('BWZ-Beginn'), ende: datum('BWZ-Ende'), art: code('BWZ-Art', BWZ_ART) };
        if (b.ende < b.beginn) throw dateiFehler(name, zeile(), 'BWZ-Ende liegt vor BWZ-Beginn.');
        h.bewilligungszeitraeume.push(b);
        break;
      }
      case 'ENDE': {
        abschliessen();
        const n = Number(pflicht('Satzanzahl'));
        if (n !== daten) throw dateiFehler(name, zeile(), `Schlusssatz meldet ${n} Sätze, die Datei enthält ${daten}.`);
        ende = true;
        continue;
      }
      default:
        throw dateiFehler(name, zeile(), 'unbekannte Satzart.');
    }
    daten++;
  }
  if (!ende) throw new TechnicalError('EXPORT_UNVOLLSTAENDIG', `Datei ${name}: unvollständig, der Schlusssatz ENDE fehlt.`);
  for (const [h, ref] of teamVon) {
    const t = teams.get(ref.id) ?? bekannteTeams.get(ref.id);
    if (!t) throw dateiFehler(name, zeileVon(ref.index), 'Spalte Team-Nr: unbekanntes Team.');
    h.team = t;
  }
  return { teams: [...teams.values()], haushalte };
}

interface QuittungsZeile {
  zeile: number;
  referenz: string;
  status: 'OK' | 'FEHLER';
  fehlercode: string;
  meldung: string;
  vorgang: string;
  bgNummer: string;
  kundennummer: string;
}

export interface OpenProsozDeps {
  log?: Logger;
}

export class OpenProsozFachverfahren implements Fachverfahren {
  readonly adapter = 'open-prosoz';
  private readonly dirs: { export: string; import: string; quittung: string };
  private index = new HaushaltsIndex();
  private teams = new Map<string, Team>();
  private stand: { gesamtSeq: number; letzteSeq: number; letzteDatei: string } | null = null;
  private fehler: { err: TechnicalError; signatur: string } | null = null;
  private letzterScan = 0;
  private erzwingen = false;
  private geschlossen = false;
  private letzteLadezeitMs = 0;

  constructor(private readonly cfg: OpenProsozConfig, private readonly deps: OpenProsozDeps = {}) {
    this.dirs = {
      export: path.join(cfg.exchangeDir, ORDNER.export),
      import: path.join(cfg.exchangeDir, ORDNER.import),
      quittung: path.join(cfg.exchangeDir, ORDNER.quittung),
    };
    this.quittungen = new OrdnerWaechter(this.dirs.quittung, cfg.ackPollMs);
  }

  /** Acknowledgements of all imports in flight, looked for with one directory read per poll. */
  private readonly quittungen: OrdnerWaechter;

  // ------------------------------------------------------------------ reading the exports

  /** Brings the index up to date with the export folder (at most every refreshMs unless forced). */
  aktualisiere(erzwingen = false): void {
    this.pruefeOffen();
    const jetzt = Date.now();
    if (!erzwingen && !this.erzwingen && jetzt - this.letzterScan < this.cfg.refreshMs) {
      if (this.fehler) throw this.fehler.err;
      if (this.stand) return;
    }
    this.letzterScan = jetzt;
    this.erzwingen = false;

    let namen: string[];
    try {
      namen = fs.readdirSync(this.dirs.export);
    } catch (err) {
      throw new TechnicalError('EXPORTORDNER_FEHLT', `Exportordner des Fachverfahrens nicht lesbar: ${this.dirs.export}`, { cause: err });
    }
    const dateien: ExportDatei[] = namen
      .map((n) => EXPORT_DATEI.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[0], art: m[1] as ExportDatei['art'], seq: Number(m[3]) }))
      .sort((a, b) => a.seq - b.seq);
    const gesamt = dateien.filter((d) => d.art === 'GESAMT').at(-1);
    if (!gesamt) throw new TechnicalError('EXPORT_FEHLT', `Kein Gesamtexport (GESAMT_*.csv) im Exportordner ${this.dirs.export}.`);
    const neuAufbau = !this.stand || this.stand.gesamtSeq !== gesamt.seq;
    const ab = neuAufbau ? gesamt.seq : this.stand!.letzteSeq;
    const offen = [...(neuAufbau ? [gesamt] : []), ...dateien.filter((d) => d.art === 'AENDERUNG' && d.seq > ab)];
    if (offen.length === 0) {
      this.fehler = null;
      return;
    }

    const signatur = offen.map((d) => `${d.name}:${this.dateiSignatur(d.name)}`).join('|');
    if (this.fehler && this.fehler.signatur === signatur) throw this.fehler.err;

    const t0 = performance.now();
    const index = neuAufbau ? new HaushaltsIndex() : this.index;
    const teams = neuAufbau ? new Map<string, Team>() : this.teams;
    let stand = neuAufbau ? null : this.stand;
    try {
      for (const d of offen) {
        let buf: Buffer;
        try {
          buf = fs.readFileSync(path.join(this.dirs.export, d.name));
        } catch (err) {
          // Removed by the system's housekeeping meanwhile: read again from the start next time.
          this.erzwingen = true;
          throw new TechnicalError('EXPORT_VERSCHWUNDEN', `Exportdatei ${d.name} verschwand beim Lesen; bitte erneut versuchen.`, { cause: err });
        }
        const gelesen = leseExportDatei(buf, d.name, this.cfg.kodierung, teams);
        for (const t of gelesen.teams) teams.set(t.id, t);
        for (const h of gelesen.haushalte) index.setze(h);
        stand = { gesamtSeq: gesamt.seq, letzteSeq: d.seq, letzteDatei: d.name };
        if (!neuAufbau) this.stand = stand;
      }
      this.index = index;
      this.teams = teams;
      this.stand = stand;
      this.fehler = null;
      this.letzteLadezeitMs = performance.now() - t0;
      this.deps.log?.debug({ dateien: offen.length, ms: Math.round(this.letzteLadezeitMs) }, 'open-prosoz index updated');
    } catch (err) {
      const te = err instanceof TechnicalError ? err : new TechnicalError('EXPORT_FEHLERHAFT', `Export nicht lesbar: ${(err as Error).message}`, { cause: err });
      if (te.code !== 'EXPORT_VERSCHWUNDEN') this.fehler = { err: te, signatur };
      this.deps.log?.warn({ code: te.code, err: te.message }, 'open-prosoz export rejected');
      throw te;
    }
  }

  private dateiSignatur(name: string): string {
    try {
      const st = fs.statSync(path.join(this.dirs.export, name));
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'weg';
    }
  }

  /** Figures of the index (for health and the benchmark). */
  indexStand(): { haushalte: number; letzteDatei: string | null; ladezeitMs: number } {
    return { haushalte: this.index.size, letzteDatei: this.stand?.letzteDatei ?? null, ladezeitMs: this.letzteLadezeitMs };
  }

  async findeHaushalt(suche: HaushaltsSuche): Promise<Haushalt | null> {
    this.aktualisiere();
    let bg: string | null | undefined;
    if ('bgNummer' in suche) bg = normalizeBgNummer(suche.bgNummer);
    else {
      const k = normalizeKundennummer(suche.kundennummer);
      bg = k ? this.index.bgNummerVonKunde(k) : null;
    }
    const h = bg ? this.index.get(bg) : undefined;
    return h ? klonHaushalt(h) : null;
  }

  async schlageHaushalteVor(suche: VorschlagsSuche): Promise<HaushaltsVorschlag[]> {
    this.aktualisiere();
    if (!istTag(suche.geburtsdatum) || !suche.nachname?.trim()) return [];
    return this.index.vorschlaege(suche);
  }

  async *listeBewilligungszeitraeume(von: Tag, bis: Tag): AsyncIterable<{ bgNummer: string; teamId: string; aufgeloest: boolean; bwz: Bewilligungszeitraum }> {
    if (!istTag(von) || !istTag(bis)) throw new RangeError('Tage im Format JJJJ-MM-TT erwartet');
    this.aktualisiere();
    for (const e of this.index.bwzEndendIn(von, bis)) yield e;
  }

  // ------------------------------------------------------------------ writing imports

  async erstelleWiedervorlage(a: WiedervorlageAuftrag): Promise<{ wiedervorlageId: string }> {
    const q = await this.einreichen('WV', a.referenz, [
      a.referenz, this.bgNummer(a.bgNummer), einzeilig(a.betreff), this.datum(a.faelligAm, 'Fällig am'),
      a.prioritaet === 'hoch' ? 'HOCH' : 'NORMAL', a.teamId ?? '',
    ]);
    return { wiedervorlageId: q.vorgang };
  }

  async erfasseAntragseingang(a: AntragseingangAuftrag): Promise<{ eingangId: string }> {
    const q = await this.einreichen('EINGANG', a.referenz, [a.referenz, this.bgNummer(a.bgNummer), a.art, this.datum(a.eingangsdatum, 'Eingangsdatum')]);
    return { eingangId: q.vorgang };
  }

  async legeNeuantragAn(a: NeuantragAuftrag): Promise<{ bgNummer: string; kundennummer: string }> {
    const q = await this.einreichen('NEUANTRAG', a.referenz, [
      a.referenz, einzeilig(a.antragsteller.nachname), einzeilig(a.antragsteller.vorname), this.datum(a.antragsteller.geburtsdatum, 'Geburtsdatum'),
      einzeilig(a.anschrift.strasse), einzeilig(a.anschrift.hausnummer), einzeilig(a.anschrift.plz), einzeilig(a.anschrift.ort),
      this.datum(a.antragsdatum, 'Antragsdatum'),
    ]);
    if (!BG_NUMMER.test(q.bgNummer) || !KUNDENNUMMER.test(q.kundennummer)) {
      throw new TechnicalError('QUITTUNG_UNVOLLSTAENDIG', 'Quittung des Neuantrags ohne gültige BG-Nummer/Kundennummer.');
    }
    // The system exports the new household before it acknowledges: read it on the next lookup.
    this.erzwingen = true;
    return { bgNummer: q.bgNummer, kundennummer: q.kundennummer };
  }

  private bgNummer(raw: string): string {
    const bg = normalizeBgNummer(raw ?? '');
    if (!bg) throw new BusinessError('HAUSHALT_NICHT_GEFUNDEN', 'Keine gültige BG-Nummer angegeben.');
    return bg;
  }

  private datum(tag: Tag, feld: string): string {
    if (!istTag(tag)) throw new BusinessError('UNGUELTIGER_AUFTRAG', `Ungültiges Datum im Feld ${feld}.`);
    return zuDeutsch(tag);
  }

  private async einreichen(art: ImportArt, referenz: string, werte: string[]): Promise<QuittungsZeile> {
    this.pruefeOffen();
    if (typeof referenz !== 'string' || referenz.trim() === '') throw new BusinessError('UNGUELTIGER_AUFTRAG', 'Referenz fehlt.');
    const name = importDateiname(art, referenz);
    const quittungDatei = path.join(this.dirs.quittung, `${name}${QUITTUNG_ENDUNG}`);

    // Answered before (an earlier attempt whose result got lost): the answer stands. A technical
    // failure or an unreadable acknowledgement is removed, and the Auftrag submitted again.
    let frueher: QuittungsZeile | null = null;
    try {
      frueher = this.leseQuittung(quittungDatei, name, referenz);
    } catch {
      fs.rmSync(quittungDatei, { force: true });
    }
    if (frueher && !istTechnisch(frueher)) return this.auswerten(frueher, name);
    if (frueher) fs.rmSync(quittungDatei, { force: true });

    try {
      const tmp = path.join(this.dirs.import, `.${name}.tmp`);
      fs.writeFileSync(tmp, kodiereDatei(csv(IMPORT_ARTEN[art], [werte]), this.cfg.kodierung));
      fs.renameSync(tmp, path.join(this.dirs.import, name));
    } catch (err) {
      throw new TechnicalError('IMPORTORDNER_FEHLER', `Importdatei ${name} konnte nicht geschrieben werden (${(err as NodeJS.ErrnoException).code ?? 'Fehler'}).`, { cause: err });
    }

    const frist = Date.now() + this.cfg.ackTimeoutMs;
    let letzterLesefehler: TechnicalError | null = null;
    for (;;) {
      this.pruefeOffen();
      let q: QuittungsZeile | null = null;
      try {
        q = this.leseQuittung(quittungDatei, name, referenz);
      } catch (err) {
        // Possibly still being written by a system that does not rename: try again until the deadline.
        letzterLesefehler = err as TechnicalError;
      }
      if (q) return this.auswerten(q, name);
      const rest = frist - Date.now();
      if (rest <= 0) break;
      // There but unreadable (still being written): read it again after a poll; else wait for it to appear.
      if (letzterLesefehler) await sleep(Math.min(this.cfg.ackPollMs, rest));
      else await this.quittungen.warte([path.basename(quittungDatei)], rest, () => this.geschlossen);
    }
    if (letzterLesefehler) throw letzterLesefehler;
    throw new TechnicalError(
      'QUITTUNG_TIMEOUT',
      `Keine Quittung des Fachverfahrens für ${name} nach ${this.cfg.ackTimeoutMs} ms. Die Importdatei bleibt liegen; eine Wiederholung ist sicher.`,
    );
  }

  /** The Quittung for this import, or null if there is none (yet). */
  private leseQuittung(datei: string, name: string, referenz: string): QuittungsZeile | null {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(datei);
    } catch {
      return null;
    }
    const { spalte, zeilen: roh } = leseCsv(dekodiere(buf, this.cfg.kodierung, path.basename(datei)), path.basename(datei), QUITTUNG_SPALTEN);
    const zeilen: QuittungsZeile[] = roh.map((werte) => {
      const w = (s: (typeof QUITTUNG_SPALTEN)[number]) => (werte[spalte.get(s)!] ?? '').trim();
      const status = w('Status');
      if (status !== 'OK' && status !== 'FEHLER') throw dateiFehler(path.basename(datei), null, 'Status weder OK noch FEHLER.');
      return { zeile: Number(w('Zeile')), referenz: w('Referenz'), status, fehlercode: w('Fehlercode'), meldung: w('Meldung'), vorgang: w('Vorgangs-Nr'), bgNummer: w('BG-Nummer'), kundennummer: w('Kundennummer') };
    });
    const q = zeilen.find((z) => z.referenz === referenz) ?? zeilen.find((z) => z.zeile === 0 && z.status === 'FEHLER');
    if (!q) throw new TechnicalError('QUITTUNG_UNPASSEND', `Quittung ${path.basename(datei)} passt nicht zur Importdatei ${name}.`);
    return q;
  }

  private auswerten(q: QuittungsZeile, name: string): QuittungsZeile {
    if (q.status === 'OK') {
      if (!q.vorgang) throw new TechnicalError('QUITTUNG_UNVOLLSTAENDIG', `Quittung für ${name} ohne Vorgangsnummer.`);
      return q;
    }
    if (q.zeile === 0) throw new TechnicalError('IMPORT_ABGELEHNT', `Das Fachverfahren konnte die Importdatei nicht lesen: ${q.meldung}`);
    if (istTechnisch(q)) throw new TechnicalError(`FACHVERFAHREN_${q.fehlercode}`, `Das Fachverfahren meldet einen Systemfehler: ${q.meldung}`);
    throw new BusinessError(q.fehlercode || 'ABGELEHNT', q.meldung || 'Vom Fachverfahren abgelehnt.');
  }

  // ------------------------------------------------------------------ health

  async health(): Promise<Check> {
    const check = { id: 'fachverfahren-open-prosoz', label: 'Fachverfahren (OPEN/PROSOZ, Dateischnittstelle)', required: true };
    const probleme: string[] = [];
    for (const [was, dir, modus] of [['Export', this.dirs.export, fs.constants.R_OK], ['Import', this.dirs.import, fs.constants.W_OK], ['Quittung', this.dirs.quittung, fs.constants.R_OK]] as const) {
      try {
        fs.accessSync(dir, modus);
      } catch {
        probleme.push(`${was}ordner fehlt oder ist nicht ${modus === fs.constants.W_OK ? 'beschreibbar' : 'lesbar'}: ${dir}`);
      }
    }
    let alter: number | null = null;
    if (probleme.length === 0) {
      const neueste = fs.readdirSync(this.dirs.export).filter((n) => EXPORT_DATEI.test(n)).map((n) => fs.statSync(path.join(this.dirs.export, n)).mtimeMs).sort((a, b) => b - a)[0];
      if (neueste === undefined) probleme.push('noch kein Export des Fachverfahrens');
      else {
        alter = Date.now() - neueste;
        if (alter > this.cfg.exportMaxAgeMs) probleme.push(`letzter Export vor ${(alter / 3600_000).toFixed(1)} h (erwartet höchstens ${(this.cfg.exportMaxAgeMs / 3600_000).toFixed(0)} h)`);
      }
      try {
        this.aktualisiere(true);
      } catch (err) {
        probleme.push((err as Error).message);
      }
      const liegen = fs.readdirSync(this.dirs.import).filter((n) => IMPORT_DATEI.test(n)).filter((n) => {
        try {
          return Date.now() - fs.statSync(path.join(this.dirs.import, n)).mtimeMs > this.cfg.ackTimeoutMs;
        } catch {
          return false;
        }
      });
      if (liegen.length > 0) probleme.push(`${liegen.length} Importdatei(en) seit über ${Math.round(this.cfg.ackTimeoutMs / 1000)} s nicht abgeholt`);
    }
    if (probleme.length > 0) {
      return { ...check, ok: false, detail: probleme.join('; '), fix: `Läuft das Fachverfahren bzw. sein Schnittstellen-Job? Ordner ${this.cfg.exchangeDir} (OPEN_PROSOZ_EXCHANGE_DIR) und Kodierung (OPEN_PROSOZ_ENCODING=${this.cfg.kodierung}) prüfen.` };
    }
    const s = this.indexStand();
    return { ...check, ok: true, detail: `${s.haushalte} Haushalte im Index, letzter Export ${s.letzteDatei} vor ${Math.round((alter ?? 0) / 60_000)} min (${this.cfg.exchangeDir})` };
  }

  async close(): Promise<void> {
    this.geschlossen = true;
  }

  private pruefeOffen(): void {
    if (this.geschlossen) throw new TechnicalError('ADAPTER_GESCHLOSSEN', 'Der Fachverfahren-Adapter wurde geschlossen.');
  }
}

function istTechnisch(q: QuittungsZeile): boolean {
  return q.status === 'FEHLER' && (q.zeile === 0 || TECHNISCHE_FEHLERCODES.has(q.fehlercode));
}

/** Values of an import line stay on one line. */
function einzeilig(v: string): string {
  return String(v ?? '').replace(/[\r\n\t]+/g, ' ').trim();
}

export function createOpenProsozFachverfahren(config: OpenProsozConfig, deps: OpenProsozDeps = {}): OpenProsozFachverfahren {
  return new OpenProsozFachverfahren(config, deps);
}
