/**
 * E-Akte adapter for an XDOMEA 3.x import: per document one `Abgabe.Abgabe.0401` message as
 * a ZIP `{ProzessID}_Abgabe.Abgabe.0401.zip` (message XML + primary file) dropped atomically
 * into the DMS's import folder. The DMS answers with `Abgabe.ImportBestaetigen.0402`
 * (`{ProzessID}_Abgabe.ImportBestaetigen.0402.xml`, or the same name as .zip) in the receipt
 * folder. The ProzessID is derived from the document id, so every attempt for a document uses
 * the same names. find/get go through the read API.
 *
 * Outcome unknown (no receipt within EAKTE_ERGEBNIS_TIMEOUT_MS): TechnicalError; the ZIP stays
 * in the import folder. The next attempt asks the read API first, then looks for a receipt of
 * the earlier attempt, then for the ZIP still waiting — and writes again only when none of
 * these says the document is on its way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TechnicalError } from '../../errors';
import type { Logger } from '../../../platform/logger';
import { berlinDate } from '../../../domain/zeit';
import type { EAkteConfig } from '../config';
import type { AblageDokument, Ablageergebnis, Ablagemetadaten } from '../port';
import { ablehnungAlsFehler } from '../shared/ablehnung';
import { EAkteBasis, type EAkteDeps } from '../shared/basis';
import { endungFuer, existiert, schreibeAtomar, sha256, sleep } from '../shared/files';
import { OrdnerWaechter } from '../../ordner-waechter';
import { XmlAblehnung } from '../shared/xml';
import { leseZipSicher, schreibeZip, ZipAblehnung } from '../shared/zip';
import { abgabe0401Xml, lese0402, NACHRICHT_0401, NACHRICHT_0402, nachrichtDateiname, prozessIdFuer, type Bestaetigung0402 } from './message';

type Ausgang = { erfolgreich: true } | { erfolgreich: false; code: string; grund: string };

export class XdomeaEAkte extends EAkteBasis {
  readonly adapter = 'xdomea';
  protected readonly label = 'E-Akte (XDOMEA 0401)';

  constructor(cfg: EAkteConfig, log: Logger | undefined, deps: EAkteDeps = {}) {
    super(cfg, log, deps);
    this.#quittungen = new OrdnerWaechter(cfg.xdomea.quittungDir, cfg.pollMs);
  }

  protected ordner() {
    return [
      { name: 'XDOMEA Import', dir: this.cfg.xdomea.importDir },
      { name: 'XDOMEA Quittungen', dir: this.cfg.xdomea.quittungDir },
    ];
  }

  /** Receipts of all documents in flight, looked for with one directory read per poll. */
  readonly #quittungen: OrdnerWaechter;

  #pfade(dokumentId: string) {
    const prozessId = prozessIdFuer(dokumentId);
    return {
      prozessId,
      zip: path.join(this.cfg.xdomea.importDir, nachrichtDateiname(prozessId, NACHRICHT_0401, 'zip')),
      quittungen: [
        path.join(this.cfg.xdomea.quittungDir, nachrichtDateiname(prozessId, NACHRICHT_0402, 'xml')),
        path.join(this.cfg.xdomea.quittungDir, nachrichtDateiname(prozessId, NACHRICHT_0402, 'zip')),
      ],
    };
  }

  protected async aufraeumen(dokumentId: string): Promise<void> {
    await Promise.all(this.#pfade(dokumentId).quittungen.map((q) => fs.promises.rm(q, { force: true }))).catch(() => undefined);
  }

  protected async uebergeben(dokument: AblageDokument, metadaten: Ablagemetadaten): Promise<Ablageergebnis> {
    const id = dokument.dokumentId;
    const p = this.#pfade(id);

    // Order matters: first the ZIP still waiting, then a receipt nobody collected. The DMS
    // writes its receipt before it moves the ZIP away, so no state falls between the checks.
    if (await existiert(p.zip)) {
      this.log?.info({ dokumentId: id }, 'E-Akte: Abgabe eines früheren Versuchs liegt noch im Importordner; warte auf die Quittung');
    } else {
      const alt = await this.#vorhandeneQuittung(p.quittungen, id);
      if (alt?.ausgang.erfolgreich) return this.#erfolg(id, alt.pfad);
      if (alt && !alt.ausgang.erfolgreich) {
        await fs.promises.rm(alt.pfad, { force: true });
        // A business refusal of the earlier attempt stands; a technical one is retried by resending.
        const fehler = ablehnungAlsFehler(alt.ausgang.code, alt.ausgang.grund);
        if (fehler.name === 'BusinessError') throw fehler;
      }
      await this.#schreibeAbgabe(dokument, metadaten, p.prozessId, p.zip);
    }

    const gefunden = await this.#quittungen.warte(p.quittungen.map((q) => path.basename(q)), this.cfg.ergebnisTimeoutMs, () => this.geschlossen);
    if (!gefunden) {
      throw new TechnicalError(
        'EAKTE_ZEITUEBERSCHREITUNG',
        `Die E-Akte hat den Import nicht innerhalb von ${Math.round(this.cfg.ergebnisTimeoutMs / 1000)} s quittiert (0402). Die Abgabe liegt noch im Importordner; ein neuer Versuch prüft zuerst, ob sie angekommen ist.`,
      );
    }
    const ausgang = await this.#leseQuittung(gefunden, id);
    if (ausgang.erfolgreich) return this.#erfolg(id, gefunden);
    await fs.promises.rm(gefunden, { force: true });
    this.log?.warn({ dokumentId: id, code: ausgang.code }, 'E-Akte: XDOMEA-Import abgelehnt');
    throw ablehnungAlsFehler(ausgang.code, ausgang.grund);
  }

  async #vorhandeneQuittung(kandidaten: string[], id: string): Promise<{ pfad: string; ausgang: Ausgang } | null> {
    for (const k of kandidaten) if (await existiert(k)) return { pfad: k, ausgang: await this.#leseQuittung(k, id) };
    return null;
  }

  /** After a successful receipt the read API tells where the document is. */
  async #erfolg(id: string, quittung: string): Promise<Ablageergebnis> {
    const info = await this.api.dokument(id);
    if (!info) {
      throw new TechnicalError('EAKTE_NICHT_SICHTBAR', 'Die E-Akte hat den Import quittiert, das Dokument ist über die Lese-API aber noch nicht sichtbar.');
    }
    await fs.promises.rm(quittung, { force: true });
    return { dokumentId: id, ablageort: info.ablageort, neu: true };
  }

  async #schreibeAbgabe(dokument: AblageDokument, m: Ablagemetadaten, prozessId: string, ziel: string): Promise<void> {
    const id = dokument.dokumentId;
    const endung = endungFuer(dokument.mimeType, dokument.dateiname);
    const primaer = `${id}.${endung}`;
    const xml = abgabe0401Xml({
      version: this.cfg.xdomea.version,
      prozessId,
      erstellt: new Date(),
      absender: this.cfg.xdomea.absender,
      empfaenger: this.cfg.xdomea.empfaenger,
      dokument: { dokumentId: id, originalname: dokument.dateiname, primaerDateiname: primaer, endung, mimeType: dokument.mimeType, inhalt: dokument.inhalt, sha256: sha256(dokument.inhalt) },
      metadaten: m,
      belegdatum: m.posteingangsdatum ?? m.postausgangsdatum ?? berlinDate(new Date()),
    });
    const zip = schreibeZip([
      { name: nachrichtDateiname(prozessId, NACHRICHT_0401, 'xml'), daten: Buffer.from(xml, 'utf8') },
      { name: primaer, daten: dokument.inhalt },
    ]);
    try {
      await schreibeAtomar(ziel, zip);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'Fehler';
      throw new TechnicalError('EAKTE_UEBERGABE_FEHLGESCHLAGEN', `Die XDOMEA-Abgabe konnte nicht in den Importordner der E-Akte geschrieben werden (${code}).`, { cause: err });
    }
  }

  /** Reads a 0402 receipt (.xml, or .zip holding the .xml); the DMS gets a few polls to finish writing. */
  async #leseQuittung(datei: string, id: string): Promise<Ausgang> {
    for (let versuch = 0; ; versuch++) {
      try {
        const roh = await fs.promises.readFile(datei);
        let xml: Uint8Array = roh;
        if (datei.endsWith('.zip')) {
          const eintraege = leseZipSicher(roh, { maxEintraege: 10, maxGesamtBytes: 20 * 1024 * 1024, maxVerhaeltnis: 200 });
          const eintrag = [...eintraege.entries()].find(([n]) => n.endsWith(`${NACHRICHT_0402}.xml`));
          if (!eintrag) throw new XmlAblehnung('XML_UNGUELTIG', 'Die Quittung (ZIP) enthält keine 0402-Nachricht.');
          xml = eintrag[1];
        }
        return this.#auswerten(lese0402(xml), id);
      } catch (err) {
        const lesefehler = err instanceof XmlAblehnung || err instanceof ZipAblehnung || (err as NodeJS.ErrnoException).code !== undefined;
        if (!lesefehler) throw err;
        if (versuch >= 3) {
          throw new TechnicalError('EAKTE_QUITTUNG_UNLESBAR', `Die Quittung (0402) der E-Akte ist nicht lesbar: ${(err as Error).message}`, { cause: err });
        }
        await sleep(this.cfg.pollMs);
      }
    }
  }

  #auswerten(q: Bestaetigung0402, id: string): Ausgang {
    const eigenes = q.objekte.find((o) => o.idsgo === id.toLowerCase());
    const fehlschlag = eigenes && !eigenes.erfolgreich ? eigenes : q.objekte.find((o) => !o.erfolgreich);
    if (fehlschlag) return { erfolgreich: false, code: fehlschlag.fehlercode ?? 'IMPORT_ABGELEHNT', grund: fehlschlag.fehlermeldung ?? '' };
    return { erfolgreich: true };
  }
}
