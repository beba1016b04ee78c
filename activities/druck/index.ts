/**
 * Activities of the Zentraldruck (workflows/zentraldruck): render a letter into the store,
 * check it as the print centre will, join the day's batch, submit a batch and follow it, file a
 * posted letter into the E-Akte, and the daily cut-off. All idempotent: each may run twice.
 *
 * Logs name letters by their opaque briefId and batches by their day only; addresses and
 * BG-Nummern never appear in logs or errors.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { DateTime } from 'luxon';
import { isBusinessError, TechnicalError } from '../../connectors/errors';
import { istGueltigeKennung, type AuftragsStatus } from '../../connectors/druckzentrum/port';
import { pruefeBrief } from '../../connectors/druckzentrum/preflight';
import { pruefeAnschrift, VorlagenFehler } from '../../domain/brief';
import {
  ANNAHMESCHLUSS_SIGNAL, BRIEF_ANMELDEN_SIGNAL, STANDARD_POLICY, TAGESBATCH_WORKFLOW, tagesbatchWorkflowId,
  type BatchBrief, type TagesbatchInput, type ZentraldruckPolicy,
} from '../../domain/briefdruck';
import { feiertageVon, istArbeitstag, naechsterArbeitstag, naechsterArbeitstagAbHeute } from '../../domain/fristen';
import { berlinDate } from '../../domain/zeit';
import type { BriefArt, BriefAuftrag, BriefErgebnis } from '../../domain/zentraldruck';
import type { ActivityDeps } from '../index';
import { requireConnectors } from '../index';
import { renderBrief } from './briefe/render';
import { Vorlagen } from './briefe/vorlagen';
import { loadDruckConfig } from './config';
import { createAusgabeActivities } from './ausgabe';

const ZONE = 'Europe/Berlin';
/** Folder of rendered letters in the data dir. */
export const BRIEF_STORE = path.join('store', 'druck');

/** Connector errors → Temporal failures: business answers are not retried, technical ones are. */
function alsFailure(err: unknown): never {
  if (err instanceof ApplicationFailure) throw err;
  if (isBusinessError(err)) throw ApplicationFailure.nonRetryable(err.message, err.code);
  if (err instanceof TechnicalError) {
    const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
    throw ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: false, nextRetryDelay: retryAfterMs });
  }
  throw err;
}

/** Opaque, centre-safe id of a letter attempt: the briefId itself when it is a plain short id. */
export function zentrumsKennung(briefId: string, versuch: number): string {
  const basis = istGueltigeKennung(briefId) && briefId.length <= 70 ? briefId : `b-${createHash('sha256').update(briefId).digest('hex').slice(0, 32)}`;
  return versuch > 1 ? `${basis}-v${versuch}` : basis;
}

/** Deterministic UUID (name-based, SHA-1 like RFC 4122 v5) of the E-Akte document of a letter. */
export function eakteDokumentId(briefId: string): string {
  const h = createHash('sha1').update(`aktenlauf-zentraldruck\u001f${briefId}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The cut-off instant of a day (ISO, UTC). */
export function annahmeschlussAm(tag: string, uhrzeit: string): DateTime {
  return DateTime.fromISO(`${tag}T${uhrzeit}`, { zone: ZONE });
}

/** The batch day a letter registered at `jetzt` joins: today before the cut-off on a working day, else the next working day. */
export function batchTag(jetzt: Date, policy: Pick<ZentraldruckPolicy, 'annahmeschluss' | 'land'>, nichtVor?: string): string {
  const feiertage = feiertageVon(policy.land);
  const heute = berlinDate(jetzt);
  const start = nichtVor && nichtVor > heute ? nichtVor : heute;
  let tag = naechsterArbeitstagAbHeute(start, feiertage);
  if (tag === heute && jetzt.getTime() >= annahmeschlussAm(heute, policy.annahmeschluss).toMillis()) tag = naechsterArbeitstag(heute, feiertage);
  return tag;
}

function imDatenverzeichnis(dataDir: string, rel: string): string {
  const root = path.resolve(dataDir);
  const abs = path.resolve(root, rel);
  if (!abs.startsWith(root + path.sep)) throw ApplicationFailure.nonRetryable('Der Ablagepfad des Briefs liegt außerhalb des Datenverzeichnisses.', 'PFAD_UNGUELTIG');
  return abs;
}

async function schreibeAtomar(datei: string, inhalt: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(datei), { recursive: true });
  const tmp = `${datei}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, inhalt);
  await fs.rename(tmp, datei);
}

export interface GerenderterBrief {
  pdfPfad: string;
  seiten: number;
  zentrumsId: string;
  sha256: string;
  betreff: string;
}

export interface PreflightAntwort {
  ok: boolean;
  seiten: number;
  fehlercode?: string;
  grund?: string;
}

export function createDruckActivities(deps: ActivityDeps) {
  const cfg = loadDruckConfig(process.env);
  const vorlagen = new Vorlagen(cfg.vorlagenDir);
  const log = deps.log?.child({ prozess: 'zentraldruck' });
  const ergebnisDatei = (briefId: string) => imDatenverzeichnis(deps.dataDir, path.join(BRIEF_STORE, 'ergebnisse', `${zentrumsKennung(briefId, 1)}.json`));

  return {
    ...createAusgabeActivities(deps.dataDir),

    /** The site's policy (environment), with overrides from the workflow input (tests, special runs). */
    async ladeDruckPolicy(overrides?: Partial<ZentraldruckPolicy>): Promise<ZentraldruckPolicy> {
      return { ...STANDARD_POLICY, ...cfg.policy, ...(overrides ?? {}) };
    },

    /**
     * The result of an earlier run of this letter (a finished workflow whose id was started
     * again): the letter is not posted twice.
     */
    async frueheresBriefErgebnis(briefId: string): Promise<BriefErgebnis | null> {
      try {
        return JSON.parse(await fs.readFile(ergebnisDatei(briefId), 'utf8')) as BriefErgebnis;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },

    async merkeBriefErgebnis(briefId: string, ergebnis: BriefErgebnis): Promise<void> {
      await schreibeAtomar(ergebnisDatei(briefId), Buffer.from(JSON.stringify(ergebnis)));
    },

    /** Renders (or takes) the PDF of one attempt into the store; the same attempt again returns the stored file. */
    async erstelleBrief(auftrag: BriefAuftrag, versuch: number): Promise<GerenderterBrief> {
      const zentrumsId = zentrumsKennung(auftrag.briefId, versuch);
      if (auftrag.art === 'FACHVERFAHREN_BESCHEID') {
        if (!auftrag.pdfPfad) throw ApplicationFailure.nonRetryable('Für den Bescheid aus dem Fachverfahren ist kein PDF angegeben.', 'PDF_FEHLT');
        const abs = imDatenverzeichnis(deps.dataDir, auftrag.pdfPfad);
        let pdf: Buffer;
        try {
          pdf = await fs.readFile(abs);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw ApplicationFailure.nonRetryable('Das PDF des Bescheids fehlt im Speicher.', 'PDF_FEHLT');
          throw err;
        }
        return { pdfPfad: path.relative(deps.dataDir, abs), seiten: 0, zentrumsId, sha256: createHash('sha256').update(pdf).digest('hex'), betreff: 'Bescheid' };
      }
      const anschriftFehler = pruefeAnschrift(auftrag.empfaenger);
      if (anschriftFehler) throw ApplicationFailure.nonRetryable(`Der Brief kann nicht erstellt werden: ${anschriftFehler}`, 'ANSCHRIFT_UNGUELTIG');
      const rel = path.join(BRIEF_STORE, `${zentrumsId}.pdf`);
      const abs = imDatenverzeichnis(deps.dataDir, rel);
      const metaDatei = `${abs}.json`;
      try {
        const meta = JSON.parse(await fs.readFile(metaDatei, 'utf8')) as GerenderterBrief;
        await fs.access(abs);
        return meta;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      let r: Awaited<ReturnType<typeof renderBrief>>;
      try {
        r = await renderBrief({ ...auftrag, art: auftrag.art as Exclude<BriefArt, 'FACHVERFAHREN_BESCHEID'>, datum: berlinDate(new Date()) }, vorlagen);
      } catch (err) {
        if (err instanceof VorlagenFehler) throw ApplicationFailure.nonRetryable(err.message, 'BRIEF_VORLAGE');
        throw err;
      }
      await schreibeAtomar(abs, r.pdf);
      const meta: GerenderterBrief = { pdfPfad: rel, seiten: r.seiten, zentrumsId, sha256: createHash('sha256').update(r.pdf).digest('hex'), betreff: r.betreff };
      await schreibeAtomar(metaDatei, Buffer.from(JSON.stringify(meta)));
      log?.info({ briefId: auftrag.briefId, art: auftrag.art, seiten: r.seiten }, 'brief gerendert');
      return meta;
    },

    /** The print centre's checks, run by the engine itself on the stored PDF, plus the page limit. */
    async pruefeBriefPdf(a: { pdfPfad: string; maxSeiten: number }): Promise<PreflightAntwort> {
      let pdf: Buffer;
      try {
        pdf = await fs.readFile(imDatenverzeichnis(deps.dataDir, a.pdfPfad));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, seiten: 0, fehlercode: 'DATEI_FEHLT', grund: 'Das PDF des Briefs fehlt im Speicher.' };
        throw err;
      }
      const p = await pruefeBrief(pdf, { timeoutMs: 60_000 });
      if (!p.ok) return { ok: false, seiten: p.seiten, fehlercode: p.fehlercode, grund: p.grund };
      if (p.seiten > a.maxSeiten) {
        return { ok: false, seiten: p.seiten, fehlercode: 'ZU_VIELE_SEITEN', grund: `Der Brief hat ${p.seiten} Seiten; der Zentraldruck nimmt höchstens ${a.maxSeiten} Seiten an.` };
      }
      return { ok: true, seiten: p.seiten };
    },

    /**
     * Registers a letter with the batch of its day (signal-with-start of `druckbatch-<day>`). A
     * batch that has already ended cannot be restarted (REJECT_DUPLICATE): the letter goes to the
     * next working day's batch.
     */
    async meldeBriefAn(a: { brief: BatchBrief; policy: ZentraldruckPolicy; nichtVor?: string }): Promise<{ stichtag: string; batchWorkflowId: string }> {
      const ctx = Context.current();
      const client = ctx.client;
      const feiertage = feiertageVon(a.policy.land);
      let tag = batchTag(new Date(), a.policy, a.nichtVor);
      for (let i = 0; i < 30; i += 1) {
        const workflowId = tagesbatchWorkflowId(tag, a.policy.batchPraefix);
        const input: TagesbatchInput = { stichtag: tag, annahmeschlussUm: annahmeschlussAm(tag, a.policy.annahmeschluss).toUTC().toISO() as string, policy: a.policy };
        try {
          await client.workflow.signalWithStart(TAGESBATCH_WORKFLOW, {
            workflowId,
            taskQueue: ctx.info.taskQueue,
            args: [input],
            signal: BRIEF_ANMELDEN_SIGNAL,
            signalArgs: [a.brief],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
          return { stichtag: tag, batchWorkflowId: workflowId };
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          tag = naechsterArbeitstag(tag, feiertage);
        }
      }
      throw ApplicationFailure.nonRetryable('Kein offener Tagesbatch in den nächsten 30 Arbeitstagen gefunden.', 'KEIN_BATCH');
    },

    /** Hands one submission to the print centre; idempotent by batchId (also after a timeout with unknown result). */
    async reicheBatchEin(a: { batchId: string; briefe: BatchBrief[] }): Promise<{ auftragsId: string; neu: boolean }> {
      const druckzentrum = requireConnectors(deps).druckzentrum;
      const briefe = await Promise.all(a.briefe.map(async (b) => ({ briefId: b.briefId, pdf: await fs.readFile(imDatenverzeichnis(deps.dataDir, b.pdfPfad)), seiten: b.seiten })));
      try {
        const r = await druckzentrum.submit({ batchId: a.batchId, briefe });
        log?.info({ batchId: a.batchId, briefe: briefe.length, neu: r.neu }, 'druckauftrag eingereicht');
        return r;
      } catch (err) {
        log?.warn({ batchId: a.batchId, err: (err as Error).message }, 'druckauftrag nicht eingereicht');
        return alsFailure(err);
      }
    },

    async frageBatchStatus(auftragsId: string): Promise<AuftragsStatus> {
      try {
        return await requireConnectors(deps).druckzentrum.status(auftragsId);
      } catch (err) {
        return alsFailure(err);
      }
    },

    /** Files a posted letter into the E-Akte (idempotent by the dokumentId derived from briefId). */
    async legeBriefAb(a: { briefId: string; pdfPfad: string; bgNummer: string; art: BriefArt; betreff: string; postausgangsdatum: string }): Promise<{ dokumentId: string; neu: boolean }> {
      const eakte = requireConnectors(deps).eakte;
      const dokumentId = eakteDokumentId(a.briefId);
      const inhalt = await fs.readFile(imDatenverzeichnis(deps.dataDir, a.pdfPfad));
      try {
        const r = await eakte.file(
          { dokumentId, inhalt, dateiname: `${a.art.toLowerCase()}-${a.postausgangsdatum}.pdf`, mimeType: 'application/pdf' },
          {
            bgNummer: a.bgNummer,
            betreff: a.betreff,
            dokumentart: a.art === 'FACHVERFAHREN_BESCHEID' ? 'BESCHEID' : 'SCHREIBEN',
            postausgangsdatum: a.postausgangsdatum,
          },
        );
        return { dokumentId: r.dokumentId, neu: r.neu };
      } catch (err) {
        return alsFailure(err);
      }
    },

    /** Cut-off of today's batch (started by the schedule): nothing on weekends and holidays of the Land. */
    async sendeAnnahmeschluss(a: { batchPraefix?: string; land?: ZentraldruckPolicy['land'] } = {}): Promise<'gesendet' | 'feiertag' | 'kein_batch'> {
      const land = a.land ?? cfg.policy.land;
      const heute = berlinDate(new Date());
      if (!istArbeitstag(heute, feiertageVon(land))) return 'feiertag';
      const workflowId = tagesbatchWorkflowId(heute, a.batchPraefix ?? cfg.policy.batchPraefix);
      try {
        await Context.current().client.workflow.getHandle(workflowId).signal(ANNAHMESCHLUSS_SIGNAL);
        log?.info({ stichtag: heute }, 'annahmeschluss gesendet');
        return 'gesendet';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'kein_batch';
        throw err;
      }
    },
  };
}
