/**
 * /zeitplaene (IT-Administration): the catalogue's schedules; create, change the Takt, pause
 * with a note, unpause, trigger, backfill. Every change and every refusal is audited; a refused
 * request changes nothing (validation happens before Temporal is called).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatTakt, parseBerlinZeit, parseTakt } from '../domain/zeitplaene';
import { ZeitplanDienst, ZeitplanFehler } from '../platform/schedules';
import type { BetriebContext } from './betrieb';
import { PAGES } from './roles';
import { zeitplaenePage } from './views/zeitplaene';

const ID = /^[a-z0-9-]{1,80}$/;
const formSchema = z.object({
  takt: z.string().max(200).optional(),
  notiz: z.string().max(1000).optional(),
  von: z.string().max(40).optional(),
  bis: z.string().max(40).optional(),
  id: z.string().max(200).optional(),
}).passthrough();

const AKTIONEN = ['takt', 'pausieren', 'fortsetzen', 'ausloesen', 'nachholen'] as const;
type Aktion = (typeof AKTIONEN)[number];

export function registerZeitplaene(app: FastifyInstance, ctx: BetriebContext): void {
  const guard = ctx.requireRole(...PAGES.zeitplaene.roles);
  const dienst = new ZeitplanDienst(ctx.temporal, ctx.cfg, { praefix: ctx.optionen.zeitplanPraefix });

  async function render(req: FastifyRequest, reply: FastifyReply, status: number, m: { erfolg?: string; fehler?: string }): Promise<FastifyReply> {
    const { user, session } = req.auth!;
    let zeilen: Awaited<ReturnType<ZeitplanDienst['liste']>> = [];
    let fehler = m.fehler;
    try {
      zeilen = await dienst.liste();
    } catch (err) {
      req.log.error({ err: (err as Error).message }, 'console: listing schedules failed');
      fehler = [fehler, 'Die Zeitpläne können gerade nicht gelesen werden: Temporal antwortet nicht.'].filter(Boolean).join(' ');
      status = status === 200 ? 503 : status;
    }
    return ctx.sendHtml(reply, status, zeitplaenePage({ user, csrf: session.csrf, zeilen, erfolg: m.erfolg, fehler }));
  }

  app.get(PAGES.zeitplaene.path, { preHandler: guard }, async (req, reply) => {
    const { user } = req.auth!;
    await ctx.record({ actor: user.username, role: user.role, action: 'zeitplan.ansehen', target: PAGES.zeitplaene.path, outcome: 'erfolg' });
    return render(req, reply, 200, {});
  });

  /** Runs one change: audited with its outcome; refusals render the page with the German reason. */
  /** A change that would change nothing (the same Takt again). */
  class ZeitplanUnveraendert extends Error {}

  async function change(req: FastifyRequest, reply: FastifyReply, action: string, target: string, run: () => Promise<string>): Promise<FastifyReply> {
    const { user } = req.auth!;
    try {
      const erfolg = await run();
      await ctx.record({ actor: user.username, role: user.role, action: `zeitplan.${action}`, target: `${target}: ${erfolg}`.slice(0, 500), outcome: 'erfolg' });
      return render(req, reply, 200, { erfolg });
    } catch (err) {
      if (err instanceof ZeitplanUnveraendert) return render(req, reply, 200, { erfolg: err.message }); // nothing changed: nothing to audit
      if (!(err instanceof ZeitplanFehler)) {
        await ctx.record({ actor: user.username, role: user.role, action: `zeitplan.${action}`, target, outcome: 'fehler' });
        throw err;
      }
      await ctx.record({ actor: user.username, role: user.role, action: `zeitplan.${action}`, target: `${target}: ${err.message}`.slice(0, 500), outcome: 'abgelehnt' });
      return render(req, reply, err.status === 503 ? 503 : err.status, { fehler: err.message });
    }
  }

  app.post(`${PAGES.zeitplaene.path}/anlegen`, { preHandler: guard }, async (req, reply) => {
    const body = formSchema.safeParse(req.body ?? {});
    const id = body.success ? (body.data.id ?? '') : '';
    const takt = body.success && body.data.takt?.trim() ? body.data.takt : undefined;
    return change(req, reply, 'anlegen', id.slice(0, 80) || '(ohne Angabe)', async () => {
      if (!body.success) throw new ZeitplanFehler('Die Angaben sind ungültig.');
      const z = await dienst.anlegen(id, takt);
      return `Zeitplan „${z.eintrag.titel}“ angelegt (${z.takt ?? ''}).`;
    });
  });

  app.post<{ Params: { id: string; aktion: string } }>(`${PAGES.zeitplaene.path}/:id/:aktion`, { preHandler: guard }, async (req, reply) => {
    const { id, aktion } = req.params;
    if (!ID.test(id) || !(AKTIONEN as readonly string[]).includes(aktion)) return ctx.refuse(req, reply, 404, 'Diese Seite gibt es nicht.');
    const a = aktion as Aktion;
    const body = formSchema.safeParse(req.body ?? {});
    const f = body.success ? body.data : {};
    return change(req, reply, a, id, async () => {
      if (!body.success) throw new ZeitplanFehler('Die Angaben sind ungültig (zu lang oder falsches Format).');
      switch (a) {
        case 'takt': {
          // Validate before anything is read or changed.
          const neu = formatTakt(parseTaktOrRefuse(f.takt ?? ''));
          const jetzt = (await dienst.liste()).find((z) => z.id === id)?.takt;
          if (jetzt === neu) throw new ZeitplanUnveraendert(`Takt unverändert: ${neu}.`);
          const r = await dienst.taktAendern(id, f.takt ?? '');
          return `Takt geändert: ${r.vorher ?? '?'} → ${r.nachher}.`;
        }
        case 'pausieren':
          await dienst.pausieren(id, f.notiz ?? '');
          return `Pausiert (Notiz: ${(f.notiz ?? '').trim()}).`;
        case 'fortsetzen':
          await dienst.fortsetzen(id, f.notiz);
          return 'Fortgesetzt.';
        case 'ausloesen':
          await dienst.ausloesen(id);
          return 'Einmal ausgelöst; der Lauf startet jetzt.';
        case 'nachholen': {
          const von = parseBerlinZeit(f.von);
          const bis = parseBerlinZeit(f.bis);
          if (!von || !bis) throw new ZeitplanFehler('Bitte Beginn und Ende als Datum mit Uhrzeit angeben (z. B. 20.11.2026, 14:00).');
          const r = await dienst.nachholen(id, von, bis);
          return `Nachholen beauftragt: ${f.von} bis ${f.bis} (bis zu ${r.laeufe} Läufe).`;
        }
      }
    });
  });
}

function parseTaktOrRefuse(takt: string) {
  try {
    return parseTakt(takt);
  } catch (err) {
    throw new ZeitplanFehler((err as Error).message);
  }
}
