/**
 * The heavy services the Posteingang activities use, created once per worker process and only
 * when first needed: the OCR engine (the OCR pool client by default; in-process tesseract.js with
 * AKTENLAUF_OCR=lokal) and the recognition model (cached by H2's `holeKlassifikator`, which reloads
 * when a retraining activated a new model or the rules changed). Replaceable in tests and benches.
 */
import type { Erkennung } from '../../domain/posteingang';
import { loadConfig } from '../../platform/config';
import { codecFromConfig } from '../../platform/temporal';
import { STANDARD_SCHWELLE, holeKlassifikator, speichereKorrektur } from '../erkennung';
import type { Korrektur } from '../erkennung/modell';
import type { OcrEngine } from '../erkennung/ocr';

/** The classifier as the Posteingang uses it (H2's `Klassifikator`). */
export interface DokumentKlassifikator {
  erkenne(text: string, opts: { eingangsdatum: string }): Erkennung | Promise<Erkennung>;
}

export type { Korrektur };

export interface PosteingangDienste {
  ocr?: () => Promise<OcrEngine>;
  klassifikator?: () => Promise<DokumentKlassifikator>;
  speichereKorrektur?: (k: Korrektur) => Promise<void>;
}

const offen = new Set<{ close(): Promise<void> }>();

/** Closes the OCR engines the Posteingang activities of this process started (worker shutdown, tests). */
export async function schliessePosteingangDienste(): Promise<void> {
  const alle = [...offen];
  offen.clear();
  await Promise.allSettled(alle.map((d) => d.close()));
}

export function createDienste(dataDir: string, redisUrl: () => string | undefined, override: PosteingangDienste = {}) {
  let ocr: Promise<OcrEngine> | undefined;

  async function neueOcr(): Promise<OcrEngine> {
    if (override.ocr) return override.ocr();
    if ((process.env.AKTENLAUF_OCR ?? 'pool') === 'lokal') {
      // Loaded on demand: a worker that never OCRs never loads tesseract.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { createLokaleOcr } = require('../erkennung/ocr') as typeof import('../erkennung/ocr');
      return createLokaleOcr({ workers: Number(process.env.OCR_WORKERS ?? 1) || 1 });
    }
    const url = redisUrl();
    if (!url) throw new Error('OCR-Pool: keine Redis-Adresse (AKTENLAUF_REDIS_URL_EFFECTIVE oder REDIS_URL)');
    const { createOcrPoolClient } = require('../erkennung/ocr-pool-client') as typeof import('../erkennung/ocr-pool-client');
    /* eslint-enable @typescript-eslint/no-require-imports */
    // The pool seals its results with the engine's payload codec (Redis never holds the text in clear).
    const codec = codecFromConfig(loadConfig({ ...process.env, AKTENLAUF_DATA_DIR: dataDir }), false).codec;
    return createOcrPoolClient({ redisUrl: url, dataDir, codec, ...(process.env.OCR_QUEUE_PREFIX ? { prefix: process.env.OCR_QUEUE_PREFIX } : {}) });
  }

  const dienste = {
    /** An OCR engine that starts only when a page needs OCR (born-digital files never start one). */
    ocr(): OcrEngine {
      const engine = () => (ocr ??= neueOcr().catch((err: unknown) => {
        ocr = undefined;
        throw err;
      }));
      return {
        erkenne: async (png, opts) => (await engine()).erkenne(png, opts),
        close: async () => undefined, // shared by the process; closed by close()
      };
    },
    async klassifikator(): Promise<DokumentKlassifikator> {
      return override.klassifikator ? override.klassifikator() : holeKlassifikator(dataDir);
    },
    async speichereKorrektur(k: Korrektur): Promise<void> {
      if (override.speichereKorrektur) return override.speichereKorrektur(k);
      speichereKorrektur(dataDir, k);
    },
    standardSchwelle(): number {
      return STANDARD_SCHWELLE;
    },
    async close(): Promise<void> {
      const o = ocr;
      ocr = undefined;
      if (o) await (await o.catch(() => undefined))?.close();
    },
  };
  offen.add(dienste);
  return dienste;
}

export type Dienste = ReturnType<typeof createDienste>;
