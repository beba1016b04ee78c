/**
 * The simulated DMS's hot folder importer, as enaio-like systems work: it triggers on index
 * files (`*.index.xml`), reads the document file the index names, files it, writes a result
 * (`<id>.ok.xml` / `<id>.fehler.xml`) and moves the pair to `verarbeitet/` or `fehler/`.
 * An index whose file does not arrive within the grace time, and a file whose index does not
 * arrive within the grace time, are refused. Files starting with "." are temp files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ABLEHNUNGSGRUENDE, fehlerartVon, type AblehnungsCode } from '../shared/ablehnung';
import { istSichererDateiname, istUuid, schreibeAtomar } from '../shared/files';
import { XmlAblehnung } from '../shared/xml';
import { ERGEBNIS_FEHLER, ERGEBNIS_OK, ergebnisXml, INDEX_ENDUNG, leseIndex, type IndexRoh } from '../hotfolder/format';
import { Ablehnung } from './dms';
import { Erstsichtung, Fehlerzaehler, verschiebe, type ImportKontext } from './import-kontext';

export interface HotfolderOrdner {
  eingang: string;
  ergebnis: string;
  verarbeitet: string;
  fehler: string;
}

const basisname = (n: string) => (n.includes('.') ? n.slice(0, n.indexOf('.')) : n);

export class HotfolderImporter {
  readonly #sicht = new Erstsichtung();
  readonly #fehler = new Fehlerzaehler();

  constructor(private readonly o: HotfolderOrdner, private readonly k: ImportKontext) {}

  async durchlauf(): Promise<void> {
    const namen = (await fs.promises.readdir(this.o.eingang)).filter((n) => !n.startsWith('.'));
    const jetzt = Date.now();
    this.#sicht.aktualisiere(namen, jetzt);
    const { importVerzoegerungMs, karenzMs } = this.k.einstellungen();
    const indexe = namen.filter((n) => n.endsWith(INDEX_ENDUNG));
    const verbraucht = new Set<string>();
    for (const idx of indexe) {
      if (this.#sicht.alter(idx, jetzt) < importVerzoegerungMs) continue;
      try {
        const genutzt = await this.#verarbeite(idx, this.#sicht.alter(idx, jetzt) >= karenzMs);
        if (genutzt) verbraucht.add(genutzt);
        this.#fehler.vergiss(idx);
      } catch (err) {
        this.k.log.error({ err, kanal: 'hotfolder' }, 'E-Akte-Simulator: unerwarteter Fehler beim Import');
        if (this.#fehler.zaehle(idx) >= 3) await this.#ablehnen(idx.slice(0, -INDEX_ENDUNG.length), undefined, new Ablehnung('DMS_INTERN'), [idx]);
      }
    }
    // Document files without an index after the grace time.
    const basen = new Set(indexe.map((n) => basisname(n)));
    for (const n of namen) {
      if (n.endsWith(INDEX_ENDUNG) || verbraucht.has(n) || basen.has(basisname(n))) continue;
      if (this.#sicht.alter(n, jetzt) < karenzMs) continue;
      const b = basisname(n);
      await this.#ablehnen(b, istUuid(b) ? b.toLowerCase() : undefined, new Ablehnung('INDEX_FEHLT'), [n]);
    }
  }

  /** Processes one index; returns the name of the document file it consumed, if any. */
  async #verarbeite(idx: string, karenzAbgelaufen: boolean): Promise<string | undefined> {
    const basis = idx.slice(0, -INDEX_ENDUNG.length);
    const idxPfad = path.join(this.o.eingang, idx);
    const st = await fs.promises.lstat(idxPfad);
    if (!st.isFile()) {
      await this.#ablehnen(basis, undefined, new Ablehnung('DATEINAME_UNZULAESSIG', 'Die Indexdatei ist keine reguläre Datei.'), [idx]);
      return undefined;
    }
    let roh: IndexRoh;
    try {
      roh = leseIndex(await fs.promises.readFile(idxPfad));
    } catch (err) {
      if (!(err instanceof XmlAblehnung)) throw err;
      await this.#ablehnen(basis, undefined, new Ablehnung(err.code as AblehnungsCode, err.message), [idx]);
      return undefined;
    }
    const id = roh.dokumentId && istUuid(roh.dokumentId) ? roh.dokumentId.toLowerCase() : undefined;
    const dateiName = roh.datei.name;
    if (!id) {
      await this.#ablehnen(basis, undefined, new Ablehnung('DOKUMENT_ID_UNGUELTIG'), [idx]);
      return undefined;
    }
    if (!dateiName) {
      await this.#ablehnen(basis, id, new Ablehnung('METADATEN_UNVOLLSTAENDIG', 'Die Indexdatei nennt keine Dokumentdatei.'), [idx]);
      return undefined;
    }
    // Path tricks: only a plain file name inside the hot folder is accepted.
    if (!istSichererDateiname(dateiName) || path.dirname(path.resolve(this.o.eingang, dateiName)) !== path.resolve(this.o.eingang)) {
      await this.#ablehnen(basis, id, new Ablehnung('DATEINAME_UNZULAESSIG'), [idx]);
      return undefined;
    }
    const dateiPfad = path.join(this.o.eingang, dateiName);
    let dst: fs.Stats;
    try {
      dst = await fs.promises.lstat(dateiPfad);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (!karenzAbgelaufen) return undefined; // the file may still be on its way
      await this.#ablehnen(basis, id, new Ablehnung('DATEI_FEHLT'), [idx]);
      return undefined;
    }
    if (!dst.isFile()) {
      await this.#ablehnen(basis, id, new Ablehnung('DATEINAME_UNZULAESSIG', 'Die Dokumentdatei ist keine reguläre Datei (z. B. ein Link).'), [idx, dateiName]);
      return dateiName;
    }
    if (dst.size > this.k.maxDokumentBytes) {
      await this.#ablehnen(basis, id, new Ablehnung('DATEI_ZU_GROSS', `Die Dokumentdatei ist größer als erlaubt (${this.k.maxDokumentBytes} Bytes).`), [idx, dateiName]);
      return dateiName;
    }
    if (this.k.technischerFehlerFaellig()) {
      await this.#ablehnen(basis, id, new Ablehnung('DMS_INTERN'), [idx, dateiName]);
      return dateiName;
    }
    try {
      const r = await this.k.dms.importiere({
        quelle: 'hotfolder',
        dokumentId: id,
        inhalt: await fs.promises.readFile(dateiPfad),
        dateiname: roh.datei.originalname ?? dateiName,
        mimeType: roh.datei.mimeType,
        erwartet: { groesse: roh.datei.groesse, sha256: roh.datei.sha256 },
        metadaten: roh.metadaten,
      });
      const d = r.dokument;
      await schreibeAtomar(
        path.join(this.o.ergebnis, `${id}${ERGEBNIS_OK}`),
        ergebnisXml({ status: 'OK', dokumentId: id, objektId: d.objektId, ablageort: d.ablageort, bereitsVorhanden: r.bereitsVorhanden, zeitpunkt: new Date().toISOString() }),
      );
      for (const n of [idx, dateiName]) await verschiebe(path.join(this.o.eingang, n), this.o.verarbeitet);
      this.k.protokolliere({ kanal: 'hotfolder', dokumentId: id, ergebnis: r.bereitsVorhanden ? 'bereits vorhanden' : 'abgelegt' });
    } catch (err) {
      if (!(err instanceof Ablehnung)) throw err;
      await this.#ablehnen(basis, id, err, [idx, dateiName]);
    }
    return dateiName;
  }

  async #ablehnen(ergebnisName: string, id: string | undefined, a: Ablehnung, dateien: string[]): Promise<void> {
    const code = a.code;
    await schreibeAtomar(
      path.join(this.o.ergebnis, `${ergebnisName}${ERGEBNIS_FEHLER}`),
      ergebnisXml({ status: 'FEHLER', dokumentId: id, art: fehlerartVon(code), code, grund: a.grund || ABLEHNUNGSGRUENDE[code], zeitpunkt: new Date().toISOString() }),
    );
    // The refused pair goes away as a whole: named files and files sharing the index's base name.
    const basis = basisname(ergebnisName);
    const partner = (await fs.promises.readdir(this.o.eingang)).filter((n) => !n.startsWith('.') && basisname(n) === basis);
    for (const n of new Set([...dateien, ...partner])) await verschiebe(path.join(this.o.eingang, n), this.o.fehler);
    this.k.protokolliere({ kanal: 'hotfolder', dokumentId: id, ergebnis: 'abgelehnt', code, grund: a.grund });
    this.k.log.info({ kanal: 'hotfolder', dokumentId: id, code }, 'E-Akte-Simulator: Import abgelehnt');
  }
}
