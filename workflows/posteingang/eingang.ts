/**
 * Posteingang, file level: one workflow per incoming file (id `eingang-<hash40>` from the content
 * hash, started by the intake). A fixed, named sequence of small steps:
 *   register → preflight → read (OCR through the pool) → [doubtful split: a person confirms] →
 *   one `posteingangDokument` child per document (ParentClosePolicy ABANDON: they outlive this one).
 * A failed step never loses the file: it waits in quarantine (STATUS 'quarantaene') with a reason
 * for the admin's update `quarantaene` — freigeben continues (every document then goes to review),
 * verwerfen ends with VERWORFEN (the stored file stays, with the reason in the history).
 * Technical failures are retried by the activities' policies; nothing large enters the history
 * (the Lesung lives in a file). Search attributes carry no personal data.
 *
 * Versioning: use patched('pe-<what>-<yyyymm>') for changes once histories are saved
 * (test/histories/posteingang*.json are replayed by test/integration/replay.test.ts).
 */
import {
  ActivityFailure, ApplicationFailure, ParentClosePolicy, TimeoutFailure, allHandlersFinished, condition, defineQuery, defineUpdate, log, patched, proxyActivities,
  proxyLocalActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { EingangInput } from '../../domain/eingang';
import {
  DOKUMENT_WORKFLOW, DateiQueries, DateiUpdates, PosteingangStatus, dokumentWorkflowId,
  type DateiErgebnis, type DateiZustand, type DokumentInput, type LeseZusammenfassung, type PosteingangPolicy,
  type PosteingangStatusWert, type QuarantaeneEntscheidung, type Teil, type ZerlegungsEntscheidung,
} from '../../domain/posteingang';
import { EINGANGSDATUM, PROZESS, Prozess, QUELLE, STATUS } from '../../domain/search-attributes';

const KURZ = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
} as const;
const kurz = proxyActivities<Activities>(KURZ);
const lesen = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2 },
});

/**
 * Since pe-lokal-202611: the short, idempotent steps run as local activities in the workflow task
 * itself (no round trip through the server per step; a worker that dies mid-task repeats them, which
 * they allow). Reading of a file with a text layer on every page too; reading with OCR stays a normal
 * activity with heartbeats.
 */
export const LOKAL_PATCH = 'pe-lokal-202611';
const kurzLokal = proxyLocalActivities<Activities>(KURZ);
const digitalLokal = proxyLocalActivities<Activities>({ ...KURZ, retry: { ...KURZ.retry, maximumAttempts: 3 } });

export const dateiZustandQuery = defineQuery<DateiZustand>(DateiQueries.ZUSTAND);
export const dateiQuarantaeneUpdate = defineUpdate<DateiZustand, [QuarantaeneEntscheidung]>(DateiUpdates.QUARANTAENE);
export const zerlegungUpdate = defineUpdate<DateiZustand, [ZerlegungsEntscheidung]>(DateiUpdates.ZERLEGUNG);

export interface PosteingangOptionen {
  /** Overrides of the site policy (tests compress the review SLA). */
  policy?: Partial<PosteingangPolicy>;
}

function text(s: unknown): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

/**
 * The reason (German, from the activity) and code of a failed step, or undefined when `err` is no step
 * failure (then it is rethrown). A normal activity fails with an ActivityFailure around the cause; a
 * local activity's failure reaches the workflow as the cause itself (ApplicationFailure, TimeoutFailure).
 */
export function schrittFehler(err: unknown): { grund: string; code?: string } | undefined {
  if (err instanceof ActivityFailure) {
    const c = err.cause as { message?: string; type?: string } | undefined;
    return { grund: c?.message ?? err.message, ...(c?.type ? { code: c.type } : {}) };
  }
  if (err instanceof ApplicationFailure) return { grund: err.message, ...(err.type ? { code: err.type } : {}) };
  if (err instanceof TimeoutFailure) return { grund: err.message };
  return undefined;
}

/** Checks an admin's quarantine decision; throws a German message (the update is refused). */
export function pruefeQuarantaeneEntscheidung(e: QuarantaeneEntscheidung | undefined, wartet: boolean): void {
  if (!wartet) throw new Error('Der Eingang ist nicht in Quarantäne.');
  if (!e || !text(e.wer)) throw new Error('Benutzer fehlt: Die Entscheidung braucht den angemeldeten Benutzernamen.');
  if (e.aktion !== 'freigeben' && e.aktion !== 'verwerfen') throw new Error('Aktion muss „freigeben“ oder „verwerfen“ sein.');
  if (!text(e.grund)) throw new Error('Bitte geben Sie einen Grund an.');
  if (e.grund.length > 2000) throw new Error('Der Grund ist zu lang (höchstens 2000 Zeichen).');
}

export async function posteingang(input: EingangInput, optionen: PosteingangOptionen = {}): Promise<DateiErgebnis> {
  const z: DateiZustand = {
    status: PosteingangStatus.ERFASST, contentHash: input.contentHash, quelle: input.quelle, eingangsdatum: input.eingangsdatum,
    dateiname: input.fileName, mediaType: input.mediaType, bytes: input.bytes, pruefGruende: [], dokumente: [], entscheidungen: [],
  };
  // Decided once, before the first command (histories without the marker replay the old path).
  const lokal = patched(LOKAL_PATCH);
  const k = lokal ? kurzLokal : kurz;
  const setzeStatus = (s: PosteingangStatusWert) => {
    z.status = s;
    upsertSearchAttributes([{ key: STATUS, value: s }]);
  };
  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.POSTEINGANG },
    { key: STATUS, value: z.status },
    { key: QUELLE, value: input.quelle },
    { key: EINGANGSDATUM, value: new Date(`${input.eingangsdatum}T00:00:00Z`) },
  ]);

  let quarantaeneOffen = false;
  let quarantaene: QuarantaeneEntscheidung | undefined;
  let zerlegungOffen = false;
  let zerlegung: ZerlegungsEntscheidung | undefined;

  setHandler(dateiZustandQuery, () => z);
  setHandler(dateiQuarantaeneUpdate, (e) => {
    quarantaene = { wer: e.wer.trim(), aktion: e.aktion, grund: e.grund.trim() };
    quarantaeneOffen = false;
    z.entscheidungen.push({ wer: quarantaene.wer, wann: new Date().toISOString(), was: `Quarantäne: ${e.aktion === 'freigeben' ? 'freigegeben' : 'verworfen'} – ${quarantaene.grund}` });
    return z;
  }, { validator: (e) => pruefeQuarantaeneEntscheidung(e, quarantaeneOffen) });
  setHandler(zerlegungUpdate, (e) => {
    zerlegung = { wer: e.wer.trim(), teile: e.teile.map((t) => [...t]) };
    zerlegungOffen = false;
    z.entscheidungen.push({ wer: zerlegung.wer, wann: new Date().toISOString(), was: `Zerlegung bestätigt: ${e.teile.map((t) => t.join(',')).join(' | ')}` });
    return z;
  }, {
    validator: (e) => {
      if (!zerlegungOffen) throw new Error('Die Zerlegung dieses Eingangs wartet nicht auf eine Prüfung.');
      if (!e || !text(e.wer)) throw new Error('Benutzer fehlt: Die Entscheidung braucht den angemeldeten Benutzernamen.');
      if (!Array.isArray(e.teile) || e.teile.length === 0) throw new Error('Bitte mindestens ein Dokument angeben.');
      const gesehen = new Set<number>();
      for (const t of e.teile) {
        if (!Array.isArray(t) || t.length === 0) throw new Error('Ein Dokument ohne Seiten ist nicht möglich.');
        for (const nr of t) {
          if (!Number.isInteger(nr) || nr < 1 || nr > (z.seitenzahl ?? 0)) throw new Error(`Seite ${String(nr)} gibt es nicht (die Datei hat ${z.seitenzahl ?? 0} Seiten).`);
          if (gesehen.has(nr)) throw new Error(`Seite ${nr} ist mehreren Dokumenten zugeordnet.`);
          gesehen.add(nr);
        }
      }
    },
  });

  /** Waits in quarantine for the admin; returns the decision. */
  async function inQuarantaene(grund: string, code?: string): Promise<QuarantaeneEntscheidung> {
    z.quarantaeneGrund = grund;
    if (code) z.quarantaeneCode = code;
    quarantaene = undefined;
    quarantaeneOffen = true;
    setzeStatus(PosteingangStatus.QUARANTAENE);
    log.info('posteingang: file in quarantine');
    await condition(() => quarantaene !== undefined);
    return quarantaene!;
  }
  async function verworfen(grund: string): Promise<DateiErgebnis> {
    setzeStatus(PosteingangStatus.VERWORFEN);
    await condition(allHandlersFinished);
    return { status: 'verworfen', grund };
  }

  const policy: PosteingangPolicy = { ...(await k.posteingangPolicy()), ...optionen.policy };

  // 1. register: the stored copy is intact
  for (;;) {
    try {
      const rec = await k.registriereEingang(input);
      if (rec.doppeltVon) {
        // taken before by a Stapel (or another workflow): nothing is done twice
        setzeStatus(PosteingangStatus.DOPPELT);
        log.info('posteingang: content already taken', { von: rec.doppeltVon });
        await condition(allHandlersFinished);
        return { status: 'doppelt', von: rec.doppeltVon };
      }
      break;
    } catch (err) {
      const f = schrittFehler(err);
      if (!f) throw err;
      const e = await inQuarantaene(f.grund, f.code);
      if (e.aktion === 'verwerfen') return verworfen(z.quarantaeneGrund ?? e.grund);
    }
  }

  // 2. preflight
  let freigegeben = false;
  // With the content hash (since pe-lokal), a born-digital PDF's Lesung is stored by the preflight already.
  const pf = await k.pruefeEingang({ storedPath: input.storedPath, mediaType: input.mediaType, fileName: input.fileName, ...(lokal ? { contentHash: input.contentHash } : {}) });
  if (!pf.ok) {
    const e = await inQuarantaene(pf.grund, pf.code);
    if (e.aktion === 'verwerfen') return verworfen(pf.grund);
    freigegeben = true;
  }

  // 3. read (a file with a text layer on every page locally; if that finds a page needing OCR after all,
  //    or fails otherwise, through the normal reading activity below)
  let gelesen: LeseZusammenfassung | undefined;
  if (lokal && pf.ok && pf.textlayer) {
    try {
      gelesen = await digitalLokal.leseEingangDigital({ contentHash: input.contentHash, storedPath: input.storedPath, mediaType: input.mediaType });
    } catch (err) {
      const f = schrittFehler(err);
      if (!f) throw err;
      log.info('posteingang: text layer not enough, reading with OCR', { code: f.code ?? 'unbekannt' });
    }
  }
  while (!gelesen) {
    try {
      gelesen = await lesen.leseEingang({ contentHash: input.contentHash, storedPath: input.storedPath, mediaType: input.mediaType });
      break;
    } catch (err) {
      const f = schrittFehler(err);
      if (!f) throw err;
      const e = await inQuarantaene(`Datei konnte nicht gelesen werden: ${f.grund}`, f.code);
      if (e.aktion === 'verwerfen') return verworfen(z.quarantaeneGrund ?? e.grund);
      freigegeben = true;
    }
  }
  z.seitenzahl = gelesen.seitenzahl;
  z.teile = gelesen.teile;
  setzeStatus(PosteingangStatus.GELESEN);

  // 4. a doubtful split (or none at all) waits for a person
  let teile: Teil[] = gelesen.teile;
  let zerlegungGeprueft = false;
  if (teile.length === 0 || teile.some((t) => t.zweifelhaft)) {
    z.pruefGruende = ['zerlegung'];
    zerlegung = undefined;
    zerlegungOffen = true;
    setzeStatus(PosteingangStatus.PRUEFUNG);
    await condition(() => zerlegung !== undefined);
    const vorher = teile;
    teile = zerlegung!.teile.map((seiten, index) => {
      const alt = vorher.find((t) => t.seiten[0] === seiten[0]);
      return {
        index, seiten, zweifelhaft: false,
        ...(alt?.barcodeBgNummer ? { barcodeBgNummer: alt.barcodeBgNummer } : {}),
        ...(alt?.barcodeDokumentart ? { barcodeDokumentart: alt.barcodeDokumentart } : {}),
      };
    });
    z.teile = teile;
    z.pruefGruende = [];
    zerlegungGeprueft = true;
  }

  // 5. one document workflow per document; they outlive this workflow
  const ids = teile.map((t) => dokumentWorkflowId(input.contentHash, t.index));
  z.dokumente = ids;
  await Promise.all(teile.map(async (teil, i) => {
    const args: DokumentInput = {
      contentHash: input.contentHash, quelle: input.quelle, eingangsdatum: input.eingangsdatum, fileName: input.fileName,
      mediaType: input.mediaType, storedPath: input.storedPath, teil, policy,
      ...(teile.length > 1 ? { teileGesamt: teile.length } : {}),
      ...(input.hinweise ? { hinweise: input.hinweise } : {}),
      ...(freigegeben ? { freigegeben } : {}),
      ...(zerlegungGeprueft ? { zerlegungGeprueft } : {}),
    };
    try {
      await startChild(DOKUMENT_WORKFLOW, {
        workflowId: ids[i]!,
        args: [args],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: PROZESS, value: Prozess.POSTEINGANG },
          { key: STATUS, value: PosteingangStatus.ERFASST },
          { key: QUELLE, value: input.quelle },
          { key: EINGANGSDATUM, value: new Date(`${input.eingangsdatum}T00:00:00Z`) },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }));
  setzeStatus(PosteingangStatus.ZERLEGT);
  log.info('posteingang: documents started', { dokumente: ids.length, workflowId: workflowInfo().workflowId });
  await condition(allHandlersFinished);
  return { status: 'zerlegt', seitenzahl: gelesen.seitenzahl, dokumente: ids };
}
