/**
 * /revision (role revision only): search the audit trail by actor, action, time range, target
 * text and outcome; check the hash chain; export the hits as CSV or JSON. Every search, check
 * and export is itself audited (with the filter, never with the exported content).
 */
import { formatBerlinDateTime } from './views/format';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { searchAudit, verifyAuditTrail, type AuditEntry, type AuditFilter, type AuditOutcome } from './audit';
import type { BetriebContext } from './betrieb';
import { PAGES } from './roles';
import { revisionPage, type RevisionFilterWerte } from './views/revision';

export const REVISION_LIMIT = 500;
export const EXPORT_LIMIT = 100_000;

const querySchema = z.object({
  actor: z.string().trim().max(64).default(''),
  action: z.string().trim().max(64).default(''),
  von: z.string().trim().max(10).default(''),
  bis: z.string().trim().max(10).default(''),
  text: z.string().trim().max(200).default(''),
  ergebnis: z.enum(['', 'erfolg', 'abgelehnt', 'fehler']).default(''),
  format: z.enum(['csv', 'json']).optional(),
});

const MSG = {
  ungueltig: 'Die Suchangaben sind ungültig: Benutzer und Aktion höchstens 64 Zeichen, Ziel höchstens 200 Zeichen, Ergebnis erfolg/abgelehnt/fehler.',
  datum: (feld: string) => `„${feld}“ ist kein gültiges Datum (erwartet JJJJ-MM-TT).`,
  reihenfolge: 'Das Datum „bis“ liegt vor „von“. Bitte den Zeitraum korrigieren.',
  format: 'Export nur als CSV oder JSON (format=csv oder format=json).',
};

/** A calendar day (YYYY-MM-DD) in Europe/Berlin: start or end of that day as an instant. */
function berlinDay(value: string, end: boolean): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = DateTime.fromISO(value, { zone: 'Europe/Berlin' });
  if (!d.isValid) return undefined;
  return (end ? d.endOf('day') : d.startOf('day')).toJSDate();
}

export function parseRevisionFilter(q: unknown): { werte: RevisionFilterWerte; filter: AuditFilter; format?: 'csv' | 'json' } | { error: string; werte: RevisionFilterWerte } {
  const leer: RevisionFilterWerte = { actor: '', action: '', von: '', bis: '', text: '', ergebnis: '' };
  const p = querySchema.safeParse(q ?? {});
  if (!p.success) {
    const bad = p.error.issues.some((i) => i.path[0] === 'format');
    return { error: bad ? MSG.format : MSG.ungueltig, werte: leer };
  }
  const { format, ...werte } = p.data;
  const von = werte.von ? berlinDay(werte.von, false) : undefined;
  const bis = werte.bis ? berlinDay(werte.bis, true) : undefined;
  if (werte.von && !von) return { error: MSG.datum('von'), werte };
  if (werte.bis && !bis) return { error: MSG.datum('bis'), werte };
  if (von && bis && bis < von) return { error: MSG.reihenfolge, werte };
  const filter: AuditFilter = {
    actor: werte.actor || undefined,
    action: werte.action || undefined,
    von, bis,
    text: werte.text || undefined,
    outcome: (werte.ergebnis || undefined) as AuditOutcome | undefined,
  };
  return { werte, filter, format };
}

function filterText(w: RevisionFilterWerte): string {
  const parts = Object.entries(w).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(', ') : 'ohne Filter';
}

function queryOf(w: RevisionFilterWerte): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(w)) if (v !== '') u.set(k, v);
  return u.toString();
}

/** One CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet does not run it as a formula. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The export as German spreadsheets open it: UTF-8 with a byte order mark (else umlauts come out as
 * Windows-1252), semicolons, the local time first; `ts` (UTC) stays for verifying the hash chain.
 */
export function toCsv(entries: readonly AuditEntry[]): string {
  const cols = ['ts', 'actor', 'role', 'action', 'target', 'outcome', 'prev', 'hash'] as const;
  const zeilen = entries.map((e) => [csvCell(formatBerlinDateTime(new Date(e.ts))), ...cols.map((c) => csvCell(e[c]))].join(';'));
  return '\uFEFF' + [['zeit', ...cols].join(';'), ...zeilen].join('\r\n') + '\r\n';
}

export function registerRevision(app: FastifyInstance, ctx: BetriebContext): void {
  const guard = ctx.requireRole(...PAGES.revision.roles);

  app.get(PAGES.revision.path, { preHandler: guard }, async (req, reply) => {
    const { user, session } = req.auth!;
    const parsed = parseRevisionFilter(req.query);
    if ('error' in parsed) {
      await ctx.record({ actor: user.username, role: user.role, action: 'audit.suchen', target: 'ungültige Suchangaben', outcome: 'abgelehnt' });
      return ctx.sendHtml(reply, 400, revisionPage({ user, csrf: session.csrf, filter: parsed.werte, entries: [], total: 0, limit: REVISION_LIMIT, query: '', error: parsed.error }));
    }
    const res = await searchAudit(ctx.auditFile, parsed.filter, REVISION_LIMIT);
    await ctx.record({ actor: user.username, role: user.role, action: 'audit.suchen', target: `${filterText(parsed.werte)} (${res.total} Treffer)`, outcome: 'erfolg' });
    return ctx.sendHtml(reply, 200, revisionPage({ user, csrf: session.csrf, filter: parsed.werte, entries: res.entries, total: res.total, limit: REVISION_LIMIT, query: queryOf(parsed.werte) }));
  });

  app.post(`${PAGES.revision.path}/pruefen`, { preHandler: guard }, async (req, reply) => {
    const { user, session } = req.auth!;
    const pruefung = await verifyAuditTrail(ctx.auditFile);
    await ctx.record({ actor: user.username, role: user.role, action: 'audit.pruefen', target: pruefung.ok ? `unversehrt (${pruefung.entries} Einträge)` : `gebrochen (${pruefung.broken!.reason})`, outcome: pruefung.ok ? 'erfolg' : 'fehler' });
    const res = await searchAudit(ctx.auditFile, {}, 50);
    const leer = { actor: '', action: '', von: '', bis: '', text: '', ergebnis: '' };
    return ctx.sendHtml(reply, 200, revisionPage({ user, csrf: session.csrf, filter: leer, entries: res.entries, total: res.total, limit: 50, query: '', pruefung }));
  });

  app.get(`${PAGES.revision.path}/export`, { preHandler: guard }, async (req, reply) => {
    const { user } = req.auth!;
    const parsed = parseRevisionFilter(req.query);
    if ('error' in parsed || !parsed.format) {
      const message = 'error' in parsed ? parsed.error : MSG.format;
      await ctx.record({ actor: user.username, role: user.role, action: 'audit.export', target: 'ungültige Angaben', outcome: 'abgelehnt' });
      return ctx.refuse(req, reply, 400, message);
    }
    const res = await searchAudit(ctx.auditFile, parsed.filter, EXPORT_LIMIT);
    const entries = [...res.entries].reverse(); // oldest first, as in the trail
    // Audited before the data leaves the server (fsync'd by record).
    await ctx.record({ actor: user.username, role: user.role, action: 'audit.export', target: `${parsed.format.toUpperCase()}: ${filterText(parsed.werte)} (${entries.length} Einträge${res.truncated ? `, auf ${EXPORT_LIMIT} begrenzt` : ''})`, outcome: 'erfolg' });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    reply.header('content-disposition', `attachment; filename="audit-${stamp}.${parsed.format}"`);
    if (parsed.format === 'csv') return reply.code(200).type('text/csv; charset=utf-8').send(toCsv(entries));
    return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify({ filter: parsed.werte, anzahl: entries.length, begrenzt: res.truncated, eintraege: entries }, null, 2));
  });
}
