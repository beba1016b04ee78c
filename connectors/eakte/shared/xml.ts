/**
 * XML for the E-Akte formats: writing (escaped by hand, element order as the schemas demand)
 * and reading untrusted input safely:
 * - UTF-8 only (a declared other encoding or invalid bytes are refused),
 * - any DOCTYPE or ENTITY declaration is refused before parsing (no XXE, no entity expansion),
 * - well-formedness is checked, entity processing of the parser is off; only the five
 *   predefined entities and character references are decoded, by us,
 * - size limited by the caller.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlAblehnungCode = 'XML_DOCTYPE_VERBOTEN' | 'XML_UNGUELTIG' | 'XML_KODIERUNG' | 'XML_ZU_GROSS';

/** Raised for input that is refused; `message` is a plain German reason without content. */
export class XmlAblehnung extends Error {
  override name = 'XmlAblehnung';
  constructor(public readonly code: XmlAblehnungCode, message: string) {
    super(message);
  }
}

/** A parsed element: child elements as arrays by local name, '#text', attributes as '@_name'. */
export type XmlElement = { [key: string]: unknown };

export interface ParsedXml {
  /** Local name of the root element. */
  rootName: string;
  root: XmlElement;
  /** Namespace URI of the root element (from its xmlns / xmlns:prefix attribute), if any. */
  rootNamespace?: string;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; anything else is not well-formed. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);/g, (_m, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#')) {
      const cp = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(cp) || cp < 0x9 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new XmlAblehnung('XML_UNGUELTIG', 'Die XML-Datei enthält eine ungültige Zeichenreferenz.');
      }
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) throw new XmlAblehnung('XML_UNGUELTIG', 'Die XML-Datei verwendet eine nicht definierte Entität.');
    return v;
  });
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  alwaysCreateTextNode: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Every element is an array (repeated elements are legal in most places).
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  transformTagName: (name) => name.replace(/^[^:]*:/, ''),
});

/** Decodes bytes as UTF-8 and refuses anything else. */
export function decodeUtf8Xml(bytes: Uint8Array): string {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    throw new XmlAblehnung('XML_KODIERUNG', 'Die XML-Datei ist nicht UTF-8-kodiert (UTF-16 erkannt).');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new XmlAblehnung('XML_KODIERUNG', 'Die XML-Datei enthält Bytes, die kein gültiges UTF-8 sind.');
  }
  const decl = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(text);
  if (decl && !/^utf-?8$/i.test(decl[1] ?? '')) {
    throw new XmlAblehnung('XML_KODIERUNG', 'Die XML-Datei ist nicht UTF-8-kodiert (andere Kodierung deklariert).');
  }
  return text;
}

/** Parses untrusted XML (see module comment). Throws XmlAblehnung. */
export function parseUntrustedXml(bytes: Uint8Array, maxBytes: number): ParsedXml {
  if (bytes.length > maxBytes) {
    throw new XmlAblehnung('XML_ZU_GROSS', `Die XML-Datei ist größer als erlaubt (${maxBytes} Bytes).`);
  }
  const text = decodeUtf8Xml(bytes);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new XmlAblehnung('XML_DOCTYPE_VERBOTEN', 'Die XML-Datei enthält eine DOCTYPE- oder ENTITY-Deklaration; solche Dateien werden aus Sicherheitsgründen abgewiesen.');
  }
  // Only the predefined entities and valid character references (checked once, up front).
  decodeEntities(text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmlAblehnung('XML_UNGUELTIG', `Die XML-Datei ist nicht wohlgeformt (Zeile ${valid.err.line}).`);
  }
  let parsed: XmlElement;
  try {
    parsed = parser.parse(text) as XmlElement;
  } catch {
    throw new XmlAblehnung('XML_UNGUELTIG', 'Die XML-Datei ist nicht wohlgeformt.');
  }
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?') && k !== '#text');
  const rootName = roots[0];
  const rootArr = rootName ? parsed[rootName] : undefined;
  if (roots.length !== 1 || !rootName || !Array.isArray(rootArr) || rootArr.length !== 1 || typeof rootArr[0] !== 'object') {
    throw new XmlAblehnung('XML_UNGUELTIG', 'Die XML-Datei hat kein eindeutiges Wurzelelement.');
  }
  const root = rootArr[0] as XmlElement;
  // Namespace of the root: xmlns:<prefix> of its qualified name in the raw text, else xmlns.
  const start = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/.exec(text.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, ''));
  const prefix = start?.[1]?.slice(0, -1);
  const nsAttr = prefix ? root[`@_xmlns:${prefix}`] : root['@_xmlns'];
  return { rootName, root, rootNamespace: typeof nsAttr === 'string' ? decodeEntities(nsAttr) : undefined };
}

/** Child elements with this local name. */
export function kinder(el: XmlElement | undefined, name: string): XmlElement[] {
  if (!el) return [];
  const v = el[name];
  if (!Array.isArray(v)) return [];
  return v.map((x) => (typeof x === 'object' && x !== null ? (x as XmlElement) : { '#text': String(x) }));
}

export function kind(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return kinder(el, name)[0];
}

/** Decoded, trimmed text of an element; undefined when absent or empty. */
export function textVon(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const t = el['#text'];
  if (t === undefined || t === null) return undefined;
  const s = decodeEntities(String(t)).trim();
  return s === '' ? undefined : s;
}

/** Text of the first child element with this name (path of names allowed). */
export function text(el: XmlElement | undefined, ...pfad: string[]): string | undefined {
  let cur = el;
  for (const name of pfad) cur = kind(cur, name);
  return textVon(cur);
}

export function attribut(el: XmlElement | undefined, name: string): string | undefined {
  const v = el?.[`@_${name}`];
  return typeof v === 'string' ? decodeEntities(v) : undefined;
}

// ---------------------------------------------------------------- writing

export function escapeXml(s: string): string {
  // Characters not allowed in XML 1.0 are dropped (they cannot be represented at all).
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
  return clean.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** A tiny element tree for writing, so the order of elements is explicit. */
export type XmlKnoten = { name: string; attrs?: Record<string, string | undefined>; kinder?: Array<XmlKnoten | null | undefined | false>; text?: string };

/** Element with text, or null when the value is absent (optional elements). */
export function el(name: string, value: string | number | boolean | undefined | null, attrs?: Record<string, string | undefined>): XmlKnoten | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return { name, text, attrs };
}

export function gruppe(name: string, kinder: Array<XmlKnoten | null | undefined | false>, attrs?: Record<string, string | undefined>): XmlKnoten {
  return { name, kinder, attrs };
}

export function serialisiere(root: XmlKnoten, indent = '  '): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const write = (k: XmlKnoten, depth: number) => {
    const pad = indent.repeat(depth);
    const attrs = Object.entries(k.attrs ?? {})
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([n, v]) => ` ${n}="${escapeXml(v)}"`)
      .join('');
    const kids = (k.kinder ?? []).filter((x): x is XmlKnoten => Boolean(x));
    if (kids.length === 0) {
      out.push(k.text === undefined || k.text === '' ? `${pad}<${k.name}${attrs}/>` : `${pad}<${k.name}${attrs}>${escapeXml(k.text)}</${k.name}>`);
      return;
    }
    out.push(`${pad}<${k.name}${attrs}>`);
    for (const c of kids) write(c, depth + 1);
    out.push(`${pad}</${k.name}>`);
  };
  write(root, 0);
  return `${out.join('\n')}\n`;
}
