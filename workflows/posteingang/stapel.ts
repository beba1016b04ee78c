/**
 * Posteingang, Stapel level: one workflow for several incoming files the intake took together (id
 * `stapel-<hash40>` from their content hashes). Per file, the single-file steps run inside three
 * activities over the whole Stapel (activities/posteingang/stapel.ts):
 *   pruefeStapel (claim, register, preflight) → a file failing preflight gets its own `posteingang`
 *   workflow (id `eingang-<hash40>`, as if it had come alone: quarantine);
 *   leseStapel (text layer or OCR through the pool, recognition, household) → a file that is unreadable
 *   or holds several documents gets its own `posteingang` workflow (it reuses the stored Lesung); a
 *   document the engine is not sure about, or a WBA, its own `posteingangDokument` workflow (id
 *   `dok-<hash40>-0`: review, Weiterbewilligung);
 *   legeStapelAb → the rest is filed with the same dokumentId and Wiedervorlage referenz the document
 *   workflow would use, so each document is filed exactly once whichever path it takes.
 * Children are abandoned on close (they outlive the Stapel). Nothing large enters the history;
 * search attributes carry no personal data.
 */
import {
  ParentClosePolicy, allHandlersFinished, condition, defineQuery, log, proxyActivities, proxyLocalActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../../activities';
import { eingangWorkflowId, type EingangInput } from '../../domain/eingang';
import {
  DOKUMENT_WORKFLOW, POSTEINGANG_WORKFLOW, PosteingangStatus, StapelQueries, dokumentWorkflowId,
  type DokumentInput, type PosteingangPolicy, type StapelAusgang, type StapelErgebnis, type StapelUebergabeGrund, type StapelZustand, type Teil,
} from '../../domain/posteingang';
import { EINGANGSDATUM, PROZESS, Prozess, QUELLE, STATUS } from '../../domain/search-attributes';

const lokal = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
// A Stapel of up to 50 files; reading with OCR waits for the pool (shared with everything else):
// hours at most in a backlog, liveness by heartbeats (after every file and while OCR pages wait).
const stapel = proxyActivities<Activities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2 },
});

export const stapelZustandQuery = defineQuery<StapelZustand>(StapelQueries.ZUSTAND);

export interface StapelInput {
  eingaenge: EingangInput[];
  /** Overrides of the site policy (tests compress the review SLA). */
  policy?: Partial<PosteingangPolicy>;
}

export async function posteingangStapel(input: StapelInput): Promise<StapelErgebnis> {
  const stapelId = workflowInfo().workflowId;
  const erster = input.eingaenge[0];
  const z: StapelZustand = {
    status: 'erfasst', quelle: erster?.quelle ?? 'scanner', eingangsdatum: erster?.eingangsdatum ?? '',
    dateien: input.eingaenge.map((e) => ({ contentHash: e.contentHash, dateiname: e.fileName })),
  };
  setHandler(stapelZustandQuery, () => z);
  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.POSTEINGANG },
    { key: STATUS, value: PosteingangStatus.ERFASST },
    ...(erster ? [{ key: QUELLE, value: erster.quelle }, { key: EINGANGSDATUM, value: new Date(`${erster.eingangsdatum}T00:00:00Z`) }] : []),
  ]);
  const policy: PosteingangPolicy = { ...(await lokal.posteingangPolicy()), ...input.policy };
  const nachHash = new Map(input.eingaenge.map((e) => [e.contentHash, e]));
  const setze = (hash: string, ausgang: StapelAusgang) => {
    const d = z.dateien.find((x) => x.contentHash === hash);
    if (d) d.ausgang = ausgang;
  };
  const attribute = (e: EingangInput): SearchAttributePair[] => [
    { key: PROZESS, value: Prozess.POSTEINGANG },
    { key: STATUS, value: PosteingangStatus.ERFASST },
    { key: QUELLE, value: e.quelle },
    { key: EINGANGSDATUM, value: new Date(`${e.eingangsdatum}T00:00:00Z`) },
  ];
  async function kind(workflowType: string, workflowId: string, args: unknown[], e: EingangInput): Promise<void> {
    try {
      await startChild(workflowType, { workflowId, args, parentClosePolicy: ParentClosePolicy.ABANDON, typedSearchAttributes: attribute(e) });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  const eigeneDatei = (hash: string, grund: StapelUebergabeGrund) => {
    const e = nachHash.get(hash)!;
    const workflowId = eingangWorkflowId(hash);
    setze(hash, { art: 'workflow', workflowId, grund });
    return kind(POSTEINGANG_WORKFLOW, workflowId, [{ ...e, stapelId }, { policy: input.policy ?? {} }], e);
  };
  const eigenesDokument = (hash: string, teil: Teil, grund: StapelUebergabeGrund) => {
    const e = nachHash.get(hash)!;
    const workflowId = dokumentWorkflowId(hash, 0);
    setze(hash, { art: 'workflow', workflowId, grund });
    const args: DokumentInput = {
      contentHash: e.contentHash, quelle: e.quelle, eingangsdatum: e.eingangsdatum, fileName: e.fileName,
      mediaType: e.mediaType, storedPath: e.storedPath, teil, policy, ...(e.hinweise ? { hinweise: e.hinweise } : {}),
    };
    return kind(DOKUMENT_WORKFLOW, workflowId, [args], e);
  };

  // 1. claim, register, preflight; files needing OCR (or failing) go to their own workflow at once
  const geprueft = await stapel.pruefeStapel({ stapelId, eingaenge: input.eingaenge });
  const kinder: Promise<void>[] = [];
  const lesbar: EingangInput[] = [];
  const textlayer: string[] = [];
  for (const p of geprueft) {
    if (p.weiter === 'doppelt') setze(p.contentHash, { art: 'doppelt', von: p.von });
    else if (p.weiter === 'datei') kinder.push(eigeneDatei(p.contentHash, p.grund));
    else {
      lesbar.push(nachHash.get(p.contentHash)!);
      if (p.textlayer) textlayer.push(p.contentHash);
    }
  }

  // 2. reading (text layer, else OCR through the pool), recognition, household
  const gelesen = lesbar.length > 0 ? await stapel.leseStapel({ eingaenge: lesbar, policy, textlayer }) : [];
  z.status = 'gelesen';
  const ablagen = [];
  for (const g of gelesen) {
    if (g.weiter === 'ablage') ablagen.push(g);
    else if (g.weiter === 'datei') kinder.push(eigeneDatei(g.contentHash, g.grund));
    else kinder.push(eigenesDokument(g.contentHash, g.teil, g.grund));
  }

  // 3. filing with Wiedervorlage and Antragseingang; a document that could not be finished here goes to its own workflow
  const abgelegt = ablagen.length > 0 ? await stapel.legeStapelAb({ eingaenge: ablagen.map((a) => nachHash.get(a.contentHash)!), ablagen, policy }) : [];
  for (const [i, a] of abgelegt.entries()) {
    const d = ablagen[i]!;
    if (a.weiter === 'abgelegt') {
      setze(a.contentHash, { art: 'abgelegt', dokumentId: a.dokumentId, dokumentart: d.dokumentart, bgNummer: d.bgNummer, ...(a.wiedervorlageId ? { wiedervorlageId: a.wiedervorlageId } : {}) });
    } else kinder.push(eigenesDokument(a.contentHash, d.teil, a.grund));
  }
  await Promise.all(kinder);
  z.status = 'abgelegt';
  upsertSearchAttributes([{ key: STATUS, value: PosteingangStatus.ABGELEGT }]);
  log.info('posteingang: Stapel done', {
    dateien: z.dateien.length, abgelegt: z.dateien.filter((d) => d.ausgang?.art === 'abgelegt').length,
    eigeneWorkflows: z.dateien.filter((d) => d.ausgang?.art === 'workflow').length, doppelt: z.dateien.filter((d) => d.ausgang?.art === 'doppelt').length,
  });
  await condition(allHandlersFinished);
  return { status: 'abgelegt', dateien: z.dateien.map((d) => ({ contentHash: d.contentHash, ausgang: d.ausgang! })) };
}
