/**
 * Console pages of the Posteingang: the overview (/posteingang), the Postkorb (review queue
 * of documents the engine was unsure about, one document with its page images, decision and
 * split review) and the Quarantäne. They read Temporal visibility (process data only), the
 * workflows' `zustand` queries and the Lesung files the engine wrote (page images, words),
 * and write only through the workflows' updates. Every view of a document, every page image
 * and every decision lands in the audit trail; roles are checked on the server per route.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import { normalizeBgNummer } from '../domain/identifiers';
import {
  DOKUMENT_WORKFLOW,
  DateiQueries,
  DateiUpdates,
  DokumentQueries,
  DokumentUpdates,
  EINGANGSARTEN,
  POSTEINGANG_WORKFLOW,
  PosteingangStatus,
  STAPEL_WORKFLOW,
  StapelQueries,
  isEingangsart,
  lesungPfad,
  seitenbildPfad,
  type DateiZustand,
  type DokumentZustand,
  type Lesung,
  type PruefEntscheidung,
  type QuarantaeneEntscheidung,
  type Seite,
  type StapelZustand,
  type ZerlegungsEntscheidung,
} from '../domain/posteingang';
import { mediaTypeOf } from '../domain/eingang';
import { ART, EINGANGSDATUM, FAELLIG, PRIORITAET, PROZESS, Prozess, QUELLE, STATUS } from '../domain/search-attributes';
import { berlinDate } from '../domain/zeit';
import type { AuditEvent } from './audit';
import type { SeitenMediaType } from '../activities/erkennung/seiten';
import { markierungen } from './postkorb-markierung';
import { textlageWoerter, type TextlageSeite } from './postkorb-textlage';
import { TASTATUR_SKRIPT } from './postkorb-tastatur';
import type { ProzessSeitenContext } from './prozess-seiten';
import { PAGES } from './roles';
import { pruefeEincheck } from './termine';
import type { EincheckWerte } from './views/termine';
import type { User } from './users';
import { posteingangPage, stapelPage, STATUS_REIHENFOLGE, type PosteingangRow } from './views/posteingang';
import {
  QUELLE_LABELS,
  TASTATUR_SKRIPT_PFAD,
  dokumentPage,
  leseTeile,
  postkorbPage,
  zerlegungPage,
  type DokumentAnsicht,
  type DokumentEingabe,
  type DokumentFehlerFeld,
  type PostkorbFilter,
  type PostkorbRow,
  type PostkorbZahlen,
  type SeitenAnsicht,
} from './views/postkorb';
import { quarantaenePage, type QuarantaeneListe, type QuarantaeneRow } from './views/quarantaene';

export const POSTEINGANG_LIMIT = 200;
export const POSTKORB_LIMIT = 500;
export const QUARANTAENE_LIMIT = 200;
/** Quarantined entries whose reason is read per page view (one query each). */
export const QUARANTAENE_DETAILS_LIMIT = 50;
export const QUERY_TIMEOUT_MS = 3000;

export interface PostkorbContext extends ProzessSeitenContext {
  /** The engine's data dir: Lesung files and page images live under it. */
  dataDir: string;
  /** Where the intake stores incoming files (`<contentHash><ext>`), for rendering pages on demand. */
  storeDir: string;
  /** Renders one page of a file as PNG (default: `rendereSeite` of activities/erkennung/seiten). */
  rendereSeite?: Renderer;
}

type Renderer = (inhalt: Buffer, mediaType: string, nr: number, opts: { dpi: number }) => Promise<{ png: Buffer }>;

const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
const PRUEFUNG = [PosteingangStatus.PRUEFUNG, PosteingangStatus.PRUEFUNG_UEBERFAELLIG] as const;
const DATUM = /^\d{4}-\d{2}-\d{2}$/;
/** Endings the intake stores originals with (the renderable ones). */
const ORIGINAL_ENDUNGEN = ['.pdf', '.tif', '.tiff', '.png', '.jpg', '.jpeg'];

const MSG = {
  temporal: 'Der Postkorb kann gerade nicht gelesen werden: Die Abfrage bei Temporal ist fehlgeschlagen. Einzelheiten stehen im Systemstatus.',
  nichtGefunden: 'Dieses Dokument gibt es nicht im Posteingang.',
  worker: 'Das Dokument kann gerade nicht gelesen werden: Der Worker antwortet nicht. Bitte später erneut versuchen.',
  abgeschlossen: 'Der Vorgang ist bereits abgeschlossen; er kann nicht mehr geändert werden.',
  aktionFehler: 'Die Entscheidung konnte nicht übermittelt werden: Temporal ist gerade nicht erreichbar. Bitte später erneut versuchen.',
  art: 'Bitte wählen Sie eine Dokumentart aus der Liste.',
  bg: 'Die BG-Nummer hat nicht die richtige Form: 5 Ziffern, „BG“, 7 Ziffern (z. B. 96201BG0012345).',
  bgLeer: 'Bitte die BG-Nummer angeben – oder, wenn die Person noch keine Bedarfsgemeinschaft hat, bei einem Hauptantrag „Neuantrag anlegen“ wählen.',
  neuantragNurHauptantrag: 'Einen Neuantrag im Fachverfahren anlegen geht nur für die Dokumentart „Hauptantrag“.',
  keinBild: 'Für diese Seite gibt es kein Bild.',
  grund: 'Bitte geben Sie eine Begründung ein: Warum wird die Datei freigegeben oder verworfen?',
  ungueltig: 'Die Anfrage ist ungültig.',
};

const ERFOLG: Record<string, string> = {
  entschieden: 'Die Entscheidung wurde übernommen; das Dokument wird abgelegt.',
  weiter: 'Die Entscheidung zum vorigen Dokument wurde übernommen; es wird abgelegt. Hier folgt das nächste Dokument.',
  zerlegt: 'Die Trennung wurde übernommen; die Dokumente werden einzeln weiterverarbeitet.',
  freigeben: 'Die Datei wurde freigegeben und wird erneut verarbeitet: Lässt sie sich lesen, erscheint sie zur Prüfung im Postkorb; ist sie weiterhin defekt, kommt sie mit dem Grund hierher zurück.',
  verwerfen: 'Die Datei wurde verworfen; sie bleibt mit der Begründung gespeichert.',
};

/** The Postkorb's decisions are for these roles; others with page access only look. */
const ENTSCHEIDER = new Set<string>(['postkorb', 'leitung']);

function errText(err: unknown): { err: string; cause?: string } {
  return { err: (err as Error).message, cause: (err as { cause?: { message?: string } }).cause?.message };
}

function heute(): Date {
  return new Date(`${berlinDate(new Date())}T00:00:00Z`);
}

async function listAll(temporal: Client, query: string, limit: number): Promise<{ items: WorkflowExecutionInfo[]; truncated: boolean }> {
  const items: WorkflowExecutionInfo[] = [];
  for await (const wf of temporal.workflow.list({ query, pageSize: Math.min(limit + 1, 1000) })) {
    if (items.length >= limit) return { items, truncated: true };
    items.push(wf);
  }
  return { items, truncated: false };
}

const filterSchema = z.object({
  art: z.enum(EINGANGSARTEN).optional().catch(undefined),
  quelle: z.enum(Object.keys(QUELLE_LABELS) as [string, ...string[]]).optional().catch(undefined),
  von: z.string().max(40).optional().catch(undefined),
  bis: z.string().max(40).optional().catch(undefined),
  ueberfaellig: z.string().optional().catch(undefined),
});

// Generous here (a too long value gets its field's message from the check, with the form kept), bounded for safety.
const angabe = z.string().max(2000).optional().transform((v) => (v === undefined ? undefined : v.trim().replace(/\s+/g, ' ')));
const entscheidungSchema = z.object({
  dokumentart: z.string().max(100).default(''),
  bgNummer: z.string().max(100).default(''),
  kommentar: z.string().max(5000).optional(),
  // A Hauptantrag without a Bedarfsgemeinschaft: the applicant as read from the form.
  neuantrag: z.string().max(5).optional(),
  vorname: angabe, nachname: angabe, geburtsdatum: angabe, strasse: angabe, hausnummer: angabe, plz: angabe, ort: angabe,
});
const zerlegungSchema = z.object({ teile: z.string().max(20000).default('') });
const quarantaeneSchema = z.object({ aktion: z.enum(['freigeben', 'verwerfen']), grund: z.string().max(2000).default('') });

/** The base of every Postkorb query: running Posteingang workflows waiting for a person. */
export const POSTKORB_BASIS = `${PROZESS.name} = '${Prozess.POSTEINGANG}' AND ExecutionStatus = 'Running' AND ${STATUS.name} IN (${PRUEFUNG.map((s) => `'${s}'`).join(', ')})`;

function naechsterTag(tag: string): string {
  return new Date(Date.parse(`${tag}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A date filter value: a real calendar day (YYYY-MM-DD), or the reason it cannot be used. */
export function datumsFilter(roh: string | undefined, feld: string): { tag?: string; fehler?: string } {
  if (!roh?.trim()) return {};
  const t = roh.trim();
  const d = DATUM.test(t) ? new Date(`${t}T00:00:00Z`) : undefined;
  if (d && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === t) return { tag: t };
  return { fehler: `„${t.slice(0, 20)}“ im Feld „${feld}“ ist kein gültiges Datum; der Filter wurde ohne dieses Feld angewandt.` };
}

/** The visibility clause of a filter; every value was checked against a fixed list or a date pattern. */
export function filterKlausel(f: PostkorbFilter, jetzt: Date): string {
  let q = '';
  if (f.art) q += ` AND ${ART.name} = '${f.art}'`;
  if (f.quelle) q += ` AND ${QUELLE.name} = '${f.quelle}'`;
  if (f.von) q += ` AND ${EINGANGSDATUM.name} >= '${f.von}T00:00:00Z'`;
  // The day is stored as its midnight (UTC); "bis" includes that day: before the next midnight.
  if (f.bis) q += ` AND ${EINGANGSDATUM.name} < '${naechsterTag(f.bis)}T00:00:00Z'`;
  if (f.ueberfaellig) q += ` AND (${STATUS.name} = '${PosteingangStatus.PRUEFUNG_UEBERFAELLIG}' OR ${FAELLIG.name} < '${jetzt.toISOString()}')`;
  return q;
}

function zeile(wf: WorkflowExecutionInfo): PostkorbRow {
  const sa = wf.typedSearchAttributes;
  return {
    workflowId: wf.workflowId,
    vorgang: wf.type === POSTEINGANG_WORKFLOW ? 'zerlegung' : 'dokument',
    status: sa.get(STATUS),
    dokumentart: sa.get(ART),
    quelle: sa.get(QUELLE),
    eingangsdatum: sa.get(EINGANGSDATUM),
    faellig: sa.get(FAELLIG),
    prioritaet: sa.get(PRIORITAET),
    startTime: wf.startTime,
  };
}

/** Oldest first: by day of receipt, then by start. */
function aeltesteZuerst(a: PostkorbRow, b: PostkorbRow): number {
  return (a.eingangsdatum?.getTime() ?? Infinity) - (b.eingangsdatum?.getTime() ?? Infinity)
    || a.startTime.getTime() - b.startTime.getTime()
    || a.workflowId.localeCompare(b.workflowId);
}

let geladenerRenderer: Renderer | undefined;
/** The page renderer of the recognition (pdf.js, sharp), loaded on first use: the console starts without it. */
function standardRenderer(): Renderer {
  if (!geladenerRenderer) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { rendereSeite } = require('../activities/erkennung/seiten') as typeof import('../activities/erkennung/seiten');
    geladenerRenderer = (inhalt, mediaType, nr, opts) => rendereSeite(inhalt, mediaType as SeitenMediaType, nr, { ...opts, maxKante: 2000 });
  }
  return geladenerRenderer;
}

/** What one Posteingang workflow shows the console. */
type Vorgang =
  | { typ: 'dokument'; status?: string; zustand: DokumentZustand; contentHash: string; lesung?: Lesung }
  | { typ: 'datei'; status?: string; zustand: Partial<DateiZustand>; contentHash?: string; lesung?: Lesung }
  /** A Stapel of files: no pages of its own, only what became of each file. */
  | { typ: 'stapel'; status?: string; zustand: StapelZustand; contentHash?: undefined; lesung?: undefined };

export function registerPostkorb(app: FastifyInstance, ctx: PostkorbContext): void {
  const { temporal, record, requireRole, refuse, sendHtml } = ctx;
  const dataRoot = path.resolve(ctx.dataDir);
  const renderer = (): Renderer => ctx.rendereSeite ?? standardRenderer();

  /** A path under the data dir, or undefined (a stored path never leads outside it). */
  function imDatenverzeichnis(rel: string): string | undefined {
    const abs = path.resolve(dataRoot, rel);
    return abs.startsWith(dataRoot + path.sep) ? abs : undefined;
  }

  async function ladeLesung(contentHash: string | undefined): Promise<Lesung | undefined> {
    if (!contentHash || !/^[0-9a-f]{64}$/.test(contentHash)) return undefined;
    const file = imDatenverzeichnis(lesungPfad(contentHash));
    if (!file) return undefined;
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as Lesung;
    } catch {
      return undefined;
    }
  }

  /** The stored original of a file (`<contentHash><ext>` in the intake store; a stat per known ending, no listing). */
  async function original(contentHash: string): Promise<{ pfad: string; mediaType: string } | undefined> {
    if (!/^[0-9a-f]{64}$/.test(contentHash)) return undefined;
    const kandidaten = ORIGINAL_ENDUNGEN.map((e) => path.join(ctx.storeDir, `${contentHash}${e}`));
    const da = await Promise.all(kandidaten.map((k) => fs.stat(k).then((st) => st.isFile(), () => false)));
    const pfad = kandidaten[da.indexOf(true)];
    const mediaType = pfad ? mediaTypeOf(pfad) : undefined;
    return pfad && mediaType ? { pfad, mediaType } : undefined;
  }

  /**
   * Loads one Posteingang workflow for the console: visibility first (process and type from
   * describe, no payload read for anything else), then its state. Answers refusals itself.
   */
  /**
   * `sonstUmleiten`: instead of an error page, redirect there (after a decision the next document is
   * opened; if that one cannot be read right now, the person lands on the list with the confirmation).
   */
  async function ladeVorgang(req: FastifyRequest, reply: FastifyReply, workflowId: string, action: string, mitLesung = true, sonstUmleiten?: string): Promise<Vorgang | undefined> {
    const { user } = req.auth!;
    const audit = (outcome: AuditEvent['outcome'], note: string): Promise<void> =>
      record({ actor: user.username, role: user.role, action, target: `posteingang ${WORKFLOW_ID_PATTERN.test(workflowId) ? workflowId : '(ungültige Kennung)'}${note}`, outcome });
    const deny = (status: number, message: string): undefined => {
      if (sonstUmleiten) void reply.redirect(sonstUmleiten, 303);
      else refuse(req, reply, status, message);
      return undefined;
    };
    if (!WORKFLOW_ID_PATTERN.test(workflowId)) {
      await audit('abgelehnt', ' (ungültig)');
      return deny(404, MSG.nichtGefunden);
    }
    const handle = temporal.workflow.getHandle(workflowId);
    let typ: Vorgang['typ'];
    let status: string | undefined;
    try {
      const d = await handle.describe();
      const prozessOk = d.typedSearchAttributes.get(PROZESS) === Prozess.POSTEINGANG;
      if (!prozessOk || (d.type !== DOKUMENT_WORKFLOW && d.type !== POSTEINGANG_WORKFLOW && d.type !== STAPEL_WORKFLOW)) {
        await audit('abgelehnt', ' (kein Posteingang)');
        return deny(404, MSG.nichtGefunden);
      }
      typ = d.type === DOKUMENT_WORKFLOW ? 'dokument' : d.type === STAPEL_WORKFLOW ? 'stapel' : 'datei';
      status = d.typedSearchAttributes.get(STATUS);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        await audit('abgelehnt', ' (nicht gefunden)');
        return deny(404, MSG.nichtGefunden);
      }
      req.log.error(errText(err), 'console: describing Posteingang workflow failed');
      await audit('fehler', '');
      return deny(503, MSG.temporal);
    }
    try {
      const query = typ === 'dokument' ? DokumentQueries.ZUSTAND : typ === 'stapel' ? StapelQueries.ZUSTAND : DateiQueries.ZUSTAND;
      const zustand = await temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS * 3, () => handle.query<unknown>(query));
      if (typ === 'stapel') {
        const zs = (zustand ?? {}) as StapelZustand;
        return { typ, status: zs.status ?? status, zustand: { ...zs, dateien: Array.isArray(zs.dateien) ? zs.dateien : [] } };
      }
      if (typ === 'dokument') {
        const zd = zustand as DokumentZustand;
        return { typ, status: zd.status ?? status, zustand: zd, contentHash: zd.contentHash, lesung: mitLesung ? await ladeLesung(zd.contentHash) : undefined };
      }
      const zf = (zustand ?? {}) as Partial<DateiZustand>;
      return { typ, status: zf.status ?? status, zustand: zf, contentHash: zf.contentHash, lesung: mitLesung || zf.seitenzahl === undefined ? await ladeLesung(zf.contentHash) : undefined };
    } catch (err) {
      req.log.error(errText(err), 'console: querying Posteingang workflow failed');
      await audit('fehler', ' (Abfrage)');
      return deny(503, MSG.worker);
    }
  }

  /** The queue in review order (unfiltered), for previous/next. */
  async function reihenfolge(): Promise<string[]> {
    const { items } = await listAll(temporal, POSTKORB_BASIS, POSTKORB_LIMIT);
    return items.map(zeile).sort(aeltesteZuerst).map((r) => r.workflowId);
  }

  async function nachbarn(workflowId: string): Promise<{ vorher?: string; nachher?: string }> {
    try {
      const ids = await reihenfolge();
      const i = ids.indexOf(workflowId);
      if (i < 0) return { nachher: ids[0] };
      return { vorher: ids[i - 1], nachher: ids[i + 1] };
    } catch {
      return {};
    }
  }

  function bildUrl(workflowId: string, nr: number): string {
    return `${PAGES.postkorb.path}/${encodeURIComponent(workflowId)}/seite/${nr}`;
  }

  async function existiert(rel: string | undefined): Promise<boolean> {
    const abs = rel ? imDatenverzeichnis(rel) : undefined;
    if (!abs) return false;
    return fs.access(abs).then(() => true, () => false);
  }

  async function seitenAnsichten(workflowId: string, v: Extract<Vorgang, { typ: 'dokument' }>): Promise<SeitenAnsicht[]> {
    const lesungSeiten = new Map<number, Seite>((v.lesung?.seiten ?? []).map((s) => [s.nr, s]));
    const merkmale = v.zustand.erkennung?.merkmale;
    let orig: ReturnType<typeof original> | undefined;
    let inhalt: Promise<Buffer> | undefined;
    const originalEinmal = (): ReturnType<typeof original> => (orig ??= original(v.contentHash));
    /** A PDF page read from its text layer has no OCR words: take the words' boxes from that layer. */
    const textlage = async (nr: number): Promise<TextlageSeite | undefined> => {
      const o = await originalEinmal();
      if (!o || o.mediaType !== 'application/pdf' || !merkmale) return undefined;
      try {
        inhalt ??= fs.readFile(o.pfad);
        return await textlageWoerter(await inhalt, nr);
      } catch {
        return undefined; // no boxes; the page and its text are still shown
      }
    };
    return Promise.all(v.zustand.seiten.map(async (s): Promise<SeitenAnsicht> => {
      const gelesen = lesungSeiten.get(s.nr);
      const bild = s.bild ?? gelesen?.bild ?? seitenbildPfad(v.contentHash, s.nr);
      const groesse = s.bildGroesse ?? gelesen?.bildGroesse;
      const da = await existiert(bild);
      if (!da && !(await originalEinmal())) return { nr: s.nr, markierungen: [] };
      if (gelesen?.woerter?.length && da) {
        return { nr: s.nr, bildUrl: bildUrl(workflowId, s.nr), breite: groesse?.breite, hoehe: groesse?.hoehe, markierungen: markierungen(gelesen.woerter, merkmale) };
      }
      // The stored image or the page rendered on demand shows the whole page: boxes in % of the text layer's page fit it.
      const lage = await textlage(s.nr);
      return {
        nr: s.nr,
        bildUrl: bildUrl(workflowId, s.nr),
        breite: lage?.breite ?? (da ? groesse?.breite : undefined),
        hoehe: lage?.hoehe ?? (da ? groesse?.hoehe : undefined),
        markierungen: lage ? markierungen(lage.woerter, merkmale) : [],
      };
    }));
  }

  function darfEntscheiden(user: User): boolean {
    return ENTSCHEIDER.has(user.role);
  }

  /**
   * Common start of the Postkorb's decision routes: a valid form, a role that decides (refusal
   * audited), the workflow of the expected kind. Undefined when the answer was already sent.
   */
  async function vorgangZurEntscheidung<T extends Vorgang['typ']>(req: FastifyRequest, reply: FastifyReply, action: string, typ: T, formularOk: boolean): Promise<Extract<Vorgang, { typ: T }> | undefined> {
    const { user } = req.auth!;
    const { workflowId } = req.params as { workflowId: string };
    if (!formularOk) return void refuse(req, reply, 400, MSG.ungueltig);
    if (!darfEntscheiden(user)) {
      await record({ actor: user.username, role: user.role, action, target: `posteingang ${workflowId}`, outcome: 'abgelehnt' });
      return void refuse(req, reply, 403, 'Keine Berechtigung: Entscheidungen im Postkorb sind dem Postkorb/Backoffice und der Leitung vorbehalten.');
    }
    const v = await ladeVorgang(req, reply, workflowId, action);
    if (!v) return undefined;
    if (v.typ !== typ) return void refuse(req, reply, 404, MSG.nichtGefunden);
    return v as Extract<Vorgang, { typ: T }>;
  }

  type Extra = Partial<Pick<DokumentAnsicht, 'eingabe' | 'fehler' | 'erfolg'>> & { eingabeTeile?: string };
  async function zeigeDokument(req: FastifyRequest, reply: FastifyReply, workflowId: string, v: Vorgang, status: number, extra: Extra = {}): Promise<FastifyReply> {
    const { user, session } = req.auth!;
    if (v.typ === 'stapel') return sendHtml(reply, status, stapelPage({ user, csrf: session.csrf, workflowId, zustand: v.zustand }));
    if (v.typ === 'datei') {
      const teile = v.zustand.teile ?? v.lesung?.teile ?? [];
      const seiten = (v.lesung?.seiten ?? []).map((s) => ({ nr: s.nr, leer: s.leer, trennung: s.trennung, bildUrl: bildUrl(workflowId, s.nr) }));
      return sendHtml(reply, status, zerlegungPage({
        user, csrf: session.csrf, workflowId, status: v.status, seiten, teile, darfEntscheiden: darfEntscheiden(user),
        eingabe: extra.eingabeTeile, fehler: extra.fehler?.text,
      }));
    }
    const [seiten, nb] = await Promise.all([seitenAnsichten(workflowId, v), nachbarn(workflowId)]);
    const nrs = new Set(v.zustand.seiten.map((s) => s.nr));
    const text = v.zustand.text ?? (v.lesung?.seiten ?? []).filter((s) => nrs.has(s.nr)).map((s) => s.text).join('\n\n');
    return sendHtml(reply, status, dokumentPage({
      user, csrf: session.csrf, workflowId, zustand: v.zustand, seiten, text, ...nb, darfEntscheiden: darfEntscheiden(user),
      eingabe: extra.eingabe, fehler: extra.fehler, erfolg: extra.erfolg,
    }));
  }

  // --- Posteingang overview -------------------------------------------------------------------
  app.get(PAGES.posteingang.path, { preHandler: requireRole(...PAGES.posteingang.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const basis = `${PROZESS.name} = '${Prozess.POSTEINGANG}'`;
    const rows: PosteingangRow[] = [];
    let truncated = false;
    let error: string | undefined;
    let zahlen: { status: string; anzahl: number }[] | undefined;
    const gewaehlt = (req.query as Record<string, unknown>).status;
    // Only a status of the fixed list reaches the visibility query.
    const statusFilter = typeof gewaehlt === 'string' && STATUS_REIHENFOLGE.includes(gewaehlt) ? gewaehlt : undefined;
    try {
      const [liste, ...counts] = await Promise.all([
        listAll(temporal, basis + (statusFilter ? ` AND ${STATUS.name} = '${statusFilter}'` : ''), POSTEINGANG_LIMIT),
        ...STATUS_REIHENFOLGE.map((s) => temporal.workflow.count(`${basis} AND ${STATUS.name} = '${s}'`)),
      ]);
      truncated = liste.truncated;
      for (const wf of liste.items) {
        rows.push({
          workflowId: wf.workflowId,
          status: wf.typedSearchAttributes.get(STATUS),
          ablauf: wf.status.name,
          quelle: wf.typedSearchAttributes.get(QUELLE),
          eingangsdatum: wf.typedSearchAttributes.get(EINGANGSDATUM),
          startTime: wf.startTime,
          typ: wf.type,
          dokumentart: wf.typedSearchAttributes.get(ART),
          // A Stapel's number of files, if its starter put it in the memo (decoded with the list, no query).
          dateien: wf.type === STAPEL_WORKFLOW && typeof wf.memo?.dateien === 'number' ? wf.memo.dateien : undefined,
        });
      }
      rows.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
      zahlen = STATUS_REIHENFOLGE.map((status, i) => ({ status, anzahl: counts[i]!.count }))
        .filter((z) => z.anzahl > 0 || z.status !== 'registriert');
    } catch (err) {
      req.log.error(errText(err), 'console: listing Posteingang failed');
      error = 'Der Posteingang kann gerade nicht gelesen werden: Die Abfrage bei Temporal ist fehlgeschlagen. Einzelheiten stehen im Systemstatus.';
    }
    await record({ actor: user.username, role: user.role, action: 'posteingang.ansehen', target: `${PAGES.posteingang.path} (${rows.length} Vorgänge)`, outcome: error ? 'fehler' : 'erfolg' });
    return sendHtml(reply, error ? 503 : 200, posteingangPage({ user, csrf: session.csrf, rows, limit: POSTEINGANG_LIMIT, truncated, error, zahlen, statusFilter }));
  });

  // --- Keyboard script (static, same origin: the CSP allows no inline script) ---------------
  app.get(TASTATUR_SKRIPT_PFAD, { preHandler: requireRole(...PAGES.postkorb.roles) }, async (_req, reply) =>
    reply.code(200).type('text/javascript; charset=utf-8').send(TASTATUR_SKRIPT));

  // --- Postkorb: the queue --------------------------------------------------------------------
  app.get(PAGES.postkorb.path, { preHandler: requireRole(...PAGES.postkorb.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const q = filterSchema.parse(req.query ?? {});
    const von = datumsFilter(q.von, 'Eingang von');
    const bis = datumsFilter(q.bis, 'Eingang bis');
    const filter: PostkorbFilter = { art: q.art, quelle: q.quelle, von: von.tag, bis: bis.tag, ueberfaellig: q.ueberfaellig === '1' };
    const jetzt = new Date();
    const ok = (req.query as Record<string, unknown>).ok;
    const erfolg = typeof ok === 'string' ? ERFOLG[ok] : undefined;
    const filterFehler = [von.fehler, bis.fehler].filter(Boolean).join(' ') || undefined;
    const view = { user, csrf: session.csrf, filter, limit: POSTKORB_LIMIT, jetzt, heute: heute(), erfolg, filterFehler };
    try {
      const count = async (klausel: string): Promise<number> => (await temporal.workflow.count(POSTKORB_BASIS + klausel)).count;
      const [{ items, truncated }, pruefung, ueberfaellig, zerlegung, ...proArt] = await Promise.all([
        listAll(temporal, POSTKORB_BASIS + filterKlausel(filter, jetzt), POSTKORB_LIMIT),
        count(''),
        count(` AND ${STATUS.name} = '${PosteingangStatus.PRUEFUNG_UEBERFAELLIG}'`),
        count(` AND WorkflowType = '${POSTEINGANG_WORKFLOW}'`),
        ...EINGANGSARTEN.map((a) => count(` AND ${ART.name} = '${a}'`)),
      ]);
      const zahlen: PostkorbZahlen = {
        pruefung: pruefung!, ueberfaellig: ueberfaellig!, zerlegung: zerlegung!,
        proArt: EINGANGSARTEN.map((art, i) => ({ art, anzahl: proArt[i]! })),
      };
      const rows = items.map(zeile).sort(aeltesteZuerst);
      await record({ actor: user.username, role: user.role, action: 'postkorb.ansehen', target: `${PAGES.postkorb.path} (${rows.length} Einträge)`, outcome: 'erfolg' });
      return sendHtml(reply, 200, postkorbPage({ ...view, rows, zahlen, truncated }));
    } catch (err) {
      req.log.error(errText(err), 'console: listing Postkorb failed');
      await record({ actor: user.username, role: user.role, action: 'postkorb.ansehen', target: PAGES.postkorb.path, outcome: 'fehler' });
      return sendHtml(reply, 503, postkorbPage({ ...view, rows: [], truncated: false, error: MSG.temporal }));
    }
  });

  // --- Postkorb: one document (or one file whose split is doubtful) --------------------------
  app.get(`${PAGES.postkorb.path}/:workflowId`, { preHandler: requireRole(...PAGES.postkorb.roles) }, async (req, reply) => {
    const { user } = req.auth!;
    const { workflowId } = req.params as { workflowId: string };
    const ok = (req.query as Record<string, unknown>).ok;
    const v = await ladeVorgang(req, reply, workflowId, 'dokument.ansehen', true, ok === 'weiter' ? `${PAGES.postkorb.path}?ok=entschieden` : undefined);
    if (!v) return reply;
    await record({ actor: user.username, role: user.role, action: 'dokument.ansehen', target: `posteingang ${workflowId}`, outcome: 'erfolg' });
    return zeigeDokument(req, reply, workflowId, v, 200, { erfolg: typeof ok === 'string' ? ERFOLG[ok] : undefined });
  });

  // --- Page images: only pages of this workflow, each view audited ----------------------------
  app.get(`${PAGES.postkorb.path}/:workflowId/seite/:nr`, { preHandler: requireRole(...PAGES.postkorb.roles) }, async (req, reply) => {
    const { user } = req.auth!;
    const { workflowId, nr: nrText } = req.params as { workflowId: string; nr: string };
    if (!/^\d{1,4}$/.test(nrText)) return refuse(req, reply, 404, MSG.keinBild);
    const nr = Number(nrText);
    // The Lesung (possibly large) is read only when the workflow's state does not answer.
    const v = await ladeVorgang(req, reply, workflowId, 'dokument.ansehen', false);
    if (!v) return reply;
    const target = `posteingang ${workflowId} seite ${nr}`;
    let erlaubt: boolean;
    let bild: string | undefined;
    if (v.typ === 'stapel') {
      erlaubt = false; // a Stapel has no pages: its files' pages belong to their own workflows
    } else if (v.typ === 'dokument') {
      const s = v.zustand.seiten.find((x) => x.nr === nr);
      erlaubt = s !== undefined;
      bild = s?.bild ?? seitenbildPfad(v.contentHash, nr);
    } else {
      const n = v.zustand.seitenzahl ?? v.lesung?.seiten.length ?? 0;
      erlaubt = nr >= 1 && nr <= n;
      bild = v.contentHash ? seitenbildPfad(v.contentHash, nr) : undefined;
    }
    if (!erlaubt) {
      await record({ actor: user.username, role: user.role, action: 'dokument.ansehen', target: `${target} (gehört nicht zum Vorgang)`, outcome: 'abgelehnt' });
      return refuse(req, reply, 404, MSG.keinBild);
    }
    const lies = async (rel: string | undefined): Promise<Buffer | undefined> => {
      const abs = rel ? imDatenverzeichnis(rel) : undefined;
      return abs ? fs.readFile(abs).catch(() => undefined) : undefined;
    };
    let png = await lies(bild);
    if (!png) {
      // An image stored under another name than the default is named in the Lesung.
      const gelesen = (v.lesung ?? (await ladeLesung(v.contentHash)))?.seiten.find((x) => x.nr === nr);
      if (gelesen?.bild && gelesen.bild !== bild) png = await lies(gelesen.bild);
    }
    if (!png && v.contentHash) {
      const o = await original(v.contentHash);
      if (o) {
        try {
          const gerendert = (await renderer()(await fs.readFile(o.pfad), o.mediaType, nr, { dpi: 110 })).png;
          if (gerendert.length > 0) png = gerendert;
        } catch (err) {
          req.log.warn(errText(err), 'console: rendering a page failed');
        }
      }
    }
    if (!png) {
      await record({ actor: user.username, role: user.role, action: 'dokument.ansehen', target: `${target} (kein Bild)`, outcome: 'fehler' });
      return refuse(req, reply, 404, MSG.keinBild);
    }
    await record({ actor: user.username, role: user.role, action: 'dokument.ansehen', target, outcome: 'erfolg' });
    // Stored previews are greyscale JPEG (older ones, test fixtures and pages rendered on demand: PNG).
    const typ = png[0] === 0xff && png[1] === 0xd8 ? 'image/jpeg' : 'image/png';
    return reply.code(200).type(typ).header('cache-control', 'private, no-store').send(png);
  });

  // --- Decision on a document -------------------------------------------------------------------
  app.post(`${PAGES.postkorb.path}/:workflowId/entscheiden`, { preHandler: requireRole(...PAGES.postkorb.roles) }, async (req, reply) => {
    const { user } = req.auth!;
    const { workflowId } = req.params as { workflowId: string };
    const action = 'dokument.entscheiden';
    const target = `posteingang ${workflowId}`;
    const parsed = entscheidungSchema.safeParse(req.body ?? {});
    const v = await vorgangZurEntscheidung(req, reply, action, 'dokument', parsed.success);
    if (!v || !parsed.success) return reply;
    const d = parsed.data;
    const neu = d.neuantrag === '1';
    const person: EincheckWerte = { vorname: d.vorname, nachname: d.nachname, geburtsdatum: d.geburtsdatum, strasse: d.strasse, hausnummer: d.hausnummer, plz: d.plz, ort: d.ort };
    const eingabe: DokumentEingabe = { dokumentart: d.dokumentart, bgNummer: d.bgNummer, kommentar: d.kommentar, ...(neu ? { neuantrag: person } : {}) };
    const abgelehnt = async (status: number, feld: DokumentFehlerFeld, text: string, outcome: AuditEvent['outcome'] = 'abgelehnt'): Promise<FastifyReply> => {
      await record({ actor: user.username, role: user.role, action, target, outcome });
      return zeigeDokument(req, reply, workflowId, v, status, { eingabe, fehler: { feld, text } });
    };
    if (!isEingangsart(eingabe.dokumentart)) return abgelehnt(400, 'dokumentart', MSG.art);
    const kommentar = eingabe.kommentar?.trim();
    let entscheidung: PruefEntscheidung;
    if (neu) {
      if (eingabe.dokumentart !== 'HAUPTANTRAG') return abgelehnt(400, 'neuantrag', MSG.neuantragNurHauptantrag);
      const p = pruefeEincheck(person);
      if (Object.keys(p.fehler).length > 0 || !p.geburtsdatum) return abgelehnt(400, 'neuantrag', Object.values(p.fehler).join(' '));
      entscheidung = {
        wer: user.username, dokumentart: 'HAUPTANTRAG', bgNummer: '', ...(kommentar ? { kommentar } : {}),
        neuantrag: { vorname: person.vorname!, nachname: person.nachname!, geburtsdatum: p.geburtsdatum, strasse: person.strasse!, hausnummer: person.hausnummer!, plz: person.plz!, ort: person.ort! },
      };
    } else {
      const bgNummer = normalizeBgNummer(eingabe.bgNummer ?? '');
      if (!bgNummer) return abgelehnt(400, 'bgNummer', (eingabe.bgNummer ?? '').trim() === '' ? MSG.bgLeer : MSG.bg);
      entscheidung = { wer: user.username, dokumentart: eingabe.dokumentart, bgNummer, ...(kommentar ? { kommentar } : {}) };
    }
    const { nachher } = await nachbarn(workflowId);
    try {
      await temporal.workflow.getHandle(workflowId).executeUpdate<unknown, [PruefEntscheidung]>(DokumentUpdates.ENTSCHEIDEN, { args: [entscheidung] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const text = err.cause?.message ?? MSG.aktionFehler;
        return abgelehnt(409, /Neuantrag/.test(text) ? 'neuantrag' : /dokumentart/i.test(text) ? 'dokumentart' : 'bgNummer', text);
      }
      if (err instanceof WorkflowNotFoundError) return abgelehnt(409, 'allgemein', MSG.abgeschlossen);
      req.log.error(errText(err), 'console: entscheiden update failed');
      return abgelehnt(503, 'allgemein', MSG.aktionFehler, 'fehler');
    }
    const korrigiert = v.zustand.erkennung?.dokumentart !== entscheidung.dokumentart;
    await record({ actor: user.username, role: user.role, action, target: `${target} (${entscheidung.dokumentart}${korrigiert ? ', Art korrigiert' : ', Art bestätigt'}${neu ? ', Neuantrag' : ''})`, outcome: 'erfolg' });
    const weiter = nachher && nachher !== workflowId ? `${PAGES.postkorb.path}/${encodeURIComponent(nachher)}?ok=weiter` : `${PAGES.postkorb.path}?ok=entschieden`;
    return reply.redirect(weiter, 303);
  });

  // --- Split review of a file --------------------------------------------------------------------
  app.post(`${PAGES.postkorb.path}/:workflowId/zerlegung`, { preHandler: requireRole(...PAGES.postkorb.roles) }, async (req, reply) => {
    const { user } = req.auth!;
    const { workflowId } = req.params as { workflowId: string };
    const action = 'dokument.zerlegen';
    const target = `posteingang ${workflowId}`;
    const parsed = zerlegungSchema.safeParse(req.body ?? {});
    const v = await vorgangZurEntscheidung(req, reply, action, 'datei', parsed.success);
    if (!v || !parsed.success) return reply;
    const seitenzahl = v.zustand.seitenzahl ?? v.lesung?.seiten.length ?? 0;
    const teile = leseTeile(parsed.data.teile, seitenzahl);
    const fehler = async (status: number, text: string, outcome: AuditEvent['outcome'] = 'abgelehnt'): Promise<FastifyReply> => {
      await record({ actor: user.username, role: user.role, action, target, outcome });
      return zeigeDokument(req, reply, workflowId, v, status, { fehler: { feld: 'allgemein', text }, eingabeTeile: parsed.data.teile });
    };
    if (typeof teile === 'string') return fehler(400, teile);
    try {
      await temporal.workflow.getHandle(workflowId).executeUpdate<unknown, [ZerlegungsEntscheidung]>(DateiUpdates.ZERLEGUNG, { args: [{ wer: user.username, teile }] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return fehler(409, err.cause?.message ?? MSG.aktionFehler);
      if (err instanceof WorkflowNotFoundError) return fehler(409, MSG.abgeschlossen);
      req.log.error(errText(err), 'console: zerlegung update failed');
      return fehler(503, MSG.aktionFehler, 'fehler');
    }
    await record({ actor: user.username, role: user.role, action, target: `${target} (${teile.length} Dokumente)`, outcome: 'erfolg' });
    return reply.redirect(`${PAGES.postkorb.path}?ok=zerlegt`, 303);
  });

  // --- Quarantäne ---------------------------------------------------------------------------------
  async function quarantaeneListe(req: FastifyRequest): Promise<Omit<QuarantaeneListe, 'user' | 'csrf' | 'darfEntscheiden'>> {
    const query = `${PROZESS.name} = '${Prozess.POSTEINGANG}' AND ExecutionStatus = 'Running' AND ${STATUS.name} = '${PosteingangStatus.QUARANTAENE}'`;
    const { items, truncated } = await listAll(temporal, query, QUARANTAENE_LIMIT);
    items.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const rows = await Promise.all(items.map(async (wf, i): Promise<QuarantaeneRow> => {
      const row: QuarantaeneRow = {
        workflowId: wf.workflowId,
        vorgang: wf.type === DOKUMENT_WORKFLOW ? 'dokument' : 'datei',
        quelle: wf.typedSearchAttributes.get(QUELLE),
        eingangsdatum: wf.typedSearchAttributes.get(EINGANGSDATUM),
        uebernommen: wf.startTime,
      };
      if (i >= QUARANTAENE_DETAILS_LIMIT) {
        row.hinweis = 'Einzelheiten auf der nächsten Seite, sobald die ersten Einträge bearbeitet sind.';
        return row;
      }
      try {
        const zq = await temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => temporal.workflow.getHandle(wf.workflowId).query<Partial<DateiZustand & DokumentZustand>>(DateiQueries.ZUSTAND));
        row.grund = typeof zq?.quarantaeneGrund === 'string' && zq.quarantaeneGrund !== '' ? zq.quarantaeneGrund : undefined;
        row.mediaType = typeof zq?.mediaType === 'string' ? zq.mediaType : undefined;
        row.bytes = typeof zq?.bytes === 'number' ? zq.bytes : undefined;
      } catch (err) {
        req.log.warn(errText(err), 'console: reading quarantine reason failed');
        row.hinweis = 'Grund nicht abrufbar: Der Vorgang beantwortet die Abfrage „zustand“ nicht (Worker nicht erreichbar).';
      }
      return row;
    }));
    return { rows, truncated, limit: QUARANTAENE_LIMIT };
  }

  app.get(PAGES.quarantaene.path, { preHandler: requireRole(...PAGES.quarantaene.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const ok = (req.query as Record<string, unknown>).ok;
    const base = { user, csrf: session.csrf, darfEntscheiden: user.role === 'it-admin', erfolg: typeof ok === 'string' ? ERFOLG[ok] : undefined };
    try {
      const liste = await quarantaeneListe(req);
      await record({ actor: user.username, role: user.role, action: 'quarantaene.ansehen', target: `${PAGES.quarantaene.path} (${liste.rows.length} Einträge)`, outcome: 'erfolg' });
      return sendHtml(reply, 200, quarantaenePage({ ...base, ...liste }));
    } catch (err) {
      req.log.error(errText(err), 'console: listing Quarantäne failed');
      await record({ actor: user.username, role: user.role, action: 'quarantaene.ansehen', target: PAGES.quarantaene.path, outcome: 'fehler' });
      return sendHtml(reply, 503, quarantaenePage({ ...base, rows: [], truncated: false, limit: QUARANTAENE_LIMIT, error: MSG.temporal.replace('Der Postkorb', 'Die Quarantäne') }));
    }
  });

  app.post(`${PAGES.quarantaene.path}/:workflowId`, { preHandler: requireRole('it-admin') }, async (req, reply) => {
    const { user, session } = req.auth!;
    const { workflowId } = req.params as { workflowId: string };
    const parsed = quarantaeneSchema.safeParse(req.body ?? {});
    if (!parsed.success || !WORKFLOW_ID_PATTERN.test(workflowId)) return refuse(req, reply, 400, MSG.ungueltig);
    const { aktion } = parsed.data;
    const grund = parsed.data.grund.trim();
    const action = `quarantaene.${aktion}`;
    // The reason is the admin's own words about the file (audited as asked; kept short).
    const target = (note: string): string => `posteingang ${workflowId}${note}`;
    const zeigeFehler = async (status: number, text: string, outcome: AuditEvent['outcome']): Promise<FastifyReply> => {
      await record({ actor: user.username, role: user.role, action, target: target(''), outcome });
      let liste: Omit<QuarantaeneListe, 'user' | 'csrf' | 'darfEntscheiden'>;
      try {
        liste = await quarantaeneListe(req);
      } catch {
        liste = { rows: [], truncated: false, limit: QUARANTAENE_LIMIT, error: MSG.temporal.replace('Der Postkorb', 'Die Quarantäne') };
      }
      return sendHtml(reply, status, quarantaenePage({ user, csrf: session.csrf, darfEntscheiden: true, ...liste, fehler: { workflowId, text, grund, aktion } }));
    };
    if (grund === '') return zeigeFehler(400, MSG.grund, 'abgelehnt');
    const handle = temporal.workflow.getHandle(workflowId);
    let d: Awaited<ReturnType<typeof handle.describe>> | undefined;
    try {
      d = await handle.describe();
      if (d.typedSearchAttributes.get(PROZESS) !== Prozess.POSTEINGANG) {
        await record({ actor: user.username, role: user.role, action, target: target(' (kein Posteingang)'), outcome: 'abgelehnt' });
        return refuse(req, reply, 404, MSG.nichtGefunden);
      }
      const entscheidung: QuarantaeneEntscheidung = { wer: user.username, aktion, grund };
      await handle.executeUpdate<unknown, [QuarantaeneEntscheidung]>(DokumentUpdates.QUARANTAENE, { args: [entscheidung] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return zeigeFehler(409, err.cause?.message ?? MSG.aktionFehler, 'abgelehnt');
      if (err instanceof WorkflowNotFoundError) {
        // describe() found it: the workflow has ended since the list was read.
        if (d) return zeigeFehler(409, MSG.abgeschlossen, 'abgelehnt');
        await record({ actor: user.username, role: user.role, action, target: target(' (nicht gefunden)'), outcome: 'abgelehnt' });
        return refuse(req, reply, 404, MSG.nichtGefunden);
      }
      req.log.error(errText(err), 'console: quarantaene update failed');
      return zeigeFehler(503, MSG.aktionFehler, 'fehler');
    }
    await record({ actor: user.username, role: user.role, action, target: target(` – Begründung: ${grund.slice(0, 300)}`), outcome: 'erfolg' });
    return reply.redirect(`${PAGES.quarantaene.path}?ok=${aktion}`, 303);
  });
}
