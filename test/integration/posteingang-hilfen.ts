/**
 * Helpers of the Posteingang integration tests: born-digital letters as PDF (pdf-lib, DejaVu),
 * a barcode separator sheet (Code 128 "AKTENLAUF-TRENNBLATT" via zxing-wasm/writer, wasm from
 * node_modules), storing a file the way the intake does and starting its workflow.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont } from 'pdf-lib';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { WorkflowIdReusePolicy } from '@temporalio/common';
import { eingangWorkflowId, stapelWorkflowId, type EingangInput, type EingangsQuelle } from '../../domain/eingang';
import { STAPEL_WORKFLOW, type PosteingangPolicy } from '../../domain/posteingang';
import type { LaufenderOpenProsozSimulator } from '../../connectors/fachverfahren/open-prosoz/simulator';
import type { Haushalt } from '../../connectors/fachverfahren/port';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildConsole } from '../../console/server';
import type { Config } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { testConfig } from '../helpers/env';

const A4: [number, number] = [595.28, 841.89];

function dejavu(): Buffer {
  return fs.readFileSync(path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf'));
}

type Seitenteil = { zeilen: string[] } | { barcode: string };

async function barcodePng(text: string): Promise<Buffer> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const writer = require('zxing-wasm/writer') as typeof import('zxing-wasm/writer');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const wasm = fs.readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
  await writer.prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true });
  const r = await writer.writeBarcode(text, { format: 'Code128', scale: 4 });
  if (!r.image) throw new Error(`Barcode: ${r.error}`);
  return Buffer.from(await r.image.arrayBuffer());
}

/** A PDF with one page per entry: text lines, or a separator sheet with a barcode. */
export async function pdfAus(seiten: Seitenteil[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font: PDFFont = await doc.embedFont(dejavu(), { subset: true });
  for (const s of seiten) {
    const page = doc.addPage(A4);
    if ('barcode' in s) {
      const png = await doc.embedPng(await barcodePng(s.barcode));
      const breite = 300;
      const hoehe = (png.height / png.width) * breite;
      page.drawImage(png, { x: (A4[0] - breite) / 2, y: A4[1] / 2, width: breite, height: Math.max(hoehe, 80) });
      continue;
    }
    let y = A4[1] - 60;
    for (const zeile of s.zeilen) {
      if (y < 50) break;
      if (zeile.trim()) page.drawText(zeile.replace(/\t/g, '    '), { x: 60, y, size: 10, font });
      y -= 14;
    }
  }
  const fest = new Date('2026-01-01T00:00:00Z');
  doc.setCreationDate(fest);
  doc.setModificationDate(fest);
  return Buffer.from(await doc.save());
}

/** Stores the content as the intake does (store/eingang/<hash><ext>) and returns the workflow input. */
export function speichereEingang(cfg: Config, inhalt: Buffer, o: { fileName?: string; mediaType?: string; eingangsdatum?: string; quelle?: EingangsQuelle; hinweise?: EingangInput['hinweise'] } = {}): EingangInput {
  const contentHash = createHash('sha256').update(inhalt).digest('hex');
  const fileName = o.fileName ?? 'scan.pdf';
  const ext = path.extname(fileName).toLowerCase();
  fs.mkdirSync(cfg.intake.storeDir, { recursive: true });
  const abs = path.join(cfg.intake.storeDir, `${contentHash}${ext}`);
  fs.writeFileSync(abs, inhalt);
  return {
    contentHash, quelle: o.quelle ?? 'scanner', eingangsdatum: o.eingangsdatum ?? '2026-11-20', fileName,
    mediaType: o.mediaType ?? 'application/pdf', bytes: inhalt.length, storedPath: path.relative(cfg.dataDir, abs),
    ...(o.hinweise ? { hinweise: o.hinweise } : {}),
  };
}

export async function starteEingang(client: Client, cfg: Config, input: EingangInput, policy: Partial<PosteingangPolicy> = {}): Promise<WorkflowHandle> {
  return client.workflow.start('posteingang', {
    taskQueue: cfg.temporal.taskQueue,
    workflowId: eingangWorkflowId(input.contentHash),
    args: [input, { policy }],
  });
}

// ------------------------------------------------------------------ Stapel (posteingang-stapel.test.ts)

/**
 * The same PDF with `tag` as its subject: other bytes (content hash, workflow ids), the same pages and
 * text. Keeps fixed-seed letters of different test files apart on the shared dev server.
 */
export async function einmalig(pdf: Buffer, tag: string): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf);
  doc.setSubject(tag);
  return Buffer.from(await doc.save());
}

export const sha256Hex = (x: string | Buffer): string => createHash('sha256').update(x).digest('hex');

/** Starts a Stapel workflow over stored files as the intake does (id from the content hashes). */
export async function starteStapel(
  client: Client, cfg: Config, eingaenge: EingangInput[], policy: Partial<PosteingangPolicy> = {},
  o: { workflowIdReusePolicy?: WorkflowIdReusePolicy } = {},
): Promise<WorkflowHandle> {
  return client.workflow.start(STAPEL_WORKFLOW, {
    taskQueue: cfg.temporal.taskQueue,
    workflowId: stapelWorkflowId(eingaenge.map((e) => e.contentHash), sha256Hex),
    args: [{ eingaenge, policy }],
    ...(o.workflowIdReusePolicy !== undefined ? { workflowIdReusePolicy: o.workflowIdReusePolicy } : {}),
  });
}

/** The outside world and an engine for Posteingang tests: simulators, engine worker, the Fachverfahren's store and its households with people and a BWZ. */
export interface PosteingangWelt {
  world: TestWorld;
  engine: TestEngine;
  store: LaufenderOpenProsozSimulator['store'];
  haushalte: Haushalt[];
}

export async function startePosteingangWelt(o: { haushalte: number; lokaleOcr?: boolean }): Promise<PosteingangWelt> {
  if (o.lokaleOcr) process.env.AKTENLAUF_OCR = 'lokal';
  const cfg = testConfig({ SIMULATOR_HOUSEHOLDS: String(o.haushalte) });
  const world = await startTestWorld(cfg);
  const engine = await startTestEngine({ AKTENLAUF_DATA_DIR: cfg.dataDir }, { connectors: world.connectors });
  const store = (world.simulators.running.find((r) => r.spec.id === 'open-prosoz')!.sim as LaufenderOpenProsozSimulator).store;
  const haushalte = store.alleHaushalte().filter((h) => !h.aufgeloest && h.bewilligungszeitraeume.length > 0 && h.personen.length > 0);
  return { world, engine, store, haushalte };
}

/** The console on a free port against the test engine (as the Posteingang console tests use it). */
export async function starteKonsole(engine: TestEngine, name: string): Promise<{ app: FastifyInstance; redis: Redis; base: string }> {
  const { codec } = codecFromConfig(engine.cfg);
  const redis = new Redis(engine.cfg.redis.url);
  const app = await buildConsole({ cfg: engine.cfg, temporal: engine.client, codec, redis, redisUrl: engine.cfg.redis.url, log: createLogger(name, 'silent') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, redis, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
