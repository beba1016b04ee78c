/**
 * Parser of the citizen app's XML message (format: ./README.md). Hostile input is expected:
 *  - DOCTYPE / ENTITY declarations are refused before any parser sees the text (XXE, billion laughs);
 *  - size limits on the message, the number of attachments and each decoded attachment;
 *  - base64 checked strictly (alphabet, padding), the decoded bytes must be the claimed type (magic bytes);
 *  - the receipt instant must carry a time zone and may not lie in the future.
 * Every refusal has a plain German reason for the app's operators (answered as HTTP 400).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { normalizeBgNummer, normalizeKundennummer } from '../../domain/identifiers';
import { erkenneTyp } from '../../activities/posteingang/preflight';
import { ANHANG_MEDIA_TYPES, STANDARD_GRENZEN, type Absender, type Anhang, type AnhangMediaType, type BuergerNachricht, type NachrichtGrenzen, type NachrichtPruefung } from './port';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ISO_MIT_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 500;

class Fehler extends Error {}

function text(v: unknown, feld: string, max = MAX_TEXT): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'object') {
    const t = (v as Record<string, unknown>)['#text'];
    if (t === undefined) throw new Fehler(`Das Feld <${feld}> darf nur Text enthalten.`);
    return text(t, feld, max);
  }
  const s = String(v).trim();
  if (s.length > max) throw new Fehler(`Das Feld <${feld}> ist zu lang (höchstens ${max} Zeichen).`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s)) throw new Fehler(`Das Feld <${feld}> enthält Steuerzeichen.`);
  return s === '' ? undefined : s;
}

function mb(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MB`;
}

/** Parses and validates one message. Never throws. `jetzt` for tests. */
export function parseNachricht(roh: Buffer | string, grenzen: Partial<NachrichtGrenzen> = {}, jetzt: Date = new Date()): NachrichtPruefung {
  const g = { ...STANDARD_GRENZEN, ...grenzen };
  try {
    return { ok: true, nachricht: pruefe(roh, g, jetzt) };
  } catch (err) {
    if (err instanceof Fehler) return { ok: false, grund: err.message };
    return { ok: false, grund: 'Die Nachricht konnte nicht gelesen werden.' };
  }
}

function pruefe(roh: Buffer | string, g: NachrichtGrenzen, jetzt: Date): BuergerNachricht {
  const bytes = typeof roh === 'string' ? Buffer.byteLength(roh, 'utf8') : roh.length;
  if (bytes === 0) throw new Fehler('Die Nachricht ist leer.');
  if (bytes > g.maxNachrichtBytes) throw new Fehler(`Die Nachricht ist mit ${mb(bytes)} zu groß (höchstens ${mb(g.maxNachrichtBytes)}).`);
  let xml = typeof roh === 'string' ? roh : roh.toString('utf8');
  if (typeof roh !== 'string' && !Buffer.from(xml, 'utf8').equals(roh)) throw new Fehler('Die Nachricht ist nicht in UTF-8 kodiert.');
  xml = xml.replace(/^\uFEFF/, '');
  // Before any parser: no document type declarations, no entity declarations (XXE, "billion laughs").
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new Fehler('Die Nachricht enthält eine DOCTYPE- oder ENTITY-Deklaration; das ist aus Sicherheitsgründen nicht erlaubt.');
  }
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(xml);
  if (decl && !/^utf-?8$/i.test(decl[1]!)) throw new Fehler(`Die Nachricht muss UTF-8 kodiert sein (angegeben: ${decl[1]!.slice(0, 20)}).`);
  const gueltig = XMLValidator.validate(xml);
  if (gueltig !== true) {
    throw new Fehler(`Die Nachricht ist kein wohlgeformtes XML (Zeile ${gueltig.err.line}: ${gueltig.err.msg.slice(0, 120)}).`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    // Only the five predefined XML entities and character references; DOCTYPE was refused above.
    processEntities: true,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => name === 'Anhang',
  });
  const doc = parser.parse(xml) as Record<string, unknown>;
  const wurzeln = Object.keys(doc);
  if (wurzeln.length !== 1 || wurzeln[0] !== 'Nachricht') throw new Fehler('Das Wurzelelement der Nachricht muss <Nachricht> sein.');
  const n = doc.Nachricht;
  if (!n || typeof n !== 'object') throw new Fehler('Die Nachricht ist leer.');
  const m = n as Record<string, unknown>;

  const nachrichtId = text(m['@_id'], 'Nachricht id', 100);

  const abs = m.Absender;
  if (abs === undefined) throw new Fehler('Das Element <Absender> fehlt.');
  const a = (typeof abs === 'object' && abs ? abs : {}) as Record<string, unknown>;
  const absender: Absender = {};
  const vorname = text(a.Vorname, 'Vorname', 100);
  const nachname = text(a.Nachname, 'Nachname', 100);
  const email = text(a.EMail, 'EMail', 200);
  const geburtsdatum = text(a.Geburtsdatum, 'Geburtsdatum', 10);
  const kunde = text(a.Kundennummer, 'Kundennummer', 30);
  if (vorname) absender.vorname = vorname;
  if (nachname) absender.nachname = nachname;
  if (email) absender.email = email;
  if (geburtsdatum) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(geburtsdatum) || !DateTime.fromISO(geburtsdatum).isValid) throw new Fehler('<Geburtsdatum> muss ein Datum der Form JJJJ-MM-TT sein.');
    absender.geburtsdatum = geburtsdatum;
  }
  if (kunde) absender.kundennummer = normalizeKundennummer(kunde) ?? kunde;

  const eingangRoh = text(m.Eingang, 'Eingang', 40);
  if (!eingangRoh) throw new Fehler('Das Element <Eingang> (Zeitpunkt des Eingangs in der App) fehlt.');
  if (!ISO_MIT_ZONE.test(eingangRoh)) throw new Fehler('<Eingang> muss ein Zeitpunkt mit Zeitzone sein, z. B. 2026-11-26T09:15:00+01:00.');
  const eingang = DateTime.fromISO(eingangRoh, { setZone: true });
  if (!eingang.isValid) throw new Fehler('<Eingang> ist kein gültiger Zeitpunkt.');
  if (eingang.toMillis() > jetzt.getTime() + g.maxZukunftMs) throw new Fehler('<Eingang> liegt in der Zukunft.');
  const eingangsdatum = eingang.setZone('Europe/Berlin').toISODate()!;

  const betreff = text(m.Betreff, 'Betreff');
  const bgRoh = text(m.BGNummer, 'BGNummer', 40);

  const roheAnhaenge = (m.Anhang ?? []) as unknown[];
  if (roheAnhaenge.length === 0) throw new Fehler('Die Nachricht enthält keinen Anhang.');
  if (roheAnhaenge.length > g.maxAnhaenge) throw new Fehler(`Die Nachricht enthält ${roheAnhaenge.length} Anhänge (höchstens ${g.maxAnhaenge}).`);
  const anhaenge: Anhang[] = roheAnhaenge.map((roh, i) => anhang(roh, i + 1, g));

  const nachricht: BuergerNachricht = { absender, eingang: eingangRoh, eingangsdatum, anhaenge };
  if (nachrichtId) nachricht.nachrichtId = nachrichtId;
  if (betreff) nachricht.betreff = betreff;
  if (bgRoh) {
    const bg = normalizeBgNummer(bgRoh);
    if (bg) nachricht.bgNummer = bg;
    else nachricht.bgNummerUngueltig = bgRoh;
  }
  return nachricht;
}

function anhang(roh: unknown, nr: number, g: NachrichtGrenzen): Anhang {
  const wo = `Anhang ${nr}`;
  if (!roh || typeof roh !== 'object') throw new Fehler(`${wo}: Attribute dateiname und mimeType fehlen.`);
  const r = roh as Record<string, unknown>;
  const dateiname = typeof r['@_dateiname'] === 'string' ? r['@_dateiname'].trim() : '';
  if (!dateiname) throw new Fehler(`${wo}: das Attribut dateiname fehlt.`);
  if (dateiname.length > 1000) throw new Fehler(`${wo}: der Dateiname ist zu lang.`);
  const mt = typeof r['@_mimeType'] === 'string' ? r['@_mimeType'].trim().toLowerCase() : '';
  if (!(ANHANG_MEDIA_TYPES as readonly string[]).includes(mt)) {
    throw new Fehler(`${wo}: Dateityp „${mt.slice(0, 60) || 'fehlt'}“ wird nicht angenommen (erlaubt: PDF, JPEG, PNG, TIFF).`);
  }
  const mediaType = mt as AnhangMediaType;
  const b64 = typeof r['#text'] === 'string' ? r['#text'].replace(/\s+/g, '') : '';
  if (!b64) throw new Fehler(`${wo}: der Inhalt fehlt.`);
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw new Fehler(`${wo}: der Inhalt ist kein gültiges Base64.`);
  if ((b64.length / 4) * 3 > g.maxAnhangBytes + 3) throw new Fehler(`${wo}: die Datei ist größer als ${mb(g.maxAnhangBytes)}.`);
  const inhalt = Buffer.from(b64, 'base64');
  if (inhalt.length === 0) throw new Fehler(`${wo}: die Datei ist leer.`);
  if (inhalt.length > g.maxAnhangBytes) throw new Fehler(`${wo}: die Datei ist größer als ${mb(g.maxAnhangBytes)}.`);
  const echt = erkenneTyp(inhalt);
  if (echt !== mediaType) throw new Fehler(`${wo}: die Datei ist als ${mediaType} angegeben, ihr Inhalt ist aber ${echt ?? 'ein unbekanntes Format'}.`);
  return { dateiname, mediaType, inhalt };
}
