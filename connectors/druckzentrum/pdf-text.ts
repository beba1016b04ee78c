/**
 * Text with positions from one page of a PDF, read with pdf.js (bundled in pdf-parse 2.x).
 *
 * Runs in a worker thread: PDFs from outside are untrusted input, and a file that makes pdf.js
 * loop must not block the process — a request that takes longer than its timeout terminates
 * the worker (the next request starts a fresh one). The worker also keeps pdf.js' dynamic
 * import of its own fake worker out of the caller's module system (it works in plain Node
 * and in Jest alike). The worker exits after a short idle time and never keeps the process
 * alive.
 *
 * pdf-parse 2.x has no public API for text positions; its (TypeScript-private) `load()` returns
 * the pdf.js document. The worker checks that it exists, so a pdf-parse upgrade that removes it
 * fails loudly in the tests instead of silently passing every letter.
 */
import { Worker } from 'node:worker_threads';

export interface TextStueck {
  str: string;
  /** Left edge of the text run, mm from the page's left edge. */
  x: number;
  /** Baseline, mm from the page's top edge. */
  y: number;
  /** Width of the run in mm. */
  w: number;
  /** Height (font size) in mm. */
  h: number;
}

export interface SeitenText {
  seiten: number;
  /** Size of the page as displayed (crop box, rotation applied), mm. */
  breiteMm: number;
  hoeheMm: number;
  stuecke: TextStueck[];
}

/** pdf.js could not open the file: `kennwort` is true when it needs a password. */
export class PdfLesefehler extends Error {
  override name = 'PdfLesefehler';
  constructor(message: string, public readonly kennwort: boolean) {
    super(message);
  }
}

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PDFParse } = require(workerData.pdfParse);
const PT_MM = 25.4 / 72;
parentPort.on('message', async (m) => {
  let parser;
  try {
    parser = new PDFParse({ data: m.data, password: m.password, verbosity: 0 });
    if (typeof parser.load !== 'function') throw new Error('pdf-parse: load() fehlt (Version geändert?)');
    const doc = await parser.load();
    const seite = Math.min(Math.max(1, m.seite || 1), doc.numPages);
    const page = await doc.getPage(seite);
    const vp = page.getViewport({ scale: 1 });
    const tc = await page.getTextContent();
    const stuecke = [];
    for (const it of tc.items) {
      if (!it || typeof it.str !== 'string' || it.str.trim() === '') continue;
      const p = vp.convertToViewportPoint(it.transform[4], it.transform[5]);
      stuecke.push({ str: it.str, x: p[0] * PT_MM, y: p[1] * PT_MM, w: (it.width || 0) * PT_MM, h: (it.height || 0) * PT_MM });
    }
    parentPort.postMessage({ id: m.id, ok: true, seiten: doc.numPages, breiteMm: vp.width * PT_MM, hoeheMm: vp.height * PT_MM, stuecke });
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, name: String((err && err.name) || 'Error'), message: String((err && err.message) || err) });
  } finally {
    if (parser) { try { await parser.destroy(); } catch { /* ignore */ } }
  }
});
`;

type Antwort =
  | { id: number; ok: true; seiten: number; breiteMm: number; hoeheMm: number; stuecke: TextStueck[] }
  | { id: number; ok: false; name: string; message: string };

interface Offen {
  resolve(v: SeitenText): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const IDLE_MS = 15000;
let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
const offen = new Map<number, Offen>();

function stopWorker(grund: Error): void {
  const w = worker;
  worker = undefined;
  if (idleTimer) clearTimeout(idleTimer);
  for (const [id, o] of offen) {
    clearTimeout(o.timer);
    o.reject(grund);
    offen.delete(id);
  }
  if (w) void w.terminate().catch(() => undefined);
}

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_CODE, { eval: true, workerData: { pdfParse: require.resolve('pdf-parse') } });
  w.unref();
  w.on('message', (a: Antwort) => {
    const o = offen.get(a.id);
    if (!o) return;
    offen.delete(a.id);
    clearTimeout(o.timer);
    if (a.ok) o.resolve({ seiten: a.seiten, breiteMm: a.breiteMm, hoeheMm: a.hoeheMm, stuecke: a.stuecke });
    else o.reject(new PdfLesefehler(a.message, a.name === 'PasswordException'));
    armIdle();
  });
  w.on('error', (err) => {
    if (worker === w) stopWorker(new PdfLesefehler(`PDF-Leser abgestürzt: ${err.message}`, false));
  });
  w.on('exit', () => {
    if (worker === w) stopWorker(new PdfLesefehler('PDF-Leser beendet', false));
  });
  worker = w;
  return w;
}

function armIdle(): void {
  if (idleTimer) clearTimeout(idleTimer);
  if (offen.size > 0) return;
  idleTimer = setTimeout(() => {
    if (offen.size === 0 && worker) stopWorker(new PdfLesefehler('PDF-Leser beendet', false));
  }, IDLE_MS);
  idleTimer.unref();
}

/** Text runs of one page (default: page 1) with their positions in mm from the top-left corner. */
export function leseSeitenText(pdf: Uint8Array, o: { seite?: number; kennwort?: string; timeoutMs?: number } = {}): Promise<SeitenText> {
  const w = ensureWorker();
  if (idleTimer) clearTimeout(idleTimer);
  const id = nextId++;
  const timeoutMs = o.timeoutMs ?? 20000;
  return new Promise<SeitenText>((resolve, reject) => {
    const timer = setTimeout(() => {
      offen.delete(id);
      // A stuck pdf.js cannot be interrupted: drop the worker, the next call starts a new one.
      stopWorker(new PdfLesefehler('PDF-Leser abgebrochen', false));
      reject(new PdfLesefehler(`PDF nicht innerhalb von ${timeoutMs} ms lesbar`, false));
    }, timeoutMs);
    offen.set(id, { resolve, reject, timer });
    // Copy: the caller's buffer stays untouched (a Buffer may share a pooled ArrayBuffer).
    w.postMessage({ id, data: Uint8Array.from(pdf), seite: o.seite ?? 1, password: o.kennwort });
  });
}

/** Stops the reader worker now (tests, shutdown); it restarts on the next call. */
export async function beendePdfLeser(): Promise<void> {
  const w = worker;
  stopWorker(new PdfLesefehler('PDF-Leser beendet', false));
  if (w) await w.terminate().catch(() => undefined);
}
