/**
 * zentraldruckTagesbatch: the letters of one day (id `druckbatch-<YYYY-MM-DD>`, no personal
 * data). Collects letters (signal `brief_anmelden`, dedup by letter id) until the cut-off
 * (signal `annahmeschluss` from the schedule, or the timer at the configured time), then submits
 * them to the print centre in one submission `druckbatch-<day>-1` (more when the day exceeds
 * maxBriefeProAuftrag), follows the status with Temporal timers until every letter is handed to
 * Deutsche Post or failed, and signals each letter workflow its outcome.
 *
 * Exactly once: the submission activity is retried with the SAME batch id (the connector is
 * idempotent by batch id), also after a timeout with unknown result. A letter that registers
 * after the cut-off is told `zu_spaet` and joins the next working day's batch.
 * A batch not finished statusWarnungMs after submission is marked 'verzoegert' (search
 * attribute STATUS, warning in the worker log) and followed further.
 */
import {
  allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, getExternalWorkflowHandle, log, proxyActivities,
  setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  ANNAHMESCHLUSS_SIGNAL, auftragsKennung, BATCH_ZUSTAND_QUERY, BRIEF_ANMELDEN_SIGNAL, DRUCK_ERGEBNIS_SIGNAL,
  type BatchBrief, type BatchPhase, type BatchZustand, type DruckErgebnis, type TagesbatchInput,
} from '../../domain/briefdruck';
import { ART, PROZESS, Prozess, STATUS, STICHTAG } from '../../domain/search-attributes';

const einreichen = proxyActivities<Activities>({
  // The connector bounds one submission itself (DRUCKZENTRUM_TIMEOUT_MS / EPOST_TIMEOUT_MS).
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2 },
});
const status = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2 },
});

export const briefAnmeldenSignal = defineSignal<[BatchBrief]>(BRIEF_ANMELDEN_SIGNAL);
export const annahmeschlussSignal = defineSignal(ANNAHMESCHLUSS_SIGNAL);
export const batchZustandQuery = defineQuery<BatchZustand>(BATCH_ZUSTAND_QUERY);

export async function zentraldruckTagesbatch(input: TagesbatchInput): Promise<BatchZustand> {
  const { stichtag, policy } = input;
  const briefe = new Map<string, BatchBrief>((input.briefe ?? []).map((b) => [b.briefId, b]));
  const zuSpaet: BatchBrief[] = [];
  const v = input.verfolgung;
  const ergebnisse: Record<string, 'offen' | 'an_post_uebergeben' | 'fehler'> = { ...(v?.ergebnisse ?? {}) };
  const auftraege: BatchZustand['auftraege'] = [...(v?.auftraege ?? [])];
  let phase: BatchPhase = v ? (v.gewarnt ? 'verzoegert' : 'uebergeben') : 'sammelt';
  let schluss = Boolean(v);
  const anzahl = () => (v ? v.anzahl : briefe.size);

  setHandler(briefAnmeldenSignal, (b) => {
    if (phase === 'sammelt' && !schluss) {
      if (!briefe.has(b.briefId)) briefe.set(b.briefId, b);
    } else if (!briefe.has(b.briefId)) {
      zuSpaet.push(b);
    }
  });
  setHandler(annahmeschlussSignal, () => {
    schluss = true;
  });
  setHandler(batchZustandQuery, () => ({ stichtag, phase, anzahl: anzahl(), auftraege: auftraege.map((a) => ({ ...a })), ergebnisse: { ...ergebnisse } }));

  function setzePhase(p: BatchPhase): void {
    phase = p;
    upsertSearchAttributes([{ key: STATUS, value: p }]);
  }

  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.ZENTRALDRUCK },
    { key: ART, value: 'TAGESBATCH' },
    { key: STATUS, value: phase },
    { key: STICHTAG, value: new Date(`${stichtag}T00:00:00Z`) },
  ]);
  if (v) return verfolge(new Map(v.offen.map((o) => [o.auftragsId, { batchId: o.batchId, briefe: new Map(o.briefe.map((b) => [b.briefId, b])) }])), v.warnungUm, v.gewarnt);

  async function melde(workflowId: string, e: DruckErgebnis): Promise<void> {
    try {
      await getExternalWorkflowHandle(workflowId).signal(DRUCK_ERGEBNIS_SIGNAL, e);
    } catch (err) {
      // The letter workflow is gone (terminated by an administrator): nothing to tell.
      log.warn('Briefworkflow nicht erreichbar', { briefId: e.briefId, fehler: (err as Error).message });
    }
  }

  async function antworteZuSpaet(): Promise<void> {
    while (zuSpaet.length > 0) {
      const b = zuSpaet.shift() as BatchBrief;
      await melde(b.workflowId, { briefId: b.briefId, status: 'zu_spaet', stichtag });
    }
  }

  // 1. Collect until the cut-off (signal or timer); continue-as-new keeps long days small.
  const bisSchluss = Math.max(0, new Date(input.annahmeschlussUm).getTime() - new Date().getTime());
  const ende = new Date().getTime() + bisSchluss;
  while (!schluss) {
    const rest = ende - new Date().getTime();
    if (rest <= 0) break;
    await condition(() => schluss || workflowInfo().continueAsNewSuggested, rest);
    if (!schluss && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof zentraldruckTagesbatch>({ ...input, briefe: [...briefe.values()] });
    }
  }
  schluss = true;
  setzePhase('uebergeben');
  if (briefe.size === 0) {
    setzePhase('leer');
    await condition(allHandlersFinished);
    await antworteZuSpaet();
    return { stichtag, phase, anzahl: 0, auftraege: [], ergebnisse: {} };
  }

  // 2. Submit: one submission per chunk, each with its fixed batch id.
  const liste = [...briefe.values()];
  const stuecke: BatchBrief[][] = [];
  for (let i = 0; i < liste.length; i += policy.maxBriefeProAuftrag) stuecke.push(liste.slice(i, i + policy.maxBriefeProAuftrag));
  const offen = new Map<string, { batchId: string; briefe: Map<string, BatchBrief> }>();
  for (let n = 0; n < stuecke.length; n += 1) {
    const teil = stuecke[n] as BatchBrief[];
    const batchId = auftragsKennung(stichtag, n + 1, policy.batchPraefix);
    for (const b of teil) ergebnisse[b.briefId] = 'offen';
    try {
      const r = await einreichen.reicheBatchEin({ batchId, briefe: teil });
      offen.set(r.auftragsId, { batchId, briefe: new Map(teil.map((b) => [b.briefId, b])) });
      auftraege.push({ batchId, briefe: teil.length, offen: teil.length, status: 'angenommen' });
    } catch (err) {
      // Refused as a whole (business answer): every letter of it goes back to its workflow.
      const grund = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
      auftraege.push({ batchId, briefe: teil.length, offen: 0, status: 'fehler' });
      for (const b of teil) {
        ergebnisse[b.briefId] = 'fehler';
        await melde(b.workflowId, { briefId: b.briefId, status: 'fehler', grund: `Der Druckauftrag wurde abgelehnt: ${grund}`, batchId });
      }
    }
  }
  await antworteZuSpaet();
  return verfolge(offen, new Date().getTime() + policy.statusWarnungMs, false);

  // 3. Follow the status until every letter is final (continue-as-new after maxAbfragenProLauf rounds).
  async function verfolge(offen: Map<string, { batchId: string; briefe: Map<string, BatchBrief> }>, warnungUm: number, gewarntBisher: boolean): Promise<BatchZustand> {
    let gewarnt = gewarntBisher;
    let runden = 0;
    while (offen.size > 0) {
      if (runden >= policy.maxAbfragenProLauf) {
        await condition(allHandlersFinished);
        await antworteZuSpaet();
        await continueAsNew<typeof zentraldruckTagesbatch>({
          ...input,
          briefe: undefined,
          verfolgung: {
            offen: [...offen].map(([auftragsId, a]) => ({ auftragsId, batchId: a.batchId, briefe: [...a.briefe.values()] })),
            auftraege, ergebnisse, anzahl: anzahl(), warnungUm, gewarnt,
          },
        });
      }
      runden += 1;
      await condition(() => zuSpaet.length > 0, policy.statusPollMs);
      await antworteZuSpaet();
      for (const [auftragsId, a] of [...offen]) {
        const s = await status.frageBatchStatus(auftragsId);
        for (const bs of s.briefe) {
          const b = a.briefe.get(bs.briefId);
          if (!b) continue;
          if (bs.status === 'an_post_uebergeben') {
            ergebnisse[b.briefId] = 'an_post_uebergeben';
            await melde(b.workflowId, { briefId: b.briefId, status: 'an_post_uebergeben', postausgangsdatum: bs.postausgangsdatum ?? stichtag, batchId: a.batchId });
            a.briefe.delete(b.briefId);
          } else if (bs.status === 'fehler') {
            ergebnisse[b.briefId] = 'fehler';
            await melde(b.workflowId, { briefId: b.briefId, status: 'fehler', fehlercode: bs.fehlercode, grund: bs.grund ?? 'Das Druckzentrum hat den Brief abgelehnt.', batchId: a.batchId });
            a.briefe.delete(b.briefId);
          }
        }
        const eintrag = auftraege.find((x) => x.batchId === a.batchId);
        if (eintrag) Object.assign(eintrag, { offen: a.briefe.size, status: s.status });
        if (a.briefe.size === 0) offen.delete(auftragsId);
      }
      if (offen.size > 0 && !gewarnt && new Date().getTime() >= warnungUm) {
        gewarnt = true;
        setzePhase('verzoegert');
        log.warn('Tagesbatch verzögert: Briefe nach der Warnzeit noch nicht an die Post übergeben', { stichtag, offen: [...offen.values()].reduce((n, a) => n + a.briefe.size, 0) });
      }
      if (offen.size > 0 && workflowInfo().continueAsNewSuggested) runden = policy.maxAbfragenProLauf;
    }

    setzePhase('abgeschlossen');
    await condition(allHandlersFinished);
    await antworteZuSpaet();
    return { stichtag, phase, anzahl: anzahl(), auftraege, ergebnisse };
  }
}
