/**
 * XDOMEA 3.x messages of the Abgabe (README: "XDOMEA"):
 * - `Abgabe.Abgabe.0401` (engine → DMS): Kopf (NkAbgabeType) and one Schriftgutobjekt
 *   Akte → (Vorgang →) Dokument with its primary file, as in xdomea-Nachrichten-AbgabeDurchfuehren.xsd
 *   and xdomea-Baukasten.xsd 3.0.0/3.1.0 (element names and order follow the schema);
 * - `Abgabe.ImportBestaetigen.0402` (DMS → engine): one AbgegebenesObjekt (IDSGO, Erfolgreich,
 *   Fehlermeldung, FehlermeldungCode) per imported object.
 * What XDOMEA has no element for (BG-Nummer, MIME type, checksum) travels in
 * AnwendungsspezifischeErweiterung (Kennung urn:aktenlauf:eakte:sgb2:1), as the standard intends.
 */
import type { Ablagemetadaten } from '../port';
import { AKTENLAUF_EAKTE_NS, uuidV5 } from '../shared/files';
import { attribut, el, gruppe, kind, kinder, parseUntrustedXml, serialisiere, text, XmlAblehnung, type XmlElement, type XmlKnoten } from '../shared/xml';

export const NACHRICHT_0401 = 'Abgabe.Abgabe.0401';
export const NACHRICHT_0402 = 'Abgabe.ImportBestaetigen.0402';
export const XDOMEA_NS_RE = /^urn:xoev-de:xdomea:schema:3\.\d+\.\d+$/;
export const NACHRICHTENTYP_LISTE = { listURI: 'urn:xoev-de:xdomea:codeliste:nachrichtentyp', listVersionID: '2.0' };
export const DATEIFORMAT_LISTE = { listURI: 'urn:xoev-de:xdomea:codeliste:dateiformat', listVersionID: '1.0' };
/** Site-specific code list of the reasons in FehlermeldungCode (shared/ablehnung.ts). */
export const FEHLERCODE_LISTE = { listURI: 'urn:aktenlauf:eakte:fehlercode', listVersionID: '1' };
export const ERWEITERUNG_KENNUNG = 'urn:aktenlauf:eakte:sgb2:1';
export const MAX_NACHRICHT_BYTES = 10 * 1024 * 1024;

const X = (name: string) => `xdomea:${name}`;

/** File name of a message inside the exchange folder: `{ProzessID}_{Nachrichtenname}.zip|.xml`. */
export function nachrichtDateiname(prozessId: string, nachricht: string, endung: 'zip' | 'xml'): string {
  return `${prozessId}_${nachricht}.${endung}`;
}

/** Deterministic ids, so a retry of the same filing sends the same message. */
export function prozessIdFuer(dokumentId: string): string {
  return uuidV5(AKTENLAUF_EAKTE_NS, `abgabe:${dokumentId.toLowerCase()}`);
}
export function aktenIdFuer(bgNummer: string): string {
  return uuidV5(AKTENLAUF_EAKTE_NS, `akte:${bgNummer}`);
}
export function vorgangIdFuer(bgNummer: string, vorgang: string): string {
  return uuidV5(AKTENLAUF_EAKTE_NS, `vorgang:${bgNummer}:${vorgang}`);
}

/**
 * Format/Name code. Simplified: the file extension is used as the code; the real code list
 * (urn:xoev-de:xdomea:codeliste:dateiformat) has numeric codes a site maps here.
 */
export function dateiformatCode(endung: string): string {
  return endung.toLowerCase();
}

/** Format/Version: the PDF version from the file header, else "unbekannt". */
export function formatVersion(inhalt: Buffer): string {
  const m = /^%PDF-(\d\.\d)/.exec(inhalt.subarray(0, 16).toString('latin1'));
  return m?.[1] ?? 'unbekannt';
}

function kopf(o: { prozessId: string; nachrichtentyp: string; erstellt: Date; absender: string; empfaenger: string; system?: string }, nachKopf: XmlKnoten[]): XmlKnoten {
  return gruppe(X('Kopf'), [
    el(X('ProzessID'), o.prozessId),
    gruppe(X('Nachrichtentyp'), [el('code', o.nachrichtentyp)], NACHRICHTENTYP_LISTE),
    el(X('Erstellungszeitpunkt'), o.erstellt.toISOString().replace(/\.\d{3}Z$/, 'Z')),
    gruppe(X('Absender'), [gruppe(X('Institution'), [el(X('Name'), o.absender)])]),
    gruppe(X('Empfaenger'), [gruppe(X('Institution'), [el(X('Name'), o.empfaenger)])]),
    gruppe(X('SendendesSystem'), o.system ? [el(X('Produktname'), o.system)] : [el(X('Produktname'), 'Aktenlauf'), el(X('Version'), '0.1.0')]),
    ...nachKopf,
  ]);
}

function erweiterung(felder: Array<[string, string | undefined]>): XmlKnoten {
  return gruppe(X('AnwendungsspezifischeErweiterung'), [
    el(X('Kennung'), ERWEITERUNG_KENNUNG),
    el(X('Name'), 'Aktenlauf SGB II'),
    ...felder.filter((f): f is [string, string] => f[1] !== undefined).map(([n, v]) => gruppe(X('Feld'), [el(X('Name'), n), el(X('Wert'), v)])),
  ]);
}

export interface Abgabe0401Eingabe {
  version: string;
  prozessId: string;
  erstellt: Date;
  absender: string;
  empfaenger: string;
  dokument: { dokumentId: string; originalname: string; primaerDateiname: string; endung: string; mimeType: string; inhalt: Buffer; sha256: string };
  metadaten: Ablagemetadaten;
  /** Day the Akte/Vorgang Laufzeit begins with (the document's Belegdatum). */
  belegdatum: string;
}

export function abgabe0401Xml(e: Abgabe0401Eingabe): string {
  const m = e.metadaten;
  const d = e.dokument;
  const aktenplan = (k: string | undefined) => (k ? gruppe(X('Aktenplaneinheit'), [el(X('Kennzeichen'), k)]) : null);
  const dokument = gruppe(X('Dokument'), [
    gruppe(X('Identifikation'), [el(X('ID'), d.dokumentId)]),
    gruppe(X('AllgemeineMetadaten'), [el(X('Betreff'), m.betreff), aktenplan(m.kennzeichen)]),
    el(X('Posteingangsdatum'), m.posteingangsdatum),
    el(X('Postausgangsdatum'), m.postausgangsdatum),
    el(X('Typ'), m.dokumentart),
    gruppe(X('Version'), [
      el(X('Nummer'), '1'),
      gruppe(X('Format'), [
        gruppe(X('Name'), [el('code', dateiformatCode(d.endung))], DATEIFORMAT_LISTE),
        el(X('Version'), formatVersion(d.inhalt)),
        gruppe(X('Primaerdokument'), [el(X('Dateiname'), d.primaerDateiname), el(X('DateinameOriginal'), d.originalname)]),
      ]),
    ]),
    erweiterung([['MimeType', d.mimeType], ['SHA256', d.sha256], ['Groesse', String(d.inhalt.length)]]),
  ]);
  const laufzeit = gruppe(X('Laufzeit'), [el(X('Beginn'), e.belegdatum)]);
  const inhalt = m.vorgang
    ? gruppe(X('Akteninhalt'), [
        gruppe(X('Vorgang'), [
          gruppe(X('Identifikation'), [el(X('ID'), vorgangIdFuer(m.bgNummer, m.vorgang))]),
          gruppe(X('AllgemeineMetadaten'), [el(X('Betreff'), m.vorgang)]),
          laufzeit,
          dokument,
        ]),
      ])
    : gruppe(X('Akteninhalt'), [dokument]);
  const akte = gruppe(X('Akte'), [
    gruppe(X('Identifikation'), [el(X('ID'), aktenIdFuer(m.bgNummer))]),
    gruppe(X('AllgemeineMetadaten'), [el(X('Betreff'), `Bedarfsgemeinschaft ${m.bgNummer}`), el(X('Kennzeichen'), m.aktenzeichen), aktenplan(m.kennzeichen)]),
    el(X('Typ'), 'Leistungsakte SGB II'),
    laufzeit,
    inhalt,
    erweiterung([['BGNummer', m.bgNummer]]),
  ]);
  return serialisiere(
    gruppe(X(NACHRICHT_0401), [
      kopf({ prozessId: e.prozessId, nachrichtentyp: '0401', erstellt: e.erstellt, absender: e.absender, empfaenger: e.empfaenger }, [
        el(X('Importbestaetigung'), true) as XmlKnoten,
        el(X('Empfangsbestaetigung'), false) as XmlKnoten,
      ]),
      gruppe(X('Schriftgutobjekt'), [akte]),
    ], { 'xmlns:xdomea': `urn:xoev-de:xdomea:schema:${e.version}` }),
  );
}

// ------------------------------------------------------------------ reading 0401 (DMS side)

export interface AbgegebenesDokument {
  id?: string;
  betreff?: string;
  typ?: string;
  kennzeichen?: string;
  posteingangsdatum?: string;
  postausgangsdatum?: string;
  primaerDateiname?: string;
  originalname?: string;
  mimeType?: string;
  sha256?: string;
  groesse?: string;
  akte: { id?: string; bgNummer?: string; aktenzeichen?: string; kennzeichenAkte?: string };
  vorgang?: { id?: string; betreff?: string };
}

export interface Abgabe0401 {
  namespace?: string;
  prozessId?: string;
  nachrichtentyp?: string;
  dokumente: AbgegebenesDokument[];
  /** Schriftgutobjekte (Vorgang, Dokument) without an enclosing Akte. */
  ohneAkte: number;
}

function feld(erw: XmlElement[], name: string): string | undefined {
  for (const e of erw) for (const f of kinder(e, 'Feld')) if (text(f, 'Name') === name) return text(f, 'Wert');
  return undefined;
}

function leseDokument(d: XmlElement, akte: AbgegebenesDokument['akte'], vorgang?: AbgegebenesDokument['vorgang']): AbgegebenesDokument {
  const versionen = kinder(d, 'Version');
  const version = versionen.reduce<XmlElement | undefined>((best, v) => (!best || Number(text(v, 'Nummer') ?? 0) >= Number(text(best, 'Nummer') ?? 0) ? v : best), undefined);
  const format = kinder(version, 'Format').find((f) => kind(f, 'Primaerdokument')) ?? kind(version, 'Format');
  const prim = kind(format, 'Primaerdokument');
  const erw = kinder(d, 'AnwendungsspezifischeErweiterung');
  return {
    id: text(d, 'Identifikation', 'ID'),
    betreff: text(d, 'AllgemeineMetadaten', 'Betreff'),
    typ: text(d, 'Typ'),
    kennzeichen: text(d, 'AllgemeineMetadaten', 'Aktenplaneinheit', 'Kennzeichen'),
    posteingangsdatum: text(d, 'Posteingangsdatum'),
    postausgangsdatum: text(d, 'Postausgangsdatum'),
    primaerDateiname: text(prim, 'Dateiname'),
    originalname: text(prim, 'DateinameOriginal'),
    mimeType: feld(erw, 'MimeType'),
    sha256: feld(erw, 'SHA256'),
    groesse: feld(erw, 'Groesse'),
    akte,
    vorgang,
  };
}

function leseVorgang(v: XmlElement, akte: AbgegebenesDokument['akte'], out: AbgegebenesDokument[]): void {
  const vg = { id: text(v, 'Identifikation', 'ID'), betreff: text(v, 'AllgemeineMetadaten', 'Betreff') };
  for (const d of kinder(v, 'Dokument')) out.push(leseDokument(d, akte, vg));
  for (const t of kinder(v, 'Teilvorgang')) leseVorgang(t, akte, out);
}

function leseAkte(a: XmlElement, out: AbgegebenesDokument[], aussen?: AbgegebenesDokument['akte']): void {
  const erw = kinder(a, 'AnwendungsspezifischeErweiterung');
  const akte = aussen ?? {
    id: text(a, 'Identifikation', 'ID'),
    bgNummer: feld(erw, 'BGNummer'),
    aktenzeichen: text(a, 'AllgemeineMetadaten', 'Kennzeichen'),
    kennzeichenAkte: text(a, 'AllgemeineMetadaten', 'Aktenplaneinheit', 'Kennzeichen'),
  };
  const inhalt = kind(a, 'Akteninhalt');
  for (const d of kinder(inhalt, 'Dokument')) out.push(leseDokument(d, akte));
  for (const v of kinder(inhalt, 'Vorgang')) leseVorgang(v, akte, out);
  for (const t of kinder(inhalt, 'Teilakte')) leseAkte(t, out, akte);
}

/** Parses a 0401 message (untrusted). Throws XmlAblehnung. */
export function lese0401(bytes: Uint8Array): Abgabe0401 {
  const x = parseUntrustedXml(bytes, MAX_NACHRICHT_BYTES);
  if (x.rootName !== NACHRICHT_0401) throw new XmlAblehnung('XML_UNGUELTIG', `Die Nachricht ist keine ${NACHRICHT_0401}.`);
  const k = kind(x.root, 'Kopf');
  const dokumente: AbgegebenesDokument[] = [];
  let ohneAkte = 0;
  for (const s of kinder(x.root, 'Schriftgutobjekt')) {
    for (const a of kinder(s, 'Akte')) leseAkte(a, dokumente);
    ohneAkte += kinder(s, 'Vorgang').length + kinder(s, 'Dokument').length;
  }
  return { namespace: x.rootNamespace, prozessId: text(k, 'ProzessID'), nachrichtentyp: text(k, 'Nachrichtentyp', 'code'), dokumente, ohneAkte };
}

// ------------------------------------------------------------------ 0402 receipt

export interface AbgegebenesObjekt {
  idsgo: string;
  erfolgreich: boolean;
  fehlermeldung?: string;
  fehlercode?: string;
}

export function importBestaetigung0402Xml(o: { version: string; prozessId: string; erstellt: Date; absender: string; empfaenger: string; system?: string; objekte: AbgegebenesObjekt[] }): string {
  return serialisiere(
    gruppe(X(NACHRICHT_0402), [
      kopf({ prozessId: o.prozessId, nachrichtentyp: '0402', erstellt: o.erstellt, absender: o.absender, empfaenger: o.empfaenger, system: o.system ?? 'DMS' }, []),
      ...o.objekte.map((a) =>
        gruppe(X('AbgegebenesObjekt'), [
          el(X('IDSGO'), a.idsgo),
          el(X('Erfolgreich'), a.erfolgreich),
          el(X('Fehlermeldung'), a.fehlermeldung),
          a.fehlercode ? gruppe(X('FehlermeldungCode'), [el('code', a.fehlercode)], FEHLERCODE_LISTE) : null,
        ]),
      ),
    ], { 'xmlns:xdomea': `urn:xoev-de:xdomea:schema:${o.version}` }),
  );
}

export interface Bestaetigung0402 {
  prozessId?: string;
  objekte: AbgegebenesObjekt[];
}

/** Parses a 0402 receipt written by the DMS. Throws XmlAblehnung. */
export function lese0402(bytes: Uint8Array): Bestaetigung0402 {
  const x = parseUntrustedXml(bytes, MAX_NACHRICHT_BYTES);
  if (x.rootName !== NACHRICHT_0402) throw new XmlAblehnung('XML_UNGUELTIG', `Die Quittung ist keine ${NACHRICHT_0402}.`);
  const objekte: AbgegebenesObjekt[] = [];
  for (const a of kinder(x.root, 'AbgegebenesObjekt')) {
    const idsgo = text(a, 'IDSGO');
    const erf = text(a, 'Erfolgreich');
    if (!idsgo || (erf !== '1' && erf !== '0' && erf !== 'true' && erf !== 'false')) {
      throw new XmlAblehnung('XML_UNGUELTIG', 'Die Quittung enthält ein unvollständiges AbgegebenesObjekt.');
    }
    const meldungen = kinder(a, 'Fehlermeldung').map((f) => text(f)).filter((t): t is string => Boolean(t));
    const codeEl = kind(a, 'FehlermeldungCode');
    objekte.push({ idsgo: idsgo.toLowerCase(), erfolgreich: erf === '1' || erf === 'true', fehlermeldung: meldungen.join(' ') || undefined, fehlercode: text(codeEl, 'code') ?? attribut(codeEl, 'code') });
  }
  if (objekte.length === 0) throw new XmlAblehnung('XML_UNGUELTIG', 'Die Quittung enthält kein AbgegebenesObjekt.');
  return { prozessId: text(kind(x.root, 'Kopf'), 'ProzessID'), objekte };
}
