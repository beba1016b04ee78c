/**
 * The simulated DMS's web side: a small read UI in German (Akten, Akte with Vorgänge and
 * Dokumente, download, import log) and the JSON read API the adapters use
 * (`/api/dokumente?…`, `/api/dokumente/:id`, `/api/dokumente/:id/inhalt`, `/api/status`, Bearer
 * token), plus `/_sim/…` to inject faults (HTTP 500, slow API, slow or failing import).
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { DOKUMENTARTEN } from '../port';
import { istUuid, sleep } from '../shared/files';
import { alsInfo, type Dms } from './dms';
import type { ProtokollEintrag } from './import-kontext';

export interface EAkteFehlerZustand {
  /** true: every API request answers HTTP 500; a number: the next n requests do. */
  apiFehler: boolean | number;
  /** Share (0–1) of API requests answered with HTTP 500 at random. */
  apiFehlerrate: number;
  /** Added to every API request. */
  apiVerzoegerungMs: number;
  /** Overrides the import delay (slow import) when set. */
  importVerzoegerungMs: number | null;
  /** The next n imports fail with a technical error (DMS_INTERN). */
  importFehler: number;
}

export const fehlerSchema = z
  .object({
    apiFehler: z.union([z.boolean(), z.number().int().min(0)]),
    apiFehlerrate: z.number().min(0).max(1),
    apiVerzoegerungMs: z.number().int().min(0).max(600_000),
    importVerzoegerungMs: z.number().int().min(0).max(86_400_000).nullable(),
    importFehler: z.number().int().min(0),
  })
  .partial();

export interface ServerKontext {
  dms: Dms;
  token: string;
  fehler: EAkteFehlerZustand;
  zufall: () => number;
  protokoll: () => ProtokollEintrag[];
  ordner: Record<string, string>;
}

const esc = (s: string | number | undefined) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const datum = (iso: string) => new Date(iso).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' });
const groesse = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

function seite(titel: string, inhalt: string): string {
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>${esc(titel)} – E-Akte (Simulator)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}th{background:#eef}nav a{margin-right:1rem}.hinweis{color:#555}</style>
</head><body><nav><a href="/">Akten</a><a href="/protokoll">Importprotokoll</a></nav><main>
<h1>${esc(titel)}</h1>${inhalt}</main></body></html>`;
}

function tokenOk(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m?.[1]) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const suchSchema = z.object({
  bgNummer: z.string().max(100).optional(),
  dokumentart: z.string().max(100).optional(),
  von: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  bis: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

async function sendeInhalt(reply: FastifyReply, dms: Dms, id: string, download: boolean): Promise<FastifyReply> {
  const d = istUuid(id) ? dms.dokument(id) : undefined;
  const inhalt = d ? await dms.inhalt(d.dokumentId) : undefined;
  if (!d || !inhalt) return reply.code(404).type('application/json').send({ fehler: 'Dokument nicht gefunden' });
  const ascii = d.dateiname.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .type(d.mimeType)
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.dateiname)}`)
    .header('x-content-type-options', 'nosniff')
    .send(inhalt);
}

export function baueServer(k: ServerKontext): FastifyInstance {
  const app = Fastify({ logger: false });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!req.url.startsWith('/api/')) return;
    const f = k.fehler;
    if (f.apiVerzoegerungMs > 0) await sleep(f.apiVerzoegerungMs);
    let fehler = f.apiFehler === true || (typeof f.apiFehler === 'number' && f.apiFehler > 0);
    if (typeof f.apiFehler === 'number' && f.apiFehler > 0) f.apiFehler -= 1;
    if (!fehler && f.apiFehlerrate > 0 && k.zufall() < f.apiFehlerrate) fehler = true;
    if (fehler) return reply.code(500).send({ fehler: 'Interner Fehler der E-Akte (simuliert)' });
    if (!tokenOk(req.headers.authorization, k.token)) return reply.code(401).send({ fehler: 'Nicht angemeldet' });
  });

  // ------------------------------------------------------------ JSON read API
  app.get('/api/status', async () => ({ ok: true, system: 'E-Akte-Simulator', dokumente: k.dms.anzahlDokumente }));

  app.get('/api/dokumente', async (req, reply) => {
    const q = suchSchema.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ fehler: 'Ungültige Suchparameter' });
    const r = k.dms.suche(q.data);
    return { dokumente: r.dokumente.map(alsInfo), weitere: r.weitere };
  });

  app.get<{ Params: { id: string } }>('/api/dokumente/:id', async (req, reply) => {
    const d = istUuid(req.params.id) ? k.dms.dokument(req.params.id) : undefined;
    if (!d) return reply.code(404).send({ fehler: 'Dokument nicht gefunden' });
    return alsInfo(d);
  });

  app.get<{ Params: { id: string } }>('/api/dokumente/:id/inhalt', async (req, reply) => sendeInhalt(reply, k.dms, req.params.id, false));

  // ------------------------------------------------------------ read UI
  app.get<{ Querystring: { bg?: string } }>('/', async (req, reply) => {
    const filter = (req.query.bg ?? '').trim();
    const akten = k.dms.akten().filter((a) => !filter || a.bgNummer.includes(filter.toUpperCase().replace(/[\s/.-]/g, '')));
    const zeilen = akten
      .map((a) => `<tr><td><a href="/akten/${esc(a.bgNummer)}">${esc(a.bgNummer)}</a></td><td>${esc(a.aktenzeichen ?? '—')}</td><td>${a.vorgaenge}</td><td>${a.dokumente}</td><td>${a.letzteAblage ? esc(datum(a.letzteAblage)) : '—'}</td></tr>`)
      .join('');
    const ordner = Object.entries(k.ordner).map(([n, d]) => `<li>${esc(n)}: <code>${esc(d)}</code></li>`).join('');
    return reply.type('text/html; charset=utf-8').send(
      seite('Akten', `<form method="get" action="/"><label for="bg">BG-Nummer</label> <input id="bg" name="bg" value="${esc(filter)}"> <button>Suchen</button></form>
<table><thead><tr><th>BG-Nummer</th><th>Aktenzeichen</th><th>Vorgänge</th><th>Dokumente</th><th>Letzte Ablage</th></tr></thead>
<tbody>${zeilen || '<tr><td colspan="5">Keine Akten vorhanden.</td></tr>'}</tbody></table>
<p class="hinweis">${k.dms.anzahlDokumente} Dokumente insgesamt. Übergabeordner:</p><ul>${ordner}</ul>`),
    );
  });

  app.get<{ Params: { bg: string } }>('/akten/:bg', async (req, reply) => {
    const a = k.dms.akte(req.params.bg);
    if (!a) return reply.code(404).type('text/html; charset=utf-8').send(seite('Akte nicht gefunden', '<p>Zu dieser BG-Nummer gibt es keine Akte.</p>'));
    const vorgaenge = a.vorgaenge
      .map(
        (v) => `<section><h2>Vorgang: ${esc(v.name)}</h2><table><thead><tr><th>Objekt</th><th>Betreff</th><th>Dokumentart</th><th>Posteingang</th><th>Postausgang</th><th>Datei</th><th>Größe</th><th>Abgelegt</th></tr></thead><tbody>${v.dokumente
          .map(
            (d) =>
              `<tr><td>${esc(d.objektId)}</td><td>${esc(d.metadaten.betreff)}</td><td>${esc(d.metadaten.dokumentart)}</td><td>${esc(d.metadaten.posteingangsdatum ?? '—')}</td><td>${esc(d.metadaten.postausgangsdatum ?? '—')}</td><td><a href="/dokumente/${esc(d.dokumentId)}/inhalt">${esc(d.dateiname)}</a></td><td>${esc(groesse(d.groesse))}</td><td>${esc(datum(d.abgelegtAm))}</td></tr>`,
          )
          .join('')}</tbody></table></section>`,
      )
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(seite(`Akte ${a.akte.bgNummer}`, `<p>Aktenzeichen: ${esc(a.akte.aktenzeichen ?? '—')} · angelegt am ${esc(datum(a.akte.angelegtAm))}</p>${vorgaenge || '<p>Keine Vorgänge.</p>'}`));
  });

  app.get<{ Params: { id: string } }>('/dokumente/:id/inhalt', async (req, reply) => sendeInhalt(reply, k.dms, req.params.id, true));

  app.get('/protokoll', async (_req, reply) => {
    const zeilen = k
      .protokoll()
      .slice()
      .reverse()
      .map((e) => `<tr><td>${esc(datum(e.zeit))}</td><td>${e.kanal === 'xdomea' ? 'XDOMEA' : 'Hot-Folder'}</td><td>${esc(e.dokumentId ?? '—')}</td><td>${esc(e.ergebnis)}</td><td>${esc(e.code ?? '')}</td><td>${esc(e.grund ?? '')}</td></tr>`)
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(seite('Importprotokoll', `<table><thead><tr><th>Zeit</th><th>Kanal</th><th>Dokument-ID</th><th>Ergebnis</th><th>Code</th><th>Grund</th></tr></thead><tbody>${zeilen || '<tr><td colspan="6">Noch keine Importe.</td></tr>'}</tbody></table><p class="hinweis">Bekannte Dokumentarten: ${DOKUMENTARTEN.join(', ')}</p>`));
  });

  // ------------------------------------------------------------ fault injection (simulator only)
  app.get('/_sim/fehler', async () => k.fehler);
  app.post('/_sim/fehler', async (req, reply) => {
    const p = fehlerSchema.safeParse(req.body);
    if (!p.success) return reply.code(400).send({ fehler: 'Ungültige Fehlereinstellung' });
    Object.assign(k.fehler, p.data);
    return k.fehler;
  });

  return app;
}
