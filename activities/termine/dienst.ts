/**
 * The booking service behind the public page (and the benchmark): free times from the capacity
 * and the ledger, reservation (ledger first, then the workflow as the business record),
 * confirmation, cancellation and re-booking through the workflow's updates. Runs in the console
 * process; the only state it writes itself is the ledger entry of a new reservation.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { ART, PROZESS, Prozess, QUELLE, STATUS, STICHTAG } from '../../domain/search-attributes';
import { pruefeSlot, pruefeTag, startzeitenDesTages, type Kapazitaet, type SlotFehler } from '../../domain/termine';
import {
  ENDZUSTAENDE, STANDARD_TERMIN_POLICY, TERMIN_ABSAGEN_UPDATE, TERMIN_BESTAETIGEN_UPDATE, TERMIN_EINCHECKEN_UPDATE,
  TERMIN_NICHT_ERSCHIENEN_UPDATE, TERMIN_UMBUCHEN_UPDATE, TERMIN_WORKFLOW, TERMIN_ZUSTAND_QUERY, mitPolicy,
  type EincheckDaten, type TerminAntwort, type TerminInput, type TerminPerson, type TerminPolicy, type TerminSlot, type TerminZustand,
} from '../../domain/termine-vorgang';
import { KapazitaetStore } from './kapazitaet';
import { Belegung } from './ledger';
import { neueTerminId, type TerminSchluessel } from './schluessel';

export interface TerminDienstOptionen {
  temporal: Client;
  taskQueue: string;
  redis: Redis;
  kapazitaet: KapazitaetStore;
  schluessel: TerminSchluessel;
  /** Public base URL of the booking page (links in messages), e.g. https://termine.kreis.example */
  publicUrl: string;
  policy?: Partial<TerminPolicy>;
  jetzt?: () => number;
}

export type ReservierungsErgebnis =
  | { ok: true; terminId: string; key: string; slot: TerminSlot; reserviertBisMs: number }
  | { ok: false; fehler: SlotFehler | 'BELEGT' };

export const DIENST_MELDUNG = {
  BELEGT: 'Dieser Termin wurde gerade von jemand anderem gebucht. Bitte wählen Sie eine andere Uhrzeit.',
  ABGELAUFEN: 'Ihre Reservierung ist abgelaufen. Bitte wählen Sie erneut einen Termin.',
  NICHT_GEFUNDEN: 'Dieser Link ist ungültig oder abgelaufen. Bitte prüfen Sie den Link aus Ihrer Bestätigung.',
  TECHNIK: 'Die Terminbuchung ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.',
};

export class TerminDienst {
  readonly policy: TerminPolicy;
  private readonly belegung: Belegung;
  private readonly jetzt: () => number;

  constructor(private readonly o: TerminDienstOptionen) {
    this.policy = mitPolicy(o.policy ?? STANDARD_TERMIN_POLICY);
    this.belegung = new Belegung(o.redis);
    this.jetzt = o.jetzt ?? (() => Date.now());
  }

  kapazitaet(): Kapazitaet {
    return this.o.kapazitaet.lies();
  }

  link(terminId: string): string {
    return new URL(`/termin/vorgang/${terminId}?k=${this.o.schluessel.authKey(terminId)}`, this.o.publicUrl).toString();
  }

  /** Free appointment starts of a day (empty with a reason when the day cannot be booked). */
  async freieZeiten(standortId: string, tag: unknown): Promise<{ ok: true; slots: TerminSlot[] } | { ok: false; fehler: SlotFehler }> {
    const kap = this.kapazitaet();
    const jetzt = this.jetzt();
    const t = pruefeTag(kap, standortId, tag, jetzt);
    if (!t.ok) return t;
    const grenze = jetzt + kap.mindestvorlaufMinuten * 60_000;
    const kandidaten = startzeitenDesTages(t.standort, t.tag, kap.neuantragSlots).filter((s) => s.beginnMs >= grenze);
    return { ok: true, slots: await this.belegung.frei(t.standort.id, t.tag, t.standort.personal, kandidaten) };
  }

  /** Reserves a slot for the reservation time and starts the appointment's workflow. */
  async reserviere(standortId: string, tag: unknown, uhrzeit: unknown, person: TerminPerson): Promise<ReservierungsErgebnis> {
    const kap = this.kapazitaet();
    const p = pruefeSlot(kap, standortId, tag, uhrzeit, this.jetzt());
    if (!p.ok) return p;
    const terminId = neueTerminId();
    const owner = `${terminId}#0`;
    const platz = await this.belegung.reserviere(p.slot, p.standort.personal, owner, { ttlMs: this.policy.reservierungMs });
    if (platz === null) return { ok: false, fehler: 'BELEGT' };
    const input: TerminInput = {
      quelle: 'online',
      slot: p.slot,
      person,
      ort: `${p.standort.name}, ${p.standort.anschrift}`,
      teamId: p.standort.teamId,
      verwaltungsLink: this.link(terminId),
      buchungsLink: new URL('/termin', this.o.publicUrl).toString(),
      unterlagen: kap.unterlagen,
      policy: this.policy,
    };
    try {
      await this.o.temporal.workflow.start(TERMIN_WORKFLOW, {
        workflowId: terminId,
        taskQueue: this.o.taskQueue,
        args: [input],
        typedSearchAttributes: [
          { key: PROZESS, value: Prozess.TERMINVERGABE },
          { key: STATUS, value: 'reserviert' },
          { key: QUELLE, value: 'online' },
          { key: ART, value: p.slot.standortId },
          { key: STICHTAG, value: new Date(`${p.slot.tag}T00:00:00Z`) },
        ],
      });
    } catch (err) {
      await this.belegung.gibFrei(p.slot, p.standort.personal, owner).catch(() => 0);
      throw err;
    }
    return { ok: true, terminId, key: this.o.schluessel.authKey(terminId), slot: p.slot, reserviertBisMs: this.jetzt() + this.policy.reservierungMs };
  }

  /** The state of an appointment, or null when there is none (callers check the key first). */
  async zustand(terminId: string): Promise<TerminZustand | null> {
    try {
      return await this.o.temporal.workflow.getHandle(terminId).query<TerminZustand>(TERMIN_ZUSTAND_QUERY);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  private async update(terminId: string, name: string, args: unknown[]): Promise<TerminAntwort> {
    try {
      const h = this.o.temporal.workflow.getHandle(terminId);
      return args.length ? await h.executeUpdate<TerminAntwort, [unknown]>(name, { args: [args[0]] }) : await h.executeUpdate<TerminAntwort, []>(name);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { ok: false, code: 'ABGELAUFEN', meldung: DIENST_MELDUNG.NICHT_GEFUNDEN };
      if (err instanceof WorkflowUpdateFailedError) return { ok: false, code: 'UNGUELTIG', meldung: (err.cause as Error | undefined)?.message ?? 'Ungültige Angaben.' };
      const msg = (err as Error).message ?? '';
      if (/completed|already finished|closed/i.test(msg)) return { ok: false, code: 'ABGELAUFEN', meldung: 'Dieser Termin ist bereits abgeschlossen.' };
      throw err;
    }
  }

  bestaetige(terminId: string): Promise<TerminAntwort> {
    return this.update(terminId, TERMIN_BESTAETIGEN_UPDATE, []);
  }

  sageAb(terminId: string): Promise<TerminAntwort> {
    return this.update(terminId, TERMIN_ABSAGEN_UPDATE, []);
  }

  async buchUm(terminId: string, standortId: string, tag: unknown, uhrzeit: unknown): Promise<TerminAntwort | { ok: false; code: SlotFehler; meldung: string }> {
    const p = pruefeSlot(this.kapazitaet(), standortId, tag, uhrzeit, this.jetzt());
    if (!p.ok) return { ok: false, code: p.fehler, meldung: p.fehler };
    return this.update(terminId, TERMIN_UMBUCHEN_UPDATE, [{ slot: p.slot, verwaltungsLink: this.link(terminId) }]);
  }

  checkIn(terminId: string, daten: EincheckDaten): Promise<TerminAntwort> {
    return this.update(terminId, TERMIN_EINCHECKEN_UPDATE, [daten]);
  }

  nichtErschienen(terminId: string): Promise<TerminAntwort> {
    return this.update(terminId, TERMIN_NICHT_ERSCHIENEN_UPDATE, []);
  }

  /** The appointments of one location and day (Empfang), from visibility + one query each. */
  async tagesliste(standortId: string, tag: string): Promise<Array<{ terminId: string; zustand: TerminZustand }>> {
    if (!/^[a-z0-9-]{1,40}$/.test(standortId) || !/^\d{4}-\d{2}-\d{2}$/.test(tag)) return [];
    const naechster = new Date(Date.parse(`${tag}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const query = `AktenlaufProzess = '${Prozess.TERMINVERGABE}' AND AktenlaufArt = '${standortId}' AND AktenlaufStichtag >= '${tag}T00:00:00Z' AND AktenlaufStichtag < '${naechster}T00:00:00Z' AND TaskQueue = '${this.o.taskQueue.replace(/'/g, '')}'`;
    const ids: string[] = [];
    for await (const wf of this.o.temporal.workflow.list({ query, pageSize: 500 })) {
      if (ids.length >= 500) break;
      ids.push(wf.workflowId);
    }
    const out: Array<{ terminId: string; zustand: TerminZustand }> = [];
    await Promise.all(
      [...new Set(ids)].map(async (terminId) => {
        const z = await this.zustand(terminId).catch(() => null);
        if (z && z.slot.tag === tag && z.slot.standortId === standortId && z.status !== 'abgelaufen') out.push({ terminId, zustand: z });
      }),
    );
    return out.sort((a, b) => a.zustand.slot.beginnMs - b.zustand.slot.beginnMs || a.terminId.localeCompare(b.terminId));
  }

  /**
   * Rebuilds the Redis ledger from the business records (after a Redis loss): every open online
   * appointment takes its units again (confirmed until the day after, reserved for the rest of
   * its reservation). A unit already held by someone else is reported, never overwritten.
   */
  async ledgerWiederherstellen(): Promise<{ termine: number; belegt: number; konflikte: string[] }> {
    const kap = this.kapazitaet();
    const query = `AktenlaufProzess = '${Prozess.TERMINVERGABE}' AND AktenlaufQuelle = 'online' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.o.taskQueue.replace(/'/g, '')}'`;
    let termine = 0;
    let belegt = 0;
    const konflikte: string[] = [];
    for await (const wf of this.o.temporal.workflow.list({ query })) {
      const z = await this.zustand(wf.workflowId).catch(() => null);
      if (!z || !z.ledgerOwner || (z.status !== 'bestaetigt' && z.status !== 'reserviert')) continue;
      termine += 1;
      const personal = kap.standorte.find((s) => s.id === z.slot.standortId)?.personal ?? 0;
      const dauer = z.status === 'bestaetigt' ? { bisMs: z.slot.endeMs + 86_400_000 } : { ttlMs: Math.max(1, (z.reserviertBisMs ?? 0) - this.jetzt()) };
      if (z.status === 'reserviert' && (z.reserviertBisMs ?? 0) <= this.jetzt()) continue;
      const platz = await this.belegung.reserviere(z.slot, personal, z.ledgerOwner, dauer);
      if (platz === null) konflikte.push(wf.workflowId);
      else belegt += 1;
    }
    return { termine, belegt, konflikte };
  }

  istEndzustand(z: TerminZustand): boolean {
    return ENDZUSTAENDE.includes(z.status);
  }
}
