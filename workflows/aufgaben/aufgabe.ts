/**
 * Aufgabe: one piece of work for a person (domain/aufgabe.ts). The workflow waits for people
 * through updates (take, complete with a note, hand back, comment), each guarded by a
 * validator that refuses an illegal transition with a German message (the refused update
 * never reaches the history). When the due day has passed while the Aufgabe is still open
 * or in progress, the escalation timer marks it `eskaliert` and raises the priority to
 * 'hoch'; the status stays. The originating process may cancel it (signal `abbrechen`),
 * e.g. when the WBA arrived after all. The workflow ends when the Aufgabe is erledigt or
 * abgebrochen.
 *
 * Who may act is checked by the console (server side); the workflow records the acting
 * staff user name in its state. Search attributes carry no personal data.
 *
 * Test/site policy: `policy.eskalationNachMs` (optional) escalates that many milliseconds
 * after the Aufgabe was started instead of at the end of the due day (Europe/Berlin); tests
 * use it to compress time, since the dev server cannot skip a day.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AUFGABE_ZUSTAND_QUERY,
  AufgabeUpdates,
  type AufgabeInput,
  type AufgabeKommentar,
  type AufgabeStatus,
  type AufgabeZustand,
} from '../../domain/aufgabe';
import { ART, FAELLIG, PRIORITAET, PROZESS, Prozess, STATUS, TEAM } from '../../domain/search-attributes';

export const NOTIZ_MAX = 2000;
export const KOMMENTAR_MAX = 2000;

export interface AufgabePolicy {
  /** Escalate this many ms after the start instead of after the due day (tests, special sites). */
  eskalationNachMs?: number;
}

/** Carried over by continueAsNew: what people did so far and when the escalation is due. */
export interface AufgabeFortsetzung {
  zustand: AufgabeZustand;
  /** Escalation instant (ISO) computed by the first run. */
  eskalationUm: string;
}

/** Input of the workflow: the contract's AufgabeInput plus optional policy/continuation. */
export type AufgabeStart = AufgabeInput & { policy?: AufgabePolicy; fortsetzung?: AufgabeFortsetzung };

export interface BenutzerArgs {
  benutzer: string;
}
export interface ErledigenArgs extends BenutzerArgs {
  notiz: string;
}
export interface KommentierenArgs extends BenutzerArgs {
  text: string;
}
export interface AbbrechenArgs {
  grund: string;
}

export const zustandQuery = defineQuery<AufgabeZustand>(AUFGABE_ZUSTAND_QUERY);
export const uebernehmenUpdate = defineUpdate<AufgabeZustand, [BenutzerArgs]>(AufgabeUpdates.uebernehmen);
export const erledigenUpdate = defineUpdate<AufgabeZustand, [ErledigenArgs]>(AufgabeUpdates.erledigen);
export const zurueckgebenUpdate = defineUpdate<AufgabeZustand, [BenutzerArgs]>(AufgabeUpdates.zurueckgeben);
export const kommentierenUpdate = defineUpdate<AufgabeZustand, [KommentierenArgs]>(AufgabeUpdates.kommentieren);
export const abbrechenSignal = defineSignal<[AbbrechenArgs]>('abbrechen');

const berlinParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** Berlin wall-clock offset (ms) at an instant. Pure: Intl only, no I/O. */
function berlinOffsetMs(instant: number): number {
  const p: Record<string, string> = {};
  for (const part of berlinParts.formatToParts(new Date(instant))) p[part.type] = part.value;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return wall - Math.floor(instant / 60000) * 60000;
}

/** The instant the due day is over: 00:00 Europe/Berlin of the following day. */
export function endeDesTages(tag: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(tag);
  if (!m) throw new Error(`Fälligkeitstag ${tag} ist kein Datum im Format JJJJ-MM-TT.`);
  const naechsterTagUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  // Midnight never falls into the 02:00–03:00 switch gap; the offset of that wall time is stable.
  const guess = naechsterTagUtc - berlinOffsetMs(naechsterTagUtc);
  return new Date(naechsterTagUtc - berlinOffsetMs(guess));
}

function nichtLeer(s: unknown): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

function pruefeBenutzer(args: BenutzerArgs | undefined): string {
  if (!args || !nichtLeer(args.benutzer)) throw new Error('Benutzer fehlt: Die Aktion braucht den angemeldeten Benutzernamen.');
  return args.benutzer.trim();
}

function pruefeNichtAbgeschlossen(z: AufgabeZustand): void {
  if (z.status === 'erledigt') throw new Error('Die Aufgabe ist bereits erledigt; sie kann nicht mehr geändert werden.');
  if (z.status === 'abgebrochen') throw new Error('Die Aufgabe wurde abgebrochen; sie kann nicht mehr geändert werden.');
}

function pruefeEigeneBearbeitung(z: AufgabeZustand, benutzer: string, was: string): void {
  pruefeNichtAbgeschlossen(z);
  if (z.status !== 'in_bearbeitung' || !z.bearbeiter) {
    throw new Error(`Die Aufgabe ist noch nicht übernommen. Bitte übernehmen Sie sie zuerst, bevor Sie sie ${was}.`);
  }
  if (z.bearbeiter !== benutzer) throw new Error(`Die Aufgabe wird von ${z.bearbeiter} bearbeitet; nur diese Person kann sie ${was}.`);
}

function faelligDatum(tag: string): Date {
  return new Date(`${tag}T00:00:00Z`);
}

function tagDesJetzt(): string {
  return new Date().toISOString();
}

export async function aufgabe(start: AufgabeStart): Promise<AufgabeZustand> {
  const { policy, fortsetzung, ...input } = start;
  const z: AufgabeZustand = fortsetzung?.zustand ?? { ...input, status: 'offen', eskaliert: false, kommentare: [] };
  const eskalationUm = fortsetzung
    ? new Date(fortsetzung.eskalationUm)
    : policy?.eskalationNachMs !== undefined
      ? new Date(workflowInfo().startTime.getTime() + Math.max(0, policy.eskalationNachMs))
      : endeDesTages(input.faelligAm);

  function setzeStatus(status: AufgabeStatus): void {
    z.status = status;
    upsertSearchAttributes([{ key: STATUS, value: status }]);
  }

  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.AUFGABE },
    { key: STATUS, value: z.status },
    { key: TEAM, value: z.teamId },
    { key: ART, value: z.art },
    { key: PRIORITAET, value: z.prioritaet },
    { key: FAELLIG, value: faelligDatum(z.faelligAm) },
  ]);

  setHandler(zustandQuery, () => z);

  setHandler(
    uebernehmenUpdate,
    (args) => {
      z.bearbeiter = args.benutzer.trim();
      setzeStatus('in_bearbeitung');
      return z;
    },
    {
      validator: (args) => {
        const benutzer = pruefeBenutzer(args);
        pruefeNichtAbgeschlossen(z);
        if (z.status === 'in_bearbeitung') {
          throw new Error(z.bearbeiter === benutzer
            ? 'Sie bearbeiten diese Aufgabe bereits.'
            : `Die Aufgabe wurde bereits von ${z.bearbeiter ?? 'einer anderen Person'} übernommen.`);
        }
      },
    },
  );

  setHandler(
    erledigenUpdate,
    (args) => {
      z.notiz = args.notiz.trim();
      z.erledigtVon = args.benutzer.trim();
      z.erledigtAm = tagDesJetzt();
      setzeStatus('erledigt');
      return z;
    },
    {
      validator: (args) => {
        const benutzer = pruefeBenutzer(args);
        pruefeEigeneBearbeitung(z, benutzer, 'erledigen');
        if (!nichtLeer(args.notiz)) throw new Error('Bitte geben Sie eine Notiz ein: Was wurde veranlasst?');
        if (args.notiz.length > NOTIZ_MAX) throw new Error(`Die Notiz ist zu lang (höchstens ${NOTIZ_MAX} Zeichen).`);
      },
    },
  );

  setHandler(
    zurueckgebenUpdate,
    () => {
      z.bearbeiter = undefined;
      setzeStatus('offen');
      return z;
    },
    {
      validator: (args) => {
        const benutzer = pruefeBenutzer(args);
        pruefeEigeneBearbeitung(z, benutzer, 'zurückgeben');
      },
    },
  );

  setHandler(
    kommentierenUpdate,
    (args) => {
      const k: AufgabeKommentar = { von: args.benutzer.trim(), am: tagDesJetzt(), text: args.text.trim() };
      z.kommentare.push(k);
      return z;
    },
    {
      validator: (args) => {
        pruefeBenutzer(args);
        pruefeNichtAbgeschlossen(z);
        if (!nichtLeer(args.text)) throw new Error('Der Kommentar ist leer.');
        if (args.text.length > KOMMENTAR_MAX) throw new Error(`Der Kommentar ist zu lang (höchstens ${KOMMENTAR_MAX} Zeichen).`);
      },
    },
  );

  setHandler(abbrechenSignal, (args) => {
    if (z.status === 'erledigt' || z.status === 'abgebrochen') return;
    z.kommentare.push({ von: 'System', am: tagDesJetzt(), text: `Abgebrochen: ${args?.grund ?? 'ohne Angabe'}` });
    setzeStatus('abgebrochen');
  });

  const abgeschlossen = (): boolean => z.status === 'erledigt' || z.status === 'abgebrochen';

  for (;;) {
    if (!z.eskaliert) {
      const rest = eskalationUm.getTime() - new Date().getTime();
      const ende = rest > 0 ? await condition(() => abgeschlossen() || workflowInfo().continueAsNewSuggested, rest) : abgeschlossen();
      if (!ende && !abgeschlossen() && !workflowInfo().continueAsNewSuggested) {
        z.eskaliert = true;
        z.prioritaet = 'hoch';
        upsertSearchAttributes([{ key: PRIORITAET, value: 'hoch' }]);
      }
    } else {
      await condition(() => abgeschlossen() || workflowInfo().continueAsNewSuggested);
    }
    if (abgeschlossen()) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const next: AufgabeStart = { ...input, fortsetzung: { zustand: z, eskalationUm: eskalationUm.toISOString() } };
      await continueAsNew<typeof aufgabe>(next);
    }
  }
  await condition(allHandlersFinished);
  return z;
}
