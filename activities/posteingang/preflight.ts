/**
 * Preflight of an incoming file before anything reads it for real: is it what it claims to be,
 * can it be opened, is it within limits, is it hostile?
 *
 *  - empty file, too many bytes;
 *  - the real type from magic bytes (PDF, TIFF, PNG, JPEG) against the claimed media type;
 *  - images: pixel count from the header *before* decoding (decompression bombs; a PNG's IHDR is read
 *    by hand, TIFF/JPEG through sharp's header-only metadata), then a decode test with a pixel limit;
 *  - PDF: parsed in a worker thread with a memory limit and a time limit (pdf-lib for structure,
 *    encryption and page count; every Flate stream inflated with an output cap so a zip bomb cannot
 *    grow; image XObjects checked for their declared size; pdf.js as a second opinion that a reader
 *    can open it);
 *  - the file name: path tricks, control characters, bidi overrides, very long names, executable
 *    endings are reported as `hinweise` — the name is never used as a path anywhere in the engine.
 *
 * Never throws, never hangs: every failure is an answer with a German reason for a person and a code.
 */
import { mitFrist } from '../../platform/frist';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';

export interface PreflightOptionen {
  /** Media type claimed by the source (from the file name or the upload). */
  mediaType: string;
  /** Original file name: only checked and reported, never used as a path. */
  fileName: string;
  /** Defaults: 50 MB, 500 pages, 100 Mpx per image. */
  maxBytes?: number;
  maxSeiten?: number;
  maxPixel?: number;
  /** Time limit for parsing in ms (default 20000). */
  timeoutMs?: number;
  /** PDF: also report `textlayer` (every page has fonts) for choosing the reading path. */
  textlayerMelden?: boolean;
  /**
   * PDF with a text layer: also return the text of every page, extracted in the checking thread (which has
   * the document open already), so reading needs no second parse on the main thread. Only when no page could
   * be a searchable scan (a page with exactly one image); never sent into a workflow history.
   */
  texteMelden?: boolean;
}

export type PreflightErgebnis =
  | {
      ok: true;
      seiten: number;
      /**
       * PDF with `textlayerMelden` only, set only when true: every page has fonts in its resources, so it very
       * likely carries a text layer (born-digital) and reading needs no OCR. A hint for choosing the reading
       * path, not a promise.
       */
      textlayer?: true;
      /** With `texteMelden`: the text layer of every page (index 0 = page 1), trimmed, as pdf.js gives it to reading. */
      texte?: string[];
      /** The media type found from the content (may refine a generic claim such as application/octet-stream). */
      mediaType: PreflightMediaType;
      /** Remarks for a person (e.g. a hostile file name), German; the file is still accepted. */
      hinweise: string[];
    }
  | { ok: false; grund: string; code: PreflightCode; hinweise: string[] };

export type PreflightCode =
  | 'leer'
  | 'zu-gross'
  | 'zu-viele-seiten'
  | 'keine-seiten'
  | 'beschaedigt'
  | 'verschluesselt'
  | 'dekompressionsbombe'
  | 'typ-falsch'
  | 'typ-unbekannt'
  | 'zeitueberschreitung';

export type PreflightMediaType = 'application/pdf' | 'image/tiff' | 'image/png' | 'image/jpeg';

export const PREFLIGHT_STANDARD = {
  maxBytes: 50 * 1024 * 1024,
  maxSeiten: 500,
  maxPixel: 100_000_000,
  timeoutMs: 20_000,
  /** Cap on the inflated size of one non-image PDF stream (content, fonts, object streams). */
  maxStreamBytes: 64 * 1024 * 1024,
  /** Cap on all inflated PDF streams together. */
  maxEntpacktGesamt: 2 * 1024 * 1024 * 1024,
  /** Memory of the PDF parsing worker (MB of V8 heap). */
  workerHeapMb: 512,
};

const TYP_NAMEN: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/tiff': 'TIFF-Bild',
  'image/png': 'PNG-Bild',
  'image/jpeg': 'JPEG-Bild',
  'application/xml': 'XML-Dokument',
  'application/zip': 'ZIP-Archiv (auch Word/Excel)',
  'application/x-msdownload': 'Windows-Programm',
  'application/x-executable': 'Programm (ELF)',
  'image/gif': 'GIF-Bild',
  'image/webp': 'WebP-Bild',
  'image/bmp': 'BMP-Bild',
  'text/html': 'HTML-Seite',
  'application/x-ole': 'altes Office-Dokument',
  'application/gzip': 'GZIP-Archiv',
  'application/x-rar': 'RAR-Archiv',
  'application/x-7z': '7-Zip-Archiv',
};

function typName(mt: string): string {
  return TYP_NAMEN[mt] ?? mt;
}

/** "ein PNG-Bild", "eine HTML-Seite" (every other name is neuter). */
function einTyp(mt: string): string {
  return `${mt === 'text/html' ? 'eine' : 'ein'} ${typName(mt)}`;
}

const MEDIA_ALIASE: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/tif': 'image/tiff',
  'image/x-tiff': 'image/tiff',
  'image/x-png': 'image/png',
  'application/x-pdf': 'application/pdf',
  'text/xml': 'application/xml',
};

/** Normalised media type (lower case, no parameters, aliases resolved). */
export function normalisiereMediaType(mt: string): string {
  const base = mt.split(';')[0]!.trim().toLowerCase();
  return MEDIA_ALIASE[base] ?? base;
}

/** The type of a file from its first bytes; undefined when unknown. */
export function erkenneTyp(inhalt: Buffer): string | undefined {
  const b = inhalt;
  const starts = (...bytes: number[]) => bytes.every((v, i) => b[i] === v);
  // PDF: the header may follow some junk, within the first 1024 bytes (ISO 32000 implementation note).
  if (b.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a) || starts(0x49, 0x49, 0x2b, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2b)) return 'image/tiff';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'application/zip';
  if (starts(0x4d, 0x5a)) return 'application/x-msdownload';
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'application/x-executable';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return 'application/x-ole';
  if (starts(0x1f, 0x8b)) return 'application/gzip';
  if (starts(0x52, 0x61, 0x72, 0x21)) return 'application/x-rar';
  if (starts(0x37, 0x7a, 0xbc, 0xaf)) return 'application/x-7z';
  const kopf = b.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (kopf.startsWith('<?xml')) return 'application/xml';
  if (kopf.startsWith('<!doctype html') || kopf.startsWith('<html')) return 'text/html';
  return undefined;
}

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
// eslint-disable-next-line no-control-regex
const STEUERZEICHEN = /[\u0000-\u001F\u007F-\u009F]/;
const AUSFUEHRBAR = /\.(exe|com|bat|cmd|scr|pif|js|jse|vbs|vbe|wsf|ps1|msi|jar|sh|lnk|hta|dll)(\.|$)/i;
const RESERVIERT = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/** Remarks about a file name (German). The name is only ever displayed (escaped), never used as a path. */
export function pruefeDateiname(name: string): string[] {
  const h: string[] = [];
  if (name.trim() === '') h.push('Der Dateiname fehlt.');
  if (/[/\\]/.test(name) || name.split(/[/\\]/).some((teil) => teil === '..')) {
    h.push('Der Dateiname enthält Pfadangaben („/“, „\\“ oder „..“); er wird nicht als Pfad verwendet.');
  }
  if (STEUERZEICHEN.test(name)) h.push('Der Dateiname enthält Steuerzeichen.');
  if (BIDI.test(name)) h.push('Der Dateiname enthält Zeichen, die die Schreibrichtung umkehren (können die Dateiendung verschleiern).');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > 255) h.push(`Der Dateiname ist ungewöhnlich lang (${bytes} Byte).`);
  if (AUSFUEHRBAR.test(name.replace(BIDI, ''))) h.push('Der Dateiname enthält die Endung eines ausführbaren Programms.');
  if (RESERVIERT.test(name.trim())) h.push('Der Dateiname ist ein unter Windows reservierter Gerätename.');
  return h;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB`;
}

function mpx(pixel: number): string {
  return `${(pixel / 1_000_000).toLocaleString('de-DE', { maximumFractionDigits: 0 })} Megapixel`;
}

class Abbruch extends Error {
  constructor(
    readonly code: PreflightCode,
    readonly grund: string,
  ) {
    super(grund);
  }
}

function pruefFrist<T>(p: Promise<T>, ms: number): Promise<T> {
  return mitFrist(p, ms, () => new Abbruch('zeitueberschreitung', `Die Prüfung der Datei dauerte länger als ${Math.round(ms / 1000)} s und wurde abgebrochen.`));
}

export async function pruefeDatei(inhalt: Buffer, opts: PreflightOptionen): Promise<PreflightErgebnis> {
  const hinweise = pruefeDateiname(opts.fileName);
  const maxBytes = opts.maxBytes ?? PREFLIGHT_STANDARD.maxBytes;
  const maxSeiten = opts.maxSeiten ?? PREFLIGHT_STANDARD.maxSeiten;
  const maxPixel = opts.maxPixel ?? PREFLIGHT_STANDARD.maxPixel;
  const timeoutMs = opts.timeoutMs ?? PREFLIGHT_STANDARD.timeoutMs;
  const nein = (code: PreflightCode, grund: string): PreflightErgebnis => ({ ok: false, code, grund, hinweise });
  try {
    if (inhalt.length === 0) return nein('leer', 'Die Datei ist leer (0 Byte).');
    if (inhalt.length > maxBytes) return nein('zu-gross', `Die Datei ist mit ${mb(inhalt.length)} größer als erlaubt (höchstens ${mb(maxBytes)}).`);
    const echt = erkenneTyp(inhalt);
    const behauptet = normalisiereMediaType(opts.mediaType || '');
    const generisch = behauptet === '' || behauptet === 'application/octet-stream' || behauptet === 'binary/octet-stream';
    const erlaubt = ['application/pdf', 'image/tiff', 'image/png', 'image/jpeg'];
    if (!echt || !erlaubt.includes(echt)) {
      const was = echt ? einTyp(echt) : 'in keinem bekannten Format';
      if (!generisch && erlaubt.includes(behauptet)) {
        return nein('typ-falsch', `Die Datei gibt sich als ${typName(behauptet)} aus, ist aber ${was}.`);
      }
      return nein('typ-unbekannt', `Die Datei ist ${was}; angenommen werden nur PDF, TIFF, PNG und JPEG.`);
    }
    if (!generisch && behauptet !== echt) {
      return nein('typ-falsch', `Die Datei gibt sich als ${typName(behauptet)} aus, ist aber ${einTyp(echt)}.`);
    }
    const mediaType = echt as PreflightMediaType;
    if (mediaType === 'application/pdf') {
      const pdf = await pruefePdf(inhalt, { maxSeiten, maxPixel, timeoutMs, texte: opts.texteMelden === true });
      return {
        ok: true, seiten: pdf.seiten, mediaType, hinweise,
        ...((opts.textlayerMelden || opts.texteMelden) && pdf.textlayer ? { textlayer: true as const } : {}),
        ...(opts.texteMelden && pdf.textlayer && pdf.texte ? { texte: pdf.texte } : {}),
      };
    }
    const seiten = await pruefFrist(pruefeBild(inhalt, mediaType, { maxSeiten, maxPixel }), timeoutMs);
    return { ok: true, seiten, mediaType, hinweise };
  } catch (err) {
    if (err instanceof Abbruch) return nein(err.code, err.grund);
    return nein('beschaedigt', 'Die Datei ist beschädigt und lässt sich nicht öffnen.');
  }
}

/** Width × height from a PNG's IHDR chunk, read by hand (no decoder involved). */
export function pngGroesse(inhalt: Buffer): { breite: number; hoehe: number } | undefined {
  if (inhalt.length < 24 || inhalt.subarray(12, 16).toString('latin1') !== 'IHDR') return undefined;
  return { breite: inhalt.readUInt32BE(16), hoehe: inhalt.readUInt32BE(20) };
}

async function pruefeBild(inhalt: Buffer, mediaType: PreflightMediaType, o: { maxSeiten: number; maxPixel: number }): Promise<number> {
  if (mediaType === 'image/png') {
    const g = pngGroesse(inhalt);
    if (!g) throw new Abbruch('beschaedigt', 'Das PNG-Bild ist beschädigt (Kopfdaten fehlen).');
    if (g.breite * g.hoehe > o.maxPixel) {
      throw new Abbruch('dekompressionsbombe', `Das Bild ist mit ${g.breite} × ${g.hoehe} Pixeln (${mpx(g.breite * g.hoehe)}) zu groß zum Öffnen (höchstens ${mpx(o.maxPixel)}).`);
    }
  }
  let meta: sharp.Metadata;
  try {
    // Header only: nothing is decoded here.
    meta = await sharp(inhalt, { limitInputPixels: false }).metadata();
  } catch {
    throw new Abbruch('beschaedigt', `Das ${typName(mediaType)} ist beschädigt und lässt sich nicht öffnen.`);
  }
  const seiten = meta.pages ?? 1;
  if (seiten < 1) throw new Abbruch('keine-seiten', 'Die Datei enthält keine Seite.');
  if (seiten > o.maxSeiten) throw new Abbruch('zu-viele-seiten', `Die Datei hat ${seiten} Seiten (höchstens ${o.maxSeiten} erlaubt).`);
  for (let page = 0; page < seiten; page++) {
    const m = page === 0 ? meta : await sharp(inhalt, { page, limitInputPixels: false }).metadata();
    const w = m.width ?? 0;
    const h = (m.pageHeight && seiten > 1 && page === 0 ? m.pageHeight : m.height) ?? 0;
    if (w * h > o.maxPixel) {
      throw new Abbruch('dekompressionsbombe', `Seite ${page + 1} ist mit ${w} × ${h} Pixeln (${mpx(w * h)}) zu groß zum Öffnen (höchstens ${mpx(o.maxPixel)}).`);
    }
    if (w === 0 || h === 0) throw new Abbruch('beschaedigt', `Seite ${page + 1} hat keine Bildgröße – die Datei ist beschädigt.`);
    try {
      // A real decode, bounded by the pixel limit; shrink keeps it cheap.
      await sharp(inhalt, { page, limitInputPixels: o.maxPixel, failOn: 'error' }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    } catch {
      throw new Abbruch('beschaedigt', seiten > 1 ? `Seite ${page + 1} des Bildes ist beschädigt.` : `Das ${typName(mediaType)} ist beschädigt (lässt sich nicht vollständig lesen).`);
    }
  }
  return seiten;
}

interface PdfAntwort {
  ok?: boolean;
  seiten?: number;
  textlayer?: boolean;
  texte?: string[];
  code?: PreflightCode;
  detail?: string;
}

/**
 * The PDF check, run in a worker thread (eval'd plain JS so it works from sources and from dist alike).
 * The thread stays and checks one file after the other (loading pdf-lib and pdf.js costs far more CPU
 * than checking a letter); for each job it posts one PdfAntwort with the job's id.
 */
const PDF_WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { pfade } = workerData;
parentPort.on('message', (job) => {
  const send = (m) => parentPort.postMessage({ ...m, id: job.id });
  pruefe(job, send).catch((e) => send({ code: 'beschaedigt', detail: String(e && e.message).slice(0, 100) }));
});
async function pruefe(job, send) {
  const { maxSeiten, maxPixel, maxStreamBytes, maxEntpacktGesamt } = job;
  const inhalt = new Uint8Array(job.inhalt);
  const pl = require(pfade.pdflib);
  let doc;
  try {
    doc = await pl.PDFDocument.load(inhalt.slice(), { ignoreEncryption: false, updateMetadata: false, throwOnInvalidObject: false });
  } catch (e) {
    if (e && (e.name === 'EncryptedPDFError' || /encrypt/i.test(String(e.message)))) return send({ code: 'verschluesselt' });
    return send({ code: 'beschaedigt', detail: 'pdf-lib' });
  }
  if (doc.isEncrypted) return send({ code: 'verschluesselt' });
  let seiten;
  try { seiten = doc.getPageCount(); } catch (e) { return send({ code: 'beschaedigt', detail: 'seitenbaum' }); }
  if (seiten === 0) return send({ code: 'keine-seiten' });
  if (seiten > maxSeiten) return send({ code: 'zu-viele-seiten', seiten });
  const N = (s) => pl.PDFName.of(s);
  const zahl = (v) => (v && typeof v.asNumber === 'function' ? v.asNumber() : 0);
  let gesamt = 0;
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof pl.PDFRawStream)) continue;
    const dict = obj.dict;
    const subtype = dict.get(N('Subtype'));
    let cap = maxStreamBytes;
    if (subtype && subtype.toString() === '/Image') {
      const w = zahl(dict.lookup(N('Width'))), h = zahl(dict.lookup(N('Height')));
      if (w * h > maxPixel) return send({ code: 'dekompressionsbombe', detail: 'bild ' + w + 'x' + h });
      const bpc = Math.max(1, zahl(dict.lookup(N('BitsPerComponent'))) || 8);
      cap = Math.ceil((w * h * 4 * bpc) / 8) + 1024 * 1024;
    }
    let filter = dict.lookup(N('Filter'));
    if (filter && typeof filter.asArray === 'function') filter = filter.asArray()[0];
    if (!filter || filter.toString() !== '/FlateDecode') continue;
    try {
      const out = zlib.inflateSync(obj.contents, { maxOutputLength: Math.min(cap, maxEntpacktGesamt - gesamt + 1), finishFlush: zlib.constants.Z_SYNC_FLUSH });
      gesamt += out.length;
    } catch (e) {
      if (e && (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)) return send({ code: 'dekompressionsbombe', detail: 'stream' });
      // a damaged stream is for the reader to cope with; not a reason to refuse the file
    }
    if (gesamt > maxEntpacktGesamt) return send({ code: 'dekompressionsbombe', detail: 'gesamt' });
  }
  // Second opinion: can pdf.js (the reader used later) open it?
  let p;
  try {
    const pp = require(pfade.pdfparse);
    p = new pp.PDFParse({ data: inhalt.slice(), verbosity: 0, isEvalSupported: false });
    const info = await p.getInfo();
    if (!info || !info.total) {
      await p.destroy();
      return send({ code: 'keine-seiten' });
    }
  } catch (e) {
    if (p) await p.destroy().catch(() => undefined);
    const name = (e && e.name) || '';
    if (/Password/i.test(name)) return send({ code: 'verschluesselt' });
    return send({ code: 'beschaedigt', detail: 'pdfjs ' + name });
  }
  // Every page with fonts (inherited resources included): a text layer, so reading will hardly need OCR.
  // A page with exactly one image may be a searchable scan, which reading decodes: then no texts are sent.
  let textlayer = true;
  let texteMoeglich = job.texte === true;
  try {
    for (const page of doc.getPages()) {
      const res = page.node.Resources();
      const fonts = res && res.lookup(N('Font'));
      if (!(fonts instanceof pl.PDFDict) || fonts.keys().length === 0) { textlayer = false; break; }
      const xo = res.lookup(N('XObject'));
      if (texteMoeglich && xo instanceof pl.PDFDict && xo.keys().length === 1) {
        const v = xo.values()[0];
        const st = v instanceof pl.PDFRef ? doc.context.lookup(v) : v;
        const sub = st && st.dict && st.dict.get(N('Subtype'));
        if (!sub || String(sub) === '/Image') texteMoeglich = false;
      }
    }
  } catch (e) {
    textlayer = false;
  }
  let texte;
  if (textlayer && texteMoeglich) {
    try {
      const t = await p.getText({ pageJoiner: '' });
      const nachNr = new Map(t.pages.map((x) => [x.num, x.text.trim()]));
      texte = Array.from({ length: seiten }, (_, i) => nachNr.get(i + 1) || '');
    } catch (e) {
      texte = undefined; // reading parses the file itself
    }
  }
  await p.destroy().catch(() => undefined);
  send({ ok: true, seiten, textlayer, ...(texte ? { texte } : {}) });
}
`;

interface PdfAuftrag {
  id: number;
  inhalt: ArrayBuffer;
  maxSeiten: number;
  maxPixel: number;
  timeoutMs: number;
  texte: boolean;
  erledigt: (a: PdfAntwort) => void;
}

/**
 * Threads that check PDFs, at most POSTEINGANG_PREFLIGHT_PARALLEL (default 2) at a time. A thread that
 * runs out of its memory limit, overruns the time limit or dies is terminated and replaced (the next
 * file gets a fresh one); an idle thread does not keep the process alive and ends after a minute.
 */
class PdfPruefer {
  private readonly frei: PdfThread[] = [];
  private readonly warteschlange: PdfAuftrag[] = [];
  private laufend = 0;
  private naechsteId = 1;

  private get max(): number {
    const n = Number(process.env.POSTEINGANG_PREFLIGHT_PARALLEL);
    return Number.isInteger(n) && n >= 1 ? n : 2;
  }

  pruefe(inhalt: ArrayBuffer, o: { maxSeiten: number; maxPixel: number; timeoutMs: number; texte: boolean }): Promise<PdfAntwort> {
    return new Promise((erledigt) => {
      this.warteschlange.push({ id: this.naechsteId++, inhalt, ...o, erledigt });
      this.weiter();
    });
  }

  private weiter(): void {
    while (this.warteschlange.length > 0) {
      let t = this.frei.pop();
      if (!t) {
        if (this.laufend >= this.max) return;
        t = new PdfThread(() => this.weg(t!));
      }
      this.laufend++;
      const auftrag = this.warteschlange.shift()!;
      const thread = t;
      thread.fuehreAus(auftrag, (a, weiterVerwendbar) => {
        this.laufend--;
        if (weiterVerwendbar) this.frei.push(thread);
        auftrag.erledigt(a);
        this.weiter();
      });
    }
  }

  private weg(t: PdfThread): void {
    const i = this.frei.indexOf(t);
    if (i >= 0) this.frei.splice(i, 1);
  }
}

class PdfThread {
  private readonly worker: Worker;
  private aktuell: { id: number; fertig: (a: PdfAntwort, weiterVerwendbar: boolean) => void; timer: NodeJS.Timeout } | undefined;
  private ruhe: NodeJS.Timeout | undefined;
  private beendet = false;

  constructor(private readonly entfernt: () => void) {
    this.worker = new Worker(PDF_WORKER, {
      eval: true,
      workerData: { pfade: { pdflib: require.resolve('pdf-lib'), pdfparse: require.resolve('pdf-parse') } },
      resourceLimits: { maxOldGenerationSizeMb: PREFLIGHT_STANDARD.workerHeapMb, maxYoungGenerationSizeMb: 64 },
      stdout: true,
      stderr: true,
    });
    this.worker.on('message', (m: PdfAntwort & { id: number }) => {
      if (this.aktuell?.id === m.id) {
        this.abschliessen({
          ...(m.ok ? { ok: true } : {}), ...(m.seiten !== undefined ? { seiten: m.seiten } : {}), ...(typeof m.textlayer === 'boolean' ? { textlayer: m.textlayer } : {}),
          ...(Array.isArray(m.texte) ? { texte: m.texte } : {}),
          ...(m.code ? { code: m.code } : {}), ...(m.detail ? { detail: m.detail } : {}),
        }, true);
      }
    });
    this.worker.on('error', (err: Error & { code?: string }) => {
      this.beende();
      this.abschliessen({ code: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'dekompressionsbombe' : 'beschaedigt', detail: 'speicher' }, false);
    });
    this.worker.on('exit', () => {
      this.beende();
      this.abschliessen({ code: 'beschaedigt', detail: 'exit' }, false);
    });
  }

  fuehreAus(a: PdfAuftrag, fertig: (a: PdfAntwort, weiterVerwendbar: boolean) => void): void {
    if (this.ruhe) clearTimeout(this.ruhe);
    this.ruhe = undefined;
    this.worker.ref();
    const timer = setTimeout(() => {
      // Stuck (or very slow): this thread is not used again.
      this.beende();
      this.abschliessen({ code: 'zeitueberschreitung' }, false);
    }, a.timeoutMs);
    this.aktuell = { id: a.id, fertig, timer };
    this.worker.postMessage(
      { id: a.id, inhalt: a.inhalt, maxSeiten: a.maxSeiten, maxPixel: a.maxPixel, texte: a.texte, maxStreamBytes: PREFLIGHT_STANDARD.maxStreamBytes, maxEntpacktGesamt: PREFLIGHT_STANDARD.maxEntpacktGesamt },
      [a.inhalt],
    );
  }

  private abschliessen(a: PdfAntwort, weiterVerwendbar: boolean): void {
    const j = this.aktuell;
    if (!j) return;
    this.aktuell = undefined;
    clearTimeout(j.timer);
    const bleibt = weiterVerwendbar && !this.beendet;
    if (bleibt) {
      this.worker.unref();
      this.ruhe = setTimeout(() => this.beende(), 60_000);
      this.ruhe.unref();
    }
    j.fertig(a, bleibt);
  }

  private beende(): void {
    if (this.beendet) return;
    this.beendet = true;
    if (this.ruhe) clearTimeout(this.ruhe);
    this.entfernt();
    void this.worker.terminate();
  }
}

const pdfPruefer = new PdfPruefer();

async function pruefePdf(inhalt: Buffer, o: { maxSeiten: number; maxPixel: number; timeoutMs: number; texte: boolean }): Promise<{ seiten: number; textlayer: boolean; texte?: string[] }> {
  const kopie = new Uint8Array(inhalt); // a copy we may transfer
  const antwort = await pdfPruefer.pruefe(kopie.buffer, o);
  if (antwort.ok && antwort.seiten) return { seiten: antwort.seiten, textlayer: antwort.textlayer === true, ...(antwort.texte ? { texte: antwort.texte } : {}) };
  switch (antwort.code) {
    case 'verschluesselt':
      throw new Abbruch('verschluesselt', 'Das PDF ist verschlüsselt (Kennwortschutz) und kann nicht gelesen werden. Bitte ohne Kennwort erneut einreichen.');
    case 'keine-seiten':
      throw new Abbruch('keine-seiten', 'Das PDF enthält keine Seite.');
    case 'zu-viele-seiten':
      throw new Abbruch('zu-viele-seiten', `Das PDF hat ${antwort.seiten ?? 'zu viele'} Seiten (höchstens ${o.maxSeiten} erlaubt).`);
    case 'dekompressionsbombe':
      throw new Abbruch(
        'dekompressionsbombe',
        antwort.detail === 'speicher'
          ? 'Das PDF braucht zum Öffnen ungewöhnlich viel Speicher (möglicherweise eine Dekompressionsbombe) und wird nicht geöffnet.'
          : 'Das PDF enthält Bilder oder Datenströme, die entpackt ungewöhnlich groß werden (Dekompressionsbombe), und wird nicht geöffnet.',
      );
    case 'zeitueberschreitung':
      throw new Abbruch('zeitueberschreitung', `Das Öffnen des PDF dauerte länger als ${Math.round(o.timeoutMs / 1000)} s und wurde abgebrochen.`);
    default:
      throw new Abbruch('beschaedigt', 'Das PDF ist beschädigt und lässt sich nicht öffnen.');
  }
}
