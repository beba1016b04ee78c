/**
 * terminvergabe: one appointment for a Neuantrag (contract: domain/termine-vorgang.ts).
 *
 *   reserviert ──(update terminBestaetigen)──▶ bestaetigt ──(update terminEinchecken)──▶ erschienen ──▶ erledigt
 *       │ timer: reservation time                │  reminder (policy, e.g. 2 days before)          Neuantrag in the Fachverfahren
 *       ▼                                        │  update terminUmbuchen: new slot, new confirmation  + first document of the E-Akte
 *   abgelaufen (units freed)                     ├─(update terminAbsagen)──▶ abgesagt (units freed at once)
 *                                                └─(update terminNichtErschienen, or timer after start)──▶ nicht_erschienen
 *                                                      (units freed, polite invitation to book again)
 *
 * The workflow is the business record; the Redis ledger (activities/termine/ledger.ts) only decides
 * who gets a unit. Units are owned by `<workflowId>#<version>`; a re-booking takes the new slot
 * (version + 1) before it frees the old one. Confirmation: e-mail with .ics, or without e-mail a
 * letter through the Zentraldruck (child workflow, abandoned: it follows the post on its own).
 * Bookings from the Landratsamt's Terminsystem arrive confirmed (no ledger, no confirmation: the
 * Terminsystem sent it) and are updated by signal `terminExternGeaendert`.
 *
 * Query `terminZustand` answers status, slot and the name (for the Empfang; encrypted payloads).
 * Search attributes: process, status, source, location (AktenlaufArt), day (AktenlaufStichtag).
 *
 * Versioning: an appointment lives at most a few weeks, so no continueAsNew. A behaviour change
 * for running workflows goes behind `patched('termin-<what>-<yyyymm>')`; test/histories/
 * terminvergabe-*.json (written with TERMIN_HISTORIEN=schreiben by termine-vergabe.test.ts)
 * replay saved real histories against this code.
 */
import {
  ParentClosePolicy, condition, defineQuery, defineSignal, defineUpdate, log, patched, proxyActivities, setHandler, sleep, startChild,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { berlinZeitpunktText } from '../../domain/zeit';
import type { Activities } from '../../activities';
import { ART, PROZESS, Prozess, QUELLE, STATUS, STICHTAG } from '../../domain/search-attributes';
import {
  ENDZUSTAENDE, IM_TERMINSYSTEM_GELOESCHT, TERMIN_ABSAGEN_UPDATE, TERMIN_BESTAETIGEN_UPDATE, TERMIN_EINCHECKEN_UPDATE, TERMIN_EXTERN_GEAENDERT_SIGNAL,
  TERMIN_NICHT_ERSCHIENEN_UPDATE, TERMIN_UMBUCHEN_UPDATE, TERMIN_ZUSTAND_QUERY, mitPolicy, terminBriefId,
  type EincheckDaten, type ExternGeaendert, type TerminAntwort, type TerminErgebnis, type TerminInput, type TerminSlot,
  type TerminStatus, type TerminZustand, type UmbuchenAuftrag,
} from '../../domain/termine-vorgang';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefArt, type BriefAuftrag } from '../../domain/zentraldruck';

const ledger = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds', backoffCoefficient: 2 },
});
const extern = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

export const terminZustandQuery = defineQuery<TerminZustand>(TERMIN_ZUSTAND_QUERY);
export const terminBestaetigenUpdate = defineUpdate<TerminAntwort, []>(TERMIN_BESTAETIGEN_UPDATE);
export const terminAbsagenUpdate = defineUpdate<TerminAntwort, []>(TERMIN_ABSAGEN_UPDATE);
export const terminUmbuchenUpdate = defineUpdate<TerminAntwort, [UmbuchenAuftrag]>(TERMIN_UMBUCHEN_UPDATE);
export const terminEincheckenUpdate = defineUpdate<TerminAntwort, [EincheckDaten]>(TERMIN_EINCHECKEN_UPDATE);
export const terminNichtErschienenUpdate = defineUpdate<TerminAntwort, []>(TERMIN_NICHT_ERSCHIENEN_UPDATE);
export const terminExternGeaendertSignal = defineSignal<[ExternGeaendert]>(TERMIN_EXTERN_GEAENDERT_SIGNAL);

const tagDatum = (tag: string) => new Date(`${tag}T00:00:00Z`);

export async function terminvergabe(input: TerminInput): Promise<TerminErgebnis> {
  const policy = mitPolicy(input.policy);
  const id = workflowInfo().workflowId;
  const jetzt = () => new Date().getTime();
  const online = input.quelle === 'online';
  const start = jetzt();
  let slot: TerminSlot = input.slot;
  let version = 0;
  let link = input.verwaltungsLink;
  let beschaeftigt = 0; // updates in flight that change the ledger
  let planVersion = 0;
  let eincheck: EincheckDaten | undefined;

  const z: TerminZustand = {
    status: input.bestaetigt ? 'bestaetigt' : 'reserviert',
    quelle: input.quelle,
    slot,
    ort: input.ort,
    reserviertAmMs: start,
    ...(input.bestaetigt ? {} : { reserviertBisMs: start + policy.reservierungMs }),
    name: input.person.name,
    kontakt: input.person.email ? 'email' : input.person.anschrift ? 'brief' : 'keiner',
    erinnert: false,
  };
  const owner = (v = version) => `${id}#${v}`;
  const fehler = (code: Exclude<TerminAntwort, { ok: true }>['code'], meldung: string): TerminAntwort => ({ ok: false, code, meldung });
  const ok = (): TerminAntwort => ({ ok: true, zustand: { ...z, slot: { ...slot } } });

  function setze(status: TerminStatus, grund?: string): void {
    z.status = status;
    if (grund) z.grund = grund;
    upsertSearchAttributes([{ key: STATUS, value: status }]);
  }
  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.TERMINVERGABE },
    { key: STATUS, value: z.status },
    { key: QUELLE, value: input.quelle },
    { key: ART, value: slot.standortId },
    { key: STICHTAG, value: tagDatum(slot.tag) },
  ]);

  async function exklusiv<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => beschaeftigt === 0);
    beschaeftigt += 1;
    try {
      return await fn();
    } finally {
      beschaeftigt -= 1;
    }
  }

  setHandler(terminZustandQuery, () => ({
    ...z, slot: { ...slot }, ...(online ? { ledgerOwner: owner() } : {}),
    eincheckenAbMs: slot.beginnMs - policy.eincheckenVorherMs, nichtErschienenAbMs: slot.beginnMs - policy.nichtErschienenVorherMs,
  }));

  /** Check-in and no-show only around the appointment (added later: a history from before replays without). */
  function zuFrueh(abMs: number, was: string): TerminAntwort | undefined {
    if (!patched('termin-empfang-zeitfenster') || new Date().getTime() >= abMs) return undefined;
    return fehler('ZU_FRUEH', `${was} ist erst ab ${berlinZeitpunktText(abMs)} möglich.`);
  }

  setHandler(terminBestaetigenUpdate, () => exklusiv(async () => {
    if (z.status === 'bestaetigt') return ok();
    if (z.status === 'abgelaufen') return fehler('ABGELAUFEN', 'Die Reservierung ist abgelaufen.');
    if (z.status !== 'reserviert') return fehler('FALSCHER_STATUS', 'Dieser Termin kann nicht mehr bestätigt werden.');
    const platz = await ledger.terminBestaetigeEinheiten({ slot, owner: owner() });
    if (platz === null) {
      setze('abgelaufen', 'Reservierung abgelaufen');
      return fehler('ABGELAUFEN', 'Die Reservierung ist abgelaufen.');
    }
    delete z.reserviertBisMs;
    setze('bestaetigt');
    planVersion += 1;
    return ok();
  }));

  setHandler(terminAbsagenUpdate, () => exklusiv(async () => {
    if (z.status === 'abgesagt') return ok();
    if (z.status !== 'reserviert' && z.status !== 'bestaetigt') return fehler('FALSCHER_STATUS', 'Dieser Termin kann nicht mehr abgesagt werden.');
    const warBestaetigt = z.status === 'bestaetigt';
    if (online) await ledger.terminGibEinheitenFrei({ slot, owner: owner() });
    setze('abgesagt', warBestaetigt ? 'abgesagt' : 'Reservierung verworfen');
    return ok();
  }));

  setHandler(terminUmbuchenUpdate, (a: UmbuchenAuftrag) => exklusiv(async () => {
    if (z.status !== 'bestaetigt' || !online) return fehler('FALSCHER_STATUS', 'Dieser Termin kann nicht mehr verschoben werden.');
    if (a.slot.standortId === slot.standortId && a.slot.beginnMs === slot.beginnMs) return ok();
    const platz = await ledger.terminBelegeEinheiten({ slot: a.slot, owner: owner(version + 1) });
    if (platz === null) return fehler('BELEGT', 'Dieser Termin ist leider schon vergeben.');
    await ledger.terminGibEinheitenFrei({ slot, owner: owner() });
    version += 1;
    slot = a.slot;
    z.slot = slot;
    z.erinnert = false;
    if (a.verwaltungsLink) link = a.verwaltungsLink;
    upsertSearchAttributes([{ key: ART, value: slot.standortId }, { key: STICHTAG, value: tagDatum(slot.tag) }]);
    planVersion += 1;
    return ok();
  }));

  setHandler(terminEincheckenUpdate, (d: EincheckDaten) => exklusiv(async () => {
    if (z.status === 'erschienen' || z.status === 'erledigt') return ok();
    if (z.status !== 'bestaetigt') return fehler('FALSCHER_STATUS', 'Für diesen Termin ist kein Einchecken möglich.');
    const frueh = zuFrueh(slot.beginnMs - policy.eincheckenVorherMs, 'Einchecken');
    if (frueh) return frueh;
    eincheck = d;
    setze('erschienen');
    return ok();
  }), {
    validator: (d: EincheckDaten) => {
      if (!d || !d.vorname?.trim() || !d.nachname?.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(d.geburtsdatum ?? '') || !/^\d{5}$/.test(d.plz ?? '') || !d.strasse?.trim() || !d.ort?.trim()) {
        throw new Error('Angaben für den Neuantrag unvollständig');
      }
    },
  });

  setHandler(terminNichtErschienenUpdate, () => exklusiv(async () => {
    if (z.status === 'nicht_erschienen') return ok();
    if (z.status !== 'bestaetigt') return fehler('FALSCHER_STATUS', 'Dieser Termin kann nicht als „nicht erschienen“ markiert werden.');
    const frueh = zuFrueh(slot.beginnMs - policy.nichtErschienenVorherMs, '„Nicht erschienen“');
    if (frueh) return frueh;
    if (online) await ledger.terminGibEinheitenFrei({ slot, owner: owner() });
    setze('nicht_erschienen');
    return ok();
  }));

  setHandler(terminExternGeaendertSignal, (e: ExternGeaendert) => {
    if (e.slot === null) {
      if (z.status === 'bestaetigt') setze('abgesagt', IM_TERMINSYSTEM_GELOESCHT);
      return;
    }
    const zurueck = z.status === 'abgesagt' && z.grund === IM_TERMINSYSTEM_GELOESCHT;
    if (z.status !== 'bestaetigt' && !zurueck) return;
    if (zurueck || e.slot.beginnMs !== slot.beginnMs || e.slot.standortId !== slot.standortId || e.slot.endeMs !== slot.endeMs) {
      slot = e.slot;
      z.slot = slot;
      z.erinnert = false;
      upsertSearchAttributes([{ key: ART, value: slot.standortId }, { key: STICHTAG, value: tagDatum(slot.tag) }]);
      if (zurueck) {
        delete z.grund;
        setze('bestaetigt');
      }
      planVersion += 1;
    }
  });

  async function benachrichtige(art: 'bestaetigung' | 'umbuchung' | 'erinnerung' | 'absage' | 'nicht_erschienen'): Promise<void> {
    if (!online && (art === 'bestaetigung' || art === 'umbuchung' || art === 'absage')) return; // the Terminsystem informs on its own
    const jetzigerInput: TerminInput = { ...input, slot, ...(link ? { verwaltungsLink: link } : {}) };
    if (input.person.email) {
      await extern.terminSendeMail({ terminId: id, art, input: jetzigerInput, slot, version });
      return;
    }
    const briefArt: BriefArt | undefined = art === 'bestaetigung' || art === 'umbuchung' ? 'TERMIN_BESTAETIGUNG' : art === 'erinnerung' ? 'TERMIN_ERINNERUNG' : undefined;
    const a = input.person.anschrift;
    if (!briefArt || !a) return; // cancellations and invitations go by e-mail only; no address: nothing to send
    const auftrag: BriefAuftrag = {
      briefId: terminBriefId(id, art, version),
      art: briefArt,
      empfaenger: { name: input.person.name, strasse: a.strasse, plz: a.plz, ort: a.ort },
      bgNummer: input.person.bgNummer ?? '',
      teamId: input.teamId,
      daten: { termin: slot.tag, uhrzeit: slot.uhrzeit, ort: input.ort, unterlagen: input.unterlagen.join('; ') },
      bezug: { prozess: Prozess.TERMINVERGABE, workflowId: id },
    };
    try {
      await startChild(BRIEF_WORKFLOW, { workflowId: briefWorkflowId(auftrag.briefId), parentClosePolicy: ParentClosePolicy.ABANDON, args: [auftrag] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  // 1. Reservation: confirmed, cancelled, or expired.
  if (z.status === 'reserviert') {
    await condition(() => z.status !== 'reserviert' && beschaeftigt === 0, policy.reservierungMs);
    await condition(() => beschaeftigt === 0);
    if (z.status === 'reserviert') {
      await exklusiv(async () => {
        await ledger.terminGibEinheitenFrei({ slot, owner: owner() });
        delete z.reserviertBisMs;
        setze('abgelaufen', 'Reservierung abgelaufen');
      });
    }
  }

  // 2. Confirmed: confirmation, reminder, then check-in, no-show or cancellation.
  let gemeldet = -1;
  for (;;) {
    while (z.status === 'bestaetigt') {
      if (gemeldet !== planVersion) {
        const erste = gemeldet === -1;
        gemeldet = planVersion;
        if (!(erste && input.bestaetigt)) await benachrichtige(erste ? 'bestaetigung' : 'umbuchung');
        if (z.status !== 'bestaetigt') break;
      }
      const t = jetzt();
      const erinnerungAm = slot.beginnMs - policy.erinnerungVorherMs;
      // A booking made inside the reminder window needs no reminder.
      const erinnern = !z.erinnert && erinnerungAm > z.reserviertAmMs && slot.beginnMs > t;
      if (erinnern && t >= erinnerungAm) {
        z.erinnert = true;
        await benachrichtige('erinnerung');
        continue;
      }
      const verpasstAm = slot.beginnMs + policy.nichtErschienenNachMs;
      if (t >= verpasstAm) {
        await exklusiv(async () => {
          if (z.status !== 'bestaetigt') return;
          if (online) await ledger.terminGibEinheitenFrei({ slot, owner: owner() });
          setze('nicht_erschienen', 'nicht erschienen (Zeit abgelaufen)');
        });
        break;
      }
      const naechstes = erinnern ? Math.min(erinnerungAm, verpasstAm) : verpasstAm;
      // Wake on any change not yet announced (also one that came in while a message was being sent).
      await condition(() => z.status !== 'bestaetigt' || planVersion !== gemeldet, Math.max(1, naechstes - t));
    }
    // A booking deleted in the Terminsystem may come back (moved to a day the sync had not read yet).
    if (!online && z.status === 'abgesagt' && z.grund === IM_TERMINSYSTEM_GELOESCHT && (await condition(() => z.status === 'bestaetigt', policy.wiederkehrMs))) continue;
    break;
  }
  await condition(() => beschaeftigt === 0);

  // 3. End states.
  const status = z.status as TerminStatus;
  if (status === 'abgesagt' && !input.bestaetigt && z.grund !== 'Reservierung verworfen') await benachrichtige('absage');
  if (status === 'nicht_erschienen') await benachrichtige('nicht_erschienen');
  if (z.status === 'erschienen' && eincheck) {
    const d = eincheck;
    const neu = await extern.terminLegeNeuantragAn({ terminId: id, daten: d, antragsdatum: slot.tag });
    z.neuantrag = neu;
    await extern.terminLegeVorspracheAb({ terminId: id, bgNummer: neu.bgNummer, tag: slot.tag, ort: input.ort, durch: d.durch });
    setze('erledigt');
    log.info('termin erledigt: Neuantrag angelegt', { terminId: id });
  }
  if (!ENDZUSTAENDE.includes(z.status)) log.warn('termin ended in unexpected state', { status: z.status });
  if (policy.nachlaufMs > 0) await sleep(policy.nachlaufMs);
  return { status: z.status, ...(z.neuantrag ? { neuantrag: z.neuantrag } : {}) };
}
