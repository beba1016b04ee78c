/**
 * GET /metrics: Prometheus exposition of the operational picture (platform/metrics.ts). Protected:
 * a bearer token (credential AKTENLAUF_METRICS_TOKEN or AKTENLAUF_METRICS_TOKEN_FILE) for the
 * scraper, or a logged-in IT-Administration session. Counts and names of processes/queues only.
 */
import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { CredentialError, readCredential, type Secret } from '../connectors/credentials';
import type { Betriebslage } from '../platform/metrics';
import type { BetriebContext } from './betrieb';
import { tokensEqual } from './sessions';

export const METRICS_PATH = '/metrics';
export const METRICS_ROLES = ['it-admin'] as const;
export const METRICS_TOKEN = { env: 'AKTENLAUF_METRICS_TOKEN', description: 'Bearer-Token, mit dem Prometheus /metrics der Konsole abfragt' };

export function metricsToken(env: NodeJS.ProcessEnv = process.env): Secret | undefined {
  try {
    return readCredential(METRICS_TOKEN, env);
  } catch (err) {
    if (err instanceof CredentialError && !env[METRICS_TOKEN.env] && !env[`${METRICS_TOKEN.env}_FILE`]) return undefined;
    throw err;
  }
}

export class BetriebsMetriken {
  readonly registry = new Registry();
  private readonly g = {
    workflows: new Gauge({ name: 'aktenlauf_workflows', help: 'Workflows je Prozess und Ablaufzustand (innerhalb der Temporal-Aufbewahrung)', labelNames: ['prozess', 'ablauf'], registers: [this.registry] }),
    laufend: new Gauge({ name: 'aktenlauf_workflows_laufend', help: 'Laufende Workflows je Prozess und fachlichem Status', labelNames: ['prozess', 'status'], registers: [this.registry] }),
    pruefung: new Gauge({ name: 'aktenlauf_pruefung_dokumente', help: 'Dokumente in der Prüfliste des Postkorbs', registers: [this.registry] }),
    pruefungAlter: new Gauge({ name: 'aktenlauf_pruefung_aelteste_sekunden', help: 'Wartezeit des ältesten Dokuments in der Prüfliste', registers: [this.registry] }),
    pruefungSla: new Gauge({ name: 'aktenlauf_pruefung_ueber_sla', help: 'Dokumente, die länger als die Prüffrist warten', registers: [this.registry] }),
    druck: new Gauge({ name: 'aktenlauf_druck_batches_nicht_angenommen', help: 'Tagessendungen, die eine Stunde nach Annahmeschluss nicht angenommen sind', registers: [this.registry] }),
    roboterQuote: new Gauge({ name: 'aktenlauf_roboter_fehlerquote', help: 'Anteil technisch fehlgeschlagener Roboteraufträge der letzten Stunde', registers: [this.registry] }),
    roboterAuftraege: new Gauge({ name: 'aktenlauf_roboter_auftraege_stunde', help: 'Beendete Roboteraufträge der letzten Stunde', registers: [this.registry] }),
    jobs: new Gauge({ name: 'aktenlauf_queue_jobs', help: 'Aufträge je Warteschlange und Zustand', labelNames: ['queue', 'zustand'], registers: [this.registry] }),
    worker: new Gauge({ name: 'aktenlauf_queue_worker', help: 'Verbundene Worker je Warteschlange', labelNames: ['queue'], registers: [this.registry] }),
    alarme: new Gauge({ name: 'aktenlauf_alarme', help: 'Aktive Alarme je Art', labelNames: ['art'], registers: [this.registry] }),
    lesefehler: new Gauge({ name: 'aktenlauf_lage_lesefehler', help: 'Teile der Betriebslage, die nicht gelesen werden konnten', registers: [this.registry] }),
  };

  update(l: Betriebslage): void {
    for (const gauge of Object.values(this.g)) gauge.reset();
    for (const p of l.prozesse) {
      for (const [ablauf, n] of Object.entries(p.nachAblauf)) this.g.workflows.set({ prozess: p.prozess, ablauf }, n);
      for (const [status, n] of Object.entries(p.laufendNachStatus)) this.g.laufend.set({ prozess: p.prozess, status }, n);
    }
    this.g.pruefung.set(l.pruefung.anzahl);
    this.g.pruefungAlter.set(Math.round((l.pruefung.aeltesteStunden ?? 0) * 3600));
    this.g.pruefungSla.set(l.pruefung.ueberSla);
    this.g.druck.set(l.druck.nichtAngenommen);
    this.g.roboterQuote.set(l.roboter.fehlerquote ?? 0);
    this.g.roboterAuftraege.set(l.roboter.auftraege);
    for (const w of l.warteschlangen) {
      for (const [zustand, n] of Object.entries(w.counts)) this.g.jobs.set({ queue: w.def.name, zustand }, n);
      this.g.worker.set({ queue: w.def.name }, w.worker);
    }
    for (const art of ['pruefung-sla', 'druck-annahme', 'roboter-fehlerquote', 'quelle-nicht-lesbar']) this.g.alarme.set({ art }, l.alarme.filter((a) => a.art === art).length);
    this.g.lesefehler.set(l.fehler.length);
  }
}

export function registerMetrics(app: FastifyInstance, ctx: BetriebContext, token: Secret | undefined): void {
  const metriken = new BetriebsMetriken();

  app.get(METRICS_PATH, async (req, reply) => {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const perToken = bearer !== undefined && token !== undefined && tokensEqual(bearer, token.reveal());
    if (!perToken) {
      if (bearer !== undefined) {
        await ctx.record({ actor: '(anonym)', role: '-', action: 'metrics.abruf', target: 'falsches Token', outcome: 'abgelehnt' });
        return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8').send('Token ungültig.\n');
      }
      if (!req.auth) return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8').send('Nicht angemeldet: Bearer-Token oder Anmeldung als IT-Administration nötig.\n');
      if (!(METRICS_ROLES as readonly string[]).includes(req.auth.user.role)) {
        await ctx.record({ actor: req.auth.user.username, role: req.auth.user.role, action: 'zugriff.verweigert', target: METRICS_PATH, outcome: 'abgelehnt' });
        return reply.code(403).type('text/plain; charset=utf-8').send('Keine Berechtigung: nur IT-Administration.\n');
      }
    }
    metriken.update(await ctx.lageAktuell());
    return reply.code(200).type(metriken.registry.contentType).send(await metriken.registry.metrics());
  });
}
