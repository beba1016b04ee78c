/**
 * Activities of the Weiterbewilligung: the writes into the Fachverfahren when a WBA arrives,
 * and the daily sync that starts one `weiterbewilligung` workflow per BWZ.
 *
 * The sync is built for a large Landkreis (30,000 households):
 *  - what Temporal already knows comes from ONE visibility listing of the window (ids, BWZ end,
 *    team, status in search attributes: no personal data), pages of 1000; an unchanged BWZ
 *    costs no call at all;
 *  - new BWZ are started with bounded concurrency (default 50 in flight), id `wb-<HMAC>`,
 *    WorkflowIdReusePolicy REJECT_DUPLICATE: a BWZ is never started twice, also not after its
 *    workflow closed; "already started" (visibility lag) becomes a harmless bwzGeaendert signal;
 *  - changed BWZ (end, team, dissolved) get the signal `bwzGeaendert`;
 *  - the activity heartbeats its progress (index below which everything is done + counters)
 *    and resumes from the heartbeat details after a retry.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { isBusinessError } from '../../connectors/errors';
import type { Bewilligungszeitraum, Fachverfahren, Haushalt, WiedervorlageAuftrag } from '../../connectors/fachverfahren/port';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeInput } from '../../domain/aufgabe';
import { FAELLIG, PROZESS, Prozess, STATUS, STICHTAG, TEAM } from '../../domain/search-attributes';
import {
  BWZ_GEAENDERT_SIGNAL, WEITERBEWILLIGUNG_WORKFLOW, deutschesDatum, istTag, plusTage, pruefePolicy, schritte, syncFenster,
  weiterbewilligungWorkflowId, type BwzGeaendert, type SyncErgebnis, type SyncInput, type Tag, type WeiterbewilligungInput,
  type WeiterbewilligungPolicy,
} from '../../domain/weiterbewilligung';
import type { Anschrift } from '../../domain/zentraldruck';
import { berlinDate } from '../../domain/zeit';
import { loadPseudonymizer, type Pseudonymizer } from '../../platform/pseudonym';
import { requireConnectors, type ActivityDeps } from '..';

interface BwzEintrag {
  bgNummer: string;
  teamId: string;
  aufgeloest: boolean;
  bwz: Bewilligungszeitraum;
}

interface Bekannt {
  stichtag: Tag | null;
  team: string | null;
  laeuft: boolean;
}

interface Fortschritt {
  erledigtBis: number;
  zaehler: Omit<SyncErgebnis, 'von' | 'bis'>;
  von: Tag;
  bis: Tag;
}

/** A BusinessError of a port becomes a non-retryable failure; anything else is retried. */
async function alsAktivitaet<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isBusinessError(err)) throw ApplicationFailure.nonRetryable(err.message, (err as { code?: string }).code ?? 'BusinessError');
    throw err;
  }
}

/** Letter address from the household: the applicant's name, street + number, PLZ, Ort. */
export function empfaengerAus(h: Haushalt): Anschrift | undefined {
  const p = h.personen.find((x) => x.rolle === 'antragsteller') ?? h.personen[0];
  const a = h.anschrift;
  if (!p || !a?.strasse?.trim() || !a.plz?.trim() || !a.ort?.trim()) return undefined;
  return { name: `${p.vorname} ${p.nachname}`.trim(), strasse: `${a.strasse} ${a.hausnummer ?? ''}`.trim(), plz: a.plz, ort: a.ort };
}

async function mitWiederholung<T>(fn: () => Promise<T>, versuche = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= versuche || err instanceof WorkflowExecutionAlreadyStartedError || err instanceof WorkflowNotFoundError) throw err;
      await new Promise((r) => setTimeout(r, 500 * 2 ** i));
    }
  }
}

export interface SyncDeps {
  client: Client;
  taskQueue: string;
  fachverfahren: Fachverfahren;
  pseudonymizer: Pseudonymizer;
  heartbeat?: (f: Fortschritt) => void;
  resume?: Fortschritt;
  abgebrochen?: () => boolean;
  log?: ActivityDeps['log'];
}

/** The sync itself, independent of the activity context (the benchmark and tests call it too). */
export async function synchronisiere(input: SyncInput, d: SyncDeps): Promise<SyncErgebnis> {
  const policy: WeiterbewilligungPolicy = pruefePolicy(input.policy);
  const fenster = syncFenster(input.heute ?? berlinDate(new Date()), policy);
  const von = input.von ?? fenster.von;
  const bis = input.bis ?? fenster.bis;
  const parallel = Math.max(1, Math.min(500, input.parallel ?? 50));

  const eintraege: BwzEintrag[] = [];
  for await (const e of d.fachverfahren.listeBewilligungszeitraeume(von, bis)) eintraege.push(e);

  // What Temporal knows already: one listing (search attributes only) instead of a call per BWZ.
  const bekannt = new Map<string, Bekannt>();
  const query = `WorkflowType = '${WEITERBEWILLIGUNG_WORKFLOW}' AND ${STICHTAG.name} >= '${von}T00:00:00Z' AND ${STICHTAG.name} < '${plusTage(bis, 1)}T00:00:00Z'`; // "<=" on the day itself does not match on SQLite visibility
  for await (const wf of d.client.workflow.list({ query, pageSize: 1000 })) {
    const s = wf.typedSearchAttributes.get(STICHTAG);
    bekannt.set(wf.workflowId, { stichtag: s ? s.toISOString().slice(0, 10) : null, team: wf.typedSearchAttributes.get(TEAM) ?? null, laeuft: wf.status.name === 'RUNNING' });
  }

  const resume = d.resume && d.resume.von === von && d.resume.bis === bis ? d.resume : undefined;
  const zaehler = resume?.zaehler ?? { gesehen: eintraege.length, gestartet: 0, unveraendert: 0, geaendert: 0, abgeschlossen: 0, uebersprungen: 0, fehler: 0 };
  zaehler.gesehen = eintraege.length;
  const start = Math.min(resume?.erledigtBis ?? 0, eintraege.length);
  const fertig = new Uint8Array(eintraege.length);
  let erledigtBis = start;
  let letzterHeartbeat = Date.now();
  const melde = (force = false) => {
    while (erledigtBis < eintraege.length && fertig[erledigtBis]) erledigtBis++;
    if (force || Date.now() - letzterHeartbeat > 2000) {
      letzterHeartbeat = Date.now();
      d.heartbeat?.({ erledigtBis, zaehler: { ...zaehler }, von, bis });
    }
  };

  const signal = async (id: string, aenderung: BwzGeaendert): Promise<boolean> => {
    try {
      await mitWiederholung(() => d.client.workflow.getHandle(id).signal(BWZ_GEAENDERT_SIGNAL, aenderung));
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false; // closed meanwhile: nothing left to change
      throw err;
    }
  };

  const bearbeite = async (e: BwzEintrag): Promise<keyof typeof zaehler> => {
    const workflowId = weiterbewilligungWorkflowId(d.pseudonymizer.key24('bwz', e.bgNummer, e.bwz.id));
    const k = bekannt.get(workflowId);
    const ende = e.bwz.ende;
    if (k) {
      if (!k.laeuft) return 'abgeschlossen';
      const aenderung: BwzGeaendert = {};
      if (k.stichtag !== ende) aenderung.bwzEnde = ende;
      if (k.team !== e.teamId) aenderung.teamId = e.teamId;
      if (e.aufgeloest) aenderung.aufgeloest = true;
      if (Object.keys(aenderung).length === 0) return 'unveraendert';
      return (await signal(workflowId, aenderung)) ? 'geaendert' : 'abgeschlossen';
    }
    if (e.aufgeloest) return 'uebersprungen';
    if (!istTag(ende) || !istTag(e.bwz.beginn) || ende < e.bwz.beginn) {
      await meldeFehlerhaftenBwz(d, workflowId, e, policy);
      return 'uebersprungen';
    }
    const h = await d.fachverfahren.findeHaushalt({ bgNummer: e.bgNummer });
    if (!h) return 'uebersprungen'; // gone since the listing: the next sync decides
    const wfInput: WeiterbewilligungInput = {
      bgNummer: e.bgNummer, bwzId: e.bwz.id, bwzEnde: ende, teamId: e.teamId, bereich: h.team.bereich,
      empfaenger: empfaengerAus(h), policy,
    };
    try {
      await mitWiederholung(() => d.client.workflow.start(WEITERBEWILLIGUNG_WORKFLOW, {
        taskQueue: d.taskQueue,
        workflowId,
        args: [wfInput],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: PROZESS, value: Prozess.WEITERBEWILLIGUNG },
          { key: STATUS, value: 'wartet' },
          { key: TEAM, value: e.teamId },
          { key: STICHTAG, value: new Date(`${ende}T00:00:00Z`) },
          // The first step as the workflow plans it (00:00 UTC of its day): the workflow need not upsert it.
          { key: FAELLIG, value: new Date(`${schritte(ende, policy)[0]!.am}T00:00:00Z`) },
        ],
      }));
      return 'gestartet';
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Started before but not yet (or no longer) in the listing: make sure it has today's data.
      return (await signal(workflowId, { bwzEnde: ende, teamId: e.teamId })) ? 'unveraendert' : 'abgeschlossen';
    }
  };

  let naechster = start;
  const arbeiter = async () => {
    for (;;) {
      if (d.abgebrochen?.()) throw new Error('Synchronisation abgebrochen');
      const i = naechster++;
      if (i >= eintraege.length) return;
      try {
        zaehler[await bearbeite(eintraege[i]!)]++;
      } catch (err) {
        zaehler.fehler++;
        d.log?.warn({ err: (err as Error).name, code: (err as { code?: string }).code }, 'weiterbewilligung sync: BWZ nicht verarbeitet');
      }
      fertig[i] = 1;
      melde();
    }
  };
  await Promise.all(Array.from({ length: parallel }, arbeiter));
  melde(true);
  return { von, bis, ...zaehler };
}

/** A BWZ that cannot be right (end before start): a person looks at it, once. */
async function meldeFehlerhaftenBwz(d: SyncDeps, workflowId: string, e: BwzEintrag, policy: WeiterbewilligungPolicy): Promise<void> {
  const heute = berlinDate(new Date());
  const a: AufgabeInput = {
    art: 'SONSTIGE',
    titel: 'Bewilligungszeitraum fehlerhaft',
    beschreibung: `Der Bewilligungszeitraum ${e.bwz.id} der Bedarfsgemeinschaft ${e.bgNummer} ist im Fachverfahren fehlerhaft (Beginn ${istTag(e.bwz.beginn) ? deutschesDatum(e.bwz.beginn) : e.bwz.beginn}, Ende ${istTag(e.bwz.ende) ? deutschesDatum(e.bwz.ende) : e.bwz.ende}). Es werden keine Erinnerungen versandt, bis er korrigiert ist.`,
    teamId: e.teamId,
    bereich: 'leistung',
    prioritaet: 'hoch',
    faelligAm: plusTage(heute, policy.aufgabeFristTage),
    bezug: { prozess: Prozess.WEITERBEWILLIGUNG, workflowId, bgNummer: e.bgNummer },
  };
  try {
    await d.client.workflow.start(AUFGABE_WORKFLOW, {
      taskQueue: d.taskQueue, workflowId: aufgabeWorkflowId(workflowId, 'SONSTIGE'), args: [a], workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export function createWeiterbewilligungActivities(deps: ActivityDeps) {
  let pseudonymizer: Pseudonymizer | undefined;
  const pseudo = (): Pseudonymizer => {
    if (!pseudonymizer) {
      try {
        pseudonymizer = loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir: deps.dataDir, generate: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        pseudonymizer = loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir: deps.dataDir, generate: false });
      }
    }
    return pseudonymizer;
  };
  return {
    async erfasseWbaEingang(a: { referenz: string; bgNummer: string; eingangsdatum: Tag }): Promise<{ eingangId: string }> {
      const fv = requireConnectors(deps).fachverfahren;
      return alsAktivitaet(() => fv.erfasseAntragseingang({ referenz: a.referenz, bgNummer: a.bgNummer, art: 'WBA', eingangsdatum: a.eingangsdatum }));
    },

    async erstelleWbaWiedervorlage(a: WiedervorlageAuftrag): Promise<{ wiedervorlageId: string }> {
      const fv = requireConnectors(deps).fachverfahren;
      return alsAktivitaet(() => fv.erstelleWiedervorlage(a));
    },

    /** The letter address of the household today; null if the household or its address is missing. */
    async aktuelleAnschrift(a: { bgNummer: string }): Promise<Anschrift | null> {
      const fv = requireConnectors(deps).fachverfahren;
      const h = await alsAktivitaet(() => fv.findeHaushalt({ bgNummer: a.bgNummer }));
      return h ? (empfaengerAus(h) ?? null) : null;
    },

    async synchronisiereWeiterbewilligung(input: SyncInput): Promise<SyncErgebnis> {
      const ctx = Context.current();
      const ergebnis = await synchronisiere(input, {
        client: ctx.client,
        taskQueue: ctx.info.taskQueue,
        fachverfahren: requireConnectors(deps).fachverfahren,
        pseudonymizer: pseudo(),
        heartbeat: (f) => ctx.heartbeat(f),
        resume: ctx.info.heartbeatDetails as Fortschritt | undefined,
        abgebrochen: () => ctx.cancellationSignal.aborted,
        log: deps.log,
      });
      deps.log?.info({ ...ergebnis }, 'weiterbewilligung sync done');
      return ergebnis;
    },
  };
}
