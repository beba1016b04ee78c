/**
 * What both file-based adapters share: input checks, the idempotency check through the read
 * API before anything is written, one filing per document id at a time, find/get through the
 * read API, and the health check.
 */
import { BusinessError } from '../../errors';
import type { Logger } from '../../../platform/logger';
import type { Check } from '../../../scripts/stack/doctor';
import { normalizeBgNummer } from '../../../domain/identifiers';
import type { EAkteConfig } from '../config';
import type { AblageDokument, Ablageergebnis, Ablagemetadaten, DokumentInfo, DokumentSuche, EAkte } from '../port';
import { DmsApiClient } from './api-client';
import { istUuid, KeyedLock, ordnerBeschreibbar } from './files';

const TAG_RE = /^\d{4}-\d{2}-\d{2}$/;

export function istTag(s: string): boolean {
  if (!TAG_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function ungueltig(code: string, message: string): BusinessError {
  return new BusinessError(code, message);
}

/** Checks what the engine hands over; returns the metadata with a normalised BG-Nummer. */
export function pruefeAblage(dokument: AblageDokument, metadaten: Ablagemetadaten): Ablagemetadaten {
  if (typeof dokument.dokumentId !== 'string' || !istUuid(dokument.dokumentId)) {
    throw ungueltig('DOKUMENT_ID_UNGUELTIG', 'Die Dokument-ID ist keine UUID.');
  }
  if (!Buffer.isBuffer(dokument.inhalt) || dokument.inhalt.length === 0) throw ungueltig('DATEI_LEER', 'Die Dokumentdatei ist leer.');
  if (typeof dokument.dateiname !== 'string' || dokument.dateiname.trim() === '') throw ungueltig('METADATEN_UNVOLLSTAENDIG', 'Der Dateiname fehlt.');
  if (typeof dokument.mimeType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(dokument.mimeType)) {
    throw ungueltig('METADATEN_UNGUELTIG', 'Der MIME-Typ des Dokuments ist ungültig.');
  }
  if (typeof metadaten.betreff !== 'string' || metadaten.betreff.trim() === '') throw ungueltig('METADATEN_UNVOLLSTAENDIG', 'Der Betreff fehlt.');
  if (typeof metadaten.dokumentart !== 'string' || metadaten.dokumentart.trim() === '') throw ungueltig('METADATEN_UNVOLLSTAENDIG', 'Die Dokumentart fehlt.');
  if (typeof metadaten.bgNummer !== 'string' || metadaten.bgNummer.trim() === '') throw ungueltig('METADATEN_UNVOLLSTAENDIG', 'Die BG-Nummer fehlt.');
  for (const [feld, wert] of [['Posteingangsdatum', metadaten.posteingangsdatum], ['Postausgangsdatum', metadaten.postausgangsdatum]] as const) {
    if (wert !== undefined && !istTag(wert)) throw ungueltig('METADATEN_UNGUELTIG', `Das ${feld} ist kein gültiges Datum (JJJJ-MM-TT).`);
  }
  // A BG-Nummer written in the wild is normalised; anything else goes to the DMS as it is,
  // and the DMS decides (and says why) — the engine does not second-guess the DMS's rules.
  const out: Ablagemetadaten = { ...metadaten, bgNummer: normalizeBgNummer(metadaten.bgNummer) ?? metadaten.bgNummer.trim() };
  for (const k of Object.keys(out) as Array<keyof Ablagemetadaten>) if (out[k] === undefined) delete out[k];
  return out;
}

export function pruefeSuche(q: DokumentSuche): DokumentSuche {
  const out: DokumentSuche = {};
  if (q.bgNummer !== undefined) out.bgNummer = normalizeBgNummer(q.bgNummer) ?? q.bgNummer.trim();
  if (q.dokumentart !== undefined) out.dokumentart = q.dokumentart.trim();
  for (const k of ['von', 'bis'] as const) {
    const v = q[k];
    if (v !== undefined) {
      if (!istTag(v)) throw ungueltig('SUCHE_UNGUELTIG', `Das Suchdatum „${k}“ ist kein gültiges Datum (JJJJ-MM-TT).`);
      out[k] = v;
    }
  }
  if (out.von && out.bis && out.von > out.bis) throw ungueltig('SUCHE_UNGUELTIG', 'Der Suchzeitraum endet vor seinem Beginn.');
  return out;
}

export interface EAkteDeps {
  log?: Logger;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

export abstract class EAkteBasis implements EAkte {
  abstract readonly adapter: string;
  protected readonly api: DmsApiClient;
  protected geschlossen = false;
  readonly #lock = new KeyedLock();

  constructor(protected readonly cfg: EAkteConfig, protected readonly log: Logger | undefined, deps: EAkteDeps) {
    this.api = new DmsApiClient({ baseUrl: cfg.api.url, token: cfg.api.token, timeoutMs: cfg.api.timeoutMs, fetch: deps.fetch });
  }

  /** Hands the document to the DMS and waits for its answer (the document is not there yet). */
  protected abstract uebergeben(dokument: AblageDokument, metadaten: Ablagemetadaten): Promise<Ablageergebnis>;
  /** Removes leftovers (results, receipts) of earlier attempts for a document that is filed. */
  protected abstract aufraeumen(dokumentId: string): Promise<void>;
  /** Exchange folders this adapter writes to and reads from. */
  protected abstract ordner(): Array<{ name: string; dir: string }>;
  protected abstract readonly label: string;

  async file(dokument: AblageDokument, metadaten: Ablagemetadaten): Promise<Ablageergebnis> {
    const m = pruefeAblage(dokument, metadaten);
    const id = dokument.dokumentId.toLowerCase();
    const doc = { ...dokument, dokumentId: id };
    return this.#lock.run(id, async () => {
      // Idempotency first: is the document already in the E-Akte (an earlier attempt)?
      const vorhanden = await this.api.dokument(id);
      if (vorhanden) {
        await this.aufraeumen(id);
        this.log?.info({ dokumentId: id, adapter: this.adapter }, 'E-Akte: Dokument war bereits abgelegt');
        return { dokumentId: id, ablageort: vorhanden.ablageort, neu: false };
      }
      const r = await this.uebergeben(doc, m);
      this.log?.info({ dokumentId: id, adapter: this.adapter, neu: r.neu }, 'E-Akte: Dokument abgelegt');
      return r;
    });
  }

  async find(query: DokumentSuche): Promise<DokumentInfo[]> {
    return this.api.suche(pruefeSuche(query));
  }

  async get(dokumentId: string): Promise<(DokumentInfo & { inhalt: Buffer }) | null> {
    if (typeof dokumentId !== 'string' || !istUuid(dokumentId)) return null;
    const info = await this.api.dokument(dokumentId.toLowerCase());
    if (!info) return null;
    const inhalt = await this.api.inhalt(info);
    return inhalt ? { ...info, inhalt } : null;
  }

  async health(): Promise<Check> {
    const probleme: string[] = [];
    for (const o of this.ordner()) {
      const p = await ordnerBeschreibbar(o.dir);
      if (p) probleme.push(`${o.name}: ${p}`);
    }
    let apiDetail = '';
    try {
      const s = await this.api.status();
      apiDetail = s.detail;
      if (!s.ok) probleme.push('Lese-API meldet: nicht betriebsbereit');
    } catch (err) {
      probleme.push((err as Error).message);
    }
    return {
      id: 'eakte',
      label: this.label,
      required: true,
      ok: probleme.length === 0,
      detail: probleme.length === 0 ? `${apiDetail} (${this.api.baseUrl}); Ordner: ${this.ordner().map((o) => o.dir).join(', ')}` : probleme.join('; '),
      fix: probleme.length === 0 ? undefined : 'Übergabeordner anlegen/freigeben (EAKTE_*_DIR), EAKTE_API_URL und EAKTE_API_TOKEN prüfen; lokal: Simulatoren mit `npm start` starten.',
    };
  }

  async close(): Promise<void> {
    this.geschlossen = true;
  }
}
