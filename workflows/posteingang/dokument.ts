/**
 * Posteingang, document level: one workflow per document cut out of an incoming file (id
 * `dok-<hash40>-<index>`, started by `posteingang`). Steps:
 *   recognise (type + identifiers) → match the household → auto-file when the type is sure
 *   (confidence ≥ policy.schwelle) AND the household was found by number; otherwise review:
 *   STATUS 'pruefung', wait for update `entscheiden` (SLA timer: on expiry 'pruefung-ueberfaellig',
 *   priority 'hoch', an Aufgabe for the Postkorb lead when the policy names a team; keeps waiting)
 *   → file into the E-Akte once (dokumentId derived from this workflow id) → Wiedervorlage
 *   (WIDERSPRUCH: priority, due at the end of the Widerspruchsfrist) → Antragseingang; a WBA
 *   signals the household's `weiterbewilligung` workflow instead (it records the WBA itself) →
 *   STATUS 'abgelegt'.
 * The E-Akte saying "no" (BusinessError) sends the document back to review with the reason;
 * a step that cannot work at all (no Lesung) waits in quarantine. Never lost.
 */
import {
  ApplicationFailure, ParentClosePolicy, allHandlersFinished, condition, defineQuery, defineUpdate,
  getExternalWorkflowHandle, log, patched, proxyActivities, proxyLocalActivities, setHandler, startChild, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../../activities';
import { AUFGABE_WORKFLOW, aufgabeWorkflowId, type AufgabeInput } from '../../domain/aufgabe';
import { normalizeBgNummer } from '../../domain/identifiers';
import {
  DokumentQueries, DokumentUpdates, EINGANGSART_LABELS, PRUEFGRUND_LABELS, PosteingangStatus, isEingangsart,
  type DokumentErgebnis, type DokumentInput, type DokumentZustand, type Eingangsart, type PosteingangStatusWert,
  pruefeNeuantragAngaben, type PruefEntscheidung, type PruefGrund, type QuarantaeneEntscheidung,
} from '../../domain/posteingang';
import { ART, FAELLIG, PRIORITAET, PROZESS, Prozess, STATUS, TEAM } from '../../domain/search-attributes';
import { WBA_EINGEGANGEN_SIGNAL, plusTage, type WbaEingegangen } from '../../domain/weiterbewilligung';
import { berlinDate } from '../../domain/zeit';
import { LOKAL_PATCH, pruefeQuarantaeneEntscheidung, schrittFehler } from './eingang';

const KURZ = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
} as const;
// Short timeouts: a worker that died mid-activity is noticed soon and the step retried elsewhere.
const ERKENNEN = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2 },
} as const;
const ABLAGE = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
} as const;
const kurz = proxyActivities<Activities>(KURZ);
const erkennen = proxyActivities<Activities>(ERKENNEN);
const ablage = proxyActivities<Activities>(ABLAGE);
// Since pe-lokal-202611 (see eingang.ts): the same steps as local activities, same timeouts and retries.
const kurzLokal = proxyLocalActivities<Activities>(KURZ);
const erkennenLokal = proxyLocalActivities<Activities>(ERKENNEN);
const ablageLokal = proxyLocalActivities<Activities>(ABLAGE);
// Creating a household goes through the Fachverfahren's interface (a file round may take minutes): a normal activity.
const fachverfahren = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

export const dokumentZustandQuery = defineQuery<DokumentZustand>(DokumentQueries.ZUSTAND);
export const entscheidenUpdate = defineUpdate<DokumentZustand, [PruefEntscheidung]>(DokumentUpdates.ENTSCHEIDEN);
export const dokumentQuarantaeneUpdate = defineUpdate<DokumentZustand, [QuarantaeneEntscheidung]>(DokumentUpdates.QUARANTAENE);

/** Types the Fachverfahren records as Antragseingang. */
const ANTRAGSARTEN: readonly Eingangsart[] = ['WBA', 'HAUPTANTRAG', 'VAEM', 'UEBERPRUEFUNGSANTRAG', 'WIDERSPRUCH'];

/** Checks a review decision without I/O; the household's existence is checked by the handler. */
export function pruefeEntscheidung(e: PruefEntscheidung | undefined, wartet: boolean): void {
  if (!wartet) throw new Error('Das Dokument wartet nicht (mehr) auf eine Prüfung.');
  if (!e || typeof e.wer !== 'string' || e.wer.trim() === '') throw new Error('Benutzer fehlt: Die Entscheidung braucht den angemeldeten Benutzernamen.');
  if (!isEingangsart(e.dokumentart)) throw new Error('Unbekannte Dokumentart: Bitte eine Dokumentart aus der Liste wählen.');
  if (e.neuantrag !== undefined) {
    if (e.dokumentart !== 'HAUPTANTRAG') throw new Error('Einen Neuantrag im Fachverfahren anlegen geht nur für einen Hauptantrag.');
    pruefeNeuantragAngaben(e.neuantrag);
  } else if (typeof e.bgNummer !== 'string' || !normalizeBgNummer(e.bgNummer)) {
    throw new Error('Die BG-Nummer hat nicht das richtige Format (5 Ziffern, „BG“, 7 Ziffern, z. B. 96201BG0012345).');
  }
  if (e.kommentar !== undefined && (typeof e.kommentar !== 'string' || e.kommentar.length > 2000)) throw new Error('Der Kommentar ist zu lang (höchstens 2000 Zeichen).');
}

export async function posteingangDokument(input: DokumentInput): Promise<DokumentErgebnis> {
  const workflowId = workflowInfo().workflowId;
  const { policy, teil } = input;
  const z: DokumentZustand = {
    status: PosteingangStatus.ERFASST, contentHash: input.contentHash, teilIndex: teil.index, eingangsdatum: input.eingangsdatum,
    quelle: input.quelle, dateiname: input.fileName, seiten: teil.seiten.map((nr) => ({ nr, quelle: 'textlayer', rotation: 0 })),
    pruefGruende: [], entscheidungen: [], prioritaet: 'normal',
    ...(input.hinweise?.betreff ? { betreff: input.hinweise.betreff } : {}),
  };
  // Decided once, before the first command (histories without the marker replay the old path).
  const lokal = patched(LOKAL_PATCH);
  const k = lokal ? kurzLokal : kurz;
  const kErkennen = lokal ? erkennenLokal : erkennen;
  const kAblage = lokal ? ablageLokal : ablage;
  // With local activities, search attribute changes are collected and written in one upsert before
  // the workflow waits (review, quarantine, a signal) and at the end; the old path writes each at once.
  const offen = new Map<string, SearchAttributeUpdatePair>();
  const setze = (pairs: SearchAttributeUpdatePair[]) => {
    if (!lokal) return upsertSearchAttributes(pairs);
    for (const p of pairs) offen.set(p.key.name, p);
  };
  const schreibe = () => {
    if (offen.size === 0) return;
    upsertSearchAttributes([...offen.values()]);
    offen.clear();
  };
  const setzeStatus = (s: PosteingangStatusWert, weitere: SearchAttributeUpdatePair[] = []) => {
    z.status = s;
    setze([{ key: STATUS, value: s }, ...weitere]);
  };
  // The parent sets these at the start; upsert only what differs.
  const sa = workflowInfo().typedSearchAttributes;
  const anfang: SearchAttributeUpdatePair[] = [];
  if (sa.get(PROZESS) !== Prozess.POSTEINGANG) anfang.push({ key: PROZESS, value: Prozess.POSTEINGANG });
  if (sa.get(STATUS) !== z.status) anfang.push({ key: STATUS, value: z.status });
  if (anfang.length > 0) setze(anfang);

  let pruefungOffen = false;
  let entscheidung: (PruefEntscheidung & { teamId?: string }) | undefined;
  let quarantaeneOffen = false;
  let quarantaene: QuarantaeneEntscheidung | undefined;

  setHandler(dokumentZustandQuery, () => z);
  setHandler(entscheidenUpdate, async (e) => {
    if (e.neuantrag) {
      if (!pruefungOffen) throw ApplicationFailure.create({ message: 'Das Dokument wurde inzwischen von einer anderen Person entschieden.', type: 'BereitsEntschieden', nonRetryable: true });
      pruefungOffen = false;
      const n = e.neuantrag;
      entscheidung = {
        wer: e.wer.trim(), dokumentart: 'HAUPTANTRAG', bgNummer: '', ...(e.kommentar?.trim() ? { kommentar: e.kommentar.trim() } : {}),
        neuantrag: { vorname: n.vorname.trim(), nachname: n.nachname.trim(), geburtsdatum: n.geburtsdatum, strasse: n.strasse.trim(), hausnummer: n.hausnummer.trim(), plz: n.plz, ort: n.ort.trim() },
      };
      z.entscheidungen.push({ wer: entscheidung.wer, wann: new Date().toISOString(), was: `Geprüft: Hauptantrag ohne Bedarfsgemeinschaft – Neuantrag wird im Fachverfahren angelegt${entscheidung.kommentar ? ` – ${entscheidung.kommentar}` : ''}` });
      return z;
    }
    const bgNummer = normalizeBgNummer(e.bgNummer)!;
    const haushalt = await kurz.pruefeHaushalt({ bgNummer });
    if (!haushalt) {
      throw ApplicationFailure.create({ message: 'Zu dieser BG-Nummer gibt es im Fachverfahren keine Bedarfsgemeinschaft.', type: 'HaushaltUnbekannt', nonRetryable: true });
    }
    if (!pruefungOffen) throw ApplicationFailure.create({ message: 'Das Dokument wurde inzwischen von einer anderen Person entschieden.', type: 'BereitsEntschieden', nonRetryable: true });
    pruefungOffen = false;
    entscheidung = { wer: e.wer.trim(), dokumentart: e.dokumentart, bgNummer, ...(e.kommentar?.trim() ? { kommentar: e.kommentar.trim() } : {}), teamId: haushalt.teamId };
    const korrektur = z.erkennung && z.erkennung.dokumentart !== e.dokumentart ? ` (erkannt: ${EINGANGSART_LABELS[z.erkennung.dokumentart]})` : '';
    z.entscheidungen.push({
      wer: entscheidung.wer, wann: new Date().toISOString(),
      was: `Geprüft: ${EINGANGSART_LABELS[e.dokumentart]}${korrektur}, BG ${bgNummer}${entscheidung.kommentar ? ` – ${entscheidung.kommentar}` : ''}`,
    });
    return z;
  }, { validator: (e) => pruefeEntscheidung(e, pruefungOffen) });
  setHandler(dokumentQuarantaeneUpdate, (e) => {
    quarantaene = { wer: e.wer.trim(), aktion: e.aktion, grund: e.grund.trim() };
    quarantaeneOffen = false;
    z.entscheidungen.push({ wer: quarantaene.wer, wann: new Date().toISOString(), was: `Quarantäne: ${e.aktion === 'freigeben' ? 'freigegeben' : 'verworfen'} – ${quarantaene.grund}` });
    return z;
  }, { validator: (e) => pruefeQuarantaeneEntscheidung(e, quarantaeneOffen) });

  async function inQuarantaene(grund: string): Promise<QuarantaeneEntscheidung> {
    z.quarantaeneGrund = grund;
    quarantaene = undefined;
    quarantaeneOffen = true;
    setzeStatus(PosteingangStatus.QUARANTAENE);
    schreibe();
    await condition(() => quarantaene !== undefined);
    return quarantaene!;
  }
  async function verworfen(grund: string): Promise<DokumentErgebnis> {
    setzeStatus(PosteingangStatus.VERWORFEN);
    schreibe();
    await condition(allHandlersFinished);
    return { status: 'verworfen', grund };
  }

  // 1. recognise (a Stapel hands over what it found: not repeated)
  let erkannt: Awaited<ReturnType<Activities['erkenneDokument']>> | undefined = input.vorarbeit;
  while (!erkannt) {
    try {
      erkannt = await kErkennen.erkenneDokument({
        contentHash: input.contentHash, seiten: teil.seiten, eingangsdatum: input.eingangsdatum,
        ...(teil.barcodeDokumentart ? { barcodeDokumentart: teil.barcodeDokumentart } : {}),
      });
      break;
    } catch (err) {
      const f = schrittFehler(err);
      if (!f) throw err;
      const e = await inQuarantaene(`Dokument konnte nicht erkannt werden: ${f.grund}`);
      if (e.aktion === 'verwerfen') return verworfen(z.quarantaeneGrund ?? e.grund);
    }
  }
  const erkennung = erkannt.erkennung;
  z.erkennung = erkennung;
  z.seiten = erkannt.seiten;
  if (erkennung.dokumentart === 'WIDERSPRUCH') z.prioritaet = 'hoch';
  setzeStatus(PosteingangStatus.GELESEN, [{ key: ART, value: erkennung.dokumentart }, { key: PRIORITAET, value: z.prioritaet }]);

  // 2. household (as the Stapel found it, if it looked)
  const zu = input.vorarbeit?.zuordnung ?? await k.ordneDokumentZu({
    merkmale: erkennung.merkmale,
    ...(teil.barcodeBgNummer ? { barcodeBgNummer: teil.barcodeBgNummer } : {}),
    ...(input.hinweise?.bgNummer ? { hinweisBgNummer: input.hinweise.bgNummer } : {}),
  });
  z.zuordnung = zu.zuordnung;
  if (zu.haushalt) {
    z.teamId = zu.haushalt.teamId;
    setze([{ key: TEAM, value: zu.haushalt.teamId }]);
  }

  // 3. decide
  let dokumentart: Eingangsart = erkennung.dokumentart;
  let bgNummer: string | undefined = zu.zuordnung.art === 'bg-nummer' || zu.zuordnung.art === 'kundennummer' ? zu.zuordnung.bgNummer : undefined;
  const gruende: PruefGrund[] = [];
  if (input.freigegeben) gruende.push('freigegeben');
  if (!(erkennung.confidence >= policy.schwelle)) gruende.push('konfidenz');
  if (zu.unbekannt && zu.zuordnung.art !== 'bg-nummer' && zu.zuordnung.art !== 'kundennummer') gruende.push('haushalt-unbekannt');
  if (zu.weitereBgNummern?.length) {
    gruende.push('mehrere-haushalte');
    z.weitereBgNummern = zu.weitereBgNummern;
  }
  if (zu.zuordnung.art === 'vorschlag') gruende.push('vorschlag');
  else if (zu.zuordnung.art === 'keine' && !zu.unbekannt) gruende.push('kein-haushalt');

  let eskalationAufgabe: string | undefined;
  async function pruefung(gr: PruefGrund[]): Promise<PruefEntscheidung & { teamId?: string }> {
    z.pruefGruende = gr;
    const frist = policy.pruefFristMs !== undefined
      ? new Date(new Date().getTime() + policy.pruefFristMs).toISOString()
      : await k.pruefFrist({ ab: new Date().toISOString(), arbeitstage: policy.pruefFristArbeitstage, land: policy.land });
    z.pruefFrist = frist;
    entscheidung = undefined;
    pruefungOffen = true;
    setzeStatus(PosteingangStatus.PRUEFUNG, [{ key: FAELLIG, value: new Date(frist) }]);
    schreibe();
    log.info('posteingang: document waits for review', { gruende: gr.join(',') });
    const rechtzeitig = await condition(() => entscheidung !== undefined, Math.max(1, Date.parse(frist) - new Date().getTime()));
    if (!rechtzeitig) {
      z.prioritaet = 'hoch';
      setzeStatus(PosteingangStatus.PRUEFUNG_UEBERFAELLIG, [{ key: PRIORITAET, value: 'hoch' }]);
      schreibe();
      if (policy.eskalationTeamId && !eskalationAufgabe) {
        const id = aufgabeWorkflowId(workflowId, 'POSTEINGANG_PRUEFEN');
        const heute = berlinDate(new Date());
        const a: AufgabeInput = {
          art: 'POSTEINGANG_PRUEFEN',
          titel: 'Posteingang: Prüfung überfällig',
          beschreibung: `Ein Dokument (${EINGANGSART_LABELS[erkennung.dokumentart]}, Eingang ${input.eingangsdatum.split('-').reverse().join('.')}) wartet im Postkorb länger als vorgesehen auf eine Prüfung. Gründe: ${gr.map((g) => PRUEFGRUND_LABELS[g]).join(', ')}. Bitte im Postkorb entscheiden lassen.`,
          teamId: policy.eskalationTeamId,
          bereich: 'leistung',
          prioritaet: 'hoch',
          faelligAm: plusTage(heute, policy.eskalationFristTage),
          bezug: { prozess: Prozess.POSTEINGANG, workflowId },
        };
        eskalationAufgabe = id;
        z.eskalationAufgabe = id;
        try {
          await startChild(AUFGABE_WORKFLOW, { workflowId: id, args: [a], parentClosePolicy: ParentClosePolicy.ABANDON });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      }
      await condition(() => entscheidung !== undefined);
    }
    if (eskalationAufgabe) {
      try {
        await getExternalWorkflowHandle(eskalationAufgabe).signal('abbrechen', { grund: 'Das Dokument wurde im Postkorb geprüft.' });
      } catch {
        log.info('posteingang: escalation task already closed');
      }
      eskalationAufgabe = undefined;
    }
    z.pruefGruende = [];
    return entscheidung!;
  }

  let korrekturGespeichert = false;
  let abgelegt: { dokumentId: string; ablageort: string };
  for (;;) {
    if (gruende.length > 0 || !bgNummer) {
      const e = await pruefung(gruende.length > 0 ? [...gruende] : ['kein-haushalt']);
      dokumentart = e.dokumentart;
      bgNummer = e.bgNummer;
      if (e.neuantrag) {
        // The household of a first application: created once (the workflow id is the Fachverfahren's reference).
        try {
          const neu = await fachverfahren.posteingangLegeNeuantragAn({ referenz: workflowId, angaben: e.neuantrag, antragsdatum: input.eingangsdatum });
          bgNummer = neu.bgNummer;
          if (neu.teamId) e.teamId = neu.teamId;
          z.entscheidungen.push({ wer: 'Aktenlauf', wann: new Date().toISOString(), was: `Neuantrag im Fachverfahren angelegt: BG ${neu.bgNummer}` });
        } catch (err) {
          const f = schrittFehler(err);
          if (!f) throw err;
          z.ablageFehler = f.grund; // back to the Postkorb with the Fachverfahren's reason (e.g. the person is known already)
          gruende.push('neuantrag-abgelehnt');
          continue;
        }
      }
      if (e.teamId && e.teamId !== z.teamId) {
        z.teamId = e.teamId;
        setze([{ key: TEAM, value: e.teamId }]);
      }
      z.zuordnung = { art: 'bg-nummer', bgNummer: bgNummer!, quelle: e.neuantrag ? 'neuantrag' : 'person' };
      if (dokumentart !== erkennung.dokumentart) {
        setze([{ key: ART, value: dokumentart }]);
        if (!korrekturGespeichert) {
          await k.speichereDokumentKorrektur({ contentHash: input.contentHash, seiten: teil.seiten, dokumentart, erkannt: erkennung.dokumentart, modellVersion: erkennung.modellVersion });
          korrekturGespeichert = true;
        }
      }
      const prio = dokumentart === 'WIDERSPRUCH' ? 'hoch' : z.prioritaet;
      if (prio !== z.prioritaet) {
        z.prioritaet = prio;
        setze([{ key: PRIORITAET, value: prio }]);
      }
      gruende.length = 0;
    }
    try {
      abgelegt = await kAblage.legeDokumentAb({
        workflowId, contentHash: input.contentHash, storedPath: input.storedPath, mediaType: input.mediaType, fileName: input.fileName,
        teilIndex: teil.index, ...(input.teileGesamt ? { teileGesamt: input.teileGesamt } : {}), seiten: teil.seiten,
        bgNummer: bgNummer!, dokumentart, eingangsdatum: input.eingangsdatum,
      });
      break;
    } catch (err) {
      const f = schrittFehler(err);
      if (!f) throw err;
      if ((f.code ?? '').startsWith('BusinessError')) {
        z.ablageFehler = f.grund;
        gruende.push('ablage-abgelehnt');
        continue;
      }
      const e = await inQuarantaene(`Ablage nicht möglich: ${f.grund}`);
      if (e.aktion === 'verwerfen') return verworfen(z.quarantaeneGrund ?? e.grund);
    }
  }
  delete z.ablageFehler;
  z.ablage = { dokumentId: abgelegt.dokumentId, ablageort: abgelegt.ablageort, bgNummer: bgNummer!, dokumentart };

  // 4. route: a WBA goes to the household's Weiterbewilligung (it records the Antragseingang and its Wiedervorlage)
  let wbaUebergeben = false;
  if (dokumentart === 'WBA') {
    const { workflowId: wbId } = await k.findeWeiterbewilligung({ bgNummer: bgNummer!, eingangsdatum: input.eingangsdatum });
    if (wbId) {
      const signal: WbaEingegangen = { eingangsdatum: input.eingangsdatum, quelle: input.quelle, eingangId: workflowId };
      try {
        schreibe();
        await getExternalWorkflowHandle(wbId).signal(WBA_EINGEGANGEN_SIGNAL, signal);
        wbaUebergeben = true;
        z.weiterbewilligung = wbId;
      } catch {
        log.info('posteingang: no running weiterbewilligung workflow for this WBA');
      }
    }
  }
  if (!wbaUebergeben) {
    try {
      const wv = await k.erstelleDokumentWiedervorlage({
        referenz: workflowId, bgNummer: bgNummer!, dokumentart, eingangsdatum: input.eingangsdatum,
        ...(erkennung.merkmale.bescheidVom ? { bescheidVom: erkennung.merkmale.bescheidVom } : {}),
        ...(z.teamId ? { teamId: z.teamId } : {}),
        policy: { land: policy.land, wiedervorlageArbeitstage: policy.wiedervorlageArbeitstage, widerspruchStandardArbeitstage: policy.widerspruchStandardArbeitstage },
      });
      z.ablage.wiedervorlageId = wv.wiedervorlageId;
      if (dokumentart === 'WIDERSPRUCH') setze([{ key: FAELLIG, value: new Date(`${wv.faelligAm}T00:00:00Z`) }]);
      if (ANTRAGSARTEN.includes(dokumentart)) {
        await k.erfasseDokumentEingang({ referenz: `${workflowId}:eingang`, bgNummer: bgNummer!, art: dokumentart, eingangsdatum: input.eingangsdatum });
      }
    } catch (err) {
      const f = schrittFehler(err);
      if (!f) throw err;
      // The document is filed; the Fachverfahren refused the follow-up: recorded, visible in the state.
      z.entscheidungen.push({ wer: 'system', wann: new Date().toISOString(), was: `Wiedervorlage/Antragseingang abgelehnt: ${f.grund}` });
    }
  }
  setzeStatus(PosteingangStatus.ABGELEGT);
  schreibe();
  await condition(allHandlersFinished);
  return { status: 'abgelegt', dokumentId: abgelegt.dokumentId, bgNummer: bgNummer!, dokumentart, ...(z.ablage.wiedervorlageId ? { wiedervorlageId: z.ablage.wiedervorlageId } : {}) };
}
