/**
 * Posteingang, Stapel level: one workflow for several incoming files the intake took together (id
 * `stapel-<hash40>` from their content hashes). Per file, the single-file steps run inside activities
 * over many files at once (activities/posteingang/stapel.ts):
 *   pruefeStapel (claim, register, preflight) → a file failing preflight gets its own `posteingang`
 *   workflow (id `eingang-<hash40>`, as if it had come alone: quarantine);
 *   verarbeiteStapel per Teil of 10 files, 2 Teile at once (text layer or OCR through the pool,
 *   recognition, household, filing) → a document the engine is sure about is filed at once with the same
 *   dokumentId and Wiedervorlage referenz the document workflow would use, so each document is filed
 *   exactly once whichever path it takes; a file that is unreadable or holds several documents gets its
 *   own `posteingang` workflow (it reuses the stored Lesung); a document the engine is not sure about, or
 *   a WBA, its own `posteingangDokument` workflow (id `dok-<hash40>-0`: review, Weiterbewilligung).
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
  type DokumentInput, type DokumentVorarbeit, type PosteingangPolicy, type StapelAusgang, type StapelErgebnis, type StapelUebergabeGrund, type StapelZustand, type Teil,
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

/**
 * Files per verarbeiteStapel call and calls at once per Stapel: small enough that documents are filed (and
 * the others handed on) while the rest of the Stapel is still read — a scanned Stapel keeps the OCR pool
 * busy and files as it goes instead of all at the end —, large enough that a born-digital file costs a
 * fraction of an activity.
 */
const TEIL_DATEIEN = 10;
const TEILE_GLEICHZEITIG = 2;

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
  const nachHash = new Map<string, EingangInput>();
  // The same content twice in one Stapel: the first is worked on, the others are 'doppelt' of this Stapel.
  const eingaenge: EingangInput[] = [];
  for (const [i, e] of input.eingaenge.entries()) {
    if (nachHash.has(e.contentHash)) z.dateien[i]!.ausgang = { art: 'doppelt', von: stapelId };
    else {
      nachHash.set(e.contentHash, e);
      eingaenge.push(e);
    }
  }
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
  const eigenesDokument = (hash: string, teil: Teil, grund: StapelUebergabeGrund, vorarbeit?: DokumentVorarbeit) => {
    const e = nachHash.get(hash)!;
    const workflowId = dokumentWorkflowId(hash, 0);
    setze(hash, { art: 'workflow', workflowId, grund });
    const args: DokumentInput = {
      contentHash: e.contentHash, quelle: e.quelle, eingangsdatum: e.eingangsdatum, fileName: e.fileName,
      mediaType: e.mediaType, storedPath: e.storedPath, teil, policy, ...(e.hinweise ? { hinweise: e.hinweise } : {}),
      ...(vorarbeit ? { vorarbeit } : {}),
    };
    return kind(DOKUMENT_WORKFLOW, workflowId, [args], e);
  };

  // 1. claim, register, preflight; a file failing preflight goes to its own workflow at once (quarantine)
  const geprueft = eingaenge.length > 0 ? await stapel.pruefeStapel({ stapelId, eingaenge }) : [];
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

  // 2. per Teil of a few files, TEILE_GLEICHZEITIG Teile at once: reading (text layer, else OCR through the
  //    pool), recognition, household, and filing of what the engine is sure about as soon as it is read;
  //    the others get their own workflow as soon as their Teil is done.
  const teile: EingangInput[][] = [];
  for (let i = 0; i < lesbar.length; i += TEIL_DATEIEN) teile.push(lesbar.slice(i, i + TEIL_DATEIEN));
  let naechsterTeil = 0;
  const arbeite = async () => {
    while (naechsterTeil < teile.length) {
      const teil = teile[naechsterTeil++]!;
      const ergebnisse = await stapel.verarbeiteStapel({ eingaenge: teil, policy, textlayer: textlayer.filter((h) => teil.some((e) => e.contentHash === h)) });
      for (const g of ergebnisse) {
        if (g.weiter === 'abgelegt') {
          setze(g.contentHash, { art: 'abgelegt', dokumentId: g.dokumentId, dokumentart: g.dokumentart, bgNummer: g.bgNummer, ...(g.wiedervorlageId ? { wiedervorlageId: g.wiedervorlageId } : {}) });
        } else if (g.weiter === 'datei') kinder.push(eigeneDatei(g.contentHash, g.grund));
        else kinder.push(eigenesDokument(g.contentHash, g.teil, g.grund, g.vorarbeit));
      }
    }
  };
  z.status = 'gelesen';
  await Promise.all(Array.from({ length: Math.min(TEILE_GLEICHZEITIG, teile.length) }, arbeite));
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
