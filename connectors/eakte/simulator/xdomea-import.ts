/**
 * The simulated DMS's XDOMEA import: takes `{ProzessID}_Abgabe.Abgabe.0401.zip` (also the short
 * form `{ProzessID}_0401.zip`) from the import folder, checks the archive (zip slip, bombs,
 * encryption, links), parses the 0401 message (UTF-8, no DOCTYPE), files every Dokument and
 * answers with `{ProzessID}_Abgabe.ImportBestaetigen.0402.xml` in the receipt folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { normalizeBgNummer } from '../../../domain/identifiers';
import { ABLEHNUNGSGRUENDE, type AblehnungsCode } from '../shared/ablehnung';
import { istSichererDateiname, istUuid, schreibeAtomar, UUID_RE } from '../shared/files';
import { XmlAblehnung } from '../shared/xml';
import { leseZipSicher, ZipAblehnung } from '../shared/zip';
import { importBestaetigung0402Xml, lese0401, NACHRICHT_0401, NACHRICHT_0402, nachrichtDateiname, XDOMEA_NS_RE, type AbgegebenesObjekt } from '../xdomea/message';
import { Ablehnung } from './dms';
import { Erstsichtung, Fehlerzaehler, verschiebe, type ImportKontext } from './import-kontext';

export interface XdomeaOrdner {
  import: string;
  quittung: string;
  verarbeitet: string;
  fehler: string;
}

const ZIP_NAME = new RegExp(`^(${UUID_RE.source.slice(1, -1)})_(Abgabe\\.Abgabe\\.0401|0401)\\.zip$`, 'i');

const MIME_NACH_ENDUNG: Record<string, string> = { pdf: 'application/pdf', tif: 'image/tiff', tiff: 'image/tiff', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', txt: 'text/plain', xml: 'application/xml' };

export class XdomeaImporter {
  readonly #sicht = new Erstsichtung();
  readonly #fehler = new Fehlerzaehler();

  constructor(
    private readonly o: XdomeaOrdner,
    private readonly k: ImportKontext,
    private readonly kopf: { version: string; absender: string; empfaenger: string },
    private readonly maxZipBytes: number,
  ) {}

  async durchlauf(): Promise<void> {
    const namen = (await fs.promises.readdir(this.o.import)).filter((n) => !n.startsWith('.'));
    const jetzt = Date.now();
    this.#sicht.aktualisiere(namen, jetzt);
    const { importVerzoegerungMs, karenzMs } = this.k.einstellungen();
    for (const n of namen) {
      const istZip = n.toLowerCase().endsWith('.zip');
      if (this.#sicht.alter(n, jetzt) < (istZip ? importVerzoegerungMs : karenzMs)) continue;
      try {
        await this.#verarbeite(n);
        this.#fehler.vergiss(n);
      } catch (err) {
        this.k.log.error({ err, kanal: 'xdomea' }, 'E-Akte-Simulator: unerwarteter Fehler beim XDOMEA-Import');
        if (this.#fehler.zaehle(n) >= 3) await verschiebe(path.join(this.o.import, n), this.o.fehler);
      }
    }
  }

  async #verarbeite(name: string): Promise<void> {
    const pfad = path.join(this.o.import, name);
    const m = ZIP_NAME.exec(name);
    const prozessId = m?.[1]?.toLowerCase() ?? (/^([0-9a-f-]{36})_/i.exec(name)?.[1]?.toLowerCase() || undefined);
    const allesAbgelehnt = async (a: Ablehnung) => {
      if (prozessId && istUuid(prozessId)) await this.#quittiere(prozessId, [{ idsgo: prozessId, erfolgreich: false, fehlermeldung: a.grund, fehlercode: a.code }]);
      await verschiebe(pfad, this.o.fehler);
      this.k.protokolliere({ kanal: 'xdomea', ergebnis: 'abgelehnt', code: a.code, grund: a.grund });
      this.k.log.info({ kanal: 'xdomea', code: a.code }, 'E-Akte-Simulator: XDOMEA-Abgabe abgelehnt');
    };
    if (!m || !prozessId) {
      await allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', `Der Dateiname entspricht nicht {ProzessID}_${NACHRICHT_0401}.zip.`));
      return;
    }
    const st = await fs.promises.lstat(pfad);
    if (!st.isFile()) return allesAbgelehnt(new Ablehnung('ZIP_UNGUELTIG', 'Die Abgabe ist keine reguläre Datei.'));
    if (st.size > this.maxZipBytes) return allesAbgelehnt(new Ablehnung('ZIP_ZU_GROSS', `Die ZIP-Datei ist größer als erlaubt (${this.maxZipBytes} Bytes).`));

    let eintraege: Map<string, Buffer>;
    try {
      eintraege = leseZipSicher(await fs.promises.readFile(pfad), this.k.zipGrenzen);
    } catch (err) {
      if (!(err instanceof ZipAblehnung)) throw err;
      return allesAbgelehnt(new Ablehnung(err.code, err.message));
    }
    const xmlNamen = [...eintraege.keys()].filter((n) => n.endsWith(`_${NACHRICHT_0401}.xml`));
    const xmlName = xmlNamen.length === 1 ? xmlNamen[0] : undefined;
    if (!xmlName) return allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', `Die ZIP-Datei enthält nicht genau eine Nachricht *_${NACHRICHT_0401}.xml.`));
    let abgabe: ReturnType<typeof lese0401>;
    try {
      abgabe = lese0401(eintraege.get(xmlName) as Buffer);
    } catch (err) {
      if (!(err instanceof XmlAblehnung)) throw err;
      return allesAbgelehnt(new Ablehnung(err.code as AblehnungsCode, err.message));
    }
    if (!abgabe.namespace || !XDOMEA_NS_RE.test(abgabe.namespace)) {
      return allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', 'Die Nachricht verwendet nicht den Namensraum von xdomea 3.x.'));
    }
    if (abgabe.prozessId?.toLowerCase() !== prozessId) return allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', 'Die ProzessID im Kopf stimmt nicht mit dem Dateinamen überein.'));
    if (abgabe.nachrichtentyp !== '0401') return allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', 'Der Nachrichtentyp im Kopf ist nicht 0401.'));
    if (abgabe.ohneAkte > 0) return allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', 'Vorgänge oder Dokumente ohne Akte können keiner Bedarfsgemeinschaft zugeordnet werden.'));
    if (abgabe.dokumente.length === 0) return allesAbgelehnt(new Ablehnung('NACHRICHT_UNGUELTIG', 'Die Abgabe enthält kein Dokument.'));

    const objekte: AbgegebenesObjekt[] = [];
    for (const d of abgabe.dokumente) {
      const idsgo = d.id && istUuid(d.id) ? d.id.toLowerCase() : prozessId;
      const fehler = (a: Ablehnung) => {
        objekte.push({ idsgo, erfolgreich: false, fehlermeldung: a.grund || ABLEHNUNGSGRUENDE[a.code], fehlercode: a.code });
        this.k.protokolliere({ kanal: 'xdomea', dokumentId: d.id, ergebnis: 'abgelehnt', code: a.code, grund: a.grund });
      };
      if (!d.primaerDateiname) {
        fehler(new Ablehnung('NACHRICHT_UNGUELTIG', 'Zum Dokument ist kein Primärdokument angegeben.'));
        continue;
      }
      if (!istSichererDateiname(d.primaerDateiname)) {
        fehler(new Ablehnung('DATEINAME_UNZULAESSIG'));
        continue;
      }
      const inhalt = eintraege.get(d.primaerDateiname);
      if (!inhalt) {
        fehler(new Ablehnung('NACHRICHT_UNGUELTIG', 'Das Primärdokument fehlt in der ZIP-Datei.'));
        continue;
      }
      if (this.k.technischerFehlerFaellig()) {
        fehler(new Ablehnung('DMS_INTERN'));
        continue;
      }
      const endung = path.extname(d.primaerDateiname).slice(1).toLowerCase();
      try {
        const r = await this.k.dms.importiere({
          quelle: 'xdomea',
          dokumentId: d.id,
          inhalt,
          dateiname: d.originalname ?? d.primaerDateiname,
          mimeType: d.mimeType ?? MIME_NACH_ENDUNG[endung],
          erwartet: { groesse: d.groesse, sha256: d.sha256 },
          metadaten: {
            bgNummer: d.akte.bgNummer ?? (d.akte.aktenzeichen && normalizeBgNummer(d.akte.aktenzeichen) ? d.akte.aktenzeichen : undefined),
            aktenzeichen: d.akte.aktenzeichen,
            betreff: d.betreff,
            dokumentart: d.typ,
            kennzeichen: d.kennzeichen,
            posteingangsdatum: d.posteingangsdatum,
            postausgangsdatum: d.postausgangsdatum,
            vorgang: d.vorgang?.betreff,
          },
        });
        objekte.push({ idsgo, erfolgreich: true });
        this.k.protokolliere({ kanal: 'xdomea', dokumentId: r.dokument.dokumentId, ergebnis: r.bereitsVorhanden ? 'bereits vorhanden' : 'abgelegt' });
      } catch (err) {
        if (!(err instanceof Ablehnung)) throw err;
        fehler(err);
      }
    }
    await this.#quittiere(prozessId, objekte);
    await verschiebe(pfad, objekte.some((o) => o.erfolgreich) ? this.o.verarbeitet : this.o.fehler);
  }

  async #quittiere(prozessId: string, objekte: AbgegebenesObjekt[]): Promise<void> {
    const xml = importBestaetigung0402Xml({ version: this.kopf.version, prozessId, erstellt: new Date(), absender: this.kopf.absender, empfaenger: this.kopf.empfaenger, system: 'E-Akte-Simulator', objekte });
    await schreibeAtomar(path.join(this.o.quittung, nachrichtDateiname(prozessId, NACHRICHT_0402, 'xml')), xml);
  }
}
