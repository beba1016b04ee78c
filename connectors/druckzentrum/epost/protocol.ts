/**
 * Wire format of the HTTP API in the manner of Deutsche Post's E-POSTBUSINESS API, shared by
 * the adapter and the simulator. Followed from stored public material (DHL developer portal
 * overview of the "E-POSTBUSINESS API", open-source clients in PHP, Go, C# and TypeScript):
 *
 *   POST /api/Login               {vendorID, ekp, secret, password} → {token} (JWT)
 *   GET  /api/Login/HealthCheck   → {level, code, description}      (no token)
 *   POST /api/Letter              [Letter, …] → [{fileName, letterID}]
 *   GET  /api/Letter/{letterID}   → LetterStatus                     (404 E201 if unknown)
 *   GET  /api/Letter/Custom1?custom1=…&onlyIssues=false → [LetterStatus]
 *   GET  /api/Letter/Batch?batchId=…&onlyIssues=false   → [LetterStatus]
 *   POST /api/Letter/StatusQuery  [letterID, …] → [LetterStatus]
 *
 * statusID: 1 accepted, 2 processing, 3 at the print centre, 4 handed to Deutsche Post,
 * 99 error (errorList with codes). Errors: {level, code, description}; 401 E101 expired
 * token, 404 E201 unknown letter, 429 E322 too many queries (codes seen in those clients).
 * The letter reject codes E410–E416 below are this project's own: the stored material did not
 * contain the real catalogue. A site maps its codes in EPOST_FEHLERCODES.
 */
import { createHash } from 'node:crypto';
import type { Fehlercode } from '../fehlercodes';
import type { DruckStatus } from '../port';

export interface EpostLetter {
  /** 5–200 characters, unique per letter. */
  fileName: string;
  /** The PDF, base64. */
  data: string;
  isColor?: boolean;
  isDuplex?: boolean;
  /** int32 grouping letters of one batch. */
  batchID?: number;
  /** Free fields returned with every status; custom1 = engine batch id, custom2 = letter id. */
  custom1?: string;
  custom2?: string;
  registeredLetter?: 'Einwurf Einschreiben' | 'Einschreiben' | 'Einschreiben Rückschein' | null;
  activateDuplicateFailsafe?: boolean;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  addressLine4?: string;
  addressLine5?: string;
  zipCode?: string;
  city?: string;
  country?: string;
}

export interface EpostLetterIdent {
  fileName: string;
  letterID: number;
}

export interface EpostMeldung {
  level: 'Error' | 'Warning' | 'Info';
  code: string;
  description: string;
  date?: string;
}

export interface EpostLetterStatus {
  letterID: number;
  fileName: string;
  statusID: number;
  statusDetails?: string | null;
  createdDate: string;
  processedDate?: string | null;
  printUploadDate?: string | null;
  printFeedbackDate?: string | null;
  batchID?: number;
  noOfPages?: number;
  custom1?: string | null;
  custom2?: string | null;
  registeredLetter?: string | null;
  errorList?: EpostMeldung[];
}

export const EPOST_STATUS: Record<number, DruckStatus> = {
  1: 'angenommen',
  2: 'in_verarbeitung',
  3: 'im_druckzentrum',
  4: 'an_post_uebergeben',
  99: 'fehler',
};

export const EPOST_STATUS_ID: Record<DruckStatus, number> = {
  angenommen: 1,
  in_verarbeitung: 2,
  im_druckzentrum: 3,
  an_post_uebergeben: 4,
  fehler: 99,
};

export const EPOST_STATUS_TEXT: Record<number, string> = {
  1: 'Brief angenommen',
  2: 'Brief wird verarbeitet',
  3: 'Brief im Druckzentrum',
  4: 'Brief an die Deutsche Post übergeben',
  99: 'Fehler bei der Verarbeitung',
};

/** Letter reject codes of the API → reject codes of the port. */
export const EPOST_FEHLERCODES: Record<string, Fehlercode> = {
  E410: 'KEIN_PDF',
  E411: 'PDF_VERSCHLUESSELT',
  E412: 'FORMAT_NICHT_A4_HOCH',
  E413: 'SCHRIFT_NICHT_EINGEBETTET',
  E414: 'ADRESSE_AUSSERHALB_FENSTER',
  E415: 'DUPLIKAT',
  E416: 'SEITENZAHL_ABWEICHEND',
};

export const EPOST_CODE_FUER: Partial<Record<Fehlercode, string>> = Object.fromEntries(
  Object.entries(EPOST_FEHLERCODES).map(([code, f]) => [f, code]),
);

/** The API's batchID is an int32: derived from the engine's batch id (1 … 2^31-1). */
export function epostBatchNummer(batchId: string): number {
  const n = createHash('sha256').update(batchId, 'utf8').digest().readUInt32BE(0) & 0x7fffffff;
  return n === 0 ? 1 : n;
}

export const TOKEN_GUELTIGKEIT_MS = 24 * 60 * 60 * 1000;
