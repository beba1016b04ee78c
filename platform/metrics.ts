/**
 * The operational picture ("Betriebslage") of the engine, read from Temporal visibility and
 * BullMQ: workflows per process and execution state, the review queue and its oldest item,
 * print batches not handed over by cut-off + 1 h, robot failure rate, queue sizes. From it
 * come the alerts (SLA breaches) for the console and the Prometheus gauges (console/metrics.ts)
 * and the daily health report. Reads only; no Sozialdaten (counts, process names, queue names).
 */
import { Queue } from 'bullmq';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { STANDARD_POLICY } from '../domain/briefdruck';
import { PosteingangStatus } from '../domain/posteingang';
import { ART, PROZESS, Prozess, STATUS, STICHTAG } from '../domain/search-attributes';
import { parseFailure } from '../connectors/robot-pool/failure';

export const betriebEnvSchema = z.object({
  /** Hours a document may wait in review before it is an SLA breach. */
  BETRIEB_PRUEFUNG_SLA_STUNDEN: z.coerce.number().positive().max(24 * 30).default(24),
  /** Share of failed robot jobs (last hour) above which an alert is raised. */
  BETRIEB_ROBOTER_FEHLERQUOTE: z.coerce.number().min(0).max(1).default(0.2),
  /** Fewer finished jobs than this in the hour: no rate alert (too few to judge). */
  BETRIEB_ROBOTER_MIN_AUFTRAEGE: z.coerce.number().int().min(1).default(5),
  /** BullMQ key prefix of the robot and OCR queues. */
  BETRIEB_QUEUE_PREFIX: z.string().min(1).default('bull'),
  ZENTRALDRUCK_ANNAHMESCHLUSS: z.string().regex(/^\d{2}:\d{2}$/).default(STANDARD_POLICY.annahmeschluss),
});

export interface BetriebConfig {
  pruefungSlaStunden: number;
  roboterFehlerquote: number;
  roboterMinAuftraege: number;
  queuePrefix: string;
  annahmeschluss: string;
}

export function loadBetriebConfig(env: NodeJS.ProcessEnv = process.env): BetriebConfig {
  const p = betriebEnvSchema.safeParse(env);
  if (!p.success) throw new Error(`Ungültige Betriebs-Konfiguration: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = p.data;
  return {
    pruefungSlaStunden: e.BETRIEB_PRUEFUNG_SLA_STUNDEN,
    roboterFehlerquote: e.BETRIEB_ROBOTER_FEHLERQUOTE,
    roboterMinAuftraege: e.BETRIEB_ROBOTER_MIN_AUFTRAEGE,
    queuePrefix: e.BETRIEB_QUEUE_PREFIX,
    annahmeschluss: e.ZENTRALDRUCK_ANNAHMESCHLUSS,
  };
}

export interface WarteschlangeDef {
  name: string;
  label: string;
  art: 'roboter' | 'ocr';
}

export const STANDARD_WARTESCHLANGEN: readonly WarteschlangeDef[] = [
  { name: 'robots-compass', label: 'Roboter comp.ASS', art: 'roboter' },
  { name: 'robots-termine', label: 'Roboter Terminsystem', art: 'roboter' },
  { name: 'ocr', label: 'OCR-Pool', art: 'ocr' },
];

export const JOB_ZUSTAENDE = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;
export type JobZustand = (typeof JOB_ZUSTAENDE)[number];

export interface WarteschlangeLage {
  def: WarteschlangeDef;
  counts: Record<JobZustand, number>;
  /** Worker processes connected (robots online). */
  worker: number;
  /** Licensed sessions (BullMQ global concurrency), where set. */
  lizenz?: number;
  /** Jobs finished in the last hour: failed (business/technical) and completed. */
  stunde: { fehlgeschlagen: number; fachlich: number; technisch: number; erledigt: number };
  fehler?: string;
}

export interface ProzessLage {
  prozess: string;
  /** Count per execution status (RUNNING, COMPLETED, FAILED, …) within Temporal's retention. */
  nachAblauf: Record<string, number>;
  /** Running instances per business state (AktenlaufStatus), from a bounded list. */
  laufendNachStatus: Record<string, number>;
  laufendGekappt: boolean;
}

export type AlarmArt = 'pruefung-sla' | 'druck-annahme' | 'roboter-fehlerquote' | 'quelle-nicht-lesbar';

export interface Alarm {
  art: AlarmArt;
  schwere: 'warnung' | 'kritisch';
  /** German text for staff. */
  text: string;
}

export interface Betriebslage {
  zeitpunkt: Date;
  prozesse: ProzessLage[];
  pruefung: { anzahl: number; aeltesteStunden?: number; ueberSla: number; slaStunden: number };
  druck: { nichtAngenommen: number; frist?: Date };
  warteschlangen: WarteschlangeLage[];
  roboter: { fehlerquote?: number; auftraege: number };
  alarme: Alarm[];
  /** Parts that could not be read (German). */
  fehler: string[];
}

export const LAUFEND_LIMIT = 2000;

/** Process names to look at (search attribute AktenlaufProzess). */
export const PROZESSE: readonly string[] = Object.values(Prozess);

export class BetriebslageLeser {
  private queues = new Map<string, Queue>();

  constructor(
    private readonly o: { temporal: Client; redis: Redis; warteschlangen?: readonly WarteschlangeDef[]; config?: BetriebConfig; queuePrefix?: string },
  ) {}

  get config(): BetriebConfig {
    return this.o.config ?? loadBetriebConfig();
  }

  get warteschlangen(): readonly WarteschlangeDef[] {
    return this.o.warteschlangen ?? STANDARD_WARTESCHLANGEN;
  }

  queue(name: string): Queue | undefined {
    const def = this.warteschlangen.find((w) => w.name === name);
    if (!def) return undefined;
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.o.redis, prefix: this.o.queuePrefix ?? this.config.queuePrefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
  }

  async prozessLage(prozess: string): Promise<ProzessLage> {
    const nachAblauf: Record<string, number> = {};
    const counted = await this.o.temporal.workflow.count(`${PROZESS.name} = '${prozess}' GROUP BY ExecutionStatus`);
    for (const g of counted.groups) nachAblauf[String(g.groupValues[0])] = g.count;
    const laufendNachStatus: Record<string, number> = {};
    let n = 0;
    let laufendGekappt = false;
    for await (const wf of this.o.temporal.workflow.list({ query: `${PROZESS.name} = '${prozess}' AND ExecutionStatus = 'Running'`, pageSize: 1000 })) {
      if (n >= LAUFEND_LIMIT) {
        laufendGekappt = true;
        break;
      }
      n += 1;
      const s = wf.typedSearchAttributes.get(STATUS) ?? '(ohne Status)';
      laufendNachStatus[s] = (laufendNachStatus[s] ?? 0) + 1;
    }
    return { prozess, nachAblauf, laufendNachStatus, laufendGekappt };
  }

  async warteschlangeLage(def: WarteschlangeDef, jetzt: Date): Promise<WarteschlangeLage> {
    const leer = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0, prioritized: 0 };
    const q = this.queue(def.name)!;
    try {
      const counts = { ...leer, ...(await q.getJobCounts(...JOB_ZUSTAENDE)) } as Record<JobZustand, number>;
      const worker = await q.getWorkersCount();
      const lizenz = def.art === 'roboter' ? ((await q.getGlobalConcurrency()) ?? undefined) : undefined;
      const seit = jetzt.getTime() - 3600_000;
      const stunde = { fehlgeschlagen: 0, fachlich: 0, technisch: 0, erledigt: 0 };
      for (const j of await q.getFailed(0, 999)) {
        if ((j.finishedOn ?? 0) < seit) continue;
        stunde.fehlgeschlagen += 1;
        if (parseFailure(j.failedReason)?.art === 'BusinessError') stunde.fachlich += 1;
        else stunde.technisch += 1;
      }
      for (const j of await q.getCompleted(0, 999)) if ((j.finishedOn ?? 0) >= seit) stunde.erledigt += 1;
      return { def, counts, worker, lizenz: lizenz ?? undefined, stunde };
    } catch (err) {
      return { def, counts: leer, worker: 0, stunde: { fehlgeschlagen: 0, fachlich: 0, technisch: 0, erledigt: 0 }, fehler: `Redis nicht lesbar: ${(err as Error).message.slice(0, 120)}` };
    }
  }

  /** Today's cut-off + 1 h as an instant (Europe/Berlin). */
  druckFrist(jetzt: Date): Date {
    const [h, m] = this.config.annahmeschluss.split(':').map(Number) as [number, number];
    return DateTime.fromJSDate(jetzt).setZone('Europe/Berlin').set({ hour: h, minute: m, second: 0, millisecond: 0 }).plus({ hours: 1 }).toJSDate();
  }

  async lesen(jetzt: Date = new Date()): Promise<Betriebslage> {
    const cfg = this.config;
    const fehler: string[] = [];
    const prozesse: ProzessLage[] = [];
    for (const p of PROZESSE) {
      try {
        prozesse.push(await this.prozessLage(p));
      } catch (err) {
        fehler.push(`Vorgänge „${p}“ nicht lesbar (Temporal): ${(err as Error).message.slice(0, 120)}`);
      }
    }

    // Review queue of the Posteingang: running documents waiting for a person.
    const pruefung = { anzahl: 0, aeltesteStunden: undefined as number | undefined, ueberSla: 0, slaStunden: cfg.pruefungSlaStunden };
    try {
      const q = `${PROZESS.name} = '${Prozess.POSTEINGANG}' AND ExecutionStatus = 'Running' AND ${STATUS.name} IN ('${PosteingangStatus.PRUEFUNG}', '${PosteingangStatus.PRUEFUNG_UEBERFAELLIG}')`;
      let aeltester: number | undefined;
      for await (const wf of this.o.temporal.workflow.list({ query: q, pageSize: 1000 })) {
        pruefung.anzahl += 1;
        const t = wf.startTime.getTime();
        aeltester = aeltester === undefined ? t : Math.min(aeltester, t);
        if (jetzt.getTime() - t > cfg.pruefungSlaStunden * 3600_000) pruefung.ueberSla += 1;
        if (pruefung.anzahl >= LAUFEND_LIMIT) break;
      }
      if (aeltester !== undefined) pruefung.aeltesteStunden = Math.round(((jetzt.getTime() - aeltester) / 3600_000) * 10) / 10;
    } catch (err) {
      fehler.push(`Prüfliste nicht lesbar (Temporal): ${(err as Error).message.slice(0, 120)}`);
    }

    // Print batches of today or earlier not handed to the print centre by cut-off + 1 h.
    const druck = { nichtAngenommen: 0, frist: undefined as Date | undefined };
    const frist = this.druckFrist(jetzt);
    if (jetzt.getTime() >= frist.getTime()) {
      druck.frist = frist;
      try {
        // Batch days are stored as midnight UTC of the Berlin day; compare with "before tomorrow"
        // (an equality bound on a Datetime attribute does not match on the SQLite visibility store).
        const morgen = `${DateTime.fromJSDate(jetzt).setZone('Europe/Berlin').plus({ days: 1 }).toISODate()}T00:00:00Z`;
        const q = `${PROZESS.name} = '${Prozess.ZENTRALDRUCK}' AND ${ART.name} = 'TAGESBATCH' AND ExecutionStatus = 'Running' AND ${STICHTAG.name} < '${morgen}' AND ${STATUS.name} IN ('sammelt', 'verzoegert')`;
        druck.nichtAngenommen = (await this.o.temporal.workflow.count(q)).count;
      } catch (err) {
        fehler.push(`Druck-Sendungen nicht lesbar (Temporal): ${(err as Error).message.slice(0, 120)}`);
      }
    }

    const warteschlangen: WarteschlangeLage[] = [];
    for (const def of this.warteschlangen) {
      const w = await this.warteschlangeLage(def, jetzt);
      if (w.fehler) fehler.push(`${def.label}: ${w.fehler}`);
      warteschlangen.push(w);
    }
    const robots = warteschlangen.filter((w) => w.def.art === 'roboter');
    const fertig = robots.reduce((n, w) => n + w.stunde.fehlgeschlagen + w.stunde.erledigt, 0);
    // Business exceptions are answers of the target (e.g. household unknown), not robot failures.
    const technisch = robots.reduce((n, w) => n + w.stunde.technisch, 0);
    const roboter = { auftraege: fertig, fehlerquote: fertig > 0 ? technisch / fertig : undefined };

    const alarme: Alarm[] = [];
    if (pruefung.ueberSla > 0) {
      alarme.push({ art: 'pruefung-sla', schwere: 'kritisch', text: `${pruefung.ueberSla} Dokument(e) warten länger als ${cfg.pruefungSlaStunden} Stunden auf Prüfung im Postkorb (ältestes seit ${pruefung.aeltesteStunden ?? '?'} Stunden).` });
    }
    if (druck.nichtAngenommen > 0) {
      alarme.push({ art: 'druck-annahme', schwere: 'kritisch', text: `${druck.nichtAngenommen} Tagessendung(en) des Zentraldrucks sind eine Stunde nach Annahmeschluss (${cfg.annahmeschluss} Uhr) noch nicht vom Druckzentrum angenommen.` });
    }
    if (roboter.fehlerquote !== undefined && fertig >= cfg.roboterMinAuftraege && roboter.fehlerquote > cfg.roboterFehlerquote) {
      alarme.push({ art: 'roboter-fehlerquote', schwere: 'warnung', text: `Roboter: ${Math.round(roboter.fehlerquote * 100)} % der Aufträge der letzten Stunde technisch fehlgeschlagen (Schwelle ${Math.round(cfg.roboterFehlerquote * 100)} %, ${fertig} Aufträge).` });
    }
    if (fehler.length > 0) alarme.push({ art: 'quelle-nicht-lesbar', schwere: 'warnung', text: `Betriebslage unvollständig: ${fehler.join(' · ')}` });
    return { zeitpunkt: jetzt, prozesse, pruefung, druck, warteschlangen, roboter, alarme, fehler };
  }
}
