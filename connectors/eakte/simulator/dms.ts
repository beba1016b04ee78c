/**
 * The simulated DMS's holdings: Akte (one per BG-Nummer) → Vorgang → Dokument with metadata,
 * kept as a JSON snapshot (written atomically: temp file, fsync, rename) plus one content file
 * per document under <dir>/dms/. Both import channels (hot folder, XDOMEA) go through
 * `importiere`, which validates like a DMS would and dedupes by dokumentId.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { normalizeBgNummer } from '../../../domain/identifiers';
import { berlinDate } from '../../../domain/zeit';
import { belegdatum, DOKUMENTARTEN, type Ablagemetadaten, type DokumentInfo, type DokumentSuche } from '../port';
import { ABLEHNUNGSGRUENDE, fehlerartVon, type AblehnungsCode, type Fehlerart } from '../shared/ablehnung';
import { istTag } from '../shared/basis';
import { istUuid, schreibeAtomar, sha256 } from '../shared/files';

/** A refusal by the DMS: code, kind and a plain German reason (no personal data). */
export class Ablehnung extends Error {
  override name = 'Ablehnung';
  readonly art: Fehlerart;
  constructor(public readonly code: AblehnungsCode, public readonly grund: string = ABLEHNUNGSGRUENDE[code]) {
    super(grund);
    this.art = fehlerartVon(code);
  }
}

export interface DmsAkte {
  id: string;
  bgNummer: string;
  aktenzeichen?: string;
  angelegtAm: string;
}

export interface DmsVorgang {
  id: string;
  aktenId: string;
  name: string;
  angelegtAm: string;
}

export interface DmsDokument {
  dokumentId: string;
  objektId: string;
  aktenId: string;
  vorgangId: string;
  ablageort: string;
  dateiname: string;
  mimeType: string;
  groesse: number;
  sha256: string;
  abgelegtAm: string;
  quelle: 'hotfolder' | 'xdomea';
  metadaten: Ablagemetadaten;
}

interface Bestand {
  version: 1;
  naechsteNr: number;
  akten: DmsAkte[];
  vorgaenge: DmsVorgang[];
  dokumente: DmsDokument[];
}

/** What an import channel read from its files; raw strings, validated here. */
export interface ImportEingabe {
  quelle: DmsDokument['quelle'];
  dokumentId?: string;
  inhalt: Buffer;
  dateiname?: string;
  mimeType?: string;
  erwartet?: { groesse?: string; sha256?: string };
  metadaten: { [K in keyof Ablagemetadaten]?: string };
}

export const MAX_SUCHTREFFER = 1000;

const MAX_TEXT = 500;

export class Dms {
  readonly #datei: string;
  readonly #inhalte: string;
  readonly #maxDokumentBytes: number;
  #nr = 1;
  readonly #akten = new Map<string, DmsAkte>(); // by BG-Nummer
  readonly #vorgaenge = new Map<string, DmsVorgang>(); // by id
  readonly #dokumente = new Map<string, DmsDokument>(); // by dokumentId
  #kette: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, maxDokumentBytes: number) {
    this.#datei = path.join(dir, 'bestand.json');
    this.#inhalte = path.join(dir, 'inhalte');
    this.#maxDokumentBytes = maxDokumentBytes;
  }

  static async oeffne(dir: string, maxDokumentBytes: number): Promise<Dms> {
    const dms = new Dms(dir, maxDokumentBytes);
    await fs.promises.mkdir(dms.#inhalte, { recursive: true });
    let roh: string | undefined;
    try {
      roh = await fs.promises.readFile(dms.#datei, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (roh !== undefined) {
      let b: Bestand;
      try {
        b = JSON.parse(roh) as Bestand;
      } catch {
        throw new Error(`E-Akte-Simulator: ${dms.#datei} ist beschädigt (kein JSON); Datei prüfen oder entfernen.`);
      }
      dms.#nr = b.naechsteNr;
      for (const a of b.akten) dms.#akten.set(a.bgNummer, a);
      for (const v of b.vorgaenge) dms.#vorgaenge.set(v.id, v);
      for (const d of b.dokumente) dms.#dokumente.set(d.dokumentId, d);
    }
    return dms;
  }

  get anzahlDokumente(): number {
    return this.#dokumente.size;
  }

  async #speichere(): Promise<void> {
    const b: Bestand = { version: 1, naechsteNr: this.#nr, akten: [...this.#akten.values()], vorgaenge: [...this.#vorgaenge.values()], dokumente: [...this.#dokumente.values()] };
    await schreibeAtomar(this.#datei, JSON.stringify(b));
  }

  /** Validates and files one document; dedupes by dokumentId. Throws Ablehnung. */
  importiere(e: ImportEingabe): Promise<{ dokument: DmsDokument; bereitsVorhanden: boolean }> {
    const run = this.#kette.then(() => this.#importiere(e));
    this.#kette = run.catch(() => undefined);
    return run;
  }

  async #importiere(e: ImportEingabe): Promise<{ dokument: DmsDokument; bereitsVorhanden: boolean }> {
    const id = e.dokumentId?.toLowerCase();
    if (!id || !istUuid(id)) throw new Ablehnung('DOKUMENT_ID_UNGUELTIG');
    const vorhanden = this.#dokumente.get(id);
    if (vorhanden) return { dokument: vorhanden, bereitsVorhanden: true };

    if (e.inhalt.length === 0) throw new Ablehnung('DATEI_LEER');
    if (e.inhalt.length > this.#maxDokumentBytes) throw new Ablehnung('DATEI_ZU_GROSS', `Die Dokumentdatei ist größer als erlaubt (${this.#maxDokumentBytes} Bytes).`);
    const hash = sha256(e.inhalt);
    if ((e.erwartet?.groesse !== undefined && e.erwartet.groesse !== String(e.inhalt.length)) || (e.erwartet?.sha256 !== undefined && e.erwartet.sha256.toLowerCase() !== hash)) {
      throw new Ablehnung('DATEI_BESCHAEDIGT');
    }
    const m = e.metadaten;
    if (!m.bgNummer) throw new Ablehnung('METADATEN_UNVOLLSTAENDIG', 'Pflichtangabe fehlt: BG-Nummer.');
    const bg = normalizeBgNummer(m.bgNummer);
    if (!bg) throw new Ablehnung('BG_NUMMER_UNGUELTIG');
    if (!m.betreff) throw new Ablehnung('METADATEN_UNVOLLSTAENDIG', 'Pflichtangabe fehlt: Betreff.');
    if (!m.dokumentart) throw new Ablehnung('METADATEN_UNVOLLSTAENDIG', 'Pflichtangabe fehlt: Dokumentart.');
    if (!(DOKUMENTARTEN as readonly string[]).includes(m.dokumentart)) throw new Ablehnung('DOKUMENTART_UNBEKANNT');
    for (const [feld, wert] of [['Posteingangsdatum', m.posteingangsdatum], ['Postausgangsdatum', m.postausgangsdatum]] as const) {
      if (wert !== undefined && !istTag(wert)) throw new Ablehnung('METADATEN_UNGUELTIG', `Das ${feld} ist kein gültiges Datum (JJJJ-MM-TT).`);
    }
    for (const [feld, wert] of [['Betreff', m.betreff], ['Aktenzeichen', m.aktenzeichen], ['Kennzeichen', m.kennzeichen], ['Vorgang', m.vorgang], ['Dateiname', e.dateiname]] as const) {
      if (wert !== undefined && wert.length > MAX_TEXT) throw new Ablehnung('METADATEN_UNGUELTIG', `Die Angabe „${feld}“ ist länger als ${MAX_TEXT} Zeichen.`);
    }
    const mimeType = e.mimeType && /^[\w.+-]+\/[\w.+-]+$/.test(e.mimeType) ? e.mimeType : 'application/octet-stream';

    const jetzt = new Date().toISOString();
    let akte = this.#akten.get(bg);
    if (!akte) {
      akte = { id: randomUUID(), bgNummer: bg, aktenzeichen: m.aktenzeichen, angelegtAm: jetzt };
      this.#akten.set(bg, akte);
    }
    const vorgangName = m.vorgang ?? (m.posteingangsdatum ? 'Posteingang' : m.postausgangsdatum ? 'Postausgang' : 'Allgemein');
    let vorgang = [...this.#vorgaenge.values()].find((v) => v.aktenId === akte.id && v.name === vorgangName);
    if (!vorgang) {
      vorgang = { id: randomUUID(), aktenId: akte.id, name: vorgangName, angelegtAm: jetzt };
      this.#vorgaenge.set(vorgang.id, vorgang);
    }
    const objektId = `DMS-${String(this.#nr).padStart(7, '0')}`;
    const metadaten: Ablagemetadaten = { bgNummer: bg, betreff: m.betreff, dokumentart: m.dokumentart };
    if (m.aktenzeichen !== undefined) metadaten.aktenzeichen = m.aktenzeichen;
    if (m.kennzeichen !== undefined) metadaten.kennzeichen = m.kennzeichen;
    if (m.posteingangsdatum !== undefined) metadaten.posteingangsdatum = m.posteingangsdatum;
    if (m.postausgangsdatum !== undefined) metadaten.postausgangsdatum = m.postausgangsdatum;
    if (m.vorgang !== undefined) metadaten.vorgang = m.vorgang;
    const dokument: DmsDokument = {
      dokumentId: id,
      objektId,
      aktenId: akte.id,
      vorgangId: vorgang.id,
      ablageort: `dms:/akten/${akte.id}/vorgaenge/${vorgang.id}/dokumente/${objektId}`,
      // eslint-disable-next-line no-control-regex
      dateiname: (e.dateiname ?? `${objektId}`).replace(/[\u0000-\u001f\u007f]/g, ''),
      mimeType,
      groesse: e.inhalt.length,
      sha256: hash,
      abgelegtAm: jetzt,
      quelle: e.quelle,
      metadaten,
    };
    try {
      await schreibeAtomar(path.join(this.#inhalte, id), e.inhalt);
      this.#nr += 1;
      this.#dokumente.set(id, dokument);
      await this.#speichere();
    } catch (err) {
      this.#dokumente.delete(id);
      throw new Ablehnung('DMS_SPEICHER', `Die E-Akte konnte das Dokument nicht speichern (${(err as NodeJS.ErrnoException).code ?? 'Fehler'}).`);
    }
    return { dokument, bereitsVorhanden: false };
  }

  dokument(id: string): DmsDokument | undefined {
    return this.#dokumente.get(id.toLowerCase());
  }

  async inhalt(id: string): Promise<Buffer | undefined> {
    const d = this.dokument(id);
    if (!d) return undefined;
    return fs.promises.readFile(path.join(this.#inhalte, d.dokumentId));
  }

  suche(q: DokumentSuche): { dokumente: DmsDokument[]; weitere: boolean } {
    const bg = q.bgNummer !== undefined ? normalizeBgNummer(q.bgNummer) : undefined;
    if (bg === null) return { dokumente: [], weitere: false };
    const treffer = [...this.#dokumente.values()]
      .filter((d) => (bg ? d.metadaten.bgNummer === bg : true))
      .filter((d) => (q.dokumentart ? d.metadaten.dokumentart === q.dokumentart : true))
      .filter((d) => {
        const t = belegdatum(d, berlinDate);
        return (!q.von || t >= q.von) && (!q.bis || t <= q.bis);
      })
      .sort((a, b) => belegdatum(a, berlinDate).localeCompare(belegdatum(b, berlinDate)) || a.abgelegtAm.localeCompare(b.abgelegtAm));
    return { dokumente: treffer.slice(0, MAX_SUCHTREFFER), weitere: treffer.length > MAX_SUCHTREFFER };
  }

  akten(): Array<DmsAkte & { vorgaenge: number; dokumente: number; letzteAblage?: string }> {
    return [...this.#akten.values()]
      .map((a) => {
        const docs = [...this.#dokumente.values()].filter((d) => d.aktenId === a.id);
        return {
          ...a,
          vorgaenge: [...this.#vorgaenge.values()].filter((v) => v.aktenId === a.id).length,
          dokumente: docs.length,
          letzteAblage: docs.map((d) => d.abgelegtAm).sort().at(-1),
        };
      })
      .sort((x, y) => x.bgNummer.localeCompare(y.bgNummer));
  }

  akte(bgNummer: string): { akte: DmsAkte; vorgaenge: Array<DmsVorgang & { dokumente: DmsDokument[] }> } | undefined {
    const bg = normalizeBgNummer(bgNummer);
    const akte = bg ? this.#akten.get(bg) : undefined;
    if (!akte) return undefined;
    const vorgaenge = [...this.#vorgaenge.values()]
      .filter((v) => v.aktenId === akte.id)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((v) => ({
        ...v,
        dokumente: [...this.#dokumente.values()].filter((d) => d.vorgangId === v.id).sort((a, b) => a.abgelegtAm.localeCompare(b.abgelegtAm)),
      }));
    return { akte, vorgaenge };
  }
}

/** The read API's view of a document (port type DokumentInfo plus the DMS's own ids). */
export function alsInfo(d: DmsDokument): DokumentInfo & { objektId: string; aktenId: string; vorgangId: string } {
  return {
    dokumentId: d.dokumentId,
    ablageort: d.ablageort,
    dateiname: d.dateiname,
    mimeType: d.mimeType,
    groesse: d.groesse,
    sha256: d.sha256,
    abgelegtAm: d.abgelegtAm,
    metadaten: d.metadaten,
    objektId: d.objektId,
    aktenId: d.aktenId,
    vorgangId: d.vorgangId,
  };
}
