/**
 * The public booking page under /termin (no login): location → day → time → details →
 * reservation (held a few minutes) → confirmation; and the cancel/rebook page behind the link
 * from the confirmation (process id + short auth key).
 *
 * Abuse protection without tracking: per-client rate limits in Redis under an HMAC of the
 * address (expire with their window); a proof-of-work on the last step (or, without
 * JavaScript, a short waiting time); appointment ids are random and every wrong or unknown
 * link gets the same answer (the key is checked before anything is looked up). Forms carry a
 * signed timestamp instead of a cookie. POSTs still pass the console's origin check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { buchbareTage, pruefePerson, pruefeSlot, pruefeTag, SLOT_FEHLER_TEXT, type SlotFehler } from '../domain/termine';
import type { TerminZustand } from '../domain/termine-vorgang';
import { loadTerminConfig, type TerminConfig } from '../activities/termine/config';
import { DIENST_MELDUNG, TerminDienst } from '../activities/termine/dienst';
import { KapazitaetStore } from '../activities/termine/kapazitaet';
import { Ratenbegrenzung } from '../activities/termine/ratenbegrenzung';
import { pruefePow, pseudonymizerFuer, TerminSchluessel } from '../activities/termine/schluessel';
import type { Logger } from '../platform/logger';
import { tokensEqual } from './sessions';
import { POW_JS } from './public/pow';
import {
  absageFrageSeite, angabenSeite, bestaetigenSeite, fehlerSeite, standortSeite, tagSeite, vorgangSeite, zeitSeite, type AngabenWerte,
} from './views/termine-public';

export interface TerminePublicDeps {
  temporal: Client;
  redis: Redis;
  dataDir: string;
  taskQueue: string;
  publicUrl: string;
  log: Logger;
  /** Tests: settings instead of the environment. */
  config?: TerminConfig;
  jetzt?: () => number;
}

const FORM_MAX_ALTER_MS = 2 * 3_600_000;

const MELDUNG = {
  ungueltig: { titel: 'Link ungültig', text: DIENST_MELDUNG.NICHT_GEFUNDEN },
  zuViele: { titel: 'Zu viele Anfragen', text: 'Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anfragen. Bitte warten Sie etwa zehn Minuten und versuchen Sie es dann erneut.' },
  technik: { titel: 'Vorübergehend nicht erreichbar', text: DIENST_MELDUNG.TECHNIK },
  formularAlt: 'Das Formular ist abgelaufen. Bitte prüfen Sie Ihre Angaben und senden Sie sie noch einmal.',
  zuSchnell: 'Bitte prüfen Sie Ihre Angaben noch einmal und klicken Sie dann erneut auf „Termin verbindlich buchen“.',
};

function text(v: unknown, max = 300): string | undefined {
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

export function registerTerminePublic(app: FastifyInstance, deps: TerminePublicDeps): { dienst: TerminDienst } {
  const cfg = deps.config ?? loadTerminConfig();
  const schluessel = new TerminSchluessel(pseudonymizerFuer(deps.dataDir));
  const kapazitaet = KapazitaetStore.fuer(deps.dataDir);
  const jetzt = deps.jetzt ?? (() => Date.now());
  const dienst = new TerminDienst({ temporal: deps.temporal, taskQueue: deps.taskQueue, redis: deps.redis, kapazitaet, schluessel, publicUrl: deps.publicUrl, policy: cfg.policy, jetzt });
  const rate = new Ratenbegrenzung(deps.redis, cfg.rate.fensterS);
  const pseudo = pseudonymizerFuer(deps.dataDir);

  const send = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);
  const client = (req: FastifyRequest) => schluessel.ratenSchluessel(req.ip);

  const formToken = () => {
    const t = String(jetzt());
    return `${t}.${pseudo.key24('termin-formular', t)}`;
  };
  const formTokenOk = (v: unknown) => {
    if (typeof v !== 'string') return false;
    const [t, sig] = v.split('.');
    if (!t || !/^\d{1,15}$/.test(t) || !tokensEqual(sig, pseudo.key24('termin-formular', t))) return false;
    const alter = jetzt() - Number(t);
    return alter >= 0 && alter <= FORM_MAX_ALTER_MS;
  };
  const uhr = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Berlin' }).toFormat('HH:mm');

  /** Link check before any lookup: a wrong key and an unknown id look the same. */
  async function linkOk(req: FastifyRequest, reply: FastifyReply, terminId: string, key: unknown): Promise<boolean> {
    if (schluessel.pruefe(terminId, key)) return true;
    if (!(await rate.zaehle('fehlversuch', client(req), cfg.rate.fehlversuche))) {
      send(reply, 429, fehlerSeite(MELDUNG.zuViele));
      return false;
    }
    send(reply, 404, fehlerSeite(MELDUNG.ungueltig));
    return false;
  }

  async function zustandOder404(reply: FastifyReply, terminId: string): Promise<TerminZustand | null> {
    const z = await dienst.zustand(terminId);
    if (!z || z.quelle !== 'online') {
      send(reply, 404, fehlerSeite(MELDUNG.ungueltig));
      return null;
    }
    return z;
  }

  app.register(async (pub) => {
    pub.addHook('onRequest', async (req, reply) => {
      if (req.url === '/termin/pow.js') return;
      if (!(await rate.zaehle('seite', client(req), cfg.rate.seiten))) return send(reply, 429, fehlerSeite(MELDUNG.zuViele));
    });
    pub.setErrorHandler(async (err: { statusCode?: number; message?: string }, req, reply) => {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 503;
      if (status >= 500) deps.log.error({ err: err.message, route: req.routeOptions.url }, 'termin: request failed');
      return send(reply, status, fehlerSeite(status >= 500 ? MELDUNG.technik : { titel: 'Ungültige Anfrage', text: 'Die Anfrage ist ungültig. Bitte beginnen Sie die Buchung von vorn.' }));
    });

    pub.get('/termin/pow.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(POW_JS));

    pub.get('/termin', async (_req, reply) => send(reply, 200, standortSeite({ standorte: dienst.kapazitaet().standorte.filter((s) => s.personal > 0) })));

    pub.get('/termin/tag', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const kap = dienst.kapazitaet();
      const standort = kap.standorte.find((s) => s.id === q.standort && s.personal > 0);
      if (!standort) return send(reply, 400, standortSeite({ standorte: kap.standorte.filter((s) => s.personal > 0), fehler: SLOT_FEHLER_TEXT.STANDORT_UNBEKANNT }));
      return send(reply, 200, tagSeite({ standort, tage: buchbareTage(kap, standort.id, jetzt()), zurueck: '/termin' }));
    });

    pub.get('/termin/zeit', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const kap = dienst.kapazitaet();
      const standort = kap.standorte.find((s) => s.id === q.standort && s.personal > 0);
      if (!standort) return send(reply, 400, standortSeite({ standorte: kap.standorte.filter((s) => s.personal > 0), fehler: SLOT_FEHLER_TEXT.STANDORT_UNBEKANNT }));
      const frei = await dienst.freieZeiten(standort.id, q.tag);
      if (!frei.ok) {
        const fehler = q.tag === undefined || q.tag === '' ? 'Bitte wählen Sie einen Tag.' : SLOT_FEHLER_TEXT[frei.fehler];
        return send(reply, 400, tagSeite({ standort, tage: buchbareTage(kap, standort.id, jetzt()), fehler, zurueck: '/termin' }));
      }
      return send(reply, 200, zeitSeite({ standort, tag: q.tag as string, slots: frei.slots, aktion: '/termin/angaben', methode: 'get', zurueck: `/termin/tag?standort=${standort.id}` }));
    });

    async function zeitFehler(reply: FastifyReply, standortId: string, tag: string, fehler: string): Promise<FastifyReply> {
      const kap = dienst.kapazitaet();
      const standort = kap.standorte.find((s) => s.id === standortId)!;
      const frei = await dienst.freieZeiten(standortId, tag);
      if (!frei.ok) return send(reply, 400, tagSeite({ standort, tage: buchbareTage(kap, standortId, jetzt()), fehler: SLOT_FEHLER_TEXT[frei.fehler], zurueck: '/termin' }));
      return send(reply, 409, zeitSeite({ standort, tag, slots: frei.slots, fehler, aktion: '/termin/angaben', methode: 'get', zurueck: `/termin/tag?standort=${standortId}` }));
    }

    function slotPruefung(q: Record<string, unknown>) {
      const kap = dienst.kapazitaet();
      const standort = kap.standorte.find((s) => s.id === q.standort && s.personal > 0);
      return { kap, standort };
    }

    pub.get('/termin/angaben', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const { standort } = slotPruefung(q);
      if (!standort) return send(reply, 400, standortSeite({ standorte: dienst.kapazitaet().standorte, fehler: SLOT_FEHLER_TEXT.STANDORT_UNBEKANNT }));
      const frei = await dienst.freieZeiten(standort.id, q.tag);
      if (!frei.ok) return zeitFehler(reply, standort.id, String(q.tag ?? ''), SLOT_FEHLER_TEXT[frei.fehler]);
      const slot = frei.slots.find((s) => s.uhrzeit === q.uhrzeit);
      if (!slot) {
        // A time of the day's grid that is taken now, or one that was never offered (typed into the address).
        const angeboten = q.uhrzeit ? pruefeSlot(dienst.kapazitaet(), standort.id, q.tag, q.uhrzeit, Date.now()) : undefined;
        const meldung = !q.uhrzeit ? 'Bitte wählen Sie eine Uhrzeit.' : angeboten && !angeboten.ok ? SLOT_FEHLER_TEXT[angeboten.fehler] : DIENST_MELDUNG.BELEGT;
        return zeitFehler(reply, standort.id, q.tag as string, meldung);
      }
      return send(reply, 200, angabenSeite({ standort, slot, werte: {}, fehler: {}, formToken: formToken() }));
    });

    pub.post('/termin/reservieren', { config: { csrf: 'public' } }, async (req, reply) => {
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const werte: AngabenWerte = {
        name: text(b.name), email: text(b.email), telefon: text(b.telefon), strasse: text(b.strasse), plz: text(b.plz), ort: text(b.ort), bgNummer: text(b.bgNummer), einwilligung: text(b.einwilligung, 10),
      };
      const { kap, standort } = slotPruefung(b);
      if (!standort) return send(reply, 400, standortSeite({ standorte: kap.standorte, fehler: SLOT_FEHLER_TEXT.STANDORT_UNBEKANNT }));
      const tag = pruefeTag(kap, standort.id, b.tag, jetzt());
      if (!tag.ok) return zeitFehler(reply, standort.id, String(b.tag ?? ''), SLOT_FEHLER_TEXT[tag.fehler]);
      const frei = await dienst.freieZeiten(standort.id, tag.tag);
      const slot = frei.ok ? frei.slots.find((s) => s.uhrzeit === b.uhrzeit) : undefined;
      const kandidat = slot;
      const person = pruefePerson(werte);
      const formOk = formTokenOk(b.formular);
      if (!person.ok || !formOk) {
        if (!kandidat) return zeitFehler(reply, standort.id, tag.tag, DIENST_MELDUNG.BELEGT);
        return send(reply, 400, angabenSeite({ standort, slot: kandidat, werte, fehler: person.ok ? {} : person.fehler, formToken: formToken(), ...(formOk ? {} : { meldung: MELDUNG.formularAlt }) }));
      }
      if (!(await rate.zaehle('reservierung', client(req), cfg.rate.reservierungen))) return send(reply, 429, fehlerSeite(MELDUNG.zuViele));
      const r = await dienst.reserviere(standort.id, tag.tag, b.uhrzeit, person.person);
      if (!r.ok) {
        const meldung = r.fehler === 'BELEGT' ? DIENST_MELDUNG.BELEGT : SLOT_FEHLER_TEXT[r.fehler as SlotFehler];
        return zeitFehler(reply, standort.id, tag.tag, meldung);
      }
      deps.log.info({ terminId: r.terminId, standort: standort.id }, 'termin reserviert');
      return reply.redirect(`/termin/bestaetigen/${r.terminId}?k=${r.key}`, 303);
    });

    pub.get('/termin/bestaetigen/:id', async (req, reply) => {
      const { id } = req.params as { id: string };
      const k = (req.query as Record<string, unknown>).k;
      if (!(await linkOk(req, reply, id, k))) return reply;
      const z = await zustandOder404(reply, id);
      if (!z) return reply;
      if (z.status !== 'reserviert') return reply.redirect(`/termin/vorgang/${id}?k=${String(k)}`, 303);
      return send(reply, 200, bestaetigenSeite({ terminId: id, key: String(k), zustand: z, bisText: uhr(z.reserviertBisMs ?? jetzt()), challenge: schluessel.powChallenge(id), powBits: cfg.powBits }));
    });

    pub.post('/termin/bestaetigen/:id', { config: { csrf: 'public' } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      if (!(await linkOk(req, reply, id, b.k))) return reply;
      const z = await zustandOder404(reply, id);
      if (!z) return reply;
      const k = String(b.k);
      if (z.status === 'reserviert') {
        const powOk = cfg.powBits === 0 || pruefePow(schluessel.powChallenge(id), b.pow, cfg.powBits);
        const ohneJsOk = (b.pow === undefined || b.pow === '') && jetzt() - z.reserviertAmMs >= cfg.bedenkzeitMs;
        if (!powOk && !ohneJsOk) {
          return send(reply, 400, bestaetigenSeite({ terminId: id, key: k, zustand: z, bisText: uhr(z.reserviertBisMs ?? jetzt()), challenge: schluessel.powChallenge(id), powBits: cfg.powBits, meldung: MELDUNG.zuSchnell }));
        }
      }
      const a = await dienst.bestaetige(id);
      if (!a.ok) {
        const nz = (await dienst.zustand(id)) ?? z;
        return send(reply, 409, vorgangSeite({ terminId: id, key: k, zustand: nz, meldung: { art: 'meldung', text: a.code === 'ABGELAUFEN' ? DIENST_MELDUNG.ABGELAUFEN : a.meldung } }));
      }
      deps.log.info({ terminId: id }, 'termin bestaetigt');
      return reply.redirect(`/termin/vorgang/${id}?k=${k}&gebucht=1`, 303);
    });

    pub.get('/termin/vorgang/:id', async (req, reply) => {
      const { id } = req.params as { id: string };
      const q = req.query as Record<string, unknown>;
      if (!(await linkOk(req, reply, id, q.k))) return reply;
      const z = await zustandOder404(reply, id);
      if (!z) return reply;
      const meldung = q.gebucht === '1' && z.status === 'bestaetigt'
        ? { art: 'erfolg' as const, text: `Ihr Termin ist gebucht. ${z.kontakt === 'email' ? 'Sie bekommen gleich eine Bestätigung per E-Mail mit einer Liste der Unterlagen, die Sie mitbringen sollen.' : 'Sie bekommen eine Bestätigung per Brief mit einer Liste der Unterlagen, die Sie mitbringen sollen.'}` }
        : q.abgesagt === '1' && z.status === 'abgesagt' ? { art: 'erfolg' as const, text: 'Ihr Termin ist abgesagt. Der Termin ist wieder frei für andere.' }
          : q.verschoben === '1' && z.status === 'bestaetigt' ? { art: 'erfolg' as const, text: 'Ihr Termin ist verschoben. Sie bekommen eine neue Bestätigung.' }
            : z.status === 'reserviert' ? { art: 'info' as const, text: 'Dieser Termin ist nur reserviert. Bitte buchen Sie ihn verbindlich.' } : undefined;
      if (z.status === 'reserviert') return reply.redirect(`/termin/bestaetigen/${id}?k=${String(q.k)}`, 303);
      return send(reply, 200, vorgangSeite({ terminId: id, key: String(q.k), zustand: z, meldung }));
    });

    pub.post('/termin/vorgang/:id/absagen', { config: { csrf: 'public' } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      if (!(await linkOk(req, reply, id, b.k))) return reply;
      const z = await zustandOder404(reply, id);
      if (!z) return reply;
      const k = String(b.k);
      // A booked appointment is cancelled only after "Ja, absagen" (one click must not lose it); a reservation is simply dropped.
      if (z.status === 'bestaetigt' && b.sicher !== 'ja') return send(reply, 200, absageFrageSeite({ terminId: id, key: k, zustand: z }));
      const a = await dienst.sageAb(id);
      if (!a.ok) return send(reply, 409, vorgangSeite({ terminId: id, key: k, zustand: (await dienst.zustand(id)) ?? z, meldung: { art: 'meldung', text: a.meldung } }));
      deps.log.info({ terminId: id }, 'termin abgesagt');
      if (z.status === 'reserviert') return reply.redirect('/termin', 303);
      return reply.redirect(`/termin/vorgang/${id}?k=${k}&abgesagt=1`, 303);
    });

    pub.get('/termin/vorgang/:id/umbuchen', async (req, reply) => {
      const { id } = req.params as { id: string };
      const q = req.query as Record<string, unknown>;
      if (!(await linkOk(req, reply, id, q.k))) return reply;
      const z = await zustandOder404(reply, id);
      if (!z) return reply;
      const k = String(q.k);
      if (z.status !== 'bestaetigt') return send(reply, 409, vorgangSeite({ terminId: id, key: k, zustand: z, meldung: { art: 'meldung', text: 'Dieser Termin kann nicht mehr verschoben werden.' } }));
      const kap = dienst.kapazitaet();
      const standort = kap.standorte.find((s) => s.id === z.slot.standortId);
      if (!standort) return send(reply, 409, vorgangSeite({ terminId: id, key: k, zustand: z, meldung: { art: 'meldung', text: 'Diesen Standort gibt es nicht mehr. Bitte rufen Sie uns an.' } }));
      const basis = `/termin/vorgang/${id}/umbuchen`;
      if (q.tag === undefined) return send(reply, 200, tagSeite({ standort, tage: buchbareTage(kap, standort.id, jetzt()), aktion: basis, versteckt: { k }, zurueck: `/termin/vorgang/${id}?k=${k}` }));
      const frei = await dienst.freieZeiten(standort.id, q.tag);
      if (!frei.ok) return send(reply, 400, tagSeite({ standort, tage: buchbareTage(kap, standort.id, jetzt()), aktion: basis, versteckt: { k }, fehler: q.tag === '' ? 'Bitte wählen Sie einen Tag.' : SLOT_FEHLER_TEXT[frei.fehler], zurueck: `/termin/vorgang/${id}?k=${k}` }));
      return send(reply, 200, zeitSeite({ standort, tag: q.tag as string, slots: frei.slots, aktion: basis, methode: 'post', versteckt: { k }, zurueck: `${basis}?k=${k}`, knopf: 'Termin verschieben', schritt: 3 }));
    });

    pub.post('/termin/vorgang/:id/umbuchen', { config: { csrf: 'public' } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      if (!(await linkOk(req, reply, id, b.k))) return reply;
      const z = await zustandOder404(reply, id);
      if (!z) return reply;
      const k = String(b.k);
      const basis = `/termin/vorgang/${id}/umbuchen`;
      const kap = dienst.kapazitaet();
      const standort = kap.standorte.find((s) => s.id === z.slot.standortId);
      if (!standort) return send(reply, 409, vorgangSeite({ terminId: id, key: k, zustand: z }));
      const a = await dienst.buchUm(id, standort.id, b.tag, b.uhrzeit);
      if (!a.ok) {
        const meldung = a.code === 'BELEGT' ? DIENST_MELDUNG.BELEGT : (SLOT_FEHLER_TEXT as Record<string, string>)[a.code] ?? a.meldung;
        const frei = await dienst.freieZeiten(standort.id, b.tag);
        if (!frei.ok) return send(reply, 400, tagSeite({ standort, tage: buchbareTage(kap, standort.id, jetzt()), aktion: basis, versteckt: { k }, fehler: SLOT_FEHLER_TEXT[frei.fehler], zurueck: `/termin/vorgang/${id}?k=${k}` }));
        return send(reply, 409, zeitSeite({ standort, tag: String(b.tag), slots: frei.slots, aktion: basis, methode: 'post', versteckt: { k }, fehler: b.uhrzeit ? meldung : 'Bitte wählen Sie eine Uhrzeit.', zurueck: `${basis}?k=${k}`, knopf: 'Termin verschieben', schritt: 3 }));
      }
      deps.log.info({ terminId: id }, 'termin verschoben');
      return reply.redirect(`/termin/vorgang/${id}?k=${k}&verschoben=1`, 303);
    });
  });

  return { dienst };
}
