/**
 * Client of the DMS's small read API (README: "Lese-API"): look up a document by id, search,
 * download content, status. Every failure becomes a TechnicalError (timeout, connection refused,
 * HTTP 5xx, 401/403, malformed JSON) or a BusinessError (the DMS refused the query: HTTP 400,
 * too many hits); a missing document is `null`, not an error.
 */
import { z } from 'zod';
import { BusinessError, TechnicalError } from '../../errors';
import type { Secret } from '../../credentials';
import type { DokumentInfo, DokumentSuche } from '../port';
import { sha256 } from './files';

const tag = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const dokumentInfoSchema = z.object({
  dokumentId: z.string(),
  ablageort: z.string(),
  dateiname: z.string(),
  mimeType: z.string(),
  groesse: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  abgelegtAm: z.string(),
  metadaten: z.object({
    bgNummer: z.string(),
    aktenzeichen: z.string().optional(),
    betreff: z.string(),
    dokumentart: z.string(),
    kennzeichen: z.string().optional(),
    posteingangsdatum: tag.optional(),
    postausgangsdatum: tag.optional(),
    vorgang: z.string().optional(),
  }),
});

const suchergebnisSchema = z.object({ dokumente: z.array(dokumentInfoSchema), weitere: z.boolean() });
const statusSchema = z.object({ ok: z.boolean(), system: z.string().optional(), dokumente: z.number().optional() });

export interface DmsApiOptions {
  baseUrl: string;
  token: Secret;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Strips undefined optionals so results compare equal to what was filed. */
function bereinige(info: z.infer<typeof dokumentInfoSchema>): DokumentInfo {
  const m = info.metadaten;
  const metadaten = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as DokumentInfo['metadaten'];
  return { ...info, metadaten };
}

export class DmsApiClient {
  readonly #o: DmsApiOptions;
  readonly #fetch: typeof fetch;

  constructor(o: DmsApiOptions) {
    this.#o = { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
    this.#fetch = o.fetch ?? fetch;
  }

  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  async #request(pfad: string): Promise<Response> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#o.baseUrl}${pfad}`, {
        headers: { authorization: `Bearer ${this.#o.token.reveal()}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new TechnicalError('EAKTE_API_ZEITUEBERSCHREITUNG', `Die Lese-API der E-Akte hat nicht innerhalb von ${this.#o.timeoutMs} ms geantwortet.`, { cause: err });
      }
      throw new TechnicalError('EAKTE_API_NICHT_ERREICHBAR', `Die Lese-API der E-Akte ist nicht erreichbar (${this.#o.baseUrl}).`, { cause: err });
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new TechnicalError('EAKTE_API_ANMELDUNG', `Die Lese-API der E-Akte hat die Anmeldung abgelehnt (HTTP ${res.status}); EAKTE_API_TOKEN prüfen.`);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw new TechnicalError('EAKTE_API_FEHLER', `Die Lese-API der E-Akte meldet einen Fehler (HTTP ${res.status}).`);
    }
    return res;
  }

  async #json(res: Response): Promise<unknown> {
    try {
      return await res.json();
    } catch (err) {
      throw new TechnicalError('EAKTE_API_ANTWORT_UNGUELTIG', 'Die Lese-API der E-Akte hat keine gültige JSON-Antwort geliefert.', { cause: err });
    }
  }

  #parse<T>(schema: z.ZodType<T>, data: unknown): T {
    const r = schema.safeParse(data);
    if (!r.success) throw new TechnicalError('EAKTE_API_ANTWORT_UNGUELTIG', 'Die Antwort der Lese-API der E-Akte hat ein unerwartetes Format.');
    return r.data;
  }

  async #unerwartet(res: Response): Promise<never> {
    await res.body?.cancel();
    if (res.status === 400) throw new BusinessError('EAKTE_ANFRAGE_ABGELEHNT', 'Die E-Akte hat die Anfrage als ungültig abgelehnt.');
    throw new TechnicalError('EAKTE_API_FEHLER', `Die Lese-API der E-Akte hat unerwartet geantwortet (HTTP ${res.status}).`);
  }

  /** The document's metadata, or null when the DMS does not know the id. */
  async dokument(dokumentId: string): Promise<DokumentInfo | null> {
    const res = await this.#request(`/api/dokumente/${encodeURIComponent(dokumentId)}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) return this.#unerwartet(res);
    return bereinige(this.#parse(dokumentInfoSchema, await this.#json(res)));
  }

  /** Content of a document; verified against the checksum the DMS reported. */
  async inhalt(info: DokumentInfo): Promise<Buffer | null> {
    const res = await this.#request(`/api/dokumente/${encodeURIComponent(info.dokumentId)}/inhalt`);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) return this.#unerwartet(res);
    let buf: Buffer;
    try {
      buf = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new TechnicalError('EAKTE_API_ABBRUCH', 'Die Übertragung des Dokuments aus der E-Akte wurde abgebrochen.', { cause: err });
    }
    if (sha256(buf) !== info.sha256) {
      throw new TechnicalError('EAKTE_API_PRUEFSUMME', 'Das aus der E-Akte geladene Dokument stimmt nicht mit seiner Prüfsumme überein.');
    }
    return buf;
  }

  async suche(q: DokumentSuche): Promise<DokumentInfo[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && v !== '') params.set(k, v);
    const res = await this.#request(`/api/dokumente?${params.toString()}`);
    if (res.status !== 200) return this.#unerwartet(res);
    const r = this.#parse(suchergebnisSchema, await this.#json(res));
    if (r.weitere) {
      throw new BusinessError('EAKTE_TREFFER_ZU_VIELE', 'Die Suche in der E-Akte ergibt zu viele Treffer; bitte die Suche eingrenzen.');
    }
    return r.dokumente.map(bereinige);
  }

  async status(): Promise<{ ok: boolean; detail: string }> {
    const res = await this.#request('/api/status');
    if (res.status !== 200) return this.#unerwartet(res);
    const s = this.#parse(statusSchema, await this.#json(res));
    return { ok: s.ok, detail: `${s.system ?? 'E-Akte'}${s.dokumente !== undefined ? `, ${s.dokumente} Dokumente` : ''}` };
  }
}
