/**
 * /warteschlangen (IT-Administration): one view of what waits — workflows per process and state
 * (Temporal visibility), the BullMQ queues of robots and OCR, failed jobs. Drill into a failed
 * job (error, attempts, the robot's screenshot) and retry or abandon it with a reason. Business
 * exceptions are never retried automatically (the robot fails them with UnrecoverableError); a
 * person may retry one here after fixing the cause. Every view of a job and every decision is audited.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { parseFailure } from '../connectors/robot-pool/failure';
import type { BetriebContext } from './betrieb';
import { PAGES } from './roles';
import { jobDetailPage, warteschlangenPage, type FehlerJob, type JobDetail, type Vorfall } from './views/warteschlangen';

export const FEHLER_JOBS_LIMIT = 50;
export const VORFAELLE_LIMIT = 50;
const JOB_ID = /^[A-Za-z0-9:._-]{1,200}$/;
const grundSchema = z.object({ grund: z.string().trim().min(5).max(300) }).passthrough();

const MSG = {
  unbekannteQueue: 'Diese Warteschlange gibt es nicht.',
  unbekannterJob: 'Diesen Auftrag gibt es nicht (mehr).',
  grund: 'Bitte einen Grund angeben (5 bis 300 Zeichen).',
  nichtFehlgeschlagen: 'Der Auftrag ist nicht (mehr) fehlgeschlagen; nur fehlgeschlagene Aufträge können wiederholt oder aufgegeben werden.',
  keinBild: 'Zu diesem Auftrag gibt es kein Bildschirmfoto (nur bei technischen Fehlern der Roboter, 30 Tage lang).',
};

function fehlerJob(queue: string, j: Job): FehlerJob {
  const f = parseFailure(j.failedReason);
  return {
    queue,
    id: String(j.id),
    name: j.name,
    art: f?.art === 'BusinessError' ? 'fachlich' : 'technisch',
    code: f?.code,
    meldung: f?.meldung ?? (j.failedReason ?? 'ohne Angabe').slice(0, 300),
    versuche: j.attemptsMade,
    maxVersuche: j.opts.attempts,
    zeit: j.finishedOn ? new Date(j.finishedOn) : undefined,
  };
}

export function registerWarteschlangen(app: FastifyInstance, ctx: BetriebContext): void {
  const guard = ctx.requireRole(...PAGES.warteschlangen.roles);
  const leser = ctx.lage;
  const failuresRoot = path.resolve(ctx.cfg.dataDir, 'robots', 'failures');

  async function page(req: FastifyRequest, reply: FastifyReply, status: number, m: { erfolg?: string; fehler?: string } = {}): Promise<FastifyReply> {
    const { user, session } = req.auth!;
    const lage = await leser.lesen();
    const fehlerJobs: FehlerJob[] = [];
    for (const def of leser.warteschlangen) {
      try {
        for (const j of await leser.queue(def.name)!.getFailed(0, FEHLER_JOBS_LIMIT - 1)) fehlerJobs.push(fehlerJob(def.name, j));
      } catch {
        /* reported in lage.fehler */
      }
    }
    fehlerJobs.sort((a, b) => (b.zeit?.getTime() ?? 0) - (a.zeit?.getTime() ?? 0));
    // Incidents: workflows that failed or timed out in the last 7 days (ids are opaque keys).
    const vorfaelle: Vorfall[] = [];
    try {
      const seit = new Date(Date.now() - 7 * 86_400_000).toISOString();
      for await (const wf of ctx.temporal.workflow.list({ query: `ExecutionStatus IN ('Failed', 'TimedOut') AND CloseTime > '${seit}'`, pageSize: VORFAELLE_LIMIT })) {
        vorfaelle.push({ workflowId: wf.workflowId, runId: wf.runId, typ: wf.type, ablauf: wf.status.name, ende: wf.closeTime });
        if (vorfaelle.length >= VORFAELLE_LIMIT) break;
      }
    } catch {
      /* reported in lage.fehler (Temporal) */
    }
    return ctx.sendHtml(reply, status, warteschlangenPage({ user, csrf: session.csrf, lage, fehlerJobs: fehlerJobs.slice(0, FEHLER_JOBS_LIMIT), vorfaelle, namespace: ctx.cfg.temporal.namespace, ...m }));
  }

  app.get(PAGES.warteschlangen.path, { preHandler: guard }, async (req, reply) => {
    const { user } = req.auth!;
    await ctx.record({ actor: user.username, role: user.role, action: 'warteschlangen.ansehen', target: PAGES.warteschlangen.path, outcome: 'erfolg' });
    return page(req, reply, 200);
  });

  /** The job of a route, or a 404 answer (unknown queue, malformed or unknown id). */
  async function findJob(req: FastifyRequest<{ Params: { queue: string; id: string } }>, reply: FastifyReply): Promise<{ job: Job; def: (typeof leser.warteschlangen)[number] } | FastifyReply> {
    const { queue, id } = req.params;
    const def = leser.warteschlangen.find((w) => w.name === queue);
    if (!def) return ctx.refuse(req, reply, 404, MSG.unbekannteQueue);
    const job = JOB_ID.test(id) ? await leser.queue(queue)!.getJob(id) : undefined;
    if (!job) return ctx.refuse(req, reply, 404, MSG.unbekannterJob);
    return { job, def };
  }

  function artefakte(job: Job): string | undefined {
    const f = parseFailure(job.failedReason);
    if (!f?.artefakte) return undefined;
    const png = path.resolve(`${f.artefakte}.png`);
    // Only files inside the robot pool's failure folder (the reason string must not point elsewhere).
    if (!png.startsWith(failuresRoot + path.sep) || !fs.existsSync(png)) return undefined;
    return png;
  }

  app.get<{ Params: { queue: string; id: string } }>(`${PAGES.warteschlangen.path}/:queue/:id`, { preHandler: guard }, async (req, reply) => {
    const found = await findJob(req, reply);
    if (!('job' in found)) return found;
    const { job, def } = found;
    const { user, session } = req.auth!;
    const f = parseFailure(job.failedReason);
    const zustand = await job.getState();
    const logs = await leser.queue(def.name)!.getJobLogs(String(job.id), 0, 49).catch(() => ({ logs: [] as string[] }));
    const detail: JobDetail = {
      def, id: String(job.id), name: job.name, zustand,
      art: job.failedReason ? (f?.art === 'BusinessError' ? 'fachlich' : 'technisch') : undefined,
      code: f?.code, meldung: f?.meldung ?? job.failedReason ?? undefined,
      versuche: job.attemptsMade, maxVersuche: job.opts.attempts,
      erstellt: job.timestamp ? new Date(job.timestamp) : undefined,
      beendet: job.finishedOn ? new Date(job.finishedOn) : undefined,
      protokoll: logs.logs.map((l) => l.slice(0, 500)),
      bildschirmfoto: artefakte(job) !== undefined,
    };
    await ctx.record({ actor: user.username, role: user.role, action: 'auftrag.ansehen', target: `${def.name}/${detail.id} (${job.name})`, outcome: 'erfolg' });
    return ctx.sendHtml(reply, 200, jobDetailPage({ user, csrf: session.csrf, job: detail }));
  });

  app.get<{ Params: { queue: string; id: string } }>(`${PAGES.warteschlangen.path}/:queue/:id/bildschirmfoto`, { preHandler: guard }, async (req, reply) => {
    const found = await findJob(req, reply);
    if (!('job' in found)) return found;
    const { user } = req.auth!;
    const png = artefakte(found.job);
    if (!png) return ctx.refuse(req, reply, 404, MSG.keinBild);
    await ctx.record({ actor: user.username, role: user.role, action: 'auftrag.bildschirmfoto', target: `${found.def.name}/${String(found.job.id)}`, outcome: 'erfolg' });
    return reply.code(200).type('image/png').send(await fs.promises.readFile(png));
  });

  for (const aktion of ['wiederholen', 'aufgeben'] as const) {
    app.post<{ Params: { queue: string; id: string } }>(`${PAGES.warteschlangen.path}/:queue/:id/${aktion}`, { preHandler: guard }, async (req, reply) => {
      const found = await findJob(req, reply);
      if (!('job' in found)) return found;
      const { job, def } = found;
      const { user, session } = req.auth!;
      const target = `${def.name}/${String(job.id)} (${job.name})`;
      const body = grundSchema.safeParse(req.body ?? {});
      const refuse = async (message: string, status: number) => {
        await ctx.record({ actor: user.username, role: user.role, action: `auftrag.${aktion}`, target: `${target}: ${message}`, outcome: 'abgelehnt' });
        const f = parseFailure(job.failedReason);
        const detail: JobDetail = {
          def, id: String(job.id), name: job.name, zustand: await job.getState(), art: f?.art === 'BusinessError' ? 'fachlich' : 'technisch', code: f?.code,
          meldung: f?.meldung ?? job.failedReason ?? undefined, versuche: job.attemptsMade, maxVersuche: job.opts.attempts, protokoll: [], bildschirmfoto: artefakte(job) !== undefined,
        };
        return ctx.sendHtml(reply, status, jobDetailPage({ user, csrf: session.csrf, job: detail, fehler: message }));
      };
      if (!body.success) return refuse(MSG.grund, 400);
      if ((await job.getState()) !== 'failed') return refuse(MSG.nichtFehlgeschlagen, 409);
      const grund = body.data.grund;
      if (aktion === 'wiederholen') await job.retry('failed');
      else await job.remove();
      await ctx.record({ actor: user.username, role: user.role, action: `auftrag.${aktion}`, target: `${target} (Grund: ${grund})`, outcome: 'erfolg' });
      return page(req, reply, 200, { erfolg: aktion === 'wiederholen' ? `Auftrag ${String(job.id)} wird erneut versucht.` : `Auftrag ${String(job.id)} wurde aufgegeben und entfernt.` });
    });
  }
}
