/**
 * The engine's Temporal schedules: idempotent create-or-update at start (upsertSchedule), and
 * the operations admins run from the console and the CLI (ZeitplanDienst): list with next and
 * last runs, create from the catalogue (domain/zeitplaene.ts), change the Takt, pause with a
 * note, unpause, trigger now, backfill a past period. Every refusal is a ZeitplanFehler with a
 * German message; a refused request changes nothing. Auditing is the caller's job (it knows who).
 */
import {
  ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions, type ScheduleSpec,
  type ScheduleSpecDescription,
} from '@temporalio/client';
import { loadDruckConfig } from '../activities/druck/config';
import { STANDARD_POLICY } from '../domain/briefdruck';
import { WEITERBEWILLIGUNG_SCHEDULE_ID, pruefePolicy, type SyncInput } from '../domain/weiterbewilligung';
import { ANNAHMESCHLUSS_SCHEDULE_ID } from '../domain/briefdruck';
import { KLASSIFIKATOR_TRAINING_SCHEDULE_ID } from '../domain/posteingang';
import {
  MAX_NACHHOL_LAEUFE, TERMIN_SYNC_SCHEDULE_ID, WOCHENTAGE, ZEITPLAN_KATALOG, ZEITPLAN_ZEITZONE, TaktFehler, formatTakt, geschaetzteLaeufe, katalogEintrag, katalogNachWorkflow, parseTakt, pruefeNachholzeitraum,
  type Takt, type Wochentag, type ZeitplanKatalogEintrag,
} from '../domain/zeitplaene';
import type { Config } from './config';

/**
 * Memo keys on the schedule's action (the memo of the started runs; a schedule's own memo cannot be
 * updated): the Takt as the admin wrote it, and whether an admin changed it (then a restart keeps it).
 */
export const MEMO_TAKT = 'takt';
export const MEMO_ANGEPASST = 'taktAngepasst';

export async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<{ scheduleId: string; angelegt: boolean }> {
  try {
    await client.schedule.create(options);
    return { scheduleId: options.scheduleId, angelegt: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(options.scheduleId).update((vorher) => {
    // A Takt an admin set in the console or CLI survives restarts; the code's default does not override it.
    const angepasst = vorher.action.memo?.[MEMO_ANGEPASST] === true;
    const action = angepasst ? { ...options.action, memo: { ...options.action.memo, ...vorher.action.memo } } : options.action;
    return { ...vorher, spec: angepasst ? vorher.spec : options.spec, action, policies: { ...vorher.policies, ...options.policies } };
  });
  return { scheduleId: options.scheduleId, angelegt: false };
}

export class ZeitplanFehler extends Error {
  override name = 'ZeitplanFehler';
  constructor(message: string, readonly status: 400 | 404 | 409 | 503 = 400) {
    super(message);
  }
}

export function taktZuSpec(t: Takt): ScheduleSpec {
  if (t.art === 'intervall') return { intervals: [{ every: `${t.minuten} minutes` }] };
  return {
    calendars: t.zeiten.map((z) => ({ hour: z.stunde, minute: z.minute, ...(t.tage ? { dayOfWeek: t.tage } : {}) })),
    timezone: ZEITPLAN_ZEITZONE,
  };
}

function single(r: { start: number; end: number }[] | undefined): number | undefined {
  return r && r.length === 1 && r[0]!.start === r[0]!.end ? r[0]!.start : undefined;
}

/** Best effort: the Takt of a schedule created in code (no memo). undefined when it does not fit the language. */
export function taktAusSpec(spec: ScheduleSpecDescription): string | undefined {
  const intervals = spec.intervals ?? [];
  const calendars = spec.calendars ?? [];
  if (intervals.length === 1 && calendars.length === 0 && !intervals[0]!.offset) {
    const minuten = intervals[0]!.every / 60_000;
    if (Number.isInteger(minuten) && minuten >= 1) return formatTakt({ art: 'intervall', minuten });
    return undefined;
  }
  if (intervals.length > 0 || calendars.length === 0) return undefined;
  let tage: Wochentag[] | undefined;
  const zeiten: { stunde: number; minute: number }[] = [];
  for (const [i, c] of calendars.entries()) {
    const stunde = single(c.hour);
    const minute = single(c.minute);
    if (stunde === undefined || minute === undefined) return undefined;
    zeiten.push({ stunde, minute });
    const days: Wochentag[] = [];
    for (const r of c.dayOfWeek) {
      const a = WOCHENTAGE.indexOf(r.start as Wochentag);
      const b = WOCHENTAGE.indexOf(r.end as Wochentag);
      // Temporal numbers days from Sunday; our list from Monday: walk with wrap-around.
      if (a < 0 || b < 0) return undefined;
      for (let k = a; ; k = (k + 1) % 7) {
        days.push(WOCHENTAGE[k]!);
        if (k === b) break;
      }
    }
    const set = days.length === 0 || days.length === 7 ? undefined : days;
    if (i === 0) tage = set;
    else if (JSON.stringify(set) !== JSON.stringify(tage)) return undefined;
  }
  try {
    return formatTakt(parseTakt(formatTakt({ art: 'kalender', tage, zeiten })));
  } catch {
    return undefined;
  }
}

export interface ZeitplanLauf {
  geplant: Date;
  gestartet: Date;
  workflowId: string;
}

export interface ZeitplanZeile {
  /** Catalogue id (without test prefix). */
  id: string;
  scheduleId: string;
  eintrag: ZeitplanKatalogEintrag;
  angelegt: boolean;
  takt?: string;
  taktAngepasst?: boolean;
  pausiert?: boolean;
  notiz?: string;
  naechste: Date[];
  /** Newest first. */
  letzte: ZeitplanLauf[];
}

export interface ZeitplanDienstOptionen {
  /** Prefix of schedule ids (tests share one namespace); '' in production. */
  praefix?: string;
}

/** Arguments of each catalogue workflow. */
function katalogArgs(e: ZeitplanKatalogEintrag): unknown[] {
  if (e.id === WEITERBEWILLIGUNG_SCHEDULE_ID) return [{ policy: pruefePolicy() } satisfies SyncInput];
  if (e.id === ANNAHMESCHLUSS_SCHEDULE_ID) return [{ land: loadDruckConfig().policy.land, batchPraefix: STANDARD_POLICY.batchPraefix }];
  if (e.id === KLASSIFIKATOR_TRAINING_SCHEDULE_ID) return [];
  if (e.id === TERMIN_SYNC_SCHEDULE_ID) return [{ tage: 3 }];
  return [{}];
}

export function katalogOptionen(e: ZeitplanKatalogEintrag, cfg: Config, takt: Takt, praefix = ''): ScheduleOptions {
  const text = formatTakt(takt);
  return {
    scheduleId: `${praefix}${e.id}`,
    spec: taktZuSpec(takt),
    action: {
      type: 'startWorkflow', workflowType: e.workflowType, workflowId: `${praefix}${e.laufId}`, taskQueue: cfg.temporal.taskQueue, args: katalogArgs(e),
      memo: { [MEMO_TAKT]: text, katalog: e.id },
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: e.nachholfenster },
  };
}

function parse(takt: string): Takt {
  try {
    return parseTakt(takt);
  } catch (err) {
    if (err instanceof TaktFehler) throw new ZeitplanFehler(err.message, 400);
    throw err;
  }
}

export class ZeitplanDienst {
  readonly praefix: string;

  constructor(
    private readonly client: Client,
    private readonly cfg: Config,
    o: ZeitplanDienstOptionen = {},
  ) {
    this.praefix = o.praefix ?? '';
  }

  /** The catalogue entry of an id, or a refusal naming the known ids. */
  eintrag(id: string): ZeitplanKatalogEintrag {
    const e = katalogEintrag(id);
    if (!e) throw new ZeitplanFehler(`Unbekannter Zeitplan „${id.slice(0, 80)}“. Bekannt sind: ${ZEITPLAN_KATALOG.map((k) => k.id).join(', ')}.`, 404);
    return e;
  }

  private async describe(e: ZeitplanKatalogEintrag): Promise<ScheduleDescription | undefined> {
    try {
      return await this.client.schedule.getHandle(`${this.praefix}${e.id}`).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    }
  }

  private zeile(e: ZeitplanKatalogEintrag, d: ScheduleDescription | undefined): ZeitplanZeile {
    const scheduleId = `${this.praefix}${e.id}`;
    if (!d) return { id: e.id, scheduleId, eintrag: e, angelegt: false, naechste: [], letzte: [] };
    const memoTakt = d.action.memo?.[MEMO_TAKT];
    return {
      id: e.id,
      scheduleId,
      eintrag: e,
      angelegt: true,
      takt: taktAusSpec(d.spec) ?? (typeof memoTakt === 'string' ? memoTakt : undefined),
      taktAngepasst: d.action.memo?.[MEMO_ANGEPASST] === true,
      pausiert: d.state.paused,
      notiz: d.state.note || undefined,
      naechste: d.info.nextActionTimes.slice(0, 3),
      letzte: [...d.info.recentActions].reverse().slice(0, 5).map((a) => ({ geplant: a.scheduledAt, gestartet: a.takenAt, workflowId: a.action.workflow.workflowId })),
    };
  }

  async liste(): Promise<ZeitplanZeile[]> {
    return Promise.all(ZEITPLAN_KATALOG.map(async (e) => this.zeile(e, await this.describe(e))));
  }

  async zeigen(id: string): Promise<ZeitplanZeile> {
    const e = this.eintrag(id);
    return this.zeile(e, await this.describe(e));
  }

  private async vorhanden(id: string): Promise<{ e: ZeitplanKatalogEintrag; d: ScheduleDescription }> {
    const e = this.eintrag(id);
    const d = await this.describe(e);
    if (!d) throw new ZeitplanFehler(`Der Zeitplan „${e.id}“ ist noch nicht angelegt. Bitte zuerst aus dem Katalog anlegen.`, 404);
    return { e, d };
  }

  /**
   * Creates the schedule of a catalogue entry, named by its id or by its workflow type. Any other
   * workflow type is refused (only the catalogue's workflows may run on a schedule).
   */
  async anlegen(idOderWorkflow: string, takt?: string): Promise<ZeitplanZeile> {
    const e = katalogEintrag(idOderWorkflow) ?? katalogNachWorkflow(idOderWorkflow);
    if (!e) {
      throw new ZeitplanFehler(`Für „${idOderWorkflow.slice(0, 80)}“ gibt es keinen Eintrag im Zeitplan-Katalog: unbekannter Zeitplan oder Workflow-Typ. Erlaubt: ${ZEITPLAN_KATALOG.map((k) => `${k.id} (${k.workflowType})`).join(', ')}.`, 404);
    }
    const t = parse(takt ?? e.standardTakt);
    const options = katalogOptionen(e, this.cfg, t, this.praefix);
    if (takt !== undefined && formatTakt(t) !== formatTakt(parseTakt(e.standardTakt))) options.action.memo = { ...options.action.memo, [MEMO_ANGEPASST]: true };
    try {
      await this.client.schedule.create(options);
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new ZeitplanFehler(`Der Zeitplan „${e.id}“ ist bereits angelegt. Den Takt bitte über „Takt ändern“ anpassen.`, 409);
      throw err;
    }
    return this.zeigen(e.id);
  }

  /** Changes the Takt; the schedule keeps it across restarts (memo taktAngepasst). */
  async taktAendern(id: string, takt: string): Promise<{ vorher?: string; nachher: string }> {
    const t = parse(takt);
    const { e, d } = await this.vorhanden(id);
    const vorher = this.zeile(e, d).takt;
    const nachher = formatTakt(t);
    await this.client.schedule.getHandle(`${this.praefix}${e.id}`).update((alt) => ({
      ...alt,
      spec: taktZuSpec(t),
      action: { ...alt.action, memo: { ...alt.action.memo, [MEMO_TAKT]: nachher, [MEMO_ANGEPASST]: true } },
    }));
    return { vorher, nachher };
  }

  async pausieren(id: string, notiz: string): Promise<void> {
    const n = notiz.trim();
    if (n.length < 3) throw new ZeitplanFehler('Bitte beim Pausieren eine Notiz angeben (mindestens 3 Zeichen): warum und bis wann.');
    if (n.length > 500) throw new ZeitplanFehler('Die Notiz ist zu lang (höchstens 500 Zeichen).');
    const { e } = await this.vorhanden(id);
    await this.client.schedule.getHandle(`${this.praefix}${e.id}`).pause(n);
  }

  async fortsetzen(id: string, notiz?: string): Promise<void> {
    if (notiz && notiz.length > 500) throw new ZeitplanFehler('Die Notiz ist zu lang (höchstens 500 Zeichen).');
    const { e, d } = await this.vorhanden(id);
    if (!d.state.paused) throw new ZeitplanFehler(`Der Zeitplan „${e.id}“ ist nicht pausiert.`, 409);
    await this.client.schedule.getHandle(`${this.praefix}${e.id}`).unpause(notiz?.trim() || 'fortgesetzt');
  }

  async ausloesen(id: string): Promise<void> {
    const { e } = await this.vorhanden(id);
    await this.client.schedule.getHandle(`${this.praefix}${e.id}`).trigger();
  }

  /** Runs the times of a past period that the schedule missed (at most MAX_NACHHOL_TAGE days). */
  async nachholen(id: string, von: Date, bis: Date, jetzt: Date = new Date()): Promise<{ laeufe: number }> {
    const fehler = pruefeNachholzeitraum(von, bis, jetzt);
    if (fehler) throw new ZeitplanFehler(fehler);
    const { e, d } = await this.vorhanden(id);
    const takt = this.zeile(e, d).takt;
    const laeufe = takt ? geschaetzteLaeufe(parseTakt(takt), von, bis) : 0;
    if (laeufe > MAX_NACHHOL_LAEUFE) {
      throw new ZeitplanFehler(`Im Zeitraum lägen bis zu ${laeufe} Läufe (Takt „${takt}“); höchstens ${MAX_NACHHOL_LAEUFE} auf einmal nachholen. Bitte einen kürzeren Zeitraum wählen.`);
    }
    // Missed runs one after the other (buffered), never in parallel.
    await this.client.schedule.getHandle(`${this.praefix}${e.id}`).backfill([{ start: von, end: bis, overlap: ScheduleOverlapPolicy.BUFFER_ALL }]);
    return { laeufe };
  }
}
