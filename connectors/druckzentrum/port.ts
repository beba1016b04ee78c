/**
 * Port of the print-and-mail centre (Zentraldruck): what the engine needs from it, in domain
 * language. Every adapter (drop folder with manifest, E-POSTBUSINESS-style HTTP API)
 * implements exactly this; the contract tests (test/contract/druckzentrum.contract.ts) prove it.
 *
 * Exactly once: `submit` is idempotent by `batchId` (chosen by the engine, e.g. derived from a
 * workflow id). Submitting the same batch again — also after a first attempt that timed out
 * with unknown result — never posts a letter twice: the adapter looks the batch up at the
 * centre (or in its journal) before it hands anything over.
 */
import type { Check } from '../../scripts/stack/doctor';
import { BusinessError } from '../errors';

/** Calendar day, YYYY-MM-DD (Europe/Berlin). */
export type Tag = string;

export type Versandart = 'standard' | 'einschreiben';

export interface Brief {
  /** Opaque key of the letter chosen by the engine ([A-Za-z0-9._-], no personal data). */
  briefId: string;
  pdf: Buffer;
  /** Page count as the engine knows it; the adapter counts itself when absent. */
  seiten?: number;
  versandart?: Versandart;
}

export interface Druckauftrag {
  /** Engine-chosen idempotency key of the batch ([A-Za-z0-9._-], no personal data). */
  batchId: string;
  briefe: Brief[];
}

/**
 * Progression of a letter: angenommen → in_verarbeitung → im_druckzentrum →
 * an_post_uebergeben, or fehler (rejected, with code and German reason).
 */
export type DruckStatus = 'angenommen' | 'in_verarbeitung' | 'im_druckzentrum' | 'an_post_uebergeben' | 'fehler';

export interface BriefStatus {
  briefId: string;
  status: DruckStatus;
  /** Set when status is 'fehler' (see fehlercodes.ts). */
  fehlercode?: string;
  /** German reason for a person, without personal data. */
  grund?: string;
  /** Day the letter was handed to Deutsche Post (status 'an_post_uebergeben'). */
  postausgangsdatum?: Tag;
}

export interface AuftragsStatus {
  auftragsId: string;
  /**
   * Status of the batch: 'fehler' only when every letter failed; otherwise the least advanced
   * status among the letters that did not fail (see gesamtStatus).
   */
  status: DruckStatus;
  briefe: BriefStatus[];
  /** ISO timestamp of the centre's latest report on this batch. */
  aktualisiertAm: string;
}

export interface Druckzentrum {
  readonly adapter: string;
  /**
   * Hands a batch to the centre. `neu` is false when the centre already had this batchId
   * (nothing was handed over again). BusinessError for an invalid batch (empty, bad ids);
   * TechnicalError when the centre cannot be reached (retry: it is safe).
   */
  submit(batch: Druckauftrag): Promise<{ auftragsId: string; neu: boolean }>;
  /** BusinessError 'AUFTRAG_UNBEKANNT' for an id the centre does not know. */
  status(auftragsId: string): Promise<AuftragsStatus>;
  health(): Promise<Check>;
  close(): Promise<void>;
}

export const STATUS_REIHENFOLGE: readonly DruckStatus[] = ['angenommen', 'in_verarbeitung', 'im_druckzentrum', 'an_post_uebergeben'];

/** true for the two states a letter never leaves. */
export function istEndstatus(s: DruckStatus): boolean {
  return s === 'an_post_uebergeben' || s === 'fehler';
}

/** Batch status from its letters: the least advanced non-failed letter; 'fehler' if all failed. */
export function gesamtStatus(briefe: Array<Pick<BriefStatus, 'status'>>): DruckStatus {
  const offen = briefe.filter((b) => b.status !== 'fehler');
  if (offen.length === 0) return briefe.length === 0 ? 'angenommen' : 'fehler';
  let min = STATUS_REIHENFOLGE.length - 1;
  for (const b of offen) min = Math.min(min, STATUS_REIHENFOLGE.indexOf(b.status));
  return STATUS_REIHENFOLGE[min] ?? 'angenommen';
}

/** Ids of batches and letters end up in file names and API fields: keep them plain and short. */
const KENNUNG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export function istGueltigeKennung(id: string): boolean {
  return KENNUNG.test(id) && !id.includes('..');
}

/** Checks a batch before any adapter touches the centre; BusinessError when it cannot be sent. */
export function pruefeAuftrag(batch: Druckauftrag): void {
  if (!istGueltigeKennung(batch.batchId)) {
    throw new BusinessError('UNGUELTIGE_KENNUNG', 'Die Auftragskennung ist ungültig (erlaubt: Buchstaben, Ziffern, Punkt, Binde- und Unterstrich, höchstens 80 Zeichen).');
  }
  if (batch.briefe.length === 0) throw new BusinessError('LEERER_AUFTRAG', 'Der Druckauftrag enthält keine Briefe.');
  const gesehen = new Set<string>();
  for (const b of batch.briefe) {
    if (!istGueltigeKennung(b.briefId)) {
      throw new BusinessError('UNGUELTIGE_KENNUNG', 'Eine Briefkennung im Auftrag ist ungültig (erlaubt: Buchstaben, Ziffern, Punkt, Binde- und Unterstrich, höchstens 80 Zeichen).');
    }
    if (gesehen.has(b.briefId)) throw new BusinessError('BRIEF_DOPPELT', `Die Briefkennung ${b.briefId} kommt im Auftrag mehrfach vor.`);
    gesehen.add(b.briefId);
    if (!Buffer.isBuffer(b.pdf) || b.pdf.length === 0) throw new BusinessError('BRIEF_LEER', `Der Brief ${b.briefId} hat keinen Inhalt.`);
    if (b.seiten !== undefined && (!Number.isInteger(b.seiten) || b.seiten < 1)) {
      throw new BusinessError('SEITENZAHL_UNGUELTIG', `Die Seitenzahl des Briefs ${b.briefId} ist ungültig.`);
    }
  }
}
