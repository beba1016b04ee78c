/**
 * The hot folder's file formats (README: "Hot-Folder"): the index file (Ablageauftrag) the
 * engine writes next to each document, and the result file (Importergebnis) the DMS writes
 * back. Both XML, UTF-8, namespace urn:aktenlauf:eakte:hotfolder:1.
 */
import type { Ablagemetadaten } from '../port';
import { el, gruppe, kind, parseUntrustedXml, serialisiere, text, XmlAblehnung } from '../shared/xml';
import { fehlerartVon, type Fehlerart } from '../shared/ablehnung';

export const HOTFOLDER_NS = 'urn:aktenlauf:eakte:hotfolder:1';
export const INDEX_ENDUNG = '.index.xml';
export const ERGEBNIS_OK = '.ok.xml';
export const ERGEBNIS_FEHLER = '.fehler.xml';
export const MAX_INDEX_BYTES = 1024 * 1024;

export interface Ablageauftrag {
  dokumentId: string;
  datei: { name: string; originalname: string; mimeType: string; groesse?: number; sha256?: string };
  metadaten: Ablagemetadaten;
}

export function indexXml(a: Ablageauftrag): string {
  const m = a.metadaten;
  return serialisiere(
    gruppe('Ablageauftrag', [
      el('DokumentId', a.dokumentId),
      gruppe('Datei', [
        el('Name', a.datei.name),
        el('Originalname', a.datei.originalname),
        el('MimeType', a.datei.mimeType),
        el('Groesse', a.datei.groesse),
        el('SHA256', a.datei.sha256),
      ]),
      gruppe('Metadaten', [
        el('BGNummer', m.bgNummer),
        el('Aktenzeichen', m.aktenzeichen),
        el('Betreff', m.betreff),
        el('Dokumentart', m.dokumentart),
        el('Kennzeichen', m.kennzeichen),
        el('Posteingangsdatum', m.posteingangsdatum),
        el('Postausgangsdatum', m.postausgangsdatum),
        el('Vorgang', m.vorgang),
      ]),
    ], { xmlns: HOTFOLDER_NS, version: '1' }),
  );
}

/** Raw fields of an index file; the DMS validates them (simulator/dms.ts). */
export interface IndexRoh {
  dokumentId?: string;
  datei: { name?: string; originalname?: string; mimeType?: string; groesse?: string; sha256?: string };
  metadaten: { [K in keyof Ablagemetadaten]?: string };
}

/** Parses an index file from the hot folder. Throws XmlAblehnung for unsafe or malformed XML. */
export function leseIndex(bytes: Uint8Array): IndexRoh {
  const x = parseUntrustedXml(bytes, MAX_INDEX_BYTES);
  if (x.rootName !== 'Ablageauftrag') throw new XmlAblehnung('XML_UNGUELTIG', 'Die Indexdatei hat nicht das Wurzelelement „Ablageauftrag“.');
  const d = kind(x.root, 'Datei');
  const m = kind(x.root, 'Metadaten');
  return {
    dokumentId: text(x.root, 'DokumentId'),
    datei: { name: text(d, 'Name'), originalname: text(d, 'Originalname'), mimeType: text(d, 'MimeType'), groesse: text(d, 'Groesse'), sha256: text(d, 'SHA256') },
    metadaten: {
      bgNummer: text(m, 'BGNummer'),
      aktenzeichen: text(m, 'Aktenzeichen'),
      betreff: text(m, 'Betreff'),
      dokumentart: text(m, 'Dokumentart'),
      kennzeichen: text(m, 'Kennzeichen'),
      posteingangsdatum: text(m, 'Posteingangsdatum'),
      postausgangsdatum: text(m, 'Postausgangsdatum'),
      vorgang: text(m, 'Vorgang'),
    },
  };
}

export type Importergebnis =
  | { status: 'OK'; dokumentId: string; objektId: string; ablageort: string; bereitsVorhanden: boolean; zeitpunkt: string }
  | { status: 'FEHLER'; dokumentId?: string; art: Fehlerart; code: string; grund: string; zeitpunkt: string };

export function ergebnisXml(e: Importergebnis): string {
  return serialisiere(
    gruppe('Importergebnis', [
      el('DokumentId', e.dokumentId),
      el('Status', e.status),
      el('Zeitpunkt', e.zeitpunkt),
      ...(e.status === 'OK'
        ? [el('ObjektId', e.objektId), el('Ablageort', e.ablageort), el('BereitsVorhanden', e.bereitsVorhanden ? 'true' : 'false')]
        : [gruppe('Fehler', [el('Art', e.art), el('Code', e.code), el('Grund', e.grund)])]),
    ], { xmlns: HOTFOLDER_NS, version: '1' }),
  );
}

/** Parses a result file written by the DMS. Throws XmlAblehnung when it cannot be read. */
export function leseErgebnis(bytes: Uint8Array): Importergebnis {
  const x = parseUntrustedXml(bytes, MAX_INDEX_BYTES);
  if (x.rootName !== 'Importergebnis') throw new XmlAblehnung('XML_UNGUELTIG', 'Die Ergebnisdatei hat nicht das Wurzelelement „Importergebnis“.');
  const status = text(x.root, 'Status');
  const zeitpunkt = text(x.root, 'Zeitpunkt') ?? '';
  const dokumentId = text(x.root, 'DokumentId');
  if (status === 'OK') {
    const objektId = text(x.root, 'ObjektId');
    if (!dokumentId || !objektId) throw new XmlAblehnung('XML_UNGUELTIG', 'Die Ergebnisdatei meldet Erfolg ohne Dokument- oder Objekt-ID.');
    return { status, dokumentId, objektId, ablageort: text(x.root, 'Ablageort') ?? objektId, bereitsVorhanden: text(x.root, 'BereitsVorhanden') === 'true', zeitpunkt };
  }
  if (status === 'FEHLER') {
    const f = kind(x.root, 'Fehler');
    const art = text(f, 'Art');
    const code = text(f, 'Code') ?? 'UNBEKANNT';
    return {
      status,
      dokumentId,
      art: art === 'technisch' || art === 'fachlich' ? art : fehlerartVon(code),
      code,
      grund: text(f, 'Grund') ?? '',
      zeitpunkt,
    };
  }
  throw new XmlAblehnung('XML_UNGUELTIG', 'Die Ergebnisdatei hat keinen gültigen Status.');
}
