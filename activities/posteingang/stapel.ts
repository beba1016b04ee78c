/**
 * Activities of a Stapel (workflows/posteingang/stapel.ts): the steps of many files in one activity
 * each, so a born-digital letter costs no workflow of its own. They reuse the single-file steps
 * (register, preflight, text layer, recognition, matching, filing, Wiedervorlage) unchanged, and
 * decide per file whether the Stapel can finish it or hands it to its own workflow:
 *   pruefeStapel: claim (a content taken elsewhere is 'doppelt') + register + preflight (a born-digital
 *                 PDF's Lesung is stored from the checking thread's texts);
 *   verarbeiteStapel (per Teil of a few files, several Teile at once): each file read (text layer, else
 *                 OCR through the pool, heartbeating) + recognised + household, and when sure filed at
 *                 once: E-Akte (dokumentId of `dok-<hash40>-0`, as the document workflow would use) +
 *                 Wiedervorlage/Antragseingang (referenz of the same id): exactly once across both paths.
 * A file the Stapel is not sure about goes to its own workflow; a step that fails for one file never
 * fails the others (that file goes to its own workflow, which retries, reviews or quarantines it).
 * Every step is idempotent: a retried activity repeats nothing that was done. Heartbeats carry counts.
 */
import { Context } from '@temporalio/activity';
import type { EingangInput } from '../../domain/eingang';
import { dokumentWorkflowId, type DokumentVorarbeit, type Eingangsart, type PosteingangPolicy, type StapelUebergabeGrund, type Teil } from '../../domain/posteingang';
import { istAntragsart, type PosteingangActivities } from './index';
import type { createRegisterActivities } from './register';

type RegisterActivities = ReturnType<typeof createRegisterActivities>;

/** After pruefeStapel: read in the Stapel, hand to an own file workflow, or already taken. */
export type StapelPruefung =
  /** `textlayer`: every page has fonts (read without OCR first; OCR if a page needs it after all) */
  | { contentHash: string; weiter: 'lesen'; textlayer: boolean }
  | { contentHash: string; weiter: 'datei'; grund: StapelUebergabeGrund }
  | { contentHash: string; weiter: 'doppelt'; von: string };

/** A document the Stapel is sure about, ready to be filed. */
interface StapelAblage { contentHash: string; weiter: 'ablage'; teil: Teil; seitenzahl: number; dokumentart: Eingangsart; bgNummer: string; teamId?: string; bescheidVom?: string }

/** After verarbeiteStapel: filed by the Stapel, or an own workflow for the file or its document. */
export type StapelVerarbeitung =
  | { contentHash: string; weiter: 'abgelegt'; dokumentId: string; dokumentart: Eingangsart; bgNummer: string; wiedervorlageId?: string }
  | { contentHash: string; weiter: 'datei'; grund: StapelUebergabeGrund }
  | { contentHash: string; weiter: 'dokument'; grund: StapelUebergabeGrund; teil: Teil; vorarbeit?: DokumentVorarbeit };

/** Runs `fn` over `xs` with at most `n` at once, results in input order. */
async function jeweils<T, R>(xs: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, async () => {
    while (i < xs.length) {
      const k = i++;
      out[k] = await fn(xs[k]!);
    }
  }));
  return out;
}

function puls(): (fertig: number) => void {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    ctx = undefined; // called outside an activity (tests)
  }
  return (fertig) => ctx?.heartbeat({ fertig });
}

export function createStapelActivities(pe: PosteingangActivities, reg: RegisterActivities, o: { dataDir: string; parallel?: number }) {
  const parallel = Math.max(1, o.parallel ?? 4);
  return {
    /** Claim + register + preflight of every file of the Stapel. */
    async pruefeStapel(a: { stapelId: string; eingaenge: EingangInput[] }): Promise<StapelPruefung[]> {
      const hb = puls();
      let fertig = 0;
      return jeweils(a.eingaenge, parallel, async (e): Promise<StapelPruefung> => {
        try {
          const rec = await reg.registriereEingang({ ...e, stapelId: a.stapelId });
          if (rec.doppeltVon) return { contentHash: e.contentHash, weiter: 'doppelt', von: rec.doppeltVon };
          const pf = await pe.pruefeEingang({ storedPath: e.storedPath, mediaType: e.mediaType, fileName: e.fileName, contentHash: e.contentHash });
          if (!pf.ok) return { contentHash: e.contentHash, weiter: 'datei', grund: 'vorpruefung' };
          return { contentHash: e.contentHash, weiter: 'lesen', textlayer: pf.textlayer === true };
        } catch {
          // its own workflow repeats the step and quarantines the file with the reason
          return { contentHash: e.contentHash, weiter: 'datei', grund: 'vorpruefung' };
        } finally {
          hb(++fertig);
        }
      });
    },

    /**
     * One Teil of the files pruefeStapel passed, each file on its own as soon as it is read: reading (text
     * layer for the hashes in `textlayer`, else OCR through the pool), recognition, household, and for a
     * document the engine is sure about the filing with Wiedervorlage and Antragseingang.
     */
    async verarbeiteStapel(a: { eingaenge: EingangInput[]; policy: PosteingangPolicy; textlayer?: string[] }): Promise<StapelVerarbeitung[]> {
      const hb = puls();
      let fertig = 0;
      const digital = new Set(a.textlayer ?? a.eingaenge.map((e) => e.contentHash));
      return jeweils(a.eingaenge, parallel, async (e): Promise<StapelVerarbeitung> => {
        try {
          const g = await lies(e, a.policy, digital.has(e.contentHash));
          return g.weiter === 'ablage' ? await legeAb(e, g, a.policy) : g;
        } finally {
          hb(++fertig);
        }
      });
    },
  };

  async function legeAb(e: EingangInput, d: StapelAblage, policy: PosteingangPolicy): Promise<StapelVerarbeitung> {
    const workflowId = dokumentWorkflowId(d.contentHash, 0);
    try {
      const abgelegt = await pe.legeDokumentAb({
        workflowId, contentHash: e.contentHash, storedPath: e.storedPath, mediaType: e.mediaType, fileName: e.fileName,
        teilIndex: 0, seiten: d.teil.seiten, seitenGesamt: d.seitenzahl, bgNummer: d.bgNummer, dokumentart: d.dokumentart, eingangsdatum: e.eingangsdatum,
      });
      const wv = await pe.erstelleDokumentWiedervorlage({
        referenz: workflowId, bgNummer: d.bgNummer, dokumentart: d.dokumentart, eingangsdatum: e.eingangsdatum,
        ...(d.bescheidVom ? { bescheidVom: d.bescheidVom } : {}), ...(d.teamId ? { teamId: d.teamId } : {}),
        policy: { land: policy.land, wiedervorlageArbeitstage: policy.wiedervorlageArbeitstage, widerspruchStandardArbeitstage: policy.widerspruchStandardArbeitstage },
      });
      if (istAntragsart(d.dokumentart)) {
        await pe.erfasseDokumentEingang({ referenz: `${workflowId}:eingang`, bgNummer: d.bgNummer, art: d.dokumentart, eingangsdatum: e.eingangsdatum });
      }
      return { contentHash: d.contentHash, weiter: 'abgelegt', dokumentId: abgelegt.dokumentId, dokumentart: d.dokumentart, bgNummer: d.bgNummer, wiedervorlageId: wv.wiedervorlageId };
    } catch {
      // the document workflow files (a no-op if done), routes, and reviews or quarantines on a "no"
      return { contentHash: d.contentHash, weiter: 'dokument', grund: 'ablage', teil: d.teil };
    }
  }

  async function lies(e: EingangInput, policy: PosteingangPolicy, textlayer: boolean): Promise<StapelAblage | Exclude<StapelVerarbeitung, { weiter: 'abgelegt' }>> {
    const datei = { contentHash: e.contentHash, storedPath: e.storedPath, mediaType: e.mediaType };
    let gelesen;
    try {
      if (textlayer) {
        try {
          gelesen = await pe.leseEingangDigital(datei);
        } catch (err) {
          if ((err as { type?: string }).type !== 'OcrNoetig') throw err;
        }
      }
      // OCR through the pool; heartbeats of this activity every few seconds while pages wait or are read
      gelesen ??= await pe.leseEingang(datei);
    } catch {
      return { contentHash: e.contentHash, weiter: 'datei', grund: 'lesefehler' };
    }
    const teil = gelesen.teile[0];
    if (gelesen.teile.length !== 1 || !teil || teil.zweifelhaft) return { contentHash: e.contentHash, weiter: 'datei', grund: 'mehrere-dokumente' };
    // What was found goes with the document to its workflow (it does not recognise or match again; a step
    // that failed here it repeats, and quarantines the document if it cannot).
    let vorarbeit: DokumentVorarbeit | undefined;
    const zuPerson = (grund: StapelUebergabeGrund = 'pruefung'): Extract<StapelVerarbeitung, { weiter: 'dokument' }> => ({
      contentHash: e.contentHash, weiter: 'dokument', grund, teil, ...(vorarbeit ? { vorarbeit } : {}),
    });
    try {
      vorarbeit = await pe.erkenneDokument({
        contentHash: e.contentHash, seiten: teil.seiten, eingangsdatum: e.eingangsdatum,
        ...(teil.barcodeDokumentart ? { barcodeDokumentart: teil.barcodeDokumentart } : {}),
      });
      const { erkennung } = vorarbeit;
      // A WBA is the Weiterbewilligung's domain event: its document workflow delivers it.
      if (erkennung.dokumentart === 'WBA') return zuPerson('wba');
      if (!(erkennung.confidence >= policy.schwelle)) return zuPerson();
      const zu = await pe.ordneDokumentZu({
        merkmale: erkennung.merkmale,
        ...(teil.barcodeBgNummer ? { barcodeBgNummer: teil.barcodeBgNummer } : {}),
        ...(e.hinweise?.bgNummer ? { hinweisBgNummer: e.hinweise.bgNummer } : {}),
      });
      vorarbeit.zuordnung = zu;
      // The same rule as the document workflow: filed without a person only when matched by number.
      if (zu.zuordnung.art !== 'bg-nummer' && zu.zuordnung.art !== 'kundennummer') return zuPerson();
      if (zu.weitereBgNummern?.length) return zuPerson();
      return {
        contentHash: e.contentHash, weiter: 'ablage', teil, seitenzahl: gelesen.seitenzahl, dokumentart: erkennung.dokumentart, bgNummer: zu.zuordnung.bgNummer,
        ...(zu.haushalt ? { teamId: zu.haushalt.teamId } : {}),
        ...(erkennung.merkmale.bescheidVom ? { bescheidVom: erkennung.merkmale.bescheidVom } : {}),
      };
    } catch {
      return zuPerson();
    }
  }
}

export type StapelActivities = ReturnType<typeof createStapelActivities>;
