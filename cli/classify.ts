/**
 * `aktenlauf classify FILE... [--json]`: reads files (text layer or in-process OCR, split into
 * documents) and recognises each document's type, BG-Nummer and Kundennummer with the active
 * model — without a running stack. One result per file, in input order; a file that cannot be
 * read gives `{ file, error }` with a German reason, and the next file follows.
 * With --json: one JSON object per line (JSON Lines).
 */
import fs from 'node:fs/promises';
import { EINGANGSART_LABELS, type Eingangsart, type Seite, type Teil } from '../domain/posteingang';
import type { Klassifikator } from '../activities/erkennung/klassifikation';
import { ladeKlassifikator } from '../activities/erkennung/modell';
import { leseDatei } from '../activities/erkennung/lesen';
import { createLokaleOcr, type OcrEngine } from '../activities/erkennung/ocr';
import { erkenneMediaType } from '../activities/erkennung/seiten';

export interface DokumentErgebnis {
  seiten: number[];
  dokumentart: Eingangsart;
  confidence: number;
  bgNummer: string | null;
  kundennummer: string | null;
}

export type DateiErgebnis =
  | (Omit<DokumentErgebnis, 'seiten'> & {
      file: string;
      pages: number;
      ocr: { used: boolean; meanConfidence: number | null };
      modellVersion: string;
      /** Present when the file holds several documents (separator sheets, barcodes, blank pages). */
      dokumente?: DokumentErgebnis[];
    })
  | { file: string; error: string };

/** An OCR engine that starts tesseract only when a page needs it (born-digital PDFs never do). */
function bedarfsOcr(workers: number): OcrEngine & { gestartet(): boolean } {
  let engine: Promise<OcrEngine> | undefined;
  return {
    erkenne: async (png, opts) => {
      engine ??= createLokaleOcr({ workers });
      return (await engine).erkenne(png, opts);
    },
    close: async () => {
      if (engine) await (await engine).close();
    },
    gestartet: () => engine !== undefined,
  };
}

function dokument(k: Klassifikator, seiten: Seite[], teil: Teil, eingangsdatum: string): DokumentErgebnis {
  const text = seiten
    .filter((s) => teil.seiten.includes(s.nr))
    .map((s) => s.text)
    .join('\n');
  const e = k.erkenne(text, { eingangsdatum });
  const barcodeArt = teil.barcodeDokumentart;
  return {
    seiten: teil.seiten,
    dokumentart: barcodeArt ?? e.dokumentart,
    confidence: barcodeArt ? 1 : Math.round(e.confidence * 10000) / 10000,
    bgNummer: teil.barcodeBgNummer ?? e.merkmale.bgNummern[0] ?? null,
    kundennummer: e.merkmale.kundennummern[0] ?? null,
  };
}

function grund(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'Datei nicht gefunden';
  if (e.code === 'EISDIR') return 'ist ein Verzeichnis, keine Datei';
  if (e.code === 'EACCES') return 'keine Leseberechtigung';
  return e.message || String(err);
}

export async function klassifiziereDateien(
  dateien: string[],
  opts: { dataDir?: string; eingangsdatum?: string; ocrWorkers?: number; ergebnis?: (r: DateiErgebnis) => void } = {},
): Promise<DateiErgebnis[]> {
  const k = await ladeKlassifikator({ dataDir: opts.dataDir });
  const eingangsdatum = opts.eingangsdatum ?? new Date().toISOString().slice(0, 10);
  const ocr = bedarfsOcr(opts.ocrWorkers ?? 1);
  const out: DateiErgebnis[] = [];
  try {
    for (const file of dateien) {
      let r: DateiErgebnis;
      try {
        const inhalt = await fs.readFile(file);
        if (inhalt.length === 0) throw new Error('Datei ist leer');
        const mediaType = erkenneMediaType(inhalt);
        if (!mediaType) throw new Error('Dateiformat nicht erkannt (erwartet: PDF, TIFF, PNG oder JPEG)');
        const { seiten, teile } = await leseDatei(inhalt, mediaType, { ocr });
        const dokumente = teile.map((t) => dokument(k, seiten, t, eingangsdatum));
        const ocrSeiten = seiten.filter((s) => s.quelle === 'ocr');
        const konfidenzen = ocrSeiten.map((s) => s.meanConfidence).filter((c): c is number => typeof c === 'number');
        const erstes = dokumente[0];
        if (!erstes) throw new Error('Kein Dokument in der Datei (nur leere Seiten oder Trennblätter)');
        const { seiten: _seiten, ...kopf } = erstes;
        r = {
          file,
          ...kopf,
          pages: seiten.length,
          ocr: { used: ocrSeiten.length > 0, meanConfidence: konfidenzen.length ? Math.round((konfidenzen.reduce((a, b) => a + b, 0) / konfidenzen.length) * 10) / 10 : null },
          modellVersion: k.modellVersion,
          ...(dokumente.length > 1 ? { dokumente } : {}),
        };
      } catch (err) {
        r = { file, error: grund(err) };
      }
      out.push(r);
      opts.ergebnis?.(r);
    }
  } finally {
    await ocr.close();
  }
  return out;
}

function zeile(r: DateiErgebnis): string {
  if ('error' in r) return `${r.file}: FEHLER – ${r.error}\n`;
  const teile = (r.dokumente ?? [{ ...r, seiten: [] }]).map(
    (d) =>
      `${EINGANGSART_LABELS[d.dokumentart]} (${(d.confidence * 100).toFixed(1)} %)` +
      (d.bgNummer ? `, BG ${d.bgNummer}` : '') +
      (d.kundennummer ? `, Kunde ${d.kundennummer}` : '') +
      (d.seiten.length ? ` [S. ${d.seiten.join(',')}]` : ''),
  );
  const ocr = r.ocr.used ? `, OCR ${r.ocr.meanConfidence ?? '?'}` : '';
  return `${r.file}: ${teile.join(' | ')} – ${r.pages} S.${ocr}\n`;
}

/** Entry from cli/aktenlauf.ts. Exit code 0 when every file was classified, 1 when any failed. */
export async function classify(dateien: string[], opts: { json: boolean; dataDir?: string }): Promise<number> {
  if (dateien.length === 0) {
    process.stderr.write('Aufruf: aktenlauf classify DATEI... [--json]\n');
    return 2;
  }
  const ergebnisse = await klassifiziereDateien(dateien, {
    dataDir: opts.dataDir,
    ergebnis: (r) => process.stdout.write(opts.json ? JSON.stringify(r) + '\n' : zeile(r)),
  });
  return ergebnisse.some((r) => 'error' in r) ? 1 : 0;
}
