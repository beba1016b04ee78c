/**
 * Adapter for an HTTP API in the manner of Deutsche Post's E-POSTBUSINESS API (protocol in
 * ./protocol.ts, README section "E-POST-API").
 *
 * - Login with vendor id, EKP, password and secret → token (JWT, valid 24 h). The token is
 *   renewed before it expires and once more when the API answers 401 (then the request is
 *   repeated once).
 * - A batch is uploaded as letters with base64 PDF; every letter carries the API's int32
 *   `batchID` (derived from the engine's batch id), `custom1` = engine batch id and
 *   `custom2` = letter id. The recipient fields are read from the letter's window
 *   (preflight.ts), so they are identical to what is printed.
 * - Exactly once: before uploading, the adapter asks the API which letters of this batch it
 *   already has (GET /api/Letter/Custom1) and uploads only the others — also after a first
 *   attempt whose answer never came.
 * - Polling: at most one status query per batch every 5 s. `status()` within 5 s of the last
 *   query returns the cached answer; no request is made.
 * - 429 and 5xx become TechnicalError (retried by the engine); Retry-After is respected: until
 *   it has passed, no request is made and the error carries `retryAfterMs`.
 */
import { berlinDate } from '../../../domain/zeit';
import type { Check } from '../../../scripts/stack/doctor';
import type { Logger } from '../../../platform/logger';
import type { Secret } from '../../credentials';
import { BusinessError, TechnicalError } from '../../errors';
import { FEHLERCODES } from '../fehlercodes';
import {
  gesamtStatus, istGueltigeKennung, pruefeAuftrag,
  type AuftragsStatus, type BriefStatus, type Druckauftrag, type Druckzentrum,
} from '../port';
import { pruefeBrief } from '../preflight';
import {
  EPOST_FEHLERCODES, EPOST_STATUS, epostBatchNummer, TOKEN_GUELTIGKEIT_MS,
  type EpostLetter, type EpostLetterIdent, type EpostLetterStatus, type EpostMeldung,
} from './protocol';

export interface EpostAdapterOptionen {
  /** Base URL, e.g. https://api.epost.docuguide.com or the simulator. */
  url: string;
  vendorId: string;
  ekp: string;
  passwort: Secret;
  secret: Secret;
  /** Timeout of one HTTP request. */
  timeoutMs: number;
  /** Letters per upload request (the API also limits a request to 300 MB). */
  maxBriefeProAnfrage?: number;
  log: Logger;
  /** Clock (tests): token expiry, polling interval, Retry-After. */
  now?: () => number;
}

/** A TechnicalError that says when the API may be asked again. */
export class EpostTechnischerFehler extends TechnicalError {
  constructor(code: string, message: string, public readonly retryAfterMs?: number, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Minimum interval between two status queries for the same batch. */
export const STATUS_MIN_INTERVALL_MS = 5000;
const MAX_ANFRAGE_BYTES = 200 * 1024 * 1024;
const TOKEN_RESERVE_MS = 5 * 60_000;

interface Antwort {
  status: number;
  body: unknown;
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function meldung(body: unknown): EpostMeldung | undefined {
  if (body && typeof body === 'object' && 'code' in body && typeof (body as EpostMeldung).code === 'string') return body as EpostMeldung;
  return undefined;
}

/** Recipient fields of the API from the window's lines: … name lines …, street, "PLZ Ort". */
export function anschriftFelder(zeilen: string[]): Partial<EpostLetter> {
  const i = zeilen.findLastIndex((z) => /^\d{5}\s+\S/.test(z));
  if (i < 1) return {};
  const m = /^(\d{5})\s+(.+)$/.exec(zeilen[i] as string);
  if (!m) return {};
  const felder: Partial<EpostLetter> = { zipCode: m[1], city: m[2] };
  const davor = zeilen.slice(0, i).slice(-5);
  const keys = ['addressLine1', 'addressLine2', 'addressLine3', 'addressLine4', 'addressLine5'] as const;
  davor.forEach((z, n) => {
    felder[keys[n] as (typeof keys)[number]] = z.slice(0, 100);
  });
  const land = zeilen[i + 1];
  if (land && land.toUpperCase() !== 'DEUTSCHLAND') felder.country = land.toUpperCase();
  return felder;
}

export class EpostDruckzentrum implements Druckzentrum {
  readonly adapter = 'epost';
  private readonly now: () => number;
  private readonly url: string;
  private token?: { wert: string; ablauf: number };
  private anmeldung?: Promise<string>;
  /** No request before this instant (Retry-After of a 429/503). */
  private gesperrtBis = 0;
  private readonly cache = new Map<string, { zeit: number; status?: AuftragsStatus }>();

  constructor(private readonly o: EpostAdapterOptionen) {
    this.now = o.now ?? Date.now;
    this.url = o.url.replace(/\/+$/, '');
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private async anfrage(method: string, pfad: string, body?: unknown, opt: { auth?: boolean; wiederholt?: boolean } = {}): Promise<Antwort> {
    const auth = opt.auth ?? true;
    const jetzt = this.now();
    if (jetzt < this.gesperrtBis) {
      const warten = this.gesperrtBis - jetzt;
      throw new EpostTechnischerFehler('RATE_LIMIT', `E-POST-API: erneute Anfrage erst in ${Math.ceil(warten / 1000)} s erlaubt.`, warten);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Bearer ${await this.gueltigesToken()}`;
    let res: Response;
    try {
      res = await fetch(`${this.url}${pfad}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new EpostTechnischerFehler('ZEITUEBERSCHREITUNG', `E-POST-API: keine Antwort innerhalb von ${this.o.timeoutMs} ms (${method} ${pfad.split('?')[0]}).`, undefined, { cause: err });
      }
      throw new EpostTechnischerFehler('NETZWERK', `E-POST-API nicht erreichbar (${(err as Error).message}).`, undefined, { cause: err });
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (res.ok) throw new EpostTechnischerFehler('ANTWORT_UNGUELTIG', `E-POST-API: Antwort ist kein JSON (${method} ${pfad.split('?')[0]}).`);
      }
    }
    const m = meldung(parsed);
    const beschreibung = m ? `${m.code}: ${m.description}` : `HTTP ${res.status}`;
    if (res.status === 401 && auth && !opt.wiederholt) {
      // Token expired or revoked: log in again and repeat the request once.
      this.o.log.info({ code: m?.code }, 'E-POST token rejected, logging in again');
      this.token = undefined;
      return this.anfrage(method, pfad, body, { ...opt, wiederholt: true });
    }
    if (res.status === 401) {
      throw new EpostTechnischerFehler('ANMELDUNG_FEHLGESCHLAGEN', `E-POST-API: Anmeldung abgelehnt (${beschreibung}). Zugangsdaten prüfen.`);
    }
    if (res.status === 429 || res.status >= 500) {
      const ra = retryAfterMs(res.headers.get('retry-after'), this.now()) ?? (res.status === 429 ? STATUS_MIN_INTERVALL_MS : undefined);
      if (ra !== undefined) this.gesperrtBis = Math.max(this.gesperrtBis, this.now() + ra);
      const code = res.status === 429 ? 'RATE_LIMIT' : `HTTP_${res.status}`;
      throw new EpostTechnischerFehler(code, `E-POST-API: ${res.status === 429 ? 'zu viele Anfragen' : 'Serverfehler'} (${beschreibung}).`, ra);
    }
    if (res.status === 400 || res.status === 422) {
      throw new BusinessError('ANFRAGE_ABGELEHNT', `E-POST-API hat die Anfrage abgelehnt (${beschreibung}).`);
    }
    if (res.status === 404) return { status: 404, body: parsed };
    if (!res.ok) throw new EpostTechnischerFehler(`HTTP_${res.status}`, `E-POST-API: unerwartete Antwort (${beschreibung}).`);
    return { status: res.status, body: parsed };
  }

  private async gueltigesToken(): Promise<string> {
    if (this.token && this.now() < this.token.ablauf - TOKEN_RESERVE_MS) return this.token.wert;
    this.anmeldung ??= this.anmelden().finally(() => {
      this.anmeldung = undefined;
    });
    return this.anmeldung;
  }

  private async anmelden(): Promise<string> {
    const r = await this.anfrage('POST', '/api/Login', {
      vendorID: this.o.vendorId,
      ekp: this.o.ekp,
      secret: this.o.secret.reveal(),
      password: this.o.passwort.reveal(),
    }, { auth: false });
    const wert = (r.body as { token?: unknown } | undefined)?.token;
    if (r.status !== 200 || typeof wert !== 'string' || wert === '') {
      throw new EpostTechnischerFehler('ANMELDUNG_FEHLGESCHLAGEN', 'E-POST-API: Anmeldung lieferte kein Token.');
    }
    let ablauf = this.now() + TOKEN_GUELTIGKEIT_MS;
    try {
      const exp = (JSON.parse(Buffer.from(wert.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
      if (typeof exp === 'number') ablauf = exp * 1000;
    } catch {
      /* opaque token: assume the documented 24 h */
    }
    this.token = { wert, ablauf };
    this.o.log.info({ gueltigBis: new Date(ablauf).toISOString() }, 'E-POST login');
    return wert;
  }

  // ---- port -----------------------------------------------------------------------------------

  /** The letters of one engine batch at the API (custom1 = batch id), with the polling limit. */
  private async briefeDesAuftrags(batchId: string): Promise<EpostLetterStatus[]> {
    const letzte = this.cache.get(batchId);
    const jetzt = this.now();
    if (letzte && jetzt - letzte.zeit < STATUS_MIN_INTERVALL_MS) {
      const warten = STATUS_MIN_INTERVALL_MS - (jetzt - letzte.zeit);
      throw new EpostTechnischerFehler('RATE_LIMIT', `E-POST-API: Status dieses Auftrags frühestens in ${Math.ceil(warten / 1000)} s erneut abfragen.`, warten);
    }
    this.cache.set(batchId, { zeit: jetzt, status: letzte?.status });
    const r = await this.anfrage('GET', `/api/Letter/Custom1?custom1=${encodeURIComponent(batchId)}&onlyIssues=false`);
    if (r.status === 404) return [];
    if (!Array.isArray(r.body)) throw new EpostTechnischerFehler('ANTWORT_UNGUELTIG', 'E-POST-API: Statusliste erwartet.');
    const nummer = epostBatchNummer(batchId);
    return (r.body as EpostLetterStatus[]).filter((s) => s && s.custom1 === batchId && (s.batchID === undefined || s.batchID === nummer));
  }

  async submit(batch: Druckauftrag): Promise<{ auftragsId: string; neu: boolean }> {
    pruefeAuftrag(batch);
    const { batchId } = batch;
    const vorhanden = await this.briefeDesAuftrags(batchId);
    const schonDa = new Set(vorhanden.map((s) => s.custom2));
    const fehlend = batch.briefe.filter((b) => !schonDa.has(b.briefId));
    const nummer = epostBatchNummer(batchId);
    const hochgeladen: Array<{ briefId: string; ident: EpostLetterIdent }> = [];
    if (fehlend.length > 0) {
      const letters = await Promise.all(fehlend.map(async (b): Promise<EpostLetter> => {
        const p = await pruefeBrief(b.pdf);
        return {
          fileName: `${b.briefId}.pdf`,
          data: b.pdf.toString('base64'),
          isColor: false,
          isDuplex: true,
          batchID: nummer,
          custom1: batchId,
          custom2: b.briefId,
          registeredLetter: b.versandart === 'einschreiben' ? 'Einwurf Einschreiben' : null,
          activateDuplicateFailsafe: true,
          ...anschriftFelder(p.anschrift),
        };
      }));
      const max = this.o.maxBriefeProAnfrage ?? 50;
      let teil: EpostLetter[] = [];
      let bytes = 0;
      const senden = async () => {
        if (teil.length === 0) return;
        const r = await this.anfrage('POST', '/api/Letter', teil);
        const idents = Array.isArray(r.body) ? (r.body as EpostLetterIdent[]) : [];
        if (idents.length !== teil.length) throw new EpostTechnischerFehler('ANTWORT_UNGUELTIG', 'E-POST-API: nicht für jeden Brief eine Brief-ID erhalten.');
        idents.forEach((ident, i) => hochgeladen.push({ briefId: (teil[i] as EpostLetter).custom2 as string, ident }));
        teil = [];
        bytes = 0;
      };
      for (const l of letters) {
        if (teil.length >= max || (teil.length > 0 && bytes + l.data.length > MAX_ANFRAGE_BYTES)) await senden();
        teil.push(l);
        bytes += l.data.length;
      }
      await senden();
      this.o.log.info({ batchId, briefe: hochgeladen.length, schonVorhanden: vorhanden.length }, 'batch uploaded to E-POST');
    } else {
      this.o.log.info({ batchId }, 'batch already at E-POST, nothing uploaded');
    }
    // What we know right now, as the answer to a status() within the polling interval.
    const jetzt = new Date(this.now()).toISOString();
    const briefe: BriefStatus[] = [
      ...this.abbilden(vorhanden),
      ...hochgeladen.map(({ briefId }) => ({ briefId, status: 'angenommen' as const })),
    ];
    this.cache.set(batchId, { zeit: this.cache.get(batchId)?.zeit ?? this.now(), status: { auftragsId: batchId, status: gesamtStatus(briefe), briefe, aktualisiertAm: jetzt } });
    return { auftragsId: batchId, neu: vorhanden.length === 0 };
  }

  private abbilden(liste: EpostLetterStatus[]): BriefStatus[] {
    const jeBrief = new Map<string, EpostLetterStatus>();
    for (const s of [...liste].sort((a, b) => a.letterID - b.letterID)) {
      const id = s.custom2 ?? `brief-${s.letterID}`;
      if (!jeBrief.has(id)) jeBrief.set(id, s);
    }
    return [...jeBrief.entries()].map(([briefId, s]) => {
      const status = EPOST_STATUS[s.statusID];
      if (!status) throw new EpostTechnischerFehler('STATUS_UNBEKANNT', `E-POST-API: unbekannter Status ${String(s.statusID).slice(0, 10)}.`);
      const b: BriefStatus = { briefId, status };
      if (status === 'fehler') {
        const f = (s.errorList ?? []).find((e) => e.level === 'Error') ?? s.errorList?.[0];
        b.fehlercode = f ? EPOST_FEHLERCODES[f.code] ?? `EPOST_${f.code}` : 'SONSTIGER_FEHLER';
        b.grund = f?.description || FEHLERCODES.SONSTIGER_FEHLER;
      }
      if (status === 'an_post_uebergeben') {
        const t = s.printFeedbackDate ?? s.printUploadDate ?? s.processedDate ?? s.createdDate;
        const d = Date.parse(t ?? '');
        if (!Number.isNaN(d)) b.postausgangsdatum = berlinDate(new Date(d));
      }
      return b;
    });
  }

  async status(auftragsId: string): Promise<AuftragsStatus> {
    const unbekannt = () => new BusinessError('AUFTRAG_UNBEKANNT', 'Dieser Druckauftrag ist dem Zentraldruck nicht bekannt.');
    if (!istGueltigeKennung(auftragsId)) throw unbekannt();
    const c = this.cache.get(auftragsId);
    if (c?.status && this.now() - c.zeit < STATUS_MIN_INTERVALL_MS) return c.status;
    if (c && !c.status && this.now() - c.zeit < STATUS_MIN_INTERVALL_MS) {
      const warten = STATUS_MIN_INTERVALL_MS - (this.now() - c.zeit);
      throw new EpostTechnischerFehler('RATE_LIMIT', `E-POST-API: Status dieses Auftrags frühestens in ${Math.ceil(warten / 1000)} s erneut abfragen.`, warten);
    }
    const liste = await this.briefeDesAuftrags(auftragsId);
    if (liste.length === 0) throw unbekannt();
    const briefe = this.abbilden(liste);
    const zeiten = liste.flatMap((s) => [s.createdDate, s.processedDate, s.printUploadDate, s.printFeedbackDate]).map((t) => Date.parse(t ?? '')).filter((t) => !Number.isNaN(t));
    const status: AuftragsStatus = {
      auftragsId,
      status: gesamtStatus(briefe),
      briefe,
      aktualisiertAm: new Date(zeiten.length > 0 ? Math.max(...zeiten) : this.now()).toISOString(),
    };
    this.cache.set(auftragsId, { zeit: this.cache.get(auftragsId)?.zeit ?? this.now(), status });
    return status;
  }

  async health(): Promise<Check> {
    const base = { id: 'druckzentrum', label: 'Zentraldruck (E-POST-API)', required: true };
    try {
      const r = await this.anfrage('GET', '/api/Login/HealthCheck', undefined, { auth: false });
      const m = meldung(r.body);
      if (r.status !== 200 || (m && m.level === 'Error')) {
        return { ...base, ok: false, detail: `${this.url}: ${m ? `${m.code} ${m.description}` : `HTTP ${r.status}`}`, fix: 'Störungsmeldungen des Anbieters prüfen; die Engine versucht es weiter.' };
      }
      await this.gueltigesToken();
      return { ...base, ok: true, detail: `${this.url}: ${m ? m.description : 'erreichbar'}, angemeldet` };
    } catch (err) {
      return { ...base, ok: false, detail: `${this.url}: ${(err as Error).message}`, fix: 'EPOST_URL, EPOST_VENDOR_ID, EPOST_EKP, EPOST_PASSWORD(_FILE) und EPOST_SECRET(_FILE) prüfen; Netzwerkweg zur API prüfen.' };
    }
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.token = undefined;
  }
}
