/**
 * Activities of the Online-Terminvergabe: the allocation ledger in Redis (confirm, re-book,
 * free), e-mails to citizens (SMTP, with .ics), the Neuantrag in the Fachverfahren and the first
 * document of the new E-Akte, and the daily import of the Landratsamt's Terminsystem.
 *
 * Resources are opened on first use from the environment of the worker: Redis
 * (AKTENLAUF_REDIS_URL_EFFECTIVE / REDIS_URL), SMTP (MAIL_SMTP_URL), Terminsystem (TERMINE_*).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Redis } from 'ioredis';
import { dejavuBytes, fontkitMitCache } from '../../platform/pdf-schrift';
import { PDFDocument } from 'pdf-lib';
import { requireConnectors, type ActivityDeps } from '..';
import { isBusinessError, TechnicalError } from '../../connectors/errors';
import { loadMailConfig } from '../../connectors/mail/config';
import type { Mailer } from '../../connectors/mail/port';
import { createSmtpMailer } from '../../connectors/mail/smtp';
import { createTerminsystem } from '../../connectors/termine/adapter';
import { loadTermineConfig } from '../../connectors/termine/config';
import type { Terminsystem } from '../../connectors/termine/port';
import { PROZESS, Prozess, QUELLE, STATUS, STICHTAG, ART } from '../../domain/search-attributes';
import { lokalZeitpunkt, type Kapazitaet } from '../../domain/termine';
import {
  TERMIN_EXTERN_GEAENDERT_SIGNAL, TERMIN_WORKFLOW, type EincheckDaten, type ExternGeaendert, type TerminInput, type TerminSlot,
} from '../../domain/termine-vorgang';
import { eakteDokumentId } from '../druck';
import { Belegung } from './ledger';
import { KapazitaetStore } from './kapazitaet';
import { mailInhalt, type MailArt } from './nachrichten';
import { pseudonymizerFuer, TerminSchluessel } from './schluessel';

/** Anliegen of the Terminsystem that become a `terminvergabe` workflow. */
export const NEUANTRAG_ANLIEGEN = /neuantrag/i;

interface Laufzeit {
  redis?: Redis;
  mailer?: Mailer;
  terminsystem?: Promise<Terminsystem>;
}
const laufzeit: Laufzeit = {};

export function termineRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.AKTENLAUF_REDIS_URL_EFFECTIVE || env.REDIS_URL || `redis://127.0.0.1:${env.AKTENLAUF_REDIS_PORT || '6390'}`;
}

function redis(): Redis {
  laufzeit.redis ??= new Redis(termineRedisUrl(), { maxRetriesPerRequest: 3 });
  return laufzeit.redis;
}

function mailer(): Mailer {
  laufzeit.mailer ??= createSmtpMailer(loadMailConfig());
  return laufzeit.mailer;
}

/** Closes the resources of this process (worker shutdown, tests). */
export async function schliesseTermineLaufzeit(): Promise<void> {
  const { redis: r, mailer: m, terminsystem: t } = laufzeit;
  laufzeit.redis = undefined;
  laufzeit.mailer = undefined;
  laufzeit.terminsystem = undefined;
  await Promise.allSettled([r?.quit(), m?.close(), t?.then((x) => x.close())]);
}

function alsFailure(err: unknown): never {
  if (err instanceof ApplicationFailure) throw err;
  if (isBusinessError(err)) throw ApplicationFailure.nonRetryable(err.message, err.code);
  if (err instanceof TechnicalError) throw ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: false });
  throw err;
}

/** The appointment's day after its end: confirmed units stay in the ledger until then. */
export function belegtBis(slot: TerminSlot): number {
  return slot.endeMs + 86_400_000;
}

export function personalVon(kap: Kapazitaet, standortId: string): number {
  return kap.standorte.find((s) => s.id === standortId)?.personal ?? 0;
}

export function createTermineActivities(deps: ActivityDeps) {
  const kapazitaet = KapazitaetStore.fuer(deps.dataDir);
  let schluessel: TerminSchluessel | undefined;
  const sch = () => (schluessel ??= new TerminSchluessel(pseudonymizerFuer(deps.dataDir)));
  const personal = (standortId: string) => personalVon(kapazitaet.lies(), standortId);

  return {
    /** Confirms a held reservation (persistent until the day after); null when it expired. */
    async terminBestaetigeEinheiten(a: { slot: TerminSlot; owner: string }): Promise<number | null> {
      return new Belegung(redis()).bestaetige(a.slot, personal(a.slot.standortId), a.owner, belegtBis(a.slot));
    },

    /** Takes units for a re-booked slot at once (persistent); null when the slot is full. */
    async terminBelegeEinheiten(a: { slot: TerminSlot; owner: string }): Promise<number | null> {
      if (a.slot.beginnMs < Date.now()) return null;
      return new Belegung(redis()).reserviere(a.slot, personal(a.slot.standortId), a.owner, { bisMs: belegtBis(a.slot) });
    },

    async terminGibEinheitenFrei(a: { slot: TerminSlot; owner: string }): Promise<number> {
      return new Belegung(redis()).gibFrei(a.slot, Math.max(1, personal(a.slot.standortId)), a.owner);
    },

    /**
     * Sends one e-mail to the citizen; at most once per (appointment, kind, version): a marker in
     * Redis is set after sending, so a retried activity does not send twice.
     */
    async terminSendeMail(a: { terminId: string; art: MailArt; input: TerminInput; slot: TerminSlot; version: number }): Promise<'gesendet' | 'schon_gesendet' | 'keine_adresse'> {
      const an = a.input.person.email;
      if (!an) return 'keine_adresse';
      const nachrichtId = `${a.terminId}.${a.art}.${a.version}`;
      const marker = `termine:mail:${nachrichtId}`;
      if (await redis().exists(marker)) return 'schon_gesendet';
      const inhalt = mailInhalt(a.art, a.terminId, a.input, a.slot, a.version);
      await mailer().sende({ an, betreff: inhalt.betreff, text: inhalt.text, anhaenge: inhalt.anhaenge, nachrichtId });
      await redis().set(marker, '1', 'EX', 60 * 86_400);
      deps.log?.info({ terminId: a.terminId, art: a.art }, 'termin mail sent');
      return 'gesendet';
    },

    /** Neuantrag in the Fachverfahren (idempotent by referenz = appointment id). */
    async terminLegeNeuantragAn(a: { terminId: string; daten: EincheckDaten; antragsdatum: string }): Promise<{ bgNummer: string; kundennummer: string }> {
      try {
        return await requireConnectors(deps).fachverfahren.legeNeuantragAn({
          referenz: a.terminId,
          antragsteller: { vorname: a.daten.vorname, nachname: a.daten.nachname, geburtsdatum: a.daten.geburtsdatum },
          anschrift: { strasse: a.daten.strasse, hausnummer: a.daten.hausnummer, plz: a.daten.plz, ort: a.daten.ort },
          antragsdatum: a.antragsdatum,
        });
      } catch (err) {
        return alsFailure(err);
      }
    },

    /** Starts the E-Akte of the new household: a record of the personal application (Vorsprache), filed once. */
    async terminLegeVorspracheAb(a: { terminId: string; bgNummer: string; tag: string; ort: string; durch: string }): Promise<{ dokumentId: string }> {
      const doc = await PDFDocument.create({ updateMetadata: false });
      doc.registerFontkit(fontkitMitCache);
      const font = await doc.embedFont(dejavuBytes().regular, { subset: true });
      const page = doc.addPage([595.28, 841.89]);
      const zeilen = [
        'Vermerk: Persönliche Vorsprache zur Antragstellung (Bürgergeld)',
        '',
        `Datum: ${a.tag.split('-').reverse().join('.')}`,
        `Ort: ${a.ort}`,
        `BG-Nummer: ${a.bgNummer}`,
        `Aufgenommen durch: ${a.durch}`,
        '',
        'Der Antrag wurde bei der Vorsprache gestellt; der Neuantrag ist im Fachverfahren angelegt.',
        'Das Antragsdatum ist der Tag der Vorsprache.',
      ];
      zeilen.forEach((z, i) => page.drawText(z, { x: 70, y: 770 - i * 18, size: i === 0 ? 13 : 11, font }));
      const inhalt = Buffer.from(await doc.save());
      try {
        const r = await requireConnectors(deps).eakte.file(
          { dokumentId: eakteDokumentId(`${a.terminId}-vorsprache`), inhalt, dateiname: `vorsprache-${a.tag}.pdf`, mimeType: 'application/pdf' },
          { bgNummer: a.bgNummer, betreff: 'Vorsprache zur Antragstellung', dokumentart: 'HAUPTANTRAG', posteingangsdatum: a.tag, vorgang: `Neuantrag ${a.tag.slice(0, 4)}` },
        );
        return { dokumentId: r.dokumentId };
      } catch (err) {
        return alsFailure(err);
      }
    },

    /**
     * Import of the Landratsamt's Terminsystem for one day: every Neuantrag booking becomes (or
     * updates) a `terminvergabe` workflow, id = HMAC of the booking number (signal-with-start;
     * a closed workflow is not started again).
     */
    async terminsystemAbgleich(a: { tag: string }): Promise<{ buchungen: number; neuantraege: number; verarbeitet: number; abgeschlossen: number; ids: string[] }> {
      laufzeit.terminsystem ??= createTerminsystem(loadTermineConfig(), { redisUrl: termineRedisUrl() });
      let buchungen;
      try {
        buchungen = await (await laufzeit.terminsystem).listeBuchungen(a.tag);
      } catch (err) {
        return alsFailure(err);
      }
      const kap = kapazitaet.lies();
      const ctx = Context.current();
      let neuantraege = 0;
      let verarbeitet = 0;
      let abgeschlossen = 0;
      const ids: string[] = [];
      for (const b of buchungen) {
        if (!NEUANTRAG_ANLIEGEN.test(b.anliegen)) continue;
        neuantraege += 1;
        const standort = kap.standorte.find((s) => s.id === b.standort);
        const beginnMs = lokalZeitpunkt(b.tag, b.uhrzeit);
        if (beginnMs === null) continue;
        const slot: TerminSlot = { standortId: b.standort, tag: b.tag, uhrzeit: b.uhrzeit, beginnMs, endeMs: beginnMs + b.dauerMinuten * 60_000, einheiten: [] };
        const workflowId = sch().terminsystemId(b.buchungsnummer);
        ids.push(workflowId);
        const input: TerminInput = {
          quelle: 'terminsystem',
          slot,
          person: { name: b.name.includes(',') ? b.name.split(',').map((s) => s.trim()).reverse().join(' ') : b.name, ...(b.kontakt.email ? { email: b.kontakt.email } : {}), ...(b.kontakt.telefon ? { telefon: b.kontakt.telefon } : {}) },
          ort: standort ? `${standort.name}, ${standort.anschrift}` : b.standort,
          teamId: standort?.teamId ?? 'LE-S-AD',
          unterlagen: kap.unterlagen,
          bestaetigt: true,
        };
        const signal: ExternGeaendert = { slot };
        try {
          await ctx.client.workflow.signalWithStart(TERMIN_WORKFLOW, {
            workflowId,
            taskQueue: ctx.info.taskQueue,
            args: [input],
            signal: TERMIN_EXTERN_GEAENDERT_SIGNAL,
            signalArgs: [signal],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: PROZESS, value: Prozess.TERMINVERGABE },
              { key: STATUS, value: 'bestaetigt' },
              { key: QUELLE, value: 'terminsystem' },
              { key: ART, value: b.standort },
              { key: STICHTAG, value: new Date(`${b.tag}T00:00:00Z`) },
            ],
          });
          verarbeitet += 1;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) {
            abgeschlossen += 1; // closed already (done, cancelled): not started again
            continue;
          }
          throw err;
        }
        ctx.heartbeat();
      }
      deps.log?.info({ tag: a.tag, neuantraege, verarbeitet }, 'terminsystem abgeglichen');
      return { buchungen: buchungen.length, neuantraege, verarbeitet, abgeschlossen, ids };
    },

    /**
     * Bookings that vanished from the Terminsystem: every open appointment of the source
     * 'terminsystem' on the days [von, bis] whose id the sync did not see gets signal
     * `terminExternGeaendert` with slot null (it waits a while in case the booking was moved).
     */
    async terminsystemGeloeschte(a: { von: string; bis: string; gesehen: string[] }): Promise<{ geloescht: number }> {
      const ctx = Context.current();
      const gesehen = new Set(a.gesehen);
      const bisExklusiv = new Date(Date.parse(`${a.bis}T00:00:00Z`) + 86_400_000).toISOString();
      const query = `AktenlaufProzess = '${Prozess.TERMINVERGABE}' AND AktenlaufQuelle = 'terminsystem' AND AktenlaufStatus = 'bestaetigt' AND ExecutionStatus = 'Running' AND AktenlaufStichtag >= '${a.von}T00:00:00Z' AND AktenlaufStichtag < '${bisExklusiv}' AND TaskQueue = '${ctx.info.taskQueue}'`;
      let geloescht = 0;
      for await (const wf of ctx.client.workflow.list({ query })) {
        if (gesehen.has(wf.workflowId)) continue;
        const signal: ExternGeaendert = { slot: null };
        await ctx.client.workflow.getHandle(wf.workflowId).signal(TERMIN_EXTERN_GEAENDERT_SIGNAL, signal);
        geloescht += 1;
      }
      return { geloescht };
    },
  };
}
