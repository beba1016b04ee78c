/**
 * Types of an incoming document as it enters the engine (Posteingang).
 * The payload carries Sozialdaten potentially (the file name, later the content):
 * it travels only inside encrypted Temporal payloads.
 */
export type EingangsQuelle = 'scanner' | 'upload' | 'mail';

export interface EingangInput {
  /** SHA-256 of the file content (hex): the document's identity, also its idempotency key. */
  contentHash: string;
  quelle: EingangsQuelle;
  /** Day of receipt (YYYY-MM-DD, Europe/Berlin), not the day of processing. */
  eingangsdatum: string;
  /** Original file name as delivered (may contain personal data: never logged). */
  fileName: string;
  mediaType: string;
  bytes: number;
  /** Path of the durable copy in the engine's store, relative to the data dir. */
  storedPath: string;
  /** Hints the source gave (the citizen app's form): checked like anything read, never trusted blindly. */
  hinweise?: { bgNummer?: string; dokumentart?: string; betreff?: string };
  /** Id of the Stapel workflow that claimed this content and handed the file on (absent for single files). */
  stapelId?: string;
}

export interface EingangRecord extends EingangInput {
  registeredAt: string;
  verified: boolean;
  /** Another workflow (a Stapel) took this content first: its id; nothing is done twice. */
  doppeltVon?: string;
}

export type EingangStatus = 'erfasst' | 'registriert' | 'quarantaene';

export type EingangErgebnis = { status: 'registriert'; record: EingangRecord } | { status: 'quarantaene'; grund: string };

/** Workflow id of an incoming document: opaque, derived from the content hash only. */
export function eingangWorkflowId(contentHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(contentHash)) throw new Error('contentHash muss ein SHA-256-Hex-Wert sein');
  return `eingang-${contentHash.slice(0, 40)}`;
}

/**
 * Workflow id of a Stapel (batch) of incoming files: opaque, from the sorted content hashes, so the
 * same set of files handed over again (a retry after a crash) starts nothing new.
 */
export function stapelWorkflowId(contentHashes: readonly string[], sha256Hex: (s: string) => string): string {
  for (const h of contentHashes) if (!/^[0-9a-f]{64}$/.test(h)) throw new Error('contentHash muss ein SHA-256-Hex-Wert sein');
  return `stapel-${sha256Hex([...new Set(contentHashes)].sort().join('\n')).slice(0, 40)}`;
}

const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  xml: 'application/xml',
};

export function mediaTypeOf(fileName: string): string | undefined {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return MEDIA_TYPES[ext];
}
