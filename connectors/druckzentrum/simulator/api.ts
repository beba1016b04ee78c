/**
 * Simulator of an E-POSTBUSINESS-style HTTP API (protocol in ../epost/protocol.ts): token
 * login valid 24 h, letters as base64 PDF with a batch id, status 1 → 2 → 3 → 4 or 99 with
 * error codes, over time (DruckzentrumSimulation). It refuses status queries for the same
 * letters more often than every 5 s (429 E322 with Retry-After), as the real API limits
 * polling, and counts every request so tests can prove what the adapter sent.
 *
 * Faults: scripted answers (HTTP 500/503/429 …) for the next requests; a response that never
 * comes after the letters were accepted (unknown outcome for the client); a hanging request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { FEHLERCODES } from '../fehlercodes';
import {
  EPOST_CODE_FUER, EPOST_STATUS_ID, EPOST_STATUS_TEXT, TOKEN_GUELTIGKEIT_MS,
  type EpostLetter, type EpostLetterIdent, type EpostLetterStatus, type EpostMeldung,
} from '../epost/protocol';
import { DruckzentrumSimulation, type EingangsBrief, type SimAuftrag, type SimBrief, type ZentrumOptionen } from './zentrum';

export interface EpostZugang {
  vendorId: string;
  ekp: string;
  password: string;
  secret: string;
}

export interface EpostSimOptionen extends ZentrumOptionen {
  /** 0 = any free port. */
  port: number;
  host?: string;
  /** Directory of the simulator's state; none = memory only. */
  dir?: string;
  zugang: EpostZugang;
  tokenGueltigkeitMs?: number;
  /** Minimum interval between status queries for the same letters (default 5000 ms). */
  statusMinIntervallMs?: number;
  /** Latency of every answer (demo: a little; tests: 0). */
  latenzMs?: number;
  /** Share of requests (0–1) answered with HTTP 503 and Retry-After (demo of retries). */
  fehlerquote?: number;
}

export interface GeplanterFehler {
  status: number;
  /** Route label like 'POST /api/Letter'; none = any route. */
  route?: string;
  retryAfterS?: number;
  anzahl?: number;
  /** Let this many matching requests pass first. */
  ueberspringen?: number;
}

export interface EpostSimulator {
  url: string;
  zentrum: DruckzentrumSimulation;
  /** Requests per route label ('POST /api/Login', 'GET /api/Letter/Custom1', …). */
  anfragen(route?: string): number;
  /** The next matching requests get this HTTP status instead of an answer. */
  planeFehler(f: GeplanterFehler): void;
  /** The next n letter uploads are accepted, but their response is delayed by `ms` (client timeout). */
  antwortNachAnnahmeVerzoegern(anzahl: number, ms: number): void;
  /** The next n requests (of a route) hang for `ms` before anything is done (client timeout). */
  anfrageHaengt(anzahl: number, ms: number, route?: string): void;
  /** Every token issued so far is rejected from now on (as after its 24 h). */
  tokensAblaufen(): void;
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function fehlerAntwort(reply: FastifyReply, status: number, code: string, description: string, retryAfterS?: number): FastifyReply {
  if (retryAfterS !== undefined) void reply.header('retry-after', String(retryAfterS));
  return reply.code(status).send({ level: 'Error', code, description } satisfies EpostMeldung);
}

function gleich(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startEpostSimulator(o: EpostSimOptionen): Promise<EpostSimulator> {
  const zentrum = new DruckzentrumSimulation({ ...o, stateFile: o.stateFile ?? (o.dir ? path.join(o.dir, 'zentrum.json') : undefined) });
  const now = zentrum.now;
  const log = o.log;
  const tokenKey = randomBytes(32);
  const gueltigMs = o.tokenGueltigkeitMs ?? TOKEN_GUELTIGKEIT_MS;
  const minIntervall = o.statusMinIntervallMs ?? 5000;
  let tokenGeneration = 1;
  const zaehler = new Map<string, number>();
  const geplant: GeplanterFehler[] = [];
  const verzoegern = { anzahl: 0, ms: 0 };
  const letzteAbfrage = new Map<string, number>();
  let naechsteLetterId = 4_350_000 + zentrum.alleAuftraege().reduce((n, a) => n + a.briefe.length, 0);
  const verzoegerungen = new Set<NodeJS.Timeout>();
  const haengen = { anzahl: 0, ms: 0, route: undefined as string | undefined };
  const schlafe = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      verzoegerungen.delete(t);
      resolve();
    }, ms);
    verzoegerungen.add(t);
  });

  function token(): string {
    const iat = now();
    const kopf = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const nutzlast = b64url(JSON.stringify({ sub: o.zugang.vendorId, ekp: o.zugang.ekp, iat: Math.floor(iat / 1000), gen: tokenGeneration, exp: Math.floor((iat + gueltigMs) / 1000) }));
    const sig = b64url(createHmac('sha256', tokenKey).update(`${kopf}.${nutzlast}`).digest());
    return `${kopf}.${nutzlast}.${sig}`;
  }

  /** undefined when valid, else the error code. */
  function pruefeToken(header: string | undefined): string | undefined {
    const m = /^Bearer (.+)$/.exec(header ?? '');
    if (!m?.[1]) return 'E100';
    const [kopf, nutzlast, sig] = m[1].split('.');
    if (!kopf || !nutzlast || !sig) return 'E100';
    const erwartet = b64url(createHmac('sha256', tokenKey).update(`${kopf}.${nutzlast}`).digest());
    if (!gleich(sig, erwartet)) return 'E100';
    try {
      const p = JSON.parse(Buffer.from(nutzlast, 'base64url').toString('utf8')) as { exp: number; gen: number };
      if (now() >= p.exp * 1000 || p.gen !== tokenGeneration) return 'E101';
    } catch {
      return 'E100';
    }
    return undefined;
  }

  function alleBriefe(): Array<{ a: SimAuftrag; b: SimBrief }> {
    return zentrum.alleAuftraege().flatMap((a) => a.briefe.map((b) => ({ a, b })));
  }

  function letterStatus(a: SimAuftrag, b: SimBrief): EpostLetterStatus {
    const s = zentrum.briefStatus(a, b);
    const id = EPOST_STATUS_ID[s.status];
    const t = zentrum.schritte;
    const t1 = b.eingang + t.verarbeitungMs;
    const t2 = t1 + t.druckzentrumMs;
    const t3 = t2 + t.postMs;
    const iso = (ms: number) => new Date(ms).toISOString();
    const errorList: EpostMeldung[] = s.status === 'fehler' && s.fehlercode
      ? [{ level: 'Error', code: EPOST_CODE_FUER[s.fehlercode as keyof typeof FEHLERCODES] ?? 'E499', description: s.grund ?? FEHLERCODES.SONSTIGER_FEHLER, date: iso(t1) }]
      : [];
    return {
      letterID: Number(b.extra.letterID),
      fileName: String(b.extra.fileName),
      statusID: id,
      statusDetails: EPOST_STATUS_TEXT[id] ?? null,
      createdDate: iso(b.eingang),
      processedDate: id >= 2 ? iso(t1) : null,
      printUploadDate: id >= 3 && id !== 99 ? iso(t2) : null,
      printFeedbackDate: id === 4 ? iso(t3) : null,
      batchID: typeof b.extra.batchID === 'number' ? b.extra.batchID : undefined,
      noOfPages: b.seiten,
      custom1: typeof b.extra.custom1 === 'string' ? b.extra.custom1 : null,
      custom2: typeof b.extra.custom2 === 'string' ? b.extra.custom2 : null,
      registeredLetter: typeof b.extra.registeredLetter === 'string' ? b.extra.registeredLetter : null,
      errorList,
    };
  }

  /** Polling limit per key; returns the seconds to wait, or undefined when the query may run. */
  function drossel(key: string): number | undefined {
    if (minIntervall <= 0) return undefined;
    const vorher = letzteAbfrage.get(key);
    const jetzt = now();
    if (vorher !== undefined && jetzt - vorher < minIntervall) return Math.max(1, Math.ceil((minIntervall - (jetzt - vorher)) / 1000));
    letzteAbfrage.set(key, jetzt);
    return undefined;
  }

  const app = Fastify({ logger: false, bodyLimit: 300 * 1024 * 1024, forceCloseConnections: true });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const route = `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`;
    zaehler.set(route, (zaehler.get(route) ?? 0) + 1);
    if (o.latenzMs) await schlafe(o.latenzMs);
    if (haengen.anzahl > 0 && (!haengen.route || haengen.route === route)) {
      haengen.anzahl -= 1;
      log.warn({ route, ms: haengen.ms }, 'fault: request hangs');
      await schlafe(haengen.ms);
    }
    if (o.fehlerquote && Math.random() < o.fehlerquote) {
      log.warn({ route }, 'fault: random 503');
      return fehlerAntwort(reply, 503, 'E503', 'Dienst vorübergehend nicht verfügbar', 5);
    }
    const i = geplant.findIndex((f) => !f.route || f.route === route);
    const f = i >= 0 ? (geplant[i] as GeplanterFehler) : undefined;
    if (f && (f.ueberspringen ?? 0) > 0) {
      f.ueberspringen = (f.ueberspringen ?? 0) - 1;
    } else if (f) {
      f.anzahl = (f.anzahl ?? 1) - 1;
      if (f.anzahl <= 0) geplant.splice(i, 1);
      log.warn({ route, status: f.status }, 'fault: scripted error answer');
      const code = f.status === 429 ? 'E322' : f.status >= 500 ? 'E500' : `E${f.status}`;
      const text = f.status === 429 ? 'Zu hohe Abfragefrequenz' : f.status >= 500 ? 'Interner Serverfehler' : 'Fehler';
      return fehlerAntwort(reply, f.status, code, text, f.retryAfterS);
    }
    if (req.url.startsWith('/api/Login')) return undefined;
    const fehler = pruefeToken(req.headers.authorization);
    if (fehler === 'E101') return fehlerAntwort(reply, 401, 'E101', 'Ungültiges Token - Abgelaufen');
    if (fehler) return fehlerAntwort(reply, 401, 'E100', 'Ungültiges Token');
    return undefined;
  });

  app.get('/api/Login/HealthCheck', async () => ({ level: 'Info', code: 'I501', description: 'API-Status: OK' } satisfies EpostMeldung));

  app.post('/api/Login', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const z = o.zugang;
    const ok = typeof b.vendorID === 'string' && typeof b.ekp === 'string' && typeof b.password === 'string' && typeof b.secret === 'string'
      && gleich(b.vendorID, z.vendorId) && gleich(b.ekp, z.ekp) && gleich(b.password, z.password) && gleich(b.secret, z.secret);
    if (!ok) return fehlerAntwort(reply, 401, 'E002', 'Anmeldung fehlgeschlagen: Vendor-ID, EKP, Passwort oder Secret falsch');
    return { token: token() };
  });

  app.post('/api/Letter', async (req, reply) => {
    const body = req.body;
    if (!Array.isArray(body) || body.length === 0) return fehlerAntwort(reply, 400, 'E400', 'Ungültige Anfrage: eine Liste von Briefen wird erwartet');
    const briefe: Array<{ l: EpostLetter; pdf: Buffer }> = [];
    for (const raw of body as unknown[]) {
      const l = raw as EpostLetter;
      if (!l || typeof l !== 'object' || typeof l.fileName !== 'string' || l.fileName.length < 5 || l.fileName.length > 200 || !/^[\w.\- ]+$/.test(l.fileName)) {
        return fehlerAntwort(reply, 400, 'E402', 'Ungültiger Dateiname (5–200 Zeichen, keine Sonderzeichen)');
      }
      if (typeof l.data !== 'string' || l.data.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(l.data)) {
        return fehlerAntwort(reply, 400, 'E401', 'Ungültige Daten: das Dokument ist nicht Base64-kodiert');
      }
      if (l.batchID !== undefined && (!Number.isInteger(l.batchID) || l.batchID < 0 || l.batchID > 0x7fffffff)) {
        return fehlerAntwort(reply, 400, 'E403', 'Ungültige batchID');
      }
      briefe.push({ l, pdf: Buffer.from(l.data, 'base64') });
    }
    // Group by batch: custom1 (the sender's batch key) or batchID.
    const gruppen = new Map<string, Array<{ l: EpostLetter; pdf: Buffer; letterID: number }>>();
    const idents: EpostLetterIdent[] = [];
    for (const { l, pdf } of briefe) {
      const letterID = naechsteLetterId++;
      idents.push({ fileName: l.fileName, letterID });
      const key = l.custom1 ?? (l.batchID !== undefined ? `epost-batch-${l.batchID}` : `epost-brief-${letterID}`);
      const g = gruppen.get(key) ?? [];
      g.push({ l, pdf, letterID });
      gruppen.set(key, g);
    }
    for (const [key, g] of gruppen) {
      const eingang: EingangsBrief[] = g.map(({ l, pdf, letterID }) => ({
        briefId: l.custom2 ?? `brief-${letterID}`,
        pdf,
        versandart: l.registeredLetter ? 'einschreiben' : 'standard',
        extra: {
          letterID, fileName: l.fileName,
          ...(l.batchID !== undefined ? { batchID: l.batchID } : {}),
          ...(l.custom1 !== undefined ? { custom1: l.custom1 } : {}),
          ...(l.custom2 !== undefined ? { custom2: l.custom2 } : {}),
          ...(l.registeredLetter ? { registeredLetter: l.registeredLetter } : {}),
        },
      }));
      await zentrum.nimmAuf(key, eingang, { anhaengen: true });
    }
    if (verzoegern.anzahl > 0) {
      verzoegern.anzahl -= 1;
      log.warn({ ms: verzoegern.ms }, 'fault: letters accepted, response delayed');
      await schlafe(verzoegern.ms);
    }
    return idents;
  });

  app.get('/api/Letter/Custom1', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const custom1 = q.custom1 ?? '';
    const warten = drossel(`custom1:${custom1}`);
    if (warten !== undefined) return fehlerAntwort(reply, 429, 'E322', 'Zu hohe Abfragefrequenz', warten);
    const nurProbleme = q.onlyIssues === 'true';
    return alleBriefe()
      .filter(({ b }) => b.extra.custom1 === custom1)
      .map(({ a, b }) => letterStatus(a, b))
      .filter((s) => !nurProbleme || s.statusID === 99);
  });

  app.get('/api/Letter/Batch', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const batchId = Number(q.batchId);
    const warten = drossel(`batch:${batchId}`);
    if (warten !== undefined) return fehlerAntwort(reply, 429, 'E322', 'Zu hohe Abfragefrequenz', warten);
    const nurProbleme = q.onlyIssues === 'true';
    return alleBriefe()
      .filter(({ b }) => b.extra.batchID === batchId)
      .map(({ a, b }) => letterStatus(a, b))
      .filter((s) => !nurProbleme || s.statusID === 99);
  });

  app.post('/api/Letter/StatusQuery', async (req, reply) => {
    const ids = Array.isArray(req.body) ? (req.body as unknown[]).filter((x): x is number => typeof x === 'number') : [];
    const warten = drossel(`ids:${[...ids].sort((x, y) => x - y).join(',')}`);
    if (warten !== undefined) return fehlerAntwort(reply, 429, 'E322', 'Zu hohe Abfragefrequenz', warten);
    const wanted = new Set(ids);
    return alleBriefe().filter(({ b }) => wanted.has(Number(b.extra.letterID))).map(({ a, b }) => letterStatus(a, b));
  });

  app.get('/api/Letter/:letterID', async (req, reply) => {
    const id = Number((req.params as { letterID: string }).letterID);
    const warten = drossel(`letter:${id}`);
    if (warten !== undefined) return fehlerAntwort(reply, 429, 'E322', 'Zu hohe Abfragefrequenz', warten);
    const hit = alleBriefe().find(({ b }) => Number(b.extra.letterID) === id);
    if (!hit) return fehlerAntwort(reply, 404, 'E201', 'Ungültige Statusabfrage');
    return letterStatus(hit.a, hit.b);
  });

  await app.listen({ host: o.host ?? '127.0.0.1', port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const url = `http://${o.host ?? '127.0.0.1'}:${port}`;
  log.info({ url }, 'E-POST API simulator listening');

  return {
    url,
    zentrum,
    anfragen: (route?: string) => (route ? zaehler.get(route) ?? 0 : [...zaehler.values()].reduce((n, v) => n + v, 0)),
    planeFehler: (f) => {
      geplant.push({ ...f, anzahl: f.anzahl ?? 1 });
    },
    antwortNachAnnahmeVerzoegern: (anzahl, ms) => {
      verzoegern.anzahl = anzahl;
      verzoegern.ms = ms;
    },
    anfrageHaengt: (anzahl, ms, route) => {
      haengen.anzahl = anzahl;
      haengen.ms = ms;
      haengen.route = route;
    },
    tokensAblaufen: () => {
      tokenGeneration += 1;
    },
    async stop() {
      for (const t of verzoegerungen) clearTimeout(t);
      verzoegerungen.clear();
      await app.close();
    },
  };
}
