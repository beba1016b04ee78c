/**
 * Simulator of an OPEN/PROSOZ-like Fachverfahren that talks only through exchange folders,
 * as such legacy systems do (no HTTP):
 *   export/     the system writes GESAMT_<ts>_<seq>.csv at start (and daily), then
 *               AENDERUNG_<ts>_<seq>.csv whenever household data change;
 *   import/     the engine drops WV_/EINGANG_/NEUANTRAG_<key>.csv; the system polls, processes
 *               each file, moves it to import/verarbeitet/ and writes
 *   quittung/   <file>.quittung with OK/FEHLER per line.
 * Files appear only complete (written under a temporary dot-name, then renamed). Delays and
 * faults (a malformed row, a truncated file, the wrong encoding, failing imports) are
 * configurable. The data live in a FachverfahrenStore, persisted as datenbank.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BusinessError, isBusinessError } from '../../errors';
import type { RunningSimulator, SimulatorContext, SimulatorSpec } from '../../simulator-registry';
import type { Logger } from '../../../platform/logger';
import type { AntragseingangAuftrag, Haushalt, Tag, Team } from '../port';
import { generiereLandkreis } from '../landkreis/generator';
import { FachverfahrenStore } from '../landkreis/store';
import { ausDeutsch, zuDeutsch } from '../landkreis/tage';
import { loadOpenProsozSimulatorConfig } from '../config';
import {
  ANTRAGSARTEN, BEREICH_CODE, BWZ_ART_CODE, EXPORT_DATEI, EXPORT_SPALTEN, IMPORT_ARTEN, IMPORT_DATEI, ORDNER,
  QUITTUNG_ENDUNG, QUITTUNG_SPALTEN, ROLLE_CODE, STATUS_CODE, csv, kodiereDatei, zeitstempel,
  type ExportSpalte, type ImportArt, type Kodierung,
} from './format';
import { dekodiere, leseCsv } from './lesen';

export type ExportStoerung = 'fehlerhafte-zeile' | 'abgeschnitten' | 'utf-8';

export interface OpenProsozSimulatorOptionen {
  /** Root of the exchange folders (export/, import/, quittung/) and of datenbank.json. */
  dir: string;
  /** Use this database (tests); otherwise load datenbank.json or generate a Landkreis. */
  store?: FachverfahrenStore;
  seed?: number;
  haushalte?: number;
  stichtag?: Tag;
  kodierung?: Kodierung;
  /** How often the system looks for import files (ms). */
  importPollMs?: number;
  /** Delay between a change and its AENDERUNG file (ms); changes in that window share one file. */
  exportVerzoegerungMs?: number;
  /** Interval of full exports (ms), default daily. */
  vollexportIntervallMs?: number;
  /** Share (0–1) of import lines answered FEHLER/SYSTEMFEHLER without effect. */
  fehlerquote?: number;
  /** Save datenbank.json after changes and on stop (default true unless a store is given). */
  persistieren?: boolean;
  log?: Logger;
}

export interface LaufenderOpenProsozSimulator extends RunningSimulator {
  store: FachverfahrenStore;
  folders: { export: string; import: string; verarbeitet: string; quittung: string };
  /** Writes a full export now; returns its file name. */
  vollexport(): string;
  /** Writes pending changes as an AENDERUNG file now; returns its name, or null if nothing changed. */
  exportiereAenderungen(): string | null;
  /** Processes the import folder now (as the poll does); returns the number of files processed. */
  verarbeiteImporte(): number;
  /** Stops picking up imports (e.g. a nightly batch window) until fortsetzen(). */
  pausieren(): void;
  fortsetzen(): void;
  /** Share (0–1) of import lines answered FEHLER/SYSTEMFEHLER from now on. */
  setzeFehlerquote(quote: number): void;
  /** The next export file is written with this fault. */
  stoereNaechstenExport(art: ExportStoerung): void;
  /** File and line of the last injected fault. */
  letzteStoerung(): { datei: string; zeile: number | null; art: ExportStoerung } | null;
}

const DATENBANK = 'datenbank.json';

function schreibeAtomar(dir: string, name: string, inhalt: Buffer): void {
  const tmp = path.join(dir, `.${name}.tmp`);
  fs.writeFileSync(tmp, inhalt);
  fs.renameSync(tmp, path.join(dir, name));
}

type ExportZeile = Partial<Record<ExportSpalte, string>>;

function zeile(z: ExportZeile): string[] {
  return EXPORT_SPALTEN.map((s) => z[s] ?? '');
}

function teamZeile(t: Team): string[] {
  return zeile({ Satzart: 'TEAM', 'Team-Nr': t.id, Teambezeichnung: t.name, Bereich: BEREICH_CODE[t.bereich], Standort: t.standort });
}

function haushaltsZeilen(h: Haushalt, out: string[][]): void {
  out.push(zeile({
    Satzart: 'BG', 'BG-Nummer': h.bgNummer, Status: h.aufgeloest ? STATUS_CODE.aufgeloest : STATUS_CODE.aktiv,
    Strasse: h.anschrift.strasse, Hausnummer: h.anschrift.hausnummer, PLZ: h.anschrift.plz, Ort: h.anschrift.ort, 'Team-Nr': h.team.id,
  }));
  for (const p of h.personen) {
    out.push(zeile({ Satzart: 'PERSON', 'BG-Nummer': h.bgNummer, Kundennummer: p.kundennummer, Rolle: ROLLE_CODE[p.rolle], Nachname: p.nachname, Vorname: p.vorname, Geburtsdatum: zuDeutsch(p.geburtsdatum) }));
  }
  for (const b of h.bewilligungszeitraeume) {
    out.push(zeile({ Satzart: 'BWZ', 'BG-Nummer': h.bgNummer, 'BWZ-Nr': b.id, 'BWZ-Beginn': zuDeutsch(b.beginn), 'BWZ-Ende': zuDeutsch(b.ende), 'BWZ-Art': BWZ_ART_CODE[b.art] }));
  }
}

export async function starteOpenProsozSimulator(opts: OpenProsozSimulatorOptionen): Promise<LaufenderOpenProsozSimulator> {
  const kodierung = opts.kodierung ?? 'windows-1252';
  const folders = {
    export: path.join(opts.dir, ORDNER.export),
    import: path.join(opts.dir, ORDNER.import),
    verarbeitet: path.join(opts.dir, ORDNER.verarbeitet),
    quittung: path.join(opts.dir, ORDNER.quittung),
  };
  for (const d of Object.values(folders)) fs.mkdirSync(d, { recursive: true });
  const log = opts.log;
  const dbFile = path.join(opts.dir, DATENBANK);
  const persistieren = opts.persistieren ?? !opts.store;

  let store = opts.store;
  if (!store) {
    const seed = opts.seed ?? 1;
    const haushalte = opts.haushalte ?? 2000;
    const geladen = FachverfahrenStore.ausDatei(dbFile);
    if (geladen && geladen.herkunft?.seed === seed && geladen.herkunft.haushalte === haushalte) store = geladen;
    else {
      store = new FachverfahrenStore(generiereLandkreis({ seed, haushalte, stichtag: opts.stichtag }));
      store.herkunft = { seed, haushalte };
      if (persistieren) store.speichern(dbFile);
    }
  }
  const db = store;

  let seq = 0;
  for (const name of fs.readdirSync(folders.export)) {
    const m = EXPORT_DATEI.exec(name);
    if (m) seq = Math.max(seq, Number(m[3]));
  }

  let stoerung: ExportStoerung | null = null;
  let letzteStoerung: { datei: string; zeile: number | null; art: ExportStoerung } | null = null;
  const offen = new Set<string>();
  let aenderungsTimer: NodeJS.Timeout | undefined;
  let pausiert = false;
  let fehlerquote = opts.fehlerquote ?? 0;
  let gestoppt = false;

  function schreibeExport(art: 'GESAMT' | 'AENDERUNG', haushalte: Haushalt[]): string {
    const zeilen: string[][] = db.teamListe().map(teamZeile);
    for (const h of haushalte) haushaltsZeilen(h, zeilen);
    zeilen.push(zeile({ Satzart: 'ENDE', Satzanzahl: String(zeilen.length) }));
    let text = csv(EXPORT_SPALTEN, zeilen);
    const name = `${art}_${zeitstempel()}_${String(++seq).padStart(6, '0')}.csv`;
    let enc = kodierung;
    const fehler = stoerung;
    stoerung = null;
    if (fehler === 'fehlerhafte-zeile') {
      const lines = text.split('\r\n');
      const z = Math.min(lines.length - 2, db.teamListe().length + 1); // the first household line (line numbers start at 1)
      lines[z] = `${lines[z]};ueberzaehlig`;
      text = lines.join('\r\n');
      letzteStoerung = { datei: name, zeile: z + 1, art: fehler };
    } else if (fehler === 'utf-8') {
      enc = 'utf-8';
      letzteStoerung = { datei: name, zeile: null, art: fehler };
    }
    let buf = kodiereDatei(text, enc);
    if (fehler === 'abgeschnitten') {
      buf = buf.subarray(0, Math.floor(buf.length * 0.6));
      letzteStoerung = { datei: name, zeile: null, art: fehler };
    }
    schreibeAtomar(folders.export, name, buf);
    log?.debug({ datei: name, haushalte: haushalte.length }, 'export written');
    return name;
  }

  function vollexport(): string {
    offen.clear();
    const name = schreibeExport('GESAMT', db.alleHaushalte());
    // Keep the previous generation (full export + its changes) for readers still on it; drop older ones.
    const gesamt = fs.readdirSync(folders.export).map((n) => EXPORT_DATEI.exec(n)).filter((m): m is RegExpExecArray => m !== null);
    const vorige = gesamt.filter((m) => m[1] === 'GESAMT').map((m) => Number(m[3])).sort((a, b) => b - a)[1];
    if (vorige !== undefined) for (const m of gesamt) if (Number(m[3]) < vorige) fs.rmSync(path.join(folders.export, m[0]), { force: true });
    return name;
  }

  function exportiereAenderungen(): string | null {
    clearTimeout(aenderungsTimer);
    aenderungsTimer = undefined;
    if (offen.size === 0) return null;
    const haushalte = [...offen].sort().map((bg) => db.findeHaushalt({ bgNummer: bg })).filter((h): h is Haushalt => h !== null);
    offen.clear();
    return schreibeExport('AENDERUNG', haushalte);
  }

  const abmelden = db.beiAenderung((bgNummern) => {
    for (const bg of bgNummern) offen.add(bg);
    if (gestoppt || aenderungsTimer) return;
    aenderungsTimer = setTimeout(() => {
      try {
        exportiereAenderungen();
      } catch (err) {
        log?.error({ err }, 'change export failed');
      }
    }, opts.exportVerzoegerungMs ?? 1000);
    aenderungsTimer.unref();
  });

  function quittiere(name: string, zeilen: string[][]): void {
    schreibeAtomar(folders.quittung, `${name}${QUITTUNG_ENDUNG}`, kodiereDatei(csv(QUITTUNG_SPALTEN, zeilen), kodierung));
  }

  function verarbeiteZeile(art: ImportArt, wert: (spalte: string) => string): { vorgang: string; bg: string; kunde: string } {
    const datum = (s: string) => ausDeutsch(wert(s)) ?? wert(s);
    switch (art) {
      case 'WV': {
        const prio = wert('Prioritaet').toUpperCase();
        if (prio !== 'NORMAL' && prio !== 'HOCH') throw new BusinessError('UNGUELTIGER_AUFTRAG', 'Ungültige Priorität.');
        const r = db.erstelleWiedervorlage({
          referenz: wert('Referenz'), bgNummer: wert('BG-Nummer'), betreff: wert('Betreff'), faelligAm: datum('Faellig am'),
          prioritaet: prio === 'HOCH' ? 'hoch' : 'normal', teamId: wert('Team-Nr') || undefined,
        });
        return { vorgang: r.wiedervorlageId, bg: wert('BG-Nummer'), kunde: '' };
      }
      case 'EINGANG': {
        const antragsart = wert('Antragsart').toUpperCase() as AntragseingangAuftrag['art'];
        if (!ANTRAGSARTEN.includes(antragsart)) throw new BusinessError('UNGUELTIGER_AUFTRAG', 'Unbekannte Antragsart.');
        const r = db.erfasseAntragseingang({ referenz: wert('Referenz'), bgNummer: wert('BG-Nummer'), art: antragsart, eingangsdatum: datum('Eingangsdatum') });
        return { vorgang: r.eingangId, bg: wert('BG-Nummer'), kunde: '' };
      }
      case 'NEUANTRAG': {
        const r = db.legeNeuantragAn({
          referenz: wert('Referenz'),
          antragsteller: { nachname: wert('Nachname'), vorname: wert('Vorname'), geburtsdatum: datum('Geburtsdatum') },
          anschrift: { strasse: wert('Strasse'), hausnummer: wert('Hausnummer'), plz: wert('PLZ'), ort: wert('Ort') },
          antragsdatum: datum('Antragsdatum'),
        });
        return { vorgang: r.bgNummer, bg: r.bgNummer, kunde: r.kundennummer };
      }
    }
  }

  /** Processes one import file; returns its acknowledgement (written by the caller after the round is committed), null if it vanished. */
  function verarbeiteDatei(name: string): { quittung: string[][]; geaendert: boolean } | null {
    const m = IMPORT_DATEI.exec(name)!;
    const art = m[1] as ImportArt;
    const datei = path.join(folders.import, name);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(datei);
    } catch {
      return null; // taken away meanwhile
    }
    const quittung: string[][] = [];
    let geaendert = false;
    try {
      const inhalt = leseCsv(dekodiere(buf, kodierung, name), name, IMPORT_ARTEN[art]);
      for (let i = 0; i < inhalt.zeilen.length; i++) {
        const werte = inhalt.zeilen[i]!;
        const zeilenNr = inhalt.zeileVon(i);
        const wert = (s: string) => (werte[inhalt.spalte.get(s) ?? -1] ?? '').trim();
        const referenz = wert('Referenz');
        if (fehlerquote > 0 && Math.random() < fehlerquote) {
          quittung.push([String(zeilenNr), referenz, 'FEHLER', 'SYSTEMFEHLER', 'Verarbeitung abgebrochen, bitte erneut einreichen.', '', '', '']);
          continue;
        }
        try {
          const r = verarbeiteZeile(art, wert);
          geaendert = true;
          quittung.push([String(zeilenNr), referenz, 'OK', '', 'Verarbeitet.', r.vorgang, r.bg, r.kunde]);
        } catch (err) {
          if (isBusinessError(err)) quittung.push([String(zeilenNr), referenz, 'FEHLER', err.code, err.message, '', '', '']);
          else {
            log?.error({ err, datei: name }, 'import line failed');
            quittung.push([String(zeilenNr), referenz, 'FEHLER', 'SYSTEMFEHLER', 'Interner Fehler bei der Verarbeitung.', '', '', '']);
          }
        }
      }
    } catch (err) {
      quittung.push(['0', '', 'FEHLER', 'DATEI_UNLESBAR', (err as Error).message, '', '', '']);
    }
    return { quittung, geaendert };
  }

  /**
   * One import round: every file in the import folder processed in name order, the database committed
   * once for the round, the changes exported, then each file acknowledged and moved to `verarbeitet`
   * (a reader of a Quittung finds the change committed and exported, as with the real system's batch run).
   */
  function verarbeiteImporte(): number {
    if (gestoppt) return 0;
    const fertig: { name: string; quittung: string[][] }[] = [];
    let geaendert = false;
    for (const name of fs.readdirSync(folders.import).sort()) {
      if (!IMPORT_DATEI.test(name)) continue;
      try {
        const r = verarbeiteDatei(name);
        if (!r) continue;
        geaendert ||= r.geaendert;
        fertig.push({ name, quittung: r.quittung });
      } catch (err) {
        log?.error({ err, datei: name }, 'import failed');
      }
    }
    if (fertig.length === 0) return 0;
    if (geaendert && persistieren) db.speichern(dbFile);
    exportiereAenderungen();
    for (const { name, quittung } of fertig) {
      try {
        quittiere(name, quittung);
        fs.renameSync(path.join(folders.import, name), path.join(folders.verarbeitet, name));
      } catch (err) {
        log?.error({ err, datei: name }, 'import acknowledgement failed');
      }
    }
    return fertig.length;
  }

  const importTimer = setInterval(() => {
    if (!pausiert) verarbeiteImporte();
  }, opts.importPollMs ?? 2000);
  importTimer.unref();
  const vollTimer = setInterval(() => {
    try {
      vollexport();
    } catch (err) {
      log?.error({ err }, 'full export failed');
    }
  }, opts.vollexportIntervallMs ?? 24 * 3600 * 1000);
  vollTimer.unref();

  vollexport();
  log?.info({ dir: opts.dir, haushalte: db.anzahlHaushalte }, 'OPEN/PROSOZ simulator ready');

  return {
    store: db,
    folders,
    vollexport,
    exportiereAenderungen,
    verarbeiteImporte,
    pausieren: () => {
      pausiert = true;
    },
    fortsetzen: () => {
      pausiert = false;
    },
    setzeFehlerquote: (quote) => {
      fehlerquote = quote;
    },
    stoereNaechstenExport: (art) => {
      stoerung = art;
    },
    letzteStoerung: () => letzteStoerung,
    async stop() {
      if (gestoppt) return;
      clearInterval(importTimer);
      clearInterval(vollTimer);
      exportiereAenderungen();
      gestoppt = true;
      abmelden();
      if (persistieren) db.speichern(dbFile);
    },
  };
}

/** Registered by the lead in SIMULATORS: starts with `npm start` under data/sim/open-prosoz. */
export const openProsozSimulator: SimulatorSpec = {
  id: 'open-prosoz',
  name: 'Fachverfahren OPEN/PROSOZ (Dateischnittstelle)',
  portOffset: 0,
  async start(ctx: SimulatorContext): Promise<RunningSimulator> {
    const cfg = loadOpenProsozSimulatorConfig(process.env);
    return starteOpenProsozSimulator({
      dir: ctx.dir,
      seed: ctx.seed,
      haushalte: ctx.households,
      kodierung: cfg.kodierung,
      importPollMs: cfg.importPollMs,
      exportVerzoegerungMs: cfg.exportVerzoegerungMs,
      vollexportIntervallMs: cfg.vollexportIntervallMs,
      fehlerquote: cfg.fehlerquote,
      log: ctx.log,
    });
  },
};
