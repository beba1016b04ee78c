/**
 * The drop-folder format (LVIN/Connex-Cube style) — one definition shared by the adapter and
 * the simulator, documented in ../README.md:
 *
 *   einlieferung/<batchId>/<briefId>.pdf      the letters
 *   einlieferung/<batchId>/manifest.xml       Druckauftrag: batch id, counts, pages, SHA-256
 *   einlieferung/<batchId>.ready              marker, written last: the batch is complete
 *   status/<batchId>.status.xml               Druckstatus from the centre, replaced at each step
 *
 * XML, UTF-8. Input from the centre is untrusted: documents with a DOCTYPE are refused and no
 * entities are expanded (only the five predefined XML entities and character references are
 * decoded).
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { DruckStatus, Versandart } from '../port';

export const MANIFEST_DATEI = 'manifest.xml';
export const READY_ENDUNG = '.ready';
export const STATUS_ENDUNG = '.status.xml';
export const FORMAT_VERSION = '1.0';

export interface ManifestBrief {
  briefId: string;
  datei: string;
  seiten: number;
  versandart: Versandart;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  auftragsId: string;
  erstellt: string;
  anzahlBriefe: number;
  anzahlSeiten: number;
  briefe: ManifestBrief[];
}

export interface StatusdateiBrief {
  briefId: string;
  status: DruckStatus;
  fehlercode?: string;
  grund?: string;
  postausgangsdatum?: string;
}

export interface Statusdatei {
  auftragsId: string;
  zentrumsauftrag: string;
  sequenz: number;
  zeitpunkt: string;
  status: DruckStatus;
  fehlercode?: string;
  grund?: string;
  briefe: StatusdateiBrief[];
}

export class FormatFehler extends Error {
  override name = 'FormatFehler';
}

const STATUS_CODES: Record<DruckStatus, string> = {
  angenommen: 'ANGENOMMEN',
  in_verarbeitung: 'IN_VERARBEITUNG',
  im_druckzentrum: 'IM_DRUCKZENTRUM',
  an_post_uebergeben: 'AN_POST_UEBERGEBEN',
  fehler: 'FEHLER',
};
const STATUS_AUS_CODE = new Map(Object.entries(STATUS_CODES).map(([k, v]) => [v, k as DruckStatus]));

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, indentBy: '  ', suppressEmptyNode: true });

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  ignoreDeclaration: true,
  trimValues: true,
  isArray: (name) => name === 'Brief',
});

function decode(s: string): string {
  return s
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function xml(root: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(root) as string}`;
}

function parse(text: string, root: string): Record<string, unknown> {
  if (/<!DOCTYPE/i.test(text)) throw new FormatFehler('DOCTYPE ist nicht erlaubt');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new FormatFehler(`kein wohlgeformtes XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = doc[root];
  if (!r || typeof r !== 'object') throw new FormatFehler(`Wurzelelement <${root}> fehlt`);
  return r as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, pflicht: true): string;
function str(o: Record<string, unknown>, key: string, pflicht?: false): string | undefined;
function str(o: Record<string, unknown>, key: string, pflicht = false): string | undefined {
  const v = o[key];
  if (v === undefined || v === '') {
    if (pflicht) throw new FormatFehler(`<${key}> fehlt`);
    return undefined;
  }
  if (typeof v !== 'string') throw new FormatFehler(`<${key}> hat keinen Textinhalt`);
  return decode(v);
}

function int(o: Record<string, unknown>, key: string): number {
  const s = str(o, key, true);
  if (!/^\d{1,9}$/.test(s)) throw new FormatFehler(`<${key}> ist keine Zahl`);
  return Number(s);
}

function liste(o: Record<string, unknown>): Record<string, unknown>[] {
  const container = o.Briefe;
  if (container === undefined || container === '') return [];
  if (typeof container !== 'object' || container === null) throw new FormatFehler('<Briefe> ist ungültig');
  const b = (container as Record<string, unknown>).Brief;
  if (b === undefined) return [];
  if (!Array.isArray(b)) throw new FormatFehler('<Brief> ist ungültig');
  return b.map((x) => {
    if (!x || typeof x !== 'object') throw new FormatFehler('<Brief> ist leer');
    return x as Record<string, unknown>;
  });
}

export function baueManifest(m: Manifest): string {
  return xml({
    Druckauftrag: {
      '@Version': FORMAT_VERSION,
      AuftragsId: m.auftragsId,
      Erstellt: m.erstellt,
      AnzahlBriefe: m.anzahlBriefe,
      AnzahlSeiten: m.anzahlSeiten,
      Briefe: {
        Brief: m.briefe.map((b) => ({
          BriefId: b.briefId,
          Datei: b.datei,
          Seiten: b.seiten,
          Versandart: b.versandart === 'einschreiben' ? 'EINSCHREIBEN' : 'STANDARD',
          Bytes: b.bytes,
          SHA256: b.sha256,
        })),
      },
    },
  });
}

export function leseManifest(text: string): Manifest {
  const r = parse(text, 'Druckauftrag');
  const briefe = liste(r).map((b) => {
    const versandart = str(b, 'Versandart') ?? 'STANDARD';
    if (versandart !== 'STANDARD' && versandart !== 'EINSCHREIBEN') throw new FormatFehler('<Versandart> ist ungültig');
    const sha = str(b, 'SHA256', true).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new FormatFehler('<SHA256> ist keine SHA-256-Prüfsumme');
    return {
      briefId: str(b, 'BriefId', true),
      datei: str(b, 'Datei', true),
      seiten: int(b, 'Seiten'),
      versandart: (versandart === 'EINSCHREIBEN' ? 'einschreiben' : 'standard') as Versandart,
      bytes: int(b, 'Bytes'),
      sha256: sha,
    };
  });
  return {
    auftragsId: str(r, 'AuftragsId', true),
    erstellt: str(r, 'Erstellt', true),
    anzahlBriefe: int(r, 'AnzahlBriefe'),
    anzahlSeiten: int(r, 'AnzahlSeiten'),
    briefe,
  };
}

export function baueStatusdatei(s: Statusdatei): string {
  return xml({
    Druckstatus: {
      '@Version': FORMAT_VERSION,
      AuftragsId: s.auftragsId,
      Zentrumsauftrag: s.zentrumsauftrag,
      Sequenz: s.sequenz,
      Zeitpunkt: s.zeitpunkt,
      Status: STATUS_CODES[s.status],
      Fehlercode: s.fehlercode,
      Grund: s.grund,
      Briefe: {
        Brief: s.briefe.map((b) => ({
          BriefId: b.briefId,
          Status: STATUS_CODES[b.status],
          Fehlercode: b.fehlercode,
          Grund: b.grund,
          Postausgangsdatum: b.postausgangsdatum,
        })),
      },
    },
  });
}

function status(o: Record<string, unknown>): DruckStatus {
  const code = str(o, 'Status', true);
  const s = STATUS_AUS_CODE.get(code);
  if (!s) throw new FormatFehler(`unbekannter Status ${code.slice(0, 40)}`);
  return s;
}

export function leseStatusdatei(text: string): Statusdatei {
  const r = parse(text, 'Druckstatus');
  const briefe = liste(r).map((b) => {
    const datum = str(b, 'Postausgangsdatum');
    if (datum !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(datum)) throw new FormatFehler('<Postausgangsdatum> ist kein Datum (JJJJ-MM-TT)');
    return { briefId: str(b, 'BriefId', true), status: status(b), fehlercode: str(b, 'Fehlercode'), grund: str(b, 'Grund'), postausgangsdatum: datum };
  });
  const zeitpunkt = str(r, 'Zeitpunkt', true);
  if (Number.isNaN(Date.parse(zeitpunkt))) throw new FormatFehler('<Zeitpunkt> ist kein Zeitstempel');
  return {
    auftragsId: str(r, 'AuftragsId', true),
    zentrumsauftrag: str(r, 'Zentrumsauftrag') ?? '',
    sequenz: int(r, 'Sequenz'),
    zeitpunkt,
    status: status(r),
    fehlercode: str(r, 'Fehlercode'),
    grund: str(r, 'Grund'),
    briefe,
  };
}

/** File names in the drop folder. */
export const dateiname = {
  pdf: (briefId: string) => `${briefId}.pdf`,
  ready: (batchId: string) => `${batchId}${READY_ENDUNG}`,
  status: (batchId: string) => `${batchId}${STATUS_ENDUNG}`,
};
