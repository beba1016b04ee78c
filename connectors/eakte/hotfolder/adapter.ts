/**
 * E-Akte adapter for a DMS hot folder, as enaio-like systems import: per document the file
 * `<dokumentId>.<ext>` plus an index file `<dokumentId>.index.xml` (format.ts) in the import
 * folder, both written atomically (temp name + rename), the index last because importers
 * trigger on it. The DMS moves processed pairs away and writes `<dokumentId>.ok.xml` or
 * `<dokumentId>.fehler.xml` into the result folder. find/get go through the read API.
 *
 * Outcome unknown (no result within EAKTE_ERGEBNIS_TIMEOUT_MS): TechnicalError; the pair stays
 * in the import folder. The next attempt asks the read API first, then looks for a result of
 * the earlier attempt, then for the pair still waiting in the import folder — and writes again
 * only when none of these says the document is on its way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TechnicalError } from '../../errors';
import type { Logger } from '../../../platform/logger';
import type { EAkteConfig } from '../config';
import type { AblageDokument, Ablageergebnis, Ablagemetadaten } from '../port';
import { ablehnungAlsFehler } from '../shared/ablehnung';
import { EAkteBasis, type EAkteDeps } from '../shared/basis';
import { endungFuer, existiert, schreibeAtomar, sha256, sleep } from '../shared/files';
import { OrdnerWaechter } from '../../ordner-waechter';
import { XmlAblehnung } from '../shared/xml';
import { ERGEBNIS_FEHLER, ERGEBNIS_OK, INDEX_ENDUNG, indexXml, leseErgebnis, type Importergebnis } from './format';

export class HotfolderEAkte extends EAkteBasis {
  readonly adapter = 'hotfolder';
  protected readonly label = 'E-Akte (Hot-Folder)';

  /** Results of all documents in flight, looked for with one directory read per poll. */
  readonly #ergebnisse: OrdnerWaechter;

  constructor(cfg: EAkteConfig, log: Logger | undefined, deps: EAkteDeps = {}) {
    super(cfg, log, deps);
    this.#ergebnisse = new OrdnerWaechter(cfg.hotfolder.ergebnisDir, cfg.pollMs);
  }

  protected ordner() {
    return [
      { name: 'Hot-Folder Eingang', dir: this.cfg.hotfolder.eingangDir },
      { name: 'Hot-Folder Ergebnisse', dir: this.cfg.hotfolder.ergebnisDir },
    ];
  }

  #pfade(id: string) {
    return {
      index: path.join(this.cfg.hotfolder.eingangDir, `${id}${INDEX_ENDUNG}`),
      ok: path.join(this.cfg.hotfolder.ergebnisDir, `${id}${ERGEBNIS_OK}`),
      fehler: path.join(this.cfg.hotfolder.ergebnisDir, `${id}${ERGEBNIS_FEHLER}`),
    };
  }

  protected async aufraeumen(id: string): Promise<void> {
    const p = this.#pfade(id);
    await Promise.all([fs.promises.rm(p.ok, { force: true }), fs.promises.rm(p.fehler, { force: true })]).catch(() => undefined);
  }

  protected async uebergeben(dokument: AblageDokument, metadaten: Ablagemetadaten): Promise<Ablageergebnis> {
    const id = dokument.dokumentId;
    const p = this.#pfade(id);

    // Order matters: first the pair still waiting, then a result nobody collected. The DMS
    // writes its result before it moves the pair away, so no state falls between the checks.
    if (await existiert(p.index)) {
      this.log?.info({ dokumentId: id }, 'E-Akte: Übergabe eines früheren Versuchs liegt noch im Hot-Folder; warte auf das Ergebnis');
    } else if (await existiert(p.ok)) {
      return this.#auswerten(p.ok, id);
    } else {
      if (await existiert(p.fehler)) {
        const frueher = await this.#lese(p.fehler, id);
        if (frueher.status === 'FEHLER' && frueher.art === 'fachlich') return this.#auswerten(p.fehler, id);
        await fs.promises.rm(p.fehler, { force: true });
      }
      await this.#schreibePaar(dokument, metadaten);
    }

    const gefunden = await this.#ergebnisse.warte([path.basename(p.ok), path.basename(p.fehler)], this.cfg.ergebnisTimeoutMs, () => this.geschlossen);
    if (!gefunden) {
      throw new TechnicalError(
        'EAKTE_ZEITUEBERSCHREITUNG',
        `Die E-Akte hat den Import nicht innerhalb von ${Math.round(this.cfg.ergebnisTimeoutMs / 1000)} s bestätigt. Das Dokument liegt noch im Hot-Folder; ein neuer Versuch prüft zuerst, ob es angekommen ist.`,
      );
    }
    return this.#auswerten(gefunden, id);
  }

  async #schreibePaar(dokument: AblageDokument, metadaten: Ablagemetadaten): Promise<void> {
    const id = dokument.dokumentId;
    const dateiName = `${id}.${endungFuer(dokument.mimeType, dokument.dateiname)}`;
    const index = indexXml({
      dokumentId: id,
      datei: { name: dateiName, originalname: dokument.dateiname, mimeType: dokument.mimeType, groesse: dokument.inhalt.length, sha256: sha256(dokument.inhalt) },
      metadaten,
    });
    try {
      await schreibeAtomar(path.join(this.cfg.hotfolder.eingangDir, dateiName), dokument.inhalt);
      // The index last: the DMS importer triggers on it.
      await schreibeAtomar(path.join(this.cfg.hotfolder.eingangDir, `${id}${INDEX_ENDUNG}`), index);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'Fehler';
      throw new TechnicalError('EAKTE_UEBERGABE_FEHLGESCHLAGEN', `Das Dokument konnte nicht in den Hot-Folder der E-Akte geschrieben werden (${code}).`, { cause: err });
    }
  }

  /** Reads a result file; a DMS that writes non-atomically gets a few polls to finish it. */
  async #lese(datei: string, id: string): Promise<Importergebnis> {
    for (let versuch = 0; ; versuch++) {
      try {
        const e = leseErgebnis(await fs.promises.readFile(datei));
        if (e.dokumentId !== undefined && e.dokumentId.toLowerCase() !== id) {
          throw new TechnicalError('EAKTE_ERGEBNIS_UNLESBAR', 'Die Ergebnisdatei der E-Akte gehört zu einem anderen Dokument.');
        }
        return e;
      } catch (err) {
        if (!(err instanceof XmlAblehnung) && (err as NodeJS.ErrnoException).code === undefined) throw err;
        if (versuch >= 3) {
          throw new TechnicalError('EAKTE_ERGEBNIS_UNLESBAR', `Die Ergebnisdatei der E-Akte ist nicht lesbar: ${(err as Error).message}`, { cause: err });
        }
        await sleep(this.cfg.pollMs);
      }
    }
  }

  async #auswerten(datei: string, id: string): Promise<Ablageergebnis> {
    const e = await this.#lese(datei, id);
    await fs.promises.rm(datei, { force: true });
    if (e.status === 'OK') return { dokumentId: id, ablageort: e.ablageort, neu: !e.bereitsVorhanden };
    this.log?.warn({ dokumentId: id, code: e.code, art: e.art }, 'E-Akte: Import abgelehnt');
    throw ablehnungAlsFehler(e.code, e.grund, e.art);
  }
}
