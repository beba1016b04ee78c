/**
 * Retention of what the engine itself stores (not the E-Akte: that is the DMS's job). One rule per
 * kind, ages from the environment (or the workflow input):
 *
 * | rule              | what                                                        | default |
 * |-------------------|-------------------------------------------------------------|---------|
 * | seitenbilder      | `<data>/posteingang/<hash>/seite-*.jpg` (older: `.png`)     | 90 d    |
 * | ocr-text          | the other files of `<data>/posteingang/<hash>/` (lesung.json) | 180 d |
 * | eingangsdateien   | `<data>/store/eingang/<hash>.*` (the received originals)    | 90 d    |
 * | quarantaene       | files refused at intake (`<data>/intake/abgelehnt/`)        | 90 d    |
 * | emails            | `<data>/store/mail/<hash>.eml` (received e-mails as delivered; their documents have their own copies) | 90 d |
 * | audit             | closed audit segments (anchor kept, chain verifiable)       | 730 d   |
 *
 * Nothing of an open case is deleted: for a content hash, the file workflow `eingang-<hash40>`
 * (described, strongly consistent), every running document workflow `dok-<hash40>-*` and every
 * running Stapel `posteingangStapel` whose input names the content (visibility, then the Stapel's
 * start event, decoded by the client's codec: no worker needed) must be closed. Age is the file's
 * mtime. Idempotent: a second run finds less.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { auditFile, appendAudit, pruneAuditSegments } from '../../console/audit';
import { eingangWorkflowId } from '../../domain/eingang';
import { DOKUMENT_WORKFLOW, STAPEL_WORKFLOW } from '../../domain/posteingang';
import type { ActivityDeps } from '../index';

export const AUFBEWAHRUNG_REGELN = ['seitenbilder', 'ocr-text', 'eingangsdateien', 'quarantaene', 'audit', 'emails'] as const;
export type AufbewahrungRegel = (typeof AUFBEWAHRUNG_REGELN)[number];

export const REGEL_LABELS: Record<AufbewahrungRegel, string> = {
  seitenbilder: 'Seitenbilder',
  'ocr-text': 'OCR-Texte und Lesungen',
  eingangsdateien: 'Eingangsdateien (Originale)',
  quarantaene: 'Bei der Annahme abgelehnte Dateien',
  emails: 'Empfangene E-Mails (Originale)',
  audit: 'Audit-Segmente',
};

const tage = (d: number) => z.coerce.number().int().min(1).max(36500).default(d);
export const aufbewahrungEnvSchema = z.object({
  AUFBEWAHRUNG_SEITENBILDER_TAGE: tage(90),
  AUFBEWAHRUNG_OCR_TAGE: tage(180),
  AUFBEWAHRUNG_EINGANG_TAGE: tage(90),
  AUFBEWAHRUNG_QUARANTAENE_TAGE: tage(90),
  AUFBEWAHRUNG_EMAIL_TAGE: tage(90),
  AUFBEWAHRUNG_AUDIT_TAGE: tage(730),
  /** Folder of files refused at intake (default <data>/intake/abgelehnt, next to the scanner folder). */
  AUFBEWAHRUNG_QUARANTAENE_DIR: z.string().trim().optional().transform((v) => (v ? v : undefined)),
});

export type Fristen = Record<AufbewahrungRegel, number>;

export function loadFristen(env: NodeJS.ProcessEnv = process.env): Fristen & { quarantaeneDir?: string } {
  const p = aufbewahrungEnvSchema.safeParse(env);
  if (!p.success) throw new Error(`Ungültige Aufbewahrungsfristen: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = p.data;
  return {
    seitenbilder: e.AUFBEWAHRUNG_SEITENBILDER_TAGE,
    'ocr-text': e.AUFBEWAHRUNG_OCR_TAGE,
    eingangsdateien: e.AUFBEWAHRUNG_EINGANG_TAGE,
    quarantaene: e.AUFBEWAHRUNG_QUARANTAENE_TAGE,
    emails: e.AUFBEWAHRUNG_EMAIL_TAGE,
    audit: e.AUFBEWAHRUNG_AUDIT_TAGE,
    quarantaeneDir: e.AUFBEWAHRUNG_QUARANTAENE_DIR,
  };
}

export interface AufbewahrungInput {
  /** Ages in days per rule (override of the environment). */
  fristen?: Partial<Fristen>;
  /** Count only, delete nothing. */
  trockenlauf?: boolean;
}

export interface RegelErgebnis {
  regel: AufbewahrungRegel;
  tage: number;
  geloescht: number;
  bytes: number;
  /** Items old enough but kept because their case is still open. */
  behaltenOffen: number;
  fehler: number;
}

export interface AufbewahrungsBericht {
  lauf: string;
  trockenlauf: boolean;
  regeln: RegelErgebnis[];
  summe: { geloescht: number; bytes: number; behaltenOffen: number; fehler: number };
  berichtDatei?: string;
}

const HASH_DIR = /^[0-9a-f]{64}$/;
const HASH_FILE = /^([0-9a-f]{64})\.[a-z0-9]{1,5}$/;

/** Which content hashes belong to an open case (running file, document or Stapel workflow). */
export class OffeneFaelle {
  private laufendeDokumente?: Set<string>;
  private laufendeStapel?: Set<string>;
  private cache = new Map<string, boolean>();

  constructor(private readonly client: Client) {}

  private async dokumentPraefixe(): Promise<Set<string>> {
    if (!this.laufendeDokumente) {
      const s = new Set<string>();
      for await (const wf of this.client.workflow.list({ query: `WorkflowType = '${DOKUMENT_WORKFLOW}' AND ExecutionStatus = 'Running'`, pageSize: 1000 })) {
        const m = /^dok-([0-9a-f]{40})-/.exec(wf.workflowId);
        if (m) s.add(m[1]!);
      }
      this.laufendeDokumente = s;
    }
    return this.laufendeDokumente;
  }

  /** Content hashes of all running Stapel workflows. */
  private async stapelHashes(): Promise<Set<string>> {
    if (!this.laufendeStapel) {
      const s = new Set<string>();
      for await (const wf of this.client.workflow.list({ query: `WorkflowType = '${STAPEL_WORKFLOW}' AND ExecutionStatus = 'Running'`, pageSize: 1000 })) {
        for (const h of await this.stapelEingaenge(wf.workflowId, wf.runId)) s.add(h);
      }
      this.laufendeStapel = s;
    }
    return this.laufendeStapel;
  }

  /**
   * The content hashes a Stapel was started with (`eingaenge[].contentHash` of its input), read from
   * its start event: the input is encrypted, the client's codecs decode it. A Stapel whose input
   * cannot be read fails the rule (retried) rather than letting its files be deleted.
   */
  private async stapelEingaenge(workflowId: string, runId: string): Promise<string[]> {
    const { history } = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.client.options.namespace, execution: { workflowId, runId }, maximumPageSize: 1,
    });
    const start = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
    if (!start) throw new Error(`Stapel ${workflowId}: Startereignis nicht lesbar`);
    const dc = this.client.options.loadedDataConverter;
    let payloads = start.input?.payloads ?? [];
    for (const codec of [...dc.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    const input = payloads[0] ? dc.payloadConverter.fromPayload<{ eingaenge?: { contentHash?: unknown }[] }>(payloads[0]) : undefined;
    if (!Array.isArray(input?.eingaenge)) throw new Error(`Stapel ${workflowId}: Eingabe ohne Eingänge`);
    return input.eingaenge.map((e) => e?.contentHash).filter((h): h is string => typeof h === 'string' && HASH_DIR.test(h));
  }

  async offen(hash: string): Promise<boolean> {
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached;
    let offen = (await this.dokumentPraefixe()).has(hash.slice(0, 40)) || (await this.stapelHashes()).has(hash);
    if (!offen) {
      try {
        const d = await this.client.workflow.getHandle(eingangWorkflowId(hash)).describe();
        offen = d.status.name === 'RUNNING';
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    this.cache.set(hash, offen);
    return offen;
  }
}

async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

interface Kandidat {
  file: string;
  hash?: string;
}

async function kandidaten(regel: AufbewahrungRegel, dataDir: string, quarantaeneDir: string): Promise<Kandidat[]> {
  const out: Kandidat[] = [];
  if (regel === 'seitenbilder' || regel === 'ocr-text') {
    const root = path.join(dataDir, 'posteingang');
    for (const d of await entries(root)) {
      if (!d.isDirectory() || !HASH_DIR.test(d.name)) continue;
      for (const f of await entries(path.join(root, d.name))) {
        if (!f.isFile()) continue;
        const bild = /^seite-\d+\.(png|jpg)$/.test(f.name);
        if ((regel === 'seitenbilder') === bild) out.push({ file: path.join(root, d.name, f.name), hash: d.name });
      }
    }
  } else if (regel === 'eingangsdateien') {
    const root = path.join(dataDir, 'store', 'eingang');
    for (const f of await entries(root)) {
      const m = f.isFile() ? HASH_FILE.exec(f.name) : null;
      if (m) out.push({ file: path.join(root, f.name), hash: m[1] });
    }
  } else if (regel === 'quarantaene') {
    for (const f of await entries(quarantaeneDir)) if (f.isFile()) out.push({ file: path.join(quarantaeneDir, f.name) });
  } else if (regel === 'emails') {
    const root = path.join(dataDir, 'store', 'mail');
    for (const f of await entries(root)) if (f.isFile() && f.name.endsWith('.eml')) out.push({ file: path.join(root, f.name) });
  }
  return out;
}

export function createAufbewahrungActivities(deps: ActivityDeps) {
  return {
    /** Applies one rule; heartbeats its progress. */
    async aufbewahrungRegel(a: { regel: AufbewahrungRegel; input?: AufbewahrungInput }): Promise<RegelErgebnis> {
      const env = loadFristen();
      const t = a.input?.fristen?.[a.regel] ?? env[a.regel];
      const trocken = a.input?.trockenlauf === true;
      const grenze = Date.now() - t * 86_400_000;
      const ergebnis: RegelErgebnis = { regel: a.regel, tage: t, geloescht: 0, bytes: 0, behaltenOffen: 0, fehler: 0 };
      if (a.regel === 'audit') {
        const r = await pruneAuditSegments(path.join(deps.dataDir, 'audit', 'audit.jsonl'), new Date(grenze), { dryRun: trocken });
        return { ...ergebnis, geloescht: r.deletedSegments, bytes: r.bytes };
      }
      const ctx = Context.current();
      const offene = new OffeneFaelle(ctx.client);
      const quarantaeneDir = env.quarantaeneDir ? path.resolve(env.quarantaeneDir) : path.join(deps.dataDir, 'intake', 'abgelehnt');
      const liste = await kandidaten(a.regel, deps.dataDir, quarantaeneDir);
      for (const [i, k] of liste.entries()) {
        if (i % 100 === 0) ctx.heartbeat({ regel: a.regel, i });
        try {
          const st = await fs.stat(k.file);
          if (st.mtimeMs >= grenze) continue;
          if (k.hash && (await offene.offen(k.hash))) {
            ergebnis.behaltenOffen += 1;
            continue;
          }
          if (!trocken) await fs.rm(k.file, { force: true });
          ergebnis.geloescht += 1;
          ergebnis.bytes += st.size;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted meanwhile
          ergebnis.fehler += 1;
          deps.log?.warn({ regel: a.regel, err: (err as Error).message }, 'aufbewahrung: file not deleted');
        }
      }
      // Empty hash folders go too (never one with files left).
      if (!trocken && (a.regel === 'seitenbilder' || a.regel === 'ocr-text')) {
        const root = path.join(deps.dataDir, 'posteingang');
        for (const d of await entries(root)) {
          if (d.isDirectory() && HASH_DIR.test(d.name)) await fs.rmdir(path.join(root, d.name)).catch(() => undefined);
        }
      }
      return ergebnis;
    },

    /** Writes the run's report (JSON) and records the run in the audit trail. */
    async aufbewahrungBericht(a: { lauf: string; trockenlauf: boolean; regeln: RegelErgebnis[] }): Promise<AufbewahrungsBericht> {
      const summe = a.regeln.reduce((s, r) => ({ geloescht: s.geloescht + r.geloescht, bytes: s.bytes + r.bytes, behaltenOffen: s.behaltenOffen + r.behaltenOffen, fehler: s.fehler + r.fehler }), { geloescht: 0, bytes: 0, behaltenOffen: 0, fehler: 0 });
      const dir = path.join(deps.dataDir, 'betrieb', 'aufbewahrung');
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${a.lauf.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120)}.json`;
      const bericht: AufbewahrungsBericht = { ...a, summe, berichtDatei: path.join(dir, name) };
      await fs.writeFile(bericht.berichtDatei!, JSON.stringify({ ...bericht, erstellt: new Date().toISOString() }, null, 2) + '\n', { mode: 0o600 });
      await appendAudit(auditFile({ dataDir: deps.dataDir } as Parameters<typeof auditFile>[0]), {
        actor: '(system)', role: '-', action: a.trockenlauf ? 'aufbewahrung.trockenlauf' : 'aufbewahrung.lauf',
        target: a.regeln.map((r) => `${r.regel}: ${r.geloescht} gelöscht (${r.bytes} B), ${r.behaltenOffen} offen behalten`).join('; '),
        outcome: summe.fehler > 0 ? 'fehler' : 'erfolg',
      });
      return bericht;
    },
  };
}
