/**
 * The operations part of the console (issue 7), registered by buildConsole in one call:
 * /revision (audit trail), /zeitplaene (schedules), /warteschlangen (queues and failed jobs),
 * /metrics (Prometheus), and the alerts shown on /status and the overview.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Config } from '../platform/config';
import type { Secret } from '../connectors/credentials';
import { BetriebslageLeser, type Alarm, type Betriebslage, type WarteschlangeDef } from '../platform/metrics';
import type { AuditEvent } from './audit';
import { metricsToken, registerMetrics } from './metrics';
import { registerRevision } from './betrieb-revision';
import { registerWarteschlangen } from './betrieb-warteschlangen';
import { registerZeitplaene } from './betrieb-zeitplaene';
import type { Role } from './roles';

/** Options of the operations pages; tests isolate themselves with them (shared Temporal namespace and Redis). */
export interface BetriebOptionen {
  /** Prefix of the schedule ids ('' in production). */
  zeitplanPraefix?: string;
  /** BullMQ queues to show (default: robots-compass, robots-termine, ocr). */
  warteschlangen?: readonly WarteschlangeDef[];
  /** BullMQ key prefix (default BETRIEB_QUEUE_PREFIX or 'bull'). */
  queuePrefix?: string;
  /** Token for /metrics; undefined = from the environment, null = none. */
  metricsToken?: Secret | null;
  /** How long the operational picture is reused between page views (ms). */
  lageCacheMs?: number;
  /** How long the overview and status page wait for the alerts (ms, default 3000). */
  alarmTimeoutMs?: number;
}

export interface BetriebContext {
  cfg: Config;
  temporal: Client;
  redis: Redis;
  auditFile: string;
  optionen: Omit<BetriebOptionen, 'metricsToken'>;
  lage: BetriebslageLeser;
  /** The operational picture, at most lageCacheMs old. */
  lageAktuell(): Promise<Betriebslage>;
  record(event: AuditEvent): Promise<void>;
  requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
  refuse(req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply;
  sendHtml(reply: FastifyReply, status: number, page: string): FastifyReply;
}

export interface BetriebHandle {
  /** Alerts for a role: IT-Administration and Leitung see them, others get none. */
  alarmeFuer(role: Role): Promise<Alarm[] | undefined>;
}

/** Method and URL of every route of an app, collected as they are registered (for the roles × routes test). */
const ROUTES = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

export function collectRoutes(app: FastifyInstance): void {
  const list: { method: string; url: string }[] = [];
  ROUTES.set(app, list);
  app.addHook('onRoute', (r) => {
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) list.push({ method: String(method), url: r.url });
  });
}

export function routesOf(app: FastifyInstance): readonly { method: string; url: string }[] {
  return ROUTES.get(app) ?? [];
}

export const ALARM_ROLES: readonly Role[] = ['it-admin', 'leitung'];

export function registerBetrieb(
  app: FastifyInstance,
  base: Omit<BetriebContext, 'optionen' | 'lage' | 'lageAktuell'>,
  optionen: BetriebOptionen = {},
): BetriebHandle {
  const lage = new BetriebslageLeser({ temporal: base.temporal, redis: base.redis, warteschlangen: optionen.warteschlangen, queuePrefix: optionen.queuePrefix });
  let cache: { at: number; lage: Promise<Betriebslage> } | undefined;
  const cacheMs = optionen.lageCacheMs ?? 15_000;
  const lageAktuell = (): Promise<Betriebslage> => {
    if (!cache || Date.now() - cache.at > cacheMs) {
      const p = lage.lesen();
      cache = { at: Date.now(), lage: p };
      p.catch(() => {
        cache = undefined;
      });
    }
    return cache.lage;
  };
  const { metricsToken: tokenOption, ...rest } = optionen;
  const ctx: BetriebContext = { ...base, optionen: rest, lage, lageAktuell };
  app.addHook('onClose', async () => lage.close());
  registerRevision(app, ctx);
  registerZeitplaene(app, ctx);
  registerWarteschlangen(app, ctx);
  registerMetrics(app, ctx, tokenOption === null ? undefined : (tokenOption ?? metricsToken()));
  return {
    async alarmeFuer(role) {
      if (!ALARM_ROLES.includes(role)) return undefined;
      // The overview and the status page must answer even when Temporal or Redis hang.
      let timer: NodeJS.Timeout | undefined;
      const zuLangsam = new Promise<'zu-langsam'>((resolve) => {
        timer = setTimeout(() => resolve('zu-langsam'), optionen.alarmTimeoutMs ?? 3000);
      });
      try {
        const lage = await Promise.race([lageAktuell(), zuLangsam]);
        if (lage === 'zu-langsam') return [{ art: 'quelle-nicht-lesbar', schwere: 'warnung', text: 'Die Betriebslage konnte nicht rechtzeitig gelesen werden (Temporal oder Redis antworten langsam). Einzelheiten im Systemstatus.' }];
        return lage.alarme;
      } catch (err) {
        return [{ art: 'quelle-nicht-lesbar', schwere: 'warnung', text: `Betriebslage nicht lesbar: ${(err as Error).message.slice(0, 120)}` }];
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
