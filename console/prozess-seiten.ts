/**
 * Pages over the engine's processes: Eskalationen (the escalation inbox of the `aufgabe`
 * workflows), Weiterbewilligung and Postausgang. They read Temporal visibility (search
 * attributes hold no personal data) and, for one Aufgabe or a rejected letter, the
 * workflow's `zustand` query. Team scoping is done here, on the server, from the user's
 * record; a team never comes from the request (§35 SGB I: need-to-know per team).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import { AUFGABE_WORKFLOW, AUFGABE_ZUSTAND_QUERY, AufgabeUpdates, type AufgabeArt, type AufgabeZustand, type Prioritaet } from '../domain/aufgabe';
import { ART, FAELLIG, PRIORITAET, PROZESS, Prozess, STATUS, STICHTAG, TEAM } from '../domain/search-attributes';
import { berlinDate } from '../domain/zeit';
import type { AuditEvent } from './audit';
import { BEREICH_LABELS, PAGES, type Role } from './roles';
import { isKnownTeam, teamById, teamLabel, teamsOfBereich } from './teams';
import type { User } from './users';
import {
  AKTION_ERFOLG,
  AUFGABE_ARTEN,
  AUFGABE_STATUS,
  STATUS_FILTER_LABELS,
  aufgabeDetailPage,
  aufgabenPage,
  type AufgabeAktion,
  type AufgabeRow,
  type AufgabenFilter,
  type AufgabenZahlen,
  type StatusFilter,
} from './views/aufgaben';
import { TAGESBATCH_ART, postausgangPage, type Ablehnung, type DruckRow } from './views/postausgang';
import { weiterbewilligungPage, type WbRow } from './views/weiterbewilligung';

export const AUFGABEN_LIMIT = 200;
export const WEITERBEWILLIGUNG_LIMIT = 1000;
export const POSTAUSGANG_LIMIT = 1000;
/** Rejected letters whose reason is read per page view (one query each). */
export const ABLEHNUNGEN_LIMIT = 50;
/** A query to a workflow whose worker does not answer gives up after this. */
export const QUERY_TIMEOUT_MS = 3000;

export interface ProzessSeitenContext {
  temporal: Client;
  record(event: AuditEvent): Promise<void>;
  requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
  refuse(req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply;
  sendHtml(reply: FastifyReply, status: number, page: string): FastifyReply;
}

const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
const AKTIONEN = ['uebernehmen', 'erledigen', 'zurueckgeben', 'kommentieren'] as const satisfies readonly AufgabeAktion[];

const MSG = {
  temporal: 'Die Aufgaben können gerade nicht gelesen werden: Die Abfrage bei Temporal ist fehlgeschlagen. Einzelheiten stehen im Systemstatus.',
  unbekanntesTeam: (team: string | undefined) => team
    ? `Ihr Benutzerkonto ist dem Team „${team}“ zugeordnet; das ist keine bekannte Team-Kennung des Fachverfahrens. Deshalb werden keine Aufgaben angezeigt. Bitte lassen Sie in der Benutzerverwaltung eine gültige Team-Kennung eintragen (z. B. LE-S-AD).`
    : 'Ihr Benutzerkonto ist keinem Team zugeordnet. Deshalb werden keine Aufgaben angezeigt. Bitte lassen Sie in der Benutzerverwaltung Ihre Team-Kennung eintragen.',
  fremdesTeam: 'Keine Berechtigung: Diese Aufgabe gehört nicht zu Ihrem Team.',
  nichtGefunden: 'Diese Aufgabe gibt es nicht.',
  nurSachbearbeitung: 'Keine Berechtigung: Übernehmen, Erledigen und Zurückgeben sind der Sachbearbeitung des Teams vorbehalten.',
  abgeschlossen: 'Die Aufgabe ist bereits abgeschlossen; sie kann nicht mehr geändert werden.',
  aktionFehler: 'Die Aktion konnte nicht ausgeführt werden: Temporal ist gerade nicht erreichbar. Bitte später erneut versuchen.',
};

/** Which teams a user may see: one team, the teams of a Bereich, all, or none (unknown team). */
type Scope = { kind: 'team'; teamId: string } | { kind: 'teams'; teamIds: string[]; bereich: keyof typeof BEREICH_LABELS } | { kind: 'alle' } | { kind: 'keins'; hinweis: string };

export function scopeOf(user: User): Scope {
  if (user.role === 'sachbearbeitung') {
    if (!isKnownTeam(user.team)) return { kind: 'keins', hinweis: MSG.unbekanntesTeam(user.team) };
    // A team of the other Bereich than the user's is a misconfiguration: show nothing.
    if (user.bereich && teamById(user.team)?.bereich !== user.bereich) return { kind: 'keins', hinweis: MSG.unbekanntesTeam(user.team) };
    return { kind: 'team', teamId: user.team };
  }
  if (user.role === 'leitung' && user.bereich) return { kind: 'teams', teamIds: teamsOfBereich(user.bereich).map((t) => t.id), bereich: user.bereich };
  if (user.role === 'leitung') return { kind: 'alle' };
  return { kind: 'alle' };
}

function scopeText(s: Scope): string {
  switch (s.kind) {
    case 'team': return teamLabel(s.teamId);
    case 'teams': return `alle Teams im Bereich ${BEREICH_LABELS[s.bereich]}`;
    case 'alle': return 'alle Teams';
    case 'keins': return 'kein gültiges Team';
  }
}

/** The team clause of a visibility query; ids are known team ids (pattern-checked), never request input. */
function scopeClause(s: Scope): string {
  switch (s.kind) {
    case 'team': return ` AND ${TEAM.name} = '${s.teamId}'`;
    case 'teams': return ` AND ${TEAM.name} IN (${s.teamIds.map((t) => `'${t}'`).join(', ')})`;
    default: return '';
  }
}

function inScope(s: Scope, teamId: string | undefined): boolean {
  if (teamId === undefined) return s.kind === 'alle';
  switch (s.kind) {
    case 'team': return teamId === s.teamId;
    case 'teams': return s.teamIds.includes(teamId);
    case 'alle': return true;
    case 'keins': return false;
  }
}

function isoDay(d: Date): string {
  return `${d.toISOString().slice(0, 10)}T00:00:00Z`;
}

/** Today in Europe/Berlin as midnight UTC (how workflows store calendar days in Datetime attributes). */
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

function errText(err: unknown): { err: string; cause?: string } {
  return { err: (err as Error).message, cause: (err as { cause?: { message?: string } }).cause?.message };
}

const aufgabenQuerySchema = z.object({
  status: z.enum(Object.keys(STATUS_FILTER_LABELS) as [StatusFilter, ...StatusFilter[]]).catch('aktiv').default('aktiv'),
  art: z.enum(AUFGABE_ARTEN as [AufgabeArt, ...AufgabeArt[]]).optional().catch(undefined),
  prioritaet: z.enum(['normal', 'hoch'] as [Prioritaet, ...Prioritaet[]]).optional().catch(undefined),
});

const aktionBodySchema = z.object({
  notiz: z.string().max(20000).optional(),
  text: z.string().max(20000).optional(),
});

function filterClause(f: AufgabenFilter): string {
  let q = '';
  if (f.status === 'aktiv') q += ` AND ${STATUS.name} IN ('offen', 'in_bearbeitung')`;
  else if (f.status !== 'alle') q += ` AND ${STATUS.name} = '${f.status}'`;
  if (f.art) q += ` AND ${ART.name} = '${f.art}'`;
  if (f.prioritaet) q += ` AND ${PRIORITAET.name} = '${f.prioritaet}'`;
  return q;
}

function intParam(v: unknown, def: number, min: number, max: number): number {
  const n = typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : def;
  return Math.min(max, Math.max(min, n));
}

export function registerProzessSeiten(app: FastifyInstance, ctx: ProzessSeitenContext): void {
  const { temporal, record, requireRole, refuse, sendHtml } = ctx;
  const aufgabenBase = (): string => `${PROZESS.name} = '${Prozess.AUFGABE}'`;

  // --- Eskalationen: list -------------------------------------------------------------------
  app.get(PAGES.aufgaben.path, { preHandler: requireRole(...PAGES.aufgaben.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const filter: AufgabenFilter = aufgabenQuerySchema.parse(req.query ?? {});
    const scope = scopeOf(user);
    const view = { user, csrf: session.csrf, bereichText: scopeText(scope), filter, limit: AUFGABEN_LIMIT };
    if (scope.kind === 'keins') {
      await record({ actor: user.username, role: user.role, action: 'aufgaben.ansehen', target: `${PAGES.aufgaben.path} (kein gültiges Team)`, outcome: 'abgelehnt' });
      return sendHtml(reply, 200, aufgabenPage({ ...view, rows: [], truncated: false, error: scope.hinweis }));
    }
    const base = aufgabenBase() + scopeClause(scope);
    try {
      const [{ items, truncated }, ...counts] = await Promise.all([
        listAll(temporal, base + filterClause(filter), AUFGABEN_LIMIT),
        ...AUFGABE_STATUS.map((s) => temporal.workflow.count(`${base} AND ${STATUS.name} = '${s}'`)),
        temporal.workflow.count(`${base} AND ${STATUS.name} IN ('offen', 'in_bearbeitung') AND ${PRIORITAET.name} = 'hoch'`),
      ]);
      const zahlen: AufgabenZahlen = {
        offen: counts[0]!.count, in_bearbeitung: counts[1]!.count, erledigt: counts[2]!.count, abgebrochen: counts[3]!.count, hochAktiv: counts[4]!.count,
      };
      const rows: AufgabeRow[] = items.map((wf) => ({
        workflowId: wf.workflowId,
        status: wf.typedSearchAttributes.get(STATUS),
        art: wf.typedSearchAttributes.get(ART),
        prioritaet: wf.typedSearchAttributes.get(PRIORITAET),
        faellig: wf.typedSearchAttributes.get(FAELLIG),
        teamId: wf.typedSearchAttributes.get(TEAM),
      }));
      const prio = (p: string | undefined): number => (p === 'hoch' ? 0 : 1);
      rows.sort((a, b) => prio(a.prioritaet) - prio(b.prioritaet) || (a.faellig?.getTime() ?? Infinity) - (b.faellig?.getTime() ?? Infinity) || a.workflowId.localeCompare(b.workflowId));
      await record({ actor: user.username, role: user.role, action: 'aufgaben.ansehen', target: `${PAGES.aufgaben.path} (${rows.length} Aufgaben)`, outcome: 'erfolg' });
      return sendHtml(reply, 200, aufgabenPage({ ...view, rows, zahlen, truncated }));
    } catch (err) {
      req.log.error(errText(err), 'console: listing Aufgaben failed');
      await record({ actor: user.username, role: user.role, action: 'aufgaben.ansehen', target: PAGES.aufgaben.path, outcome: 'fehler' });
      return sendHtml(reply, 503, aufgabenPage({ ...view, rows: [], truncated: false, error: MSG.temporal }));
    }
  });

  /**
   * Loads one Aufgabe if this user may see it: visibility first (process and team from the
   * search attributes, no payload read for a foreign team), then the state, whose team must
   * match as well. Answers the refusal itself and returns undefined.
   */
  async function ladeAufgabe(req: FastifyRequest, reply: FastifyReply, workflowId: string, action: string): Promise<AufgabeZustand | undefined> {
    const { user } = req.auth!;
    const audit = (outcome: AuditEvent['outcome'], note = ''): Promise<void> =>
      record({ actor: user.username, role: user.role, action, target: `aufgabe ${workflowId}${note}`, outcome });
    const deny = (status: number, message: string): undefined => {
      refuse(req, reply, status, message);
      return undefined;
    };
    if (!WORKFLOW_ID_PATTERN.test(workflowId)) return deny(404, MSG.nichtGefunden);
    const scope = scopeOf(user);
    const handle = temporal.workflow.getHandle(workflowId);
    let teamId: string | undefined;
    try {
      const d = await handle.describe();
      if (d.typedSearchAttributes.get(PROZESS) !== Prozess.AUFGABE || d.type !== AUFGABE_WORKFLOW) {
        await audit('abgelehnt', ' (keine Aufgabe)');
        return deny(404, MSG.nichtGefunden);
      }
      teamId = d.typedSearchAttributes.get(TEAM);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        await audit('abgelehnt', ' (nicht gefunden)');
        return deny(404, MSG.nichtGefunden);
      }
      req.log.error(errText(err), 'console: describing Aufgabe failed');
      await audit('fehler');
      return deny(503, MSG.temporal);
    }
    if (scope.kind === 'keins' || !inScope(scope, teamId)) {
      await audit('abgelehnt', ' (fremdes Team)');
      return deny(403, scope.kind === 'keins' ? scope.hinweis : MSG.fremdesTeam);
    }
    let zustand: AufgabeZustand;
    try {
      zustand = await temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS * 3, () => handle.query<AufgabeZustand>(AUFGABE_ZUSTAND_QUERY));
    } catch (err) {
      req.log.error(errText(err), 'console: querying Aufgabe failed');
      await audit('fehler');
      return deny(503, 'Die Aufgabe kann gerade nicht gelesen werden: Der Worker antwortet nicht. Bitte später erneut versuchen.');
    }
    if (!inScope(scope, zustand.teamId)) {
      await audit('abgelehnt', ' (fremdes Team)');
      return deny(403, MSG.fremdesTeam);
    }
    return zustand;
  }

  function aktionenFuer(user: User, z: AufgabeZustand): AufgabeAktion[] {
    if (z.status === 'erledigt' || z.status === 'abgebrochen') return [];
    const out: AufgabeAktion[] = [];
    if (user.role === 'sachbearbeitung') {
      if (z.status === 'offen') out.push('uebernehmen');
      if (z.status === 'in_bearbeitung' && z.bearbeiter === user.username) out.push('erledigen', 'zurueckgeben');
    }
    out.push('kommentieren');
    return out;
  }

  // --- Eskalationen: one Aufgabe ------------------------------------------------------------
  app.get(`${PAGES.aufgaben.path}/:workflowId`, { preHandler: requireRole(...PAGES.aufgaben.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const { workflowId } = req.params as { workflowId: string };
    const z = await ladeAufgabe(req, reply, workflowId, 'aufgabe.ansehen');
    if (!z) return reply;
    await record({ actor: user.username, role: user.role, action: 'aufgabe.ansehen', target: `aufgabe ${workflowId}`, outcome: 'erfolg' });
    const ok = (req.query as Record<string, unknown>).ok;
    const erfolg = typeof ok === 'string' && (AKTIONEN as readonly string[]).includes(ok) ? AKTION_ERFOLG[ok as AufgabeAktion] : undefined;
    return sendHtml(reply, 200, aufgabeDetailPage({ user, csrf: session.csrf, workflowId, zustand: z, aktionen: aktionenFuer(user, z), erfolg }));
  });

  for (const aktion of AKTIONEN) {
    app.post(`${PAGES.aufgaben.path}/:workflowId/${aktion}`, { preHandler: requireRole(...PAGES.aufgaben.roles) }, async (req, reply) => {
      const { user, session } = req.auth!;
      const { workflowId } = req.params as { workflowId: string };
      const action = `aufgabe.${aktion}`;
      const target = `aufgabe ${workflowId}`;
      const parsed = aktionBodySchema.safeParse(req.body ?? {});
      if (!parsed.success) return refuse(req, reply, 400, 'Die Anfrage ist ungültig.');
      if (aktion !== 'kommentieren' && user.role !== 'sachbearbeitung') {
        await record({ actor: user.username, role: user.role, action, target, outcome: 'abgelehnt' });
        return refuse(req, reply, 403, MSG.nurSachbearbeitung);
      }
      const z = await ladeAufgabe(req, reply, workflowId, action);
      if (!z) return reply;
      const args: Record<string, string> = { benutzer: user.username };
      if (aktion === 'erledigen') args.notiz = parsed.data.notiz ?? '';
      if (aktion === 'kommentieren') args.text = parsed.data.text ?? '';
      try {
        await temporal.workflow.getHandle(workflowId).executeUpdate<AufgabeZustand, [Record<string, string>]>(AufgabeUpdates[aktion], { args: [args] });
      } catch (err) {
        let message: string;
        let status: number;
        if (err instanceof WorkflowUpdateFailedError) {
          message = err.cause?.message ?? MSG.aktionFehler;
          status = 409;
        } else if (err instanceof WorkflowNotFoundError) {
          message = MSG.abgeschlossen;
          status = 409;
        } else {
          req.log.error(errText(err), 'console: Aufgabe update failed');
          message = MSG.aktionFehler;
          status = 503;
        }
        await record({ actor: user.username, role: user.role, action, target, outcome: status === 409 ? 'abgelehnt' : 'fehler' });
        return sendHtml(reply, status, aufgabeDetailPage({
          user, csrf: session.csrf, workflowId, zustand: z, aktionen: aktionenFuer(user, z), fehler: message, notiz: args.notiz, kommentar: args.text,
        }));
      }
      await record({ actor: user.username, role: user.role, action, target, outcome: 'erfolg' });
      return reply.redirect(`${PAGES.aufgaben.path}/${encodeURIComponent(workflowId)}?ok=${aktion}`, 303);
    });
  }

  // --- Weiterbewilligung --------------------------------------------------------------------
  app.get(PAGES.weiterbewilligung.path, { preHandler: requireRole(...PAGES.weiterbewilligung.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const wochen = intParam((req.query as Record<string, unknown>).wochen, 8, 1, 52);
    const von = heute();
    const bis = new Date(von.getTime() + wochen * 7 * 86_400_000);
    const scope = scopeOf(user);
    const view = { user, csrf: session.csrf, bereichText: scopeText(scope), wochen, von, bis, limit: WEITERBEWILLIGUNG_LIMIT };
    if (scope.kind === 'keins') {
      await record({ actor: user.username, role: user.role, action: 'weiterbewilligung.ansehen', target: `${PAGES.weiterbewilligung.path} (kein gültiges Team)`, outcome: 'abgelehnt' });
      return sendHtml(reply, 200, weiterbewilligungPage({ ...view, rows: [], truncated: false, error: scope.hinweis.replace('Aufgaben', 'Bewilligungszeiträume') }));
    }
    const query = `${PROZESS.name} = '${Prozess.WEITERBEWILLIGUNG}' AND ${STICHTAG.name} >= '${isoDay(von)}' AND ${STICHTAG.name} < '${isoDay(bis)}'${scopeClause(scope)}`;
    try {
      const { items, truncated } = await listAll(temporal, query, WEITERBEWILLIGUNG_LIMIT);
      const rows: WbRow[] = items.map((wf) => ({
        workflowId: wf.workflowId,
        teamId: wf.typedSearchAttributes.get(TEAM),
        status: wf.typedSearchAttributes.get(STATUS),
        bwzEnde: wf.typedSearchAttributes.get(STICHTAG),
        naechsterSchritt: wf.typedSearchAttributes.get(FAELLIG),
      }));
      await record({ actor: user.username, role: user.role, action: 'weiterbewilligung.ansehen', target: `${PAGES.weiterbewilligung.path} (${rows.length} Vorgänge)`, outcome: 'erfolg' });
      return sendHtml(reply, 200, weiterbewilligungPage({ ...view, rows, truncated }));
    } catch (err) {
      req.log.error(errText(err), 'console: listing Weiterbewilligung failed');
      await record({ actor: user.username, role: user.role, action: 'weiterbewilligung.ansehen', target: PAGES.weiterbewilligung.path, outcome: 'fehler' });
      return sendHtml(reply, 503, weiterbewilligungPage({ ...view, rows: [], truncated: false, error: MSG.temporal.replace('Aufgaben', 'Weiterbewilligungen') }));
    }
  });

  // --- Postausgang --------------------------------------------------------------------------
  app.get(PAGES.postausgang.path, { preHandler: requireRole(...PAGES.postausgang.roles) }, async (req, reply) => {
    const { user, session } = req.auth!;
    const tage = intParam((req.query as Record<string, unknown>).tage, 7, 1, 90);
    const von = new Date(heute().getTime() - (tage - 1) * 86_400_000);
    const view = { user, csrf: session.csrf, tage, von, limit: POSTAUSGANG_LIMIT };
    const druck = `${PROZESS.name} = '${Prozess.ZENTRALDRUCK}'`;
    const toRow = (wf: WorkflowExecutionInfo): DruckRow => ({
      workflowId: wf.workflowId,
      stichtag: wf.typedSearchAttributes.get(STICHTAG),
      status: wf.typedSearchAttributes.get(STATUS),
      art: wf.typedSearchAttributes.get(ART),
    });
    try {
      const [imZeitraum, abgelehntListe, vorbereitung] = await Promise.all([
        listAll(temporal, `${druck} AND ${STICHTAG.name} >= '${isoDay(von)}'`, POSTAUSGANG_LIMIT),
        // Rejects wait for a person whatever their day (a preflight reject has no batch day).
        listAll(temporal, `${druck} AND ExecutionStatus = 'Running' AND ${STATUS.name} = 'abgelehnt'`, ABLEHNUNGEN_LIMIT),
        listAll(temporal, `${druck} AND ExecutionStatus = 'Running' AND ${STATUS.name} IN ('angefordert', 'gerendert', 'geprueft', 'wartet_auf_batch')`, POSTAUSGANG_LIMIT),
      ]);
      const rows = imZeitraum.items.map(toRow);
      const ohneTag = vorbereitung.items.map(toRow).filter((r) => r.stichtag === undefined && r.art !== TAGESBATCH_ART);
      const ablehnungen: Ablehnung[] = await Promise.all(abgelehntListe.items.map(toRow).map(async (r): Promise<Ablehnung> => {
        const a: Ablehnung = { workflowId: r.workflowId, stichtag: r.stichtag, art: r.art };
        try {
          const zustand = await temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => temporal.workflow.getHandle(r.workflowId).query<{ grund?: unknown; fehlercode?: unknown }>('zustand'));
          if (typeof zustand?.grund === 'string' && zustand.grund !== '') a.grund = zustand.grund;
          else a.hinweis = 'Der Brief-Vorgang nennt keinen Grund.';
          if (typeof zustand?.fehlercode === 'string' && zustand.fehlercode !== '') a.fehlercode = zustand.fehlercode;
        } catch (err) {
          req.log.warn(errText(err), 'console: reading reject reason failed');
          a.hinweis = 'Grund nicht abrufbar: Der Brief-Vorgang beantwortet die Abfrage „zustand“ nicht (Worker nicht erreichbar oder ältere Version).';
        }
        return a;
      }));
      const truncated = imZeitraum.truncated || vorbereitung.truncated;
      await record({ actor: user.username, role: user.role, action: 'postausgang.ansehen', target: `${PAGES.postausgang.path} (${rows.length} Briefe)`, outcome: 'erfolg' });
      return sendHtml(reply, 200, postausgangPage({ ...view, rows, ohneTag, ablehnungen, truncated }));
    } catch (err) {
      req.log.error(errText(err), 'console: listing Postausgang failed');
      await record({ actor: user.username, role: user.role, action: 'postausgang.ansehen', target: PAGES.postausgang.path, outcome: 'fehler' });
      return sendHtml(reply, 503, postausgangPage({ ...view, rows: [], ohneTag: [], ablehnungen: [], truncated: false, error: MSG.temporal.replace('Aufgaben', 'Briefe des Postausgangs') }));
    }
  });
}
