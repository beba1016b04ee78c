/**
 * Weiterbewilligung: one workflow per Bewilligungszeitraum (id `wb-<pseudonym>`, started by the
 * daily sync). It sleeps until the first reminder (end − 8 weeks by default), asks the
 * Zentraldruck for the letter with the WBA form, reminds again (end − 4 weeks), escalates to the
 * Sachbearbeitung (end − 2 weeks) and, with no WBA at the end, tells the team that benefits end.
 * A WBA received (signal `wbaEingegangen`) ends the reminders at any point: effective date by
 * §37 Abs. 2 SGB II, Antragseingang and Wiedervorlage "WBA bearbeiten" in the Fachverfahren.
 * A changed BWZ (signal `bwzGeaendert`) re-plans; a dissolved household ends the workflow.
 *
 * After the WBA (or the end), the workflow stays open (a timer, nothing else) until the window
 * for late WBAs has passed: the sync sees the BWZ that long, and an open workflow is what keeps
 * it from starting the BWZ again once Temporal's retention removed a closed one.
 *
 * Versioning: histories here are short, so no continueAsNew. A behaviour change for running
 * workflows goes behind `patched('wb-<what>-<yyyymm>')`: `if (patched(id)) { new } else { old }`;
 * once no workflow started before the change is open (max. ~5 months), replace by
 * `deprecatePatch(id)` + new code, later remove. test/histories/weiterbewilligung*.json replay
 * saved real histories against this code, so an unguarded change fails the tests.
 */
import {
  ActivityFailure, ParentClosePolicy, condition, defineQuery, defineSignal, log,
  proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../../activities';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeArt, type AufgabeInput, type Prioritaet } from '../../domain/aufgabe';
import { FAELLIG, PROZESS, Prozess, STATUS, STICHTAG, TEAM } from '../../domain/search-attributes';
import {
  BWZ_GEAENDERT_SIGNAL, WBA_EINGEGANGEN_SIGNAL, WB_ZUSTAND_QUERY, deutschesDatum, effectiveFrom, istTag, plusTage, schritte,
  tageZwischen, wbBriefId, type BwzGeaendert, type SchrittArt, type WbErgebnis, type WbStatus, type WbZustand,
  type WbaEingegangen, type WeiterbewilligungInput,
} from '../../domain/weiterbewilligung';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefArt, type BriefAuftrag } from '../../domain/zentraldruck';

const { erfasseWbaEingang, erstelleWbaWiedervorlage, aktuelleAnschrift } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

export const wbaEingegangenSignal = defineSignal<[WbaEingegangen]>(WBA_EINGEGANGEN_SIGNAL);
export const bwzGeaendertSignal = defineSignal<[BwzGeaendert]>(BWZ_GEAENDERT_SIGNAL);
export const wbZustandQuery = defineQuery<WbZustand>(WB_ZUSTAND_QUERY);

type BriefSchritt = 'erinnerung1' | 'erinnerung2';

export async function weiterbewilligung(input: WeiterbewilligungInput): Promise<WbErgebnis> {
  const { policy } = input;
  const workflowId = workflowInfo().workflowId;
  // Policy days map onto real time around an anchor: 00:00 of the original bwzEnde (tests: now + x s).
  const ankerTag = input.bwzEnde;
  const ankerMs = input.zeitanker ? Date.parse(input.zeitanker) : Date.parse(`${input.bwzEnde}T00:00:00Z`);
  const jetzt = () => new Date().getTime();
  const zeitpunkt = (tag: string) => ankerMs + tageZwischen(ankerTag, tag) * policy.tagMs;
  const heute = () => plusTage(ankerTag, Math.floor((jetzt() - ankerMs) / policy.tagMs));

  let bwzEnde = input.bwzEnde;
  let teamId = input.teamId;
  let aufgeloest = false;
  let wba: WbaEingegangen | undefined;
  let planVersion = 0;
  const erledigt = new Set<SchrittArt>();
  const z: WbZustand = { status: 'wartet', bwzEnde, teamId, naechsterSchritt: null, briefe: [], aufgaben: [], uebersprungen: [] };

  setHandler(wbZustandQuery, () => ({ ...z, bwzEnde, teamId }));
  setHandler(wbaEingegangenSignal, (s) => {
    if (wba) return; // the first WBA counts; a copy changes nothing
    if (!s || !istTag(s.eingangsdatum)) {
      log.warn('wbaEingegangen ohne gültiges Eingangsdatum ignoriert');
      return;
    }
    wba = { eingangsdatum: s.eingangsdatum, quelle: String(s.quelle ?? ''), eingangId: String(s.eingangId ?? '') };
  });
  setHandler(bwzGeaendertSignal, (a) => {
    if (a?.bwzEnde && istTag(a.bwzEnde) && a.bwzEnde !== bwzEnde) {
      bwzEnde = a.bwzEnde;
      planVersion++;
      upsertSearchAttributes([{ key: STICHTAG, value: new Date(`${bwzEnde}T00:00:00Z`) }]);
    }
    if (a?.teamId && a.teamId !== teamId) {
      teamId = a.teamId;
      upsertSearchAttributes([{ key: TEAM, value: teamId }]);
    }
    if (a?.aufgeloest === true) aufgeloest = true;
  });

  const setzeStatus = (status: WbStatus) => {
    z.status = status;
    upsertSearchAttributes([{ key: STATUS, value: status }]);
  };
  // The sync sets these at the start already: upsert only what differs (one command less per
  // workflow; at 30,000 workflows the first task is then a single timer).
  const sa = workflowInfo().typedSearchAttributes;
  const stichtag = new Date(`${bwzEnde}T00:00:00Z`);
  const anfang: SearchAttributeUpdatePair[] = [];
  if (sa.get(PROZESS) !== Prozess.WEITERBEWILLIGUNG) anfang.push({ key: PROZESS, value: Prozess.WEITERBEWILLIGUNG });
  if (sa.get(STATUS) !== z.status) anfang.push({ key: STATUS, value: z.status });
  if (sa.get(TEAM) !== teamId) anfang.push({ key: TEAM, value: teamId });
  if (sa.get(STICHTAG)?.getTime() !== stichtag.getTime()) anfang.push({ key: STICHTAG, value: stichtag });
  if (anfang.length > 0) upsertSearchAttributes(anfang);

  async function aufgabe(art: AufgabeArt, titel: string, beschreibung: string, prioritaet: Prioritaet, faelligAm: string): Promise<void> {
    const id = aufgabeWorkflowId(workflowId, art);
    if (z.aufgaben.some((a) => a.workflowId === id)) return;
    const a: AufgabeInput = {
      art, titel, beschreibung, teamId, bereich: input.bereich, prioritaet, faelligAm,
      bezug: { prozess: Prozess.WEITERBEWILLIGUNG, workflowId, bgNummer: input.bgNummer },
    };
    try {
      await startChild(AUFGABE_WORKFLOW, { workflowId: id, parentClosePolicy: ParentClosePolicy.ABANDON, args: [a] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    z.aufgaben.push({ art, workflowId: id, am: heute() });
  }

  async function brief(schritt: BriefSchritt, formularBeilegen: boolean): Promise<void> {
    // The address as the Fachverfahren has it today (people move in 8 weeks); the one from the
    // start only if the Fachverfahren refuses the lookup.
    let e = input.empfaenger;
    try {
      e = (await aktuelleAnschrift({ bgNummer: input.bgNummer })) ?? undefined;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
    }
    if (!e || !e.name?.trim() || !e.strasse?.trim() || !/^\d{5}$/.test(e.plz ?? '') || !e.ort?.trim()) {
      // Never a letter to nowhere: a person clarifies the address and reminds by other means.
      await aufgabe('SONSTIGE', 'Keine zustellbare Anschrift: WBA-Erinnerung nicht versandt',
        `Für die Bedarfsgemeinschaft ${input.bgNummer} liegt im Fachverfahren keine vollständige Anschrift vor (oder die Bedarfsgemeinschaft ist dort nicht zu finden). Die Erinnerung an den Weiterbewilligungsantrag (Bewilligungszeitraum endet am ${deutschesDatum(bwzEnde)}) wurde nicht versandt. Bitte Anschrift klären und auf anderem Weg erinnern.`,
        'hoch', plusTage(heute(), policy.aufgabeFristTage));
      return;
    }
    const briefId = wbBriefId(workflowId, schritt);
    const art: BriefArt = schritt === 'erinnerung1' ? 'WBA_ERINNERUNG' : 'WBA_ZWEITE_ERINNERUNG';
    const auftrag: BriefAuftrag = {
      briefId, art, empfaenger: e, bgNummer: input.bgNummer, teamId,
      daten: {
        bwzEnde,
        bwzEndeDeutsch: deutschesDatum(bwzEnde),
        formularBeigefuegt: formularBeilegen ? 'ja' : 'nein',
        rueckgabeBis: plusTage(bwzEnde, -policy.eskalationVorlaufTage),
      },
      bezug: { prozess: Prozess.WEITERBEWILLIGUNG, workflowId },
    };
    try {
      await startChild(BRIEF_WORKFLOW, { workflowId: briefWorkflowId(briefId), parentClosePolicy: ParentClosePolicy.ABANDON, args: [auftrag] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    z.briefe.push({ schritt, briefId, am: heute() });
  }

  /** Runs all steps due now; letters that make no sense any more are skipped. */
  async function faelligeSchritte(faellig: SchrittArt[]): Promise<'weiter' | 'fertig'> {
    const ist = (s: SchrittArt) => faellig.includes(s);
    const ueberspringe = (s: SchrittArt) => {
      if (!erledigt.has(s)) z.uebersprungen.push(s);
      erledigt.add(s);
    };
    if (z.wba) return ist('nachlaufEnde') ? 'fertig' : 'weiter'; // after a WBA only the window's end is left
    if (ist('ende') || ist('nachlaufEnde')) {
      for (const s of ['erinnerung1', 'erinnerung2', 'eskalation'] as const) if (!erledigt.has(s)) ueberspringe(s);
      if (!erledigt.has('ende')) {
        erledigt.add('ende');
        setzeStatus('beendet_ohne_wba');
        await aufgabe('LEISTUNGSENDE', 'Leistungen enden: kein WBA eingegangen',
          `Leistungen enden mit dem BWZ; kein WBA eingegangen. Bedarfsgemeinschaft ${input.bgNummer}, Bewilligungszeitraum bis ${deutschesDatum(bwzEnde)}. Ein später eingehender Antrag wirkt auf den Ersten des Eingangsmonats zurück (§ 37 Abs. 2 SGB II).`,
          'hoch', plusTage(heute(), policy.aufgabeFristTage));
      }
      if (ist('nachlaufEnde')) {
        erledigt.add('nachlaufEnde');
        return 'fertig';
      }
      return 'weiter';
    }
    const briefe = (['erinnerung1', 'erinnerung2'] as const).filter((s) => ist(s) && !erledigt.has(s));
    if (briefe.length > 0) {
      const letzter = briefe[briefe.length - 1]!;
      const sinnvoll = tageZwischen(heute(), bwzEnde) >= policy.briefMindestVorlaufTage;
      for (const s of briefe) if (s !== letzter || !sinnvoll) ueberspringe(s);
      if (sinnvoll) {
        erledigt.add(letzter);
        await brief(letzter, letzter === 'erinnerung1' || !z.briefe.some((b) => b.schritt === 'erinnerung1'));
        setzeStatus(letzter === 'erinnerung1' ? 'erinnert' : 'zweite_erinnerung');
      }
    }
    if (ist('eskalation') && !erledigt.has('eskalation')) {
      erledigt.add('eskalation');
      await aufgabe('WBA_FEHLT_ESKALATION', 'Weiterbewilligungsantrag fehlt',
        `Für die Bedarfsgemeinschaft ${input.bgNummer} ist bis heute kein Weiterbewilligungsantrag eingegangen; der Bewilligungszeitraum endet am ${deutschesDatum(bwzEnde)}. Erinnert: ${z.briefe.length} Mal. Bitte Kontakt aufnehmen.`,
        'hoch', plusTage(heute(), Math.min(policy.aufgabeFristTage, Math.max(0, tageZwischen(heute(), bwzEnde)))));
      setzeStatus('eskaliert');
    }
    return 'weiter';
  }

  async function wbaBearbeiten(eingang: WbaEingegangen): Promise<void> {
    const ab = effectiveFrom(bwzEnde, eingang.eingangsdatum);
    const verspaetet = eingang.eingangsdatum > bwzEnde;
    z.wba = { eingangsdatum: eingang.eingangsdatum, effectiveFrom: ab, quelle: eingang.quelle };
    setzeStatus('wba_eingegangen');
    try {
      await erfasseWbaEingang({ referenz: `${workflowId}:wba-eingang`, bgNummer: input.bgNummer, eingangsdatum: eingang.eingangsdatum });
      await erstelleWbaWiedervorlage({
        referenz: `${workflowId}:wba`,
        bgNummer: input.bgNummer,
        betreff: `WBA bearbeiten – eingegangen am ${deutschesDatum(eingang.eingangsdatum)}, Leistungen ab ${deutschesDatum(ab)}`,
        faelligAm: plusTage(heute(), policy.wiedervorlageFristTage),
        prioritaet: verspaetet ? 'hoch' : 'normal',
        teamId,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // The Fachverfahren refused (e.g. household unknown): the WBA is not lost, a person takes it.
      await aufgabe('WBA_BEARBEITEN', 'WBA eingegangen: Erfassung im Fachverfahren fehlgeschlagen',
        `Weiterbewilligungsantrag der Bedarfsgemeinschaft ${input.bgNummer}, eingegangen am ${deutschesDatum(eingang.eingangsdatum)}, Leistungen ab ${deutschesDatum(ab)}. Das Fachverfahren hat die Erfassung abgelehnt: ${err.cause?.message ?? err.message}. Bitte manuell erfassen.`,
        'hoch', plusTage(heute(), policy.aufgabeFristTage));
    }
  }

  const setzeNaechsten = (s: { art: SchrittArt; am: string } | null) => {
    z.naechsterSchritt = s;
    const faellig = s ? new Date(zeitpunkt(s.am)) : null;
    if (workflowInfo().typedSearchAttributes.get(FAELLIG)?.getTime() !== faellig?.getTime()) upsertSearchAttributes([{ key: FAELLIG, value: faellig }]);
  };

  for (;;) {
    if (aufgeloest && !wba) {
      setzeNaechsten(null);
      setzeStatus('aufgeloest');
      return { ...z, bwzEnde, teamId };
    }
    if (wba && !z.wba) {
      await wbaBearbeiten(wba);
      continue;
    }
    const offen = schritte(bwzEnde, policy).filter((s) => !erledigt.has(s.art) && (!z.wba || s.art === 'nachlaufEnde'));
    const faellig = offen.filter((s) => zeitpunkt(s.am) <= jetzt());
    if (faellig.length > 0) {
      if ((await faelligeSchritte(faellig.map((s) => s.art))) === 'fertig') {
        setzeNaechsten(null);
        return { ...z, bwzEnde, teamId };
      }
      continue;
    }
    const naechster = offen[0]!;
    setzeNaechsten(naechster);
    const version = planVersion;
    const warten = Math.max(1, zeitpunkt(naechster.am) - jetzt());
    await condition(() => planVersion !== version || (aufgeloest && !wba) || (wba !== undefined && !z.wba), warten);
  }
}
