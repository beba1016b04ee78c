/**
 * zentraldruckBrief: one letter from request to E-Akte (contract: domain/zentraldruck.ts).
 *
 *   render (or take the Fachverfahren's PDF) → preflight (the PDF itself: A4 portrait, fonts
 *   embedded, not encrypted, page count, address in the window) → join the day's batch
 *   (zentraldruckTagesbatch, signal-with-start) → wait for the batch's outcome for this letter
 *   → posted: file into the E-Akte with the Postausgangsdatum, Bekanntgabe = posting + 4 days.
 *
 * A reject (template data missing, address invalid, preflight, the centre's `fehler`) starts an
 * Aufgabe DRUCK_ABGELEHNT for the team and waits for a person's decision: signal
 * `brief_erneut_senden` (next attempt: render, check and send again) or `brief_verwerfen`
 * (result 'abgebrochen'). Exactly once: the letter workflow id is deterministic, the batch
 * dedups by letter id, the centre dedups by batch id.
 *
 * A letter without BG-Nummer (no Bedarfsgemeinschaft yet, e.g. a Neuantrag's appointment letter)
 * is posted the same way and then not filed: result and `zustand` carry the note
 * "nicht abgelegt: keine Bedarfsgemeinschaft". The branch depends only on the input, so histories
 * of letters with a BG-Nummer replay unchanged.
 *
 * Query `zustand` gives status, kind, reason, dates and batch (no personal data).
 */
import {
  ActivityFailure, ApplicationFailure, condition, defineQuery, defineSignal, getExternalWorkflowHandle, log, ParentClosePolicy,
  proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeInput } from '../../domain/aufgabe';
import {
  BRIEF_ERNEUT_SENDEN_SIGNAL, BRIEF_VERWERFEN_SIGNAL, BRIEF_ZUSTAND_QUERY, DRUCK_ERGEBNIS_SIGNAL,
  type BriefStatus, type BriefZustand, type DruckErgebnis, type Entscheidung, type ZentraldruckPolicy,
} from '../../domain/briefdruck';
import { bekanntgabedatum, deutschesDatum, feiertageVon, naechsterArbeitstagAbHeute, plusTage } from '../../domain/fristen';
import { ART, PROZESS, Prozess, STATUS, STICHTAG, TEAM } from '../../domain/search-attributes';
import { berlinDate } from '../../domain/zeit';
import { hatBedarfsgemeinschaft, NICHT_ABGELEGT_OHNE_BG, type BriefAuftrag, type BriefErgebnis } from '../../domain/zentraldruck';

const lokal = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
const extern = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

export const briefZustandQuery = defineQuery<BriefZustand>(BRIEF_ZUSTAND_QUERY);
export const druckErgebnisSignal = defineSignal<[DruckErgebnis]>(DRUCK_ERGEBNIS_SIGNAL);
export const briefErneutSendenSignal = defineSignal<[Entscheidung?]>(BRIEF_ERNEUT_SENDEN_SIGNAL);
export const briefVerwerfenSignal = defineSignal<[Entscheidung?]>(BRIEF_VERWERFEN_SIGNAL);

const ART_TEXT: Record<BriefAuftrag['art'], string> = {
  WBA_ERINNERUNG: 'Erinnerung an den Weiterbewilligungsantrag',
  WBA_ZWEITE_ERINNERUNG: 'Zweite Erinnerung an den Weiterbewilligungsantrag',
  TERMIN_BESTAETIGUNG: 'Terminbestätigung',
  TERMIN_ERINNERUNG: 'Terminerinnerung',
  EINGANGSBESTAETIGUNG: 'Eingangsbestätigung',
  FACHVERFAHREN_BESCHEID: 'Bescheid aus dem Fachverfahren',
};

/** Optional second argument: policy overrides (tests; a requesting process passes nothing). */
export interface BriefOptionen {
  policy?: Partial<ZentraldruckPolicy>;
}

class Abgelehnt extends Error {
  constructor(readonly grund: string, readonly fehlercode?: string) {
    super(grund);
  }
}

function grundAus(err: unknown): { grund: string; code?: string } | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
    return { grund: err.cause.message, code: err.cause.type ?? undefined };
  }
  return undefined;
}

export async function zentraldruckBrief(auftrag: BriefAuftrag, optionen: BriefOptionen = {}): Promise<BriefErgebnis> {
  const workflowId = workflowInfo().workflowId;
  const bgNummer = hatBedarfsgemeinschaft(auftrag.bgNummer) ? auftrag.bgNummer : undefined;
  const z: BriefZustand = { status: 'angefordert', art: auftrag.art, teamId: auftrag.teamId, versuch: 1 };
  const ergebnisse: DruckErgebnis[] = [];
  let entscheidung: { art: 'erneut' | 'verwerfen'; e: Entscheidung } | undefined;

  setHandler(briefZustandQuery, () => ({ ...z }));
  setHandler(druckErgebnisSignal, (e) => {
    ergebnisse.push(e);
  });
  setHandler(briefErneutSendenSignal, (e) => {
    if (z.status === 'abgelehnt') entscheidung ??= { art: 'erneut', e: e ?? {} };
  });
  setHandler(briefVerwerfenSignal, (e) => {
    if (z.status === 'abgelehnt') entscheidung ??= { art: 'verwerfen', e: e ?? {} };
  });

  function setze(status: BriefStatus, weitere: Partial<BriefZustand> = {}): void {
    Object.assign(z, weitere, { status });
    const attrs: Parameters<typeof upsertSearchAttributes>[0] = [{ key: STATUS, value: status }];
    if (weitere.stichtag) attrs.push({ key: STICHTAG, value: new Date(`${weitere.stichtag}T00:00:00Z`) });
    upsertSearchAttributes(attrs);
  }

  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.ZENTRALDRUCK },
    { key: STATUS, value: z.status },
    { key: ART, value: auftrag.art },
    { key: TEAM, value: auftrag.teamId },
  ]);

  const policy = await lokal.ladeDruckPolicy(optionen.policy);
  const frueher = await lokal.frueheresBriefErgebnis(auftrag.briefId);
  if (frueher) {
    // The same letter was requested again after its workflow had finished: never post twice.
    setze(frueher.status === 'versendet' ? 'versendet' : 'abgebrochen', frueher.status === 'versendet'
      ? { postausgangsdatum: frueher.postausgangsdatum, bekanntgabedatum: frueher.bekanntgabedatum, eakteDokumentId: frueher.eakteDokumentId || undefined, hinweis: frueher.hinweis }
      : { grund: frueher.grund });
    return frueher;
  }

  /** A person decides; returns true for "send again". */
  async function ablehnung(grund: string, fehlercode?: string): Promise<boolean> {
    const aufgabeId = aufgabeWorkflowId(z.versuch === 1 ? workflowId : `${workflowId}-v${z.versuch}`, 'DRUCK_ABGELEHNT');
    // From here on a decision counts (a person may decide before the Aufgabe has even started).
    entscheidung = undefined;
    setze('abgelehnt', { grund, fehlercode, aufgabeWorkflowId: aufgabeId });
    log.warn('Brief abgelehnt', { fehlercode, versuch: z.versuch });
    const heute = berlinDate(new Date());
    const input: AufgabeInput = {
      art: 'DRUCK_ABGELEHNT',
      titel: `Brief nicht versandt: ${ART_TEXT[auftrag.art]}`,
      beschreibung:
        `Der Brief „${ART_TEXT[auftrag.art]}“ ${bgNummer ? `für die Bedarfsgemeinschaft ${bgNummer}` : '(noch ohne Bedarfsgemeinschaft)'} wurde nicht versandt.\n` +
        `Grund: ${grund}\n` +
        'Bitte prüfen Sie den Brief (Anschrift, Daten, Vorlage). Danach im Postausgang „Erneut senden“ oder „Verwerfen“ wählen.',
      teamId: auftrag.teamId,
      bereich: 'leistung',
      prioritaet: 'hoch',
      faelligAm: naechsterArbeitstagAbHeute(plusTage(heute, policy.aufgabeFristTage), feiertageVon(policy.land)),
      bezug: { prozess: Prozess.ZENTRALDRUCK, workflowId, ...(bgNummer ? { bgNummer } : {}) },
    };
    try {
      await startChild(AUFGABE_WORKFLOW, { workflowId: aufgabeId, parentClosePolicy: ParentClosePolicy.ABANDON, args: [input] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await condition(() => entscheidung !== undefined);
    const d = entscheidung as unknown as { art: 'erneut' | 'verwerfen'; e: Entscheidung };
    try {
      await getExternalWorkflowHandle(aufgabeId).signal('abbrechen', { grund: d.art === 'erneut' ? 'Brief wird erneut gesendet.' : 'Brief wurde verworfen.' });
    } catch {
      // The Aufgabe was already completed by the person: nothing to do.
    }
    if (d.art === 'verwerfen') return false;
    z.versuch += 1;
    Object.assign(z, { grund: undefined, fehlercode: undefined, aufgabeWorkflowId: undefined, batchId: undefined, stichtag: undefined, batchWorkflowId: undefined });
    return true;
  }

  for (;;) {
    try {
      const ergebnis = await versuch();
      await lokal.merkeBriefErgebnis(auftrag.briefId, ergebnis);
      return ergebnis;
    } catch (err) {
      if (!(err instanceof Abgelehnt)) throw err;
      const erneut = await ablehnung(err.grund, err.fehlercode);
      if (!erneut) {
        const grund = entscheidung?.e.grund?.trim() ? `Verworfen: ${entscheidung.e.grund.trim()} (${z.grund ?? ''})` : `Verworfen nach Ablehnung: ${z.grund ?? ''}`;
        setze('abgebrochen', { grund });
        const ergebnis: BriefErgebnis = { status: 'abgebrochen', grund };
        await lokal.merkeBriefErgebnis(auftrag.briefId, ergebnis);
        return ergebnis;
      }
    }
  }

  async function versuch(): Promise<BriefErgebnis> {
    // 1. Render (or take) the PDF.
    let brief: Awaited<ReturnType<typeof lokal.erstelleBrief>>;
    try {
      brief = await lokal.erstelleBrief(auftrag, z.versuch);
    } catch (err) {
      const g = grundAus(err);
      if (g) throw new Abgelehnt(g.grund, g.code);
      throw err;
    }
    setze('gerendert');

    // 2. Preflight on the PDF itself.
    const p = await lokal.pruefeBriefPdf({ pdfPfad: brief.pdfPfad, maxSeiten: policy.maxSeiten });
    if (!p.ok) throw new Abgelehnt(p.grund ?? 'Der Brief hat die Prüfung vor dem Versand nicht bestanden.', p.fehlercode);
    setze('geprueft', { seiten: p.seiten });

    // 3. Join the day's batch, wait for the outcome; a closed batch sends us to the next day.
    let nichtVor: string | undefined;
    let ergebnis: DruckErgebnis | undefined;
    for (;;) {
      const anmeldung = await lokal.meldeBriefAn({ brief: { briefId: brief.zentrumsId, workflowId, pdfPfad: brief.pdfPfad, seiten: p.seiten }, policy, nichtVor });
      setze('wartet_auf_batch', { stichtag: anmeldung.stichtag, batchWorkflowId: anmeldung.batchWorkflowId });
      const stichtag = anmeldung.stichtag;
      await condition(() => ergebnisse.some((e) => e.briefId === brief.zentrumsId && (e.status !== 'zu_spaet' || e.stichtag === stichtag)));
      const i = ergebnisse.findIndex((e) => e.briefId === brief.zentrumsId && (e.status !== 'zu_spaet' || e.stichtag === stichtag));
      ergebnis = ergebnisse.splice(i, 1)[0] as DruckErgebnis;
      if (ergebnis.status !== 'zu_spaet') break;
      nichtVor = plusTage(stichtag, 1);
    }
    if (ergebnis.status === 'fehler') throw new Abgelehnt(ergebnis.grund, ergebnis.fehlercode);
    if (ergebnis.status !== 'an_post_uebergeben') throw new Error('unreachable');

    // 4. Posted: E-Akte and Bekanntgabe.
    const postausgangsdatum = ergebnis.postausgangsdatum;
    const bekanntgabe = bekanntgabedatum(postausgangsdatum);
    setze('uebergeben', { batchId: ergebnis.batchId, postausgangsdatum, bekanntgabedatum: bekanntgabe });
    if (!bgNummer) {
      // No Bedarfsgemeinschaft yet: nothing in the E-Akte to file the letter into; it is out, that is all.
      setze('versendet', { hinweis: NICHT_ABGELEGT_OHNE_BG });
      return { status: 'versendet', postausgangsdatum, bekanntgabedatum: bekanntgabe, eakteDokumentId: '', hinweis: NICHT_ABGELEGT_OHNE_BG };
    }
    const betreff = `${auftrag.daten.betreff?.trim() || ART_TEXT[auftrag.art]} vom ${deutschesDatum(postausgangsdatum)}`;
    let ablage: { dokumentId: string } | undefined;
    while (!ablage) {
      try {
        ablage = await extern.legeBriefAb({ briefId: auftrag.briefId, pdfPfad: brief.pdfPfad, bgNummer, art: auftrag.art, betreff, postausgangsdatum });
      } catch (err) {
        const g = grundAus(err);
        if (!g) throw err;
        // Posted but not filed: the letter is out; a person fixes the E-Akte, then "erneut senden" retries the filing only.
        const weiter = await ablehnung(`Der Brief wurde am ${deutschesDatum(postausgangsdatum)} versandt, die Ablage in der E-Akte ist aber fehlgeschlagen: ${g.grund}`, g.code);
        z.versuch = Math.max(1, z.versuch - (weiter ? 1 : 0));
        setze('uebergeben', { batchId: ergebnis.batchId, postausgangsdatum, bekanntgabedatum: bekanntgabe });
        if (!weiter) break;
      }
    }
    const dokumentId = ablage?.dokumentId ?? '';
    setze('versendet', { eakteDokumentId: dokumentId || undefined });
    return { status: 'versendet', postausgangsdatum, bekanntgabedatum: bekanntgabe, eakteDokumentId: dokumentId };
  }
}
